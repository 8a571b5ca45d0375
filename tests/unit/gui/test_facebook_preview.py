"""The Facebook preview reads as a Page post: time and audience, "See more", Like · Comment · Share."""

from __future__ import annotations

from outpost.domain.enums import Network
from outpost.gui.previews.renderers import PreviewPost, render


def _post(network: Network, text: str) -> str:
    return render(PreviewPost(network, "Dye Garden", "dyegarden", (text,)))


def test_a_page_post_shows_time_audience_and_the_actions_under_it() -> None:
    shown = _post(Network.FACEBOOK, "Open Saturday")
    assert "Just now · Public" in shown and "dyegarden" not in shown
    assert "Like" in shown and "Comment" in shown and "Share" in shown


def test_long_text_folds_at_facebooks_see_more_and_other_networks_keep_theirs() -> None:
    long = "word " * 200
    assert "… See more" in _post(Network.FACEBOOK, long)
    linkedin = _post(Network.LINKEDIN, long)
    assert "… more" in linkedin and "See more" not in linkedin and "Like &nbsp;" not in linkedin
