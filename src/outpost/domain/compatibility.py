"""Will a network take this file, can Outpost make it fit, or not at all — and why.

The seeds' media upload answers with a per-platform compatibility report with a reason and a
suggestion ("Aspect ratio not supported — crop to 1:1 or 4:5"); Outpost computes it locally from
the rule tables in `media_rules`. Images can be fixed (converted, downscaled, re-encoded to a byte
budget, cropped to an allowed aspect ratio). Videos can be re-encoded (H.264 + AAC in MP4, smaller,
at a lower frame rate or bitrate); a video that is too long or too short, too small, at too low a
frame rate or of a shape the network does not take stays the creator's to fix: cutting and
cropping a video are choices about what it shows, not conversions.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, replace
from enum import StrEnum
from typing import Protocol

from outpost.domain.media_rules import MB, ImageRules, MediaRules, VideoRules


class Compatibility(StrEnum):
    """The verdict for one file on one network."""

    COMPATIBLE = "compatible"
    FIXABLE = "fixable"
    INCOMPATIBLE = "incompatible"


class MediaFacts(Protocol):
    """What the checks read (MediaAsset and MediaInfo both have it)."""

    @property
    def mime_type(self) -> str:
        """The file's MIME type."""

    @property
    def size(self) -> int:
        """Bytes."""

    @property
    def width(self) -> int | None:
        """Displayed width."""

    @property
    def height(self) -> int | None:
        """Displayed height."""

    @property
    def duration_s(self) -> float | None:
        """Seconds, for video."""

    @property
    def frame_rate(self) -> float | None:
        """Frames per second, for video."""

    @property
    def video_codec(self) -> str | None:
        """The video codec's name."""

    @property
    def kind(self) -> str:
        """image, animated_gif, video or document."""


@dataclass(frozen=True)
class FixPlan:
    """How to derive a copy a network takes. Upright and without location, always.

    Attributes:
        to_mime: convert to this type (e.g. JPEG), or keep the type.
        max_bytes / max_width / max_height / max_pixels: limits the copy must meet.
        aspect_low / aspect_high: crop into this width/height range (around the focus point).
        video_codec / width / height / frame_rate / video_bitrate: a video's re-encode: the codec
            (always `h264`), the frame size, the frame rate, and the most video bits per second
            that keep the copy under `max_bytes` (None: no byte limit to keep).
    """

    to_mime: str | None = None
    max_bytes: int | None = None
    max_width: int | None = None
    max_height: int | None = None
    max_pixels: int | None = None
    aspect_low: float | None = None
    aspect_high: float | None = None
    video_codec: str | None = None
    width: int | None = None
    height: int | None = None
    frame_rate: float | None = None
    video_bitrate: int | None = None

    def key(self) -> str:
        """A stable short hash of the plan (names derived files in the cache).

        The video fields count only when set, so an image's plan keeps the key (and its cached
        copy) it had before videos had plans.
        """
        fields = {
            name: value
            for name, value in asdict(self).items()
            if value is not None or name not in _VIDEO_FIELDS
        }
        return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:16]


_VIDEO_FIELDS = frozenset({"video_codec", "width", "height", "frame_rate", "video_bitrate"})


@dataclass(frozen=True)
class Verdict:
    """One network's answer for one file.

    Attributes:
        reason: why it is not compatible as it is (None when it is).
        fix: what Outpost will do to make it fit, in words (None unless fixable).
        plan: the limits a derived copy must meet (also for compatible images: they are still
            re-saved upright and without location data before upload).
        note: something worth knowing about a file that fits (e.g. it will be a YouTube Short).
    """

    status: Compatibility
    reason: str | None = None
    fix: str | None = None
    plan: FixPlan | None = None
    note: str | None = None

    def as_json(self) -> dict[str, str | None]:
        """The INTERFACE.md shape: status, reason, fix."""
        return {"status": self.status.value, "reason": self.reason, "fix": self.fix}


