"""The X adapter through the engine, against a strict fake X (API + OAuth) served over loopback."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from outpost.adapters.base import AddAccountRequest
from outpost.adapters.registry import AdapterRegistry
from outpost.adapters.x import REFRESH_MARGIN, XAdapter
from outpost.auth.oauth import AuthorizationError
from outpost.domain.compatibility import Compatibility, check
from outpost.domain.enums import ErrorCode, HealthState, Network, PostStatus, TargetStatus
from outpost.domain.errors import SecretStoreError, ValidationError
from outpost.domain.media_rules import RULES
from outpost.domain.models import Account
from outpost.engine import Engine, MediaInput, PostInput, When
from outpost.engine.events import Event, MediaPrepareDidProgress
from tests import media_fixtures
from tests.contract.fake_x import CLIENT_ID, SCOPES, FakeX, _playable_on_x
from tests.fakes import FakeClock, MemorySecretStore
from tests.support.loopback import LoopbackServer

pytestmark = pytest.mark.asyncio


@pytest.fixture
def server() -> FakeX:
    return FakeX()


@pytest.fixture
def port() -> int:
    """A free port for the loopback redirect, registered with the fake X app."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def loopback(server: FakeX) -> object:
    with LoopbackServer(server.handle) as running:
        yield running
    assert running.errors == [], running.errors


@pytest_asyncio.fixture
async def engine(
    tmp_path: Path, loopback: LoopbackServer, clock: FakeClock, secrets: MemorySecretStore, server: FakeX
) -> AsyncIterator[Engine]:
    registry = AdapterRegistry({Network.X: functools.partial(XAdapter, poll_scale=0.001, reply_retry_s=0.01)})
    server.now = server.oauth.now = lambda: clock.now().timestamp()  # X and Outpost share one time
    eng = Engine.open(
        tmp_path / "data", registry=registry, secrets=secrets, clock=clock, transport=loopback.transport()
    )
    yield eng
    await eng.close()


def browser(loopback: LoopbackServer, *, tamper_state: bool = False) -> object:
    """A person's browser: opens the consent page (served by the fake) and follows its redirect."""

    async def open_url(url: str) -> None:
        async def visit() -> None:
            async with httpx.AsyncClient(transport=loopback.transport()) as web:
                consent = await web.get(url)
                location = consent.headers.get("location")
                if consent.status_code != 302 or location is None:
                    return  # an error page: the person sees it, the sign-in never comes back
                if tamper_state:
                    location = location.replace("state=", "state=forged")
            async with httpx.AsyncClient() as local:
                await local.get(location)

        asyncio.get_running_loop().create_task(visit())

    return open_url


@pytest_asyncio.fixture
async def alice(engine: Engine, server: FakeX, loopback: LoopbackServer, port: int) -> Account:
    server.register_app(CLIENT_ID, port)
    await engine.accounts.set_app(Network.X, CLIENT_ID, redirect_port=port)
    return await engine.accounts.connect(Network.X, open_url=browser(loopback))  # type: ignore[arg-type]


def stored(secrets: MemorySecretStore, account: Account) -> dict[str, str]:
    return secrets.secrets[account.secret_ref]


async def test_browser_sign_in_with_pkce_keeps_rotating_tokens_in_the_keyring(
    engine: Engine, alice: Account, server: FakeX, secrets: MemorySecretStore, port: int
) -> None:
    assert (alice.handle, alice.display_name, alice.target_id) == ("alice_x", "Alice X", "1001")
    creds = stored(secrets, alice)
    assert set(creds) >= {"access_token", "refresh_token", "expires_at", "scope", "client_id"}
    assert set(creds["scope"].split()) == set(SCOPES)
    authorize = next(r for r in server.requests if r.url.path == "/i/oauth2/authorize")
    query = dict(authorize.url.params)
    assert query["redirect_uri"] == f"http://127.0.0.1:{port}/callback"
    assert query["code_challenge_method"] == "S256" and "offline.access" in query["scope"].split()
    assert alice.health.state is HealthState.OK


