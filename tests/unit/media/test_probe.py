"""The media probe tells files by their bytes and refuses what is not media."""

from __future__ import annotations

from pathlib import Path

import pytest

from outpost.domain.errors import ValidationError
from outpost.media.probe import probe
from tests.media_fixtures import png_bytes


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
