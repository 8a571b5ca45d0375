"""The clock as an interface: what reads "now" or waits receives one, so tests move time by hand.

Only the protocol lives here (the domain does no I/O); the real clock is `engine.clock.SystemClock`,
and tests pass `tests.fakes.FakeClock`. Adapters get the engine's clock when the registry makes them.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    """Now, and ways to wait."""

    def now(self) -> datetime:
        """The current time, aware UTC."""

    def monotonic(self) -> float:
        """Seconds on a clock that never jumps and (on Linux and macOS) stops while the machine sleeps.

        Compared with `now()` it tells a suspend apart from an ordinary wait (`engine.wake`).
        """

    async def sleep(self, seconds: float) -> None:
        """Wait `seconds`."""

    async def wait_until(self, deadline: datetime | None, wake: asyncio.Event) -> None:
        """Return at `deadline` (never, if None) or as soon as `wake` is set, whichever is first."""
