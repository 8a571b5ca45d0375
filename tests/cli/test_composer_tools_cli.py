"""Snippets and X's costs on the command line (issue #22): a hashtag group added per network, and
what a week of scheduled posts will cost on X — the numbers the composer shows."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from outpost.cli import main
from outpost.domain.enums import Network
from outpost.engine import Engine
from tests.cli.conftest import Cli
from tests.fakes import FakeNetwork, fake_registry


class CliWithX(Cli):
    """The in-process command line with an X-like network next to the Mastodon-like one."""

    x = FakeNetwork(network=Network.X)

    def __call__(self, *argv: str, expect: int = 0, stdin: str = "") -> object:
        self.monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(
            ["--data-dir", str(self.data_dir), "--json", *argv],
            open_engine=lambda data: Engine.open(
                data, registry=fake_registry(self.remote, self.x), secrets=self.secrets, clock=self.clock
            ),
        )
        out, self.stderr = self.capsys.readouterr()
        assert code == expect, f"exit {code}, stderr: {self.stderr}"
        return json.loads(out)


@pytest.fixture
def cli_x(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> CliWithX:
    return CliWithX(tmp_path / "data", capsys, monkeypatch, FakeNetwork())


def test_a_snippet_is_added_with_each_networks_variant(cli: Cli) -> None:
    alice = cli.add_alice()
    saved = cli(
        "snippets",
        "set",
        "Dye tags",
        "--text",
        "#naturaldye #crafts #slowfashion",
        "--trigger",
        ";dye",
        "--variant",
        "mastodon=#naturaldye #crafts",
    )
    assert saved["name"] == "Dye tags" and saved["variants"] == {"mastodon": "#naturaldye #crafts"}
    assert [s["name"] for s in cli("snippets", "list")] == ["Dye tags"]

    post = cli(
        "post", "create", "--text", "Indigo day", "--account", str(alice["id"]), "--snippet", "dye tags"
    )
    assert post["text"] == "Indigo day\n\n#naturaldye #crafts #slowfashion"
    assert post["targets"][0]["text"] == "Indigo day\n\n#naturaldye #crafts"  # Mastodon's own variant

    cli("snippets", "set", "Dye tags", "--text", "#dye")  # same name: changed, not added
    assert [s["text"] for s in cli("snippets", "list")] == ["#dye"]
    cli("post", "create", "--text", "x", "--account", str(alice["id"]), "--snippet", "nope", expect=2)
    assert "No snippet named 'nope'" in cli.stderr
    assert cli("snippets", "remove", "dye tags")["removed"] is True
    assert cli("snippets", "list") == []


def test_the_weeks_cost_on_x_counts_each_part_link_and_alt_text(cli_x: CliWithX) -> None:
    cli = cli_x
    x = cli("accounts", "add", "x", "--access-token", "good-token")
    assert isinstance(x, dict)
    cli(
        "post",
        "create",
        "--text",
        "Sign up: https://example.com/w",
        "--thread",
        "More soon",
        "--account",
        str(x["id"]),
        "--at",
        "2026-11-27T09:00:00Z",
    )
    cli("post", "create", "--text", "Next month", "--account", str(x["id"]), "--at", "2026-12-20T09:00:00Z")

    week = cli("costs", "--from", "2026-11-25", "--to", "2026-12-01")
    assert week["period"] == {"start": "2026-11-25", "end": "2026-12-01"}
    [only] = week["posts"]
    assert only["usd"] == 0.215  # a part with a link ($0.20) and one without ($0.015), X's prices
    assert week["total_usd"] == 0.215
    assert week["month"] == {"spent_usd": 0.0, "posts": 0}
    cli("costs", "--from", "2026-12-02", "--to", "2026-12-01", expect=2)
    assert "--to" in cli.stderr


def test_only_the_links_chosen_get_utm_tags_from_the_command_line(cli: Cli) -> None:
    alice = cli.add_alice()
    cli("settings", "set", "utm_for", '["mastodon"]')
    cli("settings", "set", "utm_campaign", "spring")
    text = "Sign up https://example.com/workshops and read https://example.com/blog"
    plain = cli("post", "create", "--text", text, "--account", str(alice["id"]), "--now")
    chosen = cli(
        "post",
        "create",
        "--text",
        text,
        "--account",
        str(alice["id"]),
        "--utm-link",
        "https://example.com/workshops",
        "--now",
    )
    every = cli("post", "create", "--text", text, "--account", str(alice["id"]), "--utm-link", "all")

    assert plain["utm_links"] == [] and chosen["utm_links"] == ["https://example.com/workshops"]
    assert every["utm_links"] == ["https://example.com/workshops", "https://example.com/blog"]
    sent = [p.text for p in cli.remote.posts]
    assert sent[0] == text  # nothing chosen: nothing tagged
    assert (
        "https://example.com/workshops?utm_source=mastodon&utm_medium=social&utm_campaign=spring" in sent[1]
    )
    assert sent[1].endswith("read https://example.com/blog")  # the other link stays as written
