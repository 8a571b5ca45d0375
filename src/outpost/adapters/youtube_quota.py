"""YouTube's daily quota: what Outpost spends per Google project per day, and refusing in time.

The YouTube Data API gives each Google Cloud project 10,000 units a day by default, "reset at
midnight Pacific Time" (developers.google.com/youtube/data/determine_quota_cost). The
`videos.insert` reference prices an upload at 1,600 units; reads (`channels.list`, `videos.list`,
`playlistItems.list`) cost 1, writes (`videos.update`, `videos.delete`, `thumbnails.set`) 50. A
newer quota page gives uploads their own bucket of 100 calls a day; the notes
(../shared/platforms/meta-linkedin-tiktok-youtube.md §6.2) keep the stricter, documented price.

Where the count lives: the quota belongs to the project (the creator's OAuth client id), not to
one channel: two channels signed in through one project spend from one pot. So the count is a
*network* checkpoint (`AccountContext.save_network_checkpoint`, the store's `checkpoints` table,
key `youtube:quota:<hash of the client id>`): every account of that project reads and writes the
same row, it survives restarts, and it holds no secret (the client id is hashed anyway). One row
per project, `{"day": "2026-11-25", "used": 3201}`; a new Pacific day starts it at 0.

Every request is counted *before* it is sent (Google charges failed requests too), and one that
would go over the allowance is refused with the reason and the reset time instead of sent. When
Google itself says `quotaExceeded` (another program spent from the same project), the day is
marked used up. Two Outpost processes spending at the same instant may both read the old count;
Google's own `quotaExceeded` remains the backstop for that narrow case.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from outpost.adapters.base import AccountContext
from outpost.domain.clock import Clock
from outpost.domain.errors import RateLimited
from outpost.domain.models import QuotaLeft

PACIFIC = ZoneInfo("America/Los_Angeles")
DAILY_UNITS = 10_000

#: Units per call (developers.google.com/youtube/v3/determine_quota_cost and each method's page).
COSTS: dict[str, int] = {
    "channels.list": 1,
    "videos.list": 1,
    "playlistItems.list": 1,
    "videos.insert": 1600,
    "videos.update": 50,
    "videos.delete": 50,
    "thumbnails.set": 50,
    "commentThreads.insert": 50,  # the first comment (youtube/v3/docs/commentThreads/insert)
}


def next_reset(now: datetime) -> datetime:
    """The next midnight in Pacific time (PST or PDT, as the day has it), in UTC."""
    local = now.astimezone(PACIFIC)
    tomorrow = datetime.combine(local.date() + timedelta(days=1), time(0), tzinfo=PACIFIC)
    return tomorrow.astimezone(now.tzinfo)


def pacific_day(now: datetime) -> str:
    """The quota day `now` falls in (its date in Pacific time)."""
    return now.astimezone(PACIFIC).date().isoformat()


def project_key(client_id: str) -> str:
    """The checkpoint name of a project's count (the client id hashed: short, and not repeated)."""
    digest = hashlib.sha256((client_id or "no-client-id").encode()).hexdigest()[:16]
    return f"quota:{digest}"


class QuotaLedger:
    """Counts the units Outpost spends per Google project per Pacific day, and refuses in time.

    Args:
        clock: the adapter's clock (decides the day and the reset).
        daily_units: the project's allowance (Google's default; tests use a small one).
    """

    def __init__(self, clock: Clock, daily_units: int = DAILY_UNITS) -> None:
        self._clock = clock
        self.daily_units = daily_units
        self._lock = asyncio.Lock()  # one process never reads a count another task is changing

    async def spend(self, ctx: AccountContext, method: str) -> None:
        """Count `method`'s units for the account's project, or refuse if they would not fit today.

        Raises:
            RateLimited: the request would take the project over its daily allowance; `retry_at`
                is the reset (midnight Pacific time).
        """
        cost = COSTS[method]
        async with self._lock:
            key = await self._key(ctx)
            used = await self._used(ctx, key)
            if used + cost > self.daily_units:
                raise self._refusal(method, cost, used)
            await self._save(ctx, key, used + cost)

    async def used_up(self, ctx: AccountContext) -> RateLimited:
        """Google answered `quotaExceeded`: the rest of the day is gone. Returns the error to raise."""
        async with self._lock:
            await self._save(ctx, await self._key(ctx), self.daily_units)
        reset = next_reset(self._clock.now())
        return RateLimited(
            f"YouTube says your Google project's daily API quota is used up (quotaExceeded). It "
            f"resets at midnight Pacific time ({reset:%Y-%m-%d %H:%M} UTC); Outpost tries again "
            f"after that. Ask Google for more quota in the Cloud Console if this happens often.",
            retry_at=reset,
            retry_after_s=(reset - self._clock.now()).total_seconds(),
        )

    async def left(self, ctx: AccountContext) -> QuotaLeft:
        """Today's count for the account's project (for the health card)."""
        used = await self._used(ctx, await self._key(ctx))
        return QuotaLeft(
            used=used, limit=self.daily_units, unit="units", resets_at=next_reset(self._clock.now())
        )

    async def can_spend(self, ctx: AccountContext, method: str) -> bool:
        """Whether `method` still fits today (without spending)."""
        return (await self._used(ctx, await self._key(ctx))) + COSTS[method] <= self.daily_units

    # -- storage -------------------------------------------------------------------------------

    @staticmethod
    async def _key(ctx: AccountContext) -> str:
        return project_key((await ctx.credentials()).get("client_id", ""))

    async def _used(self, ctx: AccountContext, key: str) -> int:
        raw = await ctx.network_checkpoint(key)
        if not raw:
            return 0
        try:
            saved = json.loads(raw)
            day, used = saved["day"], int(saved["used"])
        except (ValueError, KeyError, TypeError):
            return 0  # an unreadable note counts as a fresh day rather than blocking publishing
        return used if day == pacific_day(self._clock.now()) else 0

    async def _save(self, ctx: AccountContext, key: str, used: int) -> None:
        value = json.dumps({"day": pacific_day(self._clock.now()), "used": used})
        await ctx.save_network_checkpoint(key, value)

    def _refusal(self, method: str, cost: int, used: int) -> RateLimited:
        now = self._clock.now()
        reset = next_reset(now)
        what = "An upload" if method == "videos.insert" else f"This request ({method})"
        return RateLimited(
            f"Not sent: {what} costs {cost} units of YouTube's daily API quota, and your Google project "
            f"has {max(0, self.daily_units - used)} of {self.daily_units} left today. The quota resets "
            f"at midnight Pacific time ({reset:%Y-%m-%d %H:%M} UTC); Outpost tries again after that.",
            retry_at=reset,
            retry_after_s=(reset - now).total_seconds(),
        )


__all__ = ["COSTS", "DAILY_UNITS", "PACIFIC", "QuotaLedger", "next_reset", "pacific_day", "project_key"]
