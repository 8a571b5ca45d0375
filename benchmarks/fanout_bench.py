"""Fan-out: one post to 6 accounts on loopback servers with 200 ms latency, against the slowest
single target in the same run (target ≤ 1.2×: targets go out concurrently, not one by one).

Run: .venv/bin/python benchmarks/fanout_bench.py
"""

from __future__ import annotations

import asyncio
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from _common import row  # noqa: E402
from tests.fakes import MemorySecretStore  # noqa: E402

from outpost.adapters.base import AddAccountRequest  # noqa: E402
from outpost.domain.enums import Network  # noqa: E402
from outpost.engine import Engine, PostInput, When  # noqa: E402

LATENCY = 0.2


async def measure(ports: list[int]) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as tmp:
        engine = Engine.open(Path(tmp), secrets=MemorySecretStore())
        try:
            accounts = [
                await engine.accounts.add(
                    Network.MASTODON, AddAccountRequest(service_url=f"http://127.0.0.1:{p}", access_token="t")
                )
                for p in ports
            ]
            for account in accounts:  # warm: instance limits cached, connections open
                await engine.posts.create(PostInput(text="warm", accounts=(account.id,)), When.now())
            singles = []
            for account in accounts:
                start = time.perf_counter()
                await engine.posts.create(PostInput(text="one", accounts=(account.id,)), When.now())
                singles.append(time.perf_counter() - start)
            start = time.perf_counter()
            post = await engine.posts.create(
                PostInput(text="all six", accounts=tuple(a.id for a in accounts)), When.now()
            )
            together = time.perf_counter() - start
            assert post.status.value == "published", post
            return max(singles), together
        finally:
            await engine.close()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        port_file = Path(tmp) / "ports"
        server = subprocess.Popen(
            [sys.executable, str(HERE / "_loopback.py"), str(port_file), str(LATENCY), "6"]
        )
        try:
            while not port_file.exists() or not port_file.read_text():
                time.sleep(0.05)
            ports = [int(p) for p in port_file.read_text().split()]
            slowest, together = asyncio.run(measure(ports))
        finally:
            server.terminate()
    ratio = together / slowest
    print(
        row(
            "fan-out of one post to 6 accounts, 200 ms latency each",
            f"{together * 1000:.0f} ms for six vs "
            f"{slowest * 1000:.0f} ms for the slowest single = {ratio:.2f}×",
            "≤ 1.2×",
            ratio <= 1.2,
        )
    )


if __name__ == "__main__":
    main()
