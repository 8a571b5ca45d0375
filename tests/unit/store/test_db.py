"""The SQLite file: WAL, foreign keys, migrations, and refusing what it must refuse."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from outpost.domain.errors import DatabaseTooNewError, StoreError
from outpost.store import Database
from outpost.store.db import SCHEMA_VERSION


def test_new_database_is_migrated_to_the_current_schema_in_wal_mode(tmp_path: Path) -> None:
    db = Database(tmp_path / "o.sqlite3")
    assert db.user_version == SCHEMA_VERSION
    assert db.query("PRAGMA journal_mode")[0][0] == "wal"
    assert db.query("PRAGMA foreign_keys")[0][0] == 1
    tables = {r[0] for r in db.query("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"accounts", "posts", "media", "targets"} <= tables
    db.close()


def test_reopening_keeps_data_and_does_not_migrate_again(tmp_path: Path) -> None:
    path = tmp_path / "o.sqlite3"
    db = Database(path)
    with db.transaction():
        db.execute(
            "INSERT INTO posts (id, status, text, created_at, updated_at) VALUES ('p', 'draft', 'hi', 'a', 'a')"
        )
    db.close()
    again = Database(path)
    assert again.query("SELECT text FROM posts")[0][0] == "hi"
    again.close()


def test_database_from_a_newer_outpost_is_refused_and_left_untouched(tmp_path: Path) -> None:
    path = tmp_path / "o.sqlite3"
    raw = sqlite3.connect(path)
    raw.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    raw.execute("CREATE TABLE future (x)")
    raw.commit()
    raw.close()
    with pytest.raises(DatabaseTooNewError, match="newer Outpost"):
        Database(path)
    raw = sqlite3.connect(path)
    assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION + 1
    assert raw.execute("SELECT name FROM sqlite_master WHERE name = 'posts'").fetchone() is None
    raw.close()


def test_a_file_that_is_not_a_database_gives_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "o.sqlite3"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError, match="cannot be read"):
        Database(path)


def test_failed_transaction_rolls_back_everything(tmp_path: Path) -> None:
    db = Database(tmp_path / "o.sqlite3")
    with pytest.raises(RuntimeError), db.transaction():
        db.execute(
            "INSERT INTO posts (id, status, text, created_at, updated_at) VALUES ('p', 'draft', '', 'a', 'a')"
        )
        raise RuntimeError("boom")
    assert db.query("SELECT count(*) FROM posts")[0][0] == 0
    db.close()


def test_schema_rejects_statuses_outside_the_interface(tmp_path: Path) -> None:
    db = Database(tmp_path / "o.sqlite3")
    with pytest.raises(sqlite3.IntegrityError), db.transaction():
        db.execute(
            "INSERT INTO posts (id, status, text, created_at, updated_at) VALUES ('p', 'sent', '', 'a', 'a')"
        )
    db.close()


def test_foreign_keys_cascade_from_posts_to_targets(tmp_path: Path) -> None:
    db = Database(tmp_path / "o.sqlite3")
    with db.transaction():
        db.execute(
            "INSERT INTO accounts (id, network, handle, secret_ref, created_at) VALUES ('a', 'x', 'h', 'r', 't')"
        )
        db.execute(
            "INSERT INTO posts (id, status, text, created_at, updated_at) VALUES ('p', 'draft', '', 't', 't')"
        )
        db.execute(
            "INSERT INTO targets (id, post_id, position, account_id, network, status, idempotency_key, "
            "updated_at) VALUES ('t', 'p', 0, 'a', 'x', 'pending', 'k', 't')"
        )
    with pytest.raises(sqlite3.IntegrityError), db.transaction():
        db.execute("DELETE FROM accounts WHERE id = 'a'")
    with db.transaction():
        db.execute("DELETE FROM posts WHERE id = 'p'")
    assert db.query("SELECT count(*) FROM targets")[0][0] == 0
    db.close()


def test_data_folder_that_cannot_be_created_gives_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data folder should be")
    with pytest.raises(StoreError, match="Cannot open the database"):
        Database(blocker / "o.sqlite3")
