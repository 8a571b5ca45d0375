"""Taking the metadata out of a PNG or JPEG without touching its pixels.

When a picture already fits a network, re-encoding it only to drop its EXIF costs time (a PNG
re-compressed at the highest level took seconds for a 1200×800 photo, issue #26) and, for a
JPEG, quality. Here the file's own compressed data is copied and everything else is left out:
what is kept is an allow-list of what draws the picture (structure, palette, colour profile,
transparency, pixel density), so EXIF, GPS, XMP, IPTC, comments, text chunks, embedded
thumbnails and anything after the end of the image are gone, including kinds not named here.

Pure bytes in, bytes out. A file whose structure is not exactly as expected gives None, and the
caller re-encodes instead (which drops metadata too).
"""

from __future__ import annotations

import struct

__all__ = ["strip_metadata"]

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
#: PNG chunks that draw the picture. Text (tEXt/zTXt/iTXt, where XMP lives), eXIf, tIME and every
#: other or unknown chunk are left out. APNG's animation chunks are not here: animations are
#: not stripped this way (acTL makes the strip give up, so the caller decides).
_PNG_KEEP = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB"}
_PNG_KEEP |= {b"cICP", b"mDCV", b"cLLI", b"bKGD", b"pHYs"}

_SOI, _EOI, _SOS, _APP0, _APP2, _APP14, _COM = 0xD8, 0xD9, 0xDA, 0xE0, 0xE2, 0xEE, 0xFE
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and RST0-7 carry no length


def strip_metadata(data: bytes, fmt: str) -> bytes | None:
    """`data` (a `fmt` "PNG" or "JPEG" file) without metadata, or None if it cannot be done safely."""
    try:
        if fmt == "PNG":
            return _png(data)
        if fmt == "JPEG":
            return _jpeg(data)
    except (struct.error, IndexError, ValueError):
        return None
    return None


def _png(data: bytes) -> bytes | None:
    if not data.startswith(_PNG_SIGNATURE):
        return None
    kept = [_PNG_SIGNATURE]
    position = len(_PNG_SIGNATURE)
    while position + 12 <= len(data):
        (length,) = struct.unpack_from(">I", data, position)
        kind = data[position + 4 : position + 8]
        end = position + 12 + length
        if end > len(data) or kind == b"acTL":
            return None  # truncated, or animated: not ours to flatten
        if kind in _PNG_KEEP:
            kept.append(data[position:end])
        if kind == b"IEND":
            return b"".join(kept)  # anything appended after the image is dropped too
        position = end
    return None


def _jpeg(data: bytes) -> bytes | None:
    if data[:2] != b"\xff\xd8":
        return None
    kept = [b"\xff\xd8"]
    position = 2
    while position < len(data):
        if data[position] != 0xFF:
            return None
        while data[position] == 0xFF:  # fill bytes before a marker
            position += 1
        marker = data[position]
        position += 1
        if marker == _EOI:
            kept.append(b"\xff\xd9")
            return b"".join(kept)  # a second picture (MPO) or a trailer after it is dropped
        if marker in _STANDALONE:
            kept.append(bytes((0xFF, marker)))
            continue
        (length,) = struct.unpack_from(">H", data, position)
        if length < 2 or position + length > len(data):
            return None
        body = data[position + 2 : position + length]
        position += length
        segment = _keep_segment(marker, body)
        if segment is not None:
            kept.append(bytes((0xFF, marker)) + struct.pack(">H", len(segment) + 2) + segment)
        if marker == _SOS:
            scan_end = _end_of_scan(data, position)
            kept.append(data[position:scan_end])
            position = scan_end
    return None


def _keep_segment(marker: int, body: bytes) -> bytes | None:
    """What of one segment goes into the copy: the picture's own, a colour profile, no metadata."""
    if marker == _COM or 0xE0 <= marker <= 0xEF:
        if marker == _APP0 and body.startswith(b"JFIF\0") and len(body) >= 14:
            return body[:12] + b"\0\0"  # density kept; its optional thumbnail left out
        if marker == _APP2 and body.startswith(b"ICC_PROFILE\0"):
            return body
        if marker == _APP14 and body.startswith(b"Adobe"):
            return body  # colour transform flags: the picture decodes wrongly without them
        return None  # EXIF and XMP (APP1), IPTC (APP13), MPF, comments, makers' own segments
    return body


def _end_of_scan(data: bytes, position: int) -> int:
    """Where a scan's entropy-coded data ends: the next marker that is not a stuffed 0xFF or RST."""
    while True:
        found = data.index(b"\xff", position)
        following = data[found + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:
            position = found + 2
        elif following == 0xFF:
            position = found + 1  # fill byte; the marker comes after it
        else:
            return found
