"""Threads' length (characters, emoji as their UTF-8 bytes) and its count of distinct links."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outpost.adapters.threads_text import MAX_LENGTH, count_length, links

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467"  # man, ZWJ, woman, ZWJ, girl: 18 bytes
FLAG = "\U0001f1e9\U0001f1ea"  # DE: two regional indicators, 8 bytes


@pytest.mark.parametrize(
    ("text", "length"),
    [
        ("Hello Threads", 13),
        ("👍", 4),
        ("❤️", 6),  # U+2764 + VS16: 3 + 3 bytes
        (FAMILY, 18),
        (FLAG, 8),
        ("1️⃣", 7),  # keycap: 1 + 3 + 3 bytes
        ("👋🏽", 8),  # waving hand + skin tone
        ("café", 4),  # one code point é
        ("cafe\u0301", 5),  # e + combining acute: two code points, counted as such
        ("漢字かな", 4),  # not emoji: one each
        ("a\nb", 3),  # a line break counts
        ("© ™", 3),  # text-style symbols without the emoji selector are characters
    ],
)
def test_emoji_count_their_utf8_bytes_and_everything_else_counts_one_per_character(
    text: str, length: int
) -> None:
    assert count_length(text) == length


def test_the_limit_is_reached_sooner_with_emoji() -> None:
    assert count_length("x" * 500) == MAX_LENGTH
    assert count_length("x" * 497 + "👍") == 501  # 497 + 4: one over


@given(st.text(alphabet=st.characters(max_codepoint=0x2000, exclude_categories=("Cs",))))
def test_text_without_emoji_counts_its_code_points(text: str) -> None:
    assert count_length(text) == len(text)


def test_links_are_distinct_urls_with_or_without_a_scheme() -> None:
    text = (
        "See https://example.com/a and https://example.com/a again, www.threads.com, "
        "instagram.com/outpost and HTTPS://EXAMPLE.COM/A/ (the same), not me@mail.com or a.b"
    )
    assert links(text) == ["https://example.com/a", "www.threads.com", "instagram.com/outpost"]


def test_an_address_written_two_ways_counts_twice() -> None:
    assert len(links("https://facebook.com and facebook.com")) == 2


def test_six_distinct_links() -> None:
    text = " ".join(f"https://site{n}.example.com/" for n in range(6))
    assert len(links(text)) == 6
