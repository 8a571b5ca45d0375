"""The YouTube adapter through the engine, against a strict fake YouTube served over loopback.

Videos are made with PyAV in the test (noise, so they do not compress to nothing): a 2-second one
is about 1.5 MB, six chunks of 256 KiB — enough to drop connections between and inside chunks.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import av
import httpx
import pytest
import pytest_asyncio
from PIL import Image

from outpost.adapters.base import AccountContext, MemoryCheckpoints, PartRequest, UploadedMedia
from outpost.adapters.registry import AdapterRegistry
from outpost.adapters.youtube import YouTubeAdapter
from outpost.adapters.youtube_quota import next_reset
from outpost.adapters.youtube_upload import GRANULE
from outpost.domain.enums import ErrorCode, HealthState, Network, PostStatus
from outpost.domain.errors import InvalidStateError, Rejected, ValidationError
from outpost.domain.models import Account, MediaAsset
from outpost.engine import Engine, MediaInput, PostInput, When
from outpost.engine.events import Event, UploadDidProgress
from tests import media_fixtures
from tests.contract.fake_youtube import CLIENT_ID, CLIENT_SECRET, READONLY, SCOPES, UPLOAD, FakeYouTube
from tests.fakes import FakeClock, MemorySecretStore
from tests.support.loopback import LoopbackServer

pytestmark = pytest.mark.asyncio
CHUNK = GRANULE  # the smallest chunk YouTube takes: every test upload is several chunks


def noise_video(path: Path, width: int, height: int, seconds: float, fps: int = 25) -> Path:
    """An H.264 video of noise (hard to compress: a real file's size for its length)."""
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=fps)
        stream.width, stream.height, stream.pix_fmt = width, height, "yuv420p"
        for index in range(int(seconds * fps)):
            frame = Image.effect_noise((width, height), 60 + index % 40).convert("RGB")
            for packet in stream.encode(av.VideoFrame.from_image(frame)):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    made = noise_video(tmp_path_factory.mktemp("videos") / "clip.mp4", 320, 240, 2.0)
    assert 5 * CHUNK < made.stat().st_size < 12 * CHUNK, made.stat().st_size
    return made


@pytest.fixture
def server() -> FakeYouTube:
    return FakeYouTube()


@pytest.fixture
def loopback(server: FakeYouTube) -> Iterator[LoopbackServer]:
    with LoopbackServer(server.handle) as running:
        yield running
    assert running.errors == [], running.errors


def registry(**options: object) -> AdapterRegistry:
    chosen = {"chunk_bytes": CHUNK, "retry_s": 0.5, **options}
    return AdapterRegistry({Network.YOUTUBE: functools.partial(YouTubeAdapter, **chosen)})


async def open_engine(
    tmp_path: Path,
    loopback: LoopbackServer,
    clock: FakeClock,
    secrets: MemorySecretStore,
    server: FakeYouTube,
    folder: str = "data",
    **adapter: object,
) -> Engine:
    """An engine over `tmp_path/folder` with the creator's Google project set, talking to the fake."""
    server.oauth.now = lambda: clock.now().timestamp()  # Google and Outpost share one time, as for real
    eng = Engine.open(
        tmp_path / folder,
        registry=registry(**adapter),
        secrets=secrets,
        clock=clock,
        transport=loopback.transport(),
        media_in_process=True,  # no worker process to start per engine: the command line's way
    )
    await eng.accounts.set_app(Network.YOUTUBE, CLIENT_ID, CLIENT_SECRET, redirect_port=_free_port())
    return eng


async def add_alice(engine: Engine, server: FakeYouTube) -> Account:
    """Alice's channel from tokens made elsewhere (`accounts add youtube --access-token …`)."""
    access, refresh = server.issue()
    return await engine.accounts.add(Network.YOUTUBE, _request(access, refresh))  # type: ignore[arg-type]


@pytest_asyncio.fixture
async def engine(
    tmp_path: Path,
    loopback: LoopbackServer,
    clock: FakeClock,
    secrets: MemorySecretStore,
    server: FakeYouTube,
) -> AsyncIterator[Engine]:
    eng = await open_engine(tmp_path, loopback, clock, secrets, server)
    yield eng
    await eng.close()


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def browser(loopback: LoopbackServer) -> object:
    """A person's browser on Google's consent page: agrees, follows the redirect back."""

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
    return await engine.accounts.connect(Network.YOUTUBE, open_url=browser(loopback))  # type: ignore[arg-type]


