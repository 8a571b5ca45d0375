"""Read-back verification (issue #20) through the engine, against the strict fakes over loopback.

After publishing, Outpost asks the network whether each post is there: by its id for published
targets (Mastodon `GET /api/v1/statuses/:id`, Bluesky `getRecord`, LinkedIn `GET /rest/posts`),
by its text for `unknown` creates (Mastodon's account statuses, Bluesky's `listRecords`).
"""

from __future__ import annotations

import functools
import socket
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from outpost.adapters.base import AddAccountRequest
from outpost.adapters.bluesky import BlueskyAdapter
from outpost.adapters.linkedin import LinkedInAdapter
from outpost.adapters.mastodon import MastodonAdapter
from outpost.adapters.registry import AdapterRegistry
from outpost.domain.enums import ErrorCode, Network, PostStatus, TargetStatus, VerificationState
from outpost.domain.errors import InvalidStateError
from outpost.domain.models import Account, Post, TargetError
from outpost.engine import Engine, PostInput, When
from outpost.engine.verify import VERIFY_AFTER
from tests.conftest import until
from tests.contract.fake_bluesky import PDS, FakePds
from tests.contract.fake_bluesky_video import FakeBluesky, FakeVideoService
from tests.contract.fake_linkedin import CLIENT_ID, CLIENT_SECRET, FakeLinkedIn
from tests.contract.fake_mastodon import BASE, FakeMastodon
from tests.contract.test_linkedin import browser
from tests.fakes import FakeClock, MemorySecretStore
from tests.support.loopback import LoopbackServer

pytestmark = pytest.mark.asyncio


@pytest.fixture
def mastodon(clock: FakeClock) -> FakeMastodon:
    server = FakeMastodon()
    server.now = clock.now  # Mastodon and Outpost share one time, as for real
    return server


@pytest.fixture
def pds(clock: FakeClock) -> FakePds:
    return FakePds(now=clock.now)


@pytest.fixture
def linkedin() -> FakeLinkedIn:
    return FakeLinkedIn()


@pytest.fixture
def loopback(mastodon: FakeMastodon, pds: FakePds, linkedin: FakeLinkedIn) -> Iterator[LoopbackServer]:
    """One loopback server for the three networks, routed by the address each request goes to."""
    bluesky = FakeBluesky(pds, FakeVideoService(pds))

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.host == "masto.example":
            return mastodon.handle(request)
        if request.url.host.endswith("linkedin.com"):
            return linkedin.handle(request)
        return bluesky.handle_request(request)

    with LoopbackServer(handle) as running:
        yield running
    assert running.errors == [], running.errors


@pytest_asyncio.fixture
async def engine(
    tmp_path: Path,
    loopback: LoopbackServer,
    clock: FakeClock,
    secrets: MemorySecretStore,
    linkedin: FakeLinkedIn,
) -> AsyncIterator[Engine]:
    registry = AdapterRegistry(
        {
            Network.MASTODON: functools.partial(MastodonAdapter, media_poll_s=0.001),
            Network.BLUESKY: functools.partial(BlueskyAdapter, fetch_cards=False),
            Network.LINKEDIN: functools.partial(LinkedInAdapter, poll_s=0.001),
        }
    )
    linkedin.oauth.now = lambda: clock.now().timestamp()
    eng = Engine.open(
        tmp_path / "data", registry=registry, secrets=secrets, clock=clock, transport=loopback.transport()
    )
    with socket.socket() as probe:  # the sign-in redirect's port (not the fake's)
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    linkedin.register_app(port)
    await eng.accounts.set_app(Network.LINKEDIN, CLIENT_ID, CLIENT_SECRET, redirect_port=port)
    yield eng
    await eng.close()


@pytest_asyncio.fixture
async def alice(engine: Engine) -> Account:
    return await engine.accounts.add(
        Network.MASTODON, AddAccountRequest(service_url=BASE, access_token="token-alice")
    )


@pytest_asyncio.fixture
async def sky(engine: Engine, pds: FakePds) -> Account:
    return await engine.accounts.add(
        Network.BLUESKY,
        AddAccountRequest(handle="@alice.example", app_password=pds.app_password, service_url=PDS),
    )


async def _publish(engine: Engine, account: Account, text: str) -> Post:
    post = await engine.posts.create(PostInput(text=text, accounts=(account.id,)), When.now())
    assert post.status is PostStatus.PUBLISHED, post
    return post


