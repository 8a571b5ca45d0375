"""Looking at a PNG with the standard library only: what `inspect` needs, and proof it all reads.

Pillow costs a one-shot command ~50 ms to load and ~20 ms to decode a 1200×800 picture, before
the post's first byte goes out (issue #26); for the PNGs people post most — screenshots and
exports: 8 bits a channel, not interlaced, not animated — none of it is needed. Here the file's
chunks are walked with every CRC checked, the picture's compressed data is inflated in full
(a damaged or truncated stream fails, as Pillow's decoding would) to exactly the size the header
promises, and every row's filter byte is checked; the EXIF chunk gives the orientation and
whether a GPS position is there.

Any other PNG (16-bit, interlaced, animated, EXIF after the picture data or in a text chunk,
XMP, anything unexpected) gives None, and Pillow looks at the file as before. Blocking; pure bytes and `zlib`.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

__all__ = ["GPS_TAG", "ORIENTATION_TAG", "PngFacts", "look"]

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: colour type → (channels, the mode Pillow reports), for 8 bits a channel.
_COLOUR_TYPES = {0: (1, "L"), 2: (3, "RGB"), 3: (1, "P"), 4: (2, "LA"), 6: (4, "RGBA")}
#: EXIF's tags for the picture's orientation and the GPS block (Pillow's readers use them too).
ORIENTATION_TAG = 0x0112
GPS_TAG = 0x8825
#: Text chunks Pillow reads an orientation or EXIF from (ImageMagick's, XMP): Pillow decides.
_PILLOW_READS = (b"Raw profile type exif", b"XML:com.adobe.xmp")


class _Unsure(Exception):
    """Not a PNG this reader vouches for: Pillow decides (it words the error, if there is one)."""


@dataclass(frozen=True)
class PngFacts:
    """What `inspect` needs to know about a PNG whose every byte was checked."""

    width: int
    height: int
    mode: str
    orientation: int
    has_location: bool


def look(data: bytes, *, max_pixels: int) -> PngFacts | None:
    """The facts of the PNG `data`, checked through; None when Pillow should look instead.

    `max_pixels`: a bigger picture is left to Pillow's guard (and its words) without inflating.
    """
    try:
        return _look(data, max_pixels)
    except (_Unsure, struct.error, zlib.error, IndexError, ValueError):
        return None


def _look(data: bytes, max_pixels: int) -> PngFacts:
    if not data.startswith(_SIGNATURE):
        raise _Unsure
    header: tuple[int, ...] | None = None
    exif: bytes | None = None
    inflater = zlib.decompressobj()
    pixels = bytearray()
    expected = 0
    seen_data = ended = False
    position = len(_SIGNATURE)
    while not ended:
        length, kind = struct.unpack_from(">I4s", data, position)
        body = data[position + 8 : position + 8 + length]
        (crc,) = struct.unpack_from(">I", data, position + 8 + length)
        if len(body) != length or zlib.crc32(kind + body) != crc:
            raise _Unsure  # damaged or cut short: Pillow says how
        position += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
            width, height, depth, colour, _, _, interlace = header
            if depth != 8 or colour not in _COLOUR_TYPES or interlace or not width or not height:
                raise _Unsure
            if width * height > max_pixels:
                raise _Unsure
            expected = height * (width * _COLOUR_TYPES[colour][0] + 1)
        elif kind in (b"acTL", b"fcTL", b"fdAT"):
            raise _Unsure  # animated: Pillow counts the frames
        elif kind in (b"tEXt", b"zTXt", b"iTXt") and body.split(b"\0", 1)[0] in _PILLOW_READS:
            raise _Unsure
        elif kind == b"eXIf":
            if seen_data:
                raise _Unsure  # Pillow reads a late EXIF only after decoding
            exif = body
        elif kind == b"IDAT":
            if header is None:
                raise _Unsure
            seen_data = True
            pixels += inflater.decompress(body, expected - len(pixels) + 1)
            if len(pixels) > expected:
                raise _Unsure
        elif kind == b"IEND":
            ended = True
    pixels += inflater.flush()
    if header is None or len(pixels) != expected or not inflater.eof or inflater.unused_data:
        raise _Unsure
    width, height, _, colour, _, _, _ = header
    if max(pixels[:: width * _COLOUR_TYPES[colour][0] + 1]) > 4:
        raise _Unsure  # a row with a filter PNG does not have
    orientation, has_location = _exif(exif) if exif else (1, False)
    return PngFacts(width, height, _COLOUR_TYPES[colour][1], orientation, has_location)


def _exif(exif: bytes) -> tuple[int, bool]:
    """(orientation, whether a GPS IFD with entries is there) from a TIFF-structured EXIF block."""
    order = {b"II": "<", b"MM": ">"}.get(exif[:2])
    if order is None or struct.unpack_from(f"{order}H", exif, 2)[0] != 42:
        raise _Unsure
    (first,) = struct.unpack_from(f"{order}I", exif, 4)
    entries = _entries(exif, order, first)
    orientation = entries.get(ORIENTATION_TAG, (3, 1))
    gps = entries.get(GPS_TAG)
    has_location = gps is not None and len(_entries(exif, order, gps[1])) > 0
    if orientation[0] != 3:  # SHORT, as the standard has it
        raise _Unsure
    return orientation[1] or 1, has_location


def _entries(exif: bytes, order: str, offset: int) -> dict[int, tuple[int, int]]:
    """An IFD's tags → (type, first value or offset); a SHORT's value is read in place."""
    (count,) = struct.unpack_from(f"{order}H", exif, offset)
    found: dict[int, tuple[int, int]] = {}
    for index in range(count):
        tag, kind, _, value = struct.unpack_from(f"{order}HHI4s", exif, offset + 2 + 12 * index)
        if kind == 3:
            found[tag] = (kind, struct.unpack_from(f"{order}H", value)[0])
        else:
            found[tag] = (kind, struct.unpack_from(f"{order}I", value)[0])
    return found
