"""Titles, tags, campaigns and per-network threads through the real `outpost` program (issue #24).

The program runs in its own process against the strict Mastodon fake served over loopback; what
the person sees is the JSON on stdout, the exit code and what the fake received.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests import media_fixtures
from tests.cli.conftest import Cli
from tests.contract.fake_mastodon import BASE, FakeMastodon
from tests.support.loopback import LoopbackServer
from tests.support.program import outpost_env, run_outpost


@pytest.fixture(scope="module")
def mastodon() -> Iterator[tuple[FakeMastodon, LoopbackServer]]:
    fake = FakeMastodon()
    with LoopbackServer(fake.handle, origin=BASE) as server:
        yield fake, server
    assert server.errors == []


class Program:
    def __init__(self, tmp_path: Path) -> None:
        self.data = tmp_path / "data"
        self.env = outpost_env(tmp_path / "keyring.json")
        self.last: subprocess.CompletedProcess[str] | None = None

    def __call__(self, *args: str, expect: int = 0) -> Any:
        self.last = run_outpost(self.data, *args, env=self.env, timeout=60)
        assert self.last.returncode == expect, self.last.stderr
        return json.loads(self.last.stdout)


@pytest.fixture
def outpost(tmp_path: Path, mastodon: tuple[FakeMastodon, LoopbackServer]) -> tuple[Program, str]:
    program = Program(tmp_path)
    port = mastodon[1].port
    account = program(
        "accounts",
        "add",
        "mastodon",
        "--instance",
        f"http://127.0.0.1:{port}",
        "--access-token",
        "token-alice",
    )
    return program, account["id"]


def test_a_campaign_of_tagged_posts_is_filtered_and_outlives_its_campaign(
    outpost: tuple[Program, str],
) -> None:
    run, account = outpost
    added = run(
        "campaigns",
        "add",
        "Winter launch",
        "--colour",
        "#F97316",
        "--from",
        "2026-12-01",
        "--to",
        "2026-12-20",
    )
    assert {k: added[k] for k in ("name", "colour", "starts_on", "ends_on", "posts")} == {
        "name": "Winter launch",
        "colour": "#f97316",
        "starts_on": "2026-12-01",
        "ends_on": "2026-12-20",
        "posts": 0,
    }
    teaser = run(
        *("post", "create", "--account", account, "--text", "Something is coming"),
        *("--title", "Teaser one", "--tag", "launch", "--tag", "#Video", "--campaign", "winter launch"),
    )
    assert (teaser["title"], teaser["tags"]) == ("Teaser one", ["launch", "Video"])
    assert teaser["campaign"] == {"id": added["id"], "name": "Winter launch", "colour": "#f97316"}
    other = run("post", "create", "--account", account, "--text", "A cat picture", "--tag", "cats")
    assert (other["title"], other["campaign"]) == (None, None)

    def ids(*filters: str) -> list[str]:
        return [p["id"] for p in run("post", "list", *filters)]

    assert ids("--tag", "LAUNCH") == [teaser["id"]]  # tags ignore case
    assert ids("--campaign", "Winter launch") == [teaser["id"]]
    assert ids("--search", "teaser") == [teaser["id"]]  # the title is searched too
    removed = run("campaigns", "remove", "winter launch")
    assert (removed["removed"], removed["posts"]) == (True, 1)
    kept = run("post", "show", teaser["id"])
    assert (kept["text"], kept["campaign"], kept["tags"]) == (
        "Something is coming",
        None,
        ["launch", "Video"],
    )


def test_a_network_gets_its_own_thread_and_a_later_part_its_own_picture(
    outpost: tuple[Program, str], mastodon: tuple[FakeMastodon, LoopbackServer], tmp_path: Path
) -> None:
    run, account = outpost
    fake = mastodon[0]
    before = len(fake.statuses)
    chart = media_fixtures.image(tmp_path / "chart.png", 640, 480)
    post = run(
        *("post", "create", "--account", account, "--text", "Shared first part", "--thread", "shared 2"),
        *("--thread-for", "mastodon=Own 2/3", "--thread-for", "mastodon=Own 3/3"),
        *("--media-part", f"2={chart}", "--alt-part", "2=A bar chart", "--now"),
    )
    assert post["status"] == "published"
    assert post["targets"][0]["thread"] == ["Own 2/3", "Own 3/3"] and post["thread"] == ["shared 2"]
    assert [m["alt_text"] for m in post["thread_media"][0]] == ["A bar chart"]
    sent = fake.statuses[before:]
    assert [s.text for s in sent] == ["Shared first part", "Own 2/3", "Own 3/3"]
    assert [len(s.media_ids) for s in sent] == [0, 1, 0]  # the picture went with part 2, nowhere else
    assert fake.media[sent[1].media_ids[0]]["description"] == "A bar chart"
    assert sent[1].in_reply_to_id == sent[0].id and sent[2].in_reply_to_id == sent[1].id


def test_refusals_and_edits_in_process(cli: Cli) -> None:
    """The same grammar in-process (fast): what is refused, and what an edit clears."""
    account = cli.add_alice()["id"]
    cli("campaigns", "add", "Winter launch")
    refused = cli("campaigns", "add", "winter LAUNCH", expect=2)
    assert "There is a campaign called" in refused["error"]["message"]
    bad = cli(
        "campaigns",
        "add",
        "Spring",
        "--colour",
        "orange",
        "--from",
        "2026-02-01",
        "--to",
        "2026-01-01",
        expect=2,
    )
    assert {p["field"] for p in bad["error"]["problems"]} == {"--colour", "--to"}
    unknown = cli("post", "create", "--account", account, "--text", "x", "--campaign", "Nope", expect=2)
    assert unknown["error"]["problems"][0]["message"] == (
        "--campaign: No campaign 'Nope' (campaigns: Winter launch)."
    )
    post = cli(
        "post",
        "create",
        "--account",
        account,
        "--text",
        "Hi",
        "--title",
        "T",
        "--tag",
        "a",
        "--campaign",
        "winter launch",
    )
    cleared = cli("post", "edit", post["id"], "--title", "", "--tag", "", "--campaign", "")
    assert (cleared["title"], cleared["tags"], cleared["campaign"]) == (None, [], None)
    kept = cli("post", "edit", post["id"], "--text", "Hello")  # options left out keep what it has
    assert (kept["title"], kept["tags"]) == (None, [])
    doc = cli("post", "create", "--account", account, "--text", "x", "--media-part", "1=a.png", expect=2)
    assert doc["error"]["problems"][0]["field"] == "--media-part"
    doc = cli("post", "create", "--account", account, "--text", "x", "--thread-for", "bluesky=hi", expect=2)
    assert doc["error"]["problems"][0]["field"] == "--thread-for"
    doc = cli("post", "create", "--account", account, "--text", "x", "--alt-part", "2=alt", expect=2)
    assert doc["error"]["problems"][0]["field"] == "--alt-part"
    assert [p["id"] for p in cli("post", "list", "--search", "hello")] == [post["id"]]
    cli("campaigns", "edit", "winter launch", "--name", "Winter sale", "--colour", "#10B981")
    assert [(c["name"], c["colour"]) for c in cli("campaigns", "list")] == [("Winter sale", "#10b981")]
