"""After publishing on LinkedIn, through the real adapter over loopback against the strict fake:
page share statistics and member social metadata (batched), page followers, the author's posts,
read-back, and the first comment — a page's, never a personal profile's."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
import pytest_asyncio

from outpost.adapters.base import AccountContext
from outpost.adapters.linkedin import LinkedInAdapter
from outpost.domain.enums import Network
from outpost.domain.errors import InvalidStateError, PublishError, RateLimited, Rejected
from outpost.domain.models import Account, PublishedPart
from tests.contract.fake_linkedin import CLIENT_ID, CLIENT_SECRET, MEMBER_SCOPES, ORG_SCOPES, FakeLinkedIn
from tests.fakes import FakeClock
from tests.support.loopback import LoopbackServer

pytestmark = pytest.mark.asyncio
PAGE = "urn:li:organization:2414183"
PAGE_SCOPES = (*MEMBER_SCOPES, *ORG_SCOPES, "r_organization_social")


class _Vault:
    def __init__(self, credentials: dict[str, str]) -> None:
        self.kept = {"ref": credentials}

    async def read(self, ref: str) -> dict[str, str] | None:
        return self.kept.get(ref)

    async def write(self, ref: str, credentials: dict[str, str]) -> None:
        self.kept[ref] = dict(credentials)


@pytest.fixture
def server(clock: FakeClock) -> FakeLinkedIn:
    fake = FakeLinkedIn()
    fake.oauth.now = lambda: clock.now().timestamp()
    return fake


@pytest_asyncio.fixture
async def adapter(server: FakeLinkedIn, clock: FakeClock) -> AsyncIterator[LinkedInAdapter]:
    with LoopbackServer(server.handle) as running:
        async with httpx.AsyncClient(transport=running.transport()) as client:
            yield LinkedInAdapter(client, clock=clock, poll_s=0.001)
    assert running.errors == [], running.errors


def context(server: FakeLinkedIn, clock: FakeClock, author: str, scopes: tuple[str, ...]) -> AccountContext:
    access, _ = server.oauth.issue("alice", scopes, CLIENT_ID)
    credentials = {"access_token": access, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                   "scope": ",".join(scopes)}  # fmt: skip
    account = Account(id="acc_li", network=Network.LINKEDIN, handle="devtestco", secret_ref="ref",
                      created_at=clock.now(), target_id=author)  # fmt: skip
    return AccountContext(account, _Vault(credentials), asyncio.Lock())


def page(server: FakeLinkedIn, clock: FakeClock) -> AccountContext:
    return context(server, clock, PAGE, PAGE_SCOPES)


def member(server: FakeLinkedIn, clock: FakeClock, *extra: str) -> AccountContext:
    return context(server, clock, server.person("alice"), (*MEMBER_SCOPES, *extra))


async def test_page_posts_read_share_statistics_in_batches_that_grow(
    adapter: LinkedInAdapter, server: FakeLinkedIn, clock: FakeClock
) -> None:
    ctx = page(server, clock)
    posts = [server.add_post(PAGE, f"update {n}", clock.now().timestamp()) for n in range(60)]
    server.posts.remove(posts[7])  # deleted on linkedin.com
    clock.advance(timedelta(hours=1))
    readings = await adapter.read_metrics(ctx, [PublishedPart(platform_post_id=p.urn) for p in posts])
    asked = [r for r in server.requests if r.url.path == "/rest/organizationalEntityShareStatistics"]
    assert (
        len(asked) == 2 and len(readings) == 59 and posts[7].urn not in {r.platform_post_id for r in readings}
    )
    first = readings[0]
    assert (first.impressions, first.reach, first.clicks, first.likes, first.replies, first.reposts) == (
        720, 540, 12, 15, 2, 1,
    )  # fmt: skip
    assert first.video_views is None and first.saves is None
    clock.advance(timedelta(hours=1))
    assert (await adapter.read_metrics(ctx, [PublishedPart(platform_post_id=posts[0].urn)]))[0].likes == 30


async def test_member_posts_read_social_metadata_or_name_the_restricted_scope(
    adapter: LinkedInAdapter, server: FakeLinkedIn, clock: FakeClock
) -> None:
    mine = server.add_post(server.person("alice"), "hello", clock.now().timestamp())
    clock.advance(timedelta(hours=2))
    parts = [PublishedPart(platform_post_id=mine.urn), PublishedPart(platform_post_id="urn:li:share:1")]
    with pytest.raises(Rejected) as refused:
        await adapter.read_metrics(member(server, clock), parts)
    assert "r_member_social" in str(refused.value) and "select developers" in str(refused.value)
    readings = await adapter.read_metrics(member(server, clock, "r_member_social"), parts)
    assert [r.platform_post_id for r in readings] == [mine.urn]  # the unknown post is left out
    assert (readings[0].likes, readings[0].replies) == (36, 4)
    assert readings[0].impressions is None and readings[0].reach is None  # members get no impressions here


async def test_the_read_throttle_is_a_rate_limit(
    adapter: LinkedInAdapter, server: FakeLinkedIn, clock: FakeClock
) -> None:
    server.reads_left = 0
    with pytest.raises(RateLimited):
        await adapter.read_metrics(page(server, clock), [PublishedPart(platform_post_id="urn:li:share:1")])


async def test_followers_for_a_page_and_none_for_a_person(
    adapter: LinkedInAdapter, server: FakeLinkedIn, clock: FakeClock
) -> None:
    server.followers_from = clock.now().timestamp()
    assert await adapter.follower_count(page(server, clock)) == 4200
    clock.advance(timedelta(hours=2))
    assert await adapter.follower_count(page(server, clock)) == 4206
    assert await adapter.follower_count(member(server, clock)) is None


async def test_recent_posts_page_through_the_authors_posts_without_reshares(
    adapter: LinkedInAdapter, server: FakeLinkedIn, clock: FakeClock
) -> None:
    ctx = page(server, clock)
    start = clock.now()
    server.add_post(PAGE, "last year", (start - timedelta(days=300)).timestamp())
    for n in range(55):
        server.add_post(PAGE, f"from linkedin.com \\#{n}", (start + timedelta(minutes=n)).timestamp())
    server.add_post(PAGE, "", (start + timedelta(hours=2)).timestamp(), reshare_of="urn:li:share:42")
    posts = await adapter.recent_posts(ctx, start - timedelta(days=1))
    assert (
        len(posts) == 55
        and posts[0].text == "from linkedin.com #54"
        and posts[-1].text == "from linkedin.com #0"
    )
    assert posts[0].created_at == start + timedelta(minutes=54)
    assert posts[0].permalink == f"https://www.linkedin.com/feed/update/{posts[0].platform_post_id}"
    assert len([r for r in server.requests if r.url.path == "/rest/posts" and r.method == "GET"]) == 2
    with pytest.raises(Rejected) as refused:  # a page signed in without r_organization_social
        await adapter.recent_posts(context(server, clock, PAGE, (*MEMBER_SCOPES, *ORG_SCOPES)), start)
    assert "r_organization_social" in str(refused.value)


async def test_look_up_true_then_false_once_deleted(
    adapter: LinkedInAdapter, server: FakeLinkedIn, clock: FakeClock
) -> None:
    post = server.add_post(PAGE, "here", clock.now().timestamp())
    assert await adapter.look_up(page(server, clock), PublishedPart(platform_post_id=post.urn)) is True
    server.posts.remove(post)
    assert await adapter.look_up(page(server, clock), PublishedPart(platform_post_id=post.urn)) is False


async def test_a_page_comments_first_and_a_failed_comment_is_a_publish_error(
    adapter: LinkedInAdapter, server: FakeLinkedIn, clock: FakeClock
) -> None:
    ctx = page(server, clock)
    assert adapter.first_comment == "comment"
    post = server.add_post(PAGE, "launch day", clock.now().timestamp())
    comment = await adapter.post_comment(
        ctx, PublishedPart(platform_post_id=post.urn), "Sign up: example.com", "k"
    )
    made = server.comments[comment.platform_post_id]
    assert made["actor"] == PAGE and made["message"]["text"] == "Sign up: example.com"
    assert comment.permalink is not None and comment.permalink.startswith(
        f"https://www.linkedin.com/feed/update/{post.urn}?commentUrn="
    )
    server.posts.remove(post)
    with pytest.raises(PublishError) as gone:
        await adapter.post_comment(ctx, PublishedPart(platform_post_id=post.urn), "again", "k2")
    assert "HTTP 404" in str(gone.value) and not gone.value.may_have_taken_effect


async def test_a_personal_profile_is_told_why_there_is_no_first_comment(
    adapter: LinkedInAdapter, server: FakeLinkedIn, clock: FakeClock
) -> None:
    post = server.add_post(server.person("alice"), "hello", clock.now().timestamp())
    with pytest.raises(InvalidStateError) as caught:
        await adapter.post_comment(member(server, clock), PublishedPart(platform_post_id=post.urn), "hi", "k")
    assert str(caught.value) == adapter.first_comment_unavailable and "personal profile" in str(caught.value)
    assert server.comments == {} and not [r for r in server.requests if "socialActions" in r.url.path]
