"""What a media file is (kind, size, dimensions, codecs): the value the media pipeline reports.

A plain value in the domain, so the window can hold one (the composer's media strip) without
importing the media package: it gets it from `engine.media.inspect` (docs/architecture.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class MediaKind(StrEnum):
    """What sort of medium a file is, as networks distinguish them."""

    IMAGE = "image"
    ANIMATED_GIF = "animated_gif"
    VIDEO = "video"
    DOCUMENT = "document"


@dataclass(frozen=True)
class MediaInfo:
    """Everything the compatibility checks and fixes need to know about one file.

    Attributes:
        width, height: as displayed (EXIF orientation applied).
        orientation: the EXIF orientation tag (1 = upright).
        has_location: EXIF GPS data is present (it is stripped before upload by default).
        sha256: the content hash, naming derived copies and thumbnails in the cache.
    """

    path: str
    mime_type: str
    kind: MediaKind
    size: int
    sha256: str
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None
    frame_rate: float | None = None
    frames: int | None = None
    video_codec: str | None = None
    audio_codec: str | None = None
    bitrate: int | None = None
    color_mode: str | None = None
    orientation: int = 1
    has_location: bool = False

    @property
    def aspect(self) -> float | None:
        """Width divided by height, as displayed."""
        return self.width / self.height if self.width and self.height else None

    @property
    def pixels(self) -> int | None:
        """Width × height."""
        return self.width * self.height if self.width and self.height else None