def video_post(
    account: Account, media: Path, text: str = "Dyeing wool with onion skins.", **options: str
) -> PostInput:
    chosen = {"title": "Onion skin dye", "made_for_kids": "false", **options}
    return PostInput(
        text=text,
        accounts=(account.id,),
        media=(MediaInput(str(media)),),
        options=tuple(("youtube", key, value) for key, value in chosen.items()),
    )


# -- signing in ----------------------------------------------------------------------------------


async def test_a_creator_signs_in_with_their_google_project_and_gets_a_lasting_sign_in(
    engine: Engine, alice: Account, server: FakeYouTube, secrets: MemorySecretStore
) -> None:
    assert (alice.handle, alice.display_name, alice.target_id) == (
        "@alicemakes",
        "Alice Makes Things",
        "UCalice0000000000000000",
    )
    authorize = next(r for r in server.requests if r.url.path == "/o/oauth2/v2/auth")
    asked = dict(authorize.url.params)
    assert (asked["access_type"], asked["prompt"], asked["code_challenge_method"]) == (
        "offline",
        "consent",
        "S256",
    )
    assert set(asked["scope"].split()) == set(SCOPES)
    assert asked["redirect_uri"].startswith("http://127.0.0.1:")
    token_request = next(r for r in server.requests if r.url.path == "/token")
    assert (
        b"client_secret=GOCSPX-do-not-leak" in token_request.content
        and b"code_verifier=" in token_request.content
    )
    kept = secrets.secrets[alice.secret_ref]
    assert kept["refresh_token"] and kept["client_id"] == CLIENT_ID
    assert alice.health.state is HealthState.OK and alice.avatar_url is not None
    targets = await engine.accounts.targets(alice.id)
    assert [(t.id, t.name, t.kind) for t in targets] == [(alice.target_id, "Alice Makes Things", "channel")]


async def test_a_reconnect_keeps_the_refresh_token_google_did_not_send_again(
    engine: Engine, alice: Account, server: FakeYouTube, secrets: MemorySecretStore, loopback: LoopbackServer
) -> None:
    before = secrets.secrets[alice.secret_ref]["refresh_token"]
    server.oauth.issue_refresh_tokens = False  # consent given before: Google sends an access token only
    await engine.accounts.reconnect(alice.id, open_url=browser(loopback))  # type: ignore[arg-type]
    after = secrets.secrets[alice.secret_ref]
    assert after["refresh_token"] == before and after["access_token"] != ""
    server.oauth.expire_access_tokens()
    [checked] = await engine.accounts.check(alice.id)
    assert checked.health.state is HealthState.OK, checked.health.message  # renewed with the kept token


async def test_a_google_account_without_a_channel_is_told_how_to_make_one(
    engine: Engine, server: FakeYouTube, loopback: LoopbackServer
) -> None:
    server.channels.clear()
    with pytest.raises(ValidationError, match="create_channel"):
        await engine.accounts.connect(Network.YOUTUBE, open_url=browser(loopback))  # type: ignore[arg-type]


async def test_a_token_made_elsewhere_needs_the_project_and_its_refresh_token(
    engine: Engine, server: FakeYouTube
) -> None:
    access, refresh = server.issue()
    with pytest.raises(ValidationError, match="--refresh-token"):
        await engine.accounts.add(Network.YOUTUBE, _request(access, None))
    with pytest.raises(ValidationError, match="--target: this sign-in does not reach the channel UCother"):
        await engine.accounts.add(Network.YOUTUBE, _request(access, refresh, target="UCother"))
    added = await engine.accounts.add(
        Network.YOUTUBE, _request(access, refresh, target="UCalice0000000000000000")
    )
    assert added.handle == "@alicemakes"
    await engine.accounts.remove_app(Network.YOUTUBE)
    with pytest.raises(ValidationError, match="apps set youtube"):
        await engine.accounts.add(Network.YOUTUBE, _request(access, refresh))


def _request(access: str, refresh: str | None, target: str | None = None) -> object:
    from outpost.engine import AddAccountRequest

    return AddAccountRequest(access_token=access, refresh_token=refresh, target_id=target)


