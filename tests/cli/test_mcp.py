"""`outpost mcp` as an assistant's client meets it: the official SDK's client over stdio (issue #23).

The real program runs as its own process over a data folder with a Mastodon account (the strict
fake over loopback); the SDK's `ClientSession` initializes, lists the tools, drafts, schedules,
tries to publish without permission, sends bad input, reads the resources and the prompt — and
nothing it sees, nor the call log, holds the account's token. An engine in this process over the
same folder (as the window is) hears of the assistant's post at once.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from mcp.client.session import ClientSession
from mcp.client.stdio import StdioServerParameters, stdio_client

from outpost.engine import Engine
from outpost.engine.events import Event, StoreDidChangeElsewhere
from tests.contract.fake_mastodon import BASE, FakeMastodon
from tests.support.loopback import LoopbackServer
from tests.support.program import outpost_env, run_outpost

pytestmark = pytest.mark.asyncio

TOKEN = "token-alice-7f3a9c"
CONTRACT_TOOLS = {
    "slots_list",
    "stats_post",
    "stats_summary",
    "best_times",
    "accounts_list",
    "post_create",
    "post_list",
    "post_show",
    "post_edit",
    "post_schedule",
    "post_cancel",
    "media_inspect",
}


@pytest.fixture
def mastodon() -> Iterator[tuple[FakeMastodon, LoopbackServer]]:
    fake = FakeMastodon()
    with LoopbackServer(fake.handle, origin=BASE) as server:
        yield fake, server
    assert server.errors == []


@pytest.fixture
def folder(tmp_path: Path, mastodon: tuple[FakeMastodon, LoopbackServer]) -> tuple[Path, dict[str, str], str]:
    fake, server = mastodon
    fake.tokens[TOKEN] = "alice"
    env = outpost_env(tmp_path / "keyring.json")
    data = tmp_path / "data"
    added = run_outpost(
        data,
        *("accounts", "add", "mastodon", "--instance", f"http://127.0.0.1:{server.port}"),
        *("--access-token", TOKEN),
        env=env,
        timeout=60,
    )
    assert added.returncode == 0, added.stderr
    return data, env, json.loads(added.stdout)["id"]


@asynccontextmanager
async def session(data: Path, env: dict[str, str], *flags: str) -> AsyncIterator[ClientSession]:
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "outpost", "--data-dir", str(data), "mcp", *flags], env=env
    )
    with (data.parent / "mcp-stderr.txt").open("w") as errors:
        async with stdio_client(params, errlog=errors) as (read, write), ClientSession(read, write) as client:
            await client.initialize()
            yield client


def body(result: Any) -> Any:
    """The tool's JSON (its last text block; an error puts the message first)."""
    return json.loads(result.content[-1].text)


def everything_seen(results: list[Any]) -> str:
    return "\n".join(block.text for r in results for block in r.content if hasattr(block, "text"))