async def test_connecting_without_a_developer_app_says_exactly_what_to_register(engine: Engine) -> None:
    with pytest.raises(ValidationError) as caught:
        await engine.accounts.connect(Network.X, open_url=lambda url: asyncio.sleep(0))
    message = caught.value.problems[0].message
    assert "http://127.0.0.1:8765/callback" in message and "Native App" in message
    assert "pays per post" in message and "Settings → Developer apps" in message


async def test_a_forged_state_and_a_denied_consent_are_refused(
    engine: Engine, server: FakeX, loopback: LoopbackServer, port: int
) -> None:
    server.register_app(CLIENT_ID, port)
    await engine.accounts.set_app(Network.X, CLIENT_ID, redirect_port=port)
    with pytest.raises(AuthorizationError, match="state mismatch"):
        await engine.accounts.connect(Network.X, open_url=browser(loopback, tamper_state=True))  # type: ignore[arg-type]
    server.oauth.deny_next = True
    with pytest.raises(AuthorizationError, match="access_denied"):
        await engine.accounts.connect(Network.X, open_url=browser(loopback))  # type: ignore[arg-type]
    assert await engine.accounts.list() == []


async def test_length_is_weighted_as_x_counts_it_and_checked_before_sending(
    engine: Engine, alice: Account, server: FakeX
) -> None:
    url = "https://example.com/" + "a" * 200  # counts 23, not 220
    ok = await engine.posts.create(PostInput(text="x" * 256 + " " + url, accounts=(alice.id,)), When.now())
    assert ok.status is PostStatus.PUBLISHED
    with pytest.raises(ValidationError) as caught:
        await engine.posts.create(PostInput(text="漢" * 141, accounts=(alice.id,)))
    problem = caught.value.problems[0]
    assert (problem.limit, problem.actual) == (280, 282) and "weighted" in problem.message
    assert len(server.creates()) == 1


async def test_images_upload_in_chunks_with_alt_text_set_before_the_post(
    engine: Engine, alice: Account, server: FakeX, tmp_path: Path
) -> None:
    big = media_fixtures.image(tmp_path / "big.png", 1100, 1100, noise=True)  # > 1 MiB: 3 segments
    small = media_fixtures.image(tmp_path / "small.jpg", 64, 48)
    post = await engine.posts.create(
        PostInput(
            text="Two photos",
            accounts=(alice.id,),
            media=(MediaInput(str(big), "Static on a screen"), MediaInput(str(small), "A red square")),
            options=(("x", "reply_settings", "following"),),
        ),
        When.now(),
    )
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    tweet = server.tweets[0]
    assert [server.uploads[m].alt_text for m in tweet.media_ids] == ["Static on a screen", "A red square"]
    assert len(server.uploads[tweet.media_ids[0]].segments) >= 2
    assert tweet.reply_settings == "following"
    assert post.targets[0].permalink == f"https://x.com/alice_x/status/{tweet.id}"


async def test_the_same_photo_on_a_second_post_is_not_uploaded_again_while_its_media_id_lives(
    engine: Engine, alice: Account, server: FakeX, tmp_path: Path, clock: FakeClock
) -> None:
    """Issue #24: reusing last week's (here: this morning's) photo from the library costs X no upload;
    a day later its media id has expired there, and it is uploaded again."""
    photo = media_fixtures.image(tmp_path / "photo.jpg", 800, 600)

    async def post(text: str, alt: str = "Indigo vats") -> list[str]:
        made = await engine.posts.create(
            PostInput(text=text, accounts=(alice.id,), media=(MediaInput(str(photo), alt),)), When.now()
        )
        assert made.status is PostStatus.PUBLISHED, made.targets[0].error
        return server.tweets[-1].media_ids

    first = await post("Morning")
    clock.advance(timedelta(hours=3))
    second = await post("Afternoon, same photo")
    assert second == first and len(server.uploads) == 1  # one upload, two posts
    other_alt = await post("With other words for it", alt="Three indigo vats")
    assert other_alt != first and server.uploads[other_alt[0]].alt_text == "Three indigo vats"
    clock.advance(timedelta(hours=22))  # 25 h after the first upload: X no longer takes that id
    third = await post("Tomorrow")
    assert third not in (first, other_alt) and len(server.uploads) == 3


