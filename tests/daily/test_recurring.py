"""Recurring and evergreen posts: wall-clock times across DST in two zones, ends, cancelling, no back-to-back."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from outpost.domain.enums import PostStatus, TargetStatus
from outpost.domain.errors import InvalidStateError, ValidationError
from outpost.domain.models import Account
from outpost.domain.recurrence import Recurrence, describe
from outpost.engine import Engine, PostChanges, PostInput, When
from outpost.engine.series import RepeatRequest
from tests.conftest import until
from tests.fakes import FakeClock, FakeNetwork


def _walls(recurrence: Recurrence, zone: str) -> list[str]:
    return [f"{i.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M %Z}" for _, i in recurrence.occurrences()]


@pytest.mark.parametrize(
    ("zone", "first", "expected"),
    [
        # Europe/Berlin goes to summer time on 29 March 2026.
        (
            "Europe/Berlin",
            datetime(2026, 3, 17, 8, tzinfo=UTC),
            [
                "2026-03-17 09:00 CET",
                "2026-03-24 09:00 CET",
                "2026-03-31 09:00 CEST",
                "2026-04-07 09:00 CEST",
            ],
        ),
        # America/New_York leaves summer time on 1 November 2026, a week before Berlin's 25 October… no: after.
        (
            "America/New_York",
            datetime(2026, 10, 27, 13, tzinfo=UTC),
            ["2026-10-27 09:00 EDT", "2026-11-03 09:00 EST", "2026-11-10 09:00 EST", "2026-11-17 09:00 EST"],
        ),
    ],
)
def test_weekly_keeps_the_wall_clock_time_across_dst(zone: str, first: datetime, expected: list[str]) -> None:
    assert _walls(Recurrence("weekly", first, zone, count=4), zone) == expected


def test_a_time_in_the_dst_gap_goes_out_after_it_and_cron_follows_the_zone() -> None:
    daily = Recurrence("daily", datetime(2026, 3, 28, 1, 30, tzinfo=UTC), "Europe/Berlin", count=3)
    assert _walls(daily, "Europe/Berlin") == [
        "2026-03-28 02:30 CET",
        "2026-03-29 03:30 CEST",  # 02:30 does not exist that day
        "2026-03-30 02:30 CEST",
    ]
    tuesdays = Recurrence(
        "cron:0 9 * * 2", datetime(2026, 3, 3, 14, tzinfo=UTC), "America/New_York", count=3
    )  # New York changes on 8 March
    assert _walls(tuesdays, "America/New_York") == [
        "2026-03-03 09:00 EST",
        "2026-03-10 09:00 EDT",
        "2026-03-17 09:00 EDT",
    ]
    monthly = Recurrence("monthly", datetime(2027, 1, 31, 8, tzinfo=UTC), "Europe/Berlin", count=3)
    assert [w[:10] for w in _walls(monthly, "Europe/Berlin")] == ["2027-01-31", "2027-02-28", "2027-03-31"]


def test_the_summary_reads_like_a_sentence() -> None:
    first = datetime(2026, 12, 1, 8, tzinfo=UTC)  # a Tuesday, 09:00 in Berlin
    end = datetime(2027, 6, 30, 21, 59, tzinfo=UTC)
    assert describe("weekly", first, "Europe/Berlin", end) == "Every Tuesday at 09:00 until 30 June 2027"
    assert describe("daily", first, "Europe/Berlin", count=5) == "Every day at 09:00, 5 times in all"
    assert describe("cron:30 18 * * 1-5", first, "Europe/Berlin") == "At 18:30, Monday through Friday"


@pytest.mark.asyncio
async def test_a_weekly_series_is_made_ahead_and_ends_by_count(engine: Engine, alice: Account) -> None:
    first = await engine.series.create(
        PostInput(text="Tip of the week", accounts=(alice.id,)),
        When.scheduled("2026-11-26T09:00", "Europe/Berlin"),
        RepeatRequest("weekly", count=3),
    )
    assert first.repeat is not None and first.repeat.count == 3 and first.repeat.ended
    posts = await engine.posts.list([PostStatus.SCHEDULED])
    assert [p.scheduled_at for p in posts] == [
        datetime(2026, 11, 26, 8, tzinfo=UTC),
        datetime(2026, 12, 3, 8, tzinfo=UTC),
        datetime(2026, 12, 10, 8, tzinfo=UTC),
    ]
    assert {p.repeat.series_id for p in posts if p.repeat} == {first.repeat.series_id}


@pytest.mark.asyncio
async def test_a_daily_series_stops_at_until_and_is_topped_up_as_time_goes_by(
    engine: Engine, alice: Account, clock: FakeClock
) -> None:
    first = await engine.series.create(
        PostInput(text="Daily", accounts=(alice.id,)),
        When.scheduled("2026-11-26T09:00", "America/New_York"),
        RepeatRequest("daily", until="2027-03-31"),
    )
    made = await engine.posts.list([PostStatus.SCHEDULED])
    # Eight weeks ahead of now (25 November), not the whole winter at once.
    assert len(made) == 55 and made[-1].scheduled_at == datetime(2027, 1, 19, 14, tzinfo=UTC)
    clock.advance(timedelta(days=7))
    assert await engine.series.top_up_all() == 7
    clock.set(datetime(2027, 3, 1, tzinfo=UTC))
    await engine.series.top_up_all()
    times = [p.scheduled_at for p in await engine.posts.list([PostStatus.SCHEDULED])]
    assert times[-1] == datetime(2027, 3, 31, 13, tzinfo=UTC)  # 09:00 EDT: after New York's change
    assert (await engine.posts.get(first.id)).repeat.ended  # type: ignore[union-attr]


@pytest.mark.asyncio
async def test_cancel_one_occurrence_or_the_whole_series(engine: Engine, alice: Account) -> None:
    first = await engine.series.create(
        PostInput(text="Weekly", accounts=(alice.id,)),
        When.scheduled("2026-11-26T09:00", "UTC"),
        RepeatRequest("weekly"),
    )
    posts = await engine.posts.list([PostStatus.SCHEDULED])
    assert len(posts) == 8  # 26 Nov and every week up to eight weeks from now
    await engine.posts.cancel(posts[1].id)  # one alone: the others stay, and it is not made again
    assert await engine.series.top_up_all() == 0
    assert len(await engine.posts.list([PostStatus.SCHEDULED])) == 7
    await engine.series.edit_series(posts[2].id, PostChanges(text="Weekly, reworded"))
    texts = [p.text for p in await engine.posts.list([PostStatus.SCHEDULED])]
    assert texts[0] == "Weekly" and set(texts[1:]) == {"Weekly, reworded"}
    cancelled = await engine.series.cancel_series(first.id)
    assert len(cancelled) == 7 and await engine.posts.list([PostStatus.SCHEDULED]) == []
    assert await engine.series.top_up_all() == 0
    with pytest.raises(InvalidStateError, match="not part of a recurring series"):
        one_off = await engine.posts.create(PostInput(text="once", accounts=(alice.id,)))
        await engine.series.cancel_series(one_off.id)


@pytest.mark.asyncio
async def test_bad_repeat_options_are_refused_naming_them(engine: Engine, alice: Account) -> None:
    request = PostInput(text="x", accounts=(alice.id,))
    at = When.scheduled("2026-11-26T09:00", "UTC")
    for repeat, field in (
        (RepeatRequest("fortnightly"), "--repeat"),
        (RepeatRequest("cron:61 * * * *"), "--repeat"),
        (RepeatRequest("daily", count=0), "--repeat-count"),
        (RepeatRequest("daily", until="2020-01-01"), "--repeat-until"),
        (RepeatRequest("daily", until="soon"), "--repeat-until"),
    ):
        with pytest.raises(ValidationError) as caught:
            await engine.series.create(request, at, repeat)
        assert caught.value.problems[0].field == field
    with pytest.raises(ValidationError, match="give --at"):
        await engine.series.create(request, When.draft(), RepeatRequest("daily"))
    assert await engine.posts.list() == []


@pytest.mark.asyncio
async def test_evergreen_posts_fill_a_quiet_account_never_back_to_back(
    engine: Engine, alice: Account, clock: FakeClock, remote: FakeNetwork
) -> None:
    await engine.slots.set_weekly(
        "default", "mon 10:00, tue 10:00, wed 10:00, thu 10:00, fri 10:00, sat 10:00, sun 10:00", "UTC"
    )
    engine.update_settings(evergreen_min_gap_days=1)
    for text in ("Evergreen A", "Evergreen B"):
        post = await engine.posts.create(PostInput(text=text, accounts=(alice.id,)))
        await engine.evergreen.mark(post.id)
    await engine.start()
    ran: list[str] = []
    for _ in range(6):
        await until(lambda: _queued(engine))  # the round at start, then each hour
        [queued] = await engine.posts.list([PostStatus.SCHEDULED])
        assert queued.scheduled_at is not None
        clock.set(queued.scheduled_at)
        await until(lambda q=queued: _published(engine, q.id))
        ran.append(queued.text)
        clock.advance(timedelta(hours=1))  # the next round queues the next one
    assert ran == ["Evergreen A", "Evergreen B"] * 3
    assert [p.text for p in remote.posts] == ran
    assert all(a != b for a, b in pairwise(ran))
    engine.update_settings(evergreen_min_gap_days=30)  # both ran within 30 days: nothing is due again
    assert await engine.evergreen.fill() == []


async def _queued(engine: Engine) -> bool:
    return bool(await engine.posts.list([PostStatus.SCHEDULED]))


async def _published(engine: Engine, post_id: str) -> bool:
    post = await engine.posts.get(post_id)
    return all(t.status is TargetStatus.PUBLISHED for t in post.targets)


@pytest.mark.asyncio
async def test_an_occurrence_saved_but_not_counted_before_a_crash_is_adopted_not_made_twice(
    engine: Engine, alice: Account
) -> None:
    first = await engine.series.create(
        PostInput(text="Weekly", accounts=(alice.id,)),
        When.scheduled("2026-11-26T09:00", "UTC"),
        RepeatRequest("weekly", count=3),
    )
    assert first.repeat is not None
    # As if Outpost died after saving the third occurrence but before counting it in its series.
    series = await engine._core.db.run(engine._core.store.series.get, first.repeat.series_id)
    assert series is not None
    third = (await engine.posts.list([PostStatus.SCHEDULED]))[-1]
    engine._core.store.db.execute("UPDATE posts SET series_id = NULL WHERE id = ?", (third.id,))
    engine._core.store.db.execute("UPDATE series SET made = 2, ended_at = NULL WHERE id = ?", (series.id,))
    await engine.series.top_up_all()
    scheduled = await engine.posts.list([PostStatus.SCHEDULED])
    assert len(scheduled) == 3 and (await engine.posts.get(third.id)).repeat is not None