async def test_a_sign_in_without_a_permission_names_it_on_the_health_card(
    engine: Engine, server: FakeYouTube
) -> None:
    access, refresh = server.issue(scopes=(UPLOAD, READONLY))  # force-ssl unticked on Google's page
    account = await engine.accounts.add(Network.YOUTUBE, _request(access, refresh))  # type: ignore[arg-type]
    await engine.accounts.check(account.id)
    # The scope is only known from a token answer: renew once so the keyring has it.
    server.oauth.expire_access_tokens()
    [checked] = await engine.accounts.check(account.id)
    assert checked.health.missing_permissions == ("youtube.force-ssl",)
    assert checked.health.state is HealthState.DEGRADED and "youtube.force-ssl" in (
        checked.health.message or ""
    )


# -- publishing ----------------------------------------------------------------------------------


async def test_a_video_goes_up_in_256_kib_chunks_with_its_metadata_and_progress(
    engine: Engine, alice: Account, server: FakeYouTube, clip: Path
) -> None:
    progress: list[tuple[int, int]] = []

    def seen(event: Event) -> None:
        if isinstance(event, UploadDidProgress):
            progress.append((event.sent, event.total))

    engine.events.subscribe(seen)
    request = video_post(
        alice, clip, text="Onion skins give a warm orange.\n#dye", tags="natural dye,wool", category_id="26"
    )
    post = await engine.posts.create(request, When.now())
    target = post.targets[0]
    assert post.status is PostStatus.PUBLISHED, target.error
    [video] = server.videos.values()
    assert video.data == clip.read_bytes()
    assert (target.platform_post_id, target.permalink) == (
        video.id,
        f"https://www.youtube.com/watch?v={video.id}",
    )
    assert video.snippet == {
        "title": "Onion skin dye",
        "description": "Onion skins give a warm orange.\n#dye",
        "categoryId": "26",
        "tags": ["natural dye", "wool"],
    }
    assert video.status["privacyStatus"] == "public" and video.status["selfDeclaredMadeForKids"] is False
    assert video.notify is True
    [session] = server.sessions.values()
    sizes = [last - first + 1 for first, last in session.chunks]
    assert all(size % GRANULE == 0 for size in sizes[:-1]) and len(sizes) >= 5 and session.resent == 0
    assert progress[-1] == (clip.stat().st_size, clip.stat().st_size) and len(progress) >= len(sizes)
    assert server.units_spent() == 1600 + 1  # the upload, and the channel read at sign-in
    [checked] = await engine.accounts.check(alice.id)
    quota = checked.health.quota
    assert quota is not None and quota.used == 1600 + 1  # what Outpost counted: the upload and this check


async def test_every_missing_or_broken_field_is_named_before_anything_is_sent(
    engine: Engine, alice: Account, server: FakeYouTube, clip: Path, tmp_path: Path
) -> None:
    bare = PostInput(text="No title", accounts=(alice.id,), media=(MediaInput(str(clip)),))
    with pytest.raises(ValidationError) as caught:
        await engine.posts.create(bare, When.now())
    fields = {p.field for p in caught.value.problems}
    assert fields == {"--option youtube.title", "--option youtube.made_for_kids"}
    tags = ",".join(["two words"] * 46)  # 46 x 11 + 45 commas = 551 as YouTube counts them (461 as typed)
    broken = video_post(
        alice, clip, text="a <b> tag " + "é" * 2496, title="Ends <here>", tags=tags, category_id="x"
    )
    with pytest.raises(ValidationError) as caught:
        await engine.posts.create(broken, When.now())
    problems = {(p.field, p.rule): p for p in caught.value.problems}
    assert set(problems) == {
        ("text", "max_length"),
        ("text", "characters"),
        ("--option youtube.title", "characters"),
        ("--option youtube.tags", "max_length"),
        ("--option youtube.category_id", "category"),
    }
    assert (
        problems["text", "max_length"].actual,
        problems["--option youtube.tags", "max_length"].actual,
    ) == (5002, 551)
    photo = media_fixtures.image(tmp_path / "photo.jpg", 640, 360)
    with pytest.raises(ValidationError, match="attach one video"):
        await engine.posts.create(
            PostInput(text="a photo", accounts=(alice.id,), media=(MediaInput(str(photo)),),
                      options=(("youtube", "title", "t"), ("youtube", "made_for_kids", "false"))),
            When.now(),
        )  # fmt: skip
    assert server.session_starts() == []


