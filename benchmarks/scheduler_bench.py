"""Scheduler precision with 10,000 scheduled posts (every due post starts within 1 s of its time)
and idle CPU with nothing due (target ≤ 1 %: the scheduler sleeps, it does not poll).

Real clock, real loopback server (no latency), 20 posts due 2–6 s after start among 10,000 in
the coming weeks. Run: .venv/bin/python benchmarks/scheduler_bench.py
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from _common import row  # noqa: E402
from tests.fakes import MemorySecretStore  # noqa: E402

from outpost.adapters.base import AddAccountRequest  # noqa: E402
from outpost.domain.enums import Network, PostStatus  # noqa: E402
from outpost.domain.models import Post, Target  # noqa: E402
from outpost.engine import Engine  # noqa: E402
from outpost.engine.events import Event, PostDidChange  # noqa: E402

N, DUE = 10_000, 20


async def measure(port: int) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        engine = Engine.open(Path(tmp), secrets=MemorySecretStore())
        try:
            account = await engine.accounts.add(
                Network.MASTODON, AddAccountRequest(service_url=f"http://127.0.0.1:{port}", access_token="t")
            )
            now = datetime.now(UTC)
            due = {f"post_due_{i}": now + timedelta(seconds=2 + i * 0.2) for i in range(DUE)}
            store = (
                engine._core.store
            )  # bulk load straight into the store: 10k posts through the engine would take a while

            def post(post_id: str, at: datetime) -> Post:
                target = Target(
                    id=f"t_{post_id}",
                    account_id=account.id,
                    network=Network.MASTODON,
                    idempotency_key=post_id,
                )
                return Post(
                    id=post_id,
                    status=PostStatus.SCHEDULED,
                    text=post_id,
                    scheduled_at=at,
                    timezone="UTC",
                    created_at=now,
                    updated_at=now,
                    targets=(target,),
                )

            with store.db.transaction():
                for i in range(N - DUE):
                    store.posts.insert(post(f"post_{i:05d}", now + timedelta(hours=1, minutes=i)))
                for post_id, at in due.items():
                    store.posts.insert(post(post_id, at))
            started: dict[str, float] = {}

            def seen(event: Event) -> None:
                if isinstance(event, PostDidChange) and event.post_id in due and event.post_id not in started:
                    started[event.post_id] = time.time()

            engine.events.subscribe(seen)
            await engine.start()
            while len(started) < DUE and datetime.now(UTC) < now + timedelta(seconds=20):
                await asyncio.sleep(0.05)
            late = max(started[p] - due[p].timestamp() for p in due)
            await asyncio.sleep(1)  # all published; the next post is an hour away
            cpu0, wall0 = time.process_time(), time.perf_counter()
            await asyncio.sleep(10)
            idle = (time.process_time() - cpu0) / (time.perf_counter() - wall0)
            return late, idle
        finally:
            await engine.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        port_file = Path(tmp) / "ports"
        server = subprocess.Popen([sys.executable, str(HERE / "_loopback.py"), str(port_file), "0", "1"])
        try:
            while not port_file.exists() or not port_file.read_text():
                time.sleep(0.05)
            late, idle = asyncio.run(measure(int(port_file.read_text())))
        finally:
            server.terminate()
    print(
        row(
            f"scheduler: {DUE} due posts among {N:,} scheduled",
            f"latest start {late * 1000:.0f} ms after its time",
            "≤ 1 s",
            late <= 1.0,
        )
    )
    print(
        row(
            f"scheduler: idle CPU with {N:,} scheduled, none due",
            f"{idle * 100:.2f} %",
            "≤ 1 %",
            idle <= 0.01,
        )
    )


if __name__ == "__main__":
    main()
