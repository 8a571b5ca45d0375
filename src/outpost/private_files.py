"""Owner-only folders and files in the data folder: drafts are unpublished work (issue #25).

Every folder Outpost makes in the data folder is 0700 and every file 0600, whatever the umask:
`mkdir(mode=…)` and `open(…, mode)` only ever *remove* bits with the umask, `mkdir` leaves an
existing folder as it was, and SQLite creates its files with the umask's leave. So each helper
here sets the mode itself after creating. An existing folder or file that group or others can
reach loses those bits (the owner's own bits are kept: a folder made read-only stays read-only).

Windows has no POSIX modes (`os.chmod` only toggles the read-only flag); the per-user folder
Outpost uses there (`%LOCALAPPDATA%`) is private by its access list, so the helpers only create.
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from pathlib import Path

PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600
_SHARED_BITS = 0o077  # anything for group or others
_POSIX = os.name == "posix"

log = logging.getLogger("outpost.files")


def private_dir(path: Path) -> int | None:
    """Make `path` an owner-only folder: created 0700 (missing parents too), or tightened.

    Missing parents are made 0700 as well, as the XDG base-directory spec asks of the folders an
    application creates on the way to its own.

    Returns:
        The mode an existing `path` had, if group or others could reach it and it was tightened.

    Raises:
        OSError: the folder cannot be made (read-only disk, a file in the way, no permission).
    """
    try:
        path.mkdir(mode=PRIVATE_DIR)
    except FileNotFoundError:
        private_dir(path.parent)
        return private_dir(path)
    except FileExistsError:
        if not path.is_dir():
            raise
        return _tighten(path)
    if _POSIX:
        os.chmod(path, PRIVATE_DIR)  # a umask such as 0277 would have taken the owner's bits too
    return None


def private_file(path: Path) -> None:
    """Make sure `path` exists and only its owner can read or write it (0600 when created).

    For files another program creates with the umask's leave (SQLite): created empty here first,
    SQLite opens it as it is, and gives its `-wal`/`-shm` companions the same mode.
    """
    os.close(open_private(path, os.O_RDONLY))


def open_private(path: Path, flags: int) -> int:
    """`os.open(path, flags | O_CREAT)` for a file only its owner can reach; a descriptor.

    A new file is 0600 whatever the umask; an existing one loses group and others' bits.
    """
    descriptor = os.open(path, flags | os.O_CREAT, PRIVATE_FILE)
    try:
        _tighten_open(descriptor)
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path` (its folder made private first); only the owner can read it."""
    private_dir(path.parent)
    with open(open_private(path, os.O_WRONLY | os.O_TRUNC), "wb") as handle:
        handle.write(data)


def tighten(path: Path) -> int | None:
    """Take group and others' bits off `path` if it exists; the mode it had if there were any."""
    try:
        return _tighten(path)
    except FileNotFoundError:
        return None


def make_data_folder_private(folder: Path) -> None:
    """Create the data folder 0700, or tighten one others can reach, and say so once in the log.

    A folder found open (an older Outpost, a copy, a restore from backup) has everything in it
    tightened too, once: later starts find it private and touch nothing below the top.
    """
    was = private_dir(folder)
    if was is None:
        return
    _tighten_tree(folder)
    log.warning(
        "The data folder %s was open to other users of this computer (%s); Outpost made it and "
        "everything in it private to you (%s): drafts are unpublished work.",
        folder,
        stat.filemode(stat.S_IFDIR | was),
        stat.filemode(stat.S_IFDIR | (was & ~_SHARED_BITS)),
    )


def _tighten(path: Path) -> int | None:
    if not _POSIX:
        return None
    was = stat.S_IMODE(path.stat().st_mode)
    if not was & _SHARED_BITS:
        return None
    try:
        os.chmod(path, was & ~_SHARED_BITS)
    except PermissionError:  # not its owner: only the owner (or root) may change it
        return None
    return was


def _tighten_open(descriptor: int) -> None:
    if not _POSIX:
        return
    was = stat.S_IMODE(os.fstat(descriptor).st_mode)
    if was & _SHARED_BITS:
        with contextlib.suppress(PermissionError):  # not its owner, as in `_tighten`
            os.fchmod(descriptor, was & ~_SHARED_BITS)


def _tighten_tree(folder: Path) -> None:
    """Tighten everything below `folder`, never following a link out of it."""
    for root, folders, files in os.walk(folder):
        for name in [*folders, *files]:
            entry = Path(root, name)
            if not entry.is_symlink():
                tighten(entry)
