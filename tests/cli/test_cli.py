"""The command line as scripts use it: JSON shapes of INTERFACE.md, exit codes, error messages."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from outpost.cli import main
from tests.cli.conftest import Cli
from tests.media_fixtures import png_bytes

ACCOUNT_KEYS = {"id", "network", "handle", "display_name", "service_url", "health"}
HEALTH_KEYS = {
    "state",
    "token_is_valid",
    "token_has_scopes",
    "rate_limited",
    "is_active_user",
    "checked_at",
    "message",
}
POST_KEYS = {
    "id",
    "status",
    "text",
    "scheduled_at",
    "timezone",
    "created_at",
    "updated_at",
    "media",
    "thread",
    "targets",
    "review_reason",
    # Organising (issue #24): title, tags, campaign, and the files of thread parts 2, 3, …
    "title",
    "tags",
    "campaign",
    "thread_media",
    "repeat",  # issue #22: the series of a recurring post, null for a one-off
    "evergreen",
    "first_comment",  # issue #22
    "utm_links",
}
MEDIA_KEYS = {"id", "path", "mime_type", "width", "height", "size", "duration_s", "alt_text"}
TARGET_KEYS = {
    "account_id",
    "network",
    "text",
    "thread",  # the further parts this account gets (its own, or the post's)
    "options",
    "status",
    "platform_post_id",
    "permalink",
    "thread_post_ids",
    "attempts",
    "published_at",
    "verified_at",
    "verification",
    "deleted_at",  # issue #24: deleted from the network by Outpost
    "error",
    "first_comment_id",  # issue #22: the comment's own result, apart from the post's
    "first_comment_permalink",
    "first_comment_status",
    "first_comment_error",
}


def test_empty_store_lists_nothing(cli: Cli) -> None:
    assert cli("post", "list") == []
    assert cli("accounts", "list") == []


def test_account_json_has_the_interface_shape(cli: Cli) -> None:
    account = cli.add_alice()
    assert set(account) == ACCOUNT_KEYS and set(account["health"]) == HEALTH_KEYS
    assert account["network"] == "mastodon" and str(account["id"]).startswith("acc_")
    assert account["health"]["state"] == "ok"
    assert cli("accounts", "list") == [account]


def test_bad_token_is_refused_with_exit_2_and_the_networks_reason(cli: Cli) -> None:
    doc = cli(
        "accounts",
        "add",
        "mastodon",
        "--instance",
        "https://fake.example",
        "--access-token",
        "nope",
        expect=2,
    )
    assert doc["error"]["code"] == "validation_error"
    assert "Mastodon refused the credentials: The access token is invalid" in cli.stderr


def test_draft_json_has_the_interface_shape(cli: Cli, tmp_path: Path) -> None:
    account = cli.add_alice()
    image = tmp_path / "a.png"
    image.write_bytes(png_bytes(3, 2))
    post = cli(
        "post",
        "create",
        "--text",
        "Hello",
        "--account",
        "mastodon:alice@fake.example",
        "--media",
        str(image),
        "--alt",
        "A red dot",
        "--thread",
        "two",
        "three",
        "--option",
        "mastodon.visibility=unlisted",
    )
    assert set(post) == POST_KEYS | {"warnings"} and post.pop("warnings") == []
    assert post["status"] == "draft" and post["scheduled_at"] is None
    assert post["thread"] == ["two", "three"]
    assert (post["title"], post["tags"], post["campaign"], post["thread_media"]) == (None, [], None, [])
    [media] = post["media"]
    assert set(media) == MEDIA_KEYS
    assert (media["mime_type"], media["width"], media["height"], media["alt_text"]) == (
        "image/png",
        3,
        2,
        "A red dot",
    )
    [target] = post["targets"]
    assert set(target) == TARGET_KEYS
    assert target == {
        "account_id": account["id"],
        "network": "mastodon",
        "text": "Hello",
        "thread": ["two", "three"],
        "options": {"visibility": "unlisted"},
        "status": "pending",
        "platform_post_id": None,
        "permalink": None,
        "thread_post_ids": [],
        "attempts": 0,
        "published_at": None,
        "verified_at": None,
        "verification": None,
        "deleted_at": None,
        "error": None,
        "first_comment_id": None,
        "first_comment_permalink": None,
        "first_comment_status": None,
        "first_comment_error": None,
    }
    assert cli("post", "show", post["id"]) == post


def test_create_now_publishes_before_returning(cli: Cli) -> None:
    cli.add_alice()
    post = cli(
        "post",
        "create",
        "--text",
        "Hi",
        "--account",
        "mastodon:alice@fake.example",
        "--thread",
        "more",
        "--now",
    )
    [target] = post["targets"]
    assert post["status"] == "published"
    assert (target["status"], target["platform_post_id"], target["thread_post_ids"], target["attempts"]) == (
        "published",
        "1",
        ["2"],
        1,
    )
    assert target["permalink"] == "https://fake.example/@alice/1" and target["published_at"].endswith("Z")
    assert [p.text for p in cli.remote.posts] == ["Hi", "more"]


def test_failed_publish_exits_1_with_the_error_shape(cli: Cli) -> None:
    cli.add_alice()
    cli.remote.server_max_length = 1
    post = cli(
        "post", "create", "--text", "Hi", "--account", "mastodon:alice@fake.example", "--now", expect=1
    )
    error = post["targets"][0]["error"]
    assert post["status"] == "failed"
    assert set(error) == {"code", "message", "retry_at"} and error["code"] == "validation_error"


def test_scheduling_with_zone_stores_utc_and_the_zone(cli: Cli) -> None:
    cli.add_alice()
    post = cli(
        "post",
        "create",
        "--text",
        "Hi",
        "--account",
        "mastodon:alice@fake.example",
        "--at",
        "2026-12-01T10:00",
        "--tz",
        "Europe/Berlin",
    )
    assert (post["status"], post["scheduled_at"], post["timezone"]) == (
        "scheduled",
        "2026-12-01T09:00:00Z",
        "Europe/Berlin",
    )
    moved = cli("post", "schedule", post["id"], "--at", "2026-12-02T08:00:00Z")
    assert moved["scheduled_at"] == "2026-12-02T08:00:00Z"
    assert [p["id"] for p in cli("post", "list", "--status", "scheduled")] == [post["id"]]
    assert cli("post", "list", "--status", "draft") == []


def test_every_problem_is_reported_at_once_and_names_its_field(cli: Cli, tmp_path: Path) -> None:
    cli.add_alice()
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not an image")
    doc = cli(
        "post",
        "create",
        "--text",
        "x" * 501,
        "--account",
        "mastodon:alice@fake.example",
        "--account",
        "bluesky:bob",
        "--media",
        str(text_file),
        "--option",
        "mastodon.visibility=everyone",
        "--at",
        "2026-03-29T02:30",
        "--tz",
        "Europe/Berlin",
        expect=2,
    )
    problems = doc["error"]["problems"]
    assert {p["field"] for p in problems} == {
        "text",
        "--account",
        "media[1]",
        "--option mastodon.visibility",
        "--at",
    }
    assert "5 problems:" in cli.stderr
    length = next(p for p in problems if p["field"] == "text")
    assert (length["network"], length["account"], length["rule"], length["limit"], length["actual"]) == (
        "mastodon",
        "mastodon:alice@fake.example",
        "max_length",
        500,
        501,
    )
    for problem in problems:
        assert problem["field"] in problem["message"]
    assert cli("post", "list") == []


@pytest.mark.parametrize(
    ("args", "field", "says"),
    [
        (["--at", "2026-11-24T09:00:00Z"], "--at", "is in the past"),
        (["--tz", "Europe/Berlin"], "--tz", "give --at too"),
        (["--text-for", "no-equals-sign"], "--text-for", "ACCOUNT_OR_NETWORK=TEXT"),
        (["--text-for", "x=hello"], "--text-for", "neither a chosen account"),
        (["--option", "visibility"], "--option", "NETWORK.KEY=VALUE"),
        (["--alt", "one", "two"], "--alt", "2 alt texts for 0 media"),
        (["--account", "acc_nope"], "--account", "no connected account 'acc_nope'"),
    ],
)
def test_bad_input_exits_2_naming_the_field(cli: Cli, args: list[str], field: str, says: str) -> None:
    cli.add_alice()
    base = ["post", "create", "--text", "hi", "--account", "mastodon:alice@fake.example"]
    doc = cli(*base, *args, expect=2)
    assert doc["error"]["code"] == "validation_error"
    assert doc["error"]["problems"][0]["field"] == field
    assert says in cli.stderr and field in cli.stderr


def test_unknown_post_and_wrong_state_exit_2(cli: Cli) -> None:
    cli.add_alice()
    assert cli("post", "show", "post_nope", expect=2)["error"]["code"] == "not_found"
    post = cli("post", "create", "--text", "Hi", "--account", "mastodon:alice@fake.example", "--now")
    doc = cli("post", "edit", post["id"], "--text", "changed", expect=2)
    assert doc["error"]["code"] == "invalid_state" and "cannot be edited" in cli.stderr
    assert cli("post", "retry", post["id"], expect=2)["error"]["code"] == "invalid_state"


def test_edit_cancel_delete(cli: Cli) -> None:
    cli.add_alice()
    post = cli(
        "post",
        "create",
        "--text",
        "Hi",
        "--account",
        "mastodon:alice@fake.example",
        "--at",
        "2026-12-01T09:00:00Z",
    )
    edited = cli("post", "edit", post["id"], "--text-for", "mastodon=Hi Mastodon")
    assert edited["targets"][0]["text"] == "Hi Mastodon" and edited["status"] == "scheduled"
    assert cli("post", "cancel", post["id"])["status"] == "cancelled"
    assert cli("post", "delete", post["id"]) == {"id": post["id"], "deleted": True}
    assert cli("post", "list") == []


def test_retry_publishes_failed_targets(cli: Cli) -> None:
    cli.add_alice()
    cli.remote.tokens.add("spare")
    cli.remote.tokens.discard("good-token")
    post = cli(
        "post", "create", "--text", "Hi", "--account", "mastodon:alice@fake.example", "--now", expect=1
    )
    assert post["targets"][0]["error"]["code"] == "auth_expired"
    cli.remote.tokens.add("good-token")
    retried = cli("post", "retry", post["id"])
    assert retried["status"] == "published" and retried["targets"][0]["attempts"] == 2


def test_accounts_check_exits_1_when_a_connection_is_broken(cli: Cli) -> None:
    cli.add_alice()
    assert cli("accounts", "check")[0]["health"]["state"] == "ok"
    cli.remote.tokens.clear()
    [account] = cli("accounts", "check", "mastodon:alice@fake.example", expect=1)
    assert account["health"]["state"] == "broken" and account["health"]["token_is_valid"] is False


def test_removing_an_account_deletes_its_secret(cli: Cli) -> None:
    account = cli.add_alice()
    removed = cli("accounts", "remove", account["id"])
    assert removed["id"] == account["id"] and cli.secrets.secrets == {}
    assert cli("accounts", "list") == []


def test_network_without_an_adapter_is_reported_clearly(cli: Cli) -> None:
    doc = cli("accounts", "add", "x", "--access-token", "t", expect=2)
    assert doc["error"]["code"] == "network_not_available"
    assert "X is not available yet in this version of Outpost" in cli.stderr


def test_run_until_idle_publishes_what_is_due_and_exits(cli: Cli) -> None:
    cli.add_alice()
    post = cli(
        "post",
        "create",
        "--text",
        "Hi",
        "--account",
        "mastodon:alice@fake.example",
        "--at",
        "2026-11-25T12:01:00Z",
    )
    cli.clock.advance(timedelta(minutes=2))
    report = cli("run", "--until-idle")
    assert report["missed"] == [] and [p["status"] for p in report["posts"]] == ["published"]
    assert cli("post", "show", post["id"])["status"] == "published"


def test_run_until_idle_says_on_stderr_why_it_exits_1(cli: Cli) -> None:
    cli.add_alice()
    post = cli(
        "post",
        "create",
        "--text",
        "Hi",
        "--account",
        "mastodon:alice@fake.example",
        "--at",
        "2026-11-25T12:01:00Z",
    )
    cli.remote.tokens.clear()  # the token was revoked while the post waited
    cli.clock.advance(timedelta(minutes=2))
    report = cli("run", "--until-idle", expect=1)
    assert [p["status"] for p in report["posts"]] == ["failed"]
    assert f"{post['id']} is failed: mastodon:alice@fake.example: " in cli.stderr
    assert report["posts"][0]["targets"][0]["error"]["message"] in cli.stderr


def test_run_holds_posts_missed_while_closed_and_says_so(cli: Cli) -> None:
    cli.add_alice()
    post = cli(
        "post",
        "create",
        "--text",
        "Hi",
        "--account",
        "mastodon:alice@fake.example",
        "--at",
        "2026-11-25T12:01:00Z",
    )
    cli.clock.advance(timedelta(hours=2))
    report = cli("run", "--until-idle")
    assert report["missed"] == [post["id"]] and report["posts"][0]["status"] == "needs_review"
    assert (
        f"{post['id']}: missed while Outpost was closed (due 2026-11-25 12:01 UTC, 1 h 59 min late); "
        "held for review" in cli.stderr
    )
    assert cli.remote.posts == []


def test_media_inspect_reports_compatibility_per_network(cli: Cli, tmp_path: Path) -> None:
    image = tmp_path / "a.png"
    image.write_bytes(png_bytes(4, 4))
    doc = cli("media", "inspect", str(image))
    assert (doc["mime_type"], doc["width"], doc["height"]) == ("image/png", 4, 4)
    assert set(doc["compatibility"]) == {
        "mastodon",
        "bluesky",
        "x",
        "threads",
        "linkedin",
        "instagram",
        "facebook",
        "tiktok",
        "youtube",
        "pinterest",
    }
    assert doc["compatibility"]["mastodon"] == {"status": "compatible", "reason": None, "fix": None}
    assert doc["compatibility"]["youtube"]["status"] == "compatible"  # as a video's custom thumbnail
    assert doc["thumbnail"].endswith(".jpg") and Path(doc["thumbnail"]).exists()
    bad = tmp_path / "a.txt"
    bad.write_text("hello")
    assert cli("media", "inspect", str(bad), expect=2)["error"]["problems"][0]["rule"] == "media_type"


def test_usage_errors_exit_2(cli: Cli, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["post", "frobnicate"])
    assert caught.value.code == 2
    assert "invalid choice" in capsys.readouterr().err


def test_targets_of_a_single_profile_account_is_the_profile_itself(cli: Cli) -> None:
    account = cli.add_alice()
    targets = cli("accounts", "targets", str(account["id"]))
    assert targets == [
        {"id": account["handle"], "name": account["display_name"] or account["handle"], "kind": "profile"}
    ]
    cli("accounts", "targets", "mastodon:nobody@nowhere", expect=2)
