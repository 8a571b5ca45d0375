"""What a media file really is: type from its bytes, then Pillow (images) or PyAV (video).

Everything here is blocking and bounded: callers run it with `asyncio.to_thread`. A file that is
empty, truncated, corrupt, mislabelled or absurdly large gives a `ValidationError` naming the
field and the reason — never a crash or a hang (Pillow decodes only after the pixel count is
checked; PyAV decodes one frame).
"""

from __future__ import annotations

import hashlib
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from outpost.domain.errors import ValidationError
from outpost.domain.media_info import MediaInfo, MediaKind
from outpost.media import png
from outpost.media.probe import probe

MAX_PIXELS = 100_000_000  # 100 megapixels: beyond any network's limit; a bigger "image" is a bomb
MAX_VIDEO_SIDE = 16_384
_HASH_CHUNK = 1 << 20
_HEIF_TYPES = frozenset({"image/heic", "image/heif"})

if TYPE_CHECKING:
    from PIL import Image

__all__ = [
    "MAX_PIXELS",
    "MAX_VIDEO_SIDE",
    "MediaInfo",
    "MediaKind",
    "examine",
    "inspect",
    "is_heif",
    "pillow",
]


def pillow(*, heif: bool = False) -> type[Image.Image]:
    """Pillow, imported and set up on first use: codecs stay out of the app's start-up.

    `heif`: the file at hand is HEIC/HEIF, so pillow-heif's reader is registered too. It loads
    libheif, which every other picture can do without (a photo post from the command line paid
    for it, issue #26).
    """
    from PIL import Image, ImageFile

    if not getattr(pillow, "_ready", False):
        ImageFile.LOAD_TRUNCATED_IMAGES = False  # a truncated file is an error, not a grey half-picture
        Image.MAX_IMAGE_PIXELS = MAX_PIXELS  # Pillow's bomb guard at our limit (it warns above, fails at 2×)
        pillow._ready = True  # type: ignore[attr-defined]
    if heif and not getattr(pillow, "_heif", False):
        try:
            from pillow_heif import register_heif_opener

            register_heif_opener()
        except ImportError:  # pragma: no cover - a dependency; keep working without HEIC if missing
            pass
        pillow._heif = True  # type: ignore[attr-defined]
    return Image.Image


def is_heif(mime: str) -> bool:
    """Whether a file of type `mime` needs pillow-heif to be read (`pillow(heif=True)`)."""
    return mime in _HEIF_TYPES


def inspect(path: str | Path, *, field: str = "media") -> MediaInfo:
    """Look at the file at `path` (blocking; run it in a thread).

    Raises:
        ValidationError: missing, empty, not media, corrupt, truncated or too large to be real.
    """
    return examine(path, field=field)[0]


def examine(
    path: str | Path, *, field: str = "media", preview: int | None = None
) -> tuple[MediaInfo, Image.Image | None]:
    """`inspect`, and for a picture with `preview` also the picture, upright, to show it.

    The picture is at least `preview` pixels a side where the file is that big (a JPEG is
    decoded at a fraction of its size). One decoding serves both: the window looks at a file to
    show it (issue #26).

    Raises:
        ValidationError: as `inspect`.
    """
    found = probe(path, field=field)
    if found.mime_type == "image/png" and preview is None:  # nothing to show: the standard library may do
        data = Path(found.path).read_bytes()  # read once: hashed, then checked through
        digest = hashlib.sha256(data).hexdigest()
        facts = png.look(data, max_pixels=MAX_PIXELS)
        if facts is not None:
            return _png_info(found.path, found.size, digest, facts), None
    else:
        digest = _sha256(Path(found.path))
    if found.mime_type.startswith("image/"):
        return _image(found.path, found.mime_type, found.size, digest, field, preview)
    if found.mime_type.startswith("video/"):
        return _video(found.path, found.mime_type, found.size, digest, field), None
    return MediaInfo(found.path, found.mime_type, MediaKind.DOCUMENT, found.size, digest), None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _broken(field: str, path: str, what: str) -> ValidationError:
    return ValidationError.single(field, f"{field}: {path} {what}", rule="readable_media", actual=path)


def _too_big(field: str, path: str, pixels: str) -> ValidationError:
    return _broken(
        field, path, f"is {pixels} pixels, far beyond what any network takes; export a smaller version."
    )


