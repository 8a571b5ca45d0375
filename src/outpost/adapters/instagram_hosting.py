"""The files Instagram fetches: put on the creator's media host, deleted once Instagram has them.

Instagram takes no file bytes ("We cURL media used in publishing attempts, so the media must be
hosted on a publicly accessible server at the time of the attempt", content-publishing guide).
Each file goes to the media host under a random key with a presigned URL that expires within the
hour; it is deleted as soon as its container is FINISHED or the post failed. A file whose publish
never came (an upload of a later file failed) is deleted once its URL expired, or when Outpost
closes; the media host's own sweep at start removes anything a crash left.
"""

from __future__ import annotations

import asyncio
import logging

import httpx

from outpost.adapters.base import HostedFile, MediaHost, Progress, UploadedMedia
from outpost.adapters.http import read, send
from outpost.domain.clock import Clock
from outpost.domain.enums import Network
from outpost.domain.errors import KnownError, NetworkUnavailable
from outpost.domain.models import MediaAsset

log = logging.getLogger("outpost.adapters.instagram")


class HostedFiles:
    """Files on the media host that Instagram has yet to fetch, by key."""

    def __init__(self, host: MediaHost, client: httpx.AsyncClient, clock: Clock) -> None:
        self._host = host
        self._client = client
        self._clock = clock
        self._waiting: dict[str, HostedFile] = {}

    @property
    def configured(self) -> bool:
        """Whether the creator set a media host."""
        return self._host.configured

    def __len__(self) -> int:
        return len(self._waiting)

    async def put(self, media: MediaAsset, progress: Progress | None) -> UploadedMedia:
        """Upload `media`; the UploadedMedia carries the presigned URL (and the key, to delete it)."""
        await self.sweep_expired()
        try:
            hosted = await self._host.put(media, progress)
        except (OSError, httpx.HTTPError) as exc:
            raise NetworkUnavailable(
                f"Your media host did not take {media.path} ({exc}); nothing was posted to Instagram. "
                f"Check it with `outpost media-host test`; Outpost will try again.",
                may_have_taken_effect=False,
            ) from None
        self._waiting[hosted.key] = hosted
        return UploadedMedia(media, remote_id=hosted.url, extra={"key": hosted.key})

    async def put_in_sandbox(self, base: str, media: MediaAsset) -> UploadedMedia:
        """The sandbox's simulated Instagram keeps files itself (a newcomer has no media host)."""
        content = await asyncio.to_thread(_read_all, media.path)
        request = self._client.build_request(
            "POST", f"{base}/sandbox-media", content=content, headers={"Content-Type": media.mime_type}
        )
        response = await send(self._client, request, network=Network.INSTAGRAM, clock=self._clock)
        return UploadedMedia(media, remote_id=str(read(response, Network.INSTAGRAM, "url", kind=str)))

    async def forget(self, media: tuple[UploadedMedia, ...]) -> None:
        """Delete these files: Instagram has fetched them (FINISHED), or the post failed."""
        for item in media:
            hosted = self._waiting.pop(item.extra.get("key", ""), None)
            if hosted is not None:
                await self._delete(hosted)

    async def sweep_expired(self) -> None:
        """Delete files whose URL expired (their publish never came): nobody can fetch them now."""
        now = self._clock.now()
        for key, hosted in list(self._waiting.items()):
            if hosted.expires_at <= now:
                del self._waiting[key]
                await self._delete(hosted)

    async def close(self) -> None:
        """Delete every file still waiting (Outpost is closing)."""
        for key in list(self._waiting):
            await self._delete(self._waiting.pop(key))

    async def _delete(self, hosted: HostedFile) -> None:
        try:
            await self._host.delete(hosted)
        except (KnownError, OSError, httpx.HTTPError) as exc:  # the host's own sweep removes it later
            log.warning("could not delete %s from the media host: %s", hosted.key, exc)


def _read_all(path: str) -> bytes:
    with open(path, "rb") as handle:
        return handle.read()


__all__ = ["HostedFiles"]
