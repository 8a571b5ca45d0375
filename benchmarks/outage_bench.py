"""Retries under faults (issue #20), measured on the strict Mastodon fake over real loopback.

Three scenarios, each on the engine's fake clock (waits are simulated, requests are real):
- 30 % of all requests answer 500, 503 or 429 (with a 20 s reset): 20 posts published now.
  Before #20: one post of ten failed after three tries within four seconds.
- A 10-minute outage (connection refused) while a scheduled post comes due.
- A server down for good: how long Outpost keeps trying, and how many requests it sends.

Run: .venv/bin/python benchmarks/outage_bench.py   (prints a table for docs/reliability.md)
"""

from __future__ import annotations

import asyncio
import random
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE.parent))

import httpx  # noqa: E402
from tests.contract.fake_mastodon import BASE, FakeMastodon  # noqa: E402
from tests.fakes import FakeClock, MemorySecretStore  # noqa: E402
from tests.reliability.test_faults import FaultyTransport  # noqa: E402
from tests.support.loopback import LoopbackServer  # noqa: E402

from outpost.adapters.base import AddAccountRequest  # noqa: E402
from outpost.adapters.mastodon import MastodonAdapter  # noqa: E402
from outpost.adapters.registry import AdapterRegistry  # noqa: E402
from outpost.domain.enums import Network, PostStatus  # noqa: E402
from outpost.engine import Engine, PostInput, When  # noqa: E402


async def _engine(served: FaultyTransport, clock: FakeClock, folder: Path) -> tuple[Engine, str]:
    registry = AdapterRegistry(
        {Network.MASTODON: lambda client, **kw: MastodonAdapter(client, media_poll_s=0.001, **kw)}
    )
    engine = Engine.open(
        folder, registry=registry, secrets=MemorySecretStore(), clock=clock, transport=served
    )
    engine.update_settings(native_scheduling="never")  # Outpost's own publishing is under test
    account = await engine.accounts.add(
        Network.MASTODON, AddAccountRequest(service_url=BASE, access_token="token-alice")
    )
    return engine, account.id


async def flaky(folder: Path) -> str:
    fake, clock, dice = FakeMastodon(), FakeClock(), random.Random(2026)
    with LoopbackServer(fake.handle) as server:
        served = FaultyTransport(server.transport())
        engine, account = await _engine(served, clock, folder)

        async def sometimes(request: httpx.Request) -> httpx.Response:
            roll = dice.random()
            if roll < 0.1:
                return httpx.Response(500, json={"error": "Internal Server Error"})
            if roll < 0.2:
                return httpx.Response(503, json={"error": "Service Unavailable"})
            if roll < 0.3:
                reset = (clock.now() + timedelta(seconds=20)).isoformat()
                return httpx.Response(
                    429, json={"error": "Too many requests"}, headers={"X-RateLimit-Reset": reset}
                )
            return await served.forward(request)

        served.inject(lambda request: True, sometimes, times=10**6)
        start = clock.now()
        posts = [
            await engine.posts.create(PostInput(text=f"post {n}", accounts=(account,)), When.now())
            for n in range(20)
        ]
        published = sum(p.status is PostStatus.PUBLISHED for p in posts)
        texts = [s.text for s in fake.statuses]
        tries = sum(p.targets[0].attempts for p in posts)
        await engine.close()
    duplicates = len(texts) - len(set(texts))
    minutes = (clock.now() - start).total_seconds() / 60
    return (
        f"| 30 % of requests 500/503/429, 20 posts | {published}/20 published, {duplicates} duplicates | "
        f"{tries} tries, {served.hits} faults injected, {minutes:.1f} simulated minutes |"
    )


async def outage(folder: Path) -> str:
    fake, clock = FakeMastodon(), FakeClock()
    with LoopbackServer(fake.handle) as server:
        served = FaultyTransport(server.transport())
        engine, account = await _engine(served, clock, folder)
        due = clock.now() + timedelta(minutes=1)
        back = due + timedelta(minutes=10)
        creates = 0

        async def down(request: httpx.Request) -> httpx.Response:
            nonlocal creates
            creates += request.method == "POST" and request.url.path == "/api/v1/statuses"
            if clock.now() < back:
                raise httpx.ConnectError("[Errno 111] Connection refused")
            return await served.forward(request)

        served.inject(lambda request: True, down, times=10**6)
        post = await engine.posts.create(
            PostInput(text="at nine", accounts=(account,)), When.scheduled(due.isoformat())
        )
        await engine.start()
        clock.advance(timedelta(minutes=1))
        for _ in range(2000):
            await asyncio.sleep(0.005)
            done = await engine.posts.get(post.id)
            if done.status not in (PostStatus.SCHEDULED, PostStatus.PUBLISHING):
                break
        late = (
            (done.targets[0].published_at - due).total_seconds() / 60
            if done.targets[0].published_at
            else None
        )
        await engine.close()
    return (
        f"| 10-minute outage as a scheduled post comes due | {done.status.value}, {len(fake.statuses)} on Mastodon | "
        f"{creates} create requests, out {late:.1f} min after its time |"
    )


async def down_for_good(folder: Path) -> str:
    fake, clock = FakeMastodon(), FakeClock()
    with LoopbackServer(fake.handle) as server:
        served = FaultyTransport(server.transport())
        engine, account = await _engine(served, clock, folder)

        async def refused(request: httpx.Request) -> httpx.Response:
            raise httpx.ConnectError("[Errno 111] Connection refused")

        served.inject(lambda request: request.url.path == "/api/v1/statuses", refused, times=10**6)
        start = clock.now()
        post = await engine.posts.create(PostInput(text="nobody home", accounts=(account,)), When.now())
        minutes = (clock.now() - start).total_seconds() / 60
        await engine.close()
    error = post.targets[0].error
    return (
        f"| server down for good | {post.status.value} after {minutes:.0f} simulated minutes | "
        f"{served.hits} create requests; says: “{error.message if error else ''}” |"
    )


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        rows = [
            await flaky(Path(tmp) / "a"),
            await outage(Path(tmp) / "b"),
            await down_for_good(Path(tmp) / "c"),
        ]
    print("| scenario | outcome | cost |\n|---|---|---|")
    print("\n".join(rows))


if __name__ == "__main__":
    asyncio.run(main())
