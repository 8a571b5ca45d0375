"""The real program: long texts from standard input or files, drafts over a network's limit,
`--json` after the command, and networks that are not available yet.

Against the strict fake Mastodon over loopback (500 characters), with the file keyring, as a
person's shell runs `outpost` (tests/support/program.py).
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.contract.fake_mastodon import BASE, FakeMastodon
from tests.support.loopback import LoopbackServer
from tests.support.program import outpost_env, run_outpost


@dataclass
class Program:
    data: Path
    env: dict[str, str]

    def __call__(
        self, *args: str, stdin: str = "", json_output: bool = True, exit_code: int = 0
    ) -> subprocess.CompletedProcess[str]:
        done = run_outpost(self.data, *args, env=self.env, stdin=stdin, json_output=json_output, timeout=120)
        assert done.returncode == exit_code, done.stderr
        return done


@pytest.fixture
def mastodon() -> Iterator[tuple[FakeMastodon, LoopbackServer]]:
    fake = FakeMastodon()
    with LoopbackServer(fake.handle, origin=BASE) as server:
        yield fake, server
    assert server.errors == []


@pytest.fixture
def outpost(tmp_path: Path, mastodon: tuple[FakeMastodon, LoopbackServer]) -> Program:
    program = Program(tmp_path / "data", outpost_env(tmp_path / "keyring.json"))
    instance = f"http://127.0.0.1:{mastodon[1].port}"
    added = program(
        "accounts", "add", "mastodon", "--instance", instance, "--access-token", "-", stdin="token-alice\n"
    )
    assert json.loads(added.stdout)["handle"].startswith("alice@")
    return program


def alice(outpost: Program) -> str:
    [account] = json.loads(outpost("accounts", "list").stdout)
    return f"mastodon:{account['handle']}"


@pytest.mark.slow  # Mastodon's count of 10 MB takes seconds, twice
def test_a_ten_megabyte_text_comes_on_standard_input_and_waits_as_a_draft(
    outpost: Program, mastodon: tuple[FakeMastodon, LoopbackServer]
) -> None:
    fake, _ = mastodon
    text = ("Tomorrow we ship. " * 600_000)[:10_000_000]  # longer than a command line may be
    created = outpost("post", "create", "--text", "-", "--account", alice(outpost), stdin=text + "\n")
    post = json.loads(created.stdout)
    assert (post["status"], len(post["text"])) == ("draft", 10_000_000) and post["text"] == text
    [warning] = post["warnings"]
    assert (warning["rule"], warning["limit"], warning["field"]) == ("max_length", 500, "text")
    assert "saved as a draft" in created.stderr and "limit of 500" in created.stderr

    # (Publishing is refused the same way: tests/cli/test_drafts_cli.py. Each check of 10 MB
    # counts it as Mastodon does, which takes seconds.)
    scheduled = outpost("post", "schedule", post["id"], "--at", "2099-12-01T09:00:00Z", exit_code=2)
    assert "limit of 500" in scheduled.stderr
    assert fake.statuses == []  # refused before anything was sent
    assert json.loads(outpost("post", "show", post["id"]).stdout)["status"] == "draft"


def test_text_and_thread_from_files(outpost: Program, tmp_path: Path) -> None:
    (tmp_path / "post.md").write_text("First line\n\nsecond paragraph ✓\n\n", encoding="utf-8")
    (tmp_path / "rest.md").write_text("2/ more\n---\n3/ and\nthe end\n---\n", encoding="utf-8")
    created = outpost(
        "post", "create", "--text-file", str(tmp_path / "post.md"), "--thread-file", str(tmp_path / "rest.md"),
        "--account", alice(outpost),
    )  # fmt: skip
    post = json.loads(created.stdout)
    assert post["text"] == "First line\n\nsecond paragraph ✓"
    assert post["thread"] == ["2/ more", "3/ and\nthe end"]
    assert post["warnings"] == [] and created.stderr == ""


def test_a_text_file_that_cannot_be_read_is_named(outpost: Program, tmp_path: Path) -> None:
    missing = outpost(
        "post", "create", "--text-file", str(tmp_path / "nope.txt"), "--account", alice(outpost), exit_code=2
    )
    assert "--text-file: cannot read" in missing.stderr and "nope.txt" in missing.stderr
    (tmp_path / "latin1.txt").write_bytes("café".encode("latin-1"))
    latin = outpost(
        "post",
        "create",
        "--text-file",
        str(tmp_path / "latin1.txt"),
        "--account",
        alice(outpost),
        exit_code=2,
    )
    assert "is not UTF-8 text" in latin.stderr
    assert json.loads(outpost("post", "list").stdout) == []


def test_json_after_the_command_is_the_same_as_before_it(outpost: Program) -> None:
    outpost("post", "create", "--text", "Hi", "--account", alice(outpost))
    before = outpost("--json", "post", "list", json_output=False)
    after = outpost("post", "list", "--json", json_output=False)
    assert json.loads(after.stdout) == json.loads(before.stdout) and len(json.loads(after.stdout)) == 1
    people = outpost("post", "list", json_output=False)
    assert people.stdout.startswith("post_")  # without --json: text for people
