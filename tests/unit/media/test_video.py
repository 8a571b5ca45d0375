"""Videos a re-encode fixes: an H.264/AAC MP4 copy made off the loop, with progress, cached once."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import av
import pytest

from outpost.domain.compatibility import Compatibility, check
from outpost.domain.enums import ErrorCode, Network
from outpost.domain.errors import Rejected
from outpost.domain.media_rules import RULES, MediaRules
from outpost.media.pipeline import MediaPipeline
from tests import media_fixtures

pytestmark = pytest.mark.asyncio


def x_with(**limits: object) -> MediaRules:
    """X's rules with some video limits made stricter (so a tiny test video breaks them)."""
    video = RULES[Network.X].video
    assert video is not None
    return replace(RULES[Network.X], video=replace(video, **limits))  # type: ignore[arg-type]


def probe(path: str) -> dict[str, object]:
    """What the file really is, read back with PyAV (not with Outpost's own code)."""
    with av.open(path) as container:
        stream = container.streams.video[0]
        frames = sum(1 for _ in container.decode(video=0))
        return {
            "format": container.format.name,
            "codec": stream.codec_context.name,
            "pix_fmt": stream.codec_context.pix_fmt,
            "size": (stream.width, stream.height),
            "fps": round(float(stream.average_rate or 0), 2),
            "frames": frames,
            "audio": [s.codec_context.name for s in container.streams.audio],
        }


@pytest.fixture
def worker(tmp_path: Path) -> Iterator[MediaPipeline]:
    """The window's pipeline: the re-encode runs in the media worker process."""
    pipeline = MediaPipeline(tmp_path / "cache", progress_poll_s=0.01)
    yield pipeline
    pipeline.close()


async def test_a_60_fps_mpeg4_video_too_large_becomes_an_h264_mp4_within_the_limits(
    worker: MediaPipeline, tmp_path: Path
) -> None:
    source = media_fixtures.video(
        tmp_path / "clip.mp4", 640, 480, seconds=2, fps=60, codec="mpeg4", audio=True
    )
    rules = x_with(max_fps=30, max_width=320, max_height=320)
    asset = worker.asset(await worker.inspect(str(source)), "A clip")
    verdict = check(asset, rules)
    assert verdict.status is Compatibility.FIXABLE
    assert verdict.fix == "re-encode to H.264 at 320×240, 30 fps"
    before = source.read_bytes()
    seen: list[tuple[int, int]] = []
    prepared = await worker.prepare(asset, rules, lambda done, total: seen.append((done, total)))
    assert Path(prepared.path).parent == tmp_path / "cache" / "derived" and prepared.path.endswith(".mp4")
    assert probe(prepared.path) == {
        "format": "mov,mp4,m4a,3gp,3g2,mj2",
        "codec": "h264",
        "pix_fmt": "yuv420p",
        "size": (320, 240),
        "fps": 30.0,
        "frames": 60,  # every other frame of 120
        "audio": ["aac"],
    }
    assert (prepared.mime_type, prepared.width, prepared.height, prepared.video_codec) == (
        "video/mp4",
        320,
        240,
        "h264",
    )
    assert prepared.id == asset.id and prepared.alt_text == "A clip" and prepared.sha256 == asset.sha256
    assert seen and seen[-1] == (60, 60) and [done for done, _ in seen] == sorted(done for done, _ in seen)
    assert source.read_bytes() == before  # the original is never touched
    # The copy is cached by the source's hash and the plan: the second prepare encodes nothing.
    mtime = Path(prepared.path).stat().st_mtime_ns
    again: list[tuple[int, int]] = []
    second = await worker.prepare(asset, rules, lambda done, total: again.append((done, total)))
    assert second.path == prepared.path and Path(second.path).stat().st_mtime_ns == mtime and again == []
    assert [p.name for p in (tmp_path / "cache" / "derived").iterdir()] == [Path(prepared.path).name]
    assert await worker.sweep(set()) == 1 and not Path(prepared.path).exists()


