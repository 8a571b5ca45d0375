"""The engine's real clock; the `Clock` protocol itself lives in `domain.clock` (adapters use it too)."""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import UTC, datetime

from outpost.domain.clock import Clock

__all__ = ["Clock", "SystemClock"]


class SystemClock:
    """The real clock.

    Waits are capped at `max_nap` seconds: asyncio sleeps on the monotonic clock, so if the wall
    clock is changed (or the machine sleeps) the scheduler re-reads the time at least this often.
    """

    def __init__(self, max_nap: float = 30.0) -> None:
        self.max_nap = max_nap

    def now(self) -> datetime:
        """The current time, aware UTC."""
        return datetime.now(UTC)

    def monotonic(self) -> float:
        """`time.monotonic()`: CLOCK_MONOTONIC on Linux, which does not count time suspended."""
        return time.monotonic()

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds`."""
        await asyncio.sleep(max(0.0, seconds))

    async def wait_until(self, deadline: datetime | None, wake: asyncio.Event) -> None:
        """Return at `deadline`, after at most `max_nap`, or when `wake` is set."""
        timeout = None if deadline is None else (deadline - self.now()).total_seconds()
        if timeout is not None:
            timeout = min(max(0.0, timeout), self.max_nap)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wake.wait(), timeout)
