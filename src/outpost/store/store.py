"""The store as one object: the database file plus its repositories."""

from __future__ import annotations

from datetime import datetime
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from outpost.store.accounts import AccountRepository
from outpost.store.backups import BACKUP_DIR, backup_is_due
from outpost.store.checkpoints import CheckpointRepository
from outpost.store.db import Database
from outpost.store.hooks import HookRepository
from outpost.store.posts import PostRepository

if TYPE_CHECKING:
    from outpost.store.campaigns import CampaignRepository
    from outpost.store.library import LibraryRepository
    from outpost.store.metrics import MetricsRepository
    from outpost.store.series import SeriesRepository
    from outpost.store.snippets import SnippetRepository

DATABASE_FILE = "outpost.sqlite3"


class Store:
    """Outpost's persistent state in `data_dir/outpost.sqlite3`.

    Attributes:
        accounts: connected accounts and their health.
        posts: posts, their media and targets.
        checkpoints: what adapters must remember to resume after a restart.
        hooks: the creator's receivers of events (never their secrets).
        library: every file a post carried, once by its content (issue #24).
        campaigns: campaigns posts belong to, and the tags posts carry (issue #24).
        snippets: reusable text pieces for the composer.
        metrics: metric readings, follower counts and imported posts (statistics).
    """

    def __init__(self, data_dir: Path) -> None:
        self.backups_dir = data_dir / BACKUP_DIR
        self.db = Database(data_dir / DATABASE_FILE, backups_dir=self.backups_dir)
        self.accounts = AccountRepository(self.db)
        self.posts = PostRepository(self.db)
        self.checkpoints = CheckpointRepository(self.db)
        self.hooks = HookRepository(self.db)

    # The repositories below are made (and their modules imported) on first use: a one-shot
    # command pays only for the tables it touches (issue #26).

    @cached_property
    def series(self) -> SeriesRepository:
        """Recurring series and evergreen posts (issue #22)."""
        from outpost.store.series import SeriesRepository

        return SeriesRepository(self.db)

    @cached_property
    def library(self) -> LibraryRepository:
        """The media library (issue #24)."""
        from outpost.store.library import LibraryRepository

        return LibraryRepository(self.db)

    @cached_property
    def campaigns(self) -> CampaignRepository:
        """Campaigns and tags (issue #24)."""
        from outpost.store.campaigns import CampaignRepository

        return CampaignRepository(self.db)

    @cached_property
    def snippets(self) -> SnippetRepository:
        """The composer's snippets."""
        from outpost.store.snippets import SnippetRepository

        return SnippetRepository(self.db)

    @cached_property
    def metrics(self) -> MetricsRepository:
        """Statistics: readings, follower counts, imported posts (issue #21)."""
        from outpost.store.metrics import MetricsRepository

        return MetricsRepository(self.db)

    def back_up_if_due(self, now: datetime) -> Path | None:
        """Take the daily backup if the newest is a day old (or missing); the path if one was taken."""
        if not backup_is_due(self.backups_dir, now):
            return None
        return self.db.backup_into(self.backups_dir, now)

    def data_version(self) -> int:
        """A number that changes whenever another connection (another process) commits.

        SQLite's `PRAGMA data_version` is per connection and ignores this connection's own
        commits, so a change means someone else wrote: the CLI, `outpost run`, the window.
        """
        return int(self.db.query("PRAGMA data_version")[0][0])

    def close(self) -> None:
        """Close the database."""
        self.db.close()
