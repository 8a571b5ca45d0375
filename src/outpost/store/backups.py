"""Copies of the database taken while Outpost runs, so a damaged file never costs a creator's posts.

Backups use SQLite's online backup API (`sqlite3.Connection.backup`): a consistent snapshot
even while the engine writes, which copying the file (with its WAL beside it) is not. One is taken
when the engine starts if the newest is older than a day; the newest `KEEP` are kept.
"""

from __future__ import annotations

import contextlib
import os
import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from outpost.domain.errors import StoreError
from outpost.private_files import private_dir, private_file

BACKUP_DIR = "backups"
KEEP = 7
DUE_AFTER = timedelta(days=1)
_NAME = re.compile(r"^outpost-(\d{8}T\d{6}Z)\.sqlite3$")
_STAMP = "%Y%m%dT%H%M%SZ"


def backups(folder: Path) -> list[Path]:
    """The backups in `folder`, newest first."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if _NAME.match(p.name)]
    return sorted(found, key=lambda p: p.name, reverse=True)


def take_backup(source: sqlite3.Connection, folder: Path, now: datetime, *, keep: int = KEEP) -> Path:
    """Snapshot the open database into `folder` and drop all but the newest `keep` backups.

    The copy is written beside its final name and renamed into place, so a backup that exists is
    always whole.

    Raises:
        StoreError: the folder cannot be written (disk full, read-only); the database is untouched.
    """
    target = folder / f"outpost-{now.astimezone(UTC).strftime(_STAMP)}.sqlite3"
    partial = target.with_suffix(".partial")
    try:
        private_dir(folder)
        partial.unlink(missing_ok=True)  # a crash's leftover: the copy starts from an empty file
        private_file(partial)  # 0600 whatever the umask; SQLite keeps the mode of a file it opens
        destination = sqlite3.connect(partial)
        try:
            source.backup(destination)
        finally:
            destination.close()
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as exc:
        with contextlib.suppress(OSError):
            partial.unlink(missing_ok=True)
        raise StoreError(
            f"Could not back up the database into {folder}: {exc}. Posts are unaffected."
        ) from exc
    for old in backups(folder)[keep:]:
        old.unlink(missing_ok=True)
    return target


def backup_is_due(folder: Path, now: datetime, *, every: timedelta = DUE_AFTER) -> bool:
    """Whether the newest backup is older than `every` (or there is none)."""
    newest = backups(folder)
    if not newest:
        return True
    match = _NAME.match(newest[0].name)
    assert match is not None
    taken = datetime.strptime(match.group(1), _STAMP).replace(tzinfo=UTC)
    return now - taken >= every
