"""The statistics' arithmetic on hand-made numbers: ages, rates, spikes, series, best times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from outpost.domain.analytics import (
    BEST_TIMES_MIN_POSTS,
    ItemReading,
    RatedPost,
    age_slot,
    best_times,
    engagement_rate,
    followers_at,
    next_read_at,
    series,
    spike,
)
from outpost.domain.metrics import MetricReading

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)  # a Monday


def test_a_late_read_stands_for_the_latest_age_it_reached_and_the_next_follows_from_there() -> None:
    assert age_slot(T0, T0 + timedelta(minutes=59)) is None
    assert age_slot(T0, T0 + timedelta(hours=1)) == 0
    assert age_slot(T0, T0 + timedelta(hours=30)) == 2  # Outpost was closed at 6 h: no catch-up read
    assert next_read_at(T0, None) == T0 + timedelta(hours=1)
    assert next_read_at(T0, 2) == T0 + timedelta(days=7)
    assert next_read_at(T0, 4) is None


def test_rate_per_impression_else_per_follower_at_post_time_and_unknown_stays_unknown() -> None:
    assert engagement_rate(10, 200, 5000) == 0.05
    assert engagement_rate(10, None, 500) == 0.02
    assert engagement_rate(10, None, None) is None
    assert engagement_rate(None, 100, 100) is None
    counts = [(T0, 100), (T0 + timedelta(days=30), 400)]
    assert followers_at(counts, T0 + timedelta(days=1)) == 100  # the audience then, not today's
    assert followers_at(counts, T0 - timedelta(days=1)) == 100  # before the first count: the first


def test_a_spike_needs_far_more_than_usual_and_enough_history() -> None:
    usual = [5, 6, 4, 5, 7, 5, 6, 5, 4, 6]
    assert spike(15, usual, 0) is None  # 3× the median is 15: not above
    found = spike(16, usual, 0)
    assert found is not None and found.usual == 5 and found.history == 10
    assert "16 engagements after 1 h" in found.message("mastodon:alice@masto.example")
    assert spike(500, usual[:9], 0) is None  # nine earlier posts are too few to call anything usual
    steady = [100, 101, 99, 100, 100, 102, 98, 100, 101, 99]
    assert spike(250, steady, 2) is None  # 2.5× a steady account: good, not far outside its usual
    assert spike(301, steady, 2) is not None
    wild = [1, 50, 2, 60, 3, 40, 2, 70, 1, 55]
    # An erratic account: 3× the median (64.5) is within its usual swings; median + 3 MAD (83) is not.
    assert spike(80, wild, 0) is None
    assert spike(84, wild, 0) is not None


def test_the_series_sums_each_networks_latest_numbers_at_every_reading() -> None:
    def reading(minutes: int, likes: int, impressions: int | None = None) -> MetricReading:
        return MetricReading(
            platform_post_id="x",
            read_at=T0 + timedelta(minutes=minutes),
            likes=likes,
            impressions=impressions,
        )

    points = series(
        [
            ItemReading("mastodon 1", reading(60, 4)),
            ItemReading("x 9", reading(61, 10, impressions=300)),
            ItemReading("mastodon 1", reading(360, 9)),
        ]
    )
    assert [(p.engagements, p.impressions) for p in points] == [(4, None), (14, 300), (19, 300)]


def _history(extra_tuesday: float, count: int = 60) -> list[RatedPost]:
    zone = ZoneInfo("Europe/Berlin")
    posts = []
    for i in range(count):
        day = datetime(2026, 10, 5, tzinfo=zone) + timedelta(days=i)  # a Monday onwards
        hour = 9 if day.weekday() == 1 else 18
        at = day.replace(hour=hour).astimezone(UTC)
        rate = 0.02 * (extra_tuesday if day.weekday() == 1 else 1.0) * (1 + 0.05 * (i % 3))
        posts.append(RatedPost("acc_a", at, rate))
    return posts


def test_best_times_find_the_known_answer_in_the_creators_zone_and_say_what_they_rest_on() -> None:
    posts = _history(3.0)
    result = best_times(posts, ZoneInfo("Europe/Berlin"), "Europe/Berlin")
    assert result.based_on_posts == 60
    top = result.recommendations[0]
    assert (top.day, top.times[0].time) == ("tuesday", "09:00")
    tuesdays = sum(1 for p in posts if p.published_at.astimezone(ZoneInfo("Europe/Berlin")).weekday() == 1)
    assert top.times[0].posts == tuesdays
    assert f"{tuesdays} of your posts" in top.times[0].reason and "Europe/Berlin" in top.times[0].reason
    assert top.times[0].score > 2.5
    utc = best_times(posts, ZoneInfo("UTC"), "UTC")
    assert utc.recommendations[0].times[0].time in ("07:00", "08:00")  # the same hour, told in UTC


def test_too_little_history_says_so_instead_of_guessing() -> None:
    result = best_times(_history(3.0, count=BEST_TIMES_MIN_POSTS - 1), ZoneInfo("UTC"), "UTC")
    assert result.recommendations == [] and result.based_on_posts == BEST_TIMES_MIN_POSTS - 1
    assert result.message is not None and "Too little history" in result.message
