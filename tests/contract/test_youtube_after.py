"""After publishing on YouTube, through the real adapter over loopback against the strict fake:
statistics batched 50 a unit, subscribers, uploads made in Studio, read-back, the first comment."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
import pytest_asyncio

from outpost.adapters.base import AccountContext, MemoryCheckpoints
from outpost.adapters.youtube import YouTubeAdapter
from outpost.domain.enums import Network
from outpost.domain.errors import PublishError, RateLimited, Rejected
from outpost.domain.models import Account, PublishedPart
from tests.contract.fake_youtube import CLIENT_ID, CLIENT_SECRET, READONLY, SCOPES, UPLOAD, FakeYouTube
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
def server(clock: FakeClock) -> FakeYouTube:
    fake = FakeYouTube()
    fake.oauth.now = lambda: clock.now().timestamp()
    fake.oauth.access_lifetime_s = 30 * 86400  # these tests move the clock by days
    return fake


@pytest_asyncio.fixture
async def adapter(server: FakeYouTube, clock: FakeClock) -> AsyncIterator[YouTubeAdapter]:
    with LoopbackServer(server.handle) as running:
        async with httpx.AsyncClient(transport=running.transport()) as client:
            yield YouTubeAdapter(client, clock=clock, retry_s=0.01)
    assert running.errors == [], running.errors


def context(server: FakeYouTube, clock: FakeClock, scopes: tuple[str, ...] = SCOPES) -> AccountContext:
    access, refresh = server.issue("alice", scopes)
    credentials = {"access_token": access, "refresh_token": refresh, "client_id": CLIENT_ID,
                   "client_secret": CLIENT_SECRET, "scope": " ".join(scopes)}  # fmt: skip
    account = Account(id="acc_yt", network=Network.YOUTUBE, handle="@alicemakes", secret_ref="ref",
                      created_at=clock.now(), target_id="UCalice0000000000000000")  # fmt: skip
    return AccountContext(account, _Vault(credentials), asyncio.Lock(), MemoryCheckpoints())


async def test_statistics_come_50_videos_a_unit_with_nulls_where_youtube_hides_them(
    adapter: YouTubeAdapter, server: FakeYouTube, clock: FakeClock
) -> None:
    ctx = context(server, clock)
    made = [server.add_video("alice", f"Clip {n}", "", clock.now().timestamp()) for n in range(60)]
    made[1].likes_hidden = True
    made[2].comments_disabled = True
    del server.videos[made[3].id]  # deleted in Studio
    clock.advance(timedelta(hours=1))
    readings = await adapter.read_metrics(ctx, [PublishedPart(platform_post_id=v.id) for v in made])
    assert len(readings) == 59 and made[3].id not in {r.platform_post_id for r in readings}
    assert server.units_spent() == 2  # 60 ids: two videos.list calls of 1 unit
    by_id = {r.platform_post_id: r for r in readings}
    first = by_id[made[0].id]
    assert (first.video_views, first.likes, first.replies) == (420, 20, 4)
    assert first.impressions is None and first.reposts is None  # YouTube does not say
    assert by_id[made[1].id].likes is None and by_id[made[1].id].video_views == 420
    assert by_id[made[2].id].replies is None
    clock.advance(timedelta(hours=1))
    again = await adapter.read_metrics(ctx, [PublishedPart(platform_post_id=made[0].id)])
    assert again[0].video_views == 840 and again[0].read_at == clock.now()


async def test_reads_stop_before_the_daily_quota_runs_out(server: FakeYouTube, clock: FakeClock) -> None:
    with LoopbackServer(server.handle) as running:
        async with httpx.AsyncClient(transport=running.transport()) as client:
            adapter = YouTubeAdapter(client, clock=clock, daily_units=1)
            ctx = context(server, clock)
            await adapter.read_metrics(ctx, [PublishedPart(platform_post_id="vid1")])
            with pytest.raises(RateLimited) as caught:
                await adapter.read_metrics(ctx, [PublishedPart(platform_post_id="vid1")])
    assert "videos.list" in str(caught.value) and caught.value.retry_at is not None
    assert server.units_spent() == 1  # the refused read was never sent


async def test_subscribers_grow_with_time(
    adapter: YouTubeAdapter, server: FakeYouTube, clock: FakeClock
) -> None:
    ctx = context(server, clock)
    server.channels["alice"].subscribers_from = clock.now().timestamp()
    assert await adapter.follower_count(ctx) == 350
    clock.advance(timedelta(hours=3))
    assert await adapter.follower_count(ctx) == 353


async def test_recent_posts_page_through_uploads_made_in_studio_newest_first(
    adapter: YouTubeAdapter, server: FakeYouTube, clock: FakeClock
) -> None:
    ctx = context(server, clock)
    start = clock.now()
    server.add_video("alice", "Old one", "long ago", (start - timedelta(days=40)).timestamp())
    for n in range(55):
        server.add_video(
            "alice", f"Clip {n}", f"made in Studio #{n}", (start + timedelta(minutes=n)).timestamp()
        )
    clock.advance(timedelta(hours=2))
    posts = await adapter.recent_posts(ctx, start - timedelta(days=1))
    assert (
        len(posts) == 55 and posts[0].text == "made in Studio #54" and posts[-1].text == "made in Studio #0"
    )
    assert posts[0].created_at == start + timedelta(minutes=54)
    assert posts[0].permalink == f"https://www.youtube.com/watch?v={posts[0].platform_post_id}"
    assert posts[0].reading is not None and posts[0].reading.video_views == 66 * 7
    pages = [r for r in server.requests if r.url.path == "/youtube/v3/playlistItems"]
    assert len(pages) == 2 and "pageToken" in pages[1].url.params  # the second page was followed
    few = await adapter.recent_posts(ctx, start - timedelta(days=1), limit=3)
    assert [p.text for p in few] == ["made in Studio #54", "made in Studio #53", "made in Studio #52"]


async def test_look_up_is_true_for_a_live_video_and_false_once_deleted(
    adapter: YouTubeAdapter, server: FakeYouTube, clock: FakeClock
) -> None:
    ctx = context(server, clock)
    video = server.add_video("alice", "Here", "", clock.now().timestamp())
    assert await adapter.look_up(ctx, PublishedPart(platform_post_id=video.id)) is True
    del server.videos[video.id]
    assert await adapter.look_up(ctx, PublishedPart(platform_post_id=video.id)) is False


async def test_first_comment_is_a_comment_thread_and_its_failures_are_clear(
    adapter: YouTubeAdapter, server: FakeYouTube, clock: FakeClock
) -> None:
    ctx = context(server, clock)
    assert adapter.first_comment == "comment"
    video = server.add_video("alice", "Here", "", clock.now().timestamp())
    comment = await adapter.post_comment(
        ctx, PublishedPart(platform_post_id=video.id), "Chapters below", "k1"
    )
    made = server.comments[comment.platform_post_id]
    assert made["snippet"]["topLevelComment"]["snippet"]["textOriginal"] == "Chapters below"
    assert comment.permalink == f"https://www.youtube.com/watch?v={video.id}&lc={comment.platform_post_id}"
    assert server.units_spent() == 50

    video.comments_disabled = True
    with pytest.raises(PublishError) as closed:
        await adapter.post_comment(ctx, PublishedPart(platform_post_id=video.id), "again", "k2")
    assert "commentsDisabled" in str(closed.value)


async def test_a_sign_in_without_force_ssl_is_told_to_allow_it(
    adapter: YouTubeAdapter, server: FakeYouTube, clock: FakeClock
) -> None:
    video = server.add_video("alice", "Here", "", clock.now().timestamp())
    ctx = context(server, clock, (UPLOAD, READONLY))
    with pytest.raises(Rejected) as caught:
        await adapter.post_comment(ctx, PublishedPart(platform_post_id=video.id), "hi", "k1")
    assert "youtube.force-ssl" in str(caught.value) and server.comments == {}
    # An account whose scopes were not recorded: YouTube itself refuses, in the same words.
    credentials = await ctx.credentials()
    await ctx.replace_credentials({k: v for k, v in credentials.items() if k != "scope"})
    with pytest.raises(Rejected) as refused:
        await adapter.post_comment(ctx, PublishedPart(platform_post_id=video.id), "hi", "k1")
    assert "youtube.force-ssl" in str(refused.value)
