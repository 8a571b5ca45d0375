"""Keeping account health current: a check at start, then every so often while Outpost runs.

A broken connection should be found before a scheduled post depends on it, not when it fails.
Failures during publishing update health at once (the publisher marks the account); this covers
the quiet times in between.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from outpost.domain.errors import KnownError
from outpost.engine.clock import Clock

log = logging.getLogger("outpost.engine.health")


class HealthMonitor:
    """Runs `check_all` now and then every `interval`, until cancelled."""

    def __init__(
        self, *, clock: Clock, check_all: Callable[[], Awaitable[object]], interval: timedelta
    ) -> None:
        self._clock = clock
        self._check_all = check_all
        self._interval = interval
        self._wake = asyncio.Event()

    async def run(self) -> None:
        """Check, sleep, repeat."""
        while True:
            try:
                await self._check_all()
            except KnownError as error:  # e.g. no keyring: say it once per round, keep going
                log.warning("health check: %s", error)
            self._wake.clear()
            await self._clock.wait_until(self._clock.now() + self._interval, self._wake)

    def check_now(self) -> None:
        """Check again without waiting for the interval."""
        self._wake.set()
