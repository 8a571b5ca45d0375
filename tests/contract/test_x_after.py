"""After publishing on X, through the real adapter over loopback against the strict fake X:
numbers (billed reads, batched), followers, the account's own posts, read-back and the self-reply."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta

import httpx
import pytest
import pytest_asyncio

from outpost.adapters.base import AccountContext
from outpost.adapters.x import XAdapter
from outpost.domain.enums import Network
from outpost.domain.errors import PublishError, RateLimited, Rejected
from outpost.domain.models import Account, PublishedPart
from tests.contract.fake_x import CLIENT_ID, SCOPES, FakeX, Tweet
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
def server(clock: FakeClock) -> Iterator[FakeX]:
    fake = FakeX()
    fake.now = fake.oauth.now = lambda: clock.now().timestamp()
    fake.oauth.access_lifetime_s = 30 * 86400  # these tests move the clock by days
    yield fake


@pytest_asyncio.fixture
async def adapter(server: FakeX, clock: FakeClock) -> AsyncIterator[XAdapter]:
    with LoopbackServer(server.handle) as running:
        async with httpx.AsyncClient(transport=running.transport()) as client:
            yield XAdapter(client, clock=clock, poll_scale=0.001, reply_retry_s=0.01)
    assert running.errors == [], running.errors


def context(server: FakeX, clock: FakeClock, scopes: tuple[str, ...] = SCOPES) -> AccountContext:
    access, _refresh = server.oauth.issue("alice", scopes, CLIENT_ID)
    credentials = {"access_token": access, "scope": " ".join(scopes), "client_id": CLIENT_ID}
    account = Account(id="acc_x", network=Network.X, handle="alice_x", secret_ref="ref",
                      created_at=clock.now(), target_id="1001")  # fmt: skip
    return AccountContext(account, _Vault(credentials), asyncio.Lock())


async def test_metrics_are_batched_grow_with_time_and_leave_out_deleted_posts(
    adapter: XAdapter, server: FakeX, clock: FakeClock
) -> None:
    ctx = context(server, clock)
    assert adapter.can_read_metrics and "$0.005 per post" in (adapter.metrics_cost or "")
    parts = [PublishedPart(platform_post_id=str(n)) for n in range(3_000_000, 3_000_150)]
    for part in parts:
        server.tweets.append(Tweet(part.platform_post_id, "alice", f"post {part.platform_post_id}", [],
                                   None, None, created=clock.now().timestamp()))  # fmt: skip
    gone = server.tweets.pop(5)
    clock.advance(timedelta(hours=2))
    readings = await adapter.read_metrics(ctx, parts)
    lookups = [r for r in server.requests if r.url.path == "/2/tweets"]
    assert len(lookups) == 2 and server.post_reads == 149  # 100 + 50 ids, billed per post found
    assert len(readings) == 149 and gone.id not in {r.platform_post_id for r in readings}
    first = readings[0]
    assert (first.likes, first.reposts, first.replies, first.quotes, first.saves, first.impressions) == (
        20, 4, 6, 2, 3, 1200,
    )  # fmt: skip
    assert first.clicks is None and first.reach is None and first.video_views is None  # X does not say
    assert first.read_at == clock.now()
    clock.advance(timedelta(hours=1))
    later = await adapter.read_metrics(ctx, parts[:1])
    assert later[0].likes == 30 and later[0].impressions == 1800


async def test_reading_without_tweet_read_names_the_missing_scope(
    adapter: XAdapter, server: FakeX, clock: FakeClock
) -> None:
    ctx = context(server, clock, tuple(s for s in SCOPES if s != "tweet.read"))
    with pytest.raises(Rejected) as caught:
        await adapter.read_metrics(ctx, [PublishedPart(platform_post_id="123")])
    assert "Missing scope tweet.read" in str(caught.value) and "tweet.read and users.read" in str(
        caught.value
    )


async def test_a_used_up_read_window_raises_rate_limited_with_xs_reset(
    adapter: XAdapter, server: FakeX, clock: FakeClock
) -> None:
    ctx = context(server, clock)
    server.limits["GET /2/tweets"] = 1
    server.reset_epoch = int(clock.now().timestamp()) + 600
    await adapter.read_metrics(ctx, [PublishedPart(platform_post_id="123")])
    with pytest.raises(RateLimited) as caught:
        await adapter.read_metrics(ctx, [PublishedPart(platform_post_id="123")])
    assert caught.value.retry_after_s == 600


async def test_follower_count_comes_from_users_me_and_grows(
    adapter: XAdapter, server: FakeX, clock: FakeClock
) -> None:
    ctx = context(server, clock)
    assert await adapter.follower_count(ctx) == 1200
    clock.advance(timedelta(hours=5))
    assert await adapter.follower_count(ctx) == 1205


async def test_recent_posts_pages_through_own_posts_made_anywhere_without_reposts(
    adapter: XAdapter, server: FakeX, clock: FakeClock
) -> None:
    ctx = context(server, clock)
    start = clock.now()
    old = Tweet(
        "1000", "alice", "before the window", [], None, None, created=(start - timedelta(days=9)).timestamp()
    )
    server.tweets.append(old)
    for n in range(7):
        clock.advance(timedelta(minutes=10))
        server.tweets.append(Tweet(str(2000 + n), "alice", f"made elsewhere #{n} & more", [], None, None,
                                   created=clock.now().timestamp()))  # fmt: skip
    server.tweets.append(Tweet("2100", "alice", "someone else's", [], None, None,
                               created=clock.now().timestamp(), retweet_of="999"))  # fmt: skip
    server.tweets.append(
        Tweet("2101", "alice", "my own reply", [], "2006", None, created=clock.now().timestamp())
    )
    clock.advance(timedelta(hours=1))
    posts = await adapter.recent_posts(ctx, start - timedelta(days=1), limit=5)
    assert [p.platform_post_id for p in posts] == ["2101", "2006", "2005", "2004", "2003"]
    adapter.timeline_page = 5
    everything = await adapter.recent_posts(ctx, start - timedelta(days=1), limit=100)
    assert [p.platform_post_id for p in everything][-1] == "2000" and len(everything) == 8
    assert "2100" not in {p.platform_post_id for p in everything} and "1000" not in {
        p.platform_post_id for p in everything
    }
    assert posts[0].is_reply and not posts[1].is_reply
    assert (
        posts[1].text == "made elsewhere #6 & more"
        and posts[1].permalink == "https://x.com/alice_x/status/2006"
    )
    assert posts[1].created_at == start + timedelta(minutes=70)
    assert posts[1].reading is not None and posts[1].reading.likes == 10
    paged = [r for r in server.requests if r.url.path == "/2/users/1001/tweets"]
    assert any("pagination_token" in r.url.params for r in paged)  # the second page was followed
    assert all(r.url.params["exclude"] == "retweets" for r in paged)


async def test_look_up_says_true_for_a_live_post_and_false_once_deleted(
    adapter: XAdapter, server: FakeX, clock: FakeClock
) -> None:
    ctx = context(server, clock)
    server.tweets.append(Tweet("4242", "alice", "here", [], None, None, created=clock.now().timestamp()))
    assert await adapter.look_up(ctx, PublishedPart(platform_post_id="4242")) is True
    server.tweets.clear()
    assert await adapter.look_up(ctx, PublishedPart(platform_post_id="4242")) is False


async def test_first_comment_is_a_self_reply_and_its_failure_is_a_publish_error(
    adapter: XAdapter, server: FakeX, clock: FakeClock
) -> None:
    ctx = context(server, clock)
    assert adapter.first_comment == "self_reply"
    server.tweets.append(Tweet("5150", "alice", "the post", [], None, None, created=clock.now().timestamp()))
    reply = await adapter.post_comment(ctx, PublishedPart(platform_post_id="5150"), "Link: example.com", "k1")
    made = next(t for t in server.tweets if t.id == reply.platform_post_id)
    assert made.reply_to == "5150" and made.text == "Link: example.com"
    assert reply.permalink == f"https://x.com/alice_x/status/{made.id}"
    with pytest.raises(PublishError) as caught:  # the post was deleted meanwhile
        await adapter.post_comment(ctx, PublishedPart(platform_post_id="777"), "too late", "k2")
    assert "deleted or not visible" in str(caught.value) and not caught.value.may_have_taken_effect
