"""A first look at a media file: its real type (from its bytes, not its name), size, dimensions.

This is the minimal probe the spine needs to refuse files that are not media; decoding,
per-network compatibility and fixes belong to the media pipeline.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

from outpost.domain.errors import ValidationError

_HEADER_BYTES = 64 * 1024
_MP4_BRANDS_QUICKTIME = {b"qt  "}
_HEIF_BRANDS = {b"heic", b"heix", b"mif1", b"msf1", b"heim", b"heis", b"hevc"}


@dataclass(frozen=True)
class ProbedFile:
    """What the probe found."""

    path: str
    mime_type: str
    size: int
    width: int | None = None
    height: int | None = None


def probe(path: str | Path, *, field: str = "media") -> ProbedFile:
    """Identify the media file at `path`.

    Raises:
        ValidationError: the file is missing, unreadable, empty or not an image/video/PDF.
    """
    file = Path(path).expanduser()
    try:
        size = file.stat().st_size
        with file.open("rb") as handle:
            head = handle.read(_HEADER_BYTES)
    except FileNotFoundError:
        raise _problem(field, f"{field}: {file} does not exist. Check the path.", "exists") from None
    except IsADirectoryError:
        raise _problem(field, f"{field}: {file} is a folder; attach a file.", "is_file") from None
    except OSError as exc:
        raise _problem(field, f"{field}: cannot read {file} ({exc.strerror}).", "readable") from None
    if size == 0:
        raise _problem(field, f"{field}: {file} is empty (0 bytes).", "not_empty")
    mime = sniff(head)
    if mime is None:
        raise _problem(
            field,
            f"{field}: {file} is not an image, video or PDF Outpost can recognise "
            f"(JPEG, PNG, GIF, WebP, HEIC, MP4, MOV, WebM, PDF).",
            "media_type",
        )
    width, height = _dimensions(mime, head)
    return ProbedFile(path=str(file.resolve()), mime_type=mime, size=size, width=width, height=height)


def _problem(field: str, message: str, rule: str) -> ValidationError:
    return ValidationError.single(field, message, rule=rule)


#: The file name extension (without the dot) of every type `sniff` names: the media library and
#: cache name their copies with it. Written out rather than asked of `mimetypes`, whose first
#: question reads the system's type tables (~50 ms on a one-shot post with a photo, issue #26).
EXTENSIONS = {
    "image/jpeg": "jpg",
    "image/png": "png",
    "image/gif": "gif",
    "image/webp": "webp",
    "image/heic": "heic",
    "video/webm": "webm",
    "video/quicktime": "mov",
    "video/mp4": "mp4",
    "application/pdf": "pdf",
}


def sniff(head: bytes) -> str | None:
    """The MIME type the first bytes of a file announce, or None."""
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "video/webm"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head[4:8] == b"ftyp":
        brand = head[8:12]
        if brand in _HEIF_BRANDS:
            return "image/heic"
        return "video/quicktime" if brand in _MP4_BRANDS_QUICKTIME else "video/mp4"
    return None


def _dimensions(mime: str, head: bytes) -> tuple[int | None, int | None]:
    try:
        if mime == "image/png" and head[12:16] == b"IHDR":
            width, height = struct.unpack(">II", head[16:24])
            return int(width), int(height)
        if mime == "image/gif":
            width, height = struct.unpack("<HH", head[6:10])
            return int(width), int(height)
        if mime == "image/jpeg":
            return _jpeg_dimensions(head)
    except struct.error:
        pass
    return None, None


def _jpeg_dimensions(data: bytes) -> tuple[int | None, int | None]:
    index = 2
    while index + 9 < len(data):
        if data[index] != 0xFF:
            index += 1
            continue
        marker = data[index + 1]
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
            index += 2
            continue
        (length,) = struct.unpack(">H", data[index + 2 : index + 4])
        # SOF0..SOF15 carry the frame size, except DHT (C4), JPG (C8) and DAC (CC).
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[index + 5 : index + 9])
            return int(width), int(height)
        index += 2 + length
    return None, None
