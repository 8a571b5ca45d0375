"""The real `outpost` program, end to end: slots, --next-slot, CSV import and export, --repeat, --evergreen.

Each command runs as its own process over one data folder with a Mastodon account (the strict
fake over loopback), as a creator's shell would run them one after another.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.contract.fake_mastodon import BASE, FakeMastodon
from tests.support.loopback import LoopbackServer
from tests.support.program import outpost_env, run_outpost

TOKEN = "token-alice-5d1e"


@pytest.fixture(scope="module")
def mastodon() -> Iterator[tuple[FakeMastodon, LoopbackServer]]:
    fake = FakeMastodon()
    fake.tokens[TOKEN] = "alice"
    with LoopbackServer(fake.handle, origin=BASE) as server:
        yield fake, server


def _days_ahead(days: int) -> date:
    return (datetime.now(UTC) + timedelta(days=days)).date()


class Shell:
    def __init__(self, data: Path, env: dict[str, str]) -> None:
        self.data, self.env = data, env

    def __call__(self, *args: str, expect: int = 0) -> Any:
        done = run_outpost(self.data, *args, env=self.env, timeout=60)
        assert done.returncode == expect, done.stderr
        self.stderr = done.stderr
        return json.loads(done.stdout)


def test_a_month_from_a_spreadsheet_into_the_slots_then_out_again(
    tmp_path: Path, mastodon: tuple[FakeMastodon, LoopbackServer]
) -> None:
    _, server = mastodon
    sh = Shell(tmp_path / "data", outpost_env(tmp_path / "keyring.json"))
    account = sh(
        "accounts",
        "add",
        "mastodon",
        "--instance",
        f"http://127.0.0.1:{server.port}",
        "--access-token",
        TOKEN,
    )
    ref = f"mastodon:{account['handle']}"

    bad = sh("slots", "set", "default", "--weekly", "mon 09:00, someday 10:00", expect=2)
    assert bad["error"]["problems"][0]["actual"] == "someday 10:00"
    assert "'someday 10:00' does not start with a weekday" in sh.stderr
    [plan] = (sh("slots", "set", "default", "--weekly", "mon 09:00, thu 12:30", "--tz", "Europe/Berlin"),)
    assert plan["weekly"] == {"monday": ["09:00"], "thursday": ["12:30"]}
    assert sh("slots", "list")[1]["account"] == ref  # the account, on the default schedule
    queued = sh("post", "create", "--text", "first in the queue", "--account", ref, "--next-slot")
    assert queued["status"] == "scheduled" and queued["timezone"] == "Europe/Berlin"

    sheet = tmp_path / "sheet.csv"
    sheet.write_bytes(
        "\ufefftext;accounts;at;tz;media;alt;first_comment;status;options\r\n".encode()
        + f"Into the next slot;{ref};;;;;;;mastodon.visibility=unlisted\r\n".encode()
        + f"Fixed time;{ref};{_days_ahead(10):%Y-%m-%d}T18:00;America/New_York;;;;;\r\n".encode()
        + b"Bad one;mastodon:nobody@nowhere.example;;;;;;;\r\n"
    )
    refused = sh("post", "import", str(sheet), expect=2)
    assert [(p["field"], p["actual"]) for p in refused["error"]["problems"]] == [("row 3", "accounts")]
    assert "row 3, column accounts:" in sh.stderr
    assert len(sh("post", "list")) == 1  # nothing imported

    sheet.write_bytes(sheet.read_bytes().rsplit(b"Bad one", 1)[0])
    checked = sh("post", "import", str(sheet), "--dry-run")
    assert checked["dry_run"] and len(checked["rows"]) == 2 and len(sh("post", "list")) == 1
    imported = sh("post", "import", str(sheet))
    slots = sorted(p["scheduled_at"] for p in sh("post", "list", "--status", "scheduled"))
    assert len(imported["posts"]) == 2 and slots[1] > queued["scheduled_at"]  # the next slot after the first

    out = tmp_path / "out" / "posts.csv"
    exported = sh("post", "export", str(out), "--status", "scheduled")
    assert len(exported["posts"]) == 3
    fresh = Shell(tmp_path / "fresh", sh.env)
    fresh(
        "accounts",
        "add",
        "mastodon",
        "--instance",
        f"http://127.0.0.1:{server.port}",
        "--access-token",
        TOKEN,
    )
    again = fresh("post", "import", str(out))
    shape = lambda posts: sorted((p["text"], p["scheduled_at"], p["timezone"]) for p in posts)  # noqa: E731
    assert shape(again["posts"]) == shape(sh("post", "list", "--status", "scheduled"))


def test_a_weekly_series_and_an_evergreen_post(
    tmp_path: Path, mastodon: tuple[FakeMastodon, LoopbackServer]
) -> None:
    _, server = mastodon
    sh = Shell(tmp_path / "data", outpost_env(tmp_path / "keyring.json"))
    account = sh(
        "accounts",
        "add",
        "mastodon",
        "--instance",
        f"http://127.0.0.1:{server.port}",
        "--access-token",
        TOKEN,
    )
    ref = f"mastodon:{account['handle']}"
    day = _days_ahead(7)
    at = ("--at", f"{day:%Y-%m-%d}T09:00", "--tz", "Europe/Berlin")
    refused = sh("post", "create", "--text", "x", "--account", ref, *at, "--repeat", "fortnightly", expect=2)
    assert refused["error"]["problems"][0]["field"] == "--repeat"
    first = sh(
        "post",
        "create",
        "--text",
        "Weekly tip",
        "--account",
        ref,
        *at,
        "--repeat",
        "weekly",
        "--repeat-count",
        "4",
    )
    assert first["repeat"]["rule"] == "weekly" and first["repeat"]["count"] == 4
    berlin = ZoneInfo("Europe/Berlin")
    expected = [
        datetime.combine(day + timedelta(weeks=n), time(9), berlin)
        .astimezone(UTC)
        .strftime("%Y-%m-%dT%H:%M:%SZ")
        for n in range(4)
    ]  # 09:00 in Berlin each week, whatever the clocks do meanwhile
    assert [p["scheduled_at"] for p in sh("post", "list", "--status", "scheduled")] == expected
    cancelled = sh("post", "cancel", first["id"], "--series")
    assert {p["status"] for p in cancelled} == {"cancelled"}
    evergreen = sh("post", "create", "--text", "Evergreen", "--account", ref, "--evergreen")
    assert evergreen["evergreen"] is True and evergreen["status"] == "draft"
    assert sh("post", "edit", evergreen["id"], "--no-evergreen")["evergreen"] is False