async def test_a_video_waits_for_processing_and_a_failed_one_is_rejected(
    engine: Engine, alice: Account, server: FakeX, tmp_path: Path
) -> None:
    clip = media_fixtures.video(tmp_path / "clip.mp4", seconds=1.0)
    post = await engine.posts.create(
        PostInput(text="A clip", accounts=(alice.id,), media=(MediaInput(str(clip)),)), When.now()
    )
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    statuses = [r for r in server.requests if r.url.path == "/2/media/upload" and r.method == "GET"]
    assert len(statuses) == 3  # in_progress, in_progress, succeeded
    server.processing_fails = True
    other = media_fixtures.video(tmp_path / "other.mp4", seconds=2.0)  # the first is reused, not re-uploaded
    failed = await engine.posts.create(
        PostInput(text="Another clip", accounts=(alice.id,), media=(MediaInput(str(other)),)), When.now()
    )
    error = failed.targets[0].error
    assert error is not None and error.code is ErrorCode.MEDIA_REJECTED
    assert "Unsupported video codec" in error.message and len(server.tweets) == 1


async def test_an_mpeg4_video_is_re_encoded_to_h264_before_upload_and_x_processes_it(
    engine: Engine, alice: Account, server: FakeX, tmp_path: Path
) -> None:
    """X takes H.264 only: Outpost sends its fixed copy (the fake decodes what it got) and says how far it is."""
    clip = media_fixtures.video(tmp_path / "old.mp4", 320, 240, seconds=1.0, codec="mpeg4")
    info = await engine.media.inspect(str(clip))
    verdict = check(info, RULES[Network.X])
    assert (verdict.status, verdict.fix) == (Compatibility.FIXABLE, "re-encode to H.264 at 320×240, 25 fps")
    events: list[Event] = []
    engine.events.subscribe(events.append)
    post = await engine.posts.create(
        PostInput(text="An old clip", accounts=(alice.id,), media=(MediaInput(str(clip)),)), When.now()
    )
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    [tweet] = server.tweets
    [upload] = [server.uploads[m] for m in tweet.media_ids]
    assert (upload.media_type, upload.state) == ("video/mp4", "succeeded")
    assert upload.total_bytes != clip.stat().st_size  # not the original bytes
    encoding = [e for e in events if isinstance(e, MediaPrepareDidProgress)]
    assert encoding and (encoding[-1].done, encoding[-1].total) == (25, 25)
    assert encoding[-1].media_id == post.media[0].id
    # The original, as it is, is what X's processing refuses:
    assert not _playable_on_x(replace(upload, chunks={0: clip.read_bytes()}))


async def test_a_thread_is_a_reply_chain_and_survives_a_slow_to_appear_parent(
    engine: Engine, alice: Account, server: FakeX
) -> None:
    server.reply_invisible_once = True
    post = await engine.posts.create(
        PostInput(text="1/3 first", accounts=(alice.id,), thread=("2/3 second", "3/3 third")), When.now()
    )
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    first, second, third = server.tweets
    assert (first.reply_to, second.reply_to, third.reply_to) == (None, first.id, second.id)
    assert post.targets[0].platform_post_id == first.id
    assert post.targets[0].thread_post_ids == [second.id, third.id]


