"""The Pinterest adapter through the engine, against a strict fake Pinterest served over loopback."""

from __future__ import annotations

import asyncio
import functools
import io
import socket
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from PIL import Image

from outpost.adapters.base import AccountContext, AddAccountRequest
from outpost.adapters.pinterest import PinterestAdapter
from outpost.adapters.registry import AdapterRegistry
from outpost.domain.enums import ErrorCode, HealthState, Network, PostStatus, TargetStatus
from outpost.domain.errors import ValidationError
from outpost.domain.models import Account
from outpost.engine import Engine, MediaInput, PostInput, When
from tests import media_fixtures
from tests.contract.fake_pinterest import CLIENT_ID, CLIENT_SECRET, UPLOAD, FakePinterest, error, s3_error
from tests.fakes import FakeClock, MemorySecretStore
from tests.support.loopback import LoopbackServer

pytestmark = pytest.mark.asyncio
RECIPES, SOUPS, BOBS = "1001", "1001/5001", "2001"


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 4.5-second video (Pinterest takes 4 s and more), made once for the module."""
    return media_fixtures.video(tmp_path_factory.mktemp("video") / "clip.mp4", 320, 240, seconds=4.5, fps=10)


@pytest.fixture
def server() -> FakePinterest:
    return FakePinterest()


@pytest.fixture
def loopback(server: FakePinterest) -> Iterator[LoopbackServer]:
    with LoopbackServer(server.handle) as running:
        yield running
    assert running.errors == [], running.errors


@pytest_asyncio.fixture
async def engine(
    tmp_path: Path,
    loopback: LoopbackServer,
    clock: FakeClock,
    secrets: MemorySecretStore,
    server: FakePinterest,
) -> AsyncIterator[Engine]:
    registry = AdapterRegistry({Network.PINTEREST: functools.partial(PinterestAdapter, poll_s=0.001)})
    server.oauth.now = lambda: clock.now().timestamp()  # Pinterest and Outpost share one time
    server.now = server.oauth.now
    eng = Engine.open(
        tmp_path / "data", registry=registry, secrets=secrets, clock=clock, transport=loopback.transport()
    )
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server.register_app(port)
    await eng.accounts.set_app(Network.PINTEREST, CLIENT_ID, CLIENT_SECRET, redirect_port=port)
    yield eng
    await eng.close()


def browser(loopback: LoopbackServer) -> object:
    """A person's browser on Pinterest's consent page: agrees, follows the redirect back."""

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
    return await engine.accounts.connect(Network.PINTEREST, open_url=browser(loopback))  # type: ignore[arg-type]


def pin_to(board: str, **options: str) -> tuple[tuple[str, str, str], ...]:
    return (("pinterest", "board_id", board), *(("pinterest", k, v) for k, v in options.items()))


async def test_signing_in_uses_the_apps_secret_and_asks_for_the_continuous_refresh_token(
    alice: Account, server: FakePinterest, secrets: MemorySecretStore, clock: FakeClock
) -> None:
    assert (alice.handle, alice.display_name) == ("alice_pins", "Alice's Kitchen")
    assert alice.avatar_url == "https://i.pinimg.example/alice.jpg"
    token_request = next(r for r in server.requests if r.url.path == "/v5/oauth/token")
    assert token_request.headers["authorization"].startswith("Basic ")  # id:secret, never in the form
    assert b"client_secret" not in token_request.content
    assert server.token_forms[0]["continuous_refresh"] == "true"
    authorize = next(r for r in server.requests if r.url.path == "/oauth/")
    assert authorize.url.params["scope"] == "boards:read,boards:write,pins:read,pins:write,user_accounts:read"
    kept = secrets.secrets[alice.secret_ref]
    assert kept["refresh_token"] and kept["scope"].count(",") == 4
    assert alice.health.state is HealthState.OK and alice.health.missing_permissions == ()
    assert alice.health.sign_in_ends_at == clock.now() + timedelta(days=60)  # the refresh token's life


async def test_accounts_targets_lists_the_boards_and_their_sections_over_every_page(
    engine: Engine, alice: Account, server: FakePinterest
) -> None:
    server.max_page_size = 1  # Pinterest may give fewer than asked: Outpost follows the bookmarks
    targets = [t.as_dict() for t in await engine.accounts.targets(alice.id)]
    assert targets == [
        {"id": "1001", "name": "Recipes", "kind": "board"},
        {"id": "1001/5001", "name": "Recipes › Soups", "kind": "section"},
        {"id": "1001/5002", "name": "Recipes › Salads", "kind": "section"},
        {"id": "1002", "name": "Garden", "kind": "board"},
    ]  # never Bob's board
    pages = [r for r in server.requests if r.url.path == "/v5/boards"]
    assert len(pages) == 2 and pages[1].url.params["bookmark"] == "bm-1"


async def test_a_picture_pin_carries_the_picture_title_link_and_alt_text(
    engine: Engine, alice: Account, server: FakePinterest, tmp_path: Path
) -> None:
    photo = media_fixtures.image(tmp_path / "soup.jpg", 600, 900)
    text = "Tomato soup in 20 minutes: roast, blend, season."
    post = await engine.posts.create(
        PostInput(
            text=text,
            accounts=(alice.id,),
            media=(MediaInput(str(photo), "A bowl of red soup"),),
            options=pin_to(RECIPES, title="Quick tomato soup", link="https://alice.example/soup"),
        ),
        When.now(),
    )
    target = post.targets[0]
    assert post.status is PostStatus.PUBLISHED, target.error
    [pin] = server.pins
    assert (pin.kind, pin.content_type, pin.board_id, pin.section_id) == (
        "image",
        "image/jpeg",
        RECIPES,
        None,
    )
    assert Image.open(io.BytesIO(pin.data)).size == (600, 900)
    assert pin.fields == {
        "title": "Quick tomato soup",
        "description": text,
        "link": "https://alice.example/soup",
        "alt_text": "A bowl of red soup",
    }
    assert target.platform_post_id == pin.id
    assert target.permalink == f"https://www.pinterest.com/pin/{pin.id}/"


async def test_a_png_goes_into_a_board_section(
    engine: Engine, alice: Account, server: FakePinterest, tmp_path: Path
) -> None:
    picture = media_fixtures.image(tmp_path / "leek.png", 400, 400)
    post = await engine.posts.create(
        PostInput(
            text="Leek soup", accounts=(alice.id,), media=(MediaInput(str(picture)),), options=pin_to(SOUPS)
        ),
        When.now(),
    )
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    [pin] = server.pins
    assert (pin.board_id, pin.section_id, pin.content_type) == ("1001", "5001", "image/png")
    assert "alt_text" not in pin.fields and "title" not in pin.fields


async def test_every_rule_is_checked_before_anything_is_sent(
    engine: Engine, alice: Account, server: FakePinterest, tmp_path: Path
) -> None:
    photo = media_fixtures.image(tmp_path / "a.jpg", 300, 300)
    other = media_fixtures.image(tmp_path / "b.jpg", 300, 300)

    async def problems(**changes: object) -> dict[str, str]:
        fields: dict[str, object] = {
            "text": "ok",
            "accounts": (alice.id,),
            "media": (MediaInput(str(photo)),),
            "options": pin_to(RECIPES),
        }
        with pytest.raises(ValidationError) as caught:
            await engine.posts.create(PostInput(**{**fields, **changes}))  # type: ignore[arg-type]
        return {p.field: p.message for p in caught.value.problems}

    no_board = await problems(options=())
    assert "`outpost accounts targets pinterest:alice_pins`" in no_board["--option pinterest.board_id"]
    assert "board" in (await problems(options=pin_to("recipes")))["--option pinterest.board_id"]
    assert "a Pin is a picture or a video" in (await problems(media=()))["media"]
    assert "at most 1" in (await problems(media=(MediaInput(str(photo)), MediaInput(str(other)))))["media"]
    assert "801" in (await problems(text="d" * 801))["text"]
    assert (
        "101 characters"
        in (await problems(options=pin_to(RECIPES, title="t" * 101)))["--option pinterest.title"]
    )
    assert (
        "not a web address"
        in (await problems(options=pin_to(RECIPES, link="alice.example")))["--option pinterest.link"]
    )
    alt = await problems(media=(MediaInput(str(photo), "a" * 501),))
    assert "501" in alt["media[1]"] and "500" in alt["media[1]"]
    assert "threads" in (await problems(thread=("a second part",)))["thread"]
    assert server.creates() == [] and server.pins == []


async def test_someone_elses_board_or_none_at_all_is_refused_with_where_to_look(
    engine: Engine, alice: Account, server: FakePinterest, tmp_path: Path
) -> None:
    photo = media_fixtures.image(tmp_path / "a.jpg", 300, 300)
    for board, said in (
        (BOBS, "not one of your boards"),
        ("9999", "Board not found"),
        ("1002/5001", "section"),
    ):
        post = await engine.posts.create(
            PostInput(text="x", accounts=(alice.id,), media=(MediaInput(str(photo)),), options=pin_to(board)),
            When.now(),
        )
        error = post.targets[0].error
        assert post.status is PostStatus.FAILED and error is not None, board
        assert error.code is ErrorCode.VALIDATION_ERROR and said in error.message
        assert "outpost accounts targets" in error.message and post.targets[0].attempts == 1
    assert server.pins == []


async def test_a_video_pin_goes_through_pinterests_upload_and_waits_until_it_is_processed(
    engine: Engine, alice: Account, server: FakePinterest, clip: Path
) -> None:
    post = await engine.posts.create(
        PostInput(text="How to fold dumplings", accounts=(alice.id,), media=(MediaInput(str(clip), "Hands folding"),),
                  options=pin_to(RECIPES, title="Dumplings")),
        When.now(),
    )  # fmt: skip
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    [pin] = server.pins
    [upload] = server.uploads.values()
    assert (pin.kind, pin.media_id, upload.status) == ("video", upload.media_id, "succeeded")
    assert upload.size == clip.stat().st_size
    [s3] = [r for r in server.requests if r.url.host == UPLOAD.removeprefix("https://")]
    assert "authorization" not in s3.headers  # the Pinterest token never goes to Amazon
    polls = [r for r in server.requests if r.url.path == f"/v5/media/{upload.media_id}"]
    assert len(polls) == server.video_polls + 1
    assert pin.fields["alt_text"] == "Hands folding"


async def test_a_video_pinterest_cannot_process_fails_with_what_to_check_and_pins_nothing(
    engine: Engine, alice: Account, server: FakePinterest, clip: Path
) -> None:
    server.processing_fails = True
    post = await engine.posts.create(
        PostInput(
            text="broken", accounts=(alice.id,), media=(MediaInput(str(clip)),), options=pin_to(RECIPES)
        ),
        When.now(),
    )
    error = post.targets[0].error
    assert post.status is PostStatus.FAILED and error is not None
    assert error.code is ErrorCode.MEDIA_REJECTED and "MP4 or MOV" in error.message
    assert server.pins == [] and server.creates() == []


async def test_an_expired_upload_form_is_registered_again(
    engine: Engine, alice: Account, server: FakePinterest, clip: Path
) -> None:
    server.fail(
        "POST /", lambda: s3_error(403, "AccessDenied", "Invalid according to Policy: Policy expired.")
    )
    post = await engine.posts.create(
        PostInput(
            text="second try", accounts=(alice.id,), media=(MediaInput(str(clip)),), options=pin_to(RECIPES)
        ),
        When.now(),
    )
    assert post.status is PostStatus.PUBLISHED and post.targets[0].attempts == 2
    assert len(server.uploads) == 2 and len(server.pins) == 1


async def test_without_a_refresh_token_an_ended_sign_in_breaks_the_account_and_says_reconnect(
    engine: Engine, server: FakePinterest, tmp_path: Path
) -> None:
    access, _ = server.token_for("alice")
    account = await engine.accounts.add(Network.PINTEREST, AddAccountRequest(access_token=access))
    server.oauth.expire_access_tokens()
    photo = media_fixtures.image(tmp_path / "a.jpg", 300, 300)
    post = await engine.posts.create(
        PostInput(
            text="late", accounts=(account.id,), media=(MediaInput(str(photo)),), options=pin_to(RECIPES)
        ),
        When.now(),
    )
    error = post.targets[0].error
    assert error is not None and error.code is ErrorCode.AUTH_EXPIRED and "reconnect" in error.message
    assert (await engine.accounts.get(account.id)).health.state is HealthState.BROKEN
    assert server.pins == []


async def test_an_ended_access_token_is_renewed_and_the_new_refresh_token_kept_first(
    engine: Engine,
    alice: Account,
    server: FakePinterest,
    secrets: MemorySecretStore,
    clock: FakeClock,
    tmp_path: Path,
) -> None:
    before = dict(secrets.secrets[alice.secret_ref])
    clock.advance(timedelta(days=30))  # the access token has just ended
    photo = media_fixtures.image(tmp_path / "a.jpg", 300, 300)
    post = await engine.posts.create(
        PostInput(
            text="a month on", accounts=(alice.id,), media=(MediaInput(str(photo)),), options=pin_to(RECIPES)
        ),
        When.now(),
    )
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    after = secrets.secrets[alice.secret_ref]
    assert (
        after["refresh_token"] != before["refresh_token"] and after["access_token"] != before["access_token"]
    )
    assert after["refresh_expires_at"] > before["refresh_expires_at"]  # continuous: 60 days from now
    assert server.token_forms[-1] == {
        "grant_type": "refresh_token",
        "refresh_token": before["refresh_token"],
        "continuous_refresh": "true",
    }
    [checked] = await engine.accounts.check(alice.id)
    assert checked.health.sign_in_ends_at == clock.now() + timedelta(days=60)


async def test_a_rate_limit_says_when_to_try_again_and_a_short_one_is_waited_out(
    engine: Engine, alice: Account, server: FakePinterest, clock: FakeClock, tmp_path: Path
) -> None:
    photo = media_fixtures.image(tmp_path / "a.jpg", 300, 300)

    def pin(text: str) -> PostInput:
        return PostInput(
            text=text, accounts=(alice.id,), media=(MediaInput(str(photo)),), options=pin_to(RECIPES)
        )

    server.fail(
        "POST /v5/pins",
        lambda: httpx.Response(
            429,
            json={"code": 8, "message": "This request exceeded a rate limit."},
            headers={"x-ratelimit-reset": "30"},
        ),
    )
    waited = await engine.posts.create(pin("after a pause"), When.now())
    assert waited.status is PostStatus.PUBLISHED and clock.sleeps == [30.0]
    server.org_write_left, server.reset_after_s = 0, 3600
    limited = await engine.posts.create(pin("too many"), When.now())
    error = limited.targets[0].error
    assert limited.status is PostStatus.FAILED and error is not None
    assert error.code is ErrorCode.RATE_LIMITED and error.retry_at == clock.now() + timedelta(hours=1)
    health = (await engine.accounts.get(alice.id)).health
    assert health.rate_limited and health.state is HealthState.DEGRADED
    assert len(server.pins) == 1


async def test_a_trial_access_app_is_told_how_to_publish_for_real(
    engine: Engine, alice: Account, server: FakePinterest, tmp_path: Path
) -> None:
    server.trial_access = True
    photo = media_fixtures.image(tmp_path / "a.jpg", 300, 300)
    post = await engine.posts.create(
        PostInput(
            text="trial", accounts=(alice.id,), media=(MediaInput(str(photo)),), options=pin_to(RECIPES)
        ),
        When.now(),
    )
    error = post.targets[0].error
    assert error is not None and "Trial access" in error.message and "Standard access" in error.message
    assert "sandbox" in error.message and post.targets[0].attempts == 1


async def test_a_lost_answer_is_found_on_the_board_and_the_pin_is_never_sent_twice(
    engine: Engine, alice: Account, server: FakePinterest, tmp_path: Path
) -> None:
    photo = media_fixtures.image(tmp_path / "a.jpg", 300, 300)
    server.store_then_fail += [0, 500]
    lost = await engine.posts.create(
        PostInput(
            text="Did it land?", accounts=(alice.id,), media=(MediaInput(str(photo)),), options=pin_to(SOUPS)
        ),
        When.now(),
    )
    failed = await engine.posts.create(
        PostInput(
            text="And this one?",
            accounts=(alice.id,),
            media=(MediaInput(str(photo)),),
            options=pin_to(RECIPES),
        ),
        When.now(),
    )
    for post in (lost, failed):
        assert post.status is PostStatus.NEEDS_REVIEW and post.targets[0].status is TargetStatus.UNKNOWN
    assert len(server.creates()) == 2 and len(server.pins) == 2
    settled = await engine.posts.look_for_unknown(lost.id)
    target = settled.targets[0]
    assert settled.status is PostStatus.PUBLISHED and target.platform_post_id == server.pins[0].id
    assert target.permalink == f"https://www.pinterest.com/pin/{server.pins[0].id}/"
    looked = [r for r in server.requests if r.url.path.endswith("/pins") and r.method == "GET"]
    assert [r.url.path for r in looked] == ["/v5/boards/1001/pins"]  # the board it went to
    assert (await engine.posts.look_for_unknown(failed.id)).status is PostStatus.PUBLISHED
    assert len(server.creates()) == 2  # looking never sends again


async def test_a_permission_left_out_at_sign_in_is_named_on_the_health_card(
    engine: Engine, server: FakePinterest, loopback: LoopbackServer, tmp_path: Path
) -> None:
    server.oauth.withheld = frozenset({"boards:write"})
    account = await engine.accounts.connect(Network.PINTEREST, open_url=browser(loopback))  # type: ignore[arg-type]
    health = account.health
    assert health.state is HealthState.DEGRADED and health.missing_permissions == ("boards:write",)
    assert health.message is not None and "boards:write" in health.message
    photo = media_fixtures.image(tmp_path / "a.jpg", 300, 300)
    post = await engine.posts.create(
        PostInput(text="x", accounts=(account.id,), media=(MediaInput(str(photo)),), options=pin_to(RECIPES)),
        When.now(),
    )
    error = post.targets[0].error
    assert error is not None and error.code is ErrorCode.AUTH_EXPIRED and "boards:write" in error.message
    assert server.pins == []


async def test_a_refused_token_is_not_added(engine: Engine, server: FakePinterest) -> None:
    server.fail("GET /v5/user_account", lambda: error(401, 2, "Authentication failed."))
    with pytest.raises(Exception, match="Authentication failed") as caught:
        await engine.accounts.add(Network.PINTEREST, AddAccountRequest(access_token="pina_not-a-token"))
    assert "reconnect" in str(caught.value)
    assert await engine.accounts.list() == []


class Keyring:
    """The engine's secret store as an adapter's vault, for an adapter used on its own."""

    def __init__(self, secrets: MemorySecretStore) -> None:
        self._secrets = secrets

    async def read(self, ref: str) -> dict[str, str] | None:
        return self._secrets.get(ref)

    async def write(self, ref: str, credentials: dict[str, str]) -> None:
        self._secrets.set(ref, credentials)


async def test_without_a_board_note_the_accounts_own_pins_are_looked_through(
    engine: Engine,
    alice: Account,
    server: FakePinterest,
    secrets: MemorySecretStore,
    clock: FakeClock,
    loopback: LoopbackServer,
    tmp_path: Path,
) -> None:
    """A Pin sent by an Outpost that left no note (or whose note is gone) is still found."""
    photo = media_fixtures.image(tmp_path / "a.jpg", 300, 300)
    since = clock.now() - timedelta(minutes=10)
    sent = await engine.posts.create(
        PostInput(
            text="Spring  greens",
            accounts=(alice.id,),
            media=(MediaInput(str(photo)),),
            options=pin_to(RECIPES),
        ),
        When.now(),
    )
    async with httpx.AsyncClient(transport=loopback.transport()) as client:
        adapter = PinterestAdapter(client, clock=clock)
        context = AccountContext(alice, Keyring(secrets), asyncio.Lock())  # no checkpoints: no note
        found = await adapter.find_published(context, "Spring greens ", since)
        assert found is not None and found.platform_post_id == sent.targets[0].platform_post_id
        assert await adapter.find_published(context, "Autumn greens", since) is None
        assert (
            await adapter.find_published(context, "Spring greens", clock.now() + timedelta(minutes=1)) is None
        )
    looked = [r.url.path for r in server.requests if r.method == "GET" and r.url.path.endswith("pins")]
    assert looked == ["/v5/pins"] * 3 and len(server.creates()) == 1
