"""Preparing files per network: derived copies that fit, the original untouched, cache swept."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
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
def pipeline(tmp_path: Path) -> Iterator[MediaPipeline]:
    """The window's pipeline: media work in a worker process."""
    pipeline = MediaPipeline(tmp_path / "cache")
    yield pipeline
    pipeline.close()


@pytest.fixture
def in_process(tmp_path: Path) -> MediaPipeline:
    """A one-shot command's pipeline: media work in this process."""
    return MediaPipeline(tmp_path / "cache-in-process", in_process=True)


def children() -> set[int]:
    """This process's child processes, as the kernel lists them."""
    return {
        int(pid)
        for task in Path("/proc/self/task").iterdir()
        for pid in (task / "children").read_text().split()
    }


linux_only = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="reads the kernel's list of child processes"
)


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


@pytest.mark.parametrize("network", [Network.INSTAGRAM, Network.MASTODON])
async def test_a_copy_prepared_by_an_earlier_command_is_reused_with_its_own_size(
    tmp_path: Path, network: Network
) -> None:
    """Each `outpost post create` is a new process: the second finds the copy the first made."""
    source = tmp_path / "wide.png"
    Image.new("RGB", (1000, 400), (0, 0, 255)).save(source)
    first, second = (MediaPipeline(tmp_path / "cache", in_process=True) for _ in range(2))
    made = await first.prepare(first.asset(await first.inspect(str(source))), RULES[network])
    found = await second.prepare(second.asset(await second.inspect(str(source))), RULES[network])
    with Image.open(found.path) as copy:
        assert (found.path, found.size, found.width, found.height) == (made.path, made.size, *copy.size)


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
    blink = media_fixtures.video(tmp_path / "c.mp4", seconds=0.2)  # X takes 0.5 s at least
    clip = pipeline.asset(await pipeline.inspect(str(blink)))
    with pytest.raises(Rejected) as caught:
        await pipeline.prepare(clip, RULES[Network.X])
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


def located_photo(path: Path, *, orientation: int = 1) -> Path:
    """A photo with a camera name and GPS in its EXIF (and a rotation if `orientation` says so)."""
    exif = Image.Exif()
    exif[0x010F] = "Camera Maker"
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)}
    if orientation != 1:
        exif[0x0112] = orientation
    return media_fixtures.image(path, 600, 400, noise=True, exif=exif)


@pytest.mark.parametrize(
    ("name", "orientation", "network"),
    [
        ("upright.jpg", 1, Network.MASTODON),  # fits: its own data without the metadata
        ("sideways.jpg", 6, Network.MASTODON),  # turned upright: re-encoded
        ("upright.png", 1, Network.MASTODON),
        ("upright.png", 1, Network.INSTAGRAM),  # cropped to the network's shape: re-encoded
    ],
)
async def test_in_process_copies_are_the_workers_copies_without_gps_or_exif(
    pipeline: MediaPipeline,
    in_process: MediaPipeline,
    tmp_path: Path,
    name: str,
    orientation: int,
    network: Network,
) -> None:
    source = located_photo(tmp_path / name, orientation=orientation)
    copies = []
    for each in (pipeline, in_process):
        prepared = await each.prepare(each.asset(await each.inspect(str(source)), "alt"), RULES[network])
        copies.append(Path(prepared.path).read_bytes())
        with Image.open(prepared.path) as derived:
            assert not derived.getexif(), f"{name} kept EXIF for {network.label}"
            assert derived.width > 0 and (orientation == 1 or derived.height > derived.width)
    assert copies[0] == copies[1]
    assert b"Camera Maker" not in copies[1]


@linux_only
async def test_in_process_media_work_starts_no_process(in_process: MediaPipeline, tmp_path: Path) -> None:
    before = children()
    source = located_photo(tmp_path / "photo.jpg", orientation=6)
    info = await in_process.inspect(str(source))
    await in_process.thumbnail(info)
    await in_process.prepare(in_process.asset(info), RULES[Network.BLUESKY])
    in_process.close()
    assert children() == before and not in_process.has_worker


WORKER_AND_CLOSE = """
import asyncio, sys
from pathlib import Path
from outpost.media.pipeline import MediaPipeline
from tests.unit.media.test_pipeline import children

async def main():
    pipeline = MediaPipeline(Path(sys.argv[1]))
    await pipeline.inspect(sys.argv[2])
    print(len(children()), pipeline.has_worker)
    pipeline.close()
    print(len(children()))

asyncio.run(main())
"""


@linux_only
async def test_the_worker_is_a_process_of_its_own_and_closing_reaps_everything_it_started(
    tmp_path: Path,
) -> None:
    # In a process of its own: this one may have children of other tests' making.
    photo = located_photo(tmp_path / "photo.jpg")
    script = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        WORKER_AND_CLOSE,
        str(tmp_path / "cache"),
        str(photo),
        stdout=asyncio.subprocess.PIPE,
        cwd=Path(__file__).resolve().parents[3],
    )
    out, _ = await asyncio.wait_for(script.communicate(), timeout=120)
    working, closed = out.decode().splitlines()
    assert working == "2 True"  # the worker and multiprocessing's resource tracker
    assert closed == "0"  # nothing left to outlive Outpost, not even for a moment


@pytest.mark.parametrize("where", ["worker", "in-process"])
async def test_a_sideways_photos_thumbnail_stands_upright_and_is_made_once(
    pipeline: MediaPipeline, in_process: MediaPipeline, tmp_path: Path, where: str
) -> None:
    chosen = pipeline if where == "worker" else in_process
    source = located_photo(tmp_path / "sideways.jpg", orientation=6)  # 600×400 stored, 400×600 seen
    thumbnail = await chosen.thumbnail(await chosen.inspect(str(source)))
    assert thumbnail is not None
    with Image.open(thumbnail) as thumb:
        assert (thumb.format, thumb.size) == ("JPEG", (213, 320))
    made = thumbnail.stat().st_mtime_ns
    assert await chosen.thumbnail(await chosen.inspect(str(source))) == thumbnail
    assert thumbnail.stat().st_mtime_ns == made  # from the cache the second time


async def test_a_file_named_relatively_and_absolutely_is_looked_at_once(
    in_process: MediaPipeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = located_photo(tmp_path / "photo.jpg")
    monkeypatch.chdir(tmp_path)
    as_typed = await in_process.inspect("photo.jpg")  # the command line's --media photo.jpg
    assert as_typed.path == str(source)
    assert await in_process.inspect(str(source)) is as_typed  # the post's path: remembered
    source.write_bytes(source.read_bytes() + b"\0")  # changed: looked at again
    assert await in_process.inspect(str(source)) is not as_typed


@linux_only
async def test_warming_up_starts_the_worker_before_any_file_and_a_command_never_has_one(
    pipeline: MediaPipeline, in_process: MediaPipeline
) -> None:
    before = children()
    in_process.warm_up()
    assert children() == before and not in_process.has_worker
    pipeline.warm_up()
    assert pipeline.has_worker and children() - before
