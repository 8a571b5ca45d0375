"""Noticing that the machine slept, without Qt: the wall clock jumped ahead of the monotonic clock.

While a laptop is suspended the wall clock keeps counting and the monotonic clock (Linux
CLOCK_MONOTONIC, macOS mach time) does not, and asyncio naps on the monotonic clock. So after
a wake the scheduler's nap simply ends late; comparing how far each clock moved since the last
look tells a sleep (or a wall clock set forwards, which is the same for due posts) from a nap.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from outpost.domain.clock import Clock

# Event-loop stalls and NTP slews stay far below this; a real suspend is longer.
WAKE_THRESHOLD = timedelta(seconds=60)


@dataclass(frozen=True)
class Wake:
    """The machine slept from `slept_at` (wall time of the last look before) until `woke_at`."""

    slept_at: datetime
    woke_at: datetime


class WakeDetector:
    """Reports each wall-clock jump once; call `check()` every time the scheduler wakes."""

    def __init__(self, clock: Clock, threshold: timedelta = WAKE_THRESHOLD) -> None:
        self._clock = clock
        self._threshold = threshold.total_seconds()
        self._wall = clock.now()
        self._mono = clock.monotonic()

    def check(self) -> Wake | None:
        """A `Wake` if the wall clock ran ahead of the monotonic clock since the last check."""
        wall, mono = self._clock.now(), self._clock.monotonic()
        jump = (wall - self._wall).total_seconds() - (mono - self._mono)
        before = self._wall
        self._wall, self._mono = wall, mono  # the next check measures from here: each jump once
        return Wake(slept_at=before, woke_at=wall) if jump > self._threshold else None
