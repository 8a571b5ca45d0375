"""Issue #22's pure rules: UTM tags on chosen links, X's costs, snippets and their triggers."""

from __future__ import annotations

import pytest

from outpost.domain import costs
from outpost.domain.enums import Network
from outpost.domain.links import UtmTags, has_utm, links_in, tag_link, tag_text, tags_for
from outpost.domain.snippets import Snippet, expand_trigger, problems, search

TAGS = UtmTags(source="mastodon", medium="social", campaign="launch")


def test_links_are_found_once_each_without_the_sentences_punctuation() -> None:
    text = "See https://a.example/x. And (https://b.example/?q=1), again https://a.example/x!"
    assert links_in(text) == ["https://a.example/x", "https://b.example/?q=1"]


def test_only_the_chosen_links_are_tagged_and_keep_their_own_query() -> None:
    text = "Read https://a.example/post?id=7 or https://b.example/ now."
    tagged = tag_text(text, ["https://a.example/post?id=7"], TAGS)
    assert tagged == (
        "Read https://a.example/post?id=7&utm_source=mastodon&utm_medium=social&utm_campaign=launch "
        "or https://b.example/ now."
    )


def test_a_link_is_never_tagged_twice() -> None:
    once = tag_link("https://a.example/", TAGS)
    assert has_utm(once)
    assert tag_link(once, UtmTags(source="x")) == once
    own = "https://a.example/?utm_source=newsletter"
    assert tag_text(f"go {own}", [own], TAGS) == f"go {own}"


def test_tagging_is_on_per_network_or_per_account() -> None:
    assert tags_for("mastodon", "mastodon:me@a.social", ["mastodon"]) == UtmTags("mastodon")
    assert tags_for("x", "x:me", ["x:me"], campaign="c") == UtmTags("x", campaign="c")
    assert tags_for("x", "x:other", ["x:me"]) is None
    assert tag_text("https://a.example/", ["https://a.example/"], None) == "https://a.example/"


def test_the_cost_of_a_thread_with_a_link_and_a_first_comment_on_x() -> None:
    # Known answer at the prices read on 2026-12-02: two parts with a link at $0.20, one without
    # at $0.015, the first comment (a link) at $0.20, one described image at $0.005.
    cost = costs.post_cost(
        ["1/ new post https://example.com/a", "2/ details", "3/ more at https://example.com/b"],
        first_comment="Sources: https://example.com/c",
        described_media=1,
    )
    assert [line.kind for line in cost.lines] == [
        "post_with_url",
        "post",
        "post_with_url",
        "post_with_url",
        "media_metadata",
    ]
    assert cost.usd == pytest.approx(0.2 * 3 + 0.015 + 0.005)
    assert cost.summary() == (
        "$0.62 on X: 3 parts with a link ($0.20 each), 1 part without a link ($0.015 each), "
        "1 alt text ($0.005 each)"
    )


def test_a_link_costs_about_thirteen_times_a_post_without() -> None:
    assert costs.X_PRICES["post_with_url"] / costs.X_PRICES["post"] == pytest.approx(13.3, abs=0.1)


def test_prices_changed_in_settings_are_used() -> None:
    cost = costs.post_cost(["no link"], table={"post": 0.02, "unknown": 9})
    assert cost.usd == 0.02


def test_a_trigger_becomes_the_snippet_for_the_network_being_written_for() -> None:
    tags = Snippet(id="s1", name="Tags", trigger=";tags", text="#a #b #c #d", variants={"x": "#a"})
    text = "Hello ;tags "
    assert expand_trigger(text, len(text), [tags], Network.X) == ("Hello #a ", len("Hello #a "))
    assert expand_trigger(text, len(text), [tags], None) == ("Hello #a #b #c #d ", len("Hello #a #b #c #d "))
    assert expand_trigger("Hello ;tag ", 11, [tags], None) is None  # not a trigger
    assert expand_trigger("Hello ;tags", 11, [tags], None) is None  # not ended yet


def test_snippet_problems_are_all_reported() -> None:
    old = Snippet(id="s1", name="Sig", trigger=";sig", text="— me")
    new = Snippet(id="s2", name=" ", trigger=";sig", text="", variants={"myspace": "x"})
    found = problems(new, [old])
    assert len(found) == 4
    assert any("already inserts “Sig”" in p for p in found)
    assert problems(Snippet(id="s3", name="n", trigger="sig", text="t"), []) != []  # needs a mark


def test_the_picker_finds_snippets_by_any_word() -> None:
    a = Snippet(id="a", name="Signature", trigger=";sig", text="— Ana")
    b = Snippet(id="b", name="Launch tags", trigger=";launch", text="#launch #indie")
    assert search([a, b], "indie") == [b]
    assert search([a, b], "") == [b, a]