async def _make_unknown(engine: Engine, post: Post) -> None:
    """The state a lost create answer leaves behind (the publisher died with the part on the wire)."""
    [target] = post.targets
    lost = target.model_copy(
        update={
            "status": TargetStatus.UNKNOWN,
            "parts": (),
            "sending_part": 0,
            "published_at": None,
            "error": TargetError(code=ErrorCode.UNKNOWN_OUTCOME, message="the answer was lost"),
        }
    )
    store = engine._core.store  # what a restarted engine finds (recovery.py writes the same)
    store.posts.save_target(post.id, lost, now=engine.clock.now())
    store.posts.set_status(post.id, PostStatus.NEEDS_REVIEW, now=engine.clock.now(), expected=[post.status])


def _looks(server: FakeMastodon) -> list[httpx.Request]:
    return [r for r in server.requests if r.method == "GET" and r.url.path.startswith("/api/v1/statuses/")]


# -- Mastodon ------------------------------------------------------------------------------------


async def test_a_minute_after_publishing_the_running_engine_reads_the_post_back(
    engine: Engine, alice: Account, mastodon: FakeMastodon, clock: FakeClock
) -> None:
    await engine.start()
    post = await _publish(engine, alice, "Hello, is this thing on?")
    assert post.targets[0].verification is None and _looks(mastodon) == []  # not at once
    clock.advance(VERIFY_AFTER)

    async def verified() -> bool:
        return (await engine.posts.get(post.id)).targets[0].verified_at is not None

    await until(verified)
    [target] = (await engine.posts.get(post.id)).targets
    assert target.verification is not None and target.verification.state is VerificationState.VERIFIED
    assert target.verified_at == clock.now() and target.status is TargetStatus.PUBLISHED
    assert [r.url.path for r in _looks(mastodon)] == [f"/api/v1/statuses/{mastodon.statuses[0].id}"]


async def test_a_post_deleted_on_the_network_is_said_to_be_gone_and_never_posted_again(
    engine: Engine, alice: Account, mastodon: FakeMastodon, clock: FakeClock
) -> None:
    post = await _publish(engine, alice, "Soon to be deleted")
    mastodon.statuses.clear()  # the creator deleted it on Mastodon
    clock.advance(VERIFY_AFTER)
    await engine.verify.verify_due()
    settled = await engine.posts.get(post.id)
    [target] = settled.targets
    assert settled.status is PostStatus.PUBLISHED and target.status is TargetStatus.PUBLISHED
    assert target.verification is not None
    assert target.verification.state is VerificationState.NOT_ON_NETWORK
    assert "Mastodon no longer shows the post on mastodon:alice@masto.example" in (
        target.verification.message or ""
    )
    assert "will not post it again" in (target.verification.message or "")
    assert target.verified_at is None
    creates = [r for r in mastodon.requests if r.method == "POST" and r.url.path == "/api/v1/statuses"]
    assert len(creates) == 1  # checked, not re-sent
    await engine.verify.verify_due()  # read back once on its own: no second look
    assert len(_looks(mastodon)) == 1


async def test_check_now_reads_back_at_once_and_again_whenever_asked(
    engine: Engine, alice: Account, mastodon: FakeMastodon
) -> None:
    post = await _publish(engine, alice, "Check me")
    checked = await engine.verify.check_post(post.id)
    assert checked.targets[0].verification is not None
    assert checked.targets[0].verification.state is VerificationState.VERIFIED
    mastodon.statuses.clear()
    again = await engine.verify.check_post(post.id)
    assert again.targets[0].verification is not None
    assert again.targets[0].verification.state is VerificationState.NOT_ON_NETWORK
    assert again.targets[0].verified_at == checked.targets[0].verified_at  # when it was last seen
    draft = await engine.posts.create(PostInput(text="later", accounts=(alice.id,)), When.draft())
    with pytest.raises(InvalidStateError, match="nothing on the networks to check yet"):
        await engine.verify.check_post(draft.id)


async def test_an_unknown_create_found_by_its_text_is_published_and_verified(
    engine: Engine, alice: Account, mastodon: FakeMastodon, clock: FakeClock
) -> None:
    post = await _publish(engine, alice, "Line one\n\nline two & <three>")
    await _make_unknown(engine, post)
    clock.advance(VERIFY_AFTER)
    await engine.verify.verify_due()
    settled = await engine.posts.get(post.id)
    [target] = settled.targets
    assert settled.status is PostStatus.PUBLISHED and target.status is TargetStatus.PUBLISHED
    assert target.platform_post_id == mastodon.statuses[0].id and target.permalink
    assert target.verification is not None and target.verification.state is VerificationState.VERIFIED
    assert target.verified_at == clock.now()
    assert len(mastodon.statuses) == 1  # found, never sent again


