"""X's weighted length, checked against twitter-text's published conformance cases.

Cases from github.com/twitter/twitter-text `conformance/tests/validate.yml`, section
WeightedTweetsWithDiscountedEmojiCounterTest (the v3 configuration X uses), with long texts rebuilt
from their pattern rather than pasted.
"""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outpost.adapters.x_text import MAX_WEIGHTED_LENGTH, weighted_length

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
ENGLAND = "\U0001f3f4\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
KANA = "あいうえおかきくけこ"
POEM = "故人西辞黄鹤楼，烟花三月下扬州。孤帆远影碧空尽，唯见长江天际流。" * 5

CONFORMANCE = [
    ("I am a Tweet", 12),
    ("285 chars-" + "xxxxxxxxxx-" * 25, 285),
    ("285 chars- http://www.twitter.com/jack " + "xxxxxxxxxx-" * 24, 299),
    ("xxxxxxxxxx-" * 24 + " http://www.twitter.com/jack ", 289),
    ("https://www.twitter.com/aloha " * 10, 240),
    (POEM, 320),
    ("the" + POEM, 323),
    ("\U0001f637" * 160, 320),
    ("A\u0301B", 2),  # 'Á' decomposed: normalized into one character
    ("A\ufb2c", 4),  # 'שּׁ' normalizes into three characters
    ("H\U0001f431\u263a" + FAMILY, 7),
    ("\U0001f637\U0001f47e\U0001f621\U0001f525\U0001f4a9", 10),
    ("\U0001f64b\U0001f3fd\U0001f468\u200d\U0001f3a4", 4),
    ("randomurl" * 7 + "s.com", 68),  # a 64-character label is not a domain
    (KANA * 12 + " http://" + KANA * 5 + "あいう.com", 358),  # punycode host label over 63
    (KANA * 12 + " http://" + KANA * 5 + "あい.com", 264),
    (FAMILY * 140, 280),
    (f"Unicode 10.0 emoji: \U0001f92a; \U0001f9d5; \U0001f9d5\U0001f3fe; {ENGLAND}", 34),
    ("Unicode 9.0 emoji: \U0001f920; \U0001f483; \U0001f483\U0001f3fe", 29),
    ("\u2066\u202ahttp://foobar.پاکستان/\u202c\u2069", 31),
    ("Test https://test.com test https://test.com test.com test", 86),
]


@pytest.mark.parametrize(("text", "expected"), CONFORMANCE)
def test_weighted_length_matches_twitter_text(text: str, expected: int) -> None:
    assert weighted_length(text) == expected


def test_the_limit_is_280() -> None:
    assert MAX_WEIGHTED_LENGTH == 280
    assert weighted_length("x" * 280) == MAX_WEIGHTED_LENGTH


LATIN = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéü ÀÖ,!?'", max_size=300)


@given(LATIN)
def test_latin_text_counts_one_per_character(text: str) -> None:
    assert weighted_length(text) == len(unicodedata.normalize("NFC", text))


@given(st.text(alphabet="故人西辞黄鹤楼한국어ひらがなカタカナ", max_size=200))
def test_cjk_text_counts_two_per_character(text: str) -> None:
    assert weighted_length(text) == 2 * len(text)


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789/-_=&", min_size=0, max_size=500))
def test_a_link_counts_23_however_long(path: str) -> None:
    assert weighted_length(f"see https://example.org/{path}x now") == 4 + 23 + 4


@given(st.text(max_size=200))
def test_composed_and_decomposed_text_count_the_same(text: str) -> None:
    assert weighted_length(unicodedata.normalize("NFD", text)) == weighted_length(
        unicodedata.normalize("NFC", text)
    )
