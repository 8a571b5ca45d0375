"""A missed post that is partly the network's (held by Mastodon's own scheduler, out on time) and
partly Outpost's (Bluesky, missed while Outpost was closed) follows `missed_post_policy` for
Outpost's part (issue #20).

The choice, as a creator would expect it: the network's part went out on time and is recorded as
published either way. Under "publish late" Outpost's part goes out at once; under "hold for
review" (the default) it waits for the person — Publish now sends it, Cancel leaves the post on
Mastodon only. The notice and the review reason say that Mastodon published it on time.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import pytest

from outpost.adapters.base import AddAccountRequest
from outpost.adapters.bluesky import BlueskyAdapter
from outpost.adapters.mastodon import MastodonAdapter
from outpost.adapters.registry import AdapterRegistry
from outpost.domain.enums import MissedPostPolicy, Network, PostStatus, TargetStatus
from outpost.engine import Engine, PostInput, When
from outpost.engine.events import Event, PostsWereMissed
from outpost.gui.notify import late_list
from tests.conftest import until
from tests.contract import test_verify as three_networks
from tests.contract.fake_bluesky import PDS, FakePds
from tests.contract.fake_mastodon import BASE, FakeMastodon
from tests.fakes import FakeClock, MemorySecretStore
from tests.support.loopback import LoopbackServer

pytestmark = pytest.mark.asyncio

# The fakes of Mastodon, a Bluesky PDS and LinkedIn behind one loopback server (test_verify.py).
mastodon, pds, linkedin, loopback = (
    three_networks.mastodon,
    three_networks.pds,
    three_networks.linkedin,
    three_networks.loopback,
)

AT_ONE = "2026-11-25T13:00:00Z"  # the fake clock starts at 12:00


@pytest.fixture
def opener(
    tmp_path: Path, loopback: LoopbackServer, clock: FakeClock, secrets: MemorySecretStore
) -> Callable[[], object]:
    registry = AdapterRegistry(
        {
            Network.MASTODON: functools.partial(MastodonAdapter, media_poll_s=0.001),
            Network.BLUESKY: functools.partial(BlueskyAdapter, fetch_cards=False),
        }
    )

    @asynccontextmanager
    async def open_engine() -> AsyncIterator[Engine]:
        engine = Engine.open(
            tmp_path / "data", registry=registry, secrets=secrets, clock=clock, transport=loopback.transport()
        )
        try:
            yield engine
        finally:
            await engine.close()

    return open_engine


async def _scheduled_then_closed(opener: Callable[[], object], pds: FakePds, clock: FakeClock) -> str:
    """A post for Mastodon (handed over) and Bluesky (Outpost's), then the laptop closed for 3 h."""
    async with opener() as first:  # type: ignore[attr-defined]
        masto = await first.accounts.add(
            Network.MASTODON, AddAccountRequest(service_url=BASE, access_token="token-alice")
        )
        sky = await first.accounts.add(
            Network.BLUESKY,
            AddAccountRequest(handle="@alice.example", app_password=pds.app_password, service_url=PDS),
        )
        post = await first.posts.create(
            PostInput(text="Workshop sign-ups open", accounts=(masto.id, sky.id)), When.scheduled(AT_ONE)
        )
        statuses = {t.network: t.status for t in post.targets}
        assert statuses == {
            Network.MASTODON: TargetStatus.SCHEDULED_ON_NETWORK,
            Network.BLUESKY: TargetStatus.PENDING,
        }
    clock.advance(timedelta(hours=3))  # Mastodon published its part at one; Outpost was closed
    return str(post.id)


async def _mastodon_confirmed(engine: Engine, post_id: str) -> bool:
    post = await engine.posts.get(post_id)
    return any(t.network is Network.MASTODON and t.status is TargetStatus.PUBLISHED for t in post.targets)


async def test_held_by_default_the_network_part_is_recorded_and_publish_now_sends_the_rest_once(
    opener: Callable[[], object], mastodon: FakeMastodon, pds: FakePds, clock: FakeClock
) -> None:
    post_id = await _scheduled_then_closed(opener, pds, clock)
    async with opener() as engine:  # type: ignore[attr-defined]
        seen: list[Event] = []
        engine.events.subscribe(seen.append)
        missed = await engine.start()
        assert [p.id for p in missed] == [post_id]
        [event] = [e for e in seen if isinstance(e, PostsWereMissed)]
        assert event.held and "2 h late (Mastodon published it on time)" in late_list(event)
        await until(lambda: _mastodon_confirmed(engine, post_id), timeout=10)
        held = await engine.posts.get(post_id)
        assert held.status is PostStatus.NEEDS_REVIEW and held.review_reason
        assert "Mastodon held it and published it on time" in held.review_reason
        assert "Publish now sends it to them" in held.review_reason
        assert pds.records == {}  # Outpost's part waits for the person
        done = await engine.posts.publish(post_id)
        assert done.status is PostStatus.PUBLISHED and done.review_reason is None
    assert [s.text for s in mastodon.statuses] == ["Workshop sign-ups open"]
    assert [r["value"]["text"] for r in pds.records.values()] == ["Workshop sign-ups open"]


async def test_cancel_keeps_the_network_part_and_drops_outposts(
    opener: Callable[[], object], mastodon: FakeMastodon, pds: FakePds, clock: FakeClock
) -> None:
    post_id = await _scheduled_then_closed(opener, pds, clock)
    async with opener() as engine:  # type: ignore[attr-defined]
        await engine.start()
        await until(lambda: _mastodon_confirmed(engine, post_id), timeout=10)
        done = await engine.posts.cancel(post_id)
        statuses = {t.network: t.status for t in done.targets}
        assert done.status is PostStatus.PUBLISHED
        assert statuses == {Network.MASTODON: TargetStatus.PUBLISHED, Network.BLUESKY: TargetStatus.CANCELLED}
    assert len(mastodon.statuses) == 1 and pds.records == {}


async def test_under_publish_late_outposts_part_goes_out_at_once_and_the_notice_says_why(
    opener: Callable[[], object], mastodon: FakeMastodon, pds: FakePds, clock: FakeClock
) -> None:
    post_id = await _scheduled_then_closed(opener, pds, clock)
    async with opener() as engine:  # type: ignore[attr-defined]
        engine.update_settings(missed_post_policy=MissedPostPolicy.PUBLISH)
        seen: list[Event] = []
        engine.events.subscribe(seen.append)
        await engine.start()
        [event] = [e for e in seen if isinstance(e, PostsWereMissed)]
        assert not event.held and "(Mastodon published it on time)" in late_list(event)

        async def published() -> bool:
            return (await engine.posts.get(post_id)).status is PostStatus.PUBLISHED

        await until(published, timeout=10)
    assert len(mastodon.statuses) == 1 and len(pds.records) == 1