async def test_an_expired_token_is_refreshed_once_for_concurrent_posts_and_the_new_one_kept_first(
    engine: Engine, alice: Account, server: FakeX, secrets: MemorySecretStore
) -> None:
    old_refresh = stored(secrets, alice)["refresh_token"]
    server.oauth.expire_access_tokens()  # X refuses them now; the keyring still says "valid"
    posts = [await engine.posts.create(PostInput(text=f"post {i}", accounts=(alice.id,))) for i in range(4)]
    published = await asyncio.gather(*(engine.posts.publish(p.id) for p in posts))
    assert all(p.status is PostStatus.PUBLISHED for p in published), [p.targets[0].error for p in published]
    assert server.oauth.refreshes == 1
    new_refresh = stored(secrets, alice)["refresh_token"]
    assert new_refresh != old_refresh and server.oauth.refresh[old_refresh].revoked
    assert not server.oauth.refresh[new_refresh].revoked


async def test_a_dead_refresh_token_fails_the_post_and_breaks_the_account_with_xs_reason(
    engine: Engine, alice: Account, server: FakeX, secrets: MemorySecretStore
) -> None:
    server.oauth.expire_access_tokens()
    server.oauth.refresh[stored(secrets, alice)["refresh_token"]].revoked = True
    post = await engine.posts.create(PostInput(text="hello", accounts=(alice.id,)), When.now())
    error = post.targets[0].error
    assert post.status is PostStatus.FAILED and error is not None and error.code is ErrorCode.AUTH_EXPIRED
    assert "Value passed for the token was invalid" in error.message and "Reconnect" in error.message
    assert (await engine.accounts.get(alice.id)).health.state is HealthState.BROKEN
    assert server.tweets == [] and len(server.creates()) == 1  # refused with 401, not re-sent


async def test_rate_limit_waits_until_x_rate_limit_reset_then_publishes(
    engine: Engine, alice: Account, server: FakeX, clock: FakeClock
) -> None:
    server.used[("POST /2/tweets", "alice")] = 100  # the 15-minute window is used up
    server.reset_epoch = int(clock.now().timestamp()) + 45  # X sees the time the engine waits
    post = await engine.posts.create(PostInput(text="patience", accounts=(alice.id,)), When.now())
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    assert clock.sleeps == [45.0]  # to the second of X's reset, by the engine's clock
    assert len(server.creates()) == 2 and len(server.tweets) == 1


async def test_duplicate_content_fails_with_its_own_code_and_is_never_retried(
    engine: Engine, alice: Account, server: FakeX
) -> None:
    await engine.posts.create(PostInput(text="same words", accounts=(alice.id,)), When.now())
    again = await engine.posts.create(PostInput(text="same words", accounts=(alice.id,)), When.now())
    error = again.targets[0].error
    assert again.status is PostStatus.FAILED and error is not None and error.code is ErrorCode.DUPLICATE
    assert "change the text" in error.message and len(server.creates()) == 2


async def test_a_server_error_on_create_is_never_resent_but_before_create_it_is_retried(
    engine: Engine, alice: Account, server: FakeX, tmp_path: Path
) -> None:
    server.store_then_fail.append(503)
    post = await engine.posts.create(PostInput(text="did it go out?", accounts=(alice.id,)), When.now())
    assert post.status is PostStatus.NEEDS_REVIEW and post.targets[0].status is TargetStatus.UNKNOWN
    assert len(server.creates()) == 1 and len(server.tweets) == 1

    server.fail("POST /2/media/upload/initialize", lambda: httpx.Response(503, json={"title": "Unavailable"}))
    photo = media_fixtures.image(tmp_path / "p.jpg", 32, 32)
    second = await engine.posts.create(
        PostInput(text="with a photo", accounts=(alice.id,), media=(MediaInput(str(photo), "dot"),)),
        When.now(),
    )
    assert second.status is PostStatus.PUBLISHED and second.targets[0].attempts == 2


