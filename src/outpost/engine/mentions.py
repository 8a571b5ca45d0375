"""Mentions: while the engine runs, ask each account's network who mentioned or replied to it.

Only networks whose adapter `can_read_mentions` (Mastodon, Bluesky) are asked, one account after
another every few minutes, each with its own cursor: the id of the newest mention already told,
kept with the account's checkpoints so a restart neither repeats nor loses one. The very first
poll of an account only sets the cursor: a creator who turns Outpost on is not flooded with
months of old replies, only told about what comes after.

A failure (offline, rate limited, a token without the notifications scope) is logged once per
account and cause, and the account is asked again at the next round; it never touches the
account's health (publishing decides that) and never stops the other accounts.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from outpost.domain.accounts import is_sandbox
from outpost.domain.errors import KnownError
from outpost.domain.metrics import Mention
from outpost.domain.models import Account
from outpost.engine.core import EngineCore
from outpost.engine.events import MentionReceived

log = logging.getLogger("outpost.engine.mentions")

#: How often each account is asked (a poll is one request per account when nothing is new).
POLL_INTERVAL = timedelta(minutes=5)
#: The first poll waits this long after start: start-up sends nothing but what publishing needs.
FIRST_POLL_AFTER = timedelta(minutes=1)
#: The checkpoint holding an account's cursor; "" means "asked before, nothing was there yet"
#: (adapters then answer from the very first mention).
CURSOR = "mentions.cursor"


class MentionWatcher:
    """Polls mentions for every account that can have them, and emits `MentionReceived`."""

    def __init__(
        self,
        core: EngineCore,
        *,
        interval: timedelta = POLL_INTERVAL,
        first_after: timedelta = FIRST_POLL_AFTER,
    ) -> None:
        self._core = core
        self._interval = interval
        self._first_after = first_after
        self._wake = asyncio.Event()
        self._said: dict[str, str] = {}  # account id → the last failure logged (said once)

    async def run(self) -> None:
        """Wait a moment, then poll, wait the interval, repeat, until cancelled."""
        clock = self._core.clock
        await clock.wait_until(clock.now() + self._first_after, self._wake)
        while True:
            await self.poll()
            self._wake.clear()
            await clock.wait_until(clock.now() + self._interval, self._wake)

    def poll_now(self) -> None:
        """Ask again without waiting for the interval."""
        self._wake.set()

    async def poll(self) -> list[MentionReceived]:
        """One round over every account; the events emitted (also returned, for `outpost run`)."""
        core = self._core
        try:
            accounts = await core.db.run(core.store.accounts.all)
        except KnownError as exc:
            log.warning("mentions: cannot read the accounts: %s", exc)
            return []
        told: list[MentionReceived] = []
        for account in accounts:
            if is_sandbox(account):
                continue  # the simulated networks have nobody to mention you
            try:
                adapter = core.connections.adapter(account.network)
            except KnownError:
                continue
            if not adapter.can_read_mentions:
                continue
            told += await self._poll_account(account)
        return told

    async def _poll_account(self, account: Account) -> list[MentionReceived]:
        core = self._core
        adapter = core.connections.adapter(account.network)
        ctx = core.connections.context(account)
        try:
            cursor = await ctx.checkpoint(CURSOR)
            found = await adapter.mentions(ctx, cursor)
        except KnownError as exc:
            if self._said.get(account.id) != str(exc):
                self._said[account.id] = str(exc)
                log.warning("mentions of %s: %s", account.ref, exc)
            return []
        self._said.pop(account.id, None)
        if cursor is None:  # first poll: only where to start from
            await ctx.save_checkpoint(CURSOR, found[-1].id if found else "")
            log.info("mentions of %s: watching from now on", account.ref)
            return []
        if not found:
            return []
        await ctx.save_checkpoint(CURSOR, found[-1].id)  # saved first: a crash never tells twice
        events = [_event(account, mention) for mention in found]
        for event in events:
            core.events.emit(event)
        return events


def _event(account: Account, mention: Mention) -> MentionReceived:
    return MentionReceived(
        account_id=account.id,
        network=account.network.value,
        author=mention.author,
        text=mention.text,
        url=mention.url,
        mention_id=mention.id,
        created_at=mention.created_at,
    )
