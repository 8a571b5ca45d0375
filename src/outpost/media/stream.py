"""Reading files for upload in chunks, reporting progress: a 2 GB video never sits in memory."""

from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO

Progress = Callable[[int, int], None]


class ProgressReader:
    """A read-only file wrapper that reports `(bytes read, total)` as an upload consumes it.

    httpx streams multipart file parts by calling `read(n)` in chunks, so wrapping the handle is
    all it takes to keep memory flat and the progress bar moving.
    """

    def __init__(self, handle: BinaryIO, total: int, progress: Progress | None) -> None:
        self._handle = handle
        self._total = total
        self._progress = progress
        self._sent = 0
        self.name = getattr(handle, "name", "upload")

    def read(self, size: int = -1) -> bytes:
        """Read up to `size` bytes and report how far the upload got."""
        chunk = self._handle.read(size)
        self._sent += len(chunk)
        if self._progress is not None and chunk:
            self._progress(self._sent, self._total)
        return chunk

    def seek(self, offset: int, whence: int = 0) -> int:
        """Rewind (httpx seeks to the start before sending); progress restarts with it."""
        position = self._handle.seek(offset, whence)
        self._sent = position
        return position

    def tell(self) -> int:
        """The position in the file."""
        return self._handle.tell()
