"""The background scheduler: sleeps until the next post is due, wakes when the queue changes.

No polling: it asks the store for the earliest due time and waits on an event until then (the
system clock caps a nap at 30 s so a changed wall clock is noticed). Claiming a due post is one
conditional UPDATE (scheduled → publishing), so a post is taken by exactly one engine even if
the window and `outpost run` are both open.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any

from outpost.domain.enums import PostStatus
from outpost.engine.clock import Clock
from outpost.engine.worker import StoreWorker
from outpost.store import Store

log = logging.getLogger("outpost.engine.scheduler")


class Scheduler:
    """Publishes scheduled posts when they come due, while running and not paused."""

    def __init__(
        self,
        *,
        store: Store,
        worker: StoreWorker,
        clock: Clock,
        publish: Callable[[str], Coroutine[Any, Any, object]],
        on_state: Callable[[datetime | None], None] = lambda _: None,
    ) -> None:
        self._store = store
        self._db = worker
        self._clock = clock
        self._publish = publish
        self._on_state = on_state
        self._wake = asyncio.Event()
        self._tasks: set[asyncio.Task[object]] = set()
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
        while True:
            self._wake.clear()
            if not self._paused:
                await self._start_due()
            self.next_due_at = await self._db.run(self._store.posts.next_due_at)
            self._on_state(self.next_due_at)
            deadline = None if self._paused else self.next_due_at
            await self._clock.wait_until(deadline, self._wake)

    async def _start_due(self) -> None:
        now = self._clock.now()
        for post_id in await self._db.run(self._store.posts.due_post_ids, now):
            claimed = await self._db.run(
                self._store.posts.set_status,
                post_id,
                PostStatus.PUBLISHING,
                now=now,
                expected=[PostStatus.SCHEDULED],
            )
            if claimed:
                log.info("publishing %s (due)", post_id)
                task: asyncio.Task[object] = asyncio.create_task(self._publish(post_id))
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    @property
    def in_flight(self) -> int:
        """How many publishes this scheduler started are still running."""
        return len(self._tasks)

    async def drain(self) -> None:
        """Wait for the publishes this scheduler started."""
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
