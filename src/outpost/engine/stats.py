"""`engine.stats`: how each post did, what works, and when to post — from the creator's own history.

The window's Stats tab, `outpost stats …` and the MCP server all call these methods and show the
same numbers. Reading from the networks is the `Collector`'s (engine/collector.py); everything
here works on what the store already holds, with the arithmetic in `domain/analytics.py`.
Shapes: INTERFACE.md "Analytics" (`domain/stats.py`).
"""

from __future__ import annotations

import asyncio
import csv
import logging
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from outpost.config.zone import local_zone_name
from outpost.domain.analytics import (
    AGE_LABELS,
    SETTLED_SLOT,
    HourCell,
    ItemReading,
    add_optional,
    best_times_from_cells,
    engagement_rate,
    offsets_between,
    series,
    title_of,
)
from outpost.domain.enums import Network
from outpost.domain.errors import KnownError, NotFoundError, ValidationError
from outpost.domain.metrics import METRIC_NAMES
from outpost.domain.stats import (
    BestTimes,
    Period,
    PlatformStats,
    PostStats,
    StatsSummary,
    SummaryTotals,
    TopPost,
    Totals,
)
from outpost.engine.accounts import AccountsService
from outpost.engine.collector import TRACK_FOR, AccountCollection, Collector
from outpost.engine.core import EngineCore
from outpost.store.metrics import IMPORTED_PREFIX, Scope, Snapshot

#: `stats summary` without --from covers the last 30 days.
DEFAULT_PERIOD_DAYS = 30
TOP_POSTS = 5
#: The metrics a per-network entry shows (INTERFACE.md's `by_platform` has no reach).
_PLATFORM_METRICS = tuple(name for name in METRIC_NAMES if name in PlatformStats.model_fields)
log = logging.getLogger("outpost.stats")
_RATE_DIGITS = 2


