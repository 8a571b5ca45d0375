"""Owner-only folders and files, whatever the umask (issue #25), piece by piece.

The whole program is checked in tests/reliability/test_privacy.py; these look at each writer on
its own, under umask 000 (everything the umask would allow is allowed), in this process.
"""

from __future__ import annotations

import logging
import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from outpost.config.settings import Settings, save_settings
from outpost.log import RotatingFile
from outpost.media.cache import MediaCache
from outpost.private_files import make_data_folder_private, private_dir, write_private
from outpost.store.db import Database

pytestmark = pytest.mark.skipif(os.name != "posix", reason="POSIX modes")
SHA = "ab" * 32


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


@pytest.fixture(autouse=True)
def umask_000() -> Iterator[None]:
    """The loosest umask a person may have: only Outpost's own modes keep files private."""
    before = os.umask(0)
    try:
        yield
    finally:
        os.umask(before)


def test_missing_folders_on_the_way_are_made_owner_only(tmp_path: Path) -> None:
    deep = tmp_path / "a" / "b" / "data"
    assert private_dir(deep) is None
    assert [mode(p) for p in (tmp_path / "a", tmp_path / "a" / "b", deep)] == [0o700] * 3


def test_an_open_folder_loses_only_what_others_had(tmp_path: Path) -> None:
    shared, read_only = tmp_path / "shared", tmp_path / "read-only"
    shared.mkdir(0o775)
    read_only.mkdir(0o555)
    assert private_dir(shared) == 0o775 and mode(shared) == 0o700
    assert private_dir(read_only) == 0o555 and mode(read_only) == 0o500  # still read-only for its owner
    assert private_dir(shared) is None  # already private: nothing to say


def test_an_open_data_folder_is_tightened_throughout_and_said_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    data = tmp_path / "data"
    (data / "logs").mkdir(parents=True, mode=0o755)
    data.chmod(0o755)
    (data / "outpost.sqlite3").write_text("")
    (data / "outpost.sqlite3").chmod(0o644)
    elsewhere = tmp_path / "photo.jpg"
    elsewhere.write_text("")
    elsewhere.chmod(0o644)
    (data / "pasted.jpg").symlink_to(elsewhere)

    with caplog.at_level(logging.INFO, logger="outpost"):
        make_data_folder_private(data)
        make_data_folder_private(data)

    assert [mode(p) for p in (data, data / "logs", data / "outpost.sqlite3")] == [0o700, 0o700, 0o600]
    assert mode(elsewhere) == 0o644  # a link out of the folder is not followed
    said = [r.getMessage() for r in caplog.records if "open to other users" in r.getMessage()]
    assert len(said) == 1 and str(data) in said[0] and "drwxr-xr-x" in said[0]


def test_the_database_and_its_wal_and_shm_are_owner_only(tmp_path: Path) -> None:
    database = Database(tmp_path / "data" / "outpost.sqlite3")
    try:
        database.execute("CREATE TABLE t (x)")  # a write: the WAL is in use
        files = [
            tmp_path / "data" / name
            for name in ("outpost.sqlite3", "outpost.sqlite3-wal", "outpost.sqlite3-shm")
        ]
        assert [mode(p) for p in files] == [0o600] * 3
        assert mode(tmp_path / "data") == 0o700
    finally:
        database.close()


def test_a_database_an_older_outpost_left_open_is_tightened_with_its_wal_and_shm(tmp_path: Path) -> None:
    Database(tmp_path / "outpost.sqlite3").close()
    files = [tmp_path / name for name in ("outpost.sqlite3", "outpost.sqlite3-wal", "outpost.sqlite3-shm")]
    for path in files:
        path.touch()
        path.chmod(0o644)
    database = Database(tmp_path / "outpost.sqlite3")
    try:
        database.execute("CREATE TABLE t (x)")
        assert [mode(p) for p in files] == [0o600] * 3
    finally:
        database.close()


def test_a_backup_is_owner_only_even_over_a_crashed_one(tmp_path: Path) -> None:
    database = Database(tmp_path / "outpost.sqlite3")
    now = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    leftover = tmp_path / "backups" / "outpost-20260301T090000Z.partial"
    leftover.parent.mkdir(mode=0o755)
    leftover.write_text("half a copy, from a crash")
    try:
        taken = database.backup_into(tmp_path / "backups", now)
    finally:
        database.close()
    assert (mode(taken), mode(taken.parent)) == (0o600, 0o700)
    assert not leftover.exists()


def test_settings_cache_and_fixed_copies_are_owner_only(tmp_path: Path) -> None:
    data = tmp_path / "data"
    save_settings(data, Settings())
    cache = MediaCache(data / "cache" / "media")
    copy = cache.write(cache.derived_path(SHA, "00ff" * 4, "image/jpeg"), b"jpeg")
    thumb = cache.write(cache.thumb_path(SHA), b"jpeg")
    fixed = data / "fixed" / "photo-for-mastodon.jpg"
    write_private(fixed, b"jpeg")
    files = [data / "settings.json", copy, thumb, fixed]
    assert [mode(p) for p in files] == [0o600] * 4
    folders = [data, data / "cache", data / "cache" / "media", copy.parent, thumb.parent, fixed.parent]
    assert [mode(p) for p in folders] == [0o700] * 6


def test_a_rotated_log_and_the_new_one_are_owner_only(tmp_path: Path) -> None:
    handler = RotatingFile(tmp_path / "outpost.log", max_bytes=100, backups=2)
    handler.setFormatter(logging.Formatter("%(message)s"))
    try:
        for n in range(3):
            handler.emit(logging.makeLogRecord({"msg": f"line {n} " + "x" * 60}))
    finally:
        handler.close()
    logs = [tmp_path / "outpost.log", tmp_path / "outpost.log.1", tmp_path / "outpost.log.2"]
    assert [mode(p) for p in logs] == [0o600] * 3
