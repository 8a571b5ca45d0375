"""Instagram in the window: the preview (4:5 frame, carousel dots, "… more") and the pasted sign-in."""

from __future__ import annotations

from pathlib import Path

from outpost.domain.enums import Network
from outpost.gui.previews.renderers import (
    FOLD_AT,
    PreviewMedia,
    PreviewPost,
    Tone,
    grid_cell_aspect,
    render,
)
from outpost.gui.previews.widget import PreviewSource, PreviewTabs
from outpost.gui.qt import QImage
from tests import media_fixtures


def post(text: str, count: int = 1, **options: object) -> PreviewPost:
    media = tuple(PreviewMedia(f"thumb://instagram/{i}", "image") for i in range(count))
    return PreviewPost(Network.INSTAGRAM, "Alice Makes", "alice.makes", (text,), media, options)


def test_a_long_caption_folds_behind_more_after_the_name() -> None:
    caption = "Spring at the studio " * 20
    shown = render(post(caption))
    assert "<b>alice.makes</b> " in shown and "… more" in shown
    assert caption[: FOLD_AT[Network.INSTAGRAM]].strip() in shown and caption.strip() not in shown
    assert "… more" not in render(post("Short and sweet #weaving"))


def test_a_carousel_shows_one_picture_and_a_dot_for_each() -> None:
    shown = render(post("Three looks", count=3), Tone())
    assert shown.count("<img") == 1 and shown.count("●") == 3
    assert "●" not in render(post("One look", count=1))


def test_a_story_says_it_shows_no_caption_and_a_reel_says_it_is_one() -> None:
    assert "Stories show no caption" in render(post("not shown", content_type="story"))
    assert "not shown" not in render(post("not shown", content_type="story"))
    assert "· Reel" in render(post("spinning", content_type="reels"))


def test_a_post_without_media_says_instagram_needs_one() -> None:
    assert "need a picture or a video" in render(post("only words", count=0))


def test_every_instagram_picture_is_cropped_to_the_feeds_4_5(qtbot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    wide = media_fixtures.image(tmp_path / "wide.jpg", 1600, 900)
    tabs = PreviewTabs()
    qtbot.addWidget(tabs)
    account_post = post("Wide", count=0)
    tabs.show_source(PreviewSource((account_post,), ((str(wide), "image"), (str(wide), "image"))))
    tabs.flush()
    browser = tabs.browser(Network.INSTAGRAM)
    assert browser is not None
    image = browser.document().resource(2, "thumb://instagram/0")  # 2: an image resource
    assert isinstance(image, QImage) and abs(image.width() / image.height() - 4 / 5) < 0.02
    assert grid_cell_aspect(Network.INSTAGRAM, 1) == grid_cell_aspect(Network.INSTAGRAM, 5) == 4 / 5
