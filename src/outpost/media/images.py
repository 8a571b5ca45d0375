"""Deriving an image a network takes, never below a quality floor.

The copy is upright, without metadata (GPS), converted, cropped around a focus point,
downscaled, and re-encoded under a byte budget. A PNG or JPEG that already fits and stands
upright is not re-encoded: its own compressed data is copied without the metadata (`strip.py`).

Blocking and bounded (Pillow's pixel guard stays on): callers run it in a worker thread. The
original file is never modified; the bytes returned are the derived copy.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from outpost.domain.compatibility import FixPlan
from outpost.domain.errors import ValidationError
from outpost.media import png
from outpost.media.inspect import MAX_PIXELS, MediaInfo, is_heif, pillow
from outpost.media.probe import sniff
from outpost.media.strip import strip_metadata

if TYPE_CHECKING:  # Pillow loads where a picture is decoded; a PNG that fits needs none (#26)
    from PIL import Image

QUALITY_START = 90
QUALITY_FLOOR = 60  # below this JPEG artefacts show; downscale instead
SCALE_STEP = 0.85
MIN_SIDE = 320  # never shrink the long side below this to meet a budget
_KEEPABLE = {"PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp", "JPEG": "image/jpeg"}
_FORMATS = {v: k for k, v in _KEEPABLE.items()}


@dataclass(frozen=True)
class FittedImage:
    """Bytes ready to upload, and what they are."""

    data: bytes
    mime_type: str
    width: int
    height: int


def fit_image(path: str | Path, *, max_bytes: int, field: str = "media") -> FittedImage:
    """`derive` with only a byte budget (upright, no metadata, at most `max_bytes`)."""
    return derive(path, FixPlan(max_bytes=max_bytes), field=field)


def derive(
    path: str | Path,
    plan: FixPlan,
    *,
    focus: tuple[float, float] = (0.5, 0.5),
    field: str = "media",
    seen: MediaInfo | None = None,
) -> FittedImage:
    """A copy of the image at `path` that meets `plan`.

    `seen`: what `inspect` found in this very file a moment ago (every byte of it read), so a
    PNG that only loses its metadata is not checked through a second time.

    Raises:
        ValidationError: the file is not a readable image, or cannot meet the budget without
            dropping below the quality floor or `MIN_SIDE`.
    """
    source = Path(path)
    as_it_is = _png_without_metadata(source, plan, focus, seen)
    if as_it_is is not None:
        return as_it_is
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with source.open("rb") as head:
            pillow(heif=is_heif(sniff(head.read(64)) or ""))
        with Image.open(source) as opened:
            fmt = opened.format or ""
            if getattr(opened, "is_animated", False) and fmt == "GIF":
                raw = source.read_bytes()  # animations are passed through whole, never flattened
                if plan.max_bytes is None or len(raw) <= plan.max_bytes:
                    return FittedImage(raw, "image/gif", opened.width, opened.height)
            as_it_is = _without_metadata(source, opened, plan, focus)
            if as_it_is is not None:
                return as_it_is
            image = ImageOps.exif_transpose(opened)
            image.load()
            icc = opened.info.get("icc_profile")
    except (UnidentifiedImageError, OSError, SyntaxError, Image.DecompressionBombError) as exc:
        raise ValidationError.single(
            field, f"{field}: {source} cannot be read as an image ({exc})."
        ) from None
    image = _crop(image, plan, focus)
    image = _downscale(image, plan)
    target = plan.to_mime or _KEEPABLE.get(fmt, "image/jpeg")
    if target != "image/jpeg":
        data = _encode(image, _FORMATS[target], icc)
        if plan.max_bytes is None or len(data) <= plan.max_bytes:
            return FittedImage(data, target, image.width, image.height)
    return _fit_jpeg(image, plan.max_bytes, source, field, icc)


def _png_without_metadata(
    source: Path, plan: FixPlan, focus: tuple[float, float], seen: MediaInfo | None
) -> FittedImage | None:
    """`_without_metadata` for a still, upright PNG, without Pillow; else None.

    Upright and still as `seen` says (a PNG that `inspect` read through), else as `media/png.py`
    finds when it reads the file through now.
    """
    if plan.to_mime not in (None, "image/png") or (seen is not None and seen.mime_type != "image/png"):
        return None
    try:
        with source.open("rb") as file:
            if sniff(file.read(64)) != "image/png":
                return None  # a photo of another kind is not read through here
            file.seek(0)
            data = file.read()
    except OSError:
        return None  # Pillow's path words the error
    if seen is not None and seen.width and seen.height:
        upright = seen.orientation == 1 and (seen.frames or 1) == 1
        size = (seen.width, seen.height)
    else:
        facts = png.look(data, max_pixels=MAX_PIXELS)
        if facts is None:
            return None
        upright, size = facts.orientation == 1, (facts.width, facts.height)
    if not upright:
        return None
    if _crop_box(size, plan, focus) is not None or _scale(size, plan) < 1.0:
        return None
    stripped = strip_metadata(data, "PNG")
    if stripped is None or (plan.max_bytes is not None and len(stripped) > plan.max_bytes):
        return None
    return FittedImage(stripped, "image/png", *size)


def _without_metadata(
    source: Path, opened: Image.Image, plan: FixPlan, focus: tuple[float, float]
) -> FittedImage | None:
    """The file's own bytes minus its metadata, if nothing about the picture has to change.

    That is: a still PNG, or an RGB or grey JPEG, standing upright (no EXIF rotation to apply),
    of a type, shape, size and byte count `plan` allows. Otherwise None: the caller re-encodes.
    """
    fmt = opened.format or ""
    if fmt not in ("PNG", "JPEG") or getattr(opened, "is_animated", False):
        return None
    if fmt == "JPEG" and opened.mode not in ("RGB", "L"):
        return None  # CMYK and the like become RGB on the way
    if int(opened.getexif().get(png.ORIENTATION_TAG, 1) or 1) != 1:
        return None
    if plan.to_mime not in (None, _KEEPABLE[fmt]):
        return None
    if _crop_box(opened.size, plan, focus) is not None or _scale(opened.size, plan) < 1.0:
        return None
    data = strip_metadata(source.read_bytes(), fmt)
    if data is None or (plan.max_bytes is not None and len(data) > plan.max_bytes):
        return None
    return FittedImage(data, _KEEPABLE[fmt], opened.width, opened.height)


def _crop(image: Image.Image, plan: FixPlan, focus: tuple[float, float]) -> Image.Image:
    """Crop into the allowed aspect range, keeping `focus` (0..1, 0..1) as central as possible."""
    box = _crop_box(image.size, plan, focus)
    return image if box is None else image.crop(box)


def _crop_box(
    size: tuple[int, int], plan: FixPlan, focus: tuple[float, float]
) -> tuple[int, int, int, int] | None:
    """The box to keep so the picture fits the allowed aspect range; None if it already does."""
    full_width, full_height = size
    ratio = full_width / full_height
    low, high = plan.aspect_low, plan.aspect_high
    if low is not None and ratio < low:
        width, height = full_width, round(full_width / low)  # too tall: cut height
    elif high is not None and ratio > high:
        width, height = round(full_height * high), full_height  # too wide: cut width
    else:
        return None
    left = _clamp(round(focus[0] * full_width - width / 2), 0, full_width - width)
    top = _clamp(round(focus[1] * full_height - height / 2), 0, full_height - height)
    return (left, top, left + width, top + height)


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def _scale(size: tuple[int, int], plan: FixPlan) -> float:
    """How much to shrink a picture of `size` to meet `plan` (1.0: not at all)."""
    width, height = size
    scale = 1.0
    if plan.max_width:
        scale = min(scale, plan.max_width / width)
    if plan.max_height:
        scale = min(scale, plan.max_height / height)
    if plan.max_pixels:
        scale = min(scale, (plan.max_pixels / (width * height)) ** 0.5)
    return scale


def _downscale(image: Image.Image, plan: FixPlan) -> Image.Image:
    from PIL import Image

    scale = _scale(image.size, plan)
    if scale >= 1.0:
        return image
    size = (max(1, int(image.width * scale)), max(1, int(image.height * scale)))
    return image.resize(size, Image.Resampling.LANCZOS)


def _fit_jpeg(
    image: Image.Image, max_bytes: int | None, source: Path, field: str, icc: bytes | None
) -> FittedImage:
    from PIL import Image

    rgb = _flatten(image)
    while True:
        for quality in range(QUALITY_START, QUALITY_FLOOR - 1, -10):
            data = _encode(rgb, "JPEG", icc, quality=quality)
            if max_bytes is None or len(data) <= max_bytes:
                return FittedImage(data, "image/jpeg", rgb.width, rgb.height)
        if max(rgb.size) * SCALE_STEP < MIN_SIDE:
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
    from PIL import Image

    if image.mode in ("RGBA", "LA", "P", "PA"):
        rgba = image.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return image.convert("RGB")


def _encode(image: Image.Image, fmt: str, icc: bytes | None, **options: int) -> bytes:
    buffer = io.BytesIO()
    extra: dict[str, object] = {"icc_profile": icc} if icc else {}
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = _flatten(image)
    # No `exif=` and no `pnginfo=`: Pillow writes no metadata unless asked, so GPS is gone.
    image.save(buffer, format=fmt, optimize=True, **extra, **options)
    return buffer.getvalue()
