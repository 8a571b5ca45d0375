"""Reading metrics from the networks on their own schedule, and on demand (issue #21).

Each published item is read at 1 h, 6 h, 24 h, 7 d and 30 d after publishing (a read that comes
late — Outpost was closed — stands for the latest age it reached, so nothing is read twice to
catch up), follower counts once a day per account. Reads go one account at a time, all of an
account's due items in one `read_metrics` call (the adapter batches as its network allows).

Networks are asked only where the adapter `can_read_metrics`; a network whose reads cost money
(`metrics_cost`: X) only when the person turned on `stats_paid_networks`. A `RateLimited` answer
stops that account until the network's reset: no retries in between, ever.

All of it runs as a background task of the engine on the engine's clock (tests move time), and
its store calls go through the store worker like everything else, never on the window's thread.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from outpost.adapters.base import NetworkAdapter
from outpost.domain.accounts import is_sandbox
from outpost.domain.analytics import (
    AGE_LABELS,
    READ_AGES,
    followers_at,
    next_read_at,
    spike,
)
from outpost.domain.errors import KnownError, PublishError, RateLimited
from outpost.domain.metrics import MetricReading
from outpost.domain.models import Account, PublishedPart
from outpost.engine.core import EngineCore
from outpost.engine.events import EngagementSpike, Event, PostDidChange, SettingsDidChange
from outpost.store.metrics import TrackedItem, item_key

log = logging.getLogger("outpost.engine.stats")

#: Items older than this are settled: no scheduled read is left (30 d plus a day's grace).
TRACK_FOR = READ_AGES[-1] + timedelta(days=1)
#: Spikes are news while a post is young; an imported year-old post is not "taking off".
SPIKE_WINDOW = timedelta(days=8)
#: How often the loop looks again even when nothing is due (new posts also wake it).
POLL = timedelta(minutes=15)
#: The first round waits this long after the engine starts.
START_DELAY = timedelta(minutes=2)
#: A rate limit without a reset time: leave the account alone this long.
DEFAULT_BACKOFF = timedelta(minutes=15)
#: The most posts one history import brings in per account.
BACKFILL_LIMIT = 5000


@dataclass
class AccountCollection:
    """What one collection did for one account (`stats collect`'s answer, one entry per account)."""

    account: Account
    read: int = 0
    imported: int = 0
    followers: int | None = None
    skipped: str | None = None
    problems: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, object]:
        """The entry as `outpost stats collect --json` prints it."""
        return {
            "account_id": self.account.id,
            "account": self.account.ref,
            "network": self.account.network.value,
            "posts_read": self.read,
            "posts_imported": self.imported,
            "followers": self.followers,
            "skipped": self.skipped,
            "problems": list(self.problems),
        }


