"""`outpost post check POST`: read a post back from its networks now (issue #20, "Check now")."""

from __future__ import annotations

from tests.cli.conftest import Cli


def test_check_reads_the_post_back_and_answers_with_the_post(cli: Cli) -> None:
    cli.add_alice()
    post = cli("post", "create", "--text", "Hi", "--account", "mastodon:alice@fake.example", "--now")
    checked = cli("post", "check", post["id"])
    assert isinstance(checked, dict) and checked["id"] == post["id"]
    [target] = checked["targets"]
    # The fake network has no way to read a post back: Outpost says so instead of guessing.
    assert target["status"] == "published" and target["verified_at"] is None
    assert target["verification"]["state"] == "unknown"
    assert "no way to read a post back" in target["verification"]["message"]
    assert target["verification"]["checked_at"].endswith("Z")


def test_check_refuses_a_post_that_was_never_sent(cli: Cli) -> None:
    cli.add_alice()
    draft = cli("post", "create", "--text", "Hi", "--account", "mastodon:alice@fake.example")
    error = cli("post", "check", draft["id"], expect=2)
    assert isinstance(error, dict) and error["error"]["code"] == "invalid_state"
    assert "nothing on the networks to check yet" in error["error"]["message"]