class StatsService:
    """Statistics: collect now, per post, a period's summary, best times, CSV export."""

    def __init__(self, core: EngineCore, accounts: AccountsService) -> None:
        self._core = core
        self._accounts = accounts
        self.collector = Collector(core)
        self._cells_cache: dict[
            tuple[str | None, Network | None, str],
            tuple[tuple[int, int], tuple[list[HourCell], dict[str, float], int]],
        ] = {}
        self._cells_reading: dict[
            tuple[str | None, Network | None, str],
            asyncio.Future[tuple[list[HourCell], dict[str, float], int]],
        ] = {}

    # -- collecting -------------------------------------------------------------------------------

    async def collect(
        self, account_id: str | None = None, backfill_days: int | None = None
    ) -> list[AccountCollection]:
        """Read every account's (or one account's) recent posts' numbers now; import history if asked.

        `account_id`: an account's id or `NETWORK:handle`. `backfill_days`: also import the
        account's own posts of that many days, made anywhere (not reposts).
        """
        if backfill_days is not None and not 1 <= backfill_days <= 3650:
            raise ValidationError.single(
                "--backfill", f"--backfill: {backfill_days} days; give a number of days from 1 to 3650."
            )
        accounts = [await self._accounts.get(account_id)] if account_id else await self._accounts.list()
        return await self.collector.collect(accounts, backfill_days)

    def paid_networks(self) -> list[tuple[Network, str]]:
        """The networks whose reads cost money, with what they cost (for Settings and the CLI)."""
        found: list[tuple[Network, str]] = []
        registry = self._core.connections.registry
        for network in registry.networks:
            adapter = self._core.connections.adapter(network)
            if adapter.can_read_metrics and adapter.metrics_cost:
                found.append((network, adapter.metrics_cost))
        return found

    # -- one post ---------------------------------------------------------------------------------

    async def post(self, post_id: str) -> PostStats:
        """A post's numbers: totals, per network, and the series of readings.

        `post_id`: Outpost's post id, or `imported:ACCOUNT:ID` for one made elsewhere (as
        `top_posts` names it). A post without readings yet has nulls and an empty series.

        Raises:
            NotFoundError: no such post.
        """
        core = self._core
        metrics = core.store.metrics
        if post_id.startswith(IMPORTED_PREFIX):
            if not await core.db.run(metrics.imported_exists, post_id):
                raise NotFoundError(f"No imported post {post_id!r}; `outpost stats summary` lists them.")
        else:
            await core.db.run(core.store.posts.get, post_id)  # PostNotFoundError names the id
        snapshots = await core.db.run(metrics.snapshots_of, post_id)
        return _post_stats(post_id, snapshots)

    # -- a period ---------------------------------------------------------------------------------

    async def summary(
        self,
        start: date | None = None,
        end: date | None = None,
        account_id: str | None = None,
        network: Network | str | None = None,
        *,
        tag: str | None = None,
        campaign: str | None = None,
    ) -> StatsSummary:
        """The period's totals, per account, and top posts (dates both included, in the creator's zone).

        `tag` and `campaign` keep Outpost's posts carrying that tag or of that campaign (issue #24).
        """
        core = self._core
        zone = ZoneInfo(self._zone_name(None))
        end = end or core.clock.now().astimezone(zone).date()
        start = start or end - timedelta(days=DEFAULT_PERIOD_DAYS - 1)
        if start > end:
            raise ValidationError.single("--from", f"--from: {start} is after --to {end}.")
        scope = Scope(
            start=datetime.combine(start, time(), zone),
            end=datetime.combine(end + timedelta(days=1), time(), zone),
            account_id=(await self._accounts.get(account_id)).id if account_id else None,
            network=_network(network),
            tag=tag.strip() or None if tag else None,
            campaign=campaign.strip() or None if campaign else None,
        )
        metrics = core.store.metrics
        # Posts published lately count before their first read (registered here if the collector
        # has not seen them yet: a command run right after `post create --now`).
        await core.db.run(metrics.tracked, core.clock.now() - TRACK_FOR)
        accounts = await core.db.run(metrics.account_totals, scope)
        total_posts = await core.db.run(metrics.post_count, scope)
        gained = await core.db.run(metrics.follower_change, scope, start, end)
        top = await core.db.run(metrics.top_items, scope, TOP_POSTS)
        titles = await core.db.run(metrics.titles, [r["item"] for r in top])
        by_platform: list[PlatformStats] = []
        impressions: int | None = None
        engagements: int | None = None
        rate_sum, rated = 0.0, 0
        for entry in accounts:
            impressions = add_optional(impressions, entry.sums.get("impressions"))
            engagements = add_optional(engagements, entry.sums.get("engagements"))
            rate_sum += entry.rate_sum
            rated += entry.rated
            by_platform.append(
                PlatformStats(
                    platform=entry.network,
                    account_id=entry.account_id,
                    engagements=entry.sums.get("engagements"),
                    engagement_rate=_round(entry.rate),
                    posts=entry.items,
                    followers_gained=gained.get(entry.account_id),
                    **{name: entry.sums.get(name) for name in _PLATFORM_METRICS},
                )
            )
        return StatsSummary(
            period=Period(start=start, end=end),
            summary=SummaryTotals(
                total_posts=total_posts if total_posts is not None else sum(a.items for a in accounts),
                total_impressions=impressions,
                total_engagements=engagements,
                avg_engagement_rate=_round(rate_sum / rated) if rated else None,
                followers_gained=sum(gained.values()) if gained else None,
            ),
            by_platform=by_platform,
            top_posts=[
                TopPost(
                    id=r["item"],
                    title=title_of(titles.get(r["item"], "")) or r["item"],
                    impressions=r["impressions"],
                    engagements=r["engagements"],
                )
                for r in top
            ],
        )

    # -- best times -------------------------------------------------------------------------------

    async def best_times(
        self,
        account_id: str | None = None,
        network: Network | str | None = None,
        zone: str | ZoneInfo | None = None,
    ) -> BestTimes:
        """The weekday hours whose posts did best, in `zone` (default: the creator's), with their reasons."""
        zone_name = self._zone_name(zone.key if isinstance(zone, ZoneInfo) else zone)
        cells, usual, usable = await self._cells(zone_name, account_id, network)
        return best_times_from_cells(cells, usual, usable, zone_name)

    async def has_history(self, account_id: str | None = None, network: Network | str | None = None) -> bool:
        """Whether any post's numbers were ever recorded (an empty period is not an empty history)."""
        core = self._core
        account = await self._accounts.get(account_id) if account_id else None
        found = await core.db.run(
            core.store.metrics.has_items, account.id if account else None, _network(network)
        )
        return bool(found)

    async def heatmap(
        self,
        zone: ZoneInfo | str | None = None,
        account_id: str | None = None,
        network: Network | str | None = None,
    ) -> list[list[float | None]]:
        """Mean engagement rate (%) by weekday (monday first) × hour in `zone`; None: no post then."""
        totals, counts = await self._grid(zone, account_id, network)
        return [
            [None if n == 0 else round(100 * t / n, _RATE_DIGITS) for t, n in zip(row, row_n, strict=True)]
            for row, row_n in zip(totals, counts, strict=True)
        ]

    async def heatmap_counts(
        self,
        zone: ZoneInfo | str | None = None,
        account_id: str | None = None,
        network: Network | str | None = None,
    ) -> list[list[int]]:
        """How many posts each heatmap cell rests on."""
        return (await self._grid(zone, account_id, network))[1]

    async def _grid(
        self, zone: ZoneInfo | str | None, account_id: str | None, network: Network | str | None
    ) -> tuple[list[list[float]], list[list[int]]]:
        zone_name = self._zone_name(zone.key if isinstance(zone, ZoneInfo) else zone)
        cells, _, _ = await self._cells(zone_name, account_id, network)
        totals = [[0.0] * 24 for _ in range(7)]
        counts = [[0] * 24 for _ in range(7)]
        for cell in cells:
            totals[cell.weekday][cell.hour] += cell.rate_sum
            counts[cell.weekday][cell.hour] += cell.posts
        return totals, counts

    async def _cells(
        self, zone_name: str, account_id: str | None, network: Network | str | None
    ) -> tuple[list[HourCell], dict[str, float], int]:
        """Settled posts summed per account × weekday × hour in the zone, usual rates, post count.

        Summed by SQLite in the store's thread, so tens of thousands of items never pass through
        Python one by one (nor the window's event loop).

        Kept until new numbers are recorded (by this engine's collector, or by another process:
        SQLite's data version), so the Stats tab, opened later, finds them worked out (`warm`).
        """
        core = self._core
        account = await self._accounts.get(account_id) if account_id else None
        key = (account.id if account else None, _network(network), zone_name)
        version = (self.collector.version, await core.db.run(core.store.data_version))
        cached = self._cells_cache.get(key)
        if cached is not None and cached[0] == version:
            return cached[1]
        metrics = core.store.metrics
        zone = ZoneInfo(zone_name)

        def read() -> tuple[list[HourCell], dict[str, float], int]:
            span = metrics.rated_span(key[0], key[1], SETTLED_SLOT)
            if span is None:
                return [], {}, 0
            first, last = datetime.fromisoformat(span[0]), datetime.fromisoformat(span[1])
            offsets = offsets_between(zone, first, last)
            cells = []
            for r in metrics.hour_cells(key[0], key[1], SETTLED_SLOT, offsets):
                weekday, hour = (int(x) for x in str(r["slot"]).split())
                cells.append(
                    HourCell(r["account_id"], (weekday + 6) % 7, hour, float(r["rate_sum"]), int(r["posts"]))
                )
            usual = metrics.usual_rates(key[0], key[1], SETTLED_SLOT)
            return cells, {a: rate for a, (rate, _) in usual.items()}, sum(n for _, n in usual.values())

        running = self._cells_reading.get(key)
        if running is None:  # best times, the heatmap and its counts come together: one read
            running = asyncio.ensure_future(core.db.run(read))
            self._cells_reading[key] = running
        try:
            found = await asyncio.shield(running)
        finally:
            self._cells_reading.pop(key, None)
        self._cells_cache[key] = (version, found)
        return found

    async def warm(self) -> None:
        """Work out the creator's best hours and heatmap ahead, off every critical path.

        Called once the engine runs (the window, `outpost run`): the Stats tab opened later paints
        from it instead of reading every measured post while the creator waits (issue #21).
        """
        try:
            await self._cells(self._zone_name(None), None, None)
        except KnownError as error:
            log.info("statistics not worked out ahead: %s", error)

    # -- export -----------------------------------------------------------------------------------

    async def export(self, path: Path | str, start: date | None = None, end: date | None = None) -> int:
        """Every reading of the posts published from `start` to `end` (default: all) as CSV; rows written."""
        core = self._core
        zone = ZoneInfo(self._zone_name(None))
        first = datetime.combine(start, time(), zone) if start else datetime(1970, 1, 1, tzinfo=zone)
        last = (
            datetime.combine(end + timedelta(days=1), time(), zone)
            if end
            else datetime(9999, 1, 1, tzinfo=zone)
        )
        rows = await core.db.run(core.store.metrics.export_rows, Scope(start=first, end=last))
        header: list[object] = [
            "post_id",
            "account_id",
            "network",
            "platform_post_id",
            "published_at",
            "read_at",
            "age",
            *METRIC_NAMES,
            "engagements",
            "engagement_rate",
        ]
        lines: list[list[object]] = [header]
        for r in rows:
            lines.append(
                [
                    r["post_id"] or f"{IMPORTED_PREFIX}{r['account_id']}:{r['platform_post_id']}",
                    r["account_id"],
                    r["network"],
                    r["platform_post_id"],
                    r["published_at"],
                    r["read_at"],
                    "" if r["age_slot"] is None else AGE_LABELS[r["age_slot"]],
                    *("" if r[name] is None else r[name] for name in METRIC_NAMES),
                    "" if r["engagements"] is None else r["engagements"],
                    "" if r["engagement_rate"] is None else round(r["engagement_rate"] * 100, 4),
                ]
            )
        await asyncio.to_thread(_write_csv, Path(path), lines)
        return len(rows)

    # -- helpers ----------------------------------------------------------------------------------

    def _zone_name(self, zone: str | None) -> str:
        name = zone or self._core.settings.default_timezone or local_zone_name()
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValidationError.single(
                "--tz", f"--tz: {name!r} is not an IANA time zone (e.g. Europe/Berlin, America/New_York)."
            ) from None
        return name


