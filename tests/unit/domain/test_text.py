"""Graphemes and the spans networks turn into links, mentions and tags."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from outpost.domain.text import SpanKind, _patterns, find_spans, graphemes, spans_with


def test_graphemes_count_what_people_see() -> None:
    assert graphemes("abc") == 3
    assert graphemes("👍🏽") == 1  # emoji + skin tone modifier
    assert graphemes("👨‍👩‍👧") == 1  # a ZWJ family
    assert graphemes("é") == 1  # e + combining acute
    assert graphemes("🇩🇪") == 1  # a flag is two regional indicators


def test_links_mentions_and_tags_are_found_with_their_values() -> None:
    text = "Hi @bob@example.social and @carol.bsky.social, see https://example.com/a?b=1. #release #2026 #v2"
    spans = [(s.kind, s.value) for s in find_spans(text)]
    assert spans == [
        (SpanKind.MENTION, "bob@example.social"),
        (SpanKind.MENTION, "carol.bsky.social"),
        (SpanKind.LINK, "https://example.com/a?b=1"),
        (SpanKind.HASHTAG, "release"),
        (SpanKind.HASHTAG, "v2"),
    ]


def test_an_email_address_and_a_url_fragment_are_not_mentions_or_tags() -> None:
    assert find_spans("mail me: me@example.com") == []
    assert [s.kind for s in find_spans("https://example.com/#section")] == [SpanKind.LINK]


@given(st.text())
def test_spans_never_overlap_and_stay_inside_the_text(text: str) -> None:
    spans = find_spans(text)
    for a, b in itertools.pairwise(spans):
        assert a.end <= b.start
    for span in spans:
        assert 0 <= span.start < span.end <= len(text)


_ASCII_POSTS = st.lists(
    st.sampled_from([*"abcXYZ019_.-/@#&:?!,)'\" \t\r\n", "https://", "http://", "@bob", "#tag"]), max_size=40
).map("".join)


@given(_ASCII_POSTS)
def test_ascii_text_is_counted_and_highlighted_exactly_as_unicode_segmentation_would(text: str) -> None:
    """ASCII text skips the `regex` module (issue #26); what people see counted must not change."""
    import regex

    assert graphemes(text) == len(regex.findall(r"\X", text))
    assert spans_with(_patterns(True), text) == spans_with(_patterns(False), text)


def test_carriage_return_and_line_feed_are_one_character_as_networks_count_them() -> None:
    assert graphemes("a\r\nb") == 3 and graphemes("a\n\rb") == 4
