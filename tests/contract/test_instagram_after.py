"""After publishing on Instagram: insights, followers, the account's media, read-back, first comment.

The real adapter against the strict fake Instagram over loopback: the account is added and a post
is published through the engine (its picture fetched from a real loopback media host), then the
adapter's after-publishing methods are called as statistics and verification will call them.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from outpost.adapters.base import AccountContext, AddAccountRequest
from outpost.adapters.instagram import InstagramAdapter
from outpost.adapters.instagram_errors import MissingPermission
from outpost.adapters.registry import AdapterRegistry
from outpost.domain.enums import Network, PostStatus
from outpost.domain.errors import PublishError, RateLimited
from outpost.domain.models import Account, PublishedPart
from outpost.engine import Engine, MediaInput, PostInput, When
from tests import media_fixtures
from tests.contract.fake_instagram import ALL_PERMISSIONS, FakeInstagram
from tests.fakes import FakeClock, MemorySecretStore
from tests.support.loopback import LoopbackServer
from tests.support.media_host import LoopbackMediaHost, loopback_media_host

pytestmark = pytest.mark.asyncio
HOUR = timedelta(hours=1)
API = "https://graph.instagram.com/v25.0"


@pytest.fixture
def server(clock: FakeClock) -> FakeInstagram:
    return FakeInstagram(now=lambda: clock.now().timestamp())


@pytest.fixture
def loopback(server: FakeInstagram) -> Iterator[LoopbackServer]:
    with LoopbackServer(server.handle) as running:
        yield running
    assert running.errors == [], running.errors


@pytest.fixture
def host(clock: FakeClock) -> Iterator[LoopbackMediaHost]:
    with loopback_media_host(clock.now) as running:
        yield running
    assert running.objects == {}, "a file was left on the media host"


@pytest_asyncio.fixture
async def engine(
    tmp_path: Path,
    loopback: LoopbackServer,
    clock: FakeClock,
    secrets: MemorySecretStore,
    host: LoopbackMediaHost,
) -> AsyncIterator[Engine]:
    registry = AdapterRegistry({Network.INSTAGRAM: functools.partial(InstagramAdapter, poll_s=0.001)})
    eng = Engine.open(
        tmp_path / "data", registry=registry, secrets=secrets, clock=clock, transport=loopback.transport(),
        media_host=host, media_in_process=True,  # type: ignore[arg-type]
    )  # fmt: skip
    yield eng
    await eng.close()


async def _account(
    engine: Engine, server: FakeInstagram, permissions: tuple[str, ...] = ALL_PERMISSIONS
) -> tuple[Account, InstagramAdapter, AccountContext]:
    token = server.issue(permissions=permissions, age_s=2 * 86400)
    account = await engine.accounts.add(Network.INSTAGRAM, AddAccountRequest(access_token=token))
    connections = engine._core.connections  # the statistics/verification features call these
    adapter = connections.adapter(Network.INSTAGRAM)
    assert isinstance(adapter, InstagramAdapter)
    return account, adapter, connections.context(account)


async def _publish(engine: Engine, account: Account, text: str, tmp_path: Path) -> PublishedPart:
    photo = media_fixtures.image(tmp_path / "p.jpg", 1080, 1080)
    post = await engine.posts.create(
        PostInput(text=text, accounts=(account.id,), media=(MediaInput(str(photo)),)), When.now()
    )
    assert post.status is PostStatus.PUBLISHED, post
    return post.targets[0].parts[0]


def _part(media_id: str) -> PublishedPart:
    return PublishedPart(platform_post_id=media_id)


async def test_readings_use_views_not_the_retired_impressions_and_keep_nulls(
    engine: Engine, server: FakeInstagram, clock: FakeClock, tmp_path: Path
) -> None:
    alice, adapter, ctx = await _account(engine, server)
    ours = await _publish(engine, alice, "Indigo vat, day 3", tmp_path)
    story = server.post_elsewhere("", product="STORY")
    clock.advance(3 * HOUR)
    first = {r.platform_post_id: r for r in await adapter.read_metrics(ctx, [ours, _part(story)])}
    clock.advance(3 * HOUR)
    later = {r.platform_post_id: r for r in await adapter.read_metrics(ctx, [ours, _part(story)])}
    feed = first[ours.platform_post_id]
    assert (feed.impressions, feed.reach, feed.likes, feed.replies, feed.reposts, feed.saves) == (
        900,
        600,
        36,
        6,
        3,
        9,
    )
    assert (feed.quotes, feed.clicks, feed.video_views) == (None, None, None)
    assert later[ours.platform_post_id].impressions == 1800  # the numbers move with the clock
    told = first[story]
    assert (told.impressions, told.replies, told.likes, told.saves) == (900, 1, None, None)
    asked = [r.url.params["metric"] for r in server.requests if r.url.path.endswith("/insights")]
    assert all("impressions" not in metrics for metrics in asked)
    assert "views,reach,replies,shares" in asked  # stories have their own metrics


async def test_too_few_viewers_gives_the_counters_without_insights(
    engine: Engine, server: FakeInstagram, clock: FakeClock
) -> None:
    _, adapter, ctx = await _account(engine, server)
    quiet = server.post_elsewhere("barely seen", hours_ago=1)
    server.media[-1].few_viewers = True
    [reading] = await adapter.read_metrics(ctx, [_part(quiet)])
    assert (reading.likes, reading.replies, reading.impressions, reading.reach) == (12, 2, None, None)


async def test_without_the_insights_permission_the_error_names_it(
    engine: Engine, server: FakeInstagram
) -> None:
    _, adapter, ctx = await _account(
        engine, server, tuple(p for p in ALL_PERMISSIONS if p != "instagram_business_manage_insights")
    )
    media = server.post_elsewhere("no numbers for you", hours_ago=2)
    with pytest.raises(MissingPermission, match="instagram_business_manage_insights") as caught:
        await adapter.read_metrics(ctx, [_part(media)])
    assert caught.value.permission == "instagram_business_manage_insights"


async def test_deleted_media_are_left_out_and_look_up_as_gone(engine: Engine, server: FakeInstagram) -> None:
    _, adapter, ctx = await _account(engine, server)
    kept, gone = server.post_elsewhere("kept"), server.post_elsewhere("gone")
    server.delete(gone)
    assert [r.platform_post_id for r in await adapter.read_metrics(ctx, [_part(kept), _part(gone)])] == [kept]
    assert await adapter.look_up(ctx, _part(kept)) is True
    assert await adapter.look_up(ctx, _part(gone)) is False
    server.fail("GET /:id", lambda: httpx.Response(502, text="Bad Gateway"))
    with pytest.raises(PublishError):
        await adapter.look_up(ctx, _part(kept))


async def test_followers_and_recent_media_made_anywhere_page_by_page(
    engine: Engine, server: FakeInstagram, clock: FakeClock, tmp_path: Path
) -> None:
    alice, adapter, ctx = await _account(engine, server)
    assert await adapter.follower_count(ctx) == 5400
    server.post_elsewhere("last month", hours_ago=24 * 30)
    for index in range(60):
        server.post_elsewhere(f"from the app {index}", hours_ago=30 - index * 0.25)
    ours = await _publish(engine, alice, "through Outpost", tmp_path)
    clock.advance(timedelta(days=1))
    assert await adapter.follower_count(ctx) == 5430
    posts = await adapter.recent_posts(ctx, clock.now() - timedelta(days=3))
    assert len(posts) == 61 and posts[0].platform_post_id == ours.platform_post_id
    assert posts[0].text == "through Outpost" and "last month" not in [p.text for p in posts]
    assert posts[-1].text == "from the app 0"
    reading = posts[0].reading
    assert reading is not None and (reading.likes, reading.replies, reading.reach) == (288, 48, None)
    lists = [
        r for r in server.requests if r.method == "GET" and r.url.path.endswith(f"/{server.user_id()}/media")
    ]
    assert len(lists) == 2  # two pages of 50


async def test_reads_past_the_budget_are_rate_limited_with_the_wait_meta_names(
    engine: Engine, server: FakeInstagram, clock: FakeClock
) -> None:
    _, adapter, ctx = await _account(engine, server)
    media = [server.post_elsewhere(f"p{n}") for n in range(3)]
    server.read_budget = 3
    with pytest.raises(RateLimited) as caught:
        await adapter.read_metrics(ctx, [_part(m) for m in media])
    assert caught.value.retry_at == clock.now() + timedelta(minutes=20)


async def test_the_first_comment_goes_under_the_post_once_even_when_its_answer_is_lost(
    engine: Engine, server: FakeInstagram
) -> None:
    _, adapter, ctx = await _account(engine, server)
    assert InstagramAdapter.first_comment == "comment"
    media = server.post_elsewhere("pattern in the comments")
    server.comment_then_drop = 1
    comment = await adapter.post_comment(ctx, _part(media), "Pattern: link in bio", "first-comment-1")
    assert server.media[-1].comments == ["Pattern: link in bio"]
    assert comment.platform_post_id == server.media[-1].comment_ids[0]


async def test_a_refused_comment_raises_and_leaves_the_post_alone(
    engine: Engine, server: FakeInstagram
) -> None:
    _, adapter, ctx = await _account(
        engine, server, tuple(p for p in ALL_PERMISSIONS if p != "instagram_business_manage_comments")
    )
    media = server.post_elsewhere("no comments allowed")
    with pytest.raises(MissingPermission, match="instagram_business_manage_comments"):
        await adapter.post_comment(ctx, _part(media), "never shown", "first-comment-2")
    assert [m.caption for m in server.media] == ["no comments allowed"] and server.media[0].comments == []
    assert server.publish_requests() == [] and await adapter.look_up(ctx, _part(media)) is True
