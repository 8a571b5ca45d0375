"""Streaming upload: peak memory growth and throughput of Outpost's media upload vs bare httpx.

Run: `.venv/bin/python benchmarks/upload_memory.py [SIZE_MB]` (default 1024). Each variant runs in
its own process (so peak RSS is its own) against a loopback server that reads and discards the
body. Prints a Markdown table row for docs/benchmarks.md. Targets (issue 10): RSS growth ≤ 50 MB;
throughput ≥ 80 % of bare httpx.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


async def serve(port_file: Path) -> None:
    """A tiny HTTP/1.1 server: reads a whole request body (length or chunked), answers JSON."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                writer.close()
                return
            headers = {
                k.lower(): v.strip()
                for k, _, v in (line.partition(":") for line in head.decode().split("\r\n")[1:])
                if k
            }
            if "content-length" in headers:
                left = int(headers["content-length"])
                while left:
                    left -= len(await reader.read(min(left, 1 << 20)))
            elif headers.get("transfer-encoding") == "chunked":
                while True:
                    size = int((await reader.readline()).strip(), 16)
                    await reader.readexactly(size + 2)
                    if size == 0:
                        break
            body = json.dumps({"id": "1", "url": "http://127.0.0.1/m/1", "type": "video"}).encode()
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                + str(len(body)).encode()
                + b"\r\n\r\n"
                + body
            )
            await writer.drain()

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port_file.write_text(str(server.sockets[0].getsockname()[1]))
    async with server:
        await server.serve_forever()


def rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1])
    return 0


async def run_variant(variant: str, path: Path, port: int) -> dict[str, float]:
    import httpx

    from outpost.adapters.base import AccountContext
    from outpost.adapters.mastodon import MastodonAdapter
    from outpost.domain.enums import Network
    from outpost.domain.models import Account, MediaAsset
    from outpost.engine.clock import SystemClock

    size = path.stat().st_size
    async with httpx.AsyncClient(timeout=600) as client:
        await client.get(f"http://127.0.0.1:{port}/warmup")
        before = rss_kb("VmRSS")
        start = time.perf_counter()
        if variant == "httpx":
            with path.open("rb") as handle:
                files = {"file": ("v.mp4", handle, "video/mp4")}
                (await client.post(f"http://127.0.0.1:{port}/api/v2/media", files=files)).raise_for_status()
        else:

            class Vault:
                async def read(self, ref: str) -> dict[str, str]:
                    return {"access_token": "t"}

                async def write(self, ref: str, credentials: dict[str, str]) -> None:
                    pass

            from datetime import UTC, datetime

            account = Account(
                id="a",
                network=Network.MASTODON,
                handle="a@h",
                secret_ref="r",
                created_at=datetime.now(UTC),
                service_url=f"http://127.0.0.1:{port}",
            )
            adapter = MastodonAdapter(client, clock=SystemClock())
            seen = []
            media = MediaAsset(id="m", path=str(path), mime_type="video/mp4", size=size, kind="video")
            await adapter.upload_media(
                AccountContext(account, Vault(), asyncio.Lock()), media, lambda s, t: seen.append(s)
            )
            assert seen[-1] == size
        elapsed = time.perf_counter() - start
    return {
        "seconds": elapsed,
        "mb_per_s": size / 1e6 / elapsed,
        "rss_growth_mb": (rss_kb("VmHWM") - before) / 1024,
    }


def child(variant: str, path: str, port: int) -> None:
    result = asyncio.run(run_variant(variant, Path(path), port))
    print(json.dumps(result))


def main(size_mb: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.mp4"
        with path.open("wb") as handle:  # real bytes (not sparse), so the disk is read
            block = os.urandom(1 << 20)
            for _ in range(size_mb):
                handle.write(block)
        port_file = Path(tmp) / "port"
        server = subprocess.Popen([sys.executable, __file__, "--serve", str(port_file)])
        try:
            while not port_file.exists() or not port_file.read_text():
                time.sleep(0.05)
            port = int(port_file.read_text())
            results = {}
            for variant in ("httpx", "outpost"):
                out = subprocess.run(
                    [sys.executable, __file__, "--child", variant, str(path), str(port)],
                    capture_output=True,
                    text=True,
                    check=True,
                    cwd=ROOT,
                )
                results[variant] = json.loads(out.stdout.strip().splitlines()[-1])
        finally:
            server.terminate()
    ratio = results["outpost"]["mb_per_s"] / results["httpx"]["mb_per_s"]
    print(
        f"| streaming upload of {size_mb} MB (Mastodon path) | {results['outpost']['mb_per_s']:.0f} MB/s = "
        f"{ratio:.0%} of bare httpx ({results['httpx']['mb_per_s']:.0f} MB/s) | RSS growth "
        f"{results['outpost']['rss_growth_mb']:.1f} MB (bare httpx {results['httpx']['rss_growth_mb']:.1f} MB) |"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        asyncio.run(serve(Path(sys.argv[2])))
    elif sys.argv[1:2] == ["--child"]:
        sys.path.insert(0, str(ROOT / "src"))
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 1024)
