"""Making an image fit a network: orientation applied, metadata (GPS) stripped, size budget met.

Decoding is bounded (Pillow's decompression-bomb guard stays on) and runs in a worker thread
(callers use `asyncio.to_thread`). The original file is never modified.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from outpost.domain.errors import ValidationError

QUALITY_START = 90
QUALITY_FLOOR = 60  # below this JPEG artefacts show; downscale instead
SCALE_STEP = 0.85
MIN_SIDE = 320  # never shrink the long side below this to meet a budget


@dataclass(frozen=True)
class FittedImage:
    """Bytes ready to upload, and what they are."""

    data: bytes
    mime_type: str
    width: int
    height: int


def fit_image(path: str | Path, *, max_bytes: int, field: str = "media") -> FittedImage:
    """The image at `path`, rotated upright, without metadata, re-encoded to at most `max_bytes`.

    PNG and GIF that already fit keep their format (re-saved without metadata; animated GIFs are
    passed through untouched); anything else, or anything too large, becomes JPEG, first at
    lower quality down to a floor, then smaller, never below `MIN_SIDE` pixels.

    Raises:
        ValidationError: the file is not a readable image, or cannot fit without looking bad.
    """
    source = Path(path)
    try:
        with Image.open(source) as opened:
            if getattr(opened, "is_animated", False) and opened.format == "GIF":
                raw = source.read_bytes()
                if len(raw) <= max_bytes:
                    return FittedImage(raw, "image/gif", opened.width, opened.height)
            image = ImageOps.exif_transpose(opened)
            image.load()
            fmt = opened.format
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as exc:
        raise ValidationError.single(
            field, f"{field}: {source} cannot be read as an image ({exc})."
        ) from None
    if fmt in ("PNG", "GIF"):
        data = _encode(image, fmt)
        if len(data) <= max_bytes:
            return FittedImage(data, f"image/{fmt.lower()}", image.width, image.height)
    return _fit_jpeg(image, max_bytes, source, field)


def _fit_jpeg(image: Image.Image, max_bytes: int, source: Path, field: str) -> FittedImage:
    rgb = _flatten(image)
    while True:
        for quality in range(QUALITY_START, QUALITY_FLOOR - 1, -10):
            data = _encode(rgb, "JPEG", quality=quality)
            if len(data) <= max_bytes:
                return FittedImage(data, "image/jpeg", rgb.width, rgb.height)
        long_side = max(rgb.size)
        if long_side * SCALE_STEP < MIN_SIDE:
            raise ValidationError.single(
                field,
                f"{field}: {source} cannot be made smaller than {max_bytes:,} bytes without losing too "
                f"much quality. Use a simpler or smaller image.",
                rule="media_size",
                limit=max_bytes,
            )
        size = (max(1, round(rgb.width * SCALE_STEP)), max(1, round(rgb.height * SCALE_STEP)))
        rgb = rgb.resize(size, Image.Resampling.LANCZOS)


def _flatten(image: Image.Image) -> Image.Image:
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _encode(image: Image.Image, fmt: str, **options: int) -> bytes:
    buffer = io.BytesIO()
    # No `exif=` and no `pnginfo=`: Pillow writes no metadata unless asked, so GPS is gone.
    image.save(buffer, format=fmt, optimize=True, **options)
    return buffer.getvalue()
