"""Preparing files per network: derived copies that fit, the original untouched, cache swept."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from outpost.domain.enums import ErrorCode, Network
from outpost.domain.errors import Rejected
from outpost.domain.media_rules import RULES
from outpost.media.pipeline import MediaPipeline
from tests import media_fixtures

pytestmark = pytest.mark.asyncio


@pytest.fixture
def pipeline(tmp_path: Path) -> MediaPipeline:
    return MediaPipeline(tmp_path / "cache")


async def test_instagram_gets_a_cropped_jpeg_around_the_focus_point(
    pipeline: MediaPipeline, tmp_path: Path
) -> None:
    source = tmp_path / "wide.png"
    picture = Image.new("RGB", (1000, 400), (0, 0, 255))
    picture.paste((255, 0, 0), (800, 0, 1000, 400))  # a red band on the right
    picture.save(source)
    asset = pipeline.asset(await pipeline.inspect(str(source)), "alt", focus=(0.95, 0.5))
    prepared = await pipeline.prepare(asset, RULES[Network.INSTAGRAM])
    assert prepared.mime_type == "image/jpeg" and prepared.path != str(source)
    assert abs(prepared.width / prepared.height - 1.91) < 0.01  # type: ignore[operator]
    with Image.open(prepared.path) as derived:
        assert derived.getpixel((derived.width - 5, 200))[0] > 200  # the focus (red band) stayed in view
    assert Path(prepared.path).parent == tmp_path / "cache" / "derived"
    assert source.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"  # the original is untouched


async def test_location_is_stripped_even_when_nothing_else_needs_fixing(
    pipeline: MediaPipeline, tmp_path: Path
) -> None:
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0)}
    source = media_fixtures.image(tmp_path / "gps.jpg", 200, 150, exif=exif)
    prepared = await pipeline.prepare(
        pipeline.asset(await pipeline.inspect(str(source))), RULES[Network.MASTODON]
    )
    with Image.open(prepared.path) as derived:
        assert 0x8825 not in derived.getexif()


async def test_a_prepared_copy_is_reused_and_swept_when_no_post_needs_it(
    pipeline: MediaPipeline, tmp_path: Path
) -> None:
    source = media_fixtures.image(tmp_path / "big.jpg", 1600, 1200, noise=True, quality=98)
    asset = pipeline.asset(await pipeline.inspect(str(source)))
    first = await pipeline.prepare(asset, RULES[Network.BLUESKY])
    second = await pipeline.prepare(asset, RULES[Network.BLUESKY])
    assert first.path == second.path and first.size <= 1_000_000
    assert await pipeline.sweep({asset.sha256 or ""}) == 0 and Path(first.path).exists()
    assert await pipeline.sweep(set()) == 1 and not Path(first.path).exists()


async def test_an_incompatible_file_is_rejected_as_media_rejected(
    pipeline: MediaPipeline, tmp_path: Path
) -> None:
    clip = pipeline.asset(await pipeline.inspect(str(media_fixtures.video(tmp_path / "c.mp4"))))
    with pytest.raises(Rejected) as caught:
        await pipeline.prepare(clip, RULES[Network.BLUESKY])
    assert caught.value.code is ErrorCode.MEDIA_REJECTED


async def test_thumbnails_for_images_and_a_videos_first_frame(
    pipeline: MediaPipeline, tmp_path: Path
) -> None:
    image = await pipeline.thumbnail(
        await pipeline.inspect(str(media_fixtures.image(tmp_path / "i.png", 1000, 500)))
    )
    video = await pipeline.thumbnail(
        await pipeline.inspect(str(media_fixtures.video(tmp_path / "v.mp4", 640, 360)))
    )
    for path, size in ((image, (320, 160)), (video, (320, 180))):
        assert path is not None
        with Image.open(path) as thumb:
            assert (thumb.format, thumb.size) == ("JPEG", size)


async def test_cache_names_cannot_escape_the_cache(pipeline: MediaPipeline) -> None:
    with pytest.raises(ValueError, match="not a cache key"):
        pipeline.cache.derived_path("../../etc/passwd", "0" * 16, "image/jpeg")


async def test_heic_becomes_jpeg_for_a_network_that_does_not_take_it(
    pipeline: MediaPipeline, tmp_path: Path
) -> None:
    import pillow_heif

    pillow_heif.register_heif_opener()
    source = media_fixtures.image(tmp_path / "phone.heic", 120, 90, fmt="HEIF")
    prepared = await pipeline.prepare(pipeline.asset(await pipeline.inspect(str(source))), RULES[Network.X])
    with Image.open(prepared.path) as derived:
        assert (prepared.mime_type, derived.format, derived.size) == ("image/jpeg", "JPEG", (120, 90))
