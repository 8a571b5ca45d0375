"""Thumbnails of posts' first pictures for lists (queue rows, calendar cards), read once each.

The picture's cached thumbnail comes through `engine.media` (made again if the cache lost it),
its bytes are read off the Qt thread, and the pixmap is kept by content hash: a picture used by
many posts is read once. A file moved or deleted after it was attached shows no thumbnail.
"""

from __future__ import annotations

import asyncio

from outpost.domain.errors import KnownError
from outpost.domain.media_info import MediaInfo, MediaKind
from outpost.domain.models import MediaAsset
from outpost.engine import Engine
from outpost.gui.qt import QObject, QPixmap, Signal
from outpost.gui.tasks import run_op


class Thumbnails(QObject):
    """Pixmaps of pictures' thumbnails by sha256, read in the background on first request.

    Signals:
        did_load(str): the thumbnail of this sha256 is ready (`get` now returns it).
    """

    did_load = Signal(str)

    def __init__(self, engine: Engine, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self._pixmaps: dict[str, QPixmap | None] = {}  # None while read, or if it cannot be
        self.reads = 0  # how many thumbnails were read (each picture once)

    def get(self, asset: MediaAsset | None) -> QPixmap | None:
        """The thumbnail of `asset` if read; the first call starts reading it."""
        if asset is None or not asset.sha256 or asset.kind == MediaKind.DOCUMENT:
            return None
        sha = asset.sha256
        if sha not in self._pixmaps:
            self._pixmaps[sha] = None
            self.reads += 1
            run_op(_thumbnail_bytes(self.engine, asset), on_success=lambda data: self._read(sha, data))
        return self._pixmaps[sha]

    def _read(self, sha: str, data: bytes | None) -> None:
        pixmap = QPixmap()
        if data is not None and pixmap.loadFromData(data):
            self._pixmaps[sha] = pixmap
            self.did_load.emit(sha)


async def _thumbnail_bytes(engine: Engine, asset: MediaAsset) -> bytes | None:
    """The cached thumbnail's bytes (made again if the cache lost it); None if the file is gone.

    A post's picture can be moved or deleted after it was attached (the post keeps its path):
    the list then shows no thumbnail rather than an error.
    """
    info = MediaInfo(
        path=asset.path,
        mime_type=asset.mime_type,
        kind=MediaKind(asset.kind),
        size=asset.size,
        sha256=asset.sha256 or "",
        width=asset.width,
        height=asset.height,
    )
    try:
        path = await engine.media.thumbnail(info)
        return None if path is None else await asyncio.to_thread(path.read_bytes)
    except (OSError, ValueError, KnownError):  # gone, unreadable, or not a picture after all
        return None
