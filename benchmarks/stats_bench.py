"""Statistics over two years of history (issue #21): the summary query and best times.

Seeds a real SQLite store with 10,000 posts, each published to 5 accounts on 5 networks (50,000
targets), each target read 5 times (1 h, 6 h, 24 h, 7 d, 30 d: 250,000 readings), and a daily
follower count per account; then times `engine.stats.summary` over the two years (target ≤ 50 ms),
`engine.stats.best_times` over everything, and `engine.stats.post` for one post. Median of 11 runs
after one warm-up, through the engine (store worker thread included), as the window and the CLI
call them.

Run: .venv/bin/python benchmarks/stats_bench.py   (prints the table for docs/benchmarks.md)
"""

from __future__ import annotations

import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE.parent))

from tests.fakes import FakeClock, MemorySecretStore  # noqa: E402

from outpost.adapters.registry import AdapterRegistry  # noqa: E402
from outpost.domain.analytics import READ_AGES  # noqa: E402
from outpost.engine import Engine  # noqa: E402
from outpost.store import Store  # noqa: E402
from outpost.store._codec import encode_time  # noqa: E402

POSTS = 10_000
NETWORKS = ("mastodon", "bluesky", "x", "linkedin", "threads")
END = datetime(2026, 11, 30, 12, tzinfo=UTC)
START = END - timedelta(days=730)
RUNS = 11


def seed(folder: Path) -> None:
    store = Store(folder)
    db = store.db
    rng = random.Random(21)
    with db.transaction():
        for network in NETWORKS:
            db.execute(
                "INSERT INTO accounts (id, network, handle, secret_ref, created_at) VALUES (?, ?, ?, ?, ?)",
                (f"acc_{network}", network, f"me@{network}", f"ref-{network}", encode_time(START)),
            )
        posts, targets, snapshots = [], [], []
        for i in range(POSTS):
            published = START + timedelta(seconds=rng.randrange(730 * 86400 - 31 * 86400))
            post_id = f"post_{i:06d}"
            posts.append(
                (
                    post_id,
                    "published",
                    f"Post number {i}\nwith more",
                    encode_time(published),
                    encode_time(published),
                )
            )
            for position, network in enumerate(NETWORKS):
                account = f"acc_{network}"
                pid = f"{network}-{i}"
                parts = json.dumps([{"platform_post_id": pid, "permalink": None, "extra": {}}])
                target_id = f"tgt_{i:06d}_{position}"
                targets.append(
                    (
                        target_id,
                        post_id,
                        position,
                        account,
                        network,
                        "published",
                        parts,
                        encode_time(published),
                        f"key-{target_id}",
                        encode_time(published),
                    )
                )
                scale = rng.uniform(0.2, 3.0)
                for slot, age in enumerate(READ_AGES):
                    likes = int(20 * scale * (slot + 1))
                    impressions = likes * 40 if network in ("x", "linkedin", "threads") else None
                    snapshots.append(
                        (
                            account,
                            network,
                            pid,
                            post_id,
                            target_id,
                            encode_time(published),
                            encode_time(published + age),
                            slot,
                            impressions,
                            likes,
                            likes // 4,
                            likes // 8,
                            likes + likes // 4 + likes // 8,
                            1000 + i // 10,
                        )
                    )
        db.executemany(
            "INSERT INTO posts (id, status, text, created_at, updated_at) VALUES (?, ?, ?, ?, ?)", posts
        )
        db.executemany(
            "INSERT INTO targets (id, post_id, position, account_id, network, status, parts, published_at, idempotency_key, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            targets,
        )
        db.executemany(
            "INSERT INTO metric_snapshots (account_id, network, platform_post_id, post_id, target_id, published_at, read_at, age_slot, impressions, likes, reposts, replies, engagements, followers_at_post) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            snapshots,
        )
        # Each item's newest numbers and each post's sums, as `MetricsRepository.record` keeps them.
        db.execute(
            "INSERT INTO metric_items (account_id, published_at, platform_post_id, network, item, read_at, "
            "age_slot, impressions, likes, reposts, replies, engagements, rate) "
            "SELECT account_id, published_at, platform_post_id, network, post_id, read_at, age_slot, impressions, "
            "likes, reposts, replies, engagements, CASE WHEN impressions > 0 THEN 1.0 * engagements / impressions "
            "WHEN followers_at_post > 0 THEN 1.0 * engagements / followers_at_post END "
            "FROM metric_snapshots WHERE age_slot = 4"
        )
        db.execute(
            "INSERT INTO metric_days (account_id, day, network, items, impressions_sum, impressions_n, reach_sum, reach_n, likes_sum, likes_n, replies_sum, replies_n, reposts_sum, reposts_n, quotes_sum, quotes_n, saves_sum, saves_n, clicks_sum, clicks_n, video_views_sum, video_views_n, engagements_sum, engagements_n, rate_sum, rate_n) "
            "SELECT account_id, substr(published_at, 1, 10), min(network), count(*), "
            "coalesce(sum(impressions), 0), count(impressions), coalesce(sum(reach), 0), count(reach), coalesce(sum(likes), 0), count(likes), coalesce(sum(replies), 0), count(replies), coalesce(sum(reposts), 0), count(reposts), coalesce(sum(quotes), 0), count(quotes), coalesce(sum(saves), 0), count(saves), coalesce(sum(clicks), 0), count(clicks), coalesce(sum(video_views), 0), count(video_views), coalesce(sum(engagements), 0), count(engagements), coalesce(sum(rate), 0), count(rate) "
            "FROM metric_items GROUP BY account_id, substr(published_at, 1, 10)"
        )
        db.execute(
            "INSERT INTO metric_posts (item, published_at, impressions, engagements) "
            "SELECT item, min(published_at), sum(impressions), sum(engagements) FROM metric_items GROUP BY item"
        )
        for network in NETWORKS:
            db.executemany(
                "INSERT INTO follower_counts (account_id, day, followers, read_at) VALUES (?, ?, ?, ?)",
                [
                    (
                        f"acc_{network}",
                        (START + timedelta(days=d)).date().isoformat(),
                        1000 + d * 3,
                        encode_time(START + timedelta(days=d)),
                    )
                    for d in range(731)
                ],
            )
    db.execute("ANALYZE")
    store.close()


