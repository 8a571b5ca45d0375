"""Fitting images under a byte limit: upright, without GPS, never below the quality floor."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from outpost.domain.errors import ValidationError
from outpost.media.images import fit_image


def test_small_png_keeps_its_format_and_loses_its_metadata(tmp_path: Path) -> None:
    path = tmp_path / "a.png"
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "secret location")
    Image.new("RGB", (30, 20), (1, 2, 3)).save(path, pnginfo=info)
    fitted = fit_image(path, max_bytes=100_000)
    assert (fitted.mime_type, fitted.width, fitted.height) == ("image/png", 30, 20)
    assert b"secret location" not in fitted.data


def test_jpeg_over_the_limit_is_reencoded_below_it_and_gps_is_gone(tmp_path: Path) -> None:
    path = tmp_path / "photo.jpg"
    exif = Image.Exif()
    exif[0x8825] = {1: "N", 2: (52.0, 31.0, 12.0)}  # GPSInfo
    Image.effect_noise((1600, 1200), 80).convert("RGB").save(path, quality=98, exif=exif)
    assert path.stat().st_size > 1_000_000
    fitted = fit_image(path, max_bytes=1_000_000)
    assert fitted.mime_type == "image/jpeg" and len(fitted.data) <= 1_000_000
    reopened = Image.open(io.BytesIO(fitted.data))
    assert 0x8825 not in reopened.getexif()
    assert path.stat().st_size > 1_000_000  # the original is untouched


def test_exif_orientation_is_applied(tmp_path: Path) -> None:
    path = tmp_path / "sideways.jpg"
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to view
    Image.new("RGB", (40, 20), (200, 0, 0)).save(path, exif=exif)
    fitted = fit_image(path, max_bytes=1_000_000)
    assert (fitted.width, fitted.height) == (20, 40)


def test_an_impossible_budget_is_refused_rather_than_ruining_the_image(tmp_path: Path) -> None:
    path = tmp_path / "big.jpg"
    Image.effect_noise((800, 600), 100).convert("RGB").save(path, quality=95)
    with pytest.raises(ValidationError, match="cannot be made smaller"):
        fit_image(path, max_bytes=2_000)


def test_a_file_that_is_not_an_image_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "fake.jpg"
    path.write_bytes(b"\xff\xd8\xff" + b"garbage" * 10)
    with pytest.raises(ValidationError, match="cannot be read as an image"):
        fit_image(path, max_bytes=1_000)
