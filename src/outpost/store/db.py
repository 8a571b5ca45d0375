"""One SQLite connection with WAL, foreign keys, a schema version check and transactions.

Learned from qutebrowser `misc/sql.py`: the schema version lives in `PRAGMA user_version`, a
database written by a newer version is refused (opening it could lose what that version added),
and migrations run one by one, each in its own transaction.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from outpost.domain.errors import DatabaseTooNewError, StoreError
from outpost.private_files import private_dir, private_file, tighten
from outpost.store.backups import backups, take_backup
from outpost.store.migrations import MIGRATIONS

SCHEMA_VERSION = len(MIGRATIONS)
Row = sqlite3.Row


class Database:
    """A SQLite file opened for Outpost.

    The connection is in autocommit mode; every write goes through `transaction()`, which takes
    the write lock up front (BEGIN IMMEDIATE) so two Outpost processes never interleave halfway.
    The connection may be used from one thread at a time (the engine gives it its own thread).
    """

    def __init__(self, path: Path, *, backups_dir: Path | None = None) -> None:
        self.path = path
        try:
            _make_private(path)
            self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=10.0)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"Cannot open the database {path}: {exc}.") from exc
        self._conn.row_factory = sqlite3.Row
        self._in_transaction = False
        try:
            self._configure()
            self._check_integrity()
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise StoreError(damaged_message(path, str(exc), backups_dir)) from exc
        except BaseException:
            self._conn.close()
            raise

    def _configure(self) -> None:
        # WAL lets readers (the window, a CLI command) run while the engine writes; NORMAL is
        # durable across application crashes in WAL mode, which is what we need.
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA foreign_keys=ON")

    def _check_integrity(self) -> None:
        # quick_check reads every page once (milliseconds for a creator's database) and catches
        # a file damaged by a disk fault or a copy taken mid-write, before we write into it.
        result = self._conn.execute("PRAGMA quick_check").fetchone()[0]
        if result != "ok":
            raise sqlite3.DatabaseError(f"integrity check failed: {result}")

    def backup_into(self, folder: Path, now: datetime) -> Path:
        """A consistent snapshot of the database in `folder` (see `store.backups`)."""
        return take_backup(self._conn, folder, now)

    @property
    def user_version(self) -> int:
        """The schema version recorded in the file."""
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        version = self.user_version
        if version > SCHEMA_VERSION:
            raise DatabaseTooNewError(
                f"The database {self.path} was written by a newer Outpost (schema {version}; "
                f"this version knows up to {SCHEMA_VERSION}). Update Outpost to open it; it was "
                f"left untouched."
            )
        for number in range(version + 1, SCHEMA_VERSION + 1):
            self._apply(number, MIGRATIONS[number - 1])

    def _apply(self, number: int, script: str) -> None:
        try:
            self._conn.executescript(f"BEGIN IMMEDIATE;\n{script}\nPRAGMA user_version = {number};\nCOMMIT;")
        except sqlite3.Error:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run the block atomically; nested use joins the outer transaction."""
        if self._in_transaction:
            yield
            return
        self._execute("BEGIN IMMEDIATE")
        self._in_transaction = True
        try:
            yield
            self._execute("COMMIT")
        except BaseException:
            # SQLite has already rolled back by itself after some errors (a full disk, I/O
            # errors); rolling back again would raise and hide the real error.
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise
        finally:
            self._in_transaction = False

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """Run one statement (inside `transaction()` when it writes)."""
        return self._execute(sql, params)

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        """Run one statement for many rows."""
        try:
            self._conn.executemany(sql, rows)
        except sqlite3.IntegrityError:
            raise
        except sqlite3.Error as exc:
            raise self._store_error(exc) from exc

    def query(self, sql: str, params: Sequence[Any] = ()) -> list[Row]:
        """All rows of a query."""
        return self._execute(sql, params).fetchall()

    def _execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        try:
            return self._conn.execute(sql, params)
        except sqlite3.IntegrityError:
            raise
        except sqlite3.Error as exc:
            raise self._store_error(exc) from exc

    def _store_error(self, exc: sqlite3.Error) -> StoreError:
        return StoreError(
            f"Outpost could not write its database {self.path}: {exc}. Check that the disk is "
            f"not full and the folder is writable; nothing was lost."
        )

    def close(self) -> None:
        """Close the connection (checkpointing the WAL)."""
        self._conn.close()


def _make_private(path: Path) -> None:
    """The database file and its folder owner-only before SQLite opens them (issue #25).

    SQLite creates its files with the umask's leave (0644 under the usual 022) but gives `-wal`
    and `-shm` the database file's own mode, so a database made 0600 here keeps them 0600 too.
    Ones left by an older Outpost are tightened: three stats at start.
    """
    private_dir(path.parent)
    private_file(path)
    for companion in ("-wal", "-shm"):
        tighten(path.with_name(path.name + companion))


def damaged_message(path: Path, detail: str, backups_dir: Path | None) -> str:
    """What to tell a person whose database cannot be read: the newest backup and how to use it."""
    found = backups(backups_dir) if backups_dir is not None else []
    if not found:
        return (
            f"The database {path} cannot be read ({detail}). It may be damaged and there is no "
            f"backup yet; move it aside to start afresh (keep the file: it can often be repaired "
            f"with `sqlite3 {path.name} .recover`)."
        )
    return (
        f"The database {path} cannot be read ({detail}). It may be damaged. To restore the newest "
        f"backup ({found[0].name}): quit Outpost, rename {path.name} to {path.name}.damaged, "
        f"delete {path.name}-wal and {path.name}-shm if present, and copy {found[0]} to {path}."
    )
