"""Which engines are alive, told by lock files.

Each running engine holds a lock file, so a restarted engine can tell a target abandoned by a
crash from one that another process is publishing right now.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from outpost.private_files import open_private, private_dir

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: ownership falls back to "alive while the file exists"
    fcntl = None  # type: ignore[assignment]


class InstanceLock:
    """A lock file `run/<id>.lock`, held (flock) for as long as this engine lives."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.owner = f"eng_{secrets.token_hex(6)}"
        private_dir(folder)
        self._path = folder / f"{self.owner}.lock"
        self._fd = open_private(self._path, os.O_RDWR)
        if fcntl is not None:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)

    def is_alive(self, owner: str) -> bool:
        """Whether the engine `owner` still runs (its lock is held)."""
        if owner == self.owner:
            return True
        path = self.folder / f"{owner}.lock"
        if not path.exists():
            return False
        if fcntl is None:  # pragma: no cover
            return True
        fd = os.open(path, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        finally:
            os.close(fd)
        path.unlink(missing_ok=True)
        return False

    def release(self) -> None:
        """Give the lock up (at a clean shutdown)."""
        with contextlib.suppress(OSError):
            os.close(self._fd)
        self._path.unlink(missing_ok=True)