async def test_an_unknown_create_not_on_the_network_stays_unknown_and_says_where_outpost_looked(
    engine: Engine, alice: Account, mastodon: FakeMastodon, clock: FakeClock
) -> None:
    post = await _publish(engine, alice, "Never arrived")
    await _make_unknown(engine, post)
    mastodon.statuses.clear()
    clock.advance(VERIFY_AFTER)
    await engine.verify.verify_due()
    settled = await engine.posts.get(post.id)
    [target] = settled.targets
    assert settled.status is PostStatus.NEEDS_REVIEW and target.status is TargetStatus.UNKNOWN
    assert target.verification is not None and target.verification.state is VerificationState.UNKNOWN
    assert "looked through mastodon:alice@masto.example's posts on Mastodon" in (
        target.verification.message or ""
    )
    assert target.error is not None and "did not find the post" in target.error.message


async def test_a_network_that_cannot_be_asked_is_asked_again_later(
    engine: Engine, alice: Account, mastodon: FakeMastodon, clock: FakeClock
) -> None:
    post = await _publish(engine, alice, "Through an outage")
    mastodon.fail("GET /api/v1/statuses/:id", lambda: httpx.Response(503, json={"error": "down"}))
    clock.advance(VERIFY_AFTER)
    await engine.verify.verify_due()
    assert (await engine.posts.get(post.id)).targets[0].verification is None  # not given up
    await engine.verify.verify_due()
    assert len(_looks(mastodon)) == 1  # no retry storm: it waits its turn
    clock.advance(timedelta(minutes=1))
    await engine.verify.verify_due()
    [target] = (await engine.posts.get(post.id)).targets
    assert target.verification is not None and target.verification.state is VerificationState.VERIFIED


# -- Bluesky -------------------------------------------------------------------------------------


async def test_bluesky_reads_records_back_by_their_key_and_finds_lost_ones_by_text(
    engine: Engine, sky: Account, pds: FakePds, clock: FakeClock
) -> None:
    kept = await _publish(engine, sky, "Read at https://example.com/a/rather/long/path/to/an/article")
    gone = await _publish(engine, sky, "This one goes")
    lost = await _publish(engine, sky, "Lost answer, link https://example.com/a/rather/long/path/too")
    del pds.records[gone.targets[0].platform_post_id.rsplit("/", 1)[1]]
    await _make_unknown(engine, lost)
    clock.advance(VERIFY_AFTER)
    await engine.verify.verify_due()
    states = {}
    for post in (kept, gone, lost):
        [target] = (await engine.posts.get(post.id)).targets
        assert target.verification is not None
        states[post.id] = (target.status, target.verification.state)
    assert states == {
        kept.id: (TargetStatus.PUBLISHED, VerificationState.VERIFIED),
        gone.id: (TargetStatus.PUBLISHED, VerificationState.NOT_ON_NETWORK),
        lost.id: (TargetStatus.PUBLISHED, VerificationState.VERIFIED),
    }
    found = (await engine.posts.get(lost.id)).targets[0]
    assert found.platform_post_id == lost.targets[0].platform_post_id and found.parts[0].extra["cid"]
    assert len(pds.records) == 2


# -- LinkedIn ------------------------------------------------------------------------------------


async def test_linkedin_reads_back_where_the_app_may_and_says_why_not_where_it_may_not(
    engine: Engine, loopback: LoopbackServer, linkedin: FakeLinkedIn
) -> None:
    member = await engine.accounts.connect(Network.LINKEDIN, open_url=browser(loopback))  # type: ignore[arg-type]
    post = await _publish(engine, member, "Hello LinkedIn")
    refused = await engine.verify.check_post(post.id)
    verification = refused.targets[0].verification
    assert verification is not None and verification.state is VerificationState.UNKNOWN
    assert "reading it needs r_member_social" in (verification.message or "")
    for grant in linkedin.oauth.access.values():  # an app LinkedIn approved for reading posts
        grant.scopes = (*grant.scopes, "r_member_social")
    seen = await engine.verify.check_post(post.id)
    assert seen.targets[0].verification is not None
    assert seen.targets[0].verification.state is VerificationState.VERIFIED
    linkedin.posts.clear()
    gone = await engine.verify.check_post(post.id)
    assert gone.targets[0].verification is not None
    assert gone.targets[0].verification.state is VerificationState.NOT_ON_NETWORK