async def test_a_connection_dropped_mid_chunk_resumes_where_youtube_is_and_sends_at_most_one_chunk_again(
    tmp_path: Path,
    loopback: LoopbackServer,
    clock: FakeClock,
    secrets: MemorySecretStore,
    server: FakeYouTube,
    clip: Path,
) -> None:
    chunk = 4 * GRANULE
    eng = await open_engine(tmp_path, loopback, clock, secrets, server, chunk_bytes=chunk)
    try:
        account = await add_alice(eng, server)
        original, seen = server.session_put, {"chunks": 0}

        def dropping(request: httpx.Request, query: dict[str, str], grant: object) -> httpx.Response:
            if not request.headers.get("content-range", "").startswith("bytes */"):
                seen["chunks"] += 1
                if seen["chunks"] == 1:
                    server.drop_next_chunk_after = GRANULE + GRANULE // 2  # YouTube keeps one granule of it
            return original(request, query, grant)  # type: ignore[arg-type]

        server.session_put = dropping  # type: ignore[method-assign]
        post = await eng.posts.create(video_post(account, clip), When.now())
    finally:
        await eng.close()
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    [session] = server.sessions.values()
    [video] = server.videos.values()
    assert video.data == clip.read_bytes() and len(server.session_starts()) == 1
    queries = [r for r in server.requests if r.headers.get("content-range", "").startswith("bytes */")]
    assert len(queries) == 1 and session.chunks[1][0] == GRANULE  # on from where YouTube was, not a guess
    sent = sum(len(r.content) for r in server.chunk_puts())
    assert sent - clip.stat().st_size <= chunk and session.resent == 0


async def test_server_errors_mid_upload_are_waited_out_and_the_upload_goes_on(
    engine: Engine, alice: Account, server: FakeYouTube, clip: Path, clock: FakeClock
) -> None:
    original = server.session_put
    answers = iter([None, None, 503, 500, None])  # third chunk: 503; the status query then: 500

    def flaky(request: httpx.Request, query: dict[str, str], grant: object) -> httpx.Response:
        status = next(answers, None)
        if status is not None:
            return httpx.Response(status, json={"error": {"code": status, "message": "Backend Error",
                                                          "errors": [{"reason": "backendError"}]}})  # fmt: skip
        return original(request, query, grant)  # type: ignore[arg-type]

    server.session_put = flaky  # type: ignore[method-assign]
    post = await engine.posts.create(video_post(alice, clip), When.now())
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    assert len(server.videos) == 1 and len(server.session_starts()) == 1
    assert clock.sleeps[:2] == [0.5, 1.0]  # backoff before each status query


async def test_the_answer_to_the_last_chunk_lost_is_found_by_asking_the_session(
    engine: Engine, alice: Account, server: FakeYouTube, clip: Path
) -> None:
    server.lose_final_answer = True
    post = await engine.posts.create(video_post(alice, clip), When.now())
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    [video] = server.videos.values()
    assert post.targets[0].platform_post_id == video.id and len(server.session_starts()) == 1


async def test_an_upload_stopped_by_a_restart_resumes_the_same_session(
    tmp_path: Path,
    loopback: LoopbackServer,
    clock: FakeClock,
    secrets: MemorySecretStore,
    server: FakeYouTube,
    clip: Path,
) -> None:
    """The network fails every chunk after the second until Outpost gives up; Outpost is closed and
    opened again (the session URI is in the store), and the retry goes on from YouTube's offset."""
    first = await open_engine(tmp_path, loopback, clock, secrets, server)
    account = await add_alice(first, server)
    original, seen = server.session_put, {"chunks": 0}

    def down_after_two(request: httpx.Request, query: dict[str, str], grant: object) -> httpx.Response:
        if not request.headers.get("content-range", "").startswith("bytes */"):
            seen["chunks"] += 1
            if seen["chunks"] > 2:
                return httpx.Response(503, json={"error": {"code": 503, "message": "Backend Error"}})
        return original(request, query, grant)  # type: ignore[arg-type]

    server.session_put = down_after_two  # type: ignore[method-assign]
    failed = await first.posts.create(video_post(account, clip), When.now())
    error = failed.targets[0].error
    assert failed.status is PostStatus.FAILED and error is not None and error.code is ErrorCode.SERVER_ERROR
    await first.close()

    server.session_put = original  # type: ignore[method-assign]
    again = await open_engine(tmp_path, loopback, clock, secrets, server)
    try:
        retried = await again.posts.retry(failed.id)
        assert retried.status is PostStatus.PUBLISHED, retried.targets[0].error
    finally:
        await again.close()
    [session] = server.sessions.values()
    assert len(server.session_starts()) == 1 and len(server.videos) == 1
    assert session.chunks[2][0] == 2 * CHUNK and session.resent == 0  # on from the third chunk, not from 0


