"""Bluesky's numbers from the public AppView (no login), through the real engine, over loopback."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from outpost.adapters.base import AddAccountRequest
from outpost.adapters.bluesky import BlueskyAdapter
from outpost.adapters.registry import AdapterRegistry
from outpost.domain.enums import Network
from outpost.domain.models import Account
from outpost.engine import Engine, PostInput, When
from tests.contract.fake_bluesky import APPVIEW, PDS, FakeAppView, FakePds, growth
from tests.fakes import FakeClock, MemorySecretStore
from tests.support.loopback import served

pytestmark = pytest.mark.asyncio


@pytest.fixture
def pds(clock: FakeClock) -> FakePds:
    return FakePds(now=clock.now)


@pytest.fixture
def appview(pds: FakePds) -> FakeAppView:
    return FakeAppView(pds)


@pytest_asyncio.fixture
async def engine(
    tmp_path: Path, pds: FakePds, appview: FakeAppView, clock: FakeClock, secrets: MemorySecretStore
) -> AsyncIterator[Engine]:
    adapter = functools.partial(BlueskyAdapter, fetch_cards=False, appview=APPVIEW)
    registry = AdapterRegistry({Network.BLUESKY: adapter})

    def route(request: httpx.Request) -> httpx.Response:
        if request.url.host == "appview.example":
            return appview.handle_request(request)
        return pds.handle_request(request)

    with served(route) as transport:
        eng = Engine.open(
            tmp_path / "data", registry=registry, secrets=secrets, clock=clock, transport=transport
        )
        yield eng
        await eng.close()


@pytest_asyncio.fixture
async def alice(engine: Engine, pds: FakePds) -> Account:
    return await engine.accounts.add(
        Network.BLUESKY,
        AddAccountRequest(handle="alice.example", app_password=pds.app_password, service_url=PDS),
    )


def get_posts(appview: FakeAppView) -> list[httpx.Request]:
    return [r for r in appview.requests if r.url.path.endswith("app.bsky.feed.getPosts")]


async def test_likes_reposts_replies_and_quotes_are_read_in_batches_of_25_without_a_login(
    engine: Engine, alice: Account, appview: FakeAppView, clock: FakeClock
) -> None:
    posts = [
        await engine.posts.create(PostInput(text=f"post {i}", accounts=(alice.id,)), When.now())
        for i in range(30)
    ]
    clock.advance(timedelta(hours=6))
    await engine.stats.collector.read_due()
    assert [len(r.url.params.get_list("uris")) for r in get_posts(appview)] == [25, 5]
    stats = await engine.stats.post(posts[0].id)
    [bluesky] = stats.by_platform
    likes, reposts, replies, quotes = growth(6 * 3600)
    assert (bluesky.likes, bluesky.reposts, bluesky.replies, bluesky.quotes) == (
        likes,
        reposts,
        replies,
        quotes,
    )
    assert bluesky.engagements == likes + reposts + replies + quotes
    assert stats.total.impressions is None and bluesky.impressions is None  # Bluesky has none: null
    summary = await engine.stats.summary()
    assert summary.by_platform[0].followers_gained == 0 and summary.summary.total_posts == 30


async def test_backfill_imports_own_posts_made_elsewhere_but_not_reposts_or_replies(
    engine: Engine, alice: Account, appview: FakeAppView, clock: FakeClock
) -> None:
    now = clock.now()
    mine = [appview.post_elsewhere(f"from the app {i}", now - timedelta(days=i + 1)) for i in range(120)]
    appview.post_elsewhere("a reply", now - timedelta(days=2), reply_to=mine[0])
    appview.reposts.append(("at://did:plc:bob/app.bsky.feed.post/3bob", now - timedelta(days=1)))
    [result] = await engine.stats.collect(alice.id, backfill_days=100)
    assert (result.imported, result.followers, result.problems) == (100, 250, [])
    feed_pages = [r for r in appview.requests if r.url.path.endswith("getAuthorFeed")]
    assert len(feed_pages) == 2  # 100 a page; the second page reaches past the 100 days
    assert all(r.url.params["filter"] == "posts_no_replies" for r in feed_pages)
    top = (await engine.stats.summary(start=(now - timedelta(days=101)).date())).top_posts[0]
    assert top.title == "from the app 99"


async def test_the_appviews_rate_limit_pauses_reading_until_its_reset(
    engine: Engine, alice: Account, appview: FakeAppView, clock: FakeClock
) -> None:
    await engine.posts.create(PostInput(text="hello", accounts=(alice.id,)), When.now())
    clock.advance(timedelta(hours=1))
    appview.rate_limit = 0
    [result] = await engine.stats.collect()
    assert "rate limit" in result.problems[-1]
    count = len(appview.requests)
    await engine.stats.collector.read_due()
    assert len(appview.requests) == count  # waits for RateLimit-Reset, no retries
    appview.rate_limit = 3000
    clock.advance(timedelta(minutes=6))
    await engine.stats.collector.read_due()
    assert len(get_posts(appview)) == 1