def check(media: MediaFacts, rules: MediaRules) -> Verdict:
    """The verdict of `rules` on `media`."""
    label = rules.network.label
    if media.kind == "video":
        return _video(media, rules.video, label)
    if media.kind == "document":
        return _document(media, rules, label)
    if media.kind == "animated_gif":
        if rules.gif is None:
            return _no(f"{label} does not take animated GIFs")
        return _gif(media, rules.gif, label)
    if rules.image is None:
        return _no(f"{label} posts take no images")
    return _image(media, rules.image, label)


def _no(reason: str) -> Verdict:
    return Verdict(Compatibility.INCOMPATIBLE, reason=reason)


def _mb(size: int) -> str:
    return f"{size / MB:.1f} MB"


def _document(media: MediaFacts, rules: MediaRules, label: str) -> Verdict:
    if media.mime_type not in rules.documents:
        return _no(f"{label} does not take {_kind(media.mime_type)} documents")
    if rules.max_document_bytes is not None and media.size > rules.max_document_bytes:
        return _no(
            f"{_mb(media.size)} is over {label}'s limit of {_mb(rules.max_document_bytes)} for documents"
        )
    return Verdict(Compatibility.COMPATIBLE)


def _image(media: MediaFacts, rules: ImageRules, label: str) -> Verdict:
    reasons: list[str] = []
    fixes: list[str] = []
    plan = FixPlan(
        max_bytes=rules.max_bytes,
        max_width=rules.max_width,
        max_height=rules.max_height,
        max_pixels=rules.max_pixels,
    )
    if media.mime_type not in rules.types:
        target = rules.convert_to if rules.convert_to in rules.types else None
        if target is None:
            return _no(
                f"{label} does not take {_kind(media.mime_type)} images (it takes {_kinds(rules.types)})"
            )
        reasons.append(f"{label} does not take {_kind(media.mime_type)} images")
        fixes.append(f"convert to {_kind(target)}")
        plan = replace(plan, to_mime=target)
    aspect = media.width / media.height if media.width and media.height else None
    if rules.aspect is not None and aspect is not None and not rules.aspect.contains(aspect):
        target_ratio = rules.aspect.low if aspect < rules.aspect.low else rules.aspect.high
        reasons.append(f"aspect ratio {_ratio(aspect)} is outside {rules.aspect.label}")
        fixes.append(f"crop to {_ratio(target_ratio)}")
        plan = replace(plan, aspect_low=rules.aspect.low, aspect_high=rules.aspect.high)
    if media.width and media.height and _too_large(media.width, media.height, rules):
        reasons.append(f"{media.width}×{media.height} is larger than {label} takes")
        fixes.append(f"downscale to fit {_bounds(rules)}")
    if rules.max_bytes is not None and media.size > rules.max_bytes:
        reasons.append(f"{_mb(media.size)} is over {label}'s limit of {_mb(rules.max_bytes)}")
        fixes.append(f"re-encode under {_mb(rules.max_bytes)}")
    if not reasons:
        return Verdict(Compatibility.COMPATIBLE, plan=plan)
    return Verdict(Compatibility.FIXABLE, reason="; ".join(reasons), fix=", then ".join(fixes), plan=plan)


def _too_large(width: int, height: int, rules: ImageRules) -> bool:
    return bool(
        (rules.max_pixels and width * height > rules.max_pixels)
        or (rules.max_width and width > rules.max_width)
        or (rules.max_height and height > rules.max_height)
    )


def _bounds(rules: ImageRules) -> str:
    if rules.max_width or rules.max_height:
        return f"{rules.max_width or '…'}×{rules.max_height or '…'} px"
    return f"{(rules.max_pixels or 0) / 1e6:.1f} megapixels"


def _gif(media: MediaFacts, rules: ImageRules, label: str) -> Verdict:
    if rules.max_bytes is not None and media.size > rules.max_bytes:
        return _no(f"animated GIF of {_mb(media.size)} is over {label}'s limit of {_mb(rules.max_bytes)}")
    if media.width and media.height and _too_large(media.width, media.height, rules):
        return _no(
            f"animated GIF of {media.width}×{media.height} is larger than {label} takes ({_bounds(rules)})"
        )
    return Verdict(Compatibility.COMPATIBLE)


