"""The statistics' arithmetic, pure: when to read, engagement rates, spikes, best times, series.

`engine/stats.py` feeds these functions rows from the store and hands their answers to the
command line, the window and the MCP server; nothing here reads a clock, a file or a network, so
every rule is tested on seeded histories with known answers.

Definitions (docs/analytics.md says the same in words):
- engagements = likes + reposts + replies (+ quotes where the network has them); None when the
  network reports none of them (`MetricReading.engagements`).
- engagement rate = engagements / impressions where the network reports impressions, else
  engagements / the account's followers when the post went out (so a post from when the account
  was small is not judged against today's audience); None when neither is known.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from outpost.domain.metrics import MetricReading
from outpost.domain.stats import BestTime, BestTimes, DayTimes, SeriesPoint

#: The scheduled reads after publishing: 1 h, 6 h, 24 h, 7 d, 30 d (a read's "age slot" is its index).
READ_AGES: tuple[timedelta, ...] = (
    timedelta(hours=1),
    timedelta(hours=6),
    timedelta(hours=24),
    timedelta(days=7),
    timedelta(days=30),
)
AGE_LABELS = ("1 h", "6 h", "24 h", "7 d", "30 d")
#: A post's numbers settle after a day; younger readings would make every hour look worse than it is.
SETTLED_SLOT = 2

WEEKDAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def age_slot(published_at: datetime, read_at: datetime) -> int | None:
    """Which scheduled read a reading at `read_at` stands for (the latest age it reached), None under 1 h."""
    age = read_at - published_at
    reached = [i for i, limit in enumerate(READ_AGES) if age >= limit]
    return reached[-1] if reached else None


def next_read_at(published_at: datetime, done_slot: int | None) -> datetime | None:
    """When the next scheduled read of a post is due, given the latest slot already read; None when done."""
    following = 0 if done_slot is None else done_slot + 1
    if following >= len(READ_AGES):
        return None
    return published_at + READ_AGES[following]


def engagement_rate(
    engagements: int | None, impressions: int | None, followers_at_post: int | None
) -> float | None:
    """Engagements per impression, else per follower at post time; None when it cannot be said."""
    if engagements is None:
        return None
    if impressions:
        return engagements / impressions
    if followers_at_post:
        return engagements / followers_at_post
    return None


def followers_at(counts: Sequence[tuple[datetime, int]], when: datetime) -> int | None:
    """The follower count recorded nearest before `when` (else the first after); `counts` sorted by time."""
    before = [n for at, n in counts if at <= when]
    if before:
        return before[-1]
    return counts[0][1] if counts else None


def add_optional(a: int | None, b: int | None) -> int | None:
    """The sum where either is known; None only when both are unknown (a null never becomes 0)."""
    if a is None:
        return b
    if b is None:
        return a
    return a + b


# -- engagement spikes ------------------------------------------------------------------------------

#: How many earlier posts of the account (read at the same age) a spike is judged against.
SPIKE_MIN_HISTORY = 10
SPIKE_FACTOR = 3.0
SPIKE_MADS = 3.0


@dataclass(frozen=True)
class Spike:
    """A post doing far better than the account's usual at the same age."""

    engagements: int
    usual: float  # the median of the account's earlier posts at this age
    threshold: float
    history: int  # how many earlier posts the usual rests on
    slot: int

    @property
    def times_usual(self) -> float:
        """How many times the usual this post has (the usual counted as at least 1)."""
        return self.engagements / max(self.usual, 1.0)

    def message(self, account_ref: str) -> str:
        """One line for a notification."""
        return (
            f"A post on {account_ref} is taking off: {self.engagements} engagements after "
            f"{AGE_LABELS[self.slot]}, {self.times_usual:.1f}× the usual {self.usual:g} "
            f"(from {self.history} earlier posts)."
        )


def spike(engagements: int | None, history: Sequence[int], slot: int) -> Spike | None:
    """Whether `engagements` at age `slot` is far above the account's earlier posts at that age.

    The rule: more than max(3 × median, median + 3 × MAD) of at least 10 earlier posts (MAD: the
    median absolute deviation, robust to the account's own earlier outliers). Three times the
    median alone would fire on every third post of a small account (1 → 4 likes); the MAD term
    alone would fire on a steady account's slightly better day.
    """
    if engagements is None or len(history) < SPIKE_MIN_HISTORY:
        return None
    median = statistics.median(history)
    mad = statistics.median(abs(value - median) for value in history)
    threshold = max(SPIKE_FACTOR * median, median + SPIKE_MADS * mad)
    if engagements <= threshold:
        return None
    return Spike(engagements, float(median), float(threshold), len(history), slot)


# -- time series ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemReading:
    """One reading of one published item (a target's post, or a post imported from the network)."""

    item: str  # account_id + platform post id
    reading: MetricReading


