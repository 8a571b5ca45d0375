"""A `StatsSource` that answers with fixed domain objects, for the Stats tab's tests and pictures.

It stands where `engine.stats` will (issue #21): the tab only ever sees these shapes. `demo()`
is a realistic creator's month for the screenshots; the tests build their own, hand-computed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from outpost.domain.stats import (
    BestTime,
    BestTimes,
    DayTimes,
    Period,
    PlatformStats,
    PostStats,
    SeriesPoint,
    StatsSummary,
    SummaryTotals,
    TopPost,
    Totals,
)

Grid = list[list[float | None]]


def empty_grid() -> Grid:
    return [[None] * 24 for _ in range(7)]


@dataclass
class FixedStats:
    """Answers every call with what it was given; records what was asked."""

    summary_answer: StatsSummary = field(
        default_factory=lambda: StatsSummary(
            period=Period(start=date(2027, 1, 1), end=date(2027, 1, 30)), summary=SummaryTotals(total_posts=0)
        )
    )
    best: BestTimes = field(default_factory=BestTimes)
    rates: Grid = field(default_factory=empty_grid)
    counts: list[list[int]] = field(default_factory=lambda: [[0] * 24 for _ in range(7)])
    posts: dict[str, PostStats] = field(default_factory=dict)
    asked: list[tuple[object, ...]] = field(default_factory=list)
    collected: list[tuple[str | None, int | None]] = field(default_factory=list)

    async def post(self, post_id: str) -> PostStats:
        self.asked.append(("post", post_id))
        return self.posts[post_id]

    async def summary(
        self, start: date, end: date, account_id: str | None = None, network: str | None = None
    ) -> StatsSummary:
        self.asked.append(("summary", start, end, account_id, network))
        return self.summary_answer

    async def best_times(
        self, account_id: str | None = None, network: str | None = None, *, zone: ZoneInfo
    ) -> BestTimes:
        self.asked.append(("best_times", account_id, network, zone.key))
        return self.best

    async def heatmap(
        self, zone: ZoneInfo, account_id: str | None = None, network: str | None = None
    ) -> Grid:
        self.asked.append(("heatmap", zone.key, account_id, network))
        return self.rates

    async def heatmap_counts(
        self, zone: ZoneInfo, account_id: str | None = None, network: str | None = None
    ) -> list[list[int]]:
        return self.counts

    async def collect(self, account_id: str | None = None, backfill_days: int | None = None) -> object:
        self.collected.append((account_id, backfill_days))
        return None


def demo(accounts: dict[str, str], *, today: date, seed: int = 21) -> FixedStats:
    """A creator's last 30 days on the given accounts (network value → account id), seeded."""
    rng = random.Random(seed)
    shape = {  # network: (posts, impressions per post, engagement rate %, followers gained)
        "mastodon": (14, 1850, 3.1, 86),
        "bluesky": (16, 2400, 4.2, 212),
        "x": (12, 5200, 1.4, 35),
        "linkedin": (8, 3900, 2.6, 64),
        "threads": (10, 2100, None, None),  # a network that reports no impressions
    }
    by_platform = []
    for network, account in accounts.items():
        posts, per_post, rate, gained = shape.get(network, (6, 1000, 2.0, 10))
        impressions = None if rate is None else int(posts * per_post * rng.uniform(0.9, 1.1))
        engagements = int(posts * per_post * (rate or 2.9) / 100 * rng.uniform(0.9, 1.1))
        by_platform.append(
            PlatformStats(
                platform=network,
                account_id=account,
                posts=posts,
                impressions=impressions,
                engagements=engagements,
                engagement_rate=None if impressions is None else round(100 * engagements / impressions, 2),
                followers_gained=gained,
            )
        )
    impressions_total = sum(p.impressions or 0 for p in by_platform)
    engagements_total = sum(p.engagements or 0 for p in by_platform)
    titles = [
        "Our spring workshop schedule is out! Three Saturdays of natural dyeing",
        "Indigo vat day two: the colour after the third dip",
        "Why we switched to plant-based mordants (thread)",
        "Studio tour: where the dye garden grows",
        "Last call for spring workshop sign-ups!",
        "Madder root, three ways: rust, coral and brick",
    ]
    top = [
        TopPost(
            id=f"post-{n}",
            title=title,
            impressions=int(9000 / (n + 1) + rng.randint(0, 400)),
            engagements=int(420 / (n + 1) + rng.randint(0, 20)),
        )
        for n, title in enumerate(titles)
    ]
    summary = StatsSummary(
        period=Period(start=today - timedelta(days=29), end=today),
        summary=SummaryTotals(
            total_posts=sum(p.posts or 0 for p in by_platform),
            total_impressions=impressions_total,
            total_engagements=engagements_total,
            avg_engagement_rate=round(100 * engagements_total / impressions_total, 2),
            followers_gained=sum(p.followers_gained or 0 for p in by_platform),
        ),
        by_platform=by_platform,
        top_posts=top,
    )
    rates, counts = empty_grid(), [[0] * 24 for _ in range(7)]
    for day in range(7):
        for hour in range(7, 23):
            if rng.random() < (0.85 if day < 5 else 0.5):
                peak = 1.6 if hour in (9, 12, 18) else 1.0
                weekend = 0.8 if day >= 5 else 1.0
                rates[day][hour] = round(rng.uniform(1.2, 2.6) * peak * weekend, 2)
                counts[day][hour] = rng.randint(2, 18)
    rates[1][9], counts[1][9] = 5.8, 14  # Tuesday 09:00: the best hour
    rates[3][18], counts[3][18] = 5.1, 11
    best = BestTimes(
        recommendations=[
            DayTimes(
                day="tuesday",
                times=[
                    BestTime(
                        time="09:00", score=5.8, reason="your best hour on Bluesky and Mastodon", posts=14
                    )
                ],
            ),
            DayTimes(
                day="thursday",
                times=[
                    BestTime(time="18:00", score=5.1, reason="evening replies run high on Bluesky", posts=11)
                ],
            ),
            DayTimes(
                day="saturday",
                times=[
                    BestTime(
                        time="10:00", score=3.9, reason="weekend mornings: more likes per follower", posts=7
                    )
                ],
            ),
        ],
        avoid=[
            DayTimes(
                day="sunday",
                times=[BestTime(time="22:00", score=0.6, reason="few of your followers are around", posts=6)],
            )
        ],
        based_on_posts=412,
    )
    start = datetime.combine(today - timedelta(days=6), datetime.min.time(), UTC).replace(hour=9)
    series = []
    for hours, impressions, engagements in (
        (1, 420, 61),
        (6, 1900, 198),
        (24, 4300, 310),
        (72, 6100, 362),
        (168, 7200, 381),
    ):
        series.append(
            SeriesPoint(
                timestamp=start + timedelta(hours=hours),
                impressions=impressions,
                engagements=engagements,
            )
        )
    posts = {
        post.id: PostStats(
            post_id=post.id,
            total=Totals(
                impressions=7200,
                reach=5100,
                engagements=381,
                engagement_rate=5.29,
                likes=262,
                comments=41,
                shares=78,
                clicks=None,
            ),
            by_platform=[
                PlatformStats(
                    platform=p.platform,
                    account_id=p.account_id,
                    impressions=None if p.impressions is None else 1800,
                    engagements=90 + 10 * n,
                    engagement_rate=None if p.impressions is None else 5.0 + n / 10,
                    likes=60 + n,
                    replies=10,
                    reposts=20,
                    quotes=None if p.platform != "bluesky" else 4,
                )
                for n, p in enumerate(by_platform)
            ],
            timeseries=series,
        )
        for post in top
    }
    return FixedStats(summary_answer=summary, best=best, rates=rates, counts=counts, posts=posts)
