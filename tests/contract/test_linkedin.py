"""The LinkedIn adapter through the engine, against a strict fake LinkedIn served over loopback."""

from __future__ import annotations

import asyncio
import functools
import socket
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from outpost.adapters import linkedin
from outpost.adapters.base import AddAccountRequest
from outpost.adapters.linkedin import LinkedInAdapter
from outpost.adapters.registry import AdapterRegistry
from outpost.domain.enums import ErrorCode, HealthState, Network, PostStatus, TargetStatus
from outpost.domain.errors import ValidationError
from outpost.domain.models import Account
from outpost.engine import Engine, MediaInput, PostInput, When
from tests import media_fixtures
from tests.contract.fake_linkedin import CLIENT_ID, CLIENT_SECRET, MEMBER_SCOPES, ORG_SCOPES, FakeLinkedIn
from tests.fakes import FakeClock, MemorySecretStore
from tests.support.loopback import LoopbackServer

pytestmark = pytest.mark.asyncio
ORG = "urn:li:organization:2414183"


@pytest.fixture
def server() -> FakeLinkedIn:
    return FakeLinkedIn(part_size=4 * 1024)  # small parts: even a short clip takes several


@pytest.fixture
def loopback(server: FakeLinkedIn) -> Iterator[LoopbackServer]:
    with LoopbackServer(server.handle) as running:
        yield running
    assert running.errors == [], running.errors


