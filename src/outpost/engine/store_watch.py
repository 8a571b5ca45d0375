"""Noticing what other processes write to the store, within a second, without busy polling.

The window, `outpost run`, the command line and an assistant may all use one data folder. Posts
are claimed atomically, so none is published twice; but a running engine would otherwise see a
post that another process scheduled only at its own next wake-up — late. Every `interval` this
asks SQLite's `PRAGMA data_version` (one cheap statement on the engine's own connection) and,
when another connection has committed, wakes the scheduler and tells the window.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import timedelta

from outpost.domain.errors import StoreError
from outpost.engine.clock import Clock
from outpost.engine.events import EventBus, StoreDidChangeElsewhere
from outpost.engine.worker import StoreWorker
from outpost.store import Store

log = logging.getLogger("outpost.engine.store_watch")

#: How often the store is asked; the longest another process's change goes unnoticed.
WATCH_INTERVAL = timedelta(seconds=1)


class StoreWatch:
    """Calls `on_change` and emits `StoreDidChangeElsewhere` when another process commits."""

    def __init__(
        self,
        *,
        store: Store,
        worker: StoreWorker,
        clock: Clock,
        events: EventBus,
        on_change: Callable[[], None],
        interval: timedelta = WATCH_INTERVAL,
    ) -> None:
        self._store = store
        self._db = worker
        self._clock = clock
        self._events = events
        self._on_change = on_change
        self._interval = interval

    async def run(self) -> None:
        """Watch until cancelled."""
        never = asyncio.Event()  # nothing wakes the watch early: it only naps on the clock
        seen = await self._db.run(self._store.data_version)
        while True:
            await self._clock.wait_until(self._clock.now() + self._interval, never)
            try:
                version = await self._db.run(self._store.data_version)
            except StoreError as exc:  # a locked or failing disk: say so, keep watching
                log.warning("cannot see other processes' changes: %s", exc)
                continue
            if version != seen:
                seen = version
                self._on_change()
                self._events.emit(StoreDidChangeElsewhere())
