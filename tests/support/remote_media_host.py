"""The loopback media host reachable from another process: the real `outpost` program's tests.

Until Outpost's own S3-compatible host (`outpost media-host set`, issue #18) can be pointed at a
local server, the program is run through `tests/support/outpost_with_media_host.py`, which opens
the engine with `HttpMediaHost` — the `open_engine` seam of `outpost.cli.main`, made for embedding
programs. Uploads and deletions then cross processes over HTTP to `ServedMediaHost`, which keeps
the same records (`objects`, `fetched`, `deleted`) as the in-process `LoopbackMediaHost`, so a test
can prove that nothing is left on the host after the real program published.
"""

from __future__ import annotations

import json
import secrets
from datetime import datetime
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx

from outpost.adapters.base import HostedFile, Progress
from outpost.domain.models import MediaAsset
from tests.support.media_host import EXPIRES_IN, LoopbackMediaHost

#: The environment variable naming the served host, for the launcher.
ENV = "OUTPOST_TEST_MEDIA_HOST"
LAUNCHER = Path(__file__).with_name("outpost_with_media_host.py")


class ServedMediaHost(LoopbackMediaHost):
    """`LoopbackMediaHost`, also taking uploads (`PUT /upload`) and deletions (`DELETE /KEY`) over HTTP."""

    def keep(self, name: str, content_type: str, data: bytes) -> HostedFile:
        """Keep `data` under a random key, as `put` does, with a URL that expires within the hour."""
        key = f"outpost/{secrets.token_urlsafe(16)}{Path(name).suffix.lower()}"
        expires_at = self._now() + EXPIRES_IN
        with self._lock:
            self.objects[key] = (data, content_type or "application/octet-stream")
            self.expiry[key] = expires_at
        url = f"{self.base_url}/{key}?X-Amz-Expires=3600&X-Amz-Date={int(expires_at.timestamp()) - 3600}"
        return HostedFile(url=url, key=key, expires_at=expires_at)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        host = self
        base = super()._handler()

        class Handler(base):  # type: ignore[valid-type, misc]
            def do_PUT(self) -> None:
                query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
                data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                hosted = host.keep(query.get("name", "file.bin"), query.get("type", ""), data)
                body = json.dumps(
                    {"url": hosted.url, "key": hosted.key, "expires_at": hosted.expires_at.isoformat()}
                ).encode()
                self._answer(200, body, "application/json")

            def do_DELETE(self) -> None:
                key = urlsplit(self.path).path.lstrip("/")
                with host._lock:
                    host.objects.pop(key, None)
                host.deleted.append(key)
                self._answer(204, b"", "text/plain")

        return Handler


class HttpMediaHost:
    """A `MediaHost` in the program's process that puts and deletes files on a `ServedMediaHost`."""

    def __init__(self, base_url: str) -> None:
        self._base = base_url.rstrip("/")

    @property
    def configured(self) -> bool:
        """Always: this host is set."""
        return True

    async def put(self, asset: MediaAsset, progress: Progress | None = None) -> HostedFile:
        """Upload the file; the served host answers with the presigned-like URL."""
        data = Path(asset.path).read_bytes()
        async with httpx.AsyncClient(timeout=30) as client:
            response = await client.put(
                f"{self._base}/upload",
                params={"name": Path(asset.path).name, "type": asset.mime_type},
                content=data,
            )
        response.raise_for_status()
        answer = response.json()
        if progress is not None:
            progress(len(data), len(data))
        return HostedFile(answer["url"], answer["key"], datetime.fromisoformat(answer["expires_at"]))

    async def delete(self, hosted: HostedFile) -> None:
        """Remove the object."""
        async with httpx.AsyncClient(timeout=30) as client:
            await client.delete(f"{self._base}/{hosted.key}")
