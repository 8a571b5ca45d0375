"""TikTok's preview: a 9:16 frame with the handle and the caption, the privacy level chosen and the
declaration TikTok wants before publishing. The renderer is pure (no Qt): HTML in, HTML out."""

from __future__ import annotations

from outpost.domain.enums import Network
from outpost.gui.previews.renderers import PreviewMedia, PreviewPost, grid_cell_aspect, render


def test_a_video_fills_a_nine_by_sixteen_frame_with_the_caption_over_it() -> None:
    post = PreviewPost(
        Network.TIKTOK,
        "Alice Makes",
        "alice.makes",
        ("Blue glaze <b>at last</b> #pottery",),
        (PreviewMedia("thumb://tiktok/0", "video"),),
        {"privacy_level": "FOLLOWER_OF_CREATOR"},
    )
    page = render(post)
    assert "background-image: url(thumb://tiktok/0)" in page and "width='186'" in page  # 202 x 360
    assert "@alice.makes" in page and "&lt;b&gt;at last&lt;/b&gt;" in page and "<b>at last</b>" not in page
    assert "Who can watch: Followers" in page and "TikTok's Music Usage Confirmation" in page
    assert grid_cell_aspect(Network.TIKTOK, 1) == grid_cell_aspect(Network.TIKTOK, 3) == 9 / 16


def test_without_media_the_frame_says_what_tiktok_needs_and_branded_content_names_its_policy() -> None:
    post = PreviewPost(Network.TIKTOK, "A", "a", ("x" * 300,), options={"brand_content_toggle": True})
    page = render(post)
    assert "A TikTok post is a video or photos" in page and "Who can watch: not chosen yet" in page
    assert "Branded Content Policy and Music Usage Confirmation" in page and "… more" in page
