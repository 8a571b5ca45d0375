"""Daily database backups, and what a person is told when the database is damaged."""

from __future__ import annotations

import os
import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from outpost.domain.errors import StoreError
from outpost.domain.models import Post
from outpost.store import Store
from outpost.store.backups import backups
from tests.fakes import START
from tests.unit.store.test_posts import make_post


def _post(n: int) -> Post:
    post = make_post(f"post_{n}")
    return post.model_copy(update={"targets": (), "media": (), "text": f"post number {n} " + "x" * 400})


def _with_posts(data: Path, count: int) -> None:
    store = Store(data)
    for n in range(count):
        store.posts.insert(_post(n))
    store.close()


def test_a_backup_holds_every_post_and_opens_on_its_own(tmp_path: Path) -> None:
    data = tmp_path / "data"
    _with_posts(data, 5)
    store = Store(data)
    taken = store.back_up_if_due(START)
    store.close()
    assert taken is not None and taken.parent == data / "backups"
    restored = tmp_path / "restored"
    restored.mkdir()
    shutil.copyfile(taken, restored / "outpost.sqlite3")
    copy = Store(restored)
    assert sorted(p.id for p in copy.posts.all()) == [f"post_{n}" for n in range(5)]
    copy.close()


def test_one_backup_a_day_and_only_the_newest_seven_are_kept(tmp_path: Path) -> None:
    store = Store(tmp_path)
    assert store.back_up_if_due(START) is not None
    assert store.back_up_if_due(START + timedelta(hours=23)) is None
    for day in range(1, 10):
        assert store.back_up_if_due(START + timedelta(days=day)) is not None
    store.close()
    kept = backups(tmp_path / "backups")
    assert len(kept) == 7
    assert kept[0].name == f"outpost-{(START + timedelta(days=9)).strftime('%Y%m%dT%H%M%SZ')}.sqlite3"


def test_a_backup_that_cannot_be_written_is_a_clear_error_and_the_database_is_untouched(
    tmp_path: Path,
) -> None:
    _with_posts(tmp_path, 2)
    (tmp_path / "backups").write_text("a file where the folder should be")
    store = Store(tmp_path)
    with pytest.raises(StoreError, match=r"Could not back up.*Posts are unaffected"):
        store.back_up_if_due(START)
    assert len(store.posts.all()) == 2
    store.close()


def _damage(database: Path) -> None:
    """Overwrite the middle of the file with garbage, as a failing disk would."""
    size = database.stat().st_size
    with database.open("r+b") as handle:
        handle.seek(size // 2)
        handle.write(os.urandom(8192))


def test_a_damaged_database_is_caught_at_start_and_the_message_restores_the_newest_backup(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    _with_posts(data, 40)
    store = Store(data)
    newest = store.back_up_if_due(START)
    store.close()
    assert newest is not None
    database = data / "outpost.sqlite3"
    _damage(database)

    with pytest.raises(StoreError) as caught:
        Store(data)
    message = str(caught.value)
    assert "cannot be read" in message and str(newest) in message

    # Follow the steps the message gives.
    os.replace(database, data / "outpost.sqlite3.damaged")
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(newest, database)
    store = Store(data)
    assert len(store.posts.all()) == 40
    store.close()


def test_without_a_backup_the_message_says_how_to_start_afresh_without_losing_the_file(
    tmp_path: Path,
) -> None:
    _with_posts(tmp_path, 40)
    _damage(tmp_path / "outpost.sqlite3")
    with pytest.raises(StoreError, match=r"no backup yet.*\.recover"):
        Store(tmp_path)