async def test_an_assistant_drafts_schedules_and_is_refused_what_it_may_not_do(
    folder: tuple[Path, dict[str, str], str], mastodon: tuple[FakeMastodon, LoopbackServer]
) -> None:
    data, env, account = folder
    fake, _ = mastodon
    seen: list[Any] = []
    async with session(data, env) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert set(tools) >= CONTRACT_TOOLS
        create_schema = tools["post_create"].input_schema
        assert {"text", "accounts", "at", "tz", "media", "options"} <= set(create_schema["properties"])
        assert create_schema["required"] == ["accounts"]

        accounts = await client.call_tool("accounts_list", {})
        seen.append(accounts)
        assert [a["id"] for a in body(accounts)] == [account]

        draft = await client.call_tool("post_create", {"text": "Planning the week", "accounts": [account]})
        seen.append(draft)
        assert not draft.is_error, draft.content
        post = body(draft)
        assert post["status"] == "draft" and post["warnings"] == []

        at = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
        scheduled = await client.call_tool("post_schedule", {"post": post["id"], "at": at})
        seen.append(scheduled)
        assert not scheduled.is_error, scheduled.content
        assert body(scheduled)["status"] == "scheduled"
        assert body(scheduled)["scheduled_at"] == at

        refused = await client.call_tool(
            "post_create", {"text": "Right now!", "accounts": [account], "now": True}
        )
        seen.append(refused)
        assert refused.is_error
        assert "--allow-publish" in refused.content[0].text
        assert body(refused)["error"]["problems"][0]["field"] == "now"

        missing = await client.call_tool("post_create", {"text": "No accounts"})
        seen.append(missing)
        assert missing.is_error
        assert body(missing)["error"]["problems"][0]["field"] == "accounts"

        wrong = await client.call_tool("post_schedule", {"post": post["id"], "at": "next tuesday"})
        seen.append(wrong)
        assert wrong.is_error and "at" in wrong.content[0].text

        unknown = await client.call_tool("post_show", {"post": "post_does_not_exist"})
        seen.append(unknown)
        assert unknown.is_error and body(unknown)["error"]["code"] == "not_found"

        listed = await client.call_tool("post_list", {"status": "scheduled"})  # still serving
        seen.append(listed)
        assert [p["id"] for p in body(listed)] == [post["id"]]
        assert listed.structured_content == {"items": body(listed)}

        summary = await client.call_tool("stats_summary", {"from": "2026-11-01", "to": "2026-11-30"})
        seen.append(summary)
        assert not summary.is_error, summary.content
        assert body(summary)["summary"]["total_posts"] == 0 and body(summary)["period"]["end"] == "2026-11-30"
        best = await client.call_tool("best_times", {"network": "mastodon"})
        seen.append(best)
        assert body(best)["recommendations"] == [] and "Too little history" in body(best)["message"]
        bad_network = await client.call_tool("best_times", {"network": "myspace"})
        assert bad_network.is_error and body(bad_network)["error"]["problems"][0]["field"] == "network"
        slots = await client.call_tool("slots_list", {})
        seen.append(slots)
        assert not slots.is_error, slots.content

        resources = {str(r.uri) for r in (await client.list_resources()).resources}
        assert resources == {"outpost://accounts", "outpost://schedule"}
        read = await client.read_resource("outpost://accounts")
        assert json.loads(read.contents[0].text)[0]["id"] == account

        prompt = await client.get_prompt("draft_post", {"accounts": account, "topic": "a new video"})
        text = prompt.messages[0].content.text
        assert "a new video" in text and "Mastodon" in text and "500 characters" in text

    assert fake.statuses == []  # nothing went out: drafts, a schedule, a refusal
    log = (data / "logs" / "mcp.log").read_text()
    assert "post_create" in log and "post_schedule" in log and "error: now:" in log
    assert TOKEN not in everything_seen(seen)
    assert TOKEN not in log
    assert TOKEN not in (data / "logs" / "outpost.log").read_text()


async def test_publishing_at_once_when_the_creator_allows_it(
    folder: tuple[Path, dict[str, str], str], mastodon: tuple[FakeMastodon, LoopbackServer]
) -> None:
    data, env, account = folder
    fake, _ = mastodon
    async with session(data, env, "--allow-publish") as client:
        result = await client.call_tool(
            "post_create", {"text": "Live now", "accounts": [account], "now": True}
        )
    assert not result.is_error, result.content
    assert body(result)["status"] == "published"
    assert [s.text for s in fake.statuses] == ["Live now"]


async def test_the_window_hears_of_an_assistants_post_at_once(
    folder: tuple[Path, dict[str, str], str],
) -> None:
    data, env, account = folder
    heard = asyncio.Event()

    def listen(event: Event) -> None:
        if isinstance(event, StoreDidChangeElsewhere):
            heard.set()

    async with Engine.open(data) as window:
        window.events.subscribe(listen)
        await window.start()
        async with session(data, env) as client:
            created = await client.call_tool(
                "post_create", {"text": "From the assistant", "accounts": [account]}
            )
            assert not created.is_error, created.content
            await asyncio.wait_for(heard.wait(), timeout=10)
        posts = await window.posts.list([])
    assert [p.text for p in posts] == ["From the assistant"]