async def test_an_expired_session_starts_again_only_while_no_video_can_exist(
    engine: Engine, alice: Account, server: FakeYouTube, clip: Path
) -> None:
    original, seen = server.session_put, {"n": 0}

    def expire_midway(request: httpx.Request, query: dict[str, str], grant: object) -> httpx.Response:
        seen["n"] += 1
        if seen["n"] == 3:
            server.expire_sessions()
        return original(request, query, grant)  # type: ignore[arg-type]

    server.session_put = expire_midway  # type: ignore[method-assign]
    post = await engine.posts.create(video_post(alice, clip), When.now())
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    assert len(server.session_starts()) == 2 and len(server.videos) == 1


async def test_a_session_gone_after_the_last_chunk_is_settled_by_finding_the_video(
    engine: Engine, alice: Account, server: FakeYouTube, clip: Path
) -> None:
    server.lose_final_answer = True
    original = server.session_put

    def expire_after_the_end(request: httpx.Request, query: dict[str, str], grant: object) -> httpx.Response:
        if server.videos:
            server.expire_sessions()  # the video exists; its session is gone before Outpost asks
        return original(request, query, grant)  # type: ignore[arg-type]

    server.session_put = expire_after_the_end  # type: ignore[method-assign]
    post = await engine.posts.create(video_post(alice, clip), When.now())
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    [video] = server.videos.values()
    assert post.targets[0].platform_post_id == video.id and len(server.session_starts()) == 1


# -- quota, limits and refusals -----------------------------------------------------------------


async def test_an_upload_that_would_exceed_the_days_quota_is_refused_with_the_reset_time(
    tmp_path: Path,
    loopback: LoopbackServer,
    clock: FakeClock,
    secrets: MemorySecretStore,
    server: FakeYouTube,
    clip: Path,
) -> None:
    eng = await open_engine(tmp_path, loopback, clock, secrets, server, daily_units=3000)
    try:
        account = await add_alice(eng, server)
        first = await eng.posts.create(video_post(account, clip), When.now())
        assert first.status is PostStatus.PUBLISHED, first.targets[0].error
        second = await eng.posts.create(video_post(account, clip, title="Second"), When.now())
        error = second.targets[0].error
        assert second.status is PostStatus.FAILED and error is not None
        assert error.code is ErrorCode.RATE_LIMITED and error.retry_at == next_reset(clock.now())
        assert "1600 units" in error.message and "midnight Pacific time" in error.message
        assert len(server.session_starts()) == 1  # refused before it was sent
        [checked] = await eng.accounts.check(account.id)
        quota = checked.health.quota
        assert quota is not None and (quota.used, quota.limit, quota.unit) == (1601, 3000, "units")
        assert quota.resets_at == next_reset(clock.now()) and "not enough for an upload" in (
            checked.health.message or ""
        )
        clock.set(next_reset(clock.now()) + timedelta(minutes=1))  # a new Pacific day: the count starts again
        server.oauth.expire_access_tokens()
        third = await eng.posts.create(video_post(account, clip, title="Third"), When.now())
        assert third.status is PostStatus.PUBLISHED, third.targets[0].error
    finally:
        await eng.close()


