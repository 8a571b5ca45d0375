"""The store as one object: the database file plus its repositories."""

from __future__ import annotations

from pathlib import Path

from outpost.store.accounts import AccountRepository
from outpost.store.db import Database
from outpost.store.posts import PostRepository

DATABASE_FILE = "outpost.sqlite3"


class Store:
    """Outpost's persistent state in `data_dir/outpost.sqlite3`.

    Attributes:
        accounts: connected accounts and their health.
        posts: posts, their media and targets.
    """

    def __init__(self, data_dir: Path) -> None:
        self.db = Database(data_dir / DATABASE_FILE)
        self.accounts = AccountRepository(self.db)
        self.posts = PostRepository(self.db)

    def close(self) -> None:
        """Close the database."""
        self.db.close()