async def timed(label: str, call) -> float:  # type: ignore[no-untyped-def]
    await call()
    runs = []
    for _ in range(RUNS):
        began = time.perf_counter()
        await call()
        runs.append((time.perf_counter() - began) * 1000)
    median = statistics.median(runs)
    print(f"| {label} | {median:.1f} ms | {min(runs):.1f}–{max(runs):.1f} ms |")
    return median


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "data"
        began = time.perf_counter()
        seed(folder)
        print(
            f"seeded {POSTS:,} posts × {len(NETWORKS)} networks × {len(READ_AGES)} readings in {time.perf_counter() - began:.1f} s"
        )
        engine = Engine.open(
            folder, registry=AdapterRegistry({}), secrets=MemorySecretStore(), clock=FakeClock(END)
        )
        engine.update_settings(default_timezone="Europe/Berlin")
        try:
            print("| call | median | range |")
            print("|---|---|---|")
            first, last = (END - timedelta(days=729)).date(), END.date()
            summary = await timed("`stats.summary` over 2 years", lambda: engine.stats.summary(first, last))
            await timed(
                "`stats.summary` over 30 days",
                lambda: engine.stats.summary(date(2026, 10, 1), date(2026, 10, 30)),
            )
            await timed(
                "`stats.summary` over 2 years, one network",
                lambda: engine.stats.summary(first, last, network="x"),
            )
            await timed(
                "`stats.best_times` (all 50,000 items)", lambda: engine.stats.best_times(zone="Europe/Berlin")
            )
            await timed("`stats.post` (one post, 5 networks)", lambda: engine.stats.post("post_004242"))
            result = await engine.stats.summary(first, last)
            assert result.summary.total_posts >= POSTS * 0.99, result.summary  # all but the first day's few
            print(f"summary target ≤ 50 ms: {'met' if summary <= 50 else 'MISSED'}")
        finally:
            await engine.close()


if __name__ == "__main__":
    asyncio.run(main())
