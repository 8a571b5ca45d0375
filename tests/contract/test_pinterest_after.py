"""After publishing on Pinterest, through the real adapter over loopback against the strict fake:
Pin analytics (90 days, one request a Pin), followers, the account's own Pins, read-back; no comment."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
import pytest_asyncio

from outpost.adapters.base import AccountContext
from outpost.adapters.pinterest import PinterestAdapter
from outpost.domain.enums import Network
from outpost.domain.errors import InvalidStateError, RateLimited, Rejected
from outpost.domain.models import Account, PublishedPart
from tests.contract.fake_pinterest import CLIENT_ID, CLIENT_SECRET, SCOPES, FakePinterest
from tests.fakes import FakeClock
from tests.support.loopback import LoopbackServer

pytestmark = pytest.mark.asyncio


class _Vault:
    def __init__(self, credentials: dict[str, str]) -> None:
        self.kept = {"ref": credentials}

    async def read(self, ref: str) -> dict[str, str] | None:
        return self.kept.get(ref)

    async def write(self, ref: str, credentials: dict[str, str]) -> None:
        self.kept[ref] = dict(credentials)


@pytest.fixture
def server(clock: FakeClock) -> FakePinterest:
    fake = FakePinterest()
    fake.now = fake.oauth.now = lambda: clock.now().timestamp()
    return fake


@pytest_asyncio.fixture
async def adapter(server: FakePinterest, clock: FakeClock) -> AsyncIterator[PinterestAdapter]:
    with LoopbackServer(server.handle) as running:
        async with httpx.AsyncClient(transport=running.transport()) as client:
            yield PinterestAdapter(client, clock=clock, poll_s=0.001)
    assert running.errors == [], running.errors


def context(server: FakePinterest, clock: FakeClock, scopes: tuple[str, ...] = SCOPES) -> AccountContext:
    access, refresh = server.token_for("alice", scopes)
    credentials = {"access_token": access, "refresh_token": refresh, "client_id": CLIENT_ID,
                   "client_secret": CLIENT_SECRET, "scope": ",".join(scopes)}  # fmt: skip
    account = Account(id="acc_pin", network=Network.PINTEREST, handle="alice_pins", secret_ref="ref",
                      created_at=clock.now(), target_id="900100200")  # fmt: skip
    return AccountContext(account, _Vault(credentials), asyncio.Lock())


async def test_pin_analytics_cover_90_days_grow_and_leave_out_deleted_pins(
    adapter: PinterestAdapter, server: FakePinterest, clock: FakeClock
) -> None:
    ctx = context(server, clock)
    pins = [server.add_pin("alice", "1001", f"soup {n}", clock.now().timestamp()) for n in range(3)]
    server.pins.remove(pins[2])
    clock.advance(timedelta(hours=2))
    readings = await adapter.read_metrics(ctx, [PublishedPart(platform_post_id=p.id) for p in pins])
    assert [r.platform_post_id for r in readings] == [pins[0].id, pins[1].id]
    first = readings[0]
    assert (first.impressions, first.saves, first.clicks, first.likes, first.replies) == (480, 6, 16, 8, 2)
    assert first.reposts is None and first.video_views is None and first.reach is None  # not reported
    asked = next(r for r in server.requests if r.url.path.endswith("/analytics")).url.params
    assert asked["end_date"] == f"{clock.now():%Y-%m-%d}"
    assert asked["start_date"] == f"{clock.now() - timedelta(days=89):%Y-%m-%d}"  # Pinterest's 90 days
    clock.advance(timedelta(hours=1))
    again = await adapter.read_metrics(ctx, [PublishedPart(platform_post_id=pins[0].id)])
    assert again[0].impressions == 720 and again[0].read_at == clock.now()


async def test_a_missing_scope_and_the_rate_limit_are_told_plainly(
    adapter: PinterestAdapter, server: FakePinterest, clock: FakeClock
) -> None:
    pin = server.add_pin("alice", "1001", "soup", clock.now().timestamp())
    ctx = context(server, clock, tuple(s for s in SCOPES if s != "pins:read"))
    with pytest.raises(Rejected) as caught:
        await adapter.read_metrics(ctx, [PublishedPart(platform_post_id=pin.id)])
    assert "boards:read and pins:read" in str(caught.value)
    ctx = context(server, clock)
    server.analytics_left = 0
    with pytest.raises(RateLimited) as limited:
        await adapter.read_metrics(ctx, [PublishedPart(platform_post_id=pin.id)])
    assert limited.value.retry_after_s == server.reset_after_s


async def test_followers_grow_with_time(
    adapter: PinterestAdapter, server: FakePinterest, clock: FakeClock
) -> None:
    ctx = context(server, clock)
    server.followers_from = clock.now().timestamp()
    assert await adapter.follower_count(ctx) == 800
    clock.advance(timedelta(hours=4))
    assert await adapter.follower_count(ctx) == 808


async def test_recent_posts_list_own_pins_made_anywhere_without_saved_ones(
    adapter: PinterestAdapter, server: FakePinterest, clock: FakeClock
) -> None:
    ctx = context(server, clock)
    start = clock.now()
    server.max_page_size = 2  # Pinterest gives smaller pages than asked: bookmarks are followed
    server.add_pin("alice", "1001", "long ago", (start - timedelta(days=50)).timestamp())
    for n in range(5):
        server.add_pin(
            "alice", "1002", f"made on pinterest.com #{n}", (start + timedelta(minutes=n)).timestamp()
        )
    server.add_pin("alice", "1002", "someone else's", (start + timedelta(minutes=9)).timestamp(), repin=True)
    posts = await adapter.recent_posts(ctx, start - timedelta(days=1))
    assert [p.text for p in posts] == [f"made on pinterest.com #{n}" for n in (4, 3, 2, 1, 0)]
    assert posts[0].created_at == start + timedelta(minutes=4)
    assert posts[0].permalink == f"https://www.pinterest.com/pin/{posts[0].platform_post_id}/"
    listed = [r for r in server.requests if r.url.path == "/v5/pins"]
    assert all(r.url.params["pin_filter"] == "exclude_repins" for r in listed) and len(listed) == 3
    assert len(await adapter.recent_posts(ctx, start - timedelta(days=1), limit=2)) == 2


async def test_look_up_true_then_false_once_deleted(
    adapter: PinterestAdapter, server: FakePinterest, clock: FakeClock
) -> None:
    ctx = context(server, clock)
    pin = server.add_pin("alice", "1001", "soup", clock.now().timestamp())
    assert await adapter.look_up(ctx, PublishedPart(platform_post_id=pin.id)) is True
    server.pins.remove(pin)
    assert await adapter.look_up(ctx, PublishedPart(platform_post_id=pin.id)) is False


async def test_there_is_no_first_comment_and_the_reason_says_why(
    adapter: PinterestAdapter, server: FakePinterest, clock: FakeClock
) -> None:
    assert adapter.first_comment is None and "no way to comment" in (adapter.first_comment_unavailable or "")
    with pytest.raises(InvalidStateError) as caught:
        await adapter.post_comment(context(server, clock), PublishedPart(platform_post_id="1"), "hi", "k")
    assert str(caught.value) == adapter.first_comment_unavailable and server.requests == []
