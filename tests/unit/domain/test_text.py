"""Graphemes and the spans networks turn into links, mentions and tags."""

from __future__ import annotations

import itertools

from hypothesis import given
from hypothesis import strategies as st

from outpost.domain.text import SpanKind, find_spans, graphemes


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