async def test_googles_own_quota_answer_marks_the_day_used_up(
    engine: Engine, alice: Account, server: FakeYouTube, clip: Path, clock: FakeClock
) -> None:
    server.quota_limit = 1000  # another program spent most of the project's quota
    post = await engine.posts.create(video_post(alice, clip), When.now())
    error = post.targets[0].error
    assert post.status is PostStatus.FAILED and error is not None and error.code is ErrorCode.RATE_LIMITED
    assert "quotaExceeded" in error.message and error.retry_at == next_reset(clock.now())
    [checked] = await engine.accounts.check(alice.id)  # no API call left today: a free token refresh
    assert checked.health.quota is not None and checked.health.quota.left == 0
    assert checked.health.state is HealthState.DEGRADED and checked.health.rate_limit_reset_at == next_reset(
        clock.now()
    )


async def test_youtubes_refusals_are_said_in_plain_words(
    engine: Engine, alice: Account, server: FakeYouTube, clip: Path
) -> None:
    post = await engine.posts.create(video_post(alice, clip, category_id="99"), When.now())
    error = post.targets[0].error
    assert post.status is PostStatus.FAILED and error is not None
    assert error.code is ErrorCode.VALIDATION_ERROR and error.message.startswith("youtube.category_id:")
    server.fail("POST /upload/youtube/v3/videos", lambda: _google(403, "forbidden", "Forbidden"))
    forbidden = await engine.posts.create(video_post(alice, clip), When.now())
    error = forbidden.targets[0].error
    assert error is not None and "owner or manager" in error.message
    server.fail(
        "POST /upload/youtube/v3/videos",
        lambda: _google(
            400, "uploadLimitExceeded", "The user has exceeded the number of videos they may upload."
        ),
    )
    limited = await engine.posts.create(video_post(alice, clip), When.now())
    error = limited.targets[0].error
    assert error is not None and error.code is ErrorCode.RATE_LIMITED and "limit on uploads" in error.message
    assert not server.videos


def _google(status: int, reason: str, message: str) -> httpx.Response:
    return httpx.Response(
        status, json={"error": {"code": status, "message": message, "errors": [{"reason": reason}]}}
    )


async def test_an_expired_token_is_renewed_and_a_revoked_one_breaks_the_account(
    engine: Engine, alice: Account, server: FakeYouTube, clip: Path, secrets: MemorySecretStore
) -> None:
    refresh = secrets.secrets[alice.secret_ref]["refresh_token"]
    server.oauth.expire_access_tokens()
    post = await engine.posts.create(video_post(alice, clip), When.now())
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    assert secrets.secrets[alice.secret_ref]["refresh_token"] == refresh  # Google does not rotate it
    server.oauth.refresh[refresh].revoked = True
    server.oauth.expire_access_tokens()
    broken = await engine.posts.create(video_post(alice, clip, title="Later"), When.now())
    error = broken.targets[0].error
    assert error is not None and error.code is ErrorCode.AUTH_EXPIRED
    account = await engine.accounts.get(alice.id)
    assert account.health.state is HealthState.BROKEN and "Reconnect" in (account.health.message or "")


async def test_a_token_refused_mid_upload_is_renewed_and_the_same_session_goes_on(
    engine: Engine, alice: Account, server: FakeYouTube, clip: Path, secrets: MemorySecretStore
) -> None:
    original, seen = server.session_put, {"n": 0}
    token = secrets.secrets[alice.secret_ref]["access_token"]

    def revoke_midway(request: httpx.Request, query: dict[str, str], grant: object) -> httpx.Response:
        seen["n"] += 1
        if seen["n"] == 3:
            server.oauth.access[token].revoked = True  # Google stops taking this access token
        return original(request, query, grant)  # type: ignore[arg-type]

    server.session_put = revoke_midway  # type: ignore[method-assign]
    post = await engine.posts.create(video_post(alice, clip), When.now())
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    assert server.oauth.refreshes == 1 and secrets.secrets[alice.secret_ref]["access_token"] != token
    assert len(server.session_starts()) == 1 and len(server.videos) == 1


async def test_a_throttled_start_waits_for_googles_time(
    engine: Engine, alice: Account, server: FakeYouTube, clip: Path
) -> None:
    server.fail(
        "POST /upload/youtube/v3/videos",
        lambda: httpx.Response(429, headers={"Retry-After": "3600"}, json={"error": {"code": 429, "message": "Slow down",
                                                                                     "errors": [{"reason": "rateLimitExceeded"}]}}),
    )  # fmt: skip
    post = await engine.posts.create(video_post(alice, clip), When.now())
    error = post.targets[0].error
    assert error is not None and error.code is ErrorCode.RATE_LIMITED and error.retry_at is not None
    assert not server.videos