async def test_webm_for_linkedin_becomes_mp4_in_process_and_as_a_visible_fixed_copy(tmp_path: Path) -> None:
    pipeline = MediaPipeline(tmp_path / "cache", in_process=True)
    webm = media_fixtures.video(tmp_path / "clip.webm", 160, 120, seconds=3.2, fps=10, codec="libvpx")
    info = await pipeline.inspect(str(webm))
    assert check(info, RULES[Network.LINKEDIN]).fix == "re-encode to H.264 at 160×120, 10 fps"
    prepared = await pipeline.prepare(pipeline.asset(info), RULES[Network.LINKEDIN])
    assert probe(prepared.path)["codec"] == "h264" and prepared.mime_type == "video/mp4"
    assert check(prepared, RULES[Network.LINKEDIN]).status is Compatibility.COMPATIBLE
    seen: list[tuple[int, int]] = []
    fixed = await pipeline.fixed_copy(
        info,
        RULES[Network.LINKEDIN],
        tmp_path / "fixed",
        focus=(0.5, 0.5),
        progress=lambda *p: seen.append(p),
    )
    assert seen[-1] == (32, 32)  # 3.2 s at 10 fps
    assert fixed == tmp_path / "fixed" / "clip-for-linkedin.mp4"
    assert probe(str(fixed))["size"] == (160, 120) and fixed.stat().st_mode & 0o077 == 0
    assert sorted(p.name for p in fixed.parent.iterdir()) == ["clip-for-linkedin.mp4"]  # no leftovers


async def test_a_video_too_long_is_rejected_not_cut(tmp_path: Path) -> None:
    pipeline = MediaPipeline(tmp_path / "cache", in_process=True)
    clip = media_fixtures.video(tmp_path / "clip.mp4", seconds=2, codec="mpeg4")
    asset = pipeline.asset(await pipeline.inspect(str(clip)))
    with pytest.raises(Rejected) as caught:
        await pipeline.prepare(asset, x_with(max_duration_s=1))
    assert caught.value.code is ErrorCode.MEDIA_REJECTED
    assert "2 s is longer than 1 s" in str(caught.value) and "Export the video again" in str(caught.value)
    assert not (tmp_path / "cache" / "derived").exists()  # nothing was encoded


async def test_a_compatible_video_goes_as_it_is(tmp_path: Path) -> None:
    pipeline = MediaPipeline(tmp_path / "cache", in_process=True)
    clip = media_fixtures.video(tmp_path / "clip.mp4", seconds=1)
    asset = pipeline.asset(await pipeline.inspect(str(clip)))
    assert (await pipeline.prepare(asset, RULES[Network.X])).path == str(clip)


async def test_a_video_over_the_byte_limit_is_re_encoded_under_it(tmp_path: Path) -> None:
    pipeline = MediaPipeline(tmp_path / "cache", in_process=True)
    source = media_fixtures.video(tmp_path / "heavy.mp4", 640, 480, seconds=2, fps=30, codec="mpeg4")
    limit = source.stat().st_size * 3 // 4  # still room for a watchable bitrate over 2 s
    rules = x_with(codecs=None, max_bytes=limit)
    asset = pipeline.asset(await pipeline.inspect(str(source)))
    verdict = check(asset, rules)
    assert verdict.status is Compatibility.FIXABLE and (verdict.fix or "").endswith(
        f"under {limit / 1e6:.1f} MB"
    )
    prepared = await pipeline.prepare(asset, rules)
    assert prepared.size <= limit and Path(prepared.path).stat().st_size == prepared.size
    assert probe(prepared.path)["codec"] == "h264"


async def test_a_portrait_phone_clip_stays_upright(tmp_path: Path) -> None:
    pipeline = MediaPipeline(tmp_path / "cache", in_process=True)
    source = media_fixtures.video(tmp_path / "phone.mp4", 320, 240, seconds=1, codec="mpeg4", rotation=90)
    prepared = await pipeline.prepare(pipeline.asset(await pipeline.inspect(str(source))), RULES[Network.X])
    with av.open(prepared.path) as container:
        assert next(container.decode(video=0)).rotation == 90
