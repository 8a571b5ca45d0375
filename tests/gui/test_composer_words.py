"""The engine's problems, said for the window: accounts by name, no flags, where to click (issue #17)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from outpost.domain.enums import Network
from outpost.domain.errors import InvalidStateError, Problem, ValidationError
from outpost.domain.models import Account
from outpost.gui.composer.words import FLAG, error_text, problem_text, window_words

SANDBOX = Account(
    id="acc_1",
    network=Network.BLUESKY,
    handle="you.sandbox.local",
    service_url="http://127.0.0.1:34927",
    secret_ref="s1",
    created_at=datetime(2026, 1, 1, tzinfo=UTC),
)
STUDIO = Account(
    id="acc_2",
    network=Network.MASTODON,
    handle="studio@masto.example",
    display_name="Studio Dyes",
    secret_ref="s2",
    created_at=datetime(2026, 1, 1, tzinfo=UTC),
)
ACCOUNTS = [SANDBOX, STUDIO]


def test_a_text_over_the_limit_names_the_account_counts_and_says_where_to_fix_it() -> None:
    problem = Problem(
        field="--text-for bluesky:you.sandbox.local",
        network="bluesky",
        account="bluesky:you.sandbox.local",
        rule="max_length",
        limit=300,
        actual=363,
        message="--text-for bluesky:you.sandbox.local: 363 characters (graphemes; long links are shortened "
        "as Bluesky shows them) for bluesky:you.sandbox.local, over Bluesky's limit of 300 by 63. …",
    )
    assert problem_text(problem, ACCOUNTS) == (
        "Sandbox Bluesky · you: its own text is 363 of 300 characters (63 over). "
        "Shorten it under “Customise Bluesky”."
    )


def test_the_count_unit_of_the_command_line_is_not_repeated() -> None:
    problem = Problem(
        field="text",
        network="mastodon",
        account="mastodon:studio@masto.example",
        rule="max_length",
        limit=500,
        actual=512,
        message="text: 512 characters (content warning included, links count 23) for …",
    )
    text = problem_text(problem, ACCOUNTS)
    assert text.startswith("Mastodon · Studio Dyes: 512 of 500 characters (12 over).")
    assert "content warning" not in text and "links count" not in text


@pytest.mark.parametrize(
    ("problem", "expected"),
    [
        (
            Problem(field="--account", rule="required", message="--account: choose at least one account …"),
            "Choose at least one account under “Post to”.",
        ),
        (
            Problem(
                field="thread[2]",
                network="bluesky",
                account="bluesky:you.sandbox.local",
                rule="not_empty",
                message="thread[2]: thread part 3 is empty; write it or remove it.",
            ),
            "Thread part 3 is empty: write it or remove it.",
        ),
        (
            Problem(
                field="--option mastodon.visibility",
                network="mastodon",
                rule="required_option",
                account="mastodon:studio@masto.example",
                message="--option mastodon.visibility: Mastodon needs who can see it for "
                "mastodon:studio@masto.example; add --option mastodon.visibility=… .",
            ),
            "Mastodon needs who can see it: fill it in under “Customise Mastodon”.",
        ),
        (
            Problem(
                field="media",
                network="bluesky",
                rule="media_count",
                limit=4,
                actual=6,
                message="media: 6 files attached, but Bluesky takes at most 4 per post. …",
            ),
            "6 files attached, but Bluesky takes at most 4 per post: remove some, or put them in a thread.",
        ),
        (
            Problem(
                field="posting_schedule",
                message="posting_schedule: set time slots per weekday in Settings first.",
            ),
            "Set up a posting schedule in Settings first: “Add to queue” fills its time slots in order.",
        ),
    ],
)
def test_each_kind_of_problem_in_the_windows_words(problem: Problem, expected: str) -> None:
    assert problem_text(problem, ACCOUNTS) == expected


def test_a_file_is_named_by_its_name_not_its_path() -> None:
    problem = Problem(
        field="media[1]",
        network="mastodon",
        account="mastodon:studio@masto.example",
        rule="media_compatible",
        actual="/home/me/Pictures/huge.tiff",
        message="media[1]: /home/me/Pictures/huge.tiff cannot go to Mastodon: TIFF is not accepted.",
    )
    assert problem_text(problem, ACCOUNTS, files=["/home/me/Pictures/huge.tiff"]) == (
        "“huge.tiff” cannot go to Mastodon: TIFF is not accepted."
    )


def test_an_unknown_problem_keeps_its_meaning_without_flags_or_refs() -> None:
    problem = Problem(
        field="linkedin.visibility",
        network="linkedin",
        message="linkedin.visibility: bluesky:you.sandbox.local is odd; try --option linkedin.visibility=PUBLIC "
        "or `outpost accounts add linkedin` with --text-for.",
    )
    text = problem_text(problem, ACCOUNTS)
    assert not FLAG.search(text) and "bluesky:you" not in text and "`" not in text
    assert text.startswith("Sandbox Bluesky · you is odd")


def test_errors_for_the_status_bar_say_the_first_problem_and_how_many_more() -> None:
    many = ValidationError(
        [
            Problem(field="--account", rule="required", message="--account: choose …"),
            Problem(field="--at", rule="in_future", message="--at: 2020-01-01 is in the past …"),
            Problem(field="--tz", rule="iana_zone", message="--tz: unknown time zone 'Mars/Base'. …"),
        ]
    )
    assert error_text(many, ACCOUNTS) == "Choose at least one account under “Post to”. (and 2 more problems)"
    refused = InvalidStateError(
        "Signing in to X through the browser is not available; add the account with "
        "`outpost accounts add x …` instead."
    )
    assert error_text(refused) == (
        "Signing in to X through the browser is not available; add the account with "
        "“Add account…” in Accounts instead."
    )


def test_window_words_rewrites_every_flag() -> None:
    text = window_words(
        "--at: 2027-01-01T09:00 (Europe/Berlin) is in the past. Pick a later time, or use --now to publish at once."
    )
    assert text == "2027-01-01T09:00 (Europe/Berlin) is in the past. Pick a later time, or publish it now."
