"""What the window's media worker process runs besides `derive`: its start, looking, thumbnails.

Kept apart from `pipeline.py` on purpose: a spawned worker imports the module of every function
it is handed, and the pipeline's imports (the domain's pydantic models, the cache) cost a cold
worker about a second on a busy machine before the first thumbnail of a dropped photo (issue #26).
This module needs only Pillow and `inspect.py`.
"""

from __future__ import annotations

import io
import os
import threading
from typing import TYPE_CHECKING

from outpost.media.inspect import MediaInfo, MediaKind, examine, is_heif, pillow

if TYPE_CHECKING:
    from PIL import Image

THUMB_SIDE = 320


def die_with_parent() -> None:
    """Worker start-up: exit as soon as Outpost's process is gone, even if it was killed.

    A SIGKILLed parent cannot shut its pool down; without this the worker (and its resource
    tracker) would live on as orphans — the kill-point suite once left a thousand of them.
    `parent_process().sentinel` becomes ready when the parent dies, on every platform.
    """
    import multiprocessing.connection

    parent = multiprocessing.parent_process()
    if parent is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([parent.sentinel])
        os._exit(0)

    threading.Thread(target=watch, name="outpost-parent-watch", daemon=True).start()


def ready() -> bool:
    """Load Pillow and its common formats now, so the first photo does not wait for them."""
    from PIL import Image

    pillow()
    Image.preinit()  # JPEG, PNG, GIF, BMP, PPM: what `Image.open` would load on first use
    return True


def inspect_and_thumbnail(path: str, field: str) -> tuple[MediaInfo, bytes | None]:
    """`inspect`, and a picture's thumbnail from the same decoding (None for other media).

    The window looks at a file to show it: decoding a 12-megapixel photo once instead of twice
    keeps a drop on the composer quick (issue #26).
    """
    info, picture = examine(path, field=field, preview=THUMB_SIDE)
    return info, (None if picture is None else _jpeg(picture))


def thumbnail_bytes(info: MediaInfo) -> bytes:
    """A JPEG at most `THUMB_SIDE` pixels a side: the picture upright, or a video's first frame.

    A JPEG is decoded at a fraction of its size (libjpeg scales while decoding): a 12-megapixel
    photo decodes as 500×375, still more than the thumbnail, in a fraction of the time.
    """
    pillow(heif=is_heif(info.mime_type))
    from PIL import Image, ImageOps

    if info.kind is MediaKind.VIDEO:
        import av

        with av.open(info.path, timeout=10.0) as container:
            image = next(container.decode(video=0)).to_image()  # type: ignore[no-untyped-call]
    else:
        with Image.open(info.path) as opened:
            opened.draft(None, (THUMB_SIDE, THUMB_SIDE))  # JPEG only; others ignore it
            image = ImageOps.exif_transpose(opened)
            image.load()
    return _jpeg(image)


def _jpeg(image: Image.Image) -> bytes:
    from PIL import Image

    image.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()
