"""A public media host for tests: files served over real HTTP on 127.0.0.1 under random keys.

Instagram and Threads fetch media from a URL. The contract fakes of those networks download the
URL they are given, for real, from this server; a URL that expired or whose object was deleted
answers 403/404 like a presigned S3 URL would, so a fake can refuse it as the network does.

The S3-compatible host Outpost ships (`outpost media-host`) is tested against moto in server mode;
this one lets a network's contract tests run without it, and records what was put, fetched and
deleted so a test can prove nothing is left behind.
"""

from __future__ import annotations

import mimetypes
import secrets
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from outpost.adapters.base import HostedFile, Progress
from outpost.domain.models import MediaAsset

EXPIRES_IN = timedelta(hours=1)


class LoopbackMediaHost:
    """Implements Outpost's `MediaHost` over a real loopback HTTP server.

    Attributes:
        objects: key → (bytes, content type) still in the "bucket".
        fetched: keys downloaded, in order (by anyone: the fake networks).
        deleted: keys Outpost deleted.
        fail_puts: how many next `put` calls fail (an upload that breaks).
    """

    def __init__(self, now: Callable[[], datetime]) -> None:
        self._now = now
        self.objects: dict[str, tuple[bytes, str]] = {}
        self.expiry: dict[str, datetime] = {}
        self.fetched: list[str] = []
        self.deleted: list[str] = []
        self.fail_puts = 0
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.01})
        self._thread.daemon = True

    @property
    def configured(self) -> bool:
        """Always: this host is set."""
        return True

    @property
    def base_url(self) -> str:
        """Where the server listens."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> None:
        """Serve in a background thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()

    async def put(self, asset: MediaAsset, progress: Progress | None = None) -> HostedFile:
        """Keep the file's bytes under a random key; the URL carries its expiry like a presigned one."""
        if self.fail_puts:
            self.fail_puts -= 1
            raise OSError("the media host refused the upload (injected)")
        data = Path(asset.path).read_bytes()
        key = f"outpost/{secrets.token_urlsafe(16)}{Path(asset.path).suffix.lower()}"
        expires_at = self._now() + EXPIRES_IN
        content_type = asset.mime_type or mimetypes.guess_type(asset.path)[0] or "application/octet-stream"
        with self._lock:
            self.objects[key] = (data, content_type)
            self.expiry[key] = expires_at
        if progress is not None:
            progress(len(data), len(data))
        url = f"{self.base_url}/{key}?X-Amz-Expires=3600&X-Amz-Date={int(expires_at.timestamp()) - 3600}"
        return HostedFile(url=url, key=key, expires_at=expires_at)

    async def delete(self, hosted: HostedFile) -> None:
        """Remove the object (fine when it is already gone)."""
        with self._lock:
            self.objects.pop(hosted.key, None)
        self.deleted.append(hosted.key)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        host = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                key = parts.path.lstrip("/")
                signed_at = parse_qs(parts.query).get("X-Amz-Date", [""])[0]
                with host._lock:
                    found = host.objects.get(key)
                    expires_at = host.expiry.get(key)
                if found is None or expires_at is None or not signed_at:
                    self._answer(404, b"<Error><Code>NoSuchKey</Code></Error>", "application/xml")
                    return
                if host._now() >= expires_at:
                    self._answer(
                        403, b"<Error><Code>AccessDenied</Code>Request has expired</Error>", "application/xml"
                    )
                    return
                host.fetched.append(key)
                self._answer(200, found[0], found[1])

            def _answer(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                """Quiet."""

        return Handler


@contextmanager
def loopback_media_host(now: Callable[[], datetime]) -> Iterator[LoopbackMediaHost]:
    """A running `LoopbackMediaHost` for the length of a test."""
    host = LoopbackMediaHost(now)
    host.start()
    try:
        yield host
    finally:
        host.stop()
