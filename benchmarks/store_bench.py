"""Store: insert 10,000 posts (target ≤ 1 s); load the next 7 days of schedule (target ≤ 10 ms).

The week is read as the calendar reads it (a line per post, at most 50 a day).

Baseline in the same run: the same rows inserted with bare sqlite3 `executemany`.
Run: .venv/bin/python benchmarks/store_bench.py
"""

from __future__ import annotations

import sqlite3
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import best_of, clock, row

from outpost.domain.calendar import CalendarEntry
from outpost.domain.enums import Network, PostStatus
from outpost.domain.models import Account, Post, Target
from outpost.store import Store

N = 10_000
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


def posts() -> list[Post]:
    return [
        Post(
            id=f"post_{i:06d}",
            status=PostStatus.SCHEDULED,
            text=f"Post number {i} with some words in it.",
            scheduled_at=NOW + timedelta(minutes=30 * i),
            timezone="Europe/Berlin",
            created_at=NOW,
            updated_at=NOW,
            targets=(
                Target(id=f"t{i}a", account_id="acc_a", network=Network.MASTODON, idempotency_key=f"k{i}a"),
                Target(id=f"t{i}b", account_id="acc_b", network=Network.BLUESKY, idempotency_key=f"k{i}b"),
            ),
        )
        for i in range(N)
    ]


def insert_outpost() -> float:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp))
        for name, network in (("acc_a", Network.MASTODON), ("acc_b", Network.BLUESKY)):
            store.accounts.insert(
                Account(id=name, network=network, handle=name, secret_ref=name, created_at=NOW)
            )
        batch = posts()
        start = clock()
        with store.db.transaction():  # one transaction, as an import would do
            for post in batch:
                store.posts.insert(post)
        elapsed = clock() - start
        store.close()
        return elapsed


def insert_bare() -> float:
    with tempfile.TemporaryDirectory() as tmp:
        conn = sqlite3.connect(Path(tmp) / "b.sqlite3")
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE posts (id TEXT PRIMARY KEY, status TEXT, text TEXT, scheduled_at TEXT)")
        conn.execute("CREATE TABLE targets (id TEXT PRIMARY KEY, post_id TEXT, account_id TEXT)")
        batch = posts()
        start = clock()
        with conn:
            conn.executemany(
                "INSERT INTO posts VALUES (?, ?, ?, ?)",
                [(p.id, p.status.value, p.text, p.scheduled_at.isoformat()) for p in batch],
            )  # type: ignore[union-attr]
            conn.executemany(
                "INSERT INTO targets VALUES (?, ?, ?)",
                [(t.id, p.id, t.account_id) for p in batch for t in p.targets],
            )
        elapsed = clock() - start
        conn.close()
        return elapsed


def week_query() -> tuple[float, int]:
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp))
        for name, network in (("acc_a", Network.MASTODON), ("acc_b", Network.BLUESKY)):
            store.accounts.insert(
                Account(id=name, network=network, handle=name, secret_ref=name, created_at=NOW)
            )
        with store.db.transaction():
            for post in posts():
                store.posts.insert(post)
        found: list[CalendarEntry] = []

        def once() -> float:
            nonlocal found
            start = clock()
            week = store.posts.calendar(NOW, NOW + timedelta(days=7), [PostStatus.SCHEDULED], UTC, 50)
            found = list(week.entries)
            return clock() - start

        elapsed = best_of(11, once)
        store.close()
        return elapsed, len(found)


def main() -> None:
    ours = best_of(3, insert_outpost)
    bare = best_of(3, insert_bare)
    week, count = week_query()
    print(
        row(
            f"store: insert {N:,} posts (2 targets each), one transaction",
            f"{ours * 1000:.0f} ms (bare sqlite3 executemany: {bare * 1000:.0f} ms)",
            "≤ 1 s",
            ours <= 1.0,
        )
    )
    print(
        row(
            f"store: load the next 7 days of schedule ({count} posts of {N:,})",
            f"{week * 1000:.1f} ms",
            "≤ 10 ms",
            week <= 0.010,
        )
    )


if __name__ == "__main__":
    main()
