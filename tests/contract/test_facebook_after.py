"""After publishing on a Facebook Page: insights, followers, the Page's posts, read-back, first comment.

The real adapter against the strict fake Graph API over loopback: the Page is added with its own
token and posts are published through the engine, then the adapter's after-publishing methods are
called as statistics and verification will call them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from outpost.adapters.base import AccountContext, AddAccountRequest
from outpost.adapters.facebook import FacebookAdapter
from outpost.adapters.instagram_errors import MissingPermission
from outpost.adapters.registry import AdapterRegistry
from outpost.domain.enums import Network, PostStatus
from outpost.domain.errors import PublishError, RateLimited
from outpost.domain.models import Account, PublishedPart
from outpost.engine import Engine, PostInput, When
from tests.contract.fake_facebook import FakeFacebook
from tests.fakes import FakeClock, MemorySecretStore
from tests.support.loopback import LoopbackServer

pytestmark = pytest.mark.asyncio
PAGE = "2001"
HOUR = timedelta(hours=1)


@pytest.fixture
def server(clock: FakeClock) -> FakeFacebook:
    return FakeFacebook(now=lambda: clock.now().timestamp())


@pytest.fixture
def loopback(server: FakeFacebook) -> Iterator[LoopbackServer]:
    with LoopbackServer(server.handle) as running:
        yield running
    assert running.errors == [], running.errors


@pytest_asyncio.fixture
async def engine(
    tmp_path: Path, loopback: LoopbackServer, clock: FakeClock, secrets: MemorySecretStore
) -> AsyncIterator[Engine]:
    registry = AdapterRegistry({Network.FACEBOOK: FacebookAdapter})
    eng = Engine.open(
        tmp_path / "data", registry=registry, secrets=secrets, clock=clock, transport=loopback.transport()
    )
    yield eng
    await eng.close()


@pytest_asyncio.fixture
async def page(engine: Engine, server: FakeFacebook) -> Account:
    request = AddAccountRequest(access_token=server.page_token(PAGE), target_id=PAGE)
    return await engine.accounts.add(Network.FACEBOOK, request)


def _reach(engine: Engine, account: Account) -> tuple[FacebookAdapter, AccountContext]:
    connections = engine._core.connections  # the statistics/verification features call these
    adapter = connections.adapter(Network.FACEBOOK)
    assert isinstance(adapter, FacebookAdapter)
    return adapter, connections.context(account)


async def _publish(engine: Engine, account: Account, text: str) -> PublishedPart:
    post = await engine.posts.create(PostInput(text=text, accounts=(account.id,)), When.now())
    assert post.status is PostStatus.PUBLISHED, post
    return post.targets[0].parts[0]


async def test_many_posts_are_read_in_one_request_and_move_with_the_clock(
    engine: Engine, page: Account, server: FakeFacebook, clock: FakeClock
) -> None:
    adapter, ctx = _reach(engine, page)
    parts = [await _publish(engine, page, f"Spring workshop dates, part {n}") for n in range(3)]
    clock.advance(2 * HOUR)
    first = await adapter.read_metrics(ctx, parts)
    clock.advance(2 * HOUR)
    later = await adapter.read_metrics(ctx, parts)
    assert [r.platform_post_id for r in first] == [p.platform_post_id for p in parts]
    one = first[0]
    assert (one.impressions, one.reach, one.clicks, one.likes, one.replies, one.reposts) == (
        1000,
        600,
        40,
        30,
        4,
        2,
    )
    assert (one.quotes, one.saves, one.video_views) == (None, None, None)
    assert later[0].impressions == 2000 and later[0].read_at == clock.now()
    reads = [r for r in server.requests if r.url.path == "/v25.0/" and "ids" in r.url.params]
    assert len(reads) == 2  # one multi-id read per reading, not one per post
    assert "post_impressions" not in reads[0].url.params["fields"]  # retired in 2025


async def test_a_deleted_post_is_dropped_from_the_batch_and_looks_up_as_gone(
    engine: Engine, page: Account, server: FakeFacebook
) -> None:
    adapter, ctx = _reach(engine, page)
    kept = await _publish(engine, page, "Stays up")
    gone = await _publish(engine, page, "Taken down")
    server.delete(gone.platform_post_id)
    assert [r.platform_post_id for r in await adapter.read_metrics(ctx, [gone, kept])] == [
        kept.platform_post_id
    ]
    assert await adapter.look_up(ctx, kept) is True
    assert await adapter.look_up(ctx, gone) is False


async def test_without_read_insights_the_error_names_it(
    engine: Engine, page: Account, server: FakeFacebook
) -> None:
    adapter, ctx = _reach(engine, page)
    part = await _publish(engine, page, "How did this do?")
    server.granted["10001"].discard("read_insights")
    with pytest.raises(MissingPermission, match="read_insights") as caught:
        await adapter.read_metrics(ctx, [part])
    assert caught.value.permission == "read_insights"


async def test_a_throttled_page_is_rate_limited_until_facebook_says(
    engine: Engine, page: Account, server: FakeFacebook, clock: FakeClock
) -> None:
    adapter, ctx = _reach(engine, page)
    part = await _publish(engine, page, "Busy day")
    server.throttled[PAGE] = 25
    with pytest.raises(RateLimited) as caught:
        await adapter.read_metrics(ctx, [part])
    assert caught.value.retry_at == clock.now() + timedelta(minutes=25)
    with pytest.raises(RateLimited):
        await adapter.look_up(ctx, part)


async def test_followers_and_the_pages_own_posts_made_anywhere_page_by_page(
    engine: Engine, page: Account, server: FakeFacebook, clock: FakeClock
) -> None:
    adapter, ctx = _reach(engine, page)
    assert await adapter.follower_count(ctx) == 3100
    server.post_elsewhere("Last year's sale", hours_ago=24 * 300)
    for index in range(130):
        server.post_elsewhere(f"From facebook.com {index}", hours_ago=40 - index * 0.25)
    server.post_elsewhere("A friend's post, shared", hours_ago=1, shared=True)
    ours = await _publish(engine, page, "Through Outpost")
    clock.advance(HOUR)
    assert await adapter.follower_count(ctx) == 3100  # ten a day: not one more after an hour
    posts = await adapter.recent_posts(ctx, clock.now() - timedelta(days=5), limit=500)
    texts = [p.text for p in posts]
    assert len(posts) == 131 and posts[0].platform_post_id == ours.platform_post_id
    assert "Last year's sale" not in texts and not any("shared" in t for t in texts)
    reading = posts[0].reading
    assert reading is not None and (reading.likes, reading.replies, reading.reposts) == (15, 2, 1)
    assert reading.impressions is None  # the listing carries counters, not insights
    assert len([r for r in server.requests if r.url.path == f"/v25.0/{PAGE}/posts"]) == 2


async def test_the_first_comment_is_the_pages_comment_made_once_even_when_its_answer_is_lost(
    engine: Engine, page: Account, server: FakeFacebook
) -> None:
    adapter, ctx = _reach(engine, page)
    assert FacebookAdapter.first_comment == "comment"
    part = await _publish(engine, page, "Tickets in the first comment")
    server.comment_then_drop = 1
    comment = await adapter.post_comment(ctx, part, "Tickets: example.com/tickets", "first-comment-1")
    [post] = [p for p in server.posts if p.id == part.platform_post_id]
    assert [(c[1], c[2]) for c in post.comments] == [("Tickets: example.com/tickets", PAGE)]
    assert comment.platform_post_id == post.comments[0][0] and comment.permalink is not None


async def test_a_refused_comment_raises_and_leaves_the_post_alone(
    engine: Engine, page: Account, server: FakeFacebook
) -> None:
    adapter, ctx = _reach(engine, page)
    part = await _publish(engine, page, "Comments will fail")
    server.granted["10001"].discard("pages_manage_engagement")
    creates = len(server.creates())
    with pytest.raises(MissingPermission, match="pages_manage_engagement"):
        await adapter.post_comment(ctx, part, "never shown", "first-comment-2")
    server.granted["10001"].add("pages_manage_engagement")
    assert len(server.creates()) == creates and [p.message for p in server.published()] == [
        "Comments will fail"
    ]
    assert await adapter.look_up(ctx, part) is True
    server.fail(f"POST /{part.platform_post_id}/comments", lambda: httpx.Response(500, text="oops"))
    with pytest.raises(PublishError):
        await adapter.post_comment(ctx, part, "still never shown", "first-comment-3")
    assert server.posts[-1].comments == []
    retried = await adapter.post_comment(ctx, part, "still never shown", "first-comment-3")
    assert [c[0] for c in server.posts[-1].comments] == [retried.platform_post_id]  # looked first, then once


async def test_a_video_is_read_by_its_video_id_with_the_counters_a_video_has(
    engine: Engine, page: Account, server: FakeFacebook, clock: FakeClock
) -> None:
    from tests.contract.fake_facebook import FbPost, Video

    adapter, ctx = _reach(engine, page)
    server.videos["55501"] = Video("55501", PAGE, "reel", size=10, received=10)
    server.posts.append(
        FbPost(f"{PAGE}_55502", PAGE, "A reel", clock.now().timestamp(), "reel", video_id="55501")
    )
    text = await _publish(engine, page, "And a text post")
    clock.advance(HOUR)
    readings = await adapter.read_metrics(ctx, [PublishedPart(platform_post_id="55501"), text])
    reel, post = readings
    assert reel.platform_post_id == "55501" and (reel.likes, reel.replies) == (15, 2)
    assert (reel.reposts, reel.impressions, reel.reach) == (None, None, None)
    assert post.impressions == 500
    reads = [r for r in server.requests if r.url.path == "/v25.0/" and "ids" in r.url.params]
    assert sorted(r.url.params["ids"] for r in reads) == sorted(["55501", text.platform_post_id])
