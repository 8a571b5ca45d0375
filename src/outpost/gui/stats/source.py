"""What the Stats tab asks of the engine: a narrow protocol, so tests hand in fixed numbers.

`engine.stats` (issue #21) satisfies it; a test passes a source built from domain objects. Every
call is a coroutine run off the GUI thread (`gui/tasks.run_op`): the tab never waits on one.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol, cast
from zoneinfo import ZoneInfo

from outpost.domain.stats import BestTimes, PostStats, StatsSummary

Grid = list[list[float | None]]  # 7 rows (monday … sunday) × 24 hours; None: no posts then
Counts = list[list[int]]  # the same grid: how many posts each cell rests on


def stats_source(engine: object) -> StatsSource | None:
    """The engine's statistics service (`engine.stats`); None for an engine without one (a test's)."""
    found = getattr(engine, "stats", None)
    return cast("StatsSource | None", found)


class StatsSource(Protocol):
    """The engine's statistics service, as far as the window uses it."""

    async def post(self, post_id: str) -> PostStats:
        """One post's totals, per-network numbers and time series."""
        ...

    async def summary(
        self, start: date, end: date, account_id: str | None = None, network: str | None = None
    ) -> StatsSummary:
        """A period's totals (days `start`..`end`, both included), per network, and top posts."""
        ...

    async def best_times(
        self, account_id: str | None = None, network: str | None = None, *, zone: ZoneInfo
    ) -> BestTimes:
        """Recommended hours in `zone`, each with its reason and post count (or a message)."""
        ...

    async def heatmap(
        self, zone: ZoneInfo, account_id: str | None = None, network: str | None = None
    ) -> Grid:
        """Average engagement rate (%) by weekday (monday first) and hour of day in `zone`."""
        ...

    async def heatmap_counts(
        self, zone: ZoneInfo, account_id: str | None = None, network: str | None = None
    ) -> Counts:
        """How many posts each heatmap cell rests on (the same grid as `heatmap`)."""
        ...

    async def collect(self, account_id: str | None = None, backfill_days: int | None = None) -> object:
        """Read metrics now (and with `backfill_days`, import the account's own recent posts)."""
        ...