# -- thumbnails, unaudited projects, removal -----------------------------------------------------


async def test_a_second_image_becomes_the_thumbnail_and_a_refusal_there_keeps_the_video(
    engine: Engine, alice: Account, server: FakeYouTube, clip: Path, tmp_path: Path
) -> None:
    cover = media_fixtures.image(tmp_path / "cover.png", 1280, 720)
    request = video_post(alice, clip)
    with_cover = PostInput(
        text=request.text, accounts=request.accounts, options=request.options,
        media=(MediaInput(str(clip)), MediaInput(str(cover))),
    )  # fmt: skip
    post = await engine.posts.create(with_cover, When.now())
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    [video] = server.videos.values()
    assert video.thumbnail is not None and video.thumbnail.startswith(b"\x89PNG")
    assert post.targets[0].permalink is not None
    server.channels["alice"].thumbnails_allowed = False  # an unverified channel
    second = await engine.posts.create(with_cover, When.now())
    assert second.status is PostStatus.PUBLISHED, second.targets[0].error
    assert len(server.videos) == 2


async def test_an_unaudited_projects_uploads_stay_private_and_the_card_says_why(
    engine: Engine, alice: Account, server: FakeYouTube, clip: Path
) -> None:
    server.private_only = True
    post = await engine.posts.create(video_post(alice, clip), When.now())
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    [checked] = await engine.accounts.check(alice.id)
    assert "audits the project" in (checked.health.message or "")


async def test_removing_the_account_revokes_the_grant(
    engine: Engine, alice: Account, server: FakeYouTube, secrets: MemorySecretStore
) -> None:
    refresh = secrets.secrets[alice.secret_ref]["refresh_token"]
    removal = await engine.accounts.remove(alice.id)
    assert "revoked" in removal.network_access and refresh in server.oauth.revoked


# -- YouTube's own scheduler (publishAt), through the adapter ----------------------------------


class _Vault:
    def __init__(self, credentials: dict[str, str]) -> None:
        self.kept = {"ref": credentials}

    async def read(self, ref: str) -> dict[str, str] | None:
        return self.kept.get(ref)

    async def write(self, ref: str, credentials: dict[str, str]) -> None:
        self.kept[ref] = dict(credentials)