def series(readings: Iterable[ItemReading]) -> list[SeriesPoint]:
    """A post's time series over all its networks: at each reading, every item's latest numbers summed.

    Networks are read at different moments; summing each item's latest reading at or before each
    moment keeps the line from dipping when one network was read and another not yet.
    """
    ordered = sorted(readings, key=lambda r: r.reading.read_at)
    latest: dict[str, MetricReading] = {}
    points: list[SeriesPoint] = []
    for entry in ordered:
        latest[entry.item] = entry.reading
        impressions: int | None = None
        engagements: int | None = None
        for reading in latest.values():
            impressions = add_optional(impressions, reading.impressions)
            engagements = add_optional(engagements, reading.engagements)
        point = SeriesPoint(timestamp=entry.reading.read_at, impressions=impressions, engagements=engagements)
        if points and points[-1].timestamp == point.timestamp:
            points[-1] = point
        else:
            points.append(point)
    return points


# -- best times -------------------------------------------------------------------------------------

#: Fewer settled posts than this and Outpost says so instead of guessing.
BEST_TIMES_MIN_POSTS = 20
#: An hour of a weekday is judged only when at least this many posts went out then.
BEST_TIMES_MIN_CELL = 3
BEST_TIMES_TOP = 5
#: A slot this much below the usual (0.7× or less) is worth avoiding.
AVOID_BELOW = 0.7


@dataclass(frozen=True)
class RatedPost:
    """One of the creator's posts on one account, with its settled engagement rate."""

    account_id: str
    published_at: datetime
    rate: float


def best_times(posts: Sequence[RatedPost], zone: tzinfo, zone_name: str) -> BestTimes:
    """The weekday × hour slots whose posts did best, relative to each account's usual rate.

    Each post's rate is divided by its account's median rate, so a network with bigger numbers
    (or an account that grew) does not drown the others: 1.0 is "as usual" for every account.
    A slot's score is the mean of those relative rates over the posts made in that hour of that
    weekday, in `zone`; slots with fewer than 3 posts are not judged.
    """
    usable = [p for p in posts if p.rate >= 0]
    if len(usable) < BEST_TIMES_MIN_POSTS:
        return BestTimes(
            based_on_posts=len(usable),
            message=(
                f"Too little history to recommend times: {len(usable)} post(s) with settled numbers "
                f"(at least a day old, with engagements and impressions or a follower count); "
                f"Outpost needs {BEST_TIMES_MIN_POSTS}. Publish more, or import your history with "
                f"`outpost stats collect --backfill 365`."
            ),
        )
    by_account: dict[str, list[float]] = defaultdict(list)
    for p in usable:
        by_account[p.account_id].append(p.rate)
    usual = {account: statistics.median(rates) for account, rates in by_account.items()}
    cells: dict[tuple[int, int], list[float]] = defaultdict(list)
    for p in usable:
        base = usual[p.account_id]
        if base <= 0:
            continue  # an account whose usual is nothing gives no comparison
        local = p.published_at.astimezone(zone)
        cells[(local.weekday(), local.hour)].append(p.rate / base)
    judged = {
        cell: (statistics.fmean(v), len(v)) for cell, v in cells.items() if len(v) >= BEST_TIMES_MIN_CELL
    }
    good = sorted(((c, s, n) for c, (s, n) in judged.items() if s > 1.0), key=lambda x: (-x[1], -x[2], x[0]))[
        :BEST_TIMES_TOP
    ]
    bad = sorted(
        ((c, s, n) for c, (s, n) in judged.items() if s <= AVOID_BELOW), key=lambda x: (x[1], -x[2], x[0])
    )[:BEST_TIMES_TOP]
    message = None
    if not good:
        message = (
            f"No hour stands out yet: {len(usable)} posts, but no weekday-hour with at least "
            f"{BEST_TIMES_MIN_CELL} posts did better than usual."
        )
    return BestTimes(
        recommendations=_by_day(good, zone_name, better=True),
        avoid=_by_day(bad, zone_name, better=False),
        based_on_posts=len(usable),
        message=message,
    )


def _by_day(
    cells: list[tuple[tuple[int, int], float, int]], zone_name: str, *, better: bool
) -> list[DayTimes]:
    days: dict[int, list[BestTime]] = defaultdict(list)
    for (weekday, hour), score, count in cells:
        day = WEEKDAY_NAMES[weekday].capitalize()
        comparison = f"{score:.1f}× your usual engagement rate"
        reason = f"{count} of your posts made on {day}s at {hour:02d}:00 ({zone_name}) got {comparison}"
        if not better:
            reason += "; better times exist"
        days[weekday].append(
            BestTime(time=f"{hour:02d}:00", score=round(score, 2), reason=reason, posts=count)
        )
    return [DayTimes(day=WEEKDAY_NAMES[d], times=times) for d, times in sorted(days.items())]


def title_of(text: str, limit: int = 80) -> str:
    """A post's first line, shortened for a list of top posts."""
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first if len(first) <= limit else first[: limit - 1].rstrip() + "…"
