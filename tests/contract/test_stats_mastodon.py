"""Statistics through the real engine against the strict fake Mastodon (over loopback): the series
at each age, nulls that stay null, history import of posts made elsewhere, rate limits, spikes."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from outpost.adapters.base import AddAccountRequest
from outpost.adapters.mastodon import MastodonAdapter
from outpost.adapters.registry import AdapterRegistry
from outpost.domain.analytics import READ_AGES
from outpost.domain.enums import Network
from outpost.domain.models import Account, Post
from outpost.engine import Engine, PostInput, When
from outpost.engine.events import EngagementSpike, Event
from tests.conftest import until
from tests.contract.fake_mastodon import BASE, FakeMastodon, growth
from tests.fakes import FakeClock, MemorySecretStore
from tests.support.loopback import served

pytestmark = pytest.mark.asyncio


@pytest.fixture
def server(clock: FakeClock) -> FakeMastodon:
    return FakeMastodon(now=clock.now)


@pytest_asyncio.fixture
async def engine(
    tmp_path: Path, server: FakeMastodon, clock: FakeClock, secrets: MemorySecretStore
) -> AsyncIterator[Engine]:
    registry = AdapterRegistry({Network.MASTODON: functools.partial(MastodonAdapter, media_poll_s=0.001)})
    with served(server.handle) as transport:
        eng = Engine.open(
            tmp_path / "data", registry=registry, secrets=secrets, clock=clock, transport=transport
        )
        yield eng
        await eng.close()


@pytest_asyncio.fixture
async def alice(engine: Engine) -> Account:
    return await engine.accounts.add(
        Network.MASTODON, AddAccountRequest(service_url=BASE, access_token="token-alice")
    )


def reads(server: FakeMastodon) -> int:
    return sum(1 for r in server.requests if r.url.path == "/api/v1/statuses" and r.method == "GET")


async def publish(engine: Engine, alice: Account, text: str) -> Post:
    return await engine.posts.create(PostInput(text=text, accounts=(alice.id,)), When.now())


async def test_each_post_is_read_at_each_age_and_the_series_shows_it(
    engine: Engine, alice: Account, server: FakeMastodon, clock: FakeClock
) -> None:
    post = await publish(engine, alice, "Numbers, please")
    published = clock.now()
    await engine.stats.collector.read_due()
    assert reads(server) == 0  # nothing is due before an hour
    for age in READ_AGES:
        clock.set(published + age - timedelta(minutes=1))
        await engine.stats.collector.read_due()
        before = reads(server)
        clock.set(published + age)
        await engine.stats.collector.read_due()
        assert reads(server) == before + 1, f"one read at {age}"
    stats = await engine.stats.post(post.id)
    expected = [sum(growth(age)) for age in READ_AGES]
    assert [p.engagements for p in stats.timeseries] == expected
    assert [p.timestamp for p in stats.timeseries] == [published + age for age in READ_AGES]
    # Mastodon shows no impressions and (this server) no quotes: null, never 0.
    assert stats.total.impressions is None and stats.timeseries[-1].impressions is None
    [mastodon] = stats.by_platform
    favourites, reblogs, replies = growth(READ_AGES[-1])
    assert (mastodon.likes, mastodon.reposts, mastodon.replies, mastodon.quotes) == (
        favourites,
        reblogs,
        replies,
        None,
    )
    assert stats.total.shares == reblogs and stats.total.comments == replies
    clock.set(published + timedelta(days=60))
    await engine.stats.collector.read_due()
    assert reads(server) == 5  # settled: never read again on schedule


async def test_the_running_engine_reads_on_its_own_schedule(
    engine: Engine, alice: Account, server: FakeMastodon, clock: FakeClock
) -> None:
    await engine.start()
    post = await publish(engine, alice, "Off it goes")

    async def readings(count: int) -> bool:
        return len((await engine.stats.post(post.id)).timeseries) == count

    clock.advance(timedelta(hours=1))
    await until(lambda: reads(server) == 1)
    await until(lambda: readings(1))  # stored (and stamped 1 h) before time moves on
    clock.advance(timedelta(hours=5))
    await until(lambda: reads(server) == 2)
    await until(lambda: readings(2))


async def test_a_late_read_is_not_followed_by_catch_up_reads(
    engine: Engine, alice: Account, server: FakeMastodon, clock: FakeClock
) -> None:
    post = await publish(engine, alice, "Posted, then the laptop closed")
    clock.advance(timedelta(days=2))  # Outpost was closed at 1 h, 6 h and 24 h
    await engine.stats.collector.read_due()
    await engine.stats.collector.read_due()
    assert reads(server) == 1
    assert len((await engine.stats.post(post.id)).timeseries) == 1


async def test_backfill_imports_the_accounts_own_posts_made_elsewhere_not_boosts_or_replies(
    engine: Engine, alice: Account, server: FakeMastodon, clock: FakeClock
) -> None:
    now = clock.now()
    own = [server.post_elsewhere(f"From my phone {i}", now - timedelta(days=i + 1)) for i in range(45)]
    server.post_elsewhere("A boost", now - timedelta(days=2), reblog_of="999")
    server.post_elsewhere("@bob a reply", now - timedelta(days=3), reply_to=own[0].id)
    server.post_elsewhere("Too old", now - timedelta(days=400))
    through_outpost = await publish(engine, alice, "Made with Outpost")

    [result] = await engine.stats.collect(backfill_days=60)
    assert (result.imported, result.followers, result.skipped, result.problems) == (45, 120, None, [])
    listing = [r for r in server.requests if r.url.path.endswith("/statuses") and "accounts" in r.url.path]
    assert len(listing) == 2  # paged by max_id, 40 a page, stopped at the first post older than 60 days

    summary = await engine.stats.summary(start=(now - timedelta(days=59)).date())
    assert summary.summary.total_posts == 46  # 45 made elsewhere + the one made with Outpost, none twice
    assert summary.summary.total_impressions is None
    top = summary.top_posts[0]
    assert top.id == f"imported:{alice.id}:{own[-1].id}" and top.title == "From my phone 44"
    imported = await engine.stats.post(top.id)
    assert imported.total.likes == growth(timedelta(days=45))[0]
    assert summary.summary.followers_gained == 0  # one count recorded so far
    assert (await engine.stats.post(through_outpost.id)).total.engagements is not None

    again = await engine.stats.collect(backfill_days=60)
    assert again[0].imported == 0


async def test_a_rate_limit_stops_the_account_until_the_reset_without_retrying(
    engine: Engine, alice: Account, server: FakeMastodon, clock: FakeClock
) -> None:
    await publish(engine, alice, "Popular server")
    clock.advance(timedelta(hours=1))
    server.rate_limit = 0  # spent by other apps of the person's
    await engine.stats.collector.read_due()
    assert reads(server) == 1
    for _ in range(3):
        clock.advance(timedelta(minutes=1))
        await engine.stats.collector.read_due()
        [status] = await engine.stats.collect()
        assert status.skipped is not None and "rate limit" in status.skipped
    assert reads(server) == 1  # no retry storm
    server.rate_limit = 300
    clock.advance(timedelta(minutes=5))  # past X-RateLimit-Reset
    await engine.stats.collector.read_due()
    assert reads(server) == 2


async def test_a_post_far_above_the_usual_is_announced_once_and_a_usual_one_never(
    engine: Engine, alice: Account, server: FakeMastodon, clock: FakeClock
) -> None:
    spikes: list[EngagementSpike] = []

    def keep(event: Event) -> None:
        if isinstance(event, EngagementSpike):
            spikes.append(event)

    engine.events.subscribe(keep)
    for i in range(11):  # the account's usual: 5 engagements an hour after publishing
        await publish(engine, alice, f"Usual post {i}")
        clock.advance(timedelta(hours=1))
        await engine.stats.collector.read_due()
    assert spikes == []
    viral = await publish(engine, alice, "This one takes off")
    server.statuses[-1].boost = 10.0
    clock.advance(timedelta(hours=1))
    await engine.stats.collector.read_due()
    [event] = spikes
    assert (event.post_id, event.account_id, event.network, event.age) == (
        viral.id,
        alice.id,
        "mastodon",
        "1 h",
    )
    assert (event.engagements, event.usual, event.history) == (sum(growth(timedelta(hours=1), 10.0)), 5.0, 11)
    assert "taking off" in event.message and event.permalink
    clock.advance(timedelta(hours=5))
    await engine.stats.collector.read_due()  # its 6 h read is far above the usual too: not again
    await publish(engine, alice, "Back to usual")
    clock.advance(timedelta(hours=1))
    await engine.stats.collector.read_due()
    assert len(spikes) == 1