async def test_a_lost_answer_to_create_ends_in_review_with_one_post_on_x(
    engine: Engine, alice: Account, server: FakeX
) -> None:
    server.store_then_fail.append(0)
    post = await engine.posts.create(PostInput(text="lost answer", accounts=(alice.id,)), When.now())
    assert post.status is PostStatus.NEEDS_REVIEW
    error = post.targets[0].error
    assert (
        error is not None and error.code is ErrorCode.UNKNOWN_OUTCOME and "Check the account" in error.message
    )
    assert len(server.tweets) == 1 and len(server.creates()) == 1


async def test_usage_cap_is_not_retried_and_says_what_it_means(
    engine: Engine, alice: Account, server: FakeX
) -> None:
    server.fail(
        "POST /2/tweets",
        lambda: httpx.Response(
            429,
            json={
                "title": "UsageCapExceeded",
                "detail": "Usage cap exceeded: Monthly product cap",
                "type": "https://api.x.com/2/problems/usage-capped",
            },
        ),
    )
    post = await engine.posts.create(PostInput(text="over budget", accounts=(alice.id,)), When.now())
    error = post.targets[0].error
    assert post.status is PostStatus.FAILED and error is not None and "usage cap" in error.message
    assert len(server.creates()) == 1


async def test_health_check_refreshes_instead_of_a_billed_users_me_call(
    engine: Engine, alice: Account, server: FakeX
) -> None:
    before = len([r for r in server.requests if r.url.path == "/2/users/me"])
    [checked] = await engine.accounts.check(alice.id)
    assert checked.health.state is HealthState.OK and server.oauth.refreshes == 1
    assert len([r for r in server.requests if r.url.path == "/2/users/me"]) == before


async def test_removing_the_account_revokes_its_tokens_at_x(
    engine: Engine, alice: Account, server: FakeX, secrets: MemorySecretStore
) -> None:
    creds = stored(secrets, alice)
    removal = await engine.accounts.remove(alice.id)
    assert "revoked at X" in removal.network_access
    assert set(server.oauth.revoked) == {creds["access_token"], creds["refresh_token"]}
    assert alice.secret_ref not in secrets.secrets


async def test_adding_tokens_by_hand_needs_the_app_for_a_refresh_token(engine: Engine, server: FakeX) -> None:
    access, refresh = server.oauth.issue("alice", SCOPES, CLIENT_ID)
    with pytest.raises(ValidationError, match="--refresh-token: Outpost needs your X app's client id"):
        await engine.accounts.add(Network.X, AddAccountRequest(access_token=access, refresh_token=refresh))
    await engine.accounts.set_app(Network.X, CLIENT_ID)
    account = await engine.accounts.add(
        Network.X, AddAccountRequest(access_token=access, refresh_token=refresh)
    )
    assert account.handle == "alice_x"
    with pytest.raises(ValidationError, match="X refused the credentials: X answered HTTP 401"):
        await engine.accounts.add(Network.X, AddAccountRequest(access_token="nonsense"))


async def test_an_unknown_outcome_is_settled_by_looking_at_the_accounts_posts(
    engine: Engine, alice: Account, server: FakeX
) -> None:
    text = "Tips & tricks: https://example.com/long/path <3"
    server.store_then_fail.append(0)  # X stored it; the answer was lost
    lost = await engine.posts.create(PostInput(text=text, accounts=(alice.id,)), When.now())
    assert lost.status is PostStatus.NEEDS_REVIEW
    settled = await engine.posts.look_for_unknown(lost.id)
    target = settled.targets[0]
    assert settled.status is PostStatus.PUBLISHED and target.platform_post_id == server.tweets[0].id
    assert len(server.tweets) == 1  # found, not sent again

    server.fail("POST /2/tweets", lambda: httpx.Response(503, json={"title": "Service Unavailable"}))
    never = await engine.posts.create(PostInput(text="never arrived", accounts=(alice.id,)), When.now())
    looked = await engine.posts.look_for_unknown(never.id)
    error = looked.targets[0].error
    assert looked.status is PostStatus.NEEDS_REVIEW and error is not None
    assert "did not find the post" in error.message and "retry it for this account" in error.message
    retried = await engine.posts.retry(never.id, alice.id)
    assert retried.status is PostStatus.PUBLISHED and len(server.tweets) == 2


