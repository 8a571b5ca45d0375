"""Keeping account health current: a check at start, then every so often while Outpost runs.

A broken connection should be found before a scheduled post depends on it, not when it fails.
Failures during publishing update health at once (the publisher marks the account); this covers
the quiet times in between.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from outpost.domain.errors import KnownError
from outpost.engine.accounts import AccountsService
from outpost.engine.clock import Clock

log = logging.getLogger("outpost.engine.health")


class HealthMonitor:
    """Checks every account now and then every `interval`, until cancelled."""

    def __init__(self, *, clock: Clock, accounts: AccountsService, interval: timedelta) -> None:
        self._clock = clock
        self._accounts = accounts
        self._interval = interval
        self._wake = asyncio.Event()

    async def run(self) -> None:
        """Check, sleep, repeat."""
        while True:
            try:
                await self._accounts.check()
            except KnownError as error:  # e.g. no keyring: say it once per round, keep going
                log.warning("health check: %s", error)
            self._wake.clear()
            await self._clock.wait_until(self._clock.now() + self._interval, self._wake)

    def check_now(self) -> None:
        """Check again without waiting for the interval."""
        self._wake.set()