def _network(value: Network | str | None) -> Network | None:
    if value is None or isinstance(value, Network):
        return value
    try:
        return Network(value)
    except ValueError:
        raise ValidationError.single(
            "--network", f"--network: {value!r} is not a network ({', '.join(n.value for n in Network)})."
        ) from None


def _round(value: float | None) -> float | None:
    """A rate as a percent, as seed 004's analytics show it (0.018 → 1.8)."""
    return None if value is None else round(value * 100, _RATE_DIGITS)


def _post_stats(post_id: str, snapshots: list[Snapshot]) -> PostStats:
    latest: dict[tuple[str, str], Snapshot] = {}
    for snap in snapshots:  # ordered by read time: the last one of each item wins
        latest[(snap.account_id, snap.platform_post_id)] = snap
    per_account: dict[str, list[Snapshot]] = {}
    for snap in latest.values():
        per_account.setdefault(snap.account_id, []).append(snap)
    by_platform: list[PlatformStats] = []
    total: dict[str, int | None] = dict.fromkeys((*METRIC_NAMES, "engagements", "followers"))
    for account_id, snaps in per_account.items():
        sums: dict[str, int | None] = dict.fromkeys((*METRIC_NAMES, "engagements", "followers"))
        for snap in snaps:
            for name in METRIC_NAMES:
                sums[name] = add_optional(sums[name], getattr(snap.reading, name))
            sums["engagements"] = add_optional(sums["engagements"], snap.reading.engagements)
            sums["followers"] = add_optional(sums["followers"], snap.followers_at_post)
        for key, value in sums.items():
            total[key] = add_optional(total[key], value)
        by_platform.append(
            PlatformStats(
                platform=snaps[0].network.value,
                account_id=account_id,
                engagements=sums["engagements"],
                engagement_rate=_round(
                    engagement_rate(sums["engagements"], sums["impressions"], sums["followers"])
                ),
                **{name: sums[name] for name in _PLATFORM_METRICS},
            )
        )
    totals = Totals(
        impressions=total["impressions"],
        reach=total["reach"],
        engagements=total["engagements"],
        engagement_rate=_round(
            engagement_rate(total["engagements"], total["impressions"], total["followers"])
        ),
        clicks=total["clicks"],
        shares=total["reposts"],
        comments=total["replies"],
        likes=total["likes"],
    )
    points = series(ItemReading(f"{s.account_id} {s.platform_post_id}", s.reading) for s in snapshots)
    return PostStats(post_id=post_id, total=totals, by_platform=by_platform, timeseries=points)


def _write_csv(path: Path, lines: list[list[object]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(lines)


__all__ = ["AccountCollection", "StatsService"]
