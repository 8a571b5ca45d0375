"""After publishing on TikTok, through the real adapter over loopback against the strict fake:
video counts (20 a request), followers, the creator's own videos, read-back; no first comment."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
import pytest_asyncio

from outpost.adapters.base import AccountContext
from outpost.adapters.tiktok import TikTokAdapter
from outpost.domain.enums import Network
from outpost.domain.errors import InvalidStateError, RateLimited, Rejected
from outpost.domain.models import Account, PublishedPart
from tests.contract.fake_tiktok import CLIENT_KEY, CLIENT_SECRET, SCOPES, FakeTikTok
from tests.fakes import FakeClock
from tests.support.loopback import LoopbackServer

pytestmark = pytest.mark.asyncio
READS = (*SCOPES, "video.list", "user.info.stats")


class _Vault:
    def __init__(self, credentials: dict[str, str]) -> None:
        self.kept = {"ref": credentials}

    async def read(self, ref: str) -> dict[str, str] | None:
        return self.kept.get(ref)

    async def write(self, ref: str, credentials: dict[str, str]) -> None:
        self.kept[ref] = dict(credentials)


@pytest.fixture
def server(clock: FakeClock) -> FakeTikTok:
    fake = FakeTikTok()
    fake.oauth.now = lambda: clock.now().timestamp()
    fake.oauth.access_lifetime_s = 30 * 86400  # these tests move the clock by days
    return fake


@pytest_asyncio.fixture
async def adapter(server: FakeTikTok, clock: FakeClock) -> AsyncIterator[TikTokAdapter]:
    with LoopbackServer(server.handle) as running:
        async with httpx.AsyncClient(transport=running.transport()) as client:
            yield TikTokAdapter(client, clock=clock, poll_s=0.001)
    assert running.errors == [], running.errors


def context(server: FakeTikTok, clock: FakeClock, scopes: tuple[str, ...] = READS) -> AccountContext:
    access, refresh = server.oauth.issue("alice", scopes, CLIENT_KEY)
    credentials = {"access_token": access, "refresh_token": refresh, "client_id": CLIENT_KEY,
                   "client_secret": CLIENT_SECRET, "scope": ",".join(scopes)}  # fmt: skip
    account = Account(id="acc_tt", network=Network.TIKTOK, handle="alice.makes", secret_ref="ref",
                      created_at=clock.now(), target_id="open-alice-1")  # fmt: skip
    return AccountContext(account, _Vault(credentials), asyncio.Lock())


async def test_counts_come_20_videos_a_request_grow_and_leave_out_deleted_and_private_posts(
    adapter: TikTokAdapter, server: FakeTikTok, clock: FakeClock
) -> None:
    ctx = context(server, clock)
    made = [server.add_video("alice", f"clip {n}", clock.now().timestamp()) for n in range(25)]
    server.posts.remove(made[4])  # deleted in the app
    parts = [PublishedPart(platform_post_id=str(v.post_id)) for v in made]
    private = PublishedPart(platform_post_id="v_pub_file~1", extra={"publish_id": "v_pub_file~1"})
    clock.advance(timedelta(hours=1))
    readings = await adapter.read_metrics(ctx, [*parts, private])
    queries = [r for r in server.requests if r.url.path == "/v2/video/query/"]
    assert len(queries) == 2 and len(readings) == 24  # 20 + 5 ids; the private post is never asked
    assert str(made[4].post_id) not in {r.platform_post_id for r in readings}
    first = readings[0]
    assert (first.video_views, first.likes, first.replies, first.reposts) == (1500, 120, 6, 2)
    assert first.impressions is None and first.saves is None and first.reach is None  # TikTok does not say
    clock.advance(timedelta(hours=1))
    again = await adapter.read_metrics(ctx, parts[:1])
    assert again[0].likes == 240 and again[0].read_at == clock.now()


async def test_reading_without_video_list_names_the_scope(
    adapter: TikTokAdapter, server: FakeTikTok, clock: FakeClock
) -> None:
    ctx = context(server, clock, SCOPES)
    with pytest.raises(Rejected) as caught:
        await adapter.read_metrics(ctx, [PublishedPart(platform_post_id="7311")])
    assert "video.list" in str(caught.value) and "scope_not_authorized" in str(caught.value)
    with pytest.raises(Rejected) as followers:
        await adapter.follower_count(ctx)
    assert "user.info.stats" in str(followers.value)


async def test_the_per_minute_limit_is_a_rate_limit(
    adapter: TikTokAdapter, server: FakeTikTok, clock: FakeClock
) -> None:
    ctx = context(server, clock)
    server.limits["video_query"] = 1
    await adapter.read_metrics(ctx, [PublishedPart(platform_post_id="7311")])
    with pytest.raises(RateLimited) as caught:
        await adapter.read_metrics(ctx, [PublishedPart(platform_post_id="7311")])
    assert caught.value.retry_after_s == 60


async def test_followers_grow_with_time(adapter: TikTokAdapter, server: FakeTikTok, clock: FakeClock) -> None:
    ctx = context(server, clock)
    server.creators["alice"].followers_from = clock.now().timestamp()
    assert await adapter.follower_count(ctx) == 5000
    clock.advance(timedelta(hours=2))
    assert await adapter.follower_count(ctx) == 5020


async def test_recent_posts_follow_the_cursor_back_to_since(
    adapter: TikTokAdapter, server: FakeTikTok, clock: FakeClock
) -> None:
    ctx = context(server, clock)
    start = clock.now()
    server.add_video("alice", "long ago", (start - timedelta(days=30)).timestamp())
    for n in range(23):
        server.add_video("alice", f"made in the app #{n}", (start + timedelta(minutes=n)).timestamp())
    clock.advance(timedelta(hours=1))
    posts = await adapter.recent_posts(ctx, start - timedelta(days=1))
    assert (
        len(posts) == 23 and posts[0].text == "made in the app #22" and posts[-1].text == "made in the app #0"
    )
    assert posts[0].created_at == start + timedelta(minutes=22)
    assert posts[0].permalink == f"https://www.tiktok.com/@alice.makes/video/{posts[0].platform_post_id}"
    assert posts[0].reading is not None and posts[0].reading.video_views == 38 * 25
    lists = [r for r in server.requests if r.url.path == "/v2/video/list/"]
    assert len(lists) == 2 and b"cursor" in lists[1].content
    assert len(await adapter.recent_posts(ctx, start - timedelta(days=1), limit=3)) == 3


async def test_look_up_true_false_and_unknown_for_a_private_post(
    adapter: TikTokAdapter, server: FakeTikTok, clock: FakeClock
) -> None:
    ctx = context(server, clock)
    video = server.add_video("alice", "here", clock.now().timestamp())
    part = PublishedPart(platform_post_id=str(video.post_id), extra={"publish_id": video.publish_id})
    assert await adapter.look_up(ctx, part) is True
    server.posts.remove(video)
    assert await adapter.look_up(ctx, part) is False
    private = PublishedPart(platform_post_id="v_pub_file~9", extra={"publish_id": "v_pub_file~9"})
    assert await adapter.look_up(ctx, private) is None  # no public id: TikTok cannot be asked


async def test_there_is_no_first_comment_and_the_reason_says_why(
    adapter: TikTokAdapter, server: FakeTikTok, clock: FakeClock
) -> None:
    assert adapter.first_comment is None
    assert "no way to comment" in (adapter.first_comment_unavailable or "")
    with pytest.raises(InvalidStateError) as caught:
        await adapter.post_comment(context(server, clock), PublishedPart(platform_post_id="1"), "hi", "k")
    assert str(caught.value) == adapter.first_comment_unavailable
    assert not [r for r in server.requests if "comment" in r.url.path]