def _image(
    path: str, mime: str, size: int, digest: str, field: str, preview: int | None
) -> tuple[MediaInfo, Image.Image | None]:
    pillow(heif=is_heif(mime))
    from PIL import Image

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _open_image(path, mime, size, digest, field, preview)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _too_big(field, path, f"more than {MAX_PIXELS:,}") from None


def _png_info(path: str, size: int, digest: str, facts: png.PngFacts) -> MediaInfo:
    """What `media/png.py` found, as Pillow's look would say it (a still picture)."""
    turned = facts.orientation in (5, 6, 7, 8)
    return MediaInfo(
        path,
        "image/png",
        MediaKind.IMAGE,
        size,
        digest,
        width=facts.height if turned else facts.width,
        height=facts.width if turned else facts.height,
        frames=1,
        color_mode=facts.mode,
        orientation=facts.orientation,
        has_location=facts.has_location,
    )


def _open_image(
    path: str, mime: str, size: int, digest: str, field: str, preview: int | None
) -> tuple[MediaInfo, Image.Image | None]:
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(path) as image:
            width, height = image.size
            if width * height > MAX_PIXELS:
                raise _broken(
                    field,
                    path,
                    f"is {width}×{height} pixels, far beyond what any network takes; "
                    "export a smaller version.",
                )
            exif = image.getexif()
            orientation = int(exif.get(png.ORIENTATION_TAG, 1) or 1)
            has_location = bool(exif.get_ifd(png.GPS_TAG)) if png.GPS_TAG in exif else False
            frames = int(getattr(image, "n_frames", 1))
            # A JPEG decodes at down to 1/8 of its size: every byte is still read and checked, in
            # a fraction of the time (a 12-megapixel photo dropped on the composer, issue #26).
            image.draft(None, (preview, preview) if preview else (max(1, width // 8), max(1, height // 8)))
            image.load()  # decode now: a truncated or corrupt file fails here, inside the guard
            mode = image.mode
            picture = ImageOps.exif_transpose(image) if preview else None
    except ValidationError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _broken(field, path, f"is damaged or not a readable image ({exc}).") from None
    if orientation in (5, 6, 7, 8):
        width, height = height, width
    kind = MediaKind.ANIMATED_GIF if mime == "image/gif" and frames > 1 else MediaKind.IMAGE
    info = MediaInfo(
        path,
        mime,
        kind,
        size,
        digest,
        width=width,
        height=height,
        frames=frames,
        color_mode=mode,
        orientation=orientation,
        has_location=has_location,
    )
    return info, picture


def _video(path: str, mime: str, size: int, digest: str, field: str) -> MediaInfo:
    import av  # FFmpeg: loaded only when a video is looked at
    import av.error

    try:
        with av.open(path, timeout=10.0) as container:
            if not container.streams.video:
                raise _broken(field, path, "has no video track.")
            stream = container.streams.video[0]
            context = stream.codec_context
            width, height = int(context.width or 0), int(context.height or 0)
            if not (0 < width <= MAX_VIDEO_SIDE and 0 < height <= MAX_VIDEO_SIDE):
                raise _broken(field, path, f"has an impossible frame size ({width}×{height}).")
            duration = container.duration / av.time_base if container.duration else None
            if duration is None and stream.duration and stream.time_base:
                duration = float(stream.duration * stream.time_base)
            rate = float(stream.average_rate) if stream.average_rate else None
            audio = container.streams.audio[0].codec_context.name if container.streams.audio else None
            next(container.decode(video=0))  # one frame decodes, or the file is broken
            return MediaInfo(
                path,
                mime,
                MediaKind.VIDEO,
                size,
                digest,
                width=width,
                height=height,
                duration_s=round(duration, 3) if duration else None,
                frame_rate=rate,
                frames=int(stream.frames) or None,
                video_codec=context.name,
                audio_codec=audio,
                bitrate=int(container.bit_rate) if container.bit_rate else None,
            )
    except ValidationError:
        raise
    except (av.error.FFmpegError, StopIteration, OSError, ValueError) as exc:
        raise _broken(
            field, path, f"is damaged or not a playable video ({exc or type(exc).__name__})."
        ) from None
