"""The real program: `post edit --on-networks` fixes a typo on Mastodon, `post delete --on-networks`
deletes it there and keeps the local post marked deleted; a failed network exits 1 and is retried
(issue #24). Against the strict fake Mastodon over loopback, with the file keyring.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.contract.fake_mastodon import BASE, FakeMastodon
from tests.support.loopback import LoopbackServer
from tests.support.program import outpost_env, run_outpost


class Program:
    def __init__(self, data: Path, env: dict[str, str]) -> None:
        self.data, self.env = data, env

    def __call__(self, *args: str, stdin: str = "", exit_code: int = 0) -> subprocess.CompletedProcess[str]:
        done = run_outpost(self.data, *args, env=self.env, stdin=stdin, json_output=True, timeout=120)
        assert done.returncode == exit_code, (done.stdout, done.stderr)
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
    program(
        "accounts", "add", "mastodon", "--instance", instance, "--access-token", "-", stdin="token-alice\n"
    )
    return program


def test_a_typo_is_fixed_then_the_post_deleted_on_mastodon_and_kept_here(
    outpost: Program, mastodon: tuple[FakeMastodon, LoopbackServer]
) -> None:
    fake, _ = mastodon
    [account] = json.loads(outpost("accounts", "list").stdout)
    created = json.loads(
        outpost(
            "post", "create", "--text", "Helo", "--account", f"mastodon:{account['handle']}", "--now"
        ).stdout
    )
    [status] = fake.statuses

    refused = outpost("post", "edit", created["id"], "--text", "Hello", "--repost", exit_code=2)
    assert "--repost: only with --on-networks" in refused.stderr
    edited = json.loads(outpost("post", "edit", created["id"], "--on-networks", "--text", "Hello").stdout)

    assert edited["results"] == [
        {
            "account_id": account["id"],
            "network": "mastodon",
            "outcome": "edited",
            "message": "Edited on Mastodon.",
            "permalink": f"{BASE}/@alice/{status.id}",
        }
    ]
    assert edited["text"] == "Hello" and fake.statuses[0].text == "Hello" and fake.edits == [status.id]

    fake.fail("DELETE /api/v1/statuses/:id", lambda: httpx.Response(503, json={"error": "Unavailable"}))
    failed = outpost("post", "delete", created["id"], "--on-networks", exit_code=1)
    [result] = json.loads(failed.stdout)["results"]
    assert result["outcome"] == "failed" and "HTTP 503" in result["message"]
    assert fake.statuses == [status]

    deleted = json.loads(outpost("post", "delete", created["id"], "--on-networks").stdout)

    assert [r["outcome"] for r in deleted["results"]] == ["deleted"] and fake.statuses == []
    shown = json.loads(outpost("post", "show", created["id"]).stdout)
    assert shown["status"] == "published" and shown["targets"][0]["deleted_at"] is not None
    assert shown["targets"][0]["permalink"] == f"{BASE}/@alice/{status.id}"
