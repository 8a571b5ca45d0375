"""Drafts may break a network's rules, as in the window; scheduling and publishing never do.

In-process against the fake network (500 characters, tests/cli/conftest.py), with texts from
standard input where the command line would be too small.
"""

from __future__ import annotations

from tests.cli.conftest import Cli

ALICE = "mastodon:alice@fake.example"
LONG = "word " * 120  # 600 characters


def test_a_draft_over_the_limit_is_saved_with_what_to_fix(cli: Cli) -> None:
    cli.add_alice()
    post = cli("post", "create", "--text", LONG, "--account", ALICE)
    assert post["status"] == "draft" and post["text"] == LONG
    [warning] = post["warnings"]
    assert (warning["field"], warning["rule"], warning["limit"], warning["actual"]) == (
        "text",
        "max_length",
        500,
        len(LONG),
    )
    assert "saved as a draft; fix this before scheduling or publishing it" in cli.stderr
    assert "over Mastodon's limit of 500" in cli.stderr
    assert [p["id"] for p in cli("post", "list", "--status", "draft")] == [post["id"]]


def test_scheduling_or_publishing_a_draft_over_the_limit_is_refused(cli: Cli) -> None:
    cli.add_alice()
    post = cli("post", "create", "--text", LONG, "--account", ALICE)
    refused = cli("post", "schedule", post["id"], "--at", "2026-12-01T09:00:00Z", expect=2)
    assert refused["error"]["problems"][0]["rule"] == "max_length"
    assert cli("post", "publish", post["id"], expect=2)["error"]["code"] == "validation_error"
    assert cli.remote.posts == []
    assert cli("post", "show", post["id"])["status"] == "draft"
    # Fixed, it goes out.
    assert cli("post", "edit", post["id"], "--text", "Short now")["warnings"] == []
    assert cli("post", "publish", post["id"])["status"] == "published"


def test_creating_with_at_or_now_still_checks_every_rule(cli: Cli) -> None:
    cli.add_alice()
    cli("post", "create", "--text", LONG, "--account", ALICE, "--at", "2026-12-01T09:00:00Z", expect=2)
    cli("post", "create", "--text", LONG, "--account", ALICE, "--now", expect=2)
    assert cli("post", "list") == [] and cli.remote.posts == []


def test_a_scheduled_post_stays_within_the_rules_when_edited(cli: Cli) -> None:
    cli.add_alice()
    post = cli("post", "create", "--text", "Hi", "--account", ALICE, "--at", "2026-12-01T09:00:00Z")
    cli("post", "edit", post["id"], "--text", LONG, expect=2)  # it keeps its time, so it must fit
    assert cli("post", "show", post["id"])["text"] == "Hi"
    draft = cli("post", "edit", post["id"], "--text", LONG, "--draft")  # taken off the schedule: fine
    assert (draft["status"], draft["scheduled_at"], len(draft["warnings"])) == ("draft", None, 1)


def test_text_and_thread_from_standard_input(cli: Cli) -> None:
    cli.add_alice()
    post = cli("post", "create", "--text", "-", "--account", ALICE, stdin="Line one\r\nline two\n\n")
    assert post["text"] == "Line one\nline two"
    edited = cli("post", "edit", post["id"], "--thread-file", "-", stdin="two\n---\n\nthree\n---\n")
    assert (edited["text"], edited["thread"]) == ("Line one\nline two", ["two", "three"])


def test_standard_input_cannot_hold_both_the_text_and_the_thread(cli: Cli) -> None:
    cli.add_alice()
    doc = cli("post", "create", "--text", "-", "--thread-file", "-", "--account", ALICE, stdin="x", expect=2)
    assert doc["error"]["problems"][0]["field"] == "--thread-file"
    assert "standard input already holds the post's text" in cli.stderr
    assert cli("post", "list") == []


def test_an_account_on_a_network_without_an_adapter_is_named_among_the_other_problems(cli: Cli) -> None:
    cli.add_alice()
    doc = cli(
        "post", "create", "--text", "Hi", "--account", "pinterest:me", "--account", "acc_nope", expect=2
    )
    problems = {p["rule"]: p for p in doc["error"]["problems"]}
    assert set(problems) == {"network_not_available", "known_account"}
    assert problems["network_not_available"]["network"] == "pinterest"
    assert "--account: Pinterest is not available yet in this version of Outpost" in cli.stderr
    assert "no connected account 'acc_nope'" in cli.stderr