#: Below this many video bits per second a re-encode to a byte limit looks broken: a file that
#: fits only below it stays the creator's to shorten. (H.264 at 300 kbit/s is watchable at 480p.)
MIN_VIDEO_BITRATE = 300_000
#: The AAC track of a re-encoded video, bits per second (counted against the byte limit).
AUDIO_BITRATE = 128_000
#: A byte budget allowing more than this is no limit worth telling the encoder (x264 counts its
#: cap in kbit/s in an int: 512 MB over 2 s overflowed it).
_UNBOUNDED_BITRATE = 50_000_000
#: Room left in a byte budget for the container and the encoder overshooting its average.
_BUDGET_SHARE = 0.85


def _video(media: MediaFacts, rules: VideoRules | None, label: str) -> Verdict:
    if rules is None:
        return _no(f"Outpost cannot post videos to {label} yet")
    fixable: list[str] = []  # what a re-encode to H.264 in MP4 mends
    fixed_only_by_creator = _timing_problems(media, rules)
    if media.mime_type not in rules.types:
        fixable.append(
            f"{label} does not take {_kind(media.mime_type)} videos (it takes {_kinds(rules.types)})"
        )
    if rules.codecs is not None and media.video_codec and media.video_codec not in rules.codecs:
        fixable.append(
            f"the {media.video_codec} codec is not accepted (use {', '.join(sorted(rules.codecs))})"
        )
    if media.frame_rate is not None and rules.max_fps is not None and media.frame_rate > rules.max_fps + 0.01:
        fixable.append(f"{media.frame_rate:.0f} frames/s is over {rules.max_fps:.0f}")
    frame_fixable, frame_not = _video_frame_problems(media, rules)
    fixable += frame_fixable
    fixed_only_by_creator += frame_not
    budget = _video_bitrate_budget(media, rules)
    if rules.max_bytes is not None and media.size > rules.max_bytes:
        problem = f"{_mb(media.size)} is over the limit of {_mb(rules.max_bytes)}"
        if budget is not None and budget >= MIN_VIDEO_BITRATE:
            fixable.append(problem)
        else:
            fixed_only_by_creator.append(problem + " (even at the lowest watchable bitrate)")
    can_encode = "video/mp4" in rules.types and (rules.codecs is None or "h264" in rules.codecs)
    if fixed_only_by_creator or (fixable and not can_encode):
        return _no(
            "; ".join(fixable + fixed_only_by_creator) + ". Export the video again within these limits"
        )
    if not fixable:
        return Verdict(Compatibility.COMPATIBLE, note=_short_form_note(media, rules))
    plan = _video_plan(media, rules, budget)
    size = f" at {plan.width}×{plan.height}" if plan.width and plan.height else ""
    rate = f", {_fps(plan.frame_rate)} fps" if plan.frame_rate else ""
    limit = (
        f", under {_mb(rules.max_bytes)}"
        if rules.max_bytes is not None and media.size > rules.max_bytes
        else ""
    )
    return Verdict(
        Compatibility.FIXABLE,
        reason="; ".join(fixable),
        fix=f"re-encode to H.264{size}{rate}{limit}",
        plan=plan,
        note=_short_form_note(media, rules),
    )


def _video_bitrate_budget(media: MediaFacts, rules: VideoRules) -> int | None:
    """The most video bits per second a copy under `rules.max_bytes` may use (None: no limit known)."""
    if rules.max_bytes is None or not media.duration_s:
        return None
    return int(rules.max_bytes * 8 * _BUDGET_SHARE / media.duration_s) - AUDIO_BITRATE


