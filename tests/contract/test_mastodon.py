"""The Mastodon adapter through the engine, against a strict fake Mastodon served over loopback."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from outpost.adapters.base import AddAccountRequest
from outpost.adapters.mastodon import MastodonAdapter, count_length
from outpost.adapters.registry import AdapterRegistry
from outpost.auth.oauth import AuthorizationError
from outpost.domain.enums import ErrorCode, HealthState, Network, PostStatus, TargetStatus
from outpost.domain.errors import InvalidStateError, ValidationError
from outpost.domain.models import Account
from outpost.engine import Engine, MediaInput, PostChanges, PostInput, When
from tests.conftest import until
from tests.contract.fake_mastodon import BASE, FakeMastodon
from tests.fakes import FakeClock, MemorySecretStore
from tests.media_fixtures import png_bytes
from tests.support.loopback import served

pytestmark = pytest.mark.asyncio


@pytest.fixture
def server() -> FakeMastodon:
    return FakeMastodon()


@pytest_asyncio.fixture
async def engine(
    tmp_path: Path,
    server: FakeMastodon,
    clock: FakeClock,
    secrets: MemorySecretStore,
    request: pytest.FixtureRequest,
) -> AsyncIterator[Engine]:
    registry = AdapterRegistry({Network.MASTODON: functools.partial(MastodonAdapter, media_poll_s=0.001)})
    server.now = clock.now  # Mastodon and Outpost share one time, as for real
    in_process = request.node.get_closest_marker("in_process") is not None
    with served(server.handle, in_process=in_process) as transport:
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


@pytest.fixture
def image(tmp_path: Path) -> Path:
    path = tmp_path / "photo.png"
    path.write_bytes(png_bytes(6, 4))
    return path


async def test_length_is_counted_as_mastodon_counts_it() -> None:
    # The example of ../shared/platforms §3.4: 3 + 4 + 1 + 23.
    assert count_length("Hi @bob@example.social https://example.com/a/very/long/path") == 31
    assert count_length("👍🏽 café") == 6


async def test_adding_an_account_verifies_the_token_and_names_it_user_at_instance(
    engine: Engine, alice: Account
) -> None:
    assert (alice.handle, alice.display_name, alice.service_url) == ("alice@masto.example", "Alice A.", BASE)
    with pytest.raises(
        ValidationError, match=r"Mastodon refused the credentials: .*The access token is invalid"
    ):
        await engine.accounts.add(Network.MASTODON, AddAccountRequest(service_url=BASE, access_token="wrong"))
    with pytest.raises(ValidationError, match="--instance"):
        await engine.accounts.add(Network.MASTODON, AddAccountRequest(access_token="token-alice"))


async def test_limits_come_from_the_instance(engine: Engine, alice: Account, server: FakeMastodon) -> None:
    server.max_characters = 1000
    ok = await engine.posts.create(PostInput(text="a" * 1000, accounts=(alice.id,)))
    assert ok.status is PostStatus.DRAFT
    with pytest.raises(ValidationError) as caught:
        await engine.posts.create(PostInput(text="a" * 1001, accounts=(alice.id,)))
    assert (caught.value.problems[0].limit, caught.value.problems[0].actual) == (1000, 1001)
    assert not any(r.method == "POST" and r.url.path == "/api/v1/statuses" for r in server.requests)


async def test_the_servers_limits_are_kept_an_hour_so_the_next_command_asks_nothing(
    engine: Engine,
    alice: Account,
    server: FakeMastodon,
    clock: FakeClock,
    secrets: MemorySecretStore,
    tmp_path: Path,
) -> None:
    """Each `outpost post create` is a new process: the limits it read stay in the store for an hour
    (issue #26: one request fewer per post), and are read again once they are older."""

    def asked() -> int:
        return sum(r.url.path.endswith("/instance") for r in server.requests)

    server.max_characters = 1000
    await engine.posts.create(PostInput(text="a" * 1000, accounts=(alice.id,)))
    assert asked() == 1
    server.max_characters = 2000  # the server changes its limit: seen once the hour is over
    registry = AdapterRegistry({Network.MASTODON: MastodonAdapter})
    with served(server.handle) as transport:
        later = Engine.open(
            tmp_path / "data", registry=registry, secrets=secrets, clock=clock, transport=transport
        )
        try:
            clock.advance(timedelta(minutes=59))
            with pytest.raises(ValidationError) as caught:
                await later.posts.create(PostInput(text="a" * 1500, accounts=(alice.id,)))
            assert (caught.value.problems[0].limit, asked()) == (1000, 1)
            clock.advance(timedelta(minutes=2))
            draft = await later.posts.create(PostInput(text="a" * 1500, accounts=(alice.id,)))
            assert (draft.status, asked()) == (PostStatus.DRAFT, 2)
        finally:
            await later.close()


async def test_content_warning_counts_toward_the_limit(
    engine: Engine, alice: Account, server: FakeMastodon
) -> None:
    with pytest.raises(ValidationError, match="content warning included"):
        await engine.posts.create(
            PostInput(
                text="a" * 495, accounts=(alice.id,), options=(("mastodon", "spoiler_text", "spoilers!"),)
            )
        )


async def test_post_with_image_alt_text_and_options(
    engine: Engine, alice: Account, server: FakeMastodon, image: Path
) -> None:
    post = await engine.posts.create(
        PostInput(
            text="Look https://example.com/a/b #photo",
            accounts=(alice.id,),
            media=(MediaInput(str(image), "Six by four red pixels"),),
            options=(
                ("mastodon", "visibility", "unlisted"),
                ("mastodon", "sensitive", "true"),
                ("mastodon", "language", "en"),
                ("mastodon", "spoiler_text", "eye strain"),
            ),
        ),
        When.now(),
    )
    assert post.status is PostStatus.PUBLISHED
    [status] = server.statuses
    [media] = server.media.values()
    assert media["description"] == "Six by four red pixels"
    assert media["bytes"].startswith(b"\x89PNG")  # a metadata-free copy; the original is untouched
    assert (status.visibility, status.sensitive, status.language, status.spoiler_text) == (
        "unlisted",
        True,
        "en",
        "eye strain",
    )
    assert status.media_ids == [media["id"]]
    assert post.targets[0].permalink == f"{BASE}/@alice/{status.id}"


async def test_media_still_processing_is_polled_until_ready(
    engine: Engine, alice: Account, server: FakeMastodon, image: Path
) -> None:
    server.processing_polls = 3
    post = await engine.posts.create(
        PostInput(text="hi", accounts=(alice.id,), media=(MediaInput(str(image)),)), When.now()
    )
    assert post.status is PostStatus.PUBLISHED
    polls = [r for r in server.requests if r.method == "GET" and r.url.path.startswith("/api/v1/media/")]
    assert len(polls) == 3


async def test_unprocessed_media_422_is_retried_and_posts_once(
    engine: Engine, alice: Account, server: FakeMastodon, image: Path
) -> None:
    server.claims_ready_too_early = True
    post = await engine.posts.create(
        PostInput(text="hi", accounts=(alice.id,), media=(MediaInput(str(image)),)), When.now()
    )
    assert post.status is PostStatus.PUBLISHED and len(server.statuses) == 1
    creates = [r for r in server.requests if r.url.path == "/api/v1/statuses"]
    assert len(creates) == 2 and post.targets[0].attempts == 1


async def test_every_create_carries_the_same_idempotency_key_on_retry(
    engine: Engine, alice: Account, server: FakeMastodon
) -> None:
    server.store_then_fail = [502]  # the status is created, the answer is lost in a 502
    post = await engine.posts.create(PostInput(text="hi", accounts=(alice.id,)), When.now())
    creates = [r for r in server.requests if r.url.path == "/api/v1/statuses"]
    assert post.status is PostStatus.PUBLISHED
    assert len(server.statuses) == 1  # the retry was recognised by its key
    assert (
        len(creates) == 2 and creates[0].headers["idempotency-key"] == creates[1].headers["idempotency-key"]
    )


async def test_thread_is_a_reply_chain_with_replies_unlisted(
    engine: Engine, alice: Account, server: FakeMastodon
) -> None:
    post = await engine.posts.create(
        PostInput(text="1/3", accounts=(alice.id,), thread=("2/3", "3/3")), When.now()
    )
    first, second, third = server.statuses
    assert (first.in_reply_to_id, second.in_reply_to_id, third.in_reply_to_id) == (None, first.id, second.id)
    assert (first.visibility, second.visibility) == ("public", "unlisted")
    assert post.targets[0].thread_post_ids == [second.id, third.id]


async def test_rate_limit_waits_until_the_reset_header(
    engine: Engine, alice: Account, server: FakeMastodon, clock: FakeClock
) -> None:
    # The header is absolute: the wait is measured from the engine's clock (the server shares it).
    reset = (clock.now() + timedelta(seconds=40)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    server.fail(
        "POST /api/v1/statuses",
        lambda: httpx.Response(
            429, json={"error": "Too many requests"}, headers={"X-RateLimit-Reset": reset}
        ),
    )
    post = await engine.posts.create(PostInput(text="hi", accounts=(alice.id,)), When.now())
    assert post.status is PostStatus.PUBLISHED and clock.sleeps == [40.0]


async def test_revoked_token_marks_the_account_broken(
    engine: Engine, alice: Account, server: FakeMastodon
) -> None:
    server.tokens.clear()
    post = await engine.posts.create(PostInput(text="hi", accounts=(alice.id,)), When.now())
    error = post.targets[0].error
    assert error is not None and error.code is ErrorCode.AUTH_EXPIRED and "Reconnect" in error.message
    [account] = await engine.accounts.check()
    assert account.health.state is HealthState.BROKEN


async def test_server_refusal_shows_the_servers_reason(
    engine: Engine, alice: Account, server: FakeMastodon
) -> None:
    server.fail(
        "POST /api/v1/statuses",
        lambda: httpx.Response(422, json={"error": "Validation failed: Text can't be blank"}),
    )
    post = await engine.posts.create(PostInput(text="hi", accounts=(alice.id,)), When.now())
    error = post.targets[0].error
    assert error is not None and "Validation failed: Text can't be blank" in error.message
    assert post.targets[0].attempts == 1


async def test_server_errors_are_retried_with_backoff(
    engine: Engine, alice: Account, server: FakeMastodon, clock: FakeClock
) -> None:
    server.fail(
        "POST /api/v1/statuses",
        lambda: httpx.Response(503, text="busy"),
        lambda: httpx.Response(500, text="oops"),
    )
    post = await engine.posts.create(PostInput(text="hi", accounts=(alice.id,)), When.now())
    assert post.status is PostStatus.PUBLISHED and len(clock.sleeps) == 2 and len(server.statuses) == 1


@pytest.mark.in_process
async def test_unreachable_server_fails_clearly_and_keeps_the_post(
    engine: Engine, alice: Account, server: FakeMastodon
) -> None:
    def down() -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    server.fail("POST /api/v1/statuses", *[down] * 100)
    post = await engine.posts.create(PostInput(text="hi", accounts=(alice.id,)), When.now())
    error = post.targets[0].error
    assert post.status is PostStatus.FAILED and error is not None
    assert error.code is ErrorCode.NETWORK_UNAVAILABLE and "cannot connect to masto.example" in error.message
    assert "will not retry on its own" in error.message
    server.faults.clear()  # the server is back
    assert (await engine.posts.retry(post.id)).status is PostStatus.PUBLISHED


async def test_oauth_sign_in_with_pkce_and_state(
    engine: Engine, server: FakeMastodon, secrets: MemorySecretStore
) -> None:
    async def approve(url: str) -> None:  # the person approves in the browser; the server redirects
        redirect, params = server.authorize(url)
        async with httpx.AsyncClient() as browser:
            await browser.get(redirect, params=params)

    account = await engine.accounts.connect(Network.MASTODON, instance="masto.example", open_url=approve)
    assert account.handle == "alice@masto.example"
    assert secrets.secrets[account.secret_ref] == {
        "access_token": "token-oauth",
        "client_id": "cid",
        "client_secret": "csecret",
    }
    scopes = "profile write:statuses write:media read:notifications"
    assert server.oauth["challenge"] and server.oauth["app"]["scopes"] == scopes


async def test_oauth_state_mismatch_is_refused(engine: Engine, server: FakeMastodon) -> None:
    async def forged(url: str) -> None:
        redirect, params = server.authorize(url)
        async with httpx.AsyncClient() as browser:
            await browser.get(redirect, params={**params, "state": "forged"})

    with pytest.raises(AuthorizationError, match="state mismatch"):
        await engine.accounts.connect(Network.MASTODON, instance=BASE, open_url=forged)
    assert await engine.accounts.list() == []


async def test_oauth_denied_consent_is_reported(engine: Engine, server: FakeMastodon) -> None:
    async def deny(url: str) -> None:
        redirect, params = server.authorize(url)
        async with httpx.AsyncClient() as browser:
            await browser.get(
                redirect,
                params={
                    "error": "access_denied",
                    "error_description": "The user denied access",
                    "state": params["state"],
                },
            )

    with pytest.raises(AuthorizationError, match="The user denied access"):
        await engine.accounts.connect(Network.MASTODON, instance=BASE, open_url=deny)


async def test_older_servers_sign_in_without_pkce(engine: Engine, server: FakeMastodon) -> None:
    server.pkce_supported = False

    async def approve(url: str) -> None:
        redirect, params = server.authorize(url)
        async with httpx.AsyncClient() as browser:
            await browser.get(redirect, params=params)

    account = await engine.accounts.connect(Network.MASTODON, instance=BASE, open_url=approve)
    assert account.handle == "alice@masto.example" and server.oauth["challenge"] is None
    assert server.oauth["app"]["scopes"] == "read:accounts write:statuses write:media read:notifications"


async def test_upload_progress_is_reported_and_the_derived_copy_is_swept_after_publishing(
    engine: Engine, alice: Account, server: FakeMastodon, tmp_path: Path
) -> None:
    from outpost.engine.events import Event, UploadDidProgress
    from tests import media_fixtures

    events: list[Event] = []
    engine.events.subscribe(events.append)
    photo = media_fixtures.image(tmp_path / "big.png", 900, 600, noise=True)
    post = await engine.posts.create(
        PostInput(text="hi", accounts=(alice.id,), media=(MediaInput(str(photo), "noise"),)), When.now()
    )
    progress = [e for e in events if isinstance(e, UploadDidProgress)]
    assert post.status is PostStatus.PUBLISHED and progress
    assert progress[-1].sent == progress[-1].total and all(e.post_id == post.id for e in progress)
    derived = list((engine.data_dir / "cache" / "media" / "derived").glob("*"))
    assert derived == []  # published: nothing needs the derived copy any more


async def _connect_by_browser(engine: Engine, server: FakeMastodon) -> Account:
    async def approve(url: str) -> None:
        redirect, params = server.authorize(url)
        async with httpx.AsyncClient() as browser:
            await browser.get(redirect, params=params)

    return await engine.accounts.connect(Network.MASTODON, instance="masto.example", open_url=approve)


async def test_removing_a_signed_in_account_revokes_its_token_at_the_server(
    engine: Engine, server: FakeMastodon, secrets: MemorySecretStore
) -> None:
    account = await _connect_by_browser(engine, server)
    assert "token-oauth" in server.tokens
    removal = await engine.accounts.remove(account.id)
    assert "token-oauth" not in server.tokens  # the server no longer accepts it
    assert removal.network_access == "Outpost's access was revoked at masto.example."
    assert secrets.secrets == {}


async def test_a_pasted_token_cannot_be_revoked_so_the_person_is_told_where_to_do_it(
    engine: Engine, alice: Account, server: FakeMastodon, secrets: MemorySecretStore
) -> None:
    removal = await engine.accounts.remove(alice.id)
    assert "token-alice" in server.tokens
    assert f"{BASE}/settings/applications" in removal.network_access
    assert secrets.secrets == {}


async def test_an_unreachable_server_does_not_stop_the_removal(
    engine: Engine, server: FakeMastodon, secrets: MemorySecretStore
) -> None:
    account = await _connect_by_browser(engine, server)
    server.fail("POST /oauth/revoke", *[lambda: httpx.Response(503, text="down")] * 5)
    removal = await engine.accounts.remove(account.id)
    assert "could not revoke" in removal.network_access and "settings" in removal.network_access
    assert secrets.secrets == {} and await engine.accounts.list() == []


async def test_the_accounts_picture_is_kept_once_in_the_data_folder_for_its_owner_only(
    engine: Engine, alice: Account, server: FakeMastodon
) -> None:
    assert alice.avatar_url == f"{BASE}/system/accounts/avatars/1"  # from verify_credentials
    assert (await engine.accounts.get(alice.id)).avatar_url == alice.avatar_url  # stored
    first, again = await engine.accounts.avatar(alice), await engine.accounts.avatar(alice)
    assert first is not None and first == again and first.read_bytes() == server.avatar_png
    assert first.parent == engine.data_dir / "cache" / "avatars" and first.suffix == ".png"
    assert (first.stat().st_mode & 0o777, first.parent.stat().st_mode & 0o777) == (0o600, 0o700)
    fetched = [r for r in server.requests if r.url.path.startswith("/system/accounts/avatars/")]
    assert len(fetched) == 1  # the second call read the kept copy


async def test_a_picture_that_is_not_one_or_cannot_be_fetched_is_none(
    engine: Engine, alice: Account, server: FakeMastodon
) -> None:
    server.fail(
        "GET /system/accounts/avatars/:id",
        lambda: httpx.Response(200, content=b"<html>", headers={"content-type": "text/html"}),
        lambda: httpx.Response(404),
    )
    assert await engine.accounts.avatar(alice) is None
    assert await engine.accounts.avatar(alice) is None
    assert await engine.accounts.avatar(alice.model_copy(update={"avatar_url": "file:///etc/passwd"})) is None
    assert not (engine.data_dir / "cache" / "avatars").exists() or not any(
        (engine.data_dir / "cache" / "avatars").iterdir()
    )
    assert await engine.accounts.avatar(alice) is not None  # the next try, once it answers


# -- Mastodon's own scheduler: posts that go out with Outpost closed (issue #20) -------------------

IN_AN_HOUR = "2026-11-25T13:00:00Z"  # the fake clock starts at 12:00


async def test_a_scheduled_post_is_handed_to_mastodon_and_confirmed_after_its_time(
    engine: Engine, alice: Account, server: FakeMastodon, clock: FakeClock, image: Path
) -> None:
    post = await engine.posts.create(
        PostInput(
            text="Out at one,\n\nwith <b>tags</b> & all",
            accounts=(alice.id,),
            media=(MediaInput(str(image), "a dot"),),
        ),
        When.scheduled(IN_AN_HOUR),
    )
    [target] = post.targets
    assert post.status is PostStatus.SCHEDULED and target.status is TargetStatus.SCHEDULED_ON_NETWORK
    [(at, body, _)] = server.scheduled.values()
    assert (
        at.isoformat() == "2026-11-25T13:00:00+00:00" and len(body["media_ids"]) == 1
    )  # uploaded at hand-over
    assert server.statuses == []

    await engine.start()
    clock.advance(timedelta(hours=1))
    await until(lambda: _status_is(engine, post.id, PostStatus.PUBLISHED), timeout=10)
    done = await engine.posts.get(post.id)
    [status] = server.statuses
    assert (
        done.targets[0].platform_post_id == status.id
        and done.targets[0].permalink == f"{BASE}/@alice/{status.id}"
    )


async def test_a_handed_over_post_goes_out_while_outpost_is_closed_and_is_confirmed_at_next_start(
    tmp_path: Path, server: FakeMastodon, clock: FakeClock, secrets: MemorySecretStore
) -> None:
    server.now = clock.now
    registry = AdapterRegistry({Network.MASTODON: functools.partial(MastodonAdapter, media_poll_s=0.001)})
    with served(server.handle) as transport:
        async with Engine.open(
            tmp_path / "d", registry=registry, secrets=secrets, clock=clock, transport=transport
        ) as first:
            account = await first.accounts.add(
                Network.MASTODON, AddAccountRequest(service_url=BASE, access_token="token-alice")
            )
            post = await first.posts.create(
                PostInput(text="while away", accounts=(account.id,)), When.scheduled(IN_AN_HOUR)
            )
        clock.advance(timedelta(hours=3))  # the laptop was closed; Mastodon published it at one
        async with Engine.open(
            tmp_path / "d", registry=registry, secrets=secrets, clock=clock, transport=transport
        ) as second:
            missed = await second.start()
            assert missed == []  # not "missed": Mastodon had it
            await until(lambda: _status_is(second, post.id, PostStatus.PUBLISHED), timeout=10)
    assert [s.text for s in server.statuses] == ["while away"]


async def test_editing_or_cancelling_a_handed_over_post_changes_it_on_mastodon(
    engine: Engine, alice: Account, server: FakeMastodon, clock: FakeClock
) -> None:
    post = await engine.posts.create(
        PostInput(text="first draft", accounts=(alice.id,)), When.scheduled(IN_AN_HOUR)
    )
    edited = await engine.posts.edit(post.id, PostChanges(text="second draft"))
    assert edited.targets[0].status is TargetStatus.SCHEDULED_ON_NETWORK
    assert [body["status"] for _, body, _ in server.scheduled.values()] == [
        "second draft"
    ]  # the old one withdrawn
    moved = await engine.posts.schedule(post.id, "2026-11-25T14:00:00Z")
    assert moved.targets[0].status is TargetStatus.SCHEDULED_ON_NETWORK
    [(at, _, _)] = server.scheduled.values()
    assert at.hour == 14
    cancelled = await engine.posts.cancel(post.id)
    assert cancelled.status is PostStatus.CANCELLED and server.scheduled == {}
    clock.advance(timedelta(hours=3))
    await engine.start()
    assert server.statuses == []


async def test_posts_mastodon_cannot_hold_stay_with_outpost(
    engine: Engine, alice: Account, server: FakeMastodon
) -> None:
    soon = await engine.posts.create(
        PostInput(text="in 6 minutes", accounts=(alice.id,)), When.scheduled("2026-11-25T12:06:00Z")
    )
    thread = await engine.posts.create(
        PostInput(text="1/2", thread=("2/2",), accounts=(alice.id,)), When.scheduled(IN_AN_HOUR)
    )
    engine.update_settings(native_scheduling="never")
    kept = await engine.posts.create(
        PostInput(text="never", accounts=(alice.id,)), When.scheduled(IN_AN_HOUR)
    )
    for post in (soon, thread, kept):  # too close to Mastodon's 5-minute minimum, a thread, the setting
        assert post.targets[0].status is TargetStatus.PENDING
    assert server.scheduled == {}


async def test_withdrawing_fails_safely_when_mastodon_cannot_be_reached(
    engine: Engine, alice: Account, server: FakeMastodon
) -> None:
    post = await engine.posts.create(
        PostInput(text="keep me", accounts=(alice.id,)), When.scheduled(IN_AN_HOUR)
    )

    def down() -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    server.fail("DELETE /api/v1/scheduled_statuses/:id", down, down)  # DELETE is resent once at once
    with pytest.raises(InvalidStateError, match="could not be taken back"):
        await engine.posts.edit(post.id, PostChanges(text="changed"))
    unchanged = await engine.posts.get(post.id)
    assert unchanged.text == "keep me" and unchanged.targets[0].status is TargetStatus.SCHEDULED_ON_NETWORK


async def _status_is(engine: Engine, post_id: str, status: PostStatus) -> bool:
    return (await engine.posts.get(post_id)).status is status
