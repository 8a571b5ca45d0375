"""The Pinterest preview: a Pin card, picture on top, then title, description and where it leads."""

from __future__ import annotations

from outpost.domain.enums import Network
from outpost.gui.previews.renderers import PreviewMedia, PreviewPost, render


def pin(media: tuple[PreviewMedia, ...], **options: object) -> str:
    post = PreviewPost(
        Network.PINTEREST, "Alice's Kitchen", "alice_pins", ("Soup <b>tonight</b> #soup",), media, options
    )
    return render(post)


def test_a_pin_shows_the_picture_first_then_its_title_description_and_link() -> None:
    shown = pin(
        (PreviewMedia("thumb://pinterest/0", "image"),),
        title="Leek & potato",
        link="https://www.alice.example/soup",
    )
    picture, title = shown.index("<img src='thumb://pinterest/0'"), shown.index("Leek &amp; potato")
    description, link = shown.index("Soup &lt;b&gt;tonight&lt;/b&gt;"), shown.index("alice.example")
    assert picture < title < description < link  # the card's order, user text escaped
    assert "www.alice.example" not in shown and "<b>tonight</b>" not in shown


def test_a_pin_without_a_picture_says_what_it_needs_and_a_video_is_marked() -> None:
    assert "A Pin is a picture or a video" in pin(())
    assert "▶ video" in pin((PreviewMedia("thumb://pinterest/0", "video"),))