class Collector:
    """Reads numbers for published posts when they are due; see the module's docstring."""

    def __init__(
        self, core: EngineCore, *, poll: timedelta = POLL, start_delay: timedelta = START_DELAY
    ) -> None:
        self._core = core
        self._poll = poll
        self._start_delay = start_delay
        self._wake = asyncio.Event()
        self._paused_until: dict[str, datetime] = {}
        self._lock = asyncio.Lock()  # the loop and an on-demand collection never read at once
        #: Counts the batches of numbers recorded: what was worked out from them is stale when it moves.
        self.version = 0

    # -- the loop ---------------------------------------------------------------------------------

    async def run(self) -> None:
        """Read what is due, wait until the next read (or a publication), repeat until cancelled."""
        unsubscribe = self._core.events.subscribe(self._on_event)
        try:
            # Not at start: opening the window or a one-shot `outpost run --until-idle` sends no
            # statistics requests; the first round comes a little later (or when a post goes out).
            clock = self._core.clock
            await clock.wait_until(clock.now() + self._start_delay, asyncio.Event())
            while True:
                clock = self._core.clock
                try:
                    next_at = await self.read_due()
                except KnownError as error:  # e.g. the store is closing: say it, try again later
                    log.warning("reading statistics: %s", error)
                    next_at = None
                self._wake.clear()
                deadline = clock.now() + self._poll
                if next_at is not None:
                    deadline = min(deadline, next_at)
                await clock.wait_until(deadline, self._wake)
        finally:
            unsubscribe()

    def _on_event(self, event: Event) -> None:
        if isinstance(event, PostDidChange | SettingsDidChange):
            self._wake.set()  # a post went out (first read in an hour), or paid reads were allowed

    def poke(self) -> None:
        """Look again now (settings changed, a post was published)."""
        self._wake.set()

    async def read_due(self) -> datetime | None:
        """One round: every due scheduled read and today's follower counts; when the next is due."""
        core = self._core
        async with self._lock:
            now = core.clock.now()
            accounts = {a.id: a for a in await core.db.run(core.store.accounts.all)}
            items = await core.db.run(core.store.metrics.tracked, now - TRACK_FOR)
            due: dict[str, list[TrackedItem]] = defaultdict(list)
            upcoming: list[datetime] = []
            for item in items:
                when = next_read_at(item.published_at, item.done_slot)
                if when is None or item.account_id not in accounts:
                    continue
                if when <= now:
                    due[item.account_id].append(item)
                else:
                    upcoming.append(when)
            for account in accounts.values():
                adapter = self._readable_adapter(account, now)
                if adapter is None:
                    continue
                if due.get(account.id):
                    read = await self._read(account, adapter, due[account.id], now)
                    upcoming.extend(
                        when
                        for item, slot in read
                        if (when := next_read_at(item.published_at, slot)) is not None
                    )
                await self._count_followers(account, adapter, now, daily=True)
            upcoming.extend(until for until in self._paused_until.values() if until > now)
            tomorrow = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), now.tzinfo)
            upcoming.append(tomorrow)
            return min(upcoming)

    # -- on demand --------------------------------------------------------------------------------

    async def collect(
        self, accounts: Sequence[Account], backfill_days: int | None = None
    ) -> list[AccountCollection]:
        """Read every item of the last 31 days of `accounts` now (and import history first if asked)."""
        core = self._core
        results: list[AccountCollection] = []
        async with self._lock:
            now = core.clock.now()
            for account in accounts:
                result = AccountCollection(account)
                results.append(result)
                result.skipped = self.why_not(account, now)
                if result.skipped is not None:
                    continue
                adapter = core.connections.adapter(account.network)
                await self._count_followers(account, adapter, now, daily=False, result=result)
                fresh: set[str] = set()
                if backfill_days is not None:
                    since = now - timedelta(days=backfill_days)
                    fresh = await self._backfill(account, adapter, since, now, result)
                    result.read += len(fresh)
                items = await core.db.run(core.store.metrics.tracked, now - TRACK_FOR, [account.id])
                items = [i for i in items if i.platform_post_id not in fresh]  # the listing had their numbers
                if items and account.id not in self._paused_until:
                    result.read += len(await self._read(account, adapter, items, now, result=result))
        return results

    def why_not(self, account: Account, now: datetime) -> str | None:
        """Why the account's numbers are not read (None: they are), in words."""
        if account.removed_at is not None:
            return f"{account.ref} was removed from Outpost."
        if is_sandbox(account):
            return f"{account.ref} is a sandbox account: its simulated network keeps no numbers."
        try:
            adapter = self._core.connections.adapter(account.network)
        except KnownError as error:
            return str(error)
        label = account.network.label
        if not adapter.can_read_metrics:
            return f"Outpost cannot read numbers from {label} yet."
        if adapter.metrics_cost and not self._core.settings.stats_paid_networks:
            return (
                f"{label} charges for reading numbers ({adapter.metrics_cost}); turn it on with "
                f"`outpost settings set stats_paid_networks true` if you want them."
            )
        until = self._paused_until.get(account.id)
        if until is not None and until > now:
            return f"{label} asked Outpost to wait (rate limit) until {until:%Y-%m-%d %H:%M} UTC."
        self._paused_until.pop(account.id, None)
        return None

    def _readable_adapter(self, account: Account, now: datetime) -> NetworkAdapter | None:
        if self.why_not(account, now) is not None:
            return None
        return self._core.connections.adapter(account.network)

    # -- the work ---------------------------------------------------------------------------------

    async def _read(
        self,
        account: Account,
        adapter: NetworkAdapter,
        items: Sequence[TrackedItem],
        now: datetime,
        result: AccountCollection | None = None,
    ) -> list[tuple[TrackedItem, int | None]]:
        """Read `items` of one account in one call; store the readings; announce spikes.

        Returns each item read with the age slot its reading stands for.
        """
        core = self._core
        ctx = core.connections.context(account)
        parts = [PublishedPart(platform_post_id=i.platform_post_id, permalink=i.permalink) for i in items]
        try:
            readings = await adapter.read_metrics(ctx, parts)
        except PublishError as error:
            self._failed(account, error, now, result)
            return []
        history = await core.db.run(core.store.metrics.follower_history, account.id)
        by_id = {i.platform_post_id: i for i in items}
        done: list[tuple[TrackedItem, int | None]] = []
        for reading in readings:
            item = by_id.get(reading.platform_post_id)
            if item is None:
                continue
            slot = await core.db.run(
                core.store.metrics.record, item, reading, followers_at(history, item.published_at)
            )
            done.append((item, slot))
            self.version += 1
            if slot is not None and reading.read_at - item.published_at < SPIKE_WINDOW:
                await self._check_spike(account, item, reading, slot)
        return done

    async def _check_spike(
        self, account: Account, item: TrackedItem, reading: MetricReading, slot: int
    ) -> None:
        core = self._core
        earlier = await core.db.run(core.store.metrics.history_at, account.id, slot, item.published_at)
        found = spike(reading.engagements, earlier, slot)
        if found is None:
            return
        if not await core.db.run(
            core.store.metrics.spike_noticed, account.id, item.platform_post_id, reading.read_at
        ):
            return  # announced at an earlier age already
        log.info("engagement spike on %s: %s", account.ref, item.platform_post_id)
        core.events.emit(
            EngagementSpike(
                post_id=item_key(item.post_id, account.id, item.platform_post_id),
                account_id=account.id,
                network=account.network.value,
                platform_post_id=item.platform_post_id,
                permalink=item.permalink,
                engagements=found.engagements,
                usual=found.usual,
                threshold=found.threshold,
                history=found.history,
                age=AGE_LABELS[slot],
                noticed_at=reading.read_at,
                message=found.message(account.ref),
            )
        )

    async def _count_followers(
        self,
        account: Account,
        adapter: NetworkAdapter,
        now: datetime,
        *,
        daily: bool,
        result: AccountCollection | None = None,
    ) -> None:
        core = self._core
        if account.id in self._paused_until:
            return
        if daily and await core.db.run(core.store.metrics.followers_read_on, account.id, now.date()):
            return
        try:
            count = await adapter.follower_count(core.connections.context(account))
        except PublishError as error:
            self._failed(account, error, now, result)
            return
        if count is not None:
            await core.db.run(core.store.metrics.record_followers, account.id, count, now)
            if result is not None:
                result.followers = count

    async def _backfill(
        self,
        account: Account,
        adapter: NetworkAdapter,
        since: datetime,
        now: datetime,
        result: AccountCollection,
    ) -> set[str]:
        """Import the account's own posts since `since` made anywhere, with the numbers the listing has.

        Returns the network ids of the posts whose numbers came with the listing (not read again).
        """
        core = self._core
        if not adapter.can_list_posts:
            result.problems.append(f"{account.network.label} does not list an account's posts to Outpost.")
            return set()
        try:
            posts = await adapter.recent_posts(core.connections.context(account), since, limit=BACKFILL_LIMIT)
        except PublishError as error:
            self._failed(account, error, now, result)
            return set()
        ours = await core.db.run(core.store.metrics.outpost_post_ids, account.id)
        own = [
            p for p in posts if p.platform_post_id not in ours and not p.is_reply and p.created_at >= since
        ]
        result.imported = await core.db.run(
            core.store.metrics.import_posts, account.id, account.network, own, now
        )
        history = await core.db.run(core.store.metrics.follower_history, account.id)
        recorded: set[str] = set()
        for post in own:
            if post.reading is None:
                continue
            recorded.add(post.platform_post_id)
            item = TrackedItem(
                account.id,
                account.network,
                post.platform_post_id,
                post.created_at,
                None,
                None,
                None,
                post.permalink,
            )
            await core.db.run(
                core.store.metrics.record, item, post.reading, followers_at(history, post.created_at)
            )
            self.version += 1
        return recorded

    def _failed(
        self, account: Account, error: PublishError, now: datetime, result: AccountCollection | None
    ) -> None:
        if isinstance(error, RateLimited):
            until = error.retry_at
            if until is None or until <= now:
                wait = timedelta(seconds=error.retry_after_s) if error.retry_after_s else DEFAULT_BACKOFF
                until = now + wait
            self._paused_until[account.id] = until
            message = (
                f"{account.network.label} asked Outpost to wait (rate limit): {account.ref}'s numbers are "
                f"read again after {until:%Y-%m-%d %H:%M} UTC."
            )
        else:
            message = f"Reading {account.ref}'s numbers failed: {error.text()}"
        log.warning("%s", message)
        if result is not None:
            result.problems.append(message)
