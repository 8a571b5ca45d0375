"""The background scheduler: sleeps until the next post is due, wakes when the queue changes.

No polling: it asks the store for the earliest due time and waits on an event until then (the
system clock caps a nap at 30 s so a changed wall clock is noticed). Each time it wakes it asks
`WakeDetector` whether the machine slept meanwhile; posts that came due during the sleep are then
handed to `on_wake` (the missed-post policy) before anything due goes out. A due post goes straight to
the publisher, which claims it (scheduled → publishing, one conditional UPDATE), so a post is
taken by exactly one engine even if the window and `outpost run` are both open.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from outpost.domain.enums import PostStatus
from outpost.engine.clock import Clock
from outpost.engine.connectivity import Connectivity
from outpost.engine.handover import Handover
from outpost.engine.publisher import Publisher
from outpost.engine.wake import Wake, WakeDetector
from outpost.engine.worker import StoreWorker
from outpost.store import Store

log = logging.getLogger("outpost.engine.scheduler")

#: While due posts wait for the machine to come back online, connectivity is asked this often.
OFFLINE_POLL = timedelta(seconds=15)


class Scheduler:
    """Publishes scheduled posts when they come due, while running and not paused."""

    def __init__(
        self,
        *,
        store: Store,
        worker: StoreWorker,
        clock: Clock,
        publisher: Publisher,
        on_state: Callable[[datetime | None], None] = lambda _: None,
        handover: Handover | None = None,
        on_wake: Callable[[Wake], Awaitable[None]] | None = None,
        connectivity: Connectivity | None = None,
        on_reconnect: Callable[[datetime], Awaitable[None]] | None = None,
    ) -> None:
        self._store = store
        self._db = worker
        self._clock = clock
        self._publisher = publisher
        self._on_state = on_state
        self._handover = handover
        self._on_wake = on_wake
        self._connectivity = connectivity
        self._on_reconnect = on_reconnect
        #: Since when due posts wait for the machine to come back online (None: not waiting). It is
        #: the last time everything due had been started: what came due after it was held up.
        self.offline_since: datetime | None = None
        self._started_all_at: datetime | None = None
        self._wake = asyncio.Event()
        self._paused = False
        self.next_due_at: datetime | None = None

    @property
    def paused(self) -> bool:
        """Whether due posts wait instead of going out."""
        return self._paused

    def poke(self) -> None:
        """Look at the queue again now (a post was scheduled, edited or cancelled)."""
        self._wake.set()

    def pause(self) -> None:
        """Stop starting new publishes (in-flight ones finish)."""
        self._paused = True
        self.poke()

    def resume(self) -> None:
        """Publish due posts again."""
        self._paused = False
        self.poke()

    async def run(self) -> None:
        """Loop until cancelled."""
        sleep = WakeDetector(self._clock)
        changed = True  # the first pass looks at everything
        while True:
            self._wake.clear()
            woke = sleep.check()
            if woke is not None and self._on_wake is not None:
                log.info("the machine slept from %s to %s", woke.slept_at, woke.woke_at)
                await self._on_wake(woke)  # before `_start_due`: held posts must not go out
            waiting = False
            if not self._paused:
                waiting = not await self._start_due()
                if self._handover is not None and not waiting:
                    await self._handover.hand_over_ready(changed=changed)
            self.next_due_at = await self._db.run(self._store.posts.next_due_at)
            self._on_state(self.next_due_at)
            deadline = None if self._paused else self.next_due_at
            if waiting:  # due posts wait for the network: look again shortly
                deadline = self._clock.now() + OFFLINE_POLL
            await self._clock.wait_until(deadline, self._wake)
            changed = self._wake.is_set()  # poked (the queue changed), not a timed nap

    async def _start_due(self) -> bool:
        """Start the due posts; False while they wait for this machine to come back online.

        Posts that come due while the machine is offline are not started (they could only wait);
        once it is back, what came due meanwhile goes to `on_reconnect` first (the missed-post
        policy, as after a sleep), then everything due goes out at once.
        """
        now = self._clock.now()
        due = await self._db.run(self._store.posts.due_post_ids, now)
        if due and not await self._online():
            if self.offline_since is None:
                self.offline_since = self._started_all_at or now
                log.warning("%d post(s) due, but this computer is offline; waiting for the network", len(due))
            return False
        if self.offline_since is not None:
            since, self.offline_since = self.offline_since, None
            log.info("back online (offline since %s)", since)
            if self._on_reconnect is not None:
                await self._on_reconnect(since)  # may hold some: ask again what is due
            due = await self._db.run(self._store.posts.due_post_ids, self._clock.now())
        for post_id in due:
            if await self._publisher.claim(post_id, [PostStatus.SCHEDULED]):
                log.info("publishing %s (due)", post_id)
                self._publisher.start(post_id)
        self._started_all_at = now
        return True

    async def _online(self) -> bool:
        if self._connectivity is None:
            return True
        try:
            return await self._connectivity.online()
        except Exception:  # a probe that breaks must not stop publishing
            log.exception("the connectivity probe failed")
            return True
