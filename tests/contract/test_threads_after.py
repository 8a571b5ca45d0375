"""After publishing on Threads: insights, followers, the profile's posts, read-back, the self-reply.

The real adapter against the strict fake Threads over loopback: the account is signed in and posts
are published through the engine, then the adapter's after-publishing methods are called as the
statistics and verification features will call them (issues #20, #21, #22).
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from outpost.adapters.base import AccountContext
from outpost.adapters.instagram_errors import MissingPermission
from outpost.adapters.registry import AdapterRegistry
from outpost.adapters.threads import ThreadsAdapter
from outpost.domain.enums import Network, PostStatus
from outpost.domain.errors import PublishError, RateLimited
from outpost.domain.models import Account, PublishedPart
from outpost.engine import Engine, PostInput, When
from tests.contract.fake_threads import (
    ALL_SCOPES,
    CLIENT_ID,
    CLIENT_SECRET,
    REDIRECT,
    FakeThreads,
    graph_error,
)
from tests.fakes import FakeClock, MemorySecretStore
from tests.support.loopback import LoopbackServer

pytestmark = pytest.mark.asyncio
HOUR = timedelta(hours=1)


@pytest.fixture
def server(clock: FakeClock) -> Iterator[FakeThreads]:
    fake = FakeThreads(now=lambda: clock.now().timestamp())
    yield fake
    fake.fetch_client.close()


@pytest.fixture
def loopback(server: FakeThreads) -> Iterator[LoopbackServer]:
    with LoopbackServer(server.handle) as running:
        yield running
    assert running.errors == [], running.errors


@pytest_asyncio.fixture
async def engine(
    tmp_path: Path, loopback: LoopbackServer, clock: FakeClock, secrets: MemorySecretStore
) -> AsyncIterator[Engine]:
    registry = AdapterRegistry({Network.THREADS: functools.partial(ThreadsAdapter, poll_s=0.001)})
    eng = Engine.open(
        tmp_path / "data", registry=registry, secrets=secrets, clock=clock,
        transport=loopback.transport(), media_in_process=True,
    )  # fmt: skip
    await eng.accounts.set_app(Network.THREADS, CLIENT_ID, CLIENT_SECRET, redirect_url=REDIRECT)
    yield eng
    await eng.close()


async def _account(engine: Engine, server: FakeThreads, scopes: tuple[str, ...] = ALL_SCOPES) -> Account:
    from outpost.adapters.base import AddAccountRequest

    return await engine.accounts.add(
        Network.THREADS, AddAccountRequest(access_token=server.issue(scopes=scopes))
    )


def _reach(engine: Engine, account: Account) -> tuple[ThreadsAdapter, AccountContext]:
    connections = engine._core.connections  # the statistics/verification features call these
    adapter = connections.adapter(Network.THREADS)
    assert isinstance(adapter, ThreadsAdapter)
    return adapter, connections.context(account)


async def _publish(engine: Engine, account: Account, text: str) -> PublishedPart:
    post = await engine.posts.create(PostInput(text=text, accounts=(account.id,)), When.now())
    assert post.status is PostStatus.PUBLISHED, post
    target = post.targets[0]
    assert target.platform_post_id is not None
    return PublishedPart(platform_post_id=target.platform_post_id, permalink=target.permalink)


async def test_readings_grow_with_time_and_say_nothing_of_what_threads_does_not_report(
    engine: Engine, server: FakeThreads, clock: FakeClock
) -> None:
    alice = await _account(engine, server)
    adapter, ctx = _reach(engine, alice)
    first = await _publish(engine, alice, "Dyeing with onion skins today")
    second = await _publish(engine, alice, "And avocado pits tomorrow")
    clock.advance(2 * HOUR)
    early = {r.platform_post_id: r for r in await adapter.read_metrics(ctx, [first, second])}
    clock.advance(22 * HOUR)
    late = {r.platform_post_id: r for r in await adapter.read_metrics(ctx, [first, second])}
    one, day = early[first.platform_post_id], late[first.platform_post_id]
    assert (one.impressions, one.likes, one.replies, one.reposts, one.quotes) == (240, 12, 2, 1, 0)
    assert (day.impressions, day.likes) == (2880, 144) and day.read_at == clock.now()
    assert (day.reach, day.saves, day.clicks, day.video_views) == (None, None, None, None)
    assert set(late) == {first.platform_post_id, second.platform_post_id}
    insights = [r for r in server.requests if r.url.path.endswith("/insights")]
    assert all(r.url.params["metric"] == "views,likes,replies,reposts,quotes" for r in insights)


async def test_a_deleted_post_is_left_out_of_readings_and_looks_up_as_gone(
    engine: Engine, server: FakeThreads
) -> None:
    alice = await _account(engine, server)
    adapter, ctx = _reach(engine, alice)
    kept = await _publish(engine, alice, "This one stays")
    gone = await _publish(engine, alice, "This one goes")
    server.delete(gone.platform_post_id)
    readings = await adapter.read_metrics(ctx, [kept, gone])
    assert [r.platform_post_id for r in readings] == [kept.platform_post_id]
    assert await adapter.look_up(ctx, kept) is True
    assert await adapter.look_up(ctx, gone) is False


async def test_a_look_up_that_fails_for_another_reason_raises_instead_of_answering(
    engine: Engine, server: FakeThreads
) -> None:
    alice = await _account(engine, server)
    adapter, ctx = _reach(engine, alice)
    part = await _publish(engine, alice, "Still here")
    server.fail("GET /v1.0/{id}", lambda: graph_error(500, 2, "Service temporarily unavailable"))
    with pytest.raises(PublishError, match="failed on its side"):
        await adapter.look_up(ctx, part)


async def test_without_the_insights_permission_the_error_names_it(
    engine: Engine, server: FakeThreads
) -> None:
    scopes = tuple(s for s in ALL_SCOPES if s != "threads_manage_insights")
    alice = await _account(engine, server, scopes)
    adapter, ctx = _reach(engine, alice)
    part = await _publish(engine, alice, "Numbers, please")
    with pytest.raises(MissingPermission, match="threads_manage_insights") as caught:
        await adapter.read_metrics(ctx, [part])
    assert caught.value.permission == "threads_manage_insights" and "reconnect" in str(caught.value)
    with pytest.raises(MissingPermission, match="threads_manage_insights"):
        await adapter.follower_count(ctx)


async def test_the_follower_count_moves_with_the_clock(
    engine: Engine, server: FakeThreads, clock: FakeClock
) -> None:
    alice = await _account(engine, server)
    adapter, ctx = _reach(engine, alice)
    assert await adapter.follower_count(ctx) == 1200
    clock.advance(timedelta(days=2))
    assert await adapter.follower_count(ctx) == 1248


async def test_recent_posts_page_through_and_include_posts_made_in_the_app_but_no_reposts(
    engine: Engine, server: FakeThreads, clock: FakeClock
) -> None:
    alice = await _account(engine, server)
    adapter, ctx = _reach(engine, alice)
    server.post_elsewhere("Too old to import", hours_ago=80)
    for index in range(120):
        server.post_elsewhere(f"From the app {index}", hours_ago=48 - index * 0.1)
    server.post_elsewhere("someone else's post, reposted", hours_ago=1, repost=True)
    ours = await _publish(engine, alice, "Through Outpost")
    posts = await adapter.recent_posts(ctx, clock.now() - timedelta(days=3), limit=500)
    texts = [p.text for p in posts]
    assert texts[0] == "Through Outpost" and posts[0].platform_post_id == ours.platform_post_id
    assert "From the app 0" in texts and "From the app 119" in texts and len(posts) == 121
    assert "Too old to import" not in texts and not any("reposted" in t for t in texts)
    assert [p.created_at for p in posts] == sorted((p.created_at for p in posts), reverse=True)
    assert all(
        p.permalink and p.permalink.startswith("https://www.threads.net/@alice.makes/post/") for p in posts
    )
    assert len([r for r in server.requests if r.url.path == "/v1.0/me/threads"]) == 2  # two pages of 100
    limited = await adapter.recent_posts(ctx, clock.now() - timedelta(days=3), limit=5)
    assert [p.text for p in limited] == texts[:5]


async def test_reads_past_the_budget_are_rate_limited_with_the_wait_meta_names(
    engine: Engine, server: FakeThreads, clock: FakeClock
) -> None:
    alice = await _account(engine, server)
    adapter, ctx = _reach(engine, alice)
    parts = [await _publish(engine, alice, f"Post {n}") for n in range(3)]
    server.read_budget = 2
    with pytest.raises(RateLimited) as caught:
        await adapter.read_metrics(ctx, parts)
    assert caught.value.retry_at == clock.now() + timedelta(minutes=12)


async def test_the_first_comment_is_a_self_reply_published_once(engine: Engine, server: FakeThreads) -> None:
    alice = await _account(engine, server)
    adapter, ctx = _reach(engine, alice)
    assert ThreadsAdapter.first_comment == "self_reply"
    post = await _publish(engine, alice, "Pattern in the first reply")
    reply = await adapter.post_comment(ctx, post, "Pattern: example.com/pattern", "first-comment-1")
    made = next(p for p in server.posts if p.id == reply.platform_post_id)
    assert made.reply_to == post.platform_post_id and made.text == "Pattern: example.com/pattern"
    assert reply.permalink is not None and reply.permalink.startswith("https://www.threads.net/@alice.makes/")
    again = await adapter.post_comment(ctx, post, "Pattern: example.com/pattern", "first-comment-1")
    assert again.platform_post_id == reply.platform_post_id  # the same key: the same reply, not two
    assert len([p for p in server.posts if p.reply_to == post.platform_post_id]) == 1


async def test_a_failed_self_reply_raises_and_leaves_the_post_alone(
    engine: Engine, server: FakeThreads
) -> None:
    alice = await _account(engine, server)
    adapter, ctx = _reach(engine, alice)
    post = await _publish(engine, alice, "The reply will fail")
    publishes = len(server.publishes())
    server.fail(
        "POST /v1.0/{user}/threads",
        lambda: graph_error(400, 100, "(#100) Param reply_to_id: replies are turned off for this post"),
    )
    with pytest.raises(PublishError, match="refused") as caught:
        await adapter.post_comment(ctx, post, "never shown", "first-comment-2")
    assert not caught.value.may_have_taken_effect
    assert server.texts() == ["The reply will fail"] and len(server.publishes()) == publishes
    assert await adapter.look_up(ctx, post) is True


async def test_the_fake_refuses_insights_it_does_not_know(
    server: FakeThreads, loopback: LoopbackServer
) -> None:
    token = server.issue()
    post = server.post_elsewhere("hello")
    async with httpx.AsyncClient(
        transport=loopback.transport(), headers={"Authorization": f"Bearer {token}"}
    ) as api:
        wrong = await api.get(
            f"https://graph.threads.net/v1.0/{post}/insights", params={"metric": "impressions"}
        )
        repost = server.post_elsewhere("someone's", repost=True)
        empty = await api.get(f"https://graph.threads.net/v1.0/{repost}/insights", params={"metric": "views"})
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == 100
    assert empty.json() == {"data": []}