async def test_a_thread_found_half_way_continues_after_the_part_that_is_there(
    engine: Engine, alice: Account, server: FakeX
) -> None:
    post = await engine.posts.create(PostInput(text="1/3 a", accounts=(alice.id,), thread=("2/3 b", "3/3 c")))
    server.store_then_fail.append(0)
    first = await engine.posts.publish(post.id)  # part 1 lost its answer
    assert first.status is PostStatus.NEEDS_REVIEW and len(server.tweets) == 1
    looked = await engine.posts.look_for_unknown(post.id)
    assert (
        looked.targets[0].status is TargetStatus.FAILED
        and "remaining parts" in looked.targets[0].error.message
    )  # type: ignore[union-attr]
    done = await engine.posts.retry(post.id)
    assert done.status is PostStatus.PUBLISHED
    assert [t.text for t in server.tweets] == ["1/3 a", "2/3 b", "3/3 c"]
    assert server.tweets[1].reply_to == server.tweets[0].id


async def test_a_premium_long_post_is_allowed_only_when_asked_for(
    engine: Engine, alice: Account, server: FakeX
) -> None:
    long_text = "word " * 200  # 1000 characters
    with pytest.raises(ValidationError, match="280"):
        await engine.posts.create(PostInput(text=long_text, accounts=(alice.id,)))
    server.premium_users.add("alice")
    post = await engine.posts.create(
        PostInput(text=long_text, accounts=(alice.id,), options=(("x", "long_post", "true"),)), When.now()
    )
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    assert server.tweets[0].text == long_text


async def test_a_rate_limit_pauses_the_whole_account_not_just_one_post(
    engine: Engine, alice: Account, server: FakeX, clock: FakeClock
) -> None:
    server.used[("POST /2/tweets", "alice")] = 100
    server.reset_epoch = int(clock.now().timestamp()) + 3600  # an hour: past the 30 minutes Outpost waits
    first = await engine.posts.create(PostInput(text="first", accounts=(alice.id,)), When.now())
    error = first.targets[0].error
    assert first.status is PostStatus.FAILED and error is not None and error.code is ErrorCode.RATE_LIMITED
    assert error.retry_at is not None
    limited = await engine.accounts.get(alice.id)
    assert limited.health.rate_limited and limited.health.state is HealthState.DEGRADED
    second = await engine.posts.create(PostInput(text="second", accounts=(alice.id,)), When.now())
    assert second.status is PostStatus.FAILED and "nothing was sent" in second.targets[0].error.message  # type: ignore[union-attr]
    assert len(server.creates()) == 1  # one 429, then Outpost stayed quiet: no retry storm

    clock.advance(timedelta(minutes=61))  # the pause is over (for X too: it shares the clock)
    third = await engine.posts.create(PostInput(text="third", accounts=(alice.id,)), When.now())
    assert third.status is PostStatus.PUBLISHED
    assert not (await engine.accounts.get(alice.id)).health.rate_limited


