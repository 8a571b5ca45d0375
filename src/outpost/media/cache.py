"""The content-addressed media cache in the data folder: derived copies and thumbnails.

Names are built from hex digests only, so no input can make a path escape the cache. Files are
written atomically. `sweep` removes what no post that may still be published needs.
"""

from __future__ import annotations

import os
import re
import tempfile
import time
from pathlib import Path

from outpost.media.probe import EXTENSIONS
from outpost.private_files import private_dir

_HEX = re.compile(r"^[0-9a-f]{16,64}$")


class MediaCache:
    """`root/derived/<source sha>-<plan>.<ext>` and `root/thumbs/<source sha>.jpg`."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.derived_dir = root / "derived"
        self.thumbs_dir = root / "thumbs"

    def derived_path(self, source_sha: str, variant: str, mime_type: str) -> Path:
        """Where the derived copy of `source_sha` made by `variant` (a hex key) lives."""
        _require_hex(source_sha)
        _require_hex(variant)
        return self.derived_dir / f"{source_sha}-{variant}.{EXTENSIONS.get(mime_type, 'bin')}"

    def thumb_path(self, source_sha: str) -> Path:
        """Where the thumbnail of `source_sha` lives."""
        _require_hex(source_sha)
        return self.thumbs_dir / f"{source_sha}.jpg"

    def write(self, path: Path, data: bytes) -> Path:
        """Write `data` to `path` atomically (a crash never leaves half a file under that name)."""
        if self.root.resolve() not in path.resolve().parents:
            raise ValueError(f"{path} is outside the media cache")
        private_dir(path.parent)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")  # 0600, kept by the rename
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

    def scratch(self, path: Path) -> Path:
        """A new empty private file beside `path` for an encoder to write (`place` it when done).

        A re-encoded video is written by FFmpeg to a file, not held in memory as bytes; once
        complete it is renamed to `path`, so a crash never leaves half a video under that name.
        """
        if self.root.resolve() not in path.resolve().parents:
            raise ValueError(f"{path} is outside the media cache")
        private_dir(path.parent)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")  # 0600, kept by the rename
        os.close(fd)
        return Path(tmp)

    def place(self, scratch: Path, path: Path) -> Path:
        """Move a finished `scratch` file to its name `path` (atomically)."""
        os.replace(scratch, path)
        return path

    def sweep(self, keep: set[str]) -> int:
        """Delete cached files whose source hash is not in `keep`; returns how many went."""
        removed = 0
        for folder in (self.derived_dir, self.thumbs_dir):
            if not folder.is_dir():
                continue
            for file in folder.iterdir():
                source = file.name.split("-", 1)[0].split(".", 1)[0]
                if file.name.startswith(".tmp-") and _recent(file):
                    continue  # a copy being written now (a video takes a while)
                if file.is_file() and source not in keep:
                    file.unlink(missing_ok=True)
                    removed += 1
        return removed


def _recent(file: Path) -> bool:
    """Whether `file` changed in the last hour (an encoder writing it); a crash's leftover is older."""
    try:
        return time.time() - file.stat().st_mtime < 3600
    except OSError:
        return False


def _require_hex(value: str) -> None:
    if not _HEX.match(value):
        raise ValueError(f"not a cache key: {value!r}")
