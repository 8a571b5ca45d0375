"""The engine: the one async facade the window and the command line drive.

`Engine` owns the lifecycle (open, start, close), the settings and the events, and hands out
one service per concern, as Anki's `Collection` hands out `col.decks` and `col.models`:

- `engine.accounts` — accounts, developer apps, connect/add/check/remove (`engine/accounts.py`)
- `engine.posts` — create through delete, staging, look-for-it (`engine/posts.py`)
- `engine.media` — inspect, thumbnails, fixed copies, the media cache (`engine/media.py`)
- `engine.slots` — the posting schedule's next free slot (`engine/slots.py`)
- `engine.networks` — published posts on the networks: delete everywhere, edit (`engine/on_networks.py`)
- `engine.campaigns` — campaigns and the tags posts carry (`engine/campaigns.py`)
- `engine.media_host` — the public bucket Instagram and Threads fetch media from (`engine/media_host.py`)
- `engine.verify` — read-back verification of published and unknown targets, "Check now" (`engine/verify.py`)
- `engine.hooks` — the creator's hooks and their delivery (`engine/hooks.py`)
- `engine.mentions` — who mentioned the accounts, polled while the engine runs (`engine/mentions.py`)
- `engine.stats` — post statistics: collect, per post, summary, best times, export (`engine/stats.py`)

Publishing has one owner, the `Publisher`: the scheduler hands it due posts directly, and it
is the only place a post is claimed (marked `publishing`).

Everything here is async and Qt-free. The services share one `EngineCore` (store worker, clock,
events, connections, settings). Lifecycle: `Engine.open(...)` → optionally `await start()`
(recover abandoned publishes, handle missed posts, run the scheduler) → calls → `await close()`.
It is also an async context manager.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta
from functools import cached_property
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

import httpx

from outpost.adapters.base import MediaHost
from outpost.adapters.http import build_client
from outpost.adapters.registry import AdapterRegistry, default_registry
from outpost.auth.secrets import KeyringSecretStore, SecretStore, SecretVault, with_sandbox_store
from outpost.config.settings import Settings, load_settings
from outpost.domain.enums import MissedPostPolicy, TargetStatus
from outpost.domain.errors import KnownError, StoreError
from outpost.domain.models import Post
from outpost.engine.accounts import AccountsService
from outpost.engine.campaigns import CampaignsService
from outpost.engine.checkpoints import StoreCheckpoints
from outpost.engine.clock import Clock, SystemClock
from outpost.engine.connections import Connections
from outpost.engine.connectivity import Connectivity, RouteProbe
from outpost.engine.core import EngineCore
from outpost.engine.events import (
    EngineStateDidChange,
    EventBus,
    PostDidChange,
    PostsWereMissed,
)
from outpost.engine.handover import Handover
from outpost.engine.hooks import HooksService
from outpost.engine.instance import InstanceLock
from outpost.engine.library import LibraryService
from outpost.engine.media import MediaService
from outpost.engine.media_host import MediaHostService
from outpost.engine.posts import PostsService
from outpost.engine.publisher import Publisher
from outpost.engine.recovery import hold_missed, late_posts, recover_abandoned
from outpost.engine.scheduler import Scheduler
from outpost.engine.slots import SlotsService
from outpost.engine.tools import ComposerTools
from outpost.engine.worker import StoreWorker
from outpost.media.pipeline import MediaPipeline
from outpost.paths import run_dir
from outpost.private_files import make_data_folder_private
from outpost.store import Store

if TYPE_CHECKING:
    from outpost.engine.csv_io import CsvService
    from outpost.engine.evergreen import EvergreenService
    from outpost.engine.health import HealthMonitor
    from outpost.engine.mentions import MentionWatcher
    from outpost.engine.on_networks import NetworksService
    from outpost.engine.series import SeriesService
    from outpost.engine.stats import StatsService
    from outpost.engine.verify import Verifier
    from outpost.engine.wake import Wake

log = logging.getLogger("outpost.engine")

_DRAIN_TIMEOUT_S = 30.0
#: How often recurring series are topped up and evergreen posts looked at (issue #22).
DAILY_ROUND = timedelta(hours=1)


class Engine:
    """Outpost's single async facade over store, adapters, publisher and scheduler.

    Guarantees:
    - A post never disappears: every change is committed before it is reported.
    - A post is never published twice by Outpost: posts and targets are claimed atomically,
      results are saved the moment they are known, and an uncertain create becomes `unknown`.
    - Validation reports every problem of a post at once, before anything is sent.

    Attributes:
        events: where the engine reports changes (`PostDidChange`, `AccountHealthDidChange`, …).
        accounts: accounts and developer apps.
        posts: posts, from draft to published.
        media: media files and the media cache.
        slots: the posting schedule.
        media_host: the creator's public media host (set, show, test, remove).
        hooks: the creator's hooks (add, list, remove) and their delivery.
        mentions: mentions of the accounts (polled while the engine runs).
        stats: post statistics: collect, per post, summary, best times, export.
    """

    def __init__(
        self,
        *,
        data_dir: Path,
        store: Store,
        secrets: SecretStore,
        registry: AdapterRegistry,
        clock: Clock,
        settings: Settings,
        client: httpx.AsyncClient,
        media_in_process: bool = False,
        media_host: MediaHost | None = None,
        connectivity: Connectivity | None = None,
    ) -> None:
        vault = SecretVault(secrets)
        db = StoreWorker()
        checkpoints = StoreCheckpoints(store, db, clock)
        self._core = EngineCore(
            data_dir=data_dir,
            store=store,
            db=db,
            clock=clock,
            events=EventBus(),
            secrets=vault,
            connections=Connections(registry, client, vault, clock, media_host, checkpoints),
            settings=settings,
        )
        self._lock = InstanceLock(run_dir(data_dir))
        self.events = self._core.events
        self.accounts = AccountsService(self._core)
        pipeline = MediaPipeline(data_dir / "cache" / "media", in_process=media_in_process)
        self.media = MediaService(self._core, pipeline)
        self.slots = SlotsService(self._core)
        self.library = LibraryService(self._core, self.media)
        self.campaigns = CampaignsService(self._core)
        self.media_host = MediaHostService(self._core)
        if media_host is None:  # a host handed in (tests) wins over the one set in the data folder
            self.media_host.install()
        self.tools = ComposerTools(self._core)
        self._publisher = Publisher(
            store=store,
            worker=self._core.db,
            connections=self._core.connections,
            clock=clock,
            events=self.events,
            owner=self._lock.owner,
            media=self.media,
            connectivity=connectivity,
            utm=self.tools.utm_tags,
        )
        self._handover = Handover(self._core, self._publisher)
        self._scheduler = Scheduler(
            store=store,
            worker=self._core.db,
            clock=clock,
            publisher=self._publisher,
            on_state=self._state,
            handover=self._handover,
            on_wake=self._handle_wake,
            connectivity=connectivity or RouteProbe(),
            on_reconnect=self._handle_reconnect,
        )
        self.posts = PostsService(
            self._core,
            accounts=self.accounts,
            media=self.media,
            slots=self.slots,
            library=self.library,
            publisher=self._publisher,
            scheduler=self._scheduler,
            handover=self._handover,
        )
        # Hooks hear every event from the start: a one-shot `post create --now` tells them too.
        self.hooks = HooksService(self._core)
        self._tasks: list[asyncio.Task[None]] = []

    # The services below are made (and their modules imported) when first used: `start()` uses
    # them all, while a one-shot command pays only for what it touches (issue #26: the command
    # line's start). Each keeps its state in the store, so a late start loses nothing.

    @cached_property
    def verify(self) -> Verifier:
        """Read-back verification of published and unknown targets, "Check now" (issue #20)."""
        from outpost.engine.verify import Verifier

        return Verifier(self._core, self._publisher)

    @cached_property
    def csv(self) -> CsvService:
        """CSV import and export (issue #22)."""
        from outpost.engine.csv_io import CsvService

        return CsvService(self._core, self.posts, self.slots)

    @cached_property
    def series(self) -> SeriesService:
        """Recurring series (issue #22)."""
        from outpost.engine.series import SeriesService

        return SeriesService(self._core, self.posts)

    @cached_property
    def evergreen(self) -> EvergreenService:
        """Evergreen posts, queued again into quiet slots (issue #22)."""
        from outpost.engine.evergreen import EvergreenService

        return EvergreenService(self._core, self.posts, self.slots)

    @cached_property
    def stats(self) -> StatsService:
        """Post statistics: collect, per post, summary, best times, export (issue #21)."""
        from outpost.engine.stats import StatsService

        return StatsService(self._core, self.accounts)

    @cached_property
    def networks(self) -> NetworksService:
        """Published posts on their networks: delete everywhere, edit (issue #24)."""
        from outpost.engine.on_networks import NetworksService

        return NetworksService(
            self._core, accounts=self.accounts, media=self.media, publisher=self._publisher
        )

    @cached_property
    def mentions(self) -> MentionWatcher:
        """Mentions of the accounts, polled while the engine runs."""
        from outpost.engine.mentions import MentionWatcher

        return MentionWatcher(self._core)

    @cached_property
    def _health(self) -> HealthMonitor:
        from outpost.engine.health import HealthMonitor

        interval = timedelta(minutes=self._core.settings.health_check_minutes)
        return HealthMonitor(clock=self._core.clock, accounts=self.accounts, interval=interval)

    @classmethod
    def open(
        cls,
        data_dir: Path,
        *,
        registry: AdapterRegistry | None = None,
        secrets: SecretStore | None = None,
        clock: Clock | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        media_in_process: bool = False,
        media_host: MediaHost | None = None,
        connectivity: Connectivity | None = None,
    ) -> Engine:
        """An engine over the data folder `data_dir` (created if needed).

        `media_in_process`: decode and re-encode media in this process (one-shot commands: no
        window to keep smooth, no interpreter to start) instead of a worker process (the window).
        `media_host`: the public bucket for networks that fetch media by URL (tests hand one in;
        otherwise the one set with `outpost media-host set`, if any). `connectivity`: whether the
        machine is online (tests hand in one they switch).
        """
        make_data_folder_private(data_dir)  # posts are private until published (issue #25)
        settings = load_settings(data_dir)
        store = Store(data_dir)
        return cls(
            data_dir=data_dir,
            store=store,
            # Sandbox accounts' made-up credentials go to a file of their own, never the keyring (#17).
            secrets=with_sandbox_store(secrets or KeyringSecretStore(), data_dir),
            registry=registry or default_registry(),
            clock=clock or SystemClock(),
            settings=settings,
            client=build_client(transport),
            media_in_process=media_in_process,
            media_host=media_host,
            connectivity=connectivity,
        )

    async def __aenter__(self) -> Engine:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    # -- what it runs with -------------------------------------------------------------------------

    @property
    def data_dir(self) -> Path:
        """The data folder."""
        return self._core.data_dir

    @property
    def clock(self) -> Clock:
        """The engine's time."""
        return self._core.clock

    @property
    def settings(self) -> Settings:
        """The settings in force (change them with `update_settings`)."""
        return self._core.settings

    def update_settings(self, **changes: object) -> Settings:
        """Change settings (validated), save them atomically, tell everyone which keys changed.

        Raises:
            ValidationError: a value breaks the setting's rules (named in the message).
        """
        from outpost.engine.settings_change import apply_settings

        return apply_settings(self._core, changes)

    # -- lifecycle ---------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether the scheduler runs."""
        return bool(self._tasks) and not self._tasks[0].done()

    @property
    def paused(self) -> bool:
        """Whether publishing of due posts is paused."""
        return self._scheduler.paused

    @property
    def next_due_at(self) -> datetime | None:
        """When the next scheduled post is due, as the scheduler last saw it."""
        return self._scheduler.next_due_at

    async def start(self) -> list[Post]:
        """Recover abandoned publishes, deal with missed posts, start the scheduler.

        Returns:
            The posts that came due while Outpost was not running (held or about to go out,
            by the missed-post setting).
        """
        core = self._core
        resume = await recover_abandoned(
            store=core.store,
            worker=core.db,
            connections=core.connections,
            lock=self._lock,
            now=core.clock.now(),
        )
        for post_id in resume:
            self._publisher.start(post_id)
        missed = await self._handle_missed()
        await self.media.sweep_unused()
        await self._back_up()
        from outpost.engine.store_watch import StoreWatch  # only an engine that runs watches

        watch = StoreWatch(
            store=core.store,
            worker=core.db,
            clock=core.clock,
            events=self.events,
            on_change=self._scheduler.poke,
        )
        await self._daily_round()
        self._tasks = [
            asyncio.create_task(self._scheduler.run(), name="outpost-scheduler"),
            asyncio.create_task(self._daily_rounds(), name="outpost-daily-tools"),
            asyncio.create_task(self._health.run(), name="outpost-health"),
            asyncio.create_task(watch.run(), name="outpost-store-watch"),
            # A minute after a publish ends, each target is read back from its network (#20).
            asyncio.create_task(self.verify.run(), name="outpost-verify"),
            # Statistics on their own schedule, off every critical path (issue #21).
            asyncio.create_task(self.stats.collector.run(), name="outpost-stats"),
            asyncio.create_task(self.stats.warm(), name="outpost-stats-warm"),
            # Off the critical path: start never waits on the bucket.
            asyncio.create_task(self._sweep_media_host(), name="outpost-media-host-sweep"),
            asyncio.create_task(self.mentions.run(), name="outpost-mentions"),
        ]
        return missed

    async def _daily_round(self) -> None:
        """Top recurring series up to their horizon and queue evergreen posts into quiet slots (#22)."""
        try:
            await self.series.top_up_all()
            await self.evergreen.fill()
        except KnownError as exc:  # never stop the engine: the next round tries again
            log.warning("daily tools: %s", exc.text())

    async def _daily_rounds(self) -> None:
        """`_daily_round` every hour (the engine's clock), after the one at start."""
        never = asyncio.Event()
        while True:
            await self._core.clock.wait_until(self._core.clock.now() + DAILY_ROUND, never)
            await self._daily_round()

    async def _sweep_media_host(self) -> None:
        await self.media_host.sweep_leftovers()

    async def _back_up(self) -> None:
        """The daily database backup; a failed backup is logged and never stops publishing."""
        try:
            taken = await self._core.db.run(self._core.store.back_up_if_due, self._core.clock.now())
        except StoreError as exc:
            log.warning("%s", exc)
        else:
            if taken is not None:
                log.info("database backed up to %s", taken)

    async def _handle_wake(self, wake: Wake) -> None:
        """The machine slept: what came due meanwhile goes by the missed-post policy, as at start."""
        try:
            await self._handle_missed(since=wake.slept_at)
        except StoreError as exc:  # never stop the scheduler: the due posts still go out
            log.warning("could not look for posts missed while asleep: %s", exc)

    async def _handle_reconnect(self, offline_since: datetime) -> None:
        """Back online: what came due meanwhile goes by the missed-post policy, as after a sleep."""
        try:
            await self._handle_missed(since=offline_since, offline=True)
        except StoreError as exc:  # never stop the scheduler: the due posts still go out
            log.warning("could not look for posts missed while offline: %s", exc)

    async def _handle_missed(self, *, since: datetime | None = None, offline: bool = False) -> list[Post]:
        """Posts more than the grace late: held for review or published late, and said so.

        `since`: only those due after it (the machine slept since then); else all (Outpost starts).
        """
        core = self._core
        grace = timedelta(minutes=core.settings.missed_grace_minutes)
        hold = core.settings.missed_post_policy is MissedPostPolicy.HOLD
        finder = hold_missed if hold else late_posts
        now = core.clock.now()
        missed = await finder(
            store=core.store, worker=core.db, now=now, grace=grace, since=since, offline=offline
        )
        if missed:
            event = PostsWereMissed(
                tuple(missed),
                held=hold,
                noticed_at=now,
                asleep=since is not None and not offline,
                offline=offline,
            )
            log.warning(
                "%d post(s) came due %s (%s)",
                len(missed),
                event.while_,
                "held" if hold else "publishing late",
            )
            for post in missed:
                self.events.emit(PostDidChange(post.id, post))
                if hold and any(t.status is TargetStatus.SCHEDULED_ON_NETWORK for t in post.targets):
                    self._publisher.start_confirming(post.id)  # the networks' part went out on time
            self.events.emit(event)
        return missed

    async def wait_idle(self) -> None:
        """Return once nothing is due now and no publish is running (`outpost run --until-idle`)."""
        while True:
            await asyncio.sleep(0.05)
            due = await self._core.db.run(self._core.store.posts.due_post_ids, self._core.clock.now())
            idle = self._publisher.in_flight == 0 and self._handover.in_flight == 0
            if not due and idle and not (self.running and self.verify.busy):
                return

    def pause(self) -> None:
        """Stop publishing due posts until `resume()` (in-flight publishes finish)."""
        self._scheduler.pause()
        self._state(self._scheduler.next_due_at)

    def resume(self) -> None:
        """Publish due posts again."""
        self._scheduler.resume()
        self._state(self._scheduler.next_due_at)

    def _state(self, next_due_at: datetime | None) -> None:
        self.events.emit(EngineStateDidChange(self.running, self._scheduler.paused, next_due_at))

    async def close(self) -> None:
        """Stop the scheduler, let in-flight publishes finish (bounded), release everything."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        try:
            async with asyncio.timeout(_DRAIN_TIMEOUT_S):
                await self._handover.drain()
                await self._publisher.drain()
        except TimeoutError:
            log.warning("publishes still running at shutdown; a restart will recover them")
        await self.hooks.close()
        await self._core.connections.aclose()
        self.media.close()
        self._core.db.close()
        self._core.store.close()
        self._lock.release()