async def test_a_token_about_to_expire_is_refreshed_before_any_request_fails(
    engine: Engine, alice: Account, server: FakeX, secrets: MemorySecretStore, clock: FakeClock
) -> None:
    """X's tokens live 2 hours; in their last 10 minutes (by the engine's clock) Outpost renews first."""
    old = stored(secrets, alice)["access_token"]
    clock.advance(timedelta(hours=2) - REFRESH_MARGIN - timedelta(minutes=1))  # 11 minutes left
    early = await engine.posts.create(PostInput(text="still fresh", accounts=(alice.id,)), When.now())
    assert early.status is PostStatus.PUBLISHED and server.oauth.refreshes == 0
    clock.advance(timedelta(minutes=2))  # 9 minutes left: inside the margin
    post = await engine.posts.create(PostInput(text="fresh token", accounts=(alice.id,)), When.now())
    assert post.status is PostStatus.PUBLISHED and server.oauth.refreshes == 1
    with_old = [
        r.content
        for r in server.requests
        if r.url.path == "/2/tweets" and r.headers.get("authorization") == f"Bearer {old}"
    ]
    assert len(with_old) == 1 and b"still fresh" in with_old[0]  # refreshed first, not after a 401


async def test_if_the_keyring_cannot_keep_the_rotated_token_it_is_not_used(
    engine: Engine, alice: Account, server: FakeX, secrets: MemorySecretStore
) -> None:
    server.oauth.expire_access_tokens()
    original = secrets.set

    def refuse(ref: str, secret: dict[str, str]) -> None:
        raise SecretStoreError("The keyring refused to store a secret: locked.")

    secrets.set = refuse  # type: ignore[method-assign]
    try:
        post = await engine.posts.create(PostInput(text="needs a refresh", accounts=(alice.id,)), When.now())
    finally:
        secrets.set = original  # type: ignore[method-assign]
    error = post.targets[0].error
    assert post.status is PostStatus.FAILED and error is not None and "keyring" in error.message
    new_tokens = [t for t in server.oauth.access if t not in (stored(secrets, alice)["access_token"],)]
    used = {r.headers.get("authorization", "").removeprefix("Bearer ") for r in server.requests}
    assert server.oauth.refreshes == 1 and not (set(new_tokens) & used)  # never used unsaved
    assert server.tweets == []


async def test_a_refresh_raced_by_another_outpost_process_uses_that_process_tokens(
    engine: Engine, alice: Account, server: FakeX, secrets: MemorySecretStore, loopback: LoopbackServer
) -> None:
    """The window and `outpost run` share the keyring: if the other one rotates the refresh
    token first, ours is refused — and the account must not be marked broken for it."""
    server.oauth.expire_access_tokens()
    raced: list[bool] = []

    def other_process_refreshes_first(phase: str, request: httpx.Request) -> bool:
        if phase == "received" and request.url.path == "/2/oauth2/token" and not raced:
            raced.append(True)
            creds = stored(secrets, alice)
            form = {
                "grant_type": "refresh_token",
                "refresh_token": creds["refresh_token"],
                "client_id": CLIENT_ID,
            }
            answer = server.handle(
                httpx.Request("POST", "https://api.x.com/2/oauth2/token", data=form)
            ).json()
            secrets.set(
                alice.secret_ref,
                creds | {"access_token": answer["access_token"], "refresh_token": answer["refresh_token"]},
            )
        return True

    loopback.on_phase = other_process_refreshes_first
    post = await engine.posts.create(PostInput(text="after the race", accounts=(alice.id,)), When.now())
    assert raced and post.status is PostStatus.PUBLISHED, post.targets[0].error
    assert server.oauth.refreshes == 1  # only the other process's refresh succeeded
    assert (await engine.accounts.get(alice.id)).health.state is HealthState.OK


async def test_the_accounts_picture_is_asked_for_by_name(engine: Engine, server: FakeX) -> None:
    picture = "https://pbs.twimg.example/profile_images/1/alice_normal.jpg"
    server.user_fields["alice"] = {"profile_image_url": picture}
    access, _ = server.oauth.issue("alice", SCOPES, CLIENT_ID)
    alice = await engine.accounts.add(Network.X, AddAccountRequest(access_token=access))
    assert alice.avatar_url == picture
    me = next(r for r in server.requests if r.url.path == "/2/users/me")
    assert me.url.params["user.fields"] == "profile_image_url"  # X sends it only when asked
