"""Waking from sleep: posts that came due while the machine slept follow the missed-post policy, once."""

from __future__ import annotations

from datetime import timedelta

import pytest

from outpost.domain.enums import MissedPostPolicy, PostStatus
from outpost.domain.models import Account
from outpost.engine import Engine, PostInput, When
from outpost.engine.events import Event, PostsWereMissed
from outpost.engine.recovery import late_by
from outpost.engine.wake import WakeDetector
from tests.conftest import until
from tests.fakes import START, FakeClock, FakeNetwork

pytestmark = pytest.mark.asyncio


def missed_events(seen: list[Event]) -> list[PostsWereMissed]:
    return [e for e in seen if isinstance(e, PostsWereMissed)]


async def status_is(engine: Engine, post_id: str, status: PostStatus) -> bool:
    return (await engine.posts.get(post_id)).status is status


async def test_the_detector_tells_a_sleep_from_a_wait_and_reports_it_once() -> None:
    clock = FakeClock()
    detector = WakeDetector(clock)
    clock.advance(timedelta(hours=5))  # an ordinary long nap: both clocks moved
    assert detector.check() is None
    clock.advance(timedelta(seconds=30))
    clock.suspend(timedelta(seconds=50))  # under the threshold: a stalled loop, not a sleep
    assert detector.check() is None
    clock.suspend(timedelta(hours=2))
    wake = detector.check()
    assert wake is not None and wake.woke_at - wake.slept_at == timedelta(hours=2)
    assert detector.check() is None


async def test_a_post_due_while_the_machine_slept_is_held_once_with_how_late(
    engine: Engine, alice: Account, clock: FakeClock, remote: FakeNetwork
) -> None:
    seen: list[Event] = []
    engine.events.subscribe(seen.append)
    post = await engine.posts.create(
        PostInput(text="Spring workshop", accounts=(alice.id,)), When.scheduled("2026-11-25T12:10Z")
    )
    await engine.start()
    await until(lambda: START + timedelta(minutes=10) in clock.waiting_until)
    clock.advance(timedelta(minutes=5))
    clock.suspend(timedelta(hours=2, minutes=19))  # the lid closes at 12:05, opens at 14:24
    await until(lambda: status_is(engine, post.id, PostStatus.NEEDS_REVIEW))
    held = await engine.posts.get(post.id)
    assert held.review_reason and "while the computer was asleep" in held.review_reason
    [event] = missed_events(seen)
    assert event.held and event.asleep and [p.id for p in event.posts] == [post.id]
    assert late_by(event.noticed_at - START - timedelta(minutes=10)) == "2 h 14 min"
    # The scheduler wakes again (a new post) and does not report the same sleep twice.
    later = await engine.posts.create(
        PostInput(text="later", accounts=(alice.id,)), When.scheduled("2026-11-25T18:00Z")
    )
    await until(lambda: later.scheduled_at in clock.waiting_until)
    assert len(missed_events(seen)) == 1 and remote.posts == []


async def test_under_the_publish_policy_it_goes_out_late_and_is_said(
    engine: Engine, alice: Account, clock: FakeClock, remote: FakeNetwork
) -> None:
    engine.update_settings(missed_post_policy=MissedPostPolicy.PUBLISH)
    seen: list[Event] = []
    engine.events.subscribe(seen.append)
    post = await engine.posts.create(
        PostInput(text="hi", accounts=(alice.id,)), When.scheduled("2026-11-25T12:10Z")
    )
    await engine.start()
    await until(lambda: START + timedelta(minutes=10) in clock.waiting_until)
    clock.suspend(timedelta(hours=1))
    await until(lambda: status_is(engine, post.id, PostStatus.PUBLISHED))
    [event] = missed_events(seen)
    assert not event.held and event.asleep and [p.id for p in event.posts] == [post.id]
    assert len(remote.posts) == 1


async def test_a_short_sleep_within_the_grace_is_not_a_missed_post(
    engine: Engine, alice: Account, clock: FakeClock, remote: FakeNetwork
) -> None:
    seen: list[Event] = []
    engine.events.subscribe(seen.append)
    post = await engine.posts.create(
        PostInput(text="hi", accounts=(alice.id,)), When.scheduled("2026-11-25T12:10Z")
    )
    await engine.start()
    await until(lambda: START + timedelta(minutes=10) in clock.waiting_until)
    clock.suspend(timedelta(minutes=12))  # two minutes late: within the five-minute grace
    await until(lambda: status_is(engine, post.id, PostStatus.PUBLISHED))
    assert missed_events(seen) == [] and len(remote.posts) == 1


async def test_lateness_reads_at_a_glance() -> None:
    assert [late_by(timedelta(seconds=s)) for s in (40, 180, 3600, 8040, 90000, 172800)] == [
        "40 s",
        "3 min",
        "1 h",
        "2 h 14 min",
        "1 d 1 h",
        "2 d",
    ]
