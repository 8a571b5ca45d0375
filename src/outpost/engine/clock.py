"""The engine's real clock; the `Clock` protocol itself lives in `domain.clock` (adapters use it too)."""

from __future__ import annotations

import asyncio
import contextlib
import sys
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
        """Seconds the machine has been awake: what `engine.wake` compares the wall clock with.

        Linux's CLOCK_MONOTONIC and macOS's mach time (both behind `time.monotonic()`) stop while
        suspended. Windows' `time.monotonic()` (QueryPerformanceCounter) may not, so there the
        unbiased interrupt time is read, which "does not include time the system spends in sleep
        or hibernation" (learn.microsoft.com, QueryUnbiasedInterruptTime).
        """
        if sys.platform == "win32":
            return _unbiased_interrupt_seconds()
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


if sys.platform == "win32":
    import ctypes

    def _unbiased_interrupt_seconds() -> float:
        ticks = ctypes.c_ulonglong(0)  # units of 100 ns
        if not ctypes.windll.kernel32.QueryUnbiasedInterruptTime(ctypes.byref(ticks)):
            return time.monotonic()
        return ticks.value / 1e7
