"""LinkedIn commentary escaping: whatever a person types is what readers see, never cut.

The oracle is the strict fake's reading of the little text format (tests/contract/fake_linkedin.py
`published_text`), written separately from Outpost's escaper: escapes removed, the post cut at the
first unescaped reserved character outside links, hashtags and mention elements.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from outpost.adapters.linkedin_text import count_length, escape
from tests.contract.fake_linkedin import published_text

RESERVED = "\\|{}@[]()<>#*_~"
# Text rich in what matters: reserved characters, link and hashtag starts, spaces, any Unicode.
pieces = st.one_of(
    st.sampled_from([*RESERVED, " ", "#tag", "https://ex.com/a_b", "(", ")", ".", "é", "👍🏽", "\n", "x"]),
    st.text(min_size=1, max_size=4),
)
texts = st.lists(pieces, max_size=40).map("".join)


@settings(max_examples=600)
@given(texts)
def test_readers_see_exactly_what_was_typed(text: str) -> None:
    assert published_text(escape(text)) == text


@given(texts)
def test_length_is_what_linkedin_receives(text: str) -> None:
    assert count_length(text) == len(escape(text)) >= len(text)


def test_links_hashtags_and_mentions_stay_live() -> None:
    text = "See https://en.wikipedia.org/wiki/Foo_(bar). #python @[Acme](urn:li:organization:123) (yes)"
    assert escape(text) == (
        "See https://en.wikipedia.org/wiki/Foo_(bar). #python @[Acme](urn:li:organization:123) \\(yes\\)"
    )


def test_a_hash_inside_a_word_is_not_a_hashtag() -> None:
    assert escape("C# and F#, #dotnet") == "C\\# and F\\#, #dotnet"
