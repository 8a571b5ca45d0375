"""The scheduler: exact due times without polling, waking on change, missed posts, DST, pausing."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from outpost.config.settings import Settings, save_settings
from outpost.domain.enums import MissedPostPolicy, PostStatus
from outpost.domain.models import Account
from outpost.engine import Engine, PostChanges, PostInput, When
from outpost.engine.events import Event, PostsWereMissed, StoreDidChangeElsewhere
from tests.conftest import EngineFactory, until
from tests.fakes import START, FakeClock, FakeNetwork

pytestmark = pytest.mark.asyncio


async def status_of(engine: Engine, post_id: str) -> PostStatus:
    return (await engine.posts.get(post_id)).status


async def scheduler_waits_until(clock: FakeClock, when: datetime | None) -> None:
    """The scheduler sleeps until `when` (the health monitor waits on the same clock, for its round)."""
    await until(lambda: when in clock.waiting_until)


async def test_post_goes_out_exactly_at_its_time_and_not_a_second_before(
    engine: Engine, alice: Account, clock: FakeClock, remote: FakeNetwork
) -> None:
    post = await engine.posts.create(
        PostInput(text="hi", accounts=(alice.id,)), When.scheduled("2026-11-25T12:10:00Z")
    )
    await engine.start()
    await scheduler_waits_until(clock, START + timedelta(minutes=10))  # one wait, no polling
    clock.advance(timedelta(minutes=9, seconds=59))
    await scheduler_waits_until(clock, START + timedelta(minutes=10))
    assert await status_of(engine, post.id) is PostStatus.SCHEDULED and remote.posts == []
    clock.advance(timedelta(seconds=1))
    await until(lambda: status_of_is(engine, post.id, PostStatus.PUBLISHED))
    assert len(remote.posts) == 1
    await scheduler_waits_until(clock, None)  # nothing left: sleeps until something changes


async def status_of_is(engine: Engine, post_id: str, status: PostStatus) -> bool:
    return await status_of(engine, post_id) is status


async def test_scheduling_a_post_wakes_the_sleeping_scheduler(
    engine: Engine, alice: Account, clock: FakeClock
) -> None:
    await engine.start()
    await scheduler_waits_until(clock, None)
    later = await engine.posts.create(
        PostInput(text="later", accounts=(alice.id,)), When.scheduled("2026-11-25T15:00Z")
    )
    await scheduler_waits_until(clock, datetime(2026, 11, 25, 15, tzinfo=UTC))
    await engine.posts.create(
        PostInput(text="sooner", accounts=(alice.id,)), When.scheduled("2026-11-25T13:00Z")
    )
    await scheduler_waits_until(clock, datetime(2026, 11, 25, 13, tzinfo=UTC))
    await engine.posts.cancel((await engine.posts.list([PostStatus.SCHEDULED]))[-1].id)
    await scheduler_waits_until(clock, datetime(2026, 11, 25, 15, tzinfo=UTC))
    await engine.posts.schedule(later.id, "2026-11-25T12:30Z")
    await scheduler_waits_until(clock, datetime(2026, 11, 25, 12, 30, tzinfo=UTC))


async def test_cancelled_post_never_goes_out(
    engine: Engine, alice: Account, clock: FakeClock, remote: FakeNetwork
) -> None:
    post = await engine.posts.create(
        PostInput(text="hi", accounts=(alice.id,)), When.scheduled("2026-11-25T12:10Z")
    )
    await engine.start()
    cancelled = await engine.posts.cancel(post.id)
    assert cancelled.status is PostStatus.CANCELLED and cancelled.targets[0].status.value == "cancelled"
    clock.advance(timedelta(hours=1))
    await scheduler_waits_until(clock, None)
    assert remote.posts == []


async def test_posts_missed_while_closed_are_held_and_the_user_is_told(
    make_engine, alice: Account, engine: Engine, clock: FakeClock, remote: FakeNetwork
) -> None:
    post = await engine.posts.create(
        PostInput(text="hi", accounts=(alice.id,)), When.scheduled("2026-11-25T12:10Z")
    )
    await engine.close()  # Outpost is quit before the post is due
    clock.advance(timedelta(hours=3))
    reopened = make_engine()
    seen: list[Event] = []
    reopened.events.subscribe(seen.append)
    try:
        missed = await reopened.start()
        assert [p.id for p in missed] == [post.id]
        held = await reopened.posts.get(post.id)
        assert held.status is PostStatus.NEEDS_REVIEW
        assert (
            held.review_reason
            and "13:10 (Europe" not in held.review_reason
            and "while Outpost was not running" in held.review_reason
        )
        assert any(isinstance(e, PostsWereMissed) and e.held for e in seen)
        await scheduler_waits_until(clock, None)
        assert remote.posts == []
        published = await reopened.posts.publish(post.id)  # the person decides
        assert published.status is PostStatus.PUBLISHED and len(remote.posts) == 1
    finally:
        await reopened.close()


async def test_missed_posts_go_out_late_when_the_setting_says_so(
    make_engine, alice: Account, engine: Engine, clock: FakeClock, remote: FakeNetwork, data_dir
) -> None:
    post = await engine.posts.create(
        PostInput(text="hi", accounts=(alice.id,)), When.scheduled("2026-11-25T12:10Z")
    )
    await engine.close()
    save_settings(data_dir, Settings(missed_post_policy=MissedPostPolicy.PUBLISH))
    clock.advance(timedelta(hours=3))
    reopened = make_engine()
    try:
        await reopened.start()
        await until(lambda: status_of_is(reopened, post.id, PostStatus.PUBLISHED))
        assert len(remote.posts) == 1
    finally:
        await reopened.close()


async def test_a_post_only_slightly_late_at_start_goes_out_normally(
    make_engine, alice: Account, engine: Engine, clock: FakeClock
) -> None:
    post = await engine.posts.create(
        PostInput(text="hi", accounts=(alice.id,)), When.scheduled("2026-11-25T12:10Z")
    )
    await engine.close()
    clock.advance(timedelta(minutes=12))  # two minutes late: within the five-minute grace
    reopened = make_engine()
    try:
        assert await reopened.start() == []
        await until(lambda: status_of_is(reopened, post.id, PostStatus.PUBLISHED))
    finally:
        await reopened.close()


async def test_wall_clock_time_after_a_dst_change_fires_at_the_right_instant(
    engine: Engine, alice: Account, clock: FakeClock
) -> None:
    clock.set(datetime(2026, 3, 28, 12, tzinfo=UTC))
    # Berlin moves from UTC+1 to UTC+2 at 01:00Z on 2026-03-29: 09:00 local is 07:00Z.
    post = await engine.posts.create(
        PostInput(text="hi", accounts=(alice.id,)), When.scheduled("2026-03-29T09:00", "Europe/Berlin")
    )
    assert post.scheduled_at == datetime(2026, 3, 29, 7, tzinfo=UTC) and post.timezone == "Europe/Berlin"
    await engine.start()
    await scheduler_waits_until(clock, datetime(2026, 3, 29, 7, tzinfo=UTC))
    clock.set(datetime(2026, 3, 29, 6, 59, 59, tzinfo=UTC))
    await scheduler_waits_until(clock, datetime(2026, 3, 29, 7, tzinfo=UTC))
    assert await status_of(engine, post.id) is PostStatus.SCHEDULED
    clock.set(datetime(2026, 3, 29, 7, tzinfo=UTC))
    await until(lambda: status_of_is(engine, post.id, PostStatus.PUBLISHED))


async def test_clock_set_backwards_does_not_publish_early(
    engine: Engine, alice: Account, clock: FakeClock, remote: FakeNetwork
) -> None:
    post = await engine.posts.create(
        PostInput(text="hi", accounts=(alice.id,)), When.scheduled("2026-11-25T13:00Z")
    )
    await engine.start()
    clock.set(START - timedelta(days=1))
    engine.resume()  # any wake-up: the scheduler re-reads the time
    await scheduler_waits_until(clock, datetime(2026, 11, 25, 13, tzinfo=UTC))
    assert remote.posts == [] and await status_of(engine, post.id) is PostStatus.SCHEDULED


async def test_paused_engine_holds_due_posts_until_resumed(
    engine: Engine, alice: Account, clock: FakeClock, remote: FakeNetwork
) -> None:
    post = await engine.posts.create(
        PostInput(text="hi", accounts=(alice.id,)), When.scheduled("2026-11-25T12:10Z")
    )
    await engine.start()
    engine.pause()
    clock.advance(timedelta(hours=1))
    await scheduler_waits_until(clock, None)
    assert remote.posts == [] and engine.paused
    engine.resume()
    await until(lambda: status_of_is(engine, post.id, PostStatus.PUBLISHED))


async def test_editing_a_scheduled_post_keeps_its_time_and_it_still_goes_out(
    engine: Engine, alice: Account, clock: FakeClock, remote: FakeNetwork
) -> None:
    post = await engine.posts.create(
        PostInput(text="v1", accounts=(alice.id,)), When.scheduled("2026-11-25T12:10Z")
    )
    await engine.start()
    await engine.posts.edit(post.id, PostChanges(text="v2"))
    clock.advance(timedelta(minutes=10))
    await until(lambda: status_of_is(engine, post.id, PostStatus.PUBLISHED))
    assert [p.text for p in remote.posts] == ["v2"]


async def test_add_to_queue_takes_the_next_free_slot_in_the_creators_zone(
    engine: Engine, alice: Account
) -> None:
    engine.update_settings(
        default_timezone="Europe/Berlin",
        posting_schedule={"wednesday": ["09:00", "18:00"], "thursday": ["09:00"]},
    )
    # START is Wednesday 2026-11-25 12:00 UTC = 13:00 in Berlin: today's 09:00 has passed, 18:00 is free.
    first = await engine.posts.create(PostInput(text="one", accounts=(alice.id,)))
    second = await engine.posts.create(PostInput(text="two", accounts=(alice.id,)))
    assert (await engine.posts.add_to_queue(first.id)).scheduled_at == datetime(2026, 11, 25, 17, tzinfo=UTC)
    queued = await engine.posts.add_to_queue(second.id)
    assert (queued.scheduled_at, queued.timezone) == (datetime(2026, 11, 26, 8, tzinfo=UTC), "Europe/Berlin")


async def test_add_to_queue_without_a_schedule_says_where_to_set_one(engine: Engine, alice: Account) -> None:
    from outpost.domain.errors import ValidationError

    post = await engine.posts.create(PostInput(text="one", accounts=(alice.id,)))
    with pytest.raises(ValidationError, match="set time slots per weekday in Settings"):
        await engine.posts.add_to_queue(post.id)


async def test_connections_are_checked_at_start_and_every_interval(
    engine: Engine, alice: Account, clock: FakeClock, remote: FakeNetwork
) -> None:
    from outpost.domain.enums import HealthState

    async def checked_at() -> object:
        return (await engine.accounts.get(alice.id)).health.checked_at

    clock.advance(timedelta(minutes=1))
    await engine.start()
    await until(lambda: _equals(checked_at(), clock.now()))
    next_round = clock.now() + timedelta(minutes=30)
    await until(lambda: next_round in clock.waiting_until)  # the monitor sleeps until its next round
    remote.tokens.clear()  # revoked on the network's side while Outpost runs
    clock.advance(timedelta(minutes=29))
    assert (await engine.accounts.get(alice.id)).health.state is HealthState.OK  # not yet due
    clock.advance(timedelta(minutes=1))
    await until(lambda: _broken(engine, alice.id))


async def _equals(value: object, expected: object) -> bool:
    return await value == expected  # type: ignore[misc]


async def _broken(engine: Engine, account_id: str) -> bool:
    return (await engine.accounts.get(account_id)).health.state.value == "broken"


async def test_starting_takes_the_daily_database_backup_once(
    engine: Engine, alice: Account, data_dir: Path
) -> None:
    await engine.posts.create(PostInput(text="keep me", accounts=(alice.id,)), When.draft())
    await engine.start()
    taken = sorted((data_dir / "backups").glob("outpost-*.sqlite3"))
    assert len(taken) == 1
    with closing(sqlite3.connect(taken[0])) as backup:
        assert backup.execute("SELECT text FROM posts").fetchall() == [("keep me",)]


async def test_a_post_another_process_schedules_goes_out_on_time(
    engine: Engine, make_engine: EngineFactory, alice: Account, clock: FakeClock, remote: FakeNetwork
) -> None:
    """The window (or `outpost run`) sees what the command line schedules on the same store."""
    await engine.start()
    await scheduler_waits_until(clock, None)  # nothing due: asleep until something changes
    command_line = make_engine()  # another engine, another connection to the same database
    try:
        post = await command_line.posts.create(
            PostInput(text="from the command line", accounts=(alice.id,)),
            When.scheduled("2026-11-25T12:10:00Z"),
        )
    finally:
        await command_line.close()
    clock.advance(timedelta(seconds=1))  # within a second the running engine looks at the store again
    await scheduler_waits_until(clock, START + timedelta(minutes=10))
    clock.advance(timedelta(minutes=10))
    await until(lambda: status_of_is(engine, post.id, PostStatus.PUBLISHED))
    assert [p.text for p in remote.posts] == ["from the command line"]


async def test_the_window_hears_of_other_processes_changes_but_not_of_its_own(
    engine: Engine, make_engine: EngineFactory, alice: Account, clock: FakeClock
) -> None:
    seen: list[Event] = []
    engine.events.subscribe(seen.append)
    await engine.start()
    await engine.posts.create(PostInput(text="mine", accounts=(alice.id,)))
    clock.advance(timedelta(seconds=1))
    await scheduler_waits_until(clock, None)
    assert not any(isinstance(e, StoreDidChangeElsewhere) for e in seen)
    other = make_engine()
    try:
        await other.posts.create(PostInput(text="theirs", accounts=(alice.id,)))
    finally:
        await other.close()
    clock.advance(timedelta(seconds=1))
    await until(lambda: any(isinstance(e, StoreDidChangeElsewhere) for e in seen))


async def test_the_window_and_outpost_run_side_by_side_publish_each_post_once(
    engine: Engine, alice: Account, clock: FakeClock, remote: FakeNetwork, make_engine: EngineFactory
) -> None:
    """Two engines on one store (the window and `outpost run`, or two service runs): every due
    post is claimed by exactly one of them, each post reaches the network once (issue #20)."""
    other = make_engine()  # the other process's engine: its own connection, scheduler and lock
    try:
        posts = [
            await engine.posts.create(
                PostInput(text=f"post {n}", accounts=(alice.id,)),
                When.scheduled((START + timedelta(minutes=1, seconds=n)).isoformat()),
            )
            for n in range(10)
        ]
        await engine.start()
        await other.start()
        clock.advance(timedelta(minutes=2))
        for post in posts:
            await until(lambda p=post: status_of_is(engine, p.id, PostStatus.PUBLISHED), timeout=10)
        assert sorted(p.text for p in remote.posts) == sorted(f"post {n}" for n in range(10))
    finally:
        await other.close()