def _video_plan(media: MediaFacts, rules: VideoRules, budget: int | None) -> FixPlan:
    """H.264 in MP4 at the largest even frame size within the limits, at a frame rate they allow."""
    width, height = media.width, media.height
    if width and height:
        scale = min(
            1.0,
            (rules.max_width or width) / width,
            (rules.max_height or height) / height,
        )
        width, height = max(2, int(width * scale) // 2 * 2), max(2, int(height * scale) // 2 * 2)
    rate = media.frame_rate
    if rate is not None and rules.max_fps is not None and rate > rules.max_fps + 0.01:
        # Every n-th frame where that lands within the limits (60 → 30), so motion stays even.
        rate = rate / math.ceil(rate / rules.max_fps - 0.001)
        if rules.min_fps is not None and rate < rules.min_fps:
            rate = rules.max_fps
    return FixPlan(
        to_mime="video/mp4",
        max_bytes=rules.max_bytes,
        max_width=rules.max_width,
        max_height=rules.max_height,
        video_codec="h264",
        width=width,
        height=height,
        frame_rate=round(rate, 3) if rate else None,
        video_bitrate=budget if budget is not None and budget < _UNBOUNDED_BITRATE else None,
    )


def _fps(rate: float) -> str:
    return f"{round(rate, 2):g}"


def _short_form_note(media: MediaFacts, rules: VideoRules) -> str | None:
    """The note "a YouTube Short (vertical, 45 s; …)" when the network files the video as its short form."""
    short = rules.short_form
    width, height, duration = media.width, media.height, media.duration_s
    if short is None or not (width and height) or duration is None:
        return None
    if width > height or duration > short.max_duration_s + 0.5:
        return None
    shape = "square" if width == height else "vertical"
    return f"a {short.name} ({shape}, {duration:.0f} s; up to {short.max_duration_s / 60:.0f} minutes)"


def _timing_problems(media: MediaFacts, rules: VideoRules) -> list[str]:
    """What no re-encode mends: the length, and a frame rate too low (frames are not invented)."""
    problems = []
    duration, fps = media.duration_s, media.frame_rate
    if duration is not None and rules.max_duration_s is not None and duration > rules.max_duration_s:
        problems.append(f"{duration:.0f} s is longer than {rules.max_duration_s:.0f} s")
    if duration is not None and rules.min_duration_s is not None and duration < rules.min_duration_s:
        problems.append(f"{duration:.1f} s is shorter than {rules.min_duration_s:.1f} s")
    if fps is not None and rules.min_fps is not None and fps < rules.min_fps - 0.01:
        problems.append(f"{fps:.0f} frames/s is under {rules.min_fps:.0f}")
    return problems


def _video_frame_problems(media: MediaFacts, rules: VideoRules) -> tuple[list[str], list[str]]:
    """(what downscaling fixes, what it does not: too small, or a shape that would need a crop)."""
    width, height = media.width, media.height
    if not width or not height:
        return [], []
    fixable, not_fixable = [], []
    if (rules.max_width and width > rules.max_width) or (rules.max_height and height > rules.max_height):
        fixable.append(f"{width}×{height} is larger than {rules.max_width or '…'}×{rules.max_height or '…'}")
    if rules.min_side and min(width, height) < rules.min_side:
        not_fixable.append(f"{width}×{height} is smaller than {rules.min_side} px on a side")
    if rules.aspect is not None and not rules.aspect.contains(width / height):
        not_fixable.append(
            f"aspect ratio {_ratio(width / height)} is outside {rules.aspect.label} "
            "(Outpost does not crop videos: which part to keep is yours to choose)"
        )
    return fixable, not_fixable


_NAMES = {
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/gif": "GIF",
    "image/webp": "WebP",
    "image/heic": "HEIC",
    "image/avif": "AVIF",
    "video/mp4": "MP4",
    "video/quicktime": "MOV",
    "video/webm": "WebM",
    "application/pdf": "PDF",
}


def _kind(mime: str) -> str:
    return _NAMES.get(mime, mime)


def _kinds(mimes: frozenset[str]) -> str:
    return ", ".join(sorted(_kind(m) for m in mimes))


_COMMON_RATIOS = {
    1.0: "1:1",
    0.8: "4:5",
    1.91: "1.91:1",
    16 / 9: "16:9",
    9 / 16: "9:16",
    4 / 3: "4:3",
    3 / 4: "3:4",
    1 / 3: "1:3",
    3.0: "3:1",
    0.1: "1:10",
    10.0: "10:1",
    1 / 2.4: "1:2.4",
    2.4: "2.4:1",
}


def ratio_name(value: float) -> str:
    """`4:5`, `1.91:1`, or a decimal ratio when it is not a common one."""
    return _ratio(value)


def _ratio(value: float) -> str:
    for ratio, name in _COMMON_RATIOS.items():
        if abs(value - ratio) < 0.01:
            return name
    return f"{value:.2f}:1" if value >= 1 else f"1:{1 / value:.2f}"
