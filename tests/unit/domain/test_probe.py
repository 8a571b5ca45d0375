"""The media probe tells files by their bytes and refuses what is not media."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from outpost.domain.errors import ValidationError
from outpost.media.probe import probe


def png_bytes(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\x00\x00\x00" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def test_png_is_recognised_with_its_dimensions(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"  # a misleading name: the bytes decide
    path.write_bytes(png_bytes(7, 5))
    found = probe(path)
    assert (found.mime_type, found.width, found.height, found.size) == (
        "image/png",
        7,
        5,
        path.stat().st_size,
    )


@pytest.mark.parametrize(
    ("content", "rule"),
    [(b"", "not_empty"), (b"just some text, not a picture", "media_type")],
)
def test_empty_and_non_media_files_are_refused(tmp_path: Path, content: bytes, rule: str) -> None:
    path = tmp_path / "file.png"
    path.write_bytes(content)
    with pytest.raises(ValidationError) as caught:
        probe(path, field="media[1]")
    assert (caught.value.problems[0].field, caught.value.problems[0].rule) == ("media[1]", rule)


def test_missing_file_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="does not exist"):
        probe(tmp_path / "nope.png")
