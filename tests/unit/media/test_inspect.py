"""Inspecting media: real facts from generated files, clear errors for broken ones."""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from outpost.domain.errors import ValidationError
from outpost.media.inspect import MAX_PIXELS, MediaKind, inspect
from tests import media_fixtures


def test_image_facts_with_orientation_and_location(tmp_path: Path) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # shown rotated: 40×30 stored is 30×40 displayed
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0)}
    path = media_fixtures.image(tmp_path / "p.jpg", 40, 30, exif=exif)
    info = inspect(path)
    assert (info.kind, info.mime_type, info.width, info.height, info.orientation, info.has_location) == (
        MediaKind.IMAGE,
        "image/jpeg",
        30,
        40,
        6,
        True,
    )
    assert len(info.sha256) == 64 and info.size == path.stat().st_size


def test_animated_gif_is_told_apart(tmp_path: Path) -> None:
    frames = [Image.new("RGB", (20, 20), colour) for colour in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    path = tmp_path / "a.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=100)
    info = inspect(path)
    assert (info.kind, info.frames) == (MediaKind.ANIMATED_GIF, 3)


def test_heic_is_read(tmp_path: Path) -> None:
    import pillow_heif

    pillow_heif.register_heif_opener()
    path = media_fixtures.image(tmp_path / "photo.heic", 64, 48, fmt="HEIF")
    info = inspect(path)
    assert (info.mime_type, info.width, info.height) == ("image/heic", 64, 48)


def test_video_facts(tmp_path: Path) -> None:
    info = inspect(media_fixtures.video(tmp_path / "v.mp4", 320, 180, seconds=2, fps=25))
    assert (info.kind, info.mime_type, info.width, info.height, info.video_codec) == (
        MediaKind.VIDEO,
        "video/mp4",
        320,
        180,
        "h264",
    )
    assert info.frame_rate == 25 and 1.9 <= (info.duration_s or 0) <= 2.1


@pytest.mark.parametrize("cut", [0.5, 0.9])
def test_truncated_image_is_a_clear_error(tmp_path: Path, cut: float) -> None:
    whole = media_fixtures.image(tmp_path / "whole.png", 200, 200, noise=True).read_bytes()
    path = tmp_path / "cut.png"
    path.write_bytes(whole[: int(len(whole) * cut)])
    with pytest.raises(ValidationError, match="damaged or not a readable image"):
        inspect(path, field="media[1]")


@pytest.mark.parametrize("cut", [0.5, 0.97])
def test_truncated_photo_is_a_clear_error_though_it_is_decoded_small(tmp_path: Path, cut: float) -> None:
    whole = media_fixtures.image(tmp_path / "whole.jpg", 1600, 1200, noise=True, quality=90).read_bytes()
    path = tmp_path / "cut.jpg"
    path.write_bytes(whole[: int(len(whole) * cut)])
    with pytest.raises(ValidationError, match="damaged or not a readable image"):
        inspect(path, field="media[1]")


def test_truncated_video_is_a_clear_error(tmp_path: Path) -> None:
    whole = media_fixtures.video(tmp_path / "whole.mp4").read_bytes()
    path = tmp_path / "cut.mp4"
    path.write_bytes(whole[:200])
    with pytest.raises(ValidationError, match="not a playable video"):
        inspect(path)


def test_decompression_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    # A PNG header claiming 20000×20000 pixels (400 MP): refused from the header alone.
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    path = tmp_path / "bomb.png"
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 20000, 20000, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(b"\x00" * 1000))
        + chunk(b"IEND", b"")
    )
    assert MAX_PIXELS < 20000 * 20000
    with pytest.raises(ValidationError, match="far beyond what any network takes"):
        inspect(path)


def test_mislabelled_file_is_judged_by_its_bytes(tmp_path: Path) -> None:
    path = media_fixtures.image(tmp_path / "really-a-png.jpg", 10, 10, fmt="PNG")
    assert inspect(path).mime_type == "image/png"
