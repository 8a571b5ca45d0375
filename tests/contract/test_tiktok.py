"""The TikTok adapter through the engine, against a strict fake TikTok served over loopback.

Videos are made by PyAV (tests/media_fixtures.py) and padded with an MP4 `free` box where a test
needs a file of several chunks, so no binary fixture is kept.
"""

from __future__ import annotations

import asyncio
import functools
import socket
import struct
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from outpost.adapters.base import AddAccountRequest
from outpost.adapters.registry import AdapterRegistry
from outpost.adapters.tiktok import TikTokAdapter
from outpost.domain.enums import ErrorCode, HealthState, Network, PostStatus, TargetStatus
from outpost.domain.errors import ValidationError
from outpost.domain.models import Account
from outpost.engine import Engine, MediaInput, PostInput, When
from tests import media_fixtures
from tests.contract.fake_tiktok import API, CLIENT_KEY, CLIENT_SECRET, SCOPES, UPLOAD, FakeTikTok, MiB
from tests.fakes import FakeClock, MemorySecretStore
from tests.support.loopback import LoopbackServer
from tests.support.media_host import LoopbackMediaHost, loopback_media_host

pytestmark = pytest.mark.asyncio
CHUNK = 5 * MiB  # the smallest chunk TikTok takes: a file of 11 MB goes in two


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A short vertical clip (one chunk), the same padded to 11 MB (two chunks), a landscape one."""
    folder = tmp_path_factory.mktemp("clips")
    short = media_fixtures.video(folder / "short.mp4", 360, 640, seconds=1.0)
    large = folder / "large.mp4"
    data = short.read_bytes()
    padding = 11 * 1_000_000 - len(data)
    large.write_bytes(data + struct.pack(">I", padding) + b"free" + bytes(padding - 8))
    return {"short": short, "large": large}


@pytest.fixture
def server() -> FakeTikTok:
    return FakeTikTok()


@pytest.fixture
def loopback(server: FakeTikTok) -> Iterator[LoopbackServer]:
    with LoopbackServer(server.handle) as running:
        yield running
    assert running.errors == [], running.errors


@pytest.fixture
def media_host(clock: FakeClock) -> Iterator[LoopbackMediaHost]:
    with loopback_media_host(clock.now) as host:
        yield host


def _engine(
    root: Path, loopback: LoopbackServer, clock: FakeClock, secrets: MemorySecretStore, **kw: object
) -> Engine:
    registry = AdapterRegistry(
        {Network.TIKTOK: functools.partial(TikTokAdapter, poll_s=0.0001, chunk_bytes=CHUNK)}
    )
    # Media work in this process: these tests are about TikTok, not the window's worker process.
    return Engine.open(
        root / "data",
        media_in_process=True,
        registry=registry,
        secrets=secrets,
        clock=clock,
        transport=loopback.transport(),
        **kw,  # type: ignore[arg-type]
    )


@pytest_asyncio.fixture
async def engine(
    tmp_path: Path, loopback: LoopbackServer, clock: FakeClock, secrets: MemorySecretStore, server: FakeTikTok
) -> AsyncIterator[Engine]:
    server.oauth.now = lambda: clock.now().timestamp()  # TikTok and Outpost share one time
    eng = _engine(tmp_path, loopback, clock, secrets)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    server.register_app(port)
    await eng.accounts.set_app(Network.TIKTOK, CLIENT_KEY, CLIENT_SECRET, redirect_port=port)
    yield eng
    await eng.close()


def browser(loopback: LoopbackServer) -> object:
    """The creator's browser on TikTok's consent page: agrees, follows the redirect back."""

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
    return await engine.accounts.connect(Network.TIKTOK, open_url=browser(loopback))  # type: ignore[arg-type]


def video_post(account: Account, clip: Path, text: str = "A clip #fyp", **options: object) -> PostInput:
    chosen = {"privacy_level": "SELF_ONLY", **options}
    return PostInput(
        text=text,
        accounts=(account.id,),
        media=(MediaInput(str(clip)),),
        options=tuple(("tiktok", key, value) for key, value in chosen.items()),  # type: ignore[misc]
    )


def puts(server: FakeTikTok) -> list[httpx.Request]:
    return [r for r in server.requests if r.method == "PUT"]


async def test_signs_in_with_the_client_key_and_a_hex_challenge_and_posts_a_private_video(
    engine: Engine, alice: Account, server: FakeTikTok, secrets: MemorySecretStore, clips: dict[str, Path]
) -> None:
    authorize = next(r for r in server.requests if r.url.path == "/v2/auth/authorize/")
    assert authorize.url.params["client_key"] == CLIENT_KEY and "client_id" not in authorize.url.params
    assert authorize.url.params["scope"] == "user.info.basic,video.publish,video.list,user.info.stats"
    assert len(authorize.url.params["code_challenge"]) == 64  # hex SHA-256, as TikTok wants
    token = next(r for r in server.requests if r.url.path == "/v2/oauth/token/")
    assert b"client_key=tt-client-key-42" in token.content and b"client_secret=" in token.content
    assert (alice.handle, alice.display_name, alice.target_id) == (
        "alice.makes",
        "Alice Makes",
        "open-alice-1",
    )
    kept = secrets.secrets[alice.secret_ref]
    assert (
        kept["scope"] == "user.info.basic,video.publish,video.list,user.info.stats"
        and "refresh_expires_at" in kept
    )
    assert alice.health.state is HealthState.OK

    post = await engine.posts.create(video_post(alice, clips["short"]), When.now())
    target = post.targets[0]
    assert post.status is PostStatus.PUBLISHED, target.error
    [made] = server.published()
    assert (made.caption, made.post_info["privacy_level"]) == ("A clip #fyp", "SELF_ONLY")
    # Interactions stay off until the creator turns them on (content sharing guidelines).
    assert [made.post_info[f"disable_{k}"] for k in ("comment", "duet", "stitch")] == [True, True, True]
    assert made.post_info["brand_content_toggle"] is False and made.post_info["brand_organic_toggle"] is False
    # A private post never gets a public id: Outpost keeps TikTok's publish id and shows no link.
    assert (target.platform_post_id, target.permalink) == (made.publish_id, None)
    [chunk] = puts(server)
    assert chunk.headers["content-range"] == f"bytes 0-{made.size - 1}/{made.size}"


async def test_a_public_video_goes_in_ordered_chunks_is_processed_and_gets_its_link(
    engine: Engine, alice: Account, server: FakeTikTok, clips: dict[str, Path]
) -> None:
    from outpost.engine.events import Event, UploadDidProgress

    events: list[Event] = []
    engine.events.subscribe(events.append)
    server.processing_polls = 3
    post = await engine.posts.create(
        video_post(alice, clips["large"], privacy_level="PUBLIC_TO_EVERYONE", disable_comment=False),
        When.now(),
    )
    target = post.targets[0]
    assert post.status is PostStatus.PUBLISHED, target.error
    [made] = server.published()
    assert made.size == 11_000_000 and made.post_info["disable_comment"] is False
    assert [r.headers["content-range"] for r in puts(server)] == [
        f"bytes 0-{CHUNK - 1}/11000000",
        f"bytes {CHUNK}-10999999/11000000",  # the last chunk carries the remainder
    ]
    assert all("authorization" not in r.headers for r in puts(server))  # the URL carries its own token
    assert target.permalink == f"https://www.tiktok.com/@alice.makes/video/{made.post_id}"
    statuses = [r for r in server.requests if r.url.path == "/v2/post/publish/status/fetch/"]
    assert len(statuses) == 4  # three while processing, then PUBLISH_COMPLETE
    progress = [(e.sent, e.total) for e in events if isinstance(e, UploadDidProgress)]
    assert progress == [(CHUNK, 11_000_000), (11_000_000, 11_000_000)]  # the status bar, chunk by chunk


async def test_the_options_are_exactly_what_creator_info_returns_and_kept_a_few_minutes(
    engine: Engine, alice: Account, server: FakeTikTok, clock: FakeClock
) -> None:
    creator = server.creators["alice"]
    creator.private, creator.comment_disabled, creator.max_duration_s = True, True, 180
    clock.advance(timedelta(minutes=6))  # what was read at sign-in is old now
    caps = await engine.accounts.capabilities(alice)
    privacy = caps.option("privacy_level")
    assert privacy is not None and privacy.required
    assert privacy.choices == ("MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY")
    assert "Alice Makes's TikTok" in privacy.description  # the creator sees whose account it is
    assert caps.option("disable_comment") is None  # turned off in the creator's TikTok settings
    assert caps.option("disable_duet") is not None and caps.option("brand_organic_toggle") is not None
    assert caps.media is not None and caps.media.video is not None and caps.media.video.max_duration_s == 180
    asked = len([r for r in server.requests if r.url.path.endswith("/creator_info/query/")])
    await engine.accounts.capabilities(alice)
    assert len([r for r in server.requests if r.url.path.endswith("/creator_info/query/")]) == asked
    clock.advance(timedelta(minutes=6))
    await engine.accounts.capabilities(alice)
    assert len([r for r in server.requests if r.url.path.endswith("/creator_info/query/")]) == asked + 1


async def test_validation_says_what_tiktok_would_refuse_before_anything_is_sent(
    engine: Engine, alice: Account, server: FakeTikTok, clips: dict[str, Path], clock: FakeClock
) -> None:
    server.creators["alice"].private = True
    server.creators["alice"].comment_disabled = True
    clock.advance(timedelta(minutes=6))

    async def problems(request: PostInput) -> dict[str, str]:
        with pytest.raises(ValidationError) as caught:
            await engine.posts.create(request)
        return {p.field: p.message for p in caught.value.problems}

    no_level = video_post(alice, clips["short"])
    no_level = PostInput(text=no_level.text, accounts=no_level.accounts, media=no_level.media)
    found = await problems(no_level)
    assert "there is no default" in found["--option tiktok.privacy_level"]
    assert "FOLLOWER_OF_CREATOR (your followers)" in found["--option tiktok.privacy_level"]
    found = await problems(video_post(alice, clips["short"], privacy_level="PUBLIC_TO_EVERYONE"))
    assert "the account is private" in found["--option tiktok.privacy_level"]
    found = await problems(video_post(alice, clips["short"], brand_content_toggle=True))
    assert "branded content cannot be private" in found["--option tiktok.privacy_level"]
    found = await problems(video_post(alice, clips["short"], disable_comment="false"))
    assert "turned off in @alice.makes's TikTok settings" in found["--option tiktok.disable_comment"]
    found = await problems(
        PostInput(
            text="just words", accounts=(alice.id,), options=(("tiktok", "privacy_level", "SELF_ONLY"),)
        )
    )
    assert "a video or photos" in found["media"]
    assert server.inits() == [] and puts(server) == []


async def test_a_level_tiktok_stopped_offering_is_refused_with_its_error_and_asked_again(
    engine: Engine, alice: Account, server: FakeTikTok, clips: dict[str, Path]
) -> None:
    draft = await engine.posts.create(video_post(alice, clips["short"], privacy_level="PUBLIC_TO_EVERYONE"))
    server.creators["alice"].private = True  # the creator made the account private a moment ago
    post = await engine.posts.publish(draft.id)
    error = post.targets[0].error
    assert post.status is PostStatus.FAILED and error is not None
    assert "does not offer that privacy level" in error.message and puts(server) == []
    caps = await engine.accounts.capabilities(alice)  # asked afresh after TikTok's refusal
    assert "PUBLIC_TO_EVERYONE" not in caps.option("privacy_level").choices  # type: ignore[union-attr]


async def test_an_unaudited_app_is_found_out_before_any_byte_and_said_everywhere(
    engine: Engine, alice: Account, server: FakeTikTok, clips: dict[str, Path], clock: FakeClock
) -> None:
    server.audited = False
    post = await engine.posts.create(
        video_post(alice, clips["short"], privacy_level="FOLLOWER_OF_CREATOR"), When.now()
    )
    error = post.targets[0].error
    assert post.status is PostStatus.FAILED and error is not None and error.code is ErrorCode.VALIDATION_ERROR
    assert "not audited your developer app" in error.message and puts(server) == []
    [checked] = await engine.accounts.check(alice.id)
    assert checked.health.message is not None and "must be SELF_ONLY" in checked.health.message
    with pytest.raises(ValidationError, match="not audited your developer app") as caught:
        await engine.posts.create(video_post(alice, clips["short"], privacy_level="FOLLOWER_OF_CREATOR"))
    assert caught.value.problems[0].rule == "unaudited_app"
    with pytest.raises(ValidationError, match=r"@alice\.makes is public"):
        await engine.posts.create(video_post(alice, clips["short"]))  # SELF_ONLY, but a public account
    assert len(server.inits()) == 1
    server.creators["alice"].private = True
    clock.advance(timedelta(minutes=6))
    done = await engine.posts.create(video_post(alice, clips["short"]), When.now())
    assert done.status is PostStatus.PUBLISHED, done.targets[0].error
    clock.advance(timedelta(days=8))  # a week on, TikTok is asked again (it may have audited the app)
    [checked] = await engine.accounts.check(alice.id)
    assert checked.health.message is None


async def test_a_failed_post_says_why_in_plain_words_and_tiktoks_own_failure_is_retried(
    engine: Engine, alice: Account, server: FakeTikTok, clips: dict[str, Path]
) -> None:
    server.fail_next.append("frame_rate_check_failed")
    post = await engine.posts.create(video_post(alice, clips["short"], text="bad fps"), When.now())
    error = post.targets[0].error
    assert post.status is PostStatus.FAILED and error is not None
    assert error.code is ErrorCode.MEDIA_REJECTED and "23 to 60 frames per second" in error.message
    server.fail_next.append("internal")
    again = await engine.posts.create(video_post(alice, clips["short"], text="second try"), When.now())
    assert again.status is PostStatus.PUBLISHED and again.targets[0].attempts == 2
    assert [p.status for p in server.posts if p.caption == "second try"] == ["FAILED", "PUBLISH_COMPLETE"]


async def test_an_expired_token_is_renewed_and_the_rotated_refresh_token_kept_first(
    engine: Engine, alice: Account, server: FakeTikTok, secrets: MemorySecretStore, clips: dict[str, Path]
) -> None:
    before = dict(secrets.secrets[alice.secret_ref])
    server.oauth.expire_access_tokens()
    post = await engine.posts.create(video_post(alice, clips["short"]), When.now())
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    after = secrets.secrets[alice.secret_ref]
    assert (
        after["refresh_token"] != before["refresh_token"]
        and server.oauth.refresh[before["refresh_token"]].revoked
    )
    refresh = next(r for r in server.requests if b"grant_type=refresh_token" in r.content)
    assert b"client_key=" in refresh.content and b"client_secret=" in refresh.content


async def test_a_dead_refresh_token_breaks_the_account_and_says_reconnect(
    engine: Engine, alice: Account, server: FakeTikTok, clips: dict[str, Path], clock: FakeClock
) -> None:
    for grant in server.oauth.refresh.values():
        grant.revoked = True
    clock.advance(timedelta(hours=2))
    post = await engine.posts.create(video_post(alice, clips["short"]), When.now())
    error = post.targets[0].error
    assert error is not None and error.code is ErrorCode.AUTH_EXPIRED and "Reconnect" in error.message
    assert (await engine.accounts.get(alice.id)).health.state is HealthState.BROKEN
    assert server.inits() == []


async def test_six_inits_a_minute_then_outpost_waits_out_tiktoks_limit(
    engine: Engine, alice: Account, server: FakeTikTok, clips: dict[str, Path], clock: FakeClock
) -> None:
    for n in range(7):
        post = await engine.posts.create(video_post(alice, clips["short"], text=f"clip {n}"), When.now())
        assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    assert len(server.published()) == 7 and 60.0 in clock.sleeps
    limited = [r for r in server.requests if r.url.path.endswith("/video/init/")]
    assert len(limited) == 8  # the seventh was refused once, then sent after the minute


async def test_the_daily_cap_fails_the_post_until_tomorrow_and_shows_on_the_account(
    engine: Engine, alice: Account, server: FakeTikTok, clips: dict[str, Path], clock: FakeClock
) -> None:
    server.creators["alice"].daily_cap = 1
    assert (
        await engine.posts.create(video_post(alice, clips["short"], text="one"), When.now())
    ).status is PostStatus.PUBLISHED
    clock.advance(timedelta(minutes=6))
    post = await engine.posts.create(video_post(alice, clips["short"], text="two"), When.now())
    error = post.targets[0].error
    assert post.status is PostStatus.FAILED and error is not None and error.code is ErrorCode.RATE_LIMITED
    assert "daily limit" in error.message and error.retry_at == clock.now() + timedelta(hours=24)
    assert (await engine.accounts.get(alice.id)).health.rate_limited


async def test_a_lost_init_answer_is_safe_to_retry_and_posts_once(
    engine: Engine, alice: Account, server: FakeTikTok, clips: dict[str, Path]
) -> None:
    server.lose_answers["POST /v2/post/publish/video/init/"] = 1
    post = await engine.posts.create(video_post(alice, clips["short"]), When.now())
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    assert len(server.inits()) == 2 and len(server.published()) == 1  # the first upload was never sent


async def test_a_lost_answer_to_the_last_chunk_is_settled_by_asking_tiktok(
    engine: Engine, alice: Account, server: FakeTikTok, clips: dict[str, Path]
) -> None:
    server.lose_answers["PUT /upload/"] = 2  # the answer and the automatic resend's
    post = await engine.posts.create(video_post(alice, clips["short"]), When.now())
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    assert len(server.inits()) == 1 and len(server.published()) == 1


async def test_a_broken_first_chunk_starts_the_upload_again_and_posts_once(
    engine: Engine, alice: Account, server: FakeTikTok, clips: dict[str, Path]
) -> None:
    server.fail("PUT /upload/", lambda: httpx.Response(503, json={"error": {"code": "internal_error"}}))
    post = await engine.posts.create(video_post(alice, clips["large"]), When.now())
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    assert len(server.inits()) == 2 and len(server.published()) == 1


async def test_a_lost_status_answer_ends_in_review_and_looking_on_tiktok_settles_it(
    engine: Engine, alice: Account, server: FakeTikTok, clips: dict[str, Path]
) -> None:
    server.lose_answers["POST /v2/post/publish/status/fetch/"] = 1
    post = await engine.posts.create(video_post(alice, clips["short"]), When.now())
    target = post.targets[0]
    assert post.status is PostStatus.NEEDS_REVIEW and target.status is TargetStatus.UNKNOWN
    assert "will not send it again" in target.error.message  # type: ignore[union-attr]
    settled = await engine.posts.look_for_unknown(post.id)
    assert settled.status is PostStatus.PUBLISHED and len(server.inits()) == 1
    assert settled.targets[0].platform_post_id == server.posts[0].publish_id


async def test_photos_go_from_the_media_host_to_a_verified_prefix_and_are_deleted_after(
    tmp_path: Path,
    loopback: LoopbackServer,
    clock: FakeClock,
    secrets: MemorySecretStore,
    server: FakeTikTok,
    media_host: LoopbackMediaHost,
) -> None:
    server.oauth.now = lambda: clock.now().timestamp()
    engine = _engine(tmp_path, loopback, clock, secrets, media_host=media_host)
    try:
        await engine.accounts.set_app(Network.TIKTOK, CLIENT_KEY, CLIENT_SECRET)
        access, refresh = server.oauth.issue("alice", SCOPES, CLIENT_KEY)
        alice = await engine.accounts.add(
            Network.TIKTOK, AddAccountRequest(access_token=access, refresh_token=refresh)
        )
        photos = tuple(
            MediaInput(str(media_fixtures.image(tmp_path / f"{n}.png", 1080, 1350))) for n in range(2)
        )
        request = PostInput(
            text="Two photos",
            accounts=(alice.id,),
            media=photos,
            options=(("tiktok", "privacy_level", "SELF_ONLY"),),
        )
        refused = await engine.posts.create(request, When.now())
        error = refused.targets[0].error
        assert refused.status is PostStatus.FAILED and error is not None and "URL properties" in error.message
        assert media_host.objects == {}  # refused: its photos are gone from the bucket
        server.verified_prefixes.append(media_host.base_url + "/outpost/")
        post = await engine.posts.create(request, When.now())
        assert post.status is PostStatus.PUBLISHED, post.targets[0].error
        [made] = server.published()
        assert made.kind == "photo" and made.caption == "Two photos" and len(made.photos) == 2
        assert all(photo.startswith(b"\xff\xd8") for photo in made.photos)  # PNG became JPEG
        assert "disable_duet" not in made.post_info and media_host.objects == {}
    finally:
        await engine.close()


async def test_photos_without_a_media_host_are_refused_with_how_to_set_one(
    engine: Engine, alice: Account, tmp_path: Path
) -> None:
    photo = media_fixtures.image(tmp_path / "p.jpg", 800, 800)
    with pytest.raises(ValidationError, match="media-host set"):
        await engine.posts.create(
            PostInput(
                text="p",
                accounts=(alice.id,),
                media=(MediaInput(str(photo)),),
                options=(("tiktok", "privacy_level", "SELF_ONLY"),),
            )
        )


async def test_tokens_added_by_hand_are_checked_and_a_missing_permission_is_named(
    engine: Engine, server: FakeTikTok
) -> None:
    access, refresh = server.oauth.issue("alice", ("user.info.basic",), CLIENT_KEY)
    with pytest.raises(ValidationError, match=r"video\.publish"):
        await engine.accounts.add(
            Network.TIKTOK, AddAccountRequest(access_token=access, refresh_token=refresh)
        )
    access, refresh = server.oauth.issue("alice", SCOPES, CLIENT_KEY)
    account = await engine.accounts.add(
        Network.TIKTOK, AddAccountRequest(access_token=access, refresh_token=refresh)
    )
    assert account.handle == "alice.makes" and account.avatar_url is not None


async def test_removing_the_account_revokes_the_token_at_tiktok(
    engine: Engine, alice: Account, server: FakeTikTok, secrets: MemorySecretStore
) -> None:
    token = secrets.secrets[alice.secret_ref]["access_token"]
    removal = await engine.accounts.remove(alice.id)
    assert "revoked at TikTok" in removal.network_access and server.oauth.revoked == [token]


async def test_the_fake_refuses_chunks_out_of_plan_with_tiktoks_errors(
    server: FakeTikTok, loopback: LoopbackServer
) -> None:
    """The strict fake itself: a plan against the guide, then chunks out of order or mis-ranged."""
    access, _ = server.oauth.issue("alice", SCOPES, CLIENT_KEY)
    auth = {"Authorization": f"Bearer {access}"}
    async with httpx.AsyncClient(transport=loopback.transport()) as client:

        async def init(size: int, chunk: int, count: int) -> httpx.Response:
            source = {
                "source": "FILE_UPLOAD",
                "video_size": size,
                "chunk_size": chunk,
                "total_chunk_count": count,
            }
            body = {"post_info": {"privacy_level": "SELF_ONLY", "title": "t"}, "source_info": source}
            return await client.post(f"{API}/v2/post/publish/video/init/", json=body, headers=auth)

        for size, chunk, count in (
            (4 * MiB, MiB, 4),
            (20 * MiB, 4 * MiB, 5),
            (20 * MiB, 5 * MiB, 3),
            (70_000_000, 70_000_000, 1),
        ):
            refused = await init(size, chunk, count)
            assert (refused.status_code, refused.json()["error"]["code"]) == (400, "invalid_params"), (
                size,
                chunk,
            )
        started = await init(11 * MiB, 5 * MiB, 2)
        url = started.json()["data"]["upload_url"]
        assert url.startswith(UPLOAD)

        async def put(first: int, last: int, *, total: int = 11 * MiB, header: str | None = None) -> int:
            headers = {
                "Content-Type": "video/mp4",
                "Content-Range": header or f"bytes {first}-{last}/{total}",
            }
            return (await client.put(url, content=bytes(last - first + 1), headers=headers)).status_code

        assert await put(5 * MiB, 11 * MiB - 1) == 416  # out of order: the first chunk comes first
        assert await put(0, 4 * MiB - 1) == 416  # not the planned chunk size
        assert await put(0, 5 * MiB - 1, header="bytes=0-5242879") == 400  # a malformed Content-Range
        assert await put(0, 5 * MiB - 1) == 206
        assert await put(5 * MiB, 11 * MiB - 1) == 201