@pytest_asyncio.fixture
async def engine(
    tmp_path: Path,
    loopback: LoopbackServer,
    clock: FakeClock,
    secrets: MemorySecretStore,
    server: FakeLinkedIn,
) -> AsyncIterator[Engine]:
    registry = AdapterRegistry({Network.LINKEDIN: functools.partial(LinkedInAdapter, poll_s=0.001)})
    server.oauth.now = lambda: clock.now().timestamp()  # LinkedIn and Outpost share one time, as for real
    eng = Engine.open(
        tmp_path / "data", registry=registry, secrets=secrets, clock=clock, transport=loopback.transport()
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server.register_app(port)
    await eng.accounts.set_app(Network.LINKEDIN, CLIENT_ID, CLIENT_SECRET, redirect_port=port)
    yield eng
    await eng.close()


def browser(loopback: LoopbackServer) -> object:
    """A person's browser on LinkedIn's consent page: agrees, follows the redirect back."""

    async def open_url(url: str) -> None:
        async def visit() -> None:
            async with httpx.AsyncClient(transport=loopback.transport()) as web:
                consent = await web.get(url)
            location = consent.headers.get("location")
            if consent.status_code == 302 and location:
                async with httpx.AsyncClient() as local:
                    await local.get(location)

        asyncio.get_running_loop().create_task(visit())

    return open_url


@pytest_asyncio.fixture
async def alice(engine: Engine, loopback: LoopbackServer) -> Account:
    return await engine.accounts.connect(Network.LINKEDIN, open_url=browser(loopback))  # type: ignore[arg-type]


@pytest_asyncio.fixture
async def page(engine: Engine, loopback: LoopbackServer) -> Account:
    return await engine.accounts.connect(Network.LINKEDIN, target=ORG, open_url=browser(loopback))  # type: ignore[arg-type]


async def test_a_member_signs_in_with_the_apps_secret_and_posts_as_themselves(
    engine: Engine, alice: Account, server: FakeLinkedIn, secrets: MemorySecretStore
) -> None:
    assert (alice.handle, alice.display_name) == ("alice-example", "Alice Example")
    assert alice.target_id == "urn:li:person:782bbtaQ" and alice.health.state is HealthState.OK
    token_request = next(r for r in server.requests if r.url.path == "/oauth/v2/accessToken")
    assert b"client_secret=li-secret-do-not-leak" in token_request.content  # LinkedIn: in the body
    assert set(secrets.secrets[alice.secret_ref]["scope"].split()) == set(MEMBER_SCOPES)
    post = await engine.posts.create(PostInput(text="Hello LinkedIn", accounts=(alice.id,)), When.now())
    target = post.targets[0]
    assert post.status is PostStatus.PUBLISHED, target.error
    [created] = server.posts
    assert (target.platform_post_id, created.author) == (created.urn, alice.target_id)
    assert target.permalink == f"https://www.linkedin.com/feed/update/{created.urn}"


async def test_reserved_characters_never_cut_the_post_and_hashtags_stay_hashtags(
    engine: Engine, alice: Account, server: FakeLinkedIn
) -> None:
    text = (
        "Ship it (finally)! 50% off_on *all* [items] <today> ~ a|b {x} \\ @home #launch https://ex.com/a_(b)"
    )
    post = await engine.posts.create(PostInput(text=text, accounts=(alice.id,)), When.now())
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    [created] = server.posts
    assert created.shown == text  # what readers see: every character, nothing cut
    assert " #launch " in created.commentary and "https://ex.com/a_(b)" in created.commentary


async def test_length_counts_what_linkedin_receives_and_is_checked_before_sending(
    engine: Engine, alice: Account, server: FakeLinkedIn
) -> None:
    with pytest.raises(ValidationError) as caught:
        await engine.posts.create(PostInput(text="(" * 1501, accounts=(alice.id,)))
    problem = caught.value.problems[0]
    assert (problem.limit, problem.actual) == (3000, 3002) and "escaped" in problem.message
    with pytest.raises(ValidationError, match="thread"):
        await engine.posts.create(PostInput(text="one", thread=("two",), accounts=(alice.id,)))
    assert server.creates() == []


async def test_every_versioned_call_carries_both_headers_and_a_retired_version_says_update(
    engine: Engine, alice: Account, server: FakeLinkedIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    await engine.posts.create(PostInput(text="versioned", accounts=(alice.id,)), When.now())
    versioned = [r for r in server.requests if r.url.path.startswith("/rest/")]
    assert versioned and all(
        r.headers["linkedin-version"] == linkedin.LINKEDIN_VERSION
        and r.headers["x-restli-protocol-version"] == "2.0.0"
        for r in versioned
    )
    monkeypatch.setattr(linkedin, "LINKEDIN_VERSION", "202401")  # what an old Outpost would send
    post = await engine.posts.create(PostInput(text="too old", accounts=(alice.id,)), When.now())
    error = post.targets[0].error
    assert post.status is PostStatus.FAILED and error is not None
    assert "HTTP 426" in error.message and "retired API version 202401" in error.message
    assert "Update Outpost" in error.message and len(server.posts) == 1


async def test_images_one_and_many_with_alt_text(
    engine: Engine, alice: Account, server: FakeLinkedIn, tmp_path: Path
) -> None:
    one = media_fixtures.image(tmp_path / "one.jpg", 800, 600)
    two = media_fixtures.image(tmp_path / "two.png", 600, 600)
    single = await engine.posts.create(
        PostInput(text="One photo", accounts=(alice.id,), media=(MediaInput(str(one), "A red field"),)),
        When.now(),
    )
    assert single.status is PostStatus.PUBLISHED, single.targets[0].error
    assert server.posts[0].content == {
        "media": {"id": server.posts[0].content["media"]["id"], "altText": "A red field"}
    }  # type: ignore[index]
    multi = await engine.posts.create(
        PostInput(
            text="Two photos",
            accounts=(alice.id,),
            media=(MediaInput(str(one), "first"), MediaInput(str(two), "second")),
        ),
        When.now(),
    )
    assert multi.status is PostStatus.PUBLISHED, multi.targets[0].error
    images = server.posts[1].content["multiImage"]["images"]  # type: ignore[index]
    assert [i["altText"] for i in images] == ["first", "second"]
    assert all(server.assets[i["id"]].uploaded for i in images)


async def test_a_video_goes_up_in_the_parts_linkedin_asks_for_and_waits_until_available(
    engine: Engine, alice: Account, server: FakeLinkedIn, tmp_path: Path
) -> None:
    clip = media_fixtures.video(tmp_path / "clip.mp4", 640, 360, seconds=3.5)
    post = await engine.posts.create(
        PostInput(text="A clip", accounts=(alice.id,), media=(MediaInput(str(clip)),)), When.now()
    )
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    video = server.assets[server.posts[0].content["media"]["id"]]  # type: ignore[index]
    assert video.kind == "video" and len(video.parts) >= 2 and video.status == "AVAILABLE"
    server.processing_fails = True
    failed = await engine.posts.create(
        PostInput(text="Broken clip", accounts=(alice.id,), media=(MediaInput(str(clip)),)), When.now()
    )
    error = failed.targets[0].error
    assert error is not None and error.code is ErrorCode.MEDIA_REJECTED and "codec" in error.message


async def test_a_pdf_becomes_a_document_post_with_its_title(
    engine: Engine, alice: Account, server: FakeLinkedIn, tmp_path: Path
) -> None:
    pdf = tmp_path / "slides.pdf"
    from PIL import Image

    Image.new("RGB", (200, 280), (20, 40, 200)).save(pdf, format="PDF")
    post = await engine.posts.create(
        PostInput(
            text="Our slides",
            accounts=(alice.id,),
            media=(MediaInput(str(pdf)),),
            options=(("linkedin", "document_title", "Q4 review"),),
        ),
        When.now(),
    )
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    media = server.posts[0].content["media"]  # type: ignore[index]
    assert media["title"] == "Q4 review" and media["id"].startswith("urn:li:document:")


async def test_an_organization_page_is_its_own_account_and_posts_publicly(
    engine: Engine, page: Account, server: FakeLinkedIn
) -> None:
    assert (page.handle, page.display_name, page.target_id) == ("devtestco", "Devtestco", ORG)
    authorize = next(r for r in server.requests if r.url.path == "/oauth/v2/authorization")
    assert set(ORG_SCOPES) <= set(authorize.url.params["scope"].split())
    with pytest.raises(ValidationError, match="organization page, whose posts are public"):
        await engine.posts.create(
            PostInput(
                text="members only?",
                accounts=(page.id,),
                options=(("linkedin", "visibility", "CONNECTIONS"),),
            )
        )
    post = await engine.posts.create(PostInput(text="From the page", accounts=(page.id,)), When.now())
    assert post.status is PostStatus.PUBLISHED and server.posts[0].author == ORG


async def test_a_page_the_member_does_not_administer_is_refused_with_the_pages_they_do(
    engine: Engine, server: FakeLinkedIn
) -> None:
    access, _ = server.oauth.issue("alice", MEMBER_SCOPES + ORG_SCOPES, CLIENT_ID)
    with pytest.raises(ValidationError) as caught:
        await engine.accounts.add(
            Network.LINKEDIN, AddAccountRequest(access_token=access, target_id="urn:li:organization:999")
        )
    message = caught.value.problems[0].message
    assert "not an approved administrator of urn:li:organization:999" in message and ORG in message


async def test_without_a_refresh_token_a_401_breaks_the_account_and_says_reconnect(
    engine: Engine, alice: Account, server: FakeLinkedIn
) -> None:
    server.oauth.expire_access_tokens()
    post = await engine.posts.create(PostInput(text="after 60 days", accounts=(alice.id,)), When.now())
    error = post.targets[0].error
    assert error is not None and error.code is ErrorCode.AUTH_EXPIRED and "Reconnect" in error.message
    assert (await engine.accounts.get(alice.id)).health.state is HealthState.BROKEN
    assert server.posts == []


async def test_with_a_refresh_token_the_sign_in_is_renewed_and_kept(
    engine: Engine, server: FakeLinkedIn, loopback: LoopbackServer, secrets: MemorySecretStore
) -> None:
    server.oauth.issue_refresh_tokens, server.oauth.rotate_refresh_tokens = True, False
    server.oauth.refresh_lifetime_s = 365 * 86400
    account = await engine.accounts.connect(Network.LINKEDIN, open_url=browser(loopback))  # type: ignore[arg-type]
    old = dict(secrets.secrets[account.secret_ref])
    server.oauth.expire_access_tokens()
    post = await engine.posts.create(PostInput(text="renewed", accounts=(account.id,)), When.now())
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    new = secrets.secrets[account.secret_ref]
    assert new["access_token"] != old["access_token"] and new["refresh_token"] == old["refresh_token"]
    assert new["refresh_expires_at"] == old["refresh_expires_at"]  # LinkedIn's refresh TTL does not reset


async def test_server_errors_on_create_end_in_review_and_duplicates_are_named(
    engine: Engine, alice: Account, server: FakeLinkedIn
) -> None:
    server.store_then_fail.append(500)
    unsure = await engine.posts.create(PostInput(text="did it land?", accounts=(alice.id,)), When.now())
    assert unsure.status is PostStatus.NEEDS_REVIEW and unsure.targets[0].status is TargetStatus.UNKNOWN
    assert len(server.creates()) == 1
    again = await engine.posts.create(PostInput(text="did it land?", accounts=(alice.id,)), When.now())
    error = again.targets[0].error
    assert (
        error is not None
        and error.code is ErrorCode.DUPLICATE
        and "duplicate of urn:li:share:" in error.message
    )


async def test_removing_the_account_revokes_the_token(
    engine: Engine, alice: Account, server: FakeLinkedIn, secrets: MemorySecretStore
) -> None:
    token = secrets.secrets[alice.secret_ref]["access_token"]
    removal = await engine.accounts.remove(alice.id)
    assert "revoked at LinkedIn" in removal.network_access and server.oauth.revoked == [token]


async def test_a_throttled_post_is_retried_with_backoff_and_goes_out_once(
    engine: Engine, alice: Account, server: FakeLinkedIn, clock: FakeClock
) -> None:
    server.fail(
        "POST /rest/posts",
        lambda: httpx.Response(429, json={"status": 429, "message": "Resource level throttle limit reached"}),
    )
    post = await engine.posts.create(PostInput(text="after a pause", accounts=(alice.id,)), When.now())
    assert post.status is PostStatus.PUBLISHED and post.targets[0].attempts == 2
    assert len(server.posts) == 1 and len(clock.sleeps) == 1  # one backoff wait (no reset header)


async def test_an_app_with_pkce_enabled_signs_in_with_a_verifier(
    engine: Engine, server: FakeLinkedIn, loopback: LoopbackServer
) -> None:
    app = server.oauth.apps[CLIENT_ID]
    app.requires_pkce = True
    port = int(app.redirect_uris[0].rsplit(":", 1)[1].split("/")[0])
    await engine.accounts.set_app(Network.LINKEDIN, CLIENT_ID, CLIENT_SECRET, redirect_port=port, pkce=True)
    account = await engine.accounts.connect(Network.LINKEDIN, open_url=browser(loopback))  # type: ignore[arg-type]
    assert account.handle == "alice-example"
    authorize = next(r for r in server.requests if r.url.path == "/oauth/v2/authorization")
    assert authorize.url.params["code_challenge_method"] == "S256"
    token = next(r for r in server.requests if r.url.path == "/oauth/v2/accessToken")
    assert b"code_verifier=" in token.content and b"client_secret=" in token.content  # both, like linkedctl


async def test_a_sign_in_ending_within_a_week_asks_for_a_reconnect_in_time(
    engine: Engine, alice: Account, clock: FakeClock
) -> None:
    """Without refresh tokens LinkedIn's sign-in simply ends (60 days): a week ahead, the card says when.

    The weeks pass on the engine's clock (which LinkedIn's fake shares), not by waiting.
    """
    ends = clock.now() + timedelta(days=60)
    clock.advance(timedelta(days=53) - timedelta(minutes=1))  # a week and a minute left
    [checked] = await engine.accounts.check(alice.id)
    assert checked.health.state is HealthState.OK and checked.health.message is None
    clock.advance(timedelta(minutes=2))  # a minute under a week left
    [checked] = await engine.accounts.check(alice.id)
    health = checked.health
    assert health.state is HealthState.DEGRADED
    assert health.token_has_scopes and health.token_is_valid  # nothing is missing: time is running out
    assert health.message == f"The LinkedIn sign-in ends on {ends:%Y-%m-%d}; reconnect before then."
    assert health.sign_in_ends_at == ends and health.checked_at == clock.now()


async def test_the_sign_in_works_to_its_last_minute_then_says_reconnect(
    engine: Engine, alice: Account, clock: FakeClock, server: FakeLinkedIn
) -> None:
    """No refresh token, so no early renewal: the token is used until it ends, then the account breaks."""
    clock.advance(timedelta(days=60) - timedelta(minutes=1))
    post = await engine.posts.create(PostInput(text="on the last day", accounts=(alice.id,)), When.now())
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    clock.advance(timedelta(minutes=2))
    [checked] = await engine.accounts.check(alice.id)
    assert checked.health.state is HealthState.BROKEN
    assert checked.health.message is not None and "Reconnect the account" in checked.health.message
    assert [p.shown for p in server.posts] == ["on the last day"]


async def test_a_fresh_sign_in_is_healthy_and_says_when_it_ends(alice: Account, clock: FakeClock) -> None:
    assert alice.health.state is HealthState.OK and alice.health.message is None
    assert alice.health.sign_in_ends_at == clock.now() + timedelta(days=60)


async def test_a_members_picture_comes_from_userinfo(engine: Engine, server: FakeLinkedIn) -> None:
    picture = "https://media.licdn.example/dms/image/alice/profile-displayphoto"
    server.members["alice"]["picture"] = picture
    access, _ = server.oauth.issue("alice", MEMBER_SCOPES, CLIENT_ID)
    alice = await engine.accounts.add(Network.LINKEDIN, AddAccountRequest(access_token=access))
    assert alice.avatar_url == picture


async def test_a_page_is_picked_from_what_the_sign_in_reaches_and_becomes_its_own_account(
    engine: Engine, server: FakeLinkedIn
) -> None:
    """Issue #24: the person picks the page from `accounts targets` instead of typing its URN."""
    access, _ = server.oauth.issue("alice", MEMBER_SCOPES + ORG_SCOPES, CLIENT_ID)
    member = await engine.accounts.add(Network.LINKEDIN, AddAccountRequest(access_token=access))
    targets = {t.id: t for t in await engine.accounts.targets(member.id)}
    assert ORG in targets

    with pytest.raises(ValidationError, match=r"cannot publish to 'urn:li:organization:999'.*Devtestco"):
        await engine.accounts.add_target(member.id, "urn:li:organization:999")
    page = await engine.accounts.add_target(member.id, ORG)

    assert (page.target_id, page.handle) == (ORG, "devtestco") and page.id != member.id
    assert {a.id for a in await engine.accounts.list()} == {member.id, page.id}
    post = await engine.posts.create(PostInput(text="From the picked page", accounts=(page.id,)), When.now())
    assert post.status is PostStatus.PUBLISHED and server.posts[-1].author == ORG
