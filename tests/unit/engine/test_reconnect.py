"""Back online: posts that came due while the machine was offline follow the missed-post policy,
at once, with a notice saying how late each went out (issue #20)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from outpost.adapters.base import AddAccountRequest
from outpost.domain.enums import MissedPostPolicy, Network, PostStatus
from outpost.domain.models import Account
from outpost.engine import Engine, PostInput, When
from outpost.engine.events import Event, PostsWereMissed
from outpost.engine.recovery import late_by
from outpost.engine.scheduler import OFFLINE_POLL
from tests.conftest import until
from tests.fakes import START, FakeClock, FakeNetwork, MemorySecretStore, fake_registry

pytestmark = pytest.mark.asyncio


class Switch:
    """This machine's connectivity, turned off and on by the test."""

    def __init__(self) -> None:
        self.is_online = True
        self.asked = 0

    async def online(self) -> bool:
        self.asked += 1
        return self.is_online


@pytest.fixture
def switch() -> Switch:
    return Switch()


@pytest_asyncio.fixture
async def engine(
    data_dir: Path, clock: FakeClock, secrets: MemorySecretStore, remote: FakeNetwork, switch: Switch
) -> AsyncIterator[Engine]:
    eng = Engine.open(
        data_dir, registry=fake_registry(remote), secrets=secrets, clock=clock, connectivity=switch
    )
    yield eng
    await eng.close()


@pytest_asyncio.fixture
async def alice(engine: Engine) -> Account:
    return await engine.accounts.add(
        Network.MASTODON, AddAccountRequest(service_url="https://fake.example", access_token="good-token")
    )


async def _status(engine: Engine, post_id: str) -> PostStatus:
    return (await engine.posts.get(post_id)).status


async def _left(engine: Engine, post_id: str, status: PostStatus) -> bool:
    return await _status(engine, post_id) is not status


async def _schedule(engine: Engine, alice: Account, text: str, minutes: int) -> str:
    at = (START + timedelta(minutes=minutes)).strftime("%Y-%m-%dT%H:%MZ")
    post = await engine.posts.create(PostInput(text=text, accounts=(alice.id,)), When.scheduled(at))
    return post.id


async def test_posts_due_while_offline_go_out_at_once_on_reconnect_and_the_notice_says_how_late(
    engine: Engine, alice: Account, clock: FakeClock, remote: FakeNetwork, switch: Switch
) -> None:
    engine.update_settings(missed_post_policy=MissedPostPolicy.PUBLISH)
    seen: list[Event] = []
    engine.events.subscribe(seen.append)
    first = await _schedule(engine, alice, "Workshop opens", 10)
    second = await _schedule(engine, alice, "Workshop, day two", 40)
    on_time = await _schedule(engine, alice, "After the train", 95)
    await engine.start()
    await until(lambda: START + timedelta(minutes=10) in clock.waiting_until)
    switch.is_online = False  # on a train from 12:05
    clock.advance(timedelta(minutes=10))
    await until(lambda: clock.now() + OFFLINE_POLL in clock.waiting_until)  # not started: it could only wait
    assert await _status(engine, first) is PostStatus.SCHEDULED and remote.posts == []
    clock.advance(timedelta(minutes=80))  # 13:30, still offline; the second came due at 12:40
    await until(lambda: clock.now() + OFFLINE_POLL in clock.waiting_until)
    switch.is_online = True
    clock.advance(OFFLINE_POLL)
    await until(lambda: len(remote.posts) == 2)
    assert sorted(p.text for p in remote.posts) == ["Workshop opens", "Workshop, day two"]
    [event] = [e for e in seen if isinstance(e, PostsWereMissed)]
    assert event.offline and not event.held and not event.asleep
    assert event.while_ == "while this computer was offline"
    assert sorted(p.id for p in event.posts) == sorted([first, second])
    lateness = sorted(late_by(event.noticed_at - p.scheduled_at) for p in event.posts if p.scheduled_at)
    assert lateness == ["1 h 20 min", "50 min"]
    assert await _status(engine, on_time) is PostStatus.SCHEDULED  # not due yet: untouched
    assert switch.asked >= 3  # asked only while posts waited


async def test_under_the_hold_policy_they_wait_for_review_saying_the_computer_was_offline(
    engine: Engine, alice: Account, clock: FakeClock, remote: FakeNetwork, switch: Switch
) -> None:
    seen: list[Event] = []
    engine.events.subscribe(seen.append)
    post = await _schedule(engine, alice, "Held", 10)
    await engine.start()
    await until(lambda: START + timedelta(minutes=10) in clock.waiting_until)
    switch.is_online = False
    clock.advance(timedelta(minutes=10))
    await until(lambda: clock.now() + OFFLINE_POLL in clock.waiting_until)
    clock.advance(timedelta(hours=1))
    await until(lambda: clock.now() + OFFLINE_POLL in clock.waiting_until)
    switch.is_online = True
    clock.advance(OFFLINE_POLL)
    await until(lambda: _left(engine, post, PostStatus.SCHEDULED))
    held = await engine.posts.get(post)
    assert held.status is PostStatus.NEEDS_REVIEW and remote.posts == []
    assert held.review_reason and "while this computer was offline" in held.review_reason
    [event] = [e for e in seen if isinstance(e, PostsWereMissed)]
    assert event.held and event.offline


async def test_a_short_drop_within_the_grace_just_publishes(
    engine: Engine, alice: Account, clock: FakeClock, remote: FakeNetwork, switch: Switch
) -> None:
    seen: list[Event] = []
    engine.events.subscribe(seen.append)
    post = await _schedule(engine, alice, "Blip", 10)
    await engine.start()
    await until(lambda: START + timedelta(minutes=10) in clock.waiting_until)
    switch.is_online = False
    clock.advance(timedelta(minutes=10))
    await until(lambda: clock.now() + OFFLINE_POLL in clock.waiting_until)
    switch.is_online = True
    clock.advance(OFFLINE_POLL)
    await until(lambda: len(remote.posts) == 1)
    assert [p.text for p in remote.posts] == ["Blip"]
    assert not [e for e in seen if isinstance(e, PostsWereMissed)]  # 15 s late is not missed
    await until(lambda: _left(engine, post, PostStatus.PUBLISHING))