async def test_publish_at_hands_the_video_to_youtube_which_moves_cancels_and_confirms_it(
    loopback: LoopbackServer, server: FakeYouTube, clock: FakeClock, clip: Path
) -> None:
    server.oauth.now = lambda: clock.now().timestamp()
    access, refresh = server.issue()
    credentials = {
        "access_token": access,
        "refresh_token": refresh,
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
    }
    account = Account(id="acc_yt", network=Network.YOUTUBE, handle="@alicemakes", secret_ref="ref",
                      created_at=clock.now(), target_id="UCalice0000000000000000")  # fmt: skip
    ctx = AccountContext(account, _Vault(credentials), asyncio.Lock(), MemoryCheckpoints())
    async with httpx.AsyncClient(transport=loopback.transport()) as client:
        adapter = YouTubeAdapter(client, clock=clock, chunk_bytes=CHUNK, retry_s=0.01)
        assert adapter.native_schedule is not None and adapter.idempotent_publish
        asset = MediaAsset(
            id="med_1", path=str(clip), mime_type="video/mp4", size=clip.stat().st_size, kind="video"
        )

        def part(key: str, **options: str) -> PartRequest:
            chosen = {"title": "Scheduled", "made_for_kids": "true", **options}
            return PartRequest(0, "Out later", (UploadedMedia(asset, asset.id),), dict(chosen), key)

        at = clock.now() + timedelta(days=1)
        scheduled = await adapter.schedule_on_network(ctx, part("k1"), at)
        video = server.videos[scheduled.platform_post_id]
        assert (
            video.status["privacyStatus"] == "private"
            and video.status["publishAt"] == f"{at:%Y-%m-%dT%H:%M:%SZ}"
        )
        assert await adapter.confirm_on_network(ctx, scheduled) is None

        later = at + timedelta(hours=2)
        await adapter.reschedule_on_network(ctx, scheduled, later)
        assert video.status["publishAt"] == f"{later:%Y-%m-%dT%H:%M:%SZ}"
        assert video.status["selfDeclaredMadeForKids"] is True  # the rest of the status survived the update

        clock.set(later + timedelta(minutes=1))
        server.oauth.expire_access_tokens()
        assert server.publish_due() == [video.id]
        confirmed = await adapter.confirm_on_network(ctx, scheduled)
        assert confirmed is not None and confirmed.permalink == f"https://www.youtube.com/watch?v={video.id}"
        with pytest.raises(InvalidStateError, match="already"):
            await adapter.reschedule_on_network(ctx, scheduled, later + timedelta(days=1))
        with pytest.raises(InvalidStateError, match="does not delete published videos"):
            await adapter.cancel_on_network(ctx, scheduled)

        other = await adapter.schedule_on_network(ctx, part("k2"), clock.now() + timedelta(days=2))
        await adapter.cancel_on_network(ctx, other)
        assert other.platform_post_id not in server.videos
        await adapter.cancel_on_network(ctx, other)  # gone already: fine
        handed_again = await adapter.schedule_on_network(ctx, part("k2"), clock.now() + timedelta(days=3))
        assert handed_again.platform_post_id in server.videos  # cancelled, then handed over anew: a new video
        with pytest.raises(Rejected, match="no longer on YouTube"):
            await adapter.confirm_on_network(ctx, other)
        with pytest.raises(InvalidStateError, match="only makes videos public"):
            await adapter.schedule_on_network(
                ctx, part("k3", privacy_status="unlisted"), clock.now() + timedelta(days=1)
            )
        again = await adapter.schedule_on_network(ctx, part("k1"), at)  # the same hand-over sent twice
        assert again.platform_post_id == scheduled.platform_post_id and len(server.session_starts()) == 3
        clock.advance(timedelta(days=31))  # the notes are forgotten a month on: not kept forever
        server.oauth.expire_access_tokens()
        later_again = await adapter.schedule_on_network(ctx, part("k1"), clock.now() + timedelta(days=1))
        assert (
            later_again.platform_post_id != scheduled.platform_post_id and len(server.session_starts()) == 4
        )


async def test_a_lost_post_is_found_among_the_channels_uploads(
    engine: Engine, alice: Account, server: FakeYouTube, clip: Path, clock: FakeClock
) -> None:
    since = clock.now()
    post = await engine.posts.create(video_post(alice, clip, text="Find me\r\nplease"), When.now())
    assert post.status is PostStatus.PUBLISHED
    found = await engine._core.connections.adapter(Network.YOUTUBE).find_published(
        engine._core.connections.context(alice),
        "Find me\nplease",
        since,
    )
    assert found is not None and found.platform_post_id == post.targets[0].platform_post_id


async def test_the_fake_refuses_chunks_that_break_youtubes_rules(server: FakeYouTube) -> None:
    """The fake is as strict as YouTube: a chunk that is not a multiple of 256 KiB, or leaves a gap."""
    access, _ = server.issue()
    auth = {"Authorization": f"Bearer {access}"}
    started = server.handle(
        httpx.Request(
            "POST",
            "https://www.googleapis.com/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status",
            headers={**auth, "X-Upload-Content-Length": str(3 * GRANULE), "X-Upload-Content-Type": "video/mp4",
                     "Content-Type": "application/json; charset=UTF-8"},
            content=json.dumps({"snippet": {"title": "t"}, "status": {"privacyStatus": "private"}}).encode(),
        )
    )  # fmt: skip
    session = started.headers["location"]

    def put(first: int, body: bytes) -> httpx.Response:
        headers = {
            **auth,
            "Content-Length": str(len(body)),
            "Content-Range": f"bytes {first}-{first + len(body) - 1}/{3 * GRANULE}",
        }
        return server.handle(httpx.Request("PUT", session, headers=headers, content=body))

    assert put(0, b"x" * 1000).status_code == 400  # not the last chunk, not a multiple of 256 KiB
    assert put(GRANULE, b"x" * GRANULE).status_code == 400  # a gap: nothing received yet
    answer = put(0, b"x" * GRANULE)
    assert (answer.status_code, answer.headers["range"]) == (308, f"bytes=0-{GRANULE - 1}")
    assert put(GRANULE, b"x" * 2 * GRANULE).status_code == 201
