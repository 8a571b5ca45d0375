"""Bluesky facets: byte offsets that point at exactly the text they describe, for any input."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from outpost.adapters.bluesky_text import build, display_length, shorten_link


def test_the_docs_example_has_the_docs_offsets() -> None:
    # ../shared/platforms §2.2: "ü" and "ß" are 2 bytes, "→" is 3.
    rich = build(
        "Grüße @alice.bsky.social → https://example.com/x #release", {"alice.bsky.social": "did:plc:abc"}
    )
    spans = [(f["index"]["byteStart"], f["index"]["byteEnd"]) for f in rich.facets]
    assert spans == [(8, 26), (31, 44), (45, 53)]  # the link shows as "example.com/x", shorter than the URL
    assert rich.text == "Grüße @alice.bsky.social → example.com/x #release"


def test_long_links_are_shortened_like_the_app_and_short_ones_only_lose_the_scheme() -> None:
    assert shorten_link("https://www.example.com/") == "example.com"
    assert (
        shorten_link("https://example.com/a/very/long/path/that/keeps/going")
        == "example.com/a/very/long/path/…"
    )
    assert display_length("see https://example.com/" + "x" * 500) == 4 + 30


@settings(max_examples=400, deadline=None)
@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=200),
    st.sampled_from(["", " https://a.example/p", " #tag", " @bob.test"]),
)
def test_every_facet_points_inside_the_shown_text_and_facets_never_overlap(text: str, extra: str) -> None:
    rich = build(text + extra, {"bob.test": "did:plc:bob"})
    shown = rich.text.encode()
    previous_end = 0
    for facet in rich.facets:
        start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
        assert previous_end <= start < end <= len(shown)
        shown[start:end].decode()  # on character boundaries
        previous_end = end
    for facet in rich.facets:
        feature = facet["features"][0]
        piece = shown[facet["index"]["byteStart"] : facet["index"]["byteEnd"]].decode()
        if feature["$type"].endswith("#tag"):
            assert piece == "#" + feature["tag"]
        elif feature["$type"].endswith("#mention"):
            assert piece.lower() == "@bob.test"
