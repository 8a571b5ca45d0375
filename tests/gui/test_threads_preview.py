"""The Threads preview looks like Threads: username and topic, a swipeable media row, its icons."""

from __future__ import annotations

from outpost.domain.enums import Network
from outpost.gui.previews.renderers import PreviewMedia, PreviewPost, render


def _post(*parts: str, media: int = 0, **options: object) -> PreviewPost:
    files = tuple(PreviewMedia(f"thumb://{n}", "video" if n == 1 else "image") for n in range(media))
    return PreviewPost(Network.THREADS, "Alice Example", "alice.makes", parts, files, options)


def test_the_username_and_topic_head_the_post_and_the_reply_setting_is_said_under_it() -> None:
    shown = render(_post("Dye day <b>!</b>", "Indigo", topic_tag="Weaving", reply_control="mentioned_only"))
    assert "<b>alice.makes</b>" in shown and "Alice Example" not in shown  # Threads shows no display name
    assert "›</span> Weaving" in shown and shown.count("Weaving") == 1  # on the first post only
    assert "&lt;b&gt;!&lt;/b&gt;" in shown  # text is text, never markup
    assert shown.count("♡") == 2 and "Only profiles you mention can reply" in shown


def test_a_carousel_is_one_row_of_three_then_how_many_more() -> None:
    shown = render(_post("Twelve views", media=12))
    assert shown.count("<img") == 3 and "+9 ›" in shown and "▶ video" in shown
    assert "Link preview" not in shown


def test_a_link_without_media_gets_a_card() -> None:
    shown = render(_post("New pattern: https://example.com/shop/indigo-scarf"))
    assert "example.com" in shown and "Link preview" in shown
