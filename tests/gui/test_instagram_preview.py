"""Instagram in the window: the preview (4:5 frame, carousel dots, "… more") and the pasted sign-in."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from outpost.domain.enums import Network
from outpost.domain.errors import InvalidStateError
from outpost.gui.links import PastedAddressDialog, address_asker
from outpost.gui.previews.renderers import (
    FOLD_AT,
    PreviewMedia,
    PreviewPost,
    Tone,
    grid_cell_aspect,
    render,
)
from outpost.gui.previews.widget import PreviewSource, PreviewTabs
from outpost.gui.qt import QImage, QWidget
from tests import media_fixtures
from tests.gui.helpers import run_on_qasync


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


def test_the_window_asks_for_the_pasted_address_and_a_cancel_says_so(qapp, qtbot) -> None:  # type: ignore[no-untyped-def]
    """Instagram's sign-in ends on an https address nothing answers: the window asks for it."""
    parent = QWidget()
    qtbot.addWidget(parent)

    async def scenario() -> None:
        ask = address_asker(parent, "signing in to Instagram")
        pending = asyncio.ensure_future(ask())
        await asyncio.sleep(0.05)
        [dialog] = parent.findChildren(PastedAddressDialog)
        dialog.address.setText("https://localhost:8765/callback?code=AQ123&state=s#_")
        dialog.accept()
        assert await pending == "https://localhost:8765/callback?code=AQ123&state=s#_"
        cancelled = asyncio.ensure_future(ask())
        await asyncio.sleep(0.05)
        [dialog] = [d for d in parent.findChildren(PastedAddressDialog) if d.isVisible()]
        dialog.reject()
        with pytest.raises(InvalidStateError, match="Signing in to Instagram was cancelled"):
            await cancelled

    run_on_qasync(qapp, scenario)
