"""Bluesky video through the engine, against the strict fake PDS and video service over loopback.

The videos are made with PyAV on the spot (tests/media_fixtures.py); nothing binary is stored.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio

from outpost.adapters.base import AddAccountRequest
from outpost.adapters.bluesky import BlueskyAdapter
from outpost.adapters.registry import AdapterRegistry
from outpost.domain.enums import ErrorCode, HealthState, Network, PostStatus
from outpost.domain.errors import ValidationError
from outpost.domain.models import Account, Post
from outpost.engine import Engine, MediaInput, PostInput, When
from outpost.engine.events import Event, UploadDidProgress
from tests import media_fixtures
from tests.contract.fake_bluesky import PDS, FakePds
from tests.contract.fake_bluesky_video import VIDEO_DID, FakeBluesky, FakeVideoService
from tests.fakes import START, FakeClock, MemorySecretStore
from tests.support.loopback import served

pytestmark = pytest.mark.asyncio


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return media_fixtures.video(tmp_path_factory.mktemp("videos") / "clip.mp4", 320, 240, seconds=1, fps=10)


@pytest.fixture
def pds(clock: FakeClock) -> FakePds:
    return FakePds(now=clock.now)


@pytest.fixture
def video(pds: FakePds) -> FakeVideoService:
    return FakeVideoService(pds)


@pytest_asyncio.fixture
async def engine(
    tmp_path: Path, pds: FakePds, video: FakeVideoService, clock: FakeClock, secrets: MemorySecretStore
) -> AsyncIterator[Engine]:
    adapter = functools.partial(BlueskyAdapter, fetch_cards=False, video_poll_s=0.001)
    registry = AdapterRegistry({Network.BLUESKY: adapter})
    with served(FakeBluesky(pds, video).handle_request) as transport:
        eng = Engine.open(
            tmp_path / "data", registry=registry, secrets=secrets, clock=clock, transport=transport
        )
        yield eng
        await eng.close()


@pytest_asyncio.fixture
async def alice(engine: Engine, pds: FakePds) -> Account:
    return await engine.accounts.add(
        Network.BLUESKY,
        AddAccountRequest(handle="alice.example", app_password=pds.app_password, service_url=PDS),
    )


async def post_video(engine: Engine, account: Account, path: Path, alt: str = "A colour fading") -> Post:
    return await engine.posts.create(
        PostInput(text="Dyeing day", accounts=(account.id,), media=(MediaInput(str(path), alt),)), When.now()
    )


def failure(post: Post) -> tuple[ErrorCode, str]:
    assert post.status is PostStatus.FAILED, post
    error = post.targets[0].error
    assert error is not None
    return error.code, error.message


async def test_a_video_goes_through_the_video_service_as_the_official_app_sends_it(
    engine: Engine, alice: Account, pds: FakePds, video: FakeVideoService, clip: Path
) -> None:
    events: list[Event] = []
    engine.events.subscribe(events.append)
    post = await post_video(engine, alice, clip)
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    progress = [e for e in events if isinstance(e, UploadDidProgress)]
    assert progress and progress[-1].sent == progress[-1].total == clip.stat().st_size  # the bar moves
    [record] = pds.records.values()
    embed = record["value"]["embed"]
    [job] = video.jobs.values()
    assert embed == {
        "$type": "app.bsky.embed.video",
        "video": job.blob,
        "alt": "A colour fading",
        "aspectRatio": {"width": 320, "height": 240},
    }
    assert embed["video"]["ref"]["$link"] in pds.blob_store  # stored on the PDS by the service
    # Two tokens from the PDS: the limits' for the video service, the upload's for the PDS itself,
    # for the 30 minutes the tutorial recommends (the service stores the result with it later).
    limits_token, upload_token = pds.service_tokens
    assert (limits_token["aud"], limits_token["lxm"]) == (VIDEO_DID, "app.bsky.video.getUploadLimits")
    assert (upload_token["aud"], upload_token["lxm"]) == (
        "did:web:pds.example",
        "com.atproto.repo.uploadBlob",
    )
    assert upload_token["exp"] == int((START + timedelta(minutes=30)).timestamp())
    [upload] = video.uploads
    assert upload.url.params["did"] == pds.did and upload.headers["content-type"] == "video/mp4"
    assert "clip" not in upload.url.params["name"]  # the file's own name stays on this computer
    assert upload.content == clip.read_bytes()
    assert video.polls == [
        "JOB_STATE_ENCODING",
        "JOB_STATE_SCANNING",
        "JOB_STATE_UPLOADING",
        "JOB_STATE_COMPLETED",
    ]
    assert (video.used_videos, video.used_bytes) == (1, clip.stat().st_size)


async def test_a_video_the_service_already_processed_is_posted_from_that_job(
    engine: Engine, alice: Account, pds: FakePds, video: FakeVideoService, clip: Path
) -> None:
    first = await post_video(engine, alice, clip)
    again = await post_video(engine, alice, clip)  # the same clip: the service answers 409 already_exists
    assert first.status is again.status is PostStatus.PUBLISHED, again.targets[0].error
    embeds = [r["value"]["embed"]["video"] for r in pds.records.values()]
    assert len(embeds) == 2 and embeds[0] == embeds[1] and len(video.jobs) == 1 and video.used_videos == 1


async def test_a_lost_upload_answer_goes_on_with_the_job_the_service_made(
    engine: Engine, alice: Account, pds: FakePds, video: FakeVideoService, clip: Path
) -> None:
    video.drop_next_upload_answer = True  # the service took the video; its answer never came
    post = await post_video(engine, alice, clip)
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    assert len(video.uploads) == 2 and len(video.jobs) == 1 and len(pds.records) == 1


def _daily_bytes_nearly_used(video: FakeVideoService) -> None:
    video.used_bytes = video.daily_bytes - 100


def _upload_says_email(video: FakeVideoService) -> None:
    video.pds.email_confirmed, video.limits_check_email = False, False  # only the upload refuses


REFUSALS: dict[str, tuple[Any, ErrorCode, tuple[str, ...], bool]] = {
    # name: (how the service is set up, code, words the message must have, whether it was uploaded)
    "email not confirmed": (
        lambda v: setattr(v.pds, "email_confirmed", False),
        ErrorCode.VALIDATION_ERROR,
        ("confirmed", "Settings → Account → Email"),
        False,
    ),
    "email, said by the upload": (
        _upload_says_email,
        ErrorCode.VALIDATION_ERROR,
        ("confirmed", "Settings → Account → Email"),
        True,
    ),
    "daily videos used up": (
        lambda v: setattr(v, "used_videos", v.daily_videos),
        ErrorCode.RATE_LIMITED,
        ("today's video uploads", "tomorrow"),
        False,
    ),
    "daily bytes nearly used up": (
        _daily_bytes_nearly_used,
        ErrorCode.RATE_LIMITED,
        ("0.0 MB of video uploads are left today", "tomorrow"),
        False,
    ),
    "not allowed": (
        lambda v: setattr(v, "allowed", False),
        ErrorCode.VALIDATION_ERROR,
        ("does not allow this account to upload videos",),
        False,
    ),
    "too large for the service": (
        lambda v: setattr(v, "max_bytes", 1000),
        ErrorCode.MEDIA_REJECTED,
        ("too large", "takes at most 0 MB", "Shorten it"),
        True,
    ),
    "too long for the service": (
        lambda v: setattr(v, "max_duration_s", 0.5),
        ErrorCode.MEDIA_REJECTED,
        ("could not use the file", "Video is too long (1s, the limit is 0s)"),
        True,
    ),
    "unsupported format": (
        lambda v: setattr(v, "codecs", frozenset({"hevc"})),
        ErrorCode.MEDIA_REJECTED,
        ("could not use the file", "export it as an MP4 (H.264)", "Unsupported video codec: h264"),
        True,
    ),
    "processing failed": (
        lambda v: setattr(
            v,
            "fail_next_job",
            {"failureCode": "encoding_failure", "message": "Failed to process video", "error": "video error"},
        ),
        ErrorCode.MEDIA_REJECTED,
        ("could not convert the video", "the service said: Failed to process video; video error"),
        True,
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS))
async def test_each_refusal_is_said_in_its_own_plain_words(
    engine: Engine, alice: Account, pds: FakePds, video: FakeVideoService, clip: Path, case: str
) -> None:
    arrange, code, words, uploaded = REFUSALS[case]
    arrange(video)
    post = await post_video(engine, alice, clip)
    got_code, message = failure(post)
    assert got_code is code and alice.ref in message, message
    for word in words:
        assert word in message
    assert bool(video.uploads) is uploaded and pds.records == {}


async def test_a_file_type_the_service_does_not_take_is_said_so(
    engine: Engine, alice: Account, video: FakeVideoService, tmp_path: Path
) -> None:
    video.types = frozenset({"video/mp4"})  # as the lexicon's input encoding says
    webm = media_fixtures.video(tmp_path / "clip.webm", 64, 48, seconds=0.5, fps=10, codec="libvpx-vp9")
    code, message = failure(await post_video(engine, alice, webm))
    assert code is ErrorCode.MEDIA_REJECTED and "does not take this kind of file" in message
    assert "unsupported content type: video/webm" in message and "export it as an MP4" in message


async def test_an_upload_permission_for_the_wrong_server_is_refused_by_the_service(
    engine: Engine, alice: Account, pds: FakePds, video: FakeVideoService, clip: Path
) -> None:
    pds.service_did = "did:web:elsewhere.example"  # not the server the token was made for
    code, message = failure(await post_video(engine, alice, clip))
    assert code is ErrorCode.VALIDATION_ERROR and "BadJwtAudience: jwt audience does not match" in message


async def test_an_upload_permission_that_runs_out_during_processing_fails_the_job(
    engine: Engine, alice: Account, video: FakeVideoService, clock: FakeClock, clip: Path
) -> None:
    video.on_poll = lambda: clock.advance(timedelta(minutes=11))  # processing takes 40 minutes
    code, message = failure(await post_video(engine, alice, clip))
    assert code is ErrorCode.MEDIA_REJECTED and "could not store it on the account's server" in message
    assert "JwtExpired" in message


async def test_rules_bluesky_applies_are_checked_before_anything_is_sent(
    engine: Engine, alice: Account, video: FakeVideoService, clip: Path, tmp_path: Path
) -> None:
    photo = media_fixtures.image(tmp_path / "photo.png", 40, 30)
    long_clip = media_fixtures.video(tmp_path / "long.mp4", 16, 16, seconds=601, fps=1)
    cases = {
        "takes a video only on its own": (MediaInput(str(clip), "a"), MediaInput(str(photo), "b")),
        "601 s is longer than 600 s": (MediaInput(str(long_clip), "long"),),
        "alt text is 1001 characters, over Bluesky's limit of 1000": (MediaInput(str(clip), "é" * 1001),),
    }
    for said, media in cases.items():
        with pytest.raises(ValidationError, match=said):
            await engine.posts.create(PostInput(text="v", accounts=(alice.id,), media=media), When.now())
    assert video.uploads == [] and video.polls == []


async def test_the_health_card_shows_what_is_left_today_and_validation_uses_it(
    engine: Engine, alice: Account, video: FakeVideoService, clock: FakeClock, clip: Path
) -> None:
    video.used_videos, video.used_bytes = 3, 400_000_000
    [checked] = await engine.accounts.check(alice.id)
    quota = checked.health.quota
    assert quota is not None and (quota.left, quota.unit, quota.limit_known) == (22, "videos", False)
    assert quota.bytes_left == 9_600_000_000 and checked.health.message is None
    video.used_bytes = video.daily_bytes - 100  # 100 bytes left: less than the clip
    await engine.accounts.check(alice.id)
    with pytest.raises(
        ValidationError, match=r"but bluesky:alice.example has only 0.0 MB of video uploads left"
    ):
        await post_video(engine, alice, clip)
    video.used_videos = video.daily_videos
    [checked] = await engine.accounts.check(alice.id)
    assert checked.health.quota is not None and checked.health.quota.left == 0
    assert checked.health.state is HealthState.OK  # text and pictures still go out
    assert "No video uploads now: today's video uploads on Bluesky are used up" in (
        checked.health.message or ""
    )
    with pytest.raises(ValidationError, match="cannot upload a video now") as refused:
        await post_video(engine, alice, clip)
    assert "Check now" in str(refused.value) and video.uploads == []
    clock.advance(timedelta(hours=2))  # the check is old news now: the upload asks the service itself
    code, message = failure(await post_video(engine, alice, clip))
    assert code is ErrorCode.RATE_LIMITED and "today's video uploads" in message and video.uploads == []


async def test_an_unconfirmed_email_is_on_the_health_card(
    engine: Engine, alice: Account, pds: FakePds
) -> None:
    pds.email_confirmed = False
    [checked] = await engine.accounts.check(alice.id)
    assert checked.health.quota is not None and checked.health.quota.left == 0
    assert "whose email address is confirmed" in (checked.health.message or "")
