"""Per-network verdicts with reasons and fixes, as the seeds' media report gives them."""

from __future__ import annotations

from dataclasses import dataclass, replace

from outpost.domain.compatibility import Compatibility, FixPlan, check
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


def test_a_video_too_long_stays_incompatible_cutting_is_the_creators_choice() -> None:
    long_video = Facts(
        "video/mp4", 10_000_000, 1280, 720, duration_s=200, frame_rate=30, video_codec="h264", kind="video"
    )
    verdict = check(long_video, RULES[Network.X])
    assert verdict.status is Compatibility.INCOMPATIBLE and "200 s is longer than 140 s" in (
        verdict.reason or ""
    )
    assert verdict.fix is None and verdict.plan is None
    assert check(long_video, RULES[Network.YOUTUBE]).status is Compatibility.COMPATIBLE
    # Too long and also in the wrong codec: still the creator's to cut; both reasons are given.
    both = replace(long_video, video_codec="mpeg4")
    reason = check(both, RULES[Network.X]).reason or ""
    assert check(both, RULES[Network.X]).status is Compatibility.INCOMPATIBLE
    assert "mpeg4 codec is not accepted" in reason and "longer than 140 s" in reason


def test_webm_vp9_for_x_is_fixable_by_re_encoding_to_h264_mp4() -> None:
    vp9 = Facts("video/webm", 1000, 640, 360, duration_s=5, frame_rate=30, video_codec="vp9", kind="video")
    verdict = check(vp9, RULES[Network.X])
    assert verdict.status is Compatibility.FIXABLE
    assert (
        verdict.reason
        == "X does not take WebM videos (it takes MP4); the vp9 codec is not accepted (use h264)"
    )
    assert verdict.fix == "re-encode to H.264 at 640×360, 30 fps"
    plan = verdict.plan
    assert plan is not None and (plan.to_mime, plan.video_codec) == ("video/mp4", "h264")


def test_a_60_fps_4k_video_is_downscaled_and_every_other_frame_kept() -> None:
    big = Facts(
        "video/mp4", 9_000_000, 3840, 2160, duration_s=10, frame_rate=60, video_codec="h264", kind="video"
    )
    verdict = check(big, RULES[Network.THREADS])  # Threads: up to 1920 wide, 60 fps: only the size
    assert verdict.fix == "re-encode to H.264 at 1920×1080, 60 fps"
    x_rules = RULES[Network.X]
    strict = replace(x_rules, video=replace(x_rules.video, max_fps=30))  # type: ignore[type-var]
    verdict = check(big, strict)
    assert verdict.status is Compatibility.FIXABLE
    assert verdict.reason == "60 frames/s is over 30; 3840×2160 is larger than 1280×1024"
    assert verdict.fix == "re-encode to H.264 at 1280×720, 30 fps"
    # 50 fps under a 30 fps limit: every other frame (25 fps), not an uneven 30.
    assert check(replace(big, frame_rate=50), strict).fix == "re-encode to H.264 at 1280×720, 25 fps"


def test_too_many_bytes_are_fixable_only_while_the_bitrate_stays_watchable() -> None:
    rules = RULES[Network.MASTODON]  # 99 MiB
    heavy = Facts(
        "video/mp4", 150_000_000, 1280, 720, duration_s=60, frame_rate=30, video_codec="h264", kind="video"
    )
    verdict = check(heavy, rules)
    assert verdict.status is Compatibility.FIXABLE
    assert verdict.fix == "re-encode to H.264 at 1280×720, 30 fps, under 103.8 MB"
    assert verdict.plan is not None and verdict.plan.video_bitrate is not None
    assert verdict.plan.video_bitrate * 60 / 8 < 103_809_024
    hours = replace(heavy, size=2_000_000_000, duration_s=3 * 3600)
    verdict = check(hours, rules)
    assert verdict.status is Compatibility.INCOMPATIBLE
    assert "(even at the lowest watchable bitrate)" in (verdict.reason or "")


def test_a_video_of_the_wrong_shape_is_not_cropped_and_says_why() -> None:
    banner = Facts(
        "video/mp4", 1000, 1200, 400, duration_s=5, frame_rate=30, video_codec="h264", kind="video"
    )
    verdict = check(banner, RULES[Network.LINKEDIN])
    assert verdict.status is Compatibility.INCOMPATIBLE
    assert "3:1 is outside 1:2.4 to 2.4:1 (Outpost does not crop videos" in (verdict.reason or "")


def test_a_network_whose_codecs_exclude_h264_keeps_the_video_incompatible() -> None:
    rules = RULES[Network.X]
    hevc_only = replace(rules, video=replace(rules.video, codecs=frozenset({"hevc"})))  # type: ignore[type-var]
    clip = Facts("video/mp4", 1000, 640, 360, duration_s=5, frame_rate=30, video_codec="vp9", kind="video")
    assert check(clip, hevc_only).status is Compatibility.INCOMPATIBLE


def test_image_plans_keep_their_cache_keys() -> None:
    """Adding the video fields must not re-derive every image already in the cache."""
    assert (
        FixPlan(to_mime="image/jpeg", max_bytes=1_000_000).key() == "199838ce83462257"
    )  # its key before videos had plans


def test_kinds_a_network_does_not_take() -> None:
    assert (
        check(Facts("image/gif", 10, 10, 10, kind="animated_gif"), RULES[Network.YOUTUBE]).reason
        == "YouTube does not take animated GIFs"
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
