"""A PNG looked at without Pillow (issue #26) says exactly what Pillow says, or leaves it to Pillow.

The oracle is the same `examine` through Pillow (asking for a preview always decodes with Pillow):
for every file, the standard-library look either agrees with it field for field, or steps aside
(`png.look` gives None) and the file takes Pillow's path as before — a damaged file is refused
either way.
"""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from outpost.domain.errors import ValidationError
from outpost.media import png
from outpost.media.inspect import MAX_PIXELS, examine, inspect


def _picture(mode: str, size: tuple[int, int] = (37, 23)) -> Image.Image:
    gradient = Image.linear_gradient("L").resize(size)
    return Image.merge("RGB", (gradient, gradient.rotate(90), gradient)).convert(mode)


def _png(mode: str, *, orientation: int | None = None, gps: bool = False, **options: object) -> bytes:
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    if gps:  # Pillow writes the GPS block only beside another tag: the camera's
        exif[0x010F] = "Test Camera"
        exif.get_ifd(0x8825).update({1: "N", 2: (52.0, 31.0, 12.0)})
    out = io.BytesIO()
    _picture(mode).save(out, format="PNG", exif=exif if (orientation or gps) else None, **options)
    return out.getvalue()


def _both(path: Path) -> tuple[object, object]:
    """(the look without Pillow where it vouches, else Pillow's; Pillow's own) — or the errors."""
    results: list[object] = []
    for look in (lambda: inspect(path), lambda: examine(path, preview=8)[0]):
        try:
            results.append(look())
        except ValidationError as exc:
            results.append(("refused", exc.problems[0].rule))
    return results[0], results[1]


@pytest.mark.parametrize(
    ("mode", "orientation", "gps"),
    [
        ("L", None, False),
        ("RGB", None, False),
        ("RGB", 6, True),
        ("RGB", 8, False),
        ("RGB", 3, False),
        ("P", None, False),
        ("LA", 1, False),
        ("RGBA", 5, True),
    ],
)
def test_common_pngs_are_read_without_pillow_and_agree_with_it(
    tmp_path: Path, mode: str, orientation: int | None, gps: bool
) -> None:
    data = _png(mode, orientation=orientation, gps=gps)
    facts = png.look(data, max_pixels=MAX_PIXELS)
    assert facts is not None and facts.has_location is gps  # this is the path taken
    path = tmp_path / "a.png"
    path.write_bytes(data)
    ours, pillows = _both(path)
    assert ours == pillows


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(_png("I;16"), id="16-bit"),
        pytest.param(_png("RGB", transparency=(0, 0, 0)), id="transparent colour"),
        pytest.param(_png("L", transparency=0), id="transparent grey"),
    ],
)
def test_other_pngs_agree_with_pillow_whichever_path_they_take(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "b.png"
    path.write_bytes(data)
    ours, pillows = _both(path)
    assert ours == pillows


def test_an_animated_or_interlaced_png_is_left_to_pillow() -> None:
    out = io.BytesIO()
    _picture("RGB").save(out, format="PNG", save_all=True, append_images=[_picture("RGB").rotate(45)])
    assert png.look(out.getvalue(), max_pixels=MAX_PIXELS) is None
    assert png.look(_with_ihdr_byte(_png("RGB"), 12, 1), max_pixels=MAX_PIXELS) is None  # interlace


def test_exif_in_a_text_chunk_or_xmp_is_left_to_pillow_which_reads_an_orientation_there() -> None:
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_itxt("XML:com.adobe.xmp", '<x:xmpmeta tiff:Orientation="6"/>')
    assert png.look(_png("RGB", pnginfo=info), max_pixels=MAX_PIXELS) is None
    info = PngImagePlugin.PngInfo()
    info.add_text("Software", "a screenshot tool")
    assert png.look(_png("RGB", pnginfo=info), max_pixels=MAX_PIXELS) is not None


def test_a_picture_beyond_the_pixel_limit_is_left_to_pillows_guard() -> None:
    assert png.look(_png("RGB"), max_pixels=37 * 23 - 1) is None


def test_a_cut_short_png_is_refused_as_before(tmp_path: Path) -> None:
    data = _png("RGB")
    path = tmp_path / "cut.png"
    path.write_bytes(data[: len(data) // 2])
    ours, pillows = _both(path)
    assert ours == pillows and ours[0] == "refused"  # type: ignore[index]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.data())
def test_a_damaged_picture_never_passes_the_look_without_pillow_when_pillow_would_refuse_it(
    tmp_path: Path, data: st.DataObject
) -> None:
    """Bytes of the compressed picture changed, its CRC made right again (so only inflating finds it)."""
    original = _png("RGB")
    start, length = _idat(original)
    where = data.draw(st.integers(start, start + length - 1), label="byte")
    value = data.draw(st.integers(0, 255), label="value")
    damaged = bytearray(original)
    damaged[where] = value
    damaged[start + length : start + length + 4] = struct.pack(
        ">I", zlib.crc32(bytes(damaged[start - 4 : start + length]))
    )
    path = tmp_path / "damaged.png"
    path.write_bytes(bytes(damaged))
    ours, pillows = _both(path)
    assert ours == pillows


def test_a_row_with_an_unknown_filter_is_refused_as_before(tmp_path: Path) -> None:
    """Inflating succeeds; only the rows' filter bytes show the damage (Pillow refuses it too)."""
    original = _png("RGB")
    start, length = _idat(original)
    rows = bytearray(zlib.decompress(original[start : start + length]))
    rows[3 * (37 * 3 + 1)] = 7  # the fourth row's filter: PNG has 0-4
    packed = zlib.compress(bytes(rows))
    chunk = struct.pack(">I", len(packed)) + b"IDAT" + packed
    damaged = original[: start - 8] + chunk + struct.pack(">I", zlib.crc32(b"IDAT" + packed))
    damaged += original[start + length + 4 :]
    assert png.look(damaged, max_pixels=MAX_PIXELS) is None
    path = tmp_path / "filter.png"
    path.write_bytes(damaged)
    ours, pillows = _both(path)
    assert ours == pillows and ours[0] == "refused"  # type: ignore[index]


def _idat(data: bytes) -> tuple[int, int]:
    """(where the first IDAT's data starts, its length)."""
    position = 8
    while True:
        length, kind = struct.unpack_from(">I4s", data, position)
        if kind == b"IDAT":
            return position + 8, length
        position += 12 + length


def _with_ihdr_byte(data: bytes, offset: int, value: int) -> bytes:
    """`data` with byte `offset` of the IHDR chunk's data set to `value`, the CRC fixed."""
    changed = bytearray(data)
    changed[16 + offset] = value
    changed[29:33] = struct.pack(">I", zlib.crc32(bytes(changed[12:29])))
    return bytes(changed)
