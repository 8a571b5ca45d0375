"""Metadata out, picture untouched: the copy of a PNG or JPEG that already fits (issue #26)."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageCms, PngImagePlugin

from outpost.domain.compatibility import FixPlan
from outpost.media.images import derive
from outpost.media.strip import strip_metadata

SECRET = b"Secret Street 12"


def located() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "Camera Maker"
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0), 3: "E", 4: (13.0, 24.0, 36.0)}
    return exif


def photo(size: tuple[int, int] = (64, 48)) -> Image.Image:
    """A small picture with detail, so a re-encode would change its pixels."""
    grain, gradient = Image.effect_noise(size, 60).convert("L"), Image.linear_gradient("L").resize(size)
    return Image.merge("RGB", (grain, gradient, grain.transpose(Image.Transpose.FLIP_LEFT_RIGHT)))


def png_chunks(data: bytes) -> list[bytes]:
    kinds, position = [], 8
    while position < len(data):
        (length,) = struct.unpack_from(">I", data, position)
        kinds.append(data[position + 4 : position + 8])
        position += 12 + length
    return kinds


def png_chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def jpeg_markers(data: bytes) -> list[int]:
    """The markers before the first scan."""
    markers, position = [], 2
    while data[position + 1] != 0xDA:
        markers.append(data[position + 1])
        (length,) = struct.unpack_from(">H", data, position + 2)
        position += 2 + length
    return markers


def pixels(data: bytes) -> bytes:
    with Image.open(io.BytesIO(data)) as image:
        return image.convert("RGB").tobytes()


def test_a_png_loses_exif_gps_text_and_time_and_keeps_its_pixels_and_colour_profile() -> None:
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", SECRET.decode())
    info.add_itxt("XML:com.adobe.xmp", f"<x:xmpmeta>{SECRET.decode()}</x:xmpmeta>", zip=True)
    info.add(b"tIME", b"\x07\xe9\x0b\x19\x0c\x00\x00")
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    photo().save(buffer, format="PNG", exif=located(), pnginfo=info, icc_profile=profile)
    original = buffer.getvalue() + b"appended after the end: " + SECRET

    stripped = strip_metadata(original, "PNG")

    assert stripped is not None
    assert set(png_chunks(stripped)) == {b"IHDR", b"iCCP", b"IDAT", b"IEND"}
    assert SECRET not in stripped
    assert pixels(stripped) == pixels(original)
    with Image.open(io.BytesIO(stripped)) as image:
        assert not image.getexif() and image.info.get("icc_profile") == profile


def test_a_jpeg_loses_exif_xmp_iptc_comments_thumbnail_and_trailer_and_keeps_its_pixels() -> None:
    buffer = io.BytesIO()
    photo().save(buffer, format="JPEG", quality=85, exif=located(), comment=SECRET, progressive=True)
    data = buffer.getvalue()
    xmp = b"\xff\xe1" + struct.pack(">H", 2 + 29 + len(SECRET)) + b"http://ns.adobe.com/xap/1.0/\0" + SECRET
    iptc = b"\xff\xed" + struct.pack(">H", 2 + 14 + len(SECRET)) + b"Photoshop 3.0\0" + SECRET
    thumb = b"JFIF\0\x01\x01\x00\x00\x01\x00\x01\x01\x01" + SECRET[:3]  # a 1×1 thumbnail in APP0
    jfif = b"\xff\xe0" + struct.pack(">H", 2 + len(thumb)) + thumb
    start = data.index(b"\xff\xe1")  # after Pillow's own APP0
    original = data[:2] + jfif + data[start:].replace(b"\xff\xda", xmp + iptc + b"\xff\xda", 1)
    original += b"MPO second picture or maker trailer: " + SECRET

    stripped = strip_metadata(original, "JPEG")

    assert stripped is not None
    assert jpeg_markers(stripped) == [m for m in jpeg_markers(original) if m not in (0xE1, 0xED, 0xFE)]
    assert SECRET not in stripped and SECRET[:3] not in stripped[:40]
    assert stripped.endswith(b"\xff\xd9")
    assert pixels(stripped) == pixels(original)
    with Image.open(io.BytesIO(stripped)) as image:
        assert not image.getexif() and "comment" not in image.info


def test_a_jpeg_keeps_its_colour_profile_and_adobe_colour_flags() -> None:
    profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    buffer = io.BytesIO()
    photo().save(buffer, format="JPEG", icc_profile=profile, exif=located())
    data = buffer.getvalue()
    adobe = b"\xff\xee\x00\x0eAdobe\x00\x64\x00\x00\x00\x00\x01"
    original = data[:2] + adobe + data[2:]

    stripped = strip_metadata(original, "JPEG")

    assert stripped is not None and adobe in stripped
    with Image.open(io.BytesIO(stripped)) as image:
        assert image.info.get("icc_profile") == profile and not image.getexif()


@pytest.mark.parametrize(
    ("fmt", "broken"),
    [
        ("PNG", b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", b"\0" * 13)[:-6]),  # cut inside a chunk
        ("PNG", b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", b"\0" * 13)),  # no IEND
        ("PNG", b"\x89PNG\r\n\x1a\n" + png_chunk(b"acTL", b"\0" * 8) + png_chunk(b"IEND", b"")),  # APNG
        ("JPEG", b"\xff\xd8\xff\xe1\x00\x40short"),  # a segment longer than the file
        ("JPEG", b"\xff\xd8\xff\xda\x00\x02\x12\x34"),  # a scan that never ends
        ("JPEG", b"GIF89a"),
        ("WEBP", b"RIFF\0\0\0\0WEBPVP8 "),
    ],
    ids=["png-cut", "png-no-end", "apng", "jpeg-cut", "jpeg-endless-scan", "not-jpeg", "webp"],
)
def test_anything_unexpected_is_left_to_a_re_encode(fmt: str, broken: bytes) -> None:
    assert strip_metadata(broken, fmt) is None


def test_an_upright_jpeg_that_fits_goes_as_its_own_compressed_data(tmp_path: Path) -> None:
    path = tmp_path / "fits.jpg"
    photo((400, 300)).save(path, quality=95, exif=located())

    fitted = derive(path, FixPlan(max_bytes=5_000_000))

    assert (fitted.mime_type, fitted.width, fitted.height) == ("image/jpeg", 400, 300)
    assert pixels(fitted.data) == pixels(path.read_bytes())  # a re-encode would change them
    assert len(fitted.data) < path.stat().st_size
    with Image.open(io.BytesIO(fitted.data)) as image:
        assert not image.getexif()


def test_a_rotated_jpeg_is_still_turned_upright(tmp_path: Path) -> None:
    path = tmp_path / "sideways.jpg"
    exif = located()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    photo((400, 300)).save(path, quality=95, exif=exif)

    fitted = derive(path, FixPlan(max_bytes=5_000_000))

    assert (fitted.width, fitted.height) == (300, 400)
    with Image.open(io.BytesIO(fitted.data)) as image:
        assert not image.getexif()


def test_a_copy_needing_a_smaller_size_is_still_re_encoded(tmp_path: Path) -> None:
    path = tmp_path / "big.png"
    photo((400, 300)).save(path, exif=located())

    fitted = derive(path, FixPlan(max_width=200))

    assert (fitted.width, fitted.height) == (200, 150)
