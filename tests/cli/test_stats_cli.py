"""`outpost stats …`: the real program against the strict fake Mastodon over loopback."""

from __future__ import annotations

import csv
import json
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.contract.fake_mastodon import BASE, FakeMastodon
from tests.support.loopback import LoopbackServer
from tests.support.program import outpost_env, run_outpost


@pytest.fixture
def mastodon() -> Iterator[tuple[FakeMastodon, LoopbackServer]]:
    fake = FakeMastodon()
    with LoopbackServer(fake.handle, origin=BASE) as server:
        yield fake, server
    assert server.errors == []


def test_collect_with_backfill_then_post_summary_best_times_and_export(
    tmp_path: Path, mastodon: tuple[FakeMastodon, LoopbackServer]
) -> None:
    fake, server = mastodon
    env = outpost_env(tmp_path / "keyring.json", OUTPOST_DATA_DIR=str(tmp_path / "data"))

    def outpost(
        *args: str, stdin: str = "", json_output: bool = True, code: int = 0
    ) -> subprocess.CompletedProcess[str]:
        done = run_outpost(None, *args, env=env, stdin=stdin, json_output=json_output, timeout=120)
        assert done.returncode == code, done.stderr
        return done

    added = outpost(
        "accounts",
        "add",
        "mastodon",
        "--instance",
        f"http://127.0.0.1:{server.port}",
        "--access-token",
        "-",
        stdin="token-alice\n",
    )
    account = json.loads(added.stdout)
    outpost("settings", "set", "default_timezone", "UTC")
    now = datetime.now(UTC)
    for day in range(1, 8):  # made in another app, over the last week
        fake.post_elsewhere(f"Made elsewhere {day}", now - timedelta(days=day))
    fake.post_elsewhere("A boost of someone", now - timedelta(days=1), reblog_of="7")
    post = json.loads(
        outpost(
            "post",
            "create",
            "--text",
            "Made with Outpost",
            "--account",
            f"mastodon:{account['handle']}",
            "--now",
        ).stdout
    )

    collected = json.loads(outpost("stats", "collect", "--backfill", "30").stdout)
    [entry] = collected["accounts"]
    assert (entry["posts_imported"], entry["posts_read"], entry["followers"], entry["skipped"]) == (
        7,
        8,
        120,
        None,
    )

    shown = json.loads(outpost("stats", "post", post["id"]).stdout)
    assert set(shown) == {"post_id", "total", "by_platform", "timeseries"}
    assert shown["total"]["impressions"] is None  # Mastodon reports none: null, never 0
    assert shown["by_platform"][0]["platform"] == "mastodon" and len(shown["timeseries"]) == 1

    summary = json.loads(
        outpost("stats", "summary", "--from", (now - timedelta(days=10)).date().isoformat()).stdout
    )
    assert summary["summary"]["total_posts"] == 8 and summary["summary"]["total_impressions"] is None
    assert summary["top_posts"][0]["title"] == "Made elsewhere 7"  # the oldest has the most by now
    assert set(summary["period"]) == {"start", "end"}

    best = json.loads(outpost("stats", "best-times", "--network", "mastodon", "--tz", "Europe/Berlin").stdout)
    assert best["recommendations"] == [] and "Too little history" in best["message"]

    human = outpost("stats", "summary", json_output=False).stdout
    assert "8 posts" in human and "Top posts:" in human

    exported = json.loads(outpost("stats", "export", str(tmp_path / "out.csv")).stdout)
    with (tmp_path / "out.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert exported["rows"] == len(rows) == 8 and rows[0]["impressions"] == ""

    refused = outpost("stats", "best-times", "--tz", "Mars/Olympus", code=2)
    assert "--tz" in refused.stderr and "IANA" in refused.stderr
    missing = outpost("stats", "post", "post_nope", code=2)
    assert "post_nope" in missing.stderr
