"""A media host on this computer, for accounts on the sandbox's simulated networks.

Threads (and Instagram) fetch media from a public address, which the sandbox's simulated network
cannot do (it never contacts anything, issue #17), and a creator's real bucket must not receive
sandbox files. So for an account on the simulated network (`oauth_app.local_api`) the adapter
puts files on that network itself: `PUT {api}/media/{key}`, `DELETE` the same address after.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from datetime import datetime, timedelta
from pathlib import Path

import httpx

from outpost.adapters.base import HostedFile, Progress
from outpost.domain.errors import NetworkUnavailable
from outpost.domain.models import MediaAsset


class LocalMediaHost:
    """Implements `MediaHost` against a simulated network on 127.0.0.1 (`base`)."""

    def __init__(self, client: httpx.AsyncClient, base: str, now: datetime) -> None:
        self._client = client
        self._base = base.rstrip("/")
        self._now = now

    @property
    def configured(self) -> bool:
        """Always: the simulated network keeps the files."""
        return True

    async def put(self, asset: MediaAsset, progress: Progress | None = None) -> HostedFile:
        """Send the file to the simulated network under a random key."""
        data = await asyncio.to_thread(Path(asset.path).read_bytes)
        key = f"{secrets.token_urlsafe(12)}{Path(asset.path).suffix.lower()}"
        url = f"{self._base}/media/{key}"
        try:
            response = await self._client.put(url, content=data, headers={"Content-Type": asset.mime_type})
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise NetworkUnavailable(
                f"The sandbox's simulated network did not take the file ({exc}); is the sandbox running?",
                may_have_taken_effect=False,
            ) from None
        if progress is not None:
            progress(len(data), len(data))
        return HostedFile(url=url, key=key, expires_at=self._now + timedelta(hours=1))

    async def delete(self, hosted: HostedFile) -> None:
        """Remove it from the simulated network (fine if it is gone)."""
        with contextlib.suppress(httpx.HTTPError):  # the simulation keeps files in memory only
            await self._client.delete(hosted.url)


__all__ = ["LocalMediaHost"]
