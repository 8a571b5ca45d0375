"""Per-network verdicts with reasons and fixes, as the seeds' media report gives them."""

from __future__ import annotations

from dataclasses import dataclass

from outpost.domain.compatibility import Compatibility, check
from outpost.domain.enums import Network
from outpost.domain.media_rules import RULES


@dataclass(frozen=True)
class Facts:
    mime_type: str
    size: int
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None
    frame_rate: float | None = None
    video_codec: str | None = None
    kind: str = "image"


def test_the_seeds_example_landscape_image_on_instagram_is_fixable_by_cropping() -> None:
    verdict = check(Facts("image/png", 345_678, 1200, 500), RULES[Network.INSTAGRAM])
    assert verdict.status is Compatibility.FIXABLE
    assert verdict.reason == "Instagram does not take PNG images; aspect ratio 2.4:1 is outside 4:5 to 1.91:1"
    assert verdict.fix == "convert to JPEG, then crop to 1.91:1"
    assert (
        verdict.plan is not None and verdict.plan.to_mime == "image/jpeg" and verdict.plan.aspect_high == 1.91
    )


def test_a_big_photo_for_bluesky_is_fixable_by_re_encoding() -> None:
    verdict = check(Facts("image/jpeg", 2_500_000, 1600, 1200), RULES[Network.BLUESKY])
    assert (verdict.status, verdict.fix) == (Compatibility.FIXABLE, "re-encode under 1.0 MB")


def test_heic_is_converted_where_it_is_not_taken_and_kept_where_it_is() -> None:
    heic = Facts("image/heic", 900_000, 800, 600)
    assert check(heic, RULES[Network.X]).fix == "convert to JPEG"
    assert check(heic, RULES[Network.MASTODON]).status is Compatibility.COMPATIBLE


def test_png_on_tiktok_becomes_jpeg() -> None:
    assert check(Facts("image/png", 1000, 1080, 1080), RULES[Network.TIKTOK]).fix == "convert to JPEG"


def test_videos_are_checked_not_transcoded() -> None:
    long_video = Facts(
        "video/mp4", 10_000_000, 1280, 720, duration_s=200, frame_rate=30, video_codec="h264", kind="video"
    )
    verdict = check(long_video, RULES[Network.X])
    assert verdict.status is Compatibility.INCOMPATIBLE and "200 s is longer than 140 s" in (
        verdict.reason or ""
    )
    assert check(long_video, RULES[Network.YOUTUBE]).status is Compatibility.COMPATIBLE
    vp9 = Facts("video/webm", 1000, 640, 360, duration_s=5, frame_rate=30, video_codec="vp9", kind="video")
    assert "does not take WebM videos" in (check(vp9, RULES[Network.X]).reason or "")


def test_kinds_a_network_does_not_take() -> None:
    assert (
        check(Facts("image/jpeg", 10, 10, 10), RULES[Network.YOUTUBE]).reason
        == "YouTube posts take no images"
    )
    assert (
        check(Facts("image/gif", 10, 10, 10, kind="animated_gif"), RULES[Network.BLUESKY]).reason
        == "Bluesky does not take animated GIFs"
    )
    assert (
        check(Facts("application/pdf", 10, kind="document"), RULES[Network.LINKEDIN]).status
        is Compatibility.COMPATIBLE
    )
    assert (
        check(Facts("application/pdf", 10, kind="document"), RULES[Network.X]).status
        is Compatibility.INCOMPATIBLE
    )


def test_every_network_has_a_cited_table() -> None:
    assert set(RULES) == set(Network)
    assert all(rules.source.startswith("platforms/") for rules in RULES.values())


def test_bluesky_takes_a_video_up_to_its_apps_limits() -> None:
    rules = RULES[Network.BLUESKY]
    fine = Facts("video/quicktime", 299_000_000, 1080, 1920, duration_s=600, video_codec="hevc", kind="video")
    assert check(fine, rules).status is Compatibility.COMPATIBLE
    too_much = Facts("video/mp4", 300_000_001, 1920, 1080, duration_s=601, kind="video")
    reason = check(too_much, rules).reason or ""
    assert "300.0 MB is over the limit of 300.0 MB" in reason and "601 s is longer than 600 s" in reason
    assert rules.video_alone
