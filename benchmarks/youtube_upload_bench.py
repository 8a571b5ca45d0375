"""YouTube's resumable upload: throughput and memory against bare httpx, and the cost of a resume.

Run: `.venv/bin/python benchmarks/youtube_upload_bench.py [SIZE_MB]` (default 2048, issue #19).
A loopback server in its own process speaks the resumable protocol (session, `308` + `Range`,
`bytes */TOTAL`, `201`) and reads and discards every body, counting the bytes. Each variant runs in
its own process, so its peak RSS is its own:

- `httpx`: the same protocol by hand with bare httpx: one session, 8 MiB chunks streamed from
  disk, nothing else (the floor);
- `outpost`: `YouTubeAdapter.publish` (checkpoints, quota count, progress, token per chunk);
- `resume`: the same, with the connection dropped once when 60 % of the file has arrived.

Targets (issue #19): throughput ≥ 80 % of bare httpx, RSS growth ≤ 50 MB, and after the drop at
60 % at most one chunk (8 MiB) sent again. Prints Markdown rows for docs/benchmarks.md.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHUNK = 8 * 1024 * 1024
_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+)")


async def serve(port_file: Path, drop_at: float) -> None:
    """The resumable protocol on 127.0.0.1, bodies read and thrown away (`GET /stats`: bytes read)."""
    sessions: dict[str, dict[str, int]] = {}
    read_in_all = [0]
    dropped = [drop_at <= 0]

    async def answer(writer: asyncio.StreamWriter, status: str, headers: dict[str, str], body: bytes) -> None:
        head = "".join(f"{k}: {v}\r\n" for k, v in {**headers, "Content-Length": str(len(body))}.items())
        writer.write(f"HTTP/1.1 {status}\r\n{head}\r\n".encode() + body)
        await writer.drain()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                writer.close()
                return
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines[1:]) if k}
            length = int(headers.get("content-length", "0"))
            if method == "GET":
                await answer(writer, "200 OK", {}, json.dumps({"bytes": read_in_all[0]}).encode())
                continue
            if method == "POST":
                await reader.readexactly(length)
                upload = str(len(sessions) + 1)
                sessions[upload] = {"total": int(headers["x-upload-content-length"]), "have": 0}
                port = writer.get_extra_info("sockname")[1]
                location = f"http://127.0.0.1:{port}/upload/youtube/v3/videos?upload_id={upload}"
                await answer(writer, "200 OK", {"Location": location}, b"{}")
                continue
            session = sessions[target.rsplit("=", 1)[1]]
            matched = _RANGE.match(headers.get("content-range", ""))
            if matched:
                first, left = int(matched.group(1)), length
                while left:
                    piece = await reader.read(min(left, 1 << 20))
                    if not piece:
                        writer.close()
                        return
                    left -= len(piece)
                    read_in_all[0] += len(piece)
                    if not dropped[0] and first + length - left >= drop_at * session["total"]:
                        dropped[0] = True  # what arrived of this chunk is lost with the connection
                        writer.close()
                        return
                if first <= session["have"]:
                    session["have"] = max(session["have"], first + length)
            if session["have"] >= session["total"]:
                body = json.dumps({"id": "v1", "status": {"privacyStatus": "public"}}).encode()
                await answer(writer, "201 Created", {"Content-Type": "application/json"}, body)
            else:
                have = session["have"]
                await answer(
                    writer, "308 Resume Incomplete", {"Range": f"bytes=0-{have - 1}"} if have else {}, b""
                )

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port_file.write_text(str(server.sockets[0].getsockname()[1]))
    async with server:
        await server.serve_forever()


def rss_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field):
            return int(line.split()[1])
    return 0


async def bare(client: object, path: Path, base: str) -> None:
    """The protocol by hand: the floor any implementation pays."""
    import httpx

    assert isinstance(client, httpx.AsyncClient)
    size = path.stat().st_size
    started = await client.post(
        f"{base}/upload/youtube/v3/videos?uploadType=resumable&part=snippet,status",
        json={"snippet": {"title": "t"}, "status": {}},
        headers={"X-Upload-Content-Length": str(size), "X-Upload-Content-Type": "video/mp4"},
    )
    session = started.headers["location"]
    with path.open("rb") as handle:
        for first in range(0, size, CHUNK):
            length = min(CHUNK, size - first)

            async def body(length: int = length) -> AsyncIterator[bytes]:
                left = length
                while left:
                    piece = await asyncio.to_thread(handle.read, min(1 << 20, left))
                    left -= len(piece)
                    yield piece

            headers = {
                "Content-Length": str(length),
                "Content-Range": f"bytes {first}-{first + length - 1}/{size}",
            }
            answer = await client.put(session, content=body(), headers=headers)
            assert answer.status_code in (200, 201, 308), answer.status_code


async def through_outpost(client: object, path: Path, base: str) -> None:
    """`YouTubeAdapter.publish`, as the engine calls it."""
    from datetime import UTC, datetime

    import httpx

    from outpost.adapters.base import AccountContext, MemoryCheckpoints, PartRequest, UploadedMedia
    from outpost.adapters.youtube import YouTubeAdapter
    from outpost.domain.enums import Network
    from outpost.domain.models import Account, MediaAsset
    from outpost.engine.clock import SystemClock

    assert isinstance(client, httpx.AsyncClient)

    class Vault:
        async def read(self, ref: str) -> dict[str, str]:
            return {"access_token": "t"}

        async def write(self, ref: str, credentials: dict[str, str]) -> None:
            pass

    account = Account(id="a", network=Network.YOUTUBE, handle="@a", secret_ref="r",
                      created_at=datetime.now(UTC), service_url=base)  # fmt: skip
    ctx = AccountContext(account, Vault(), asyncio.Lock(), MemoryCheckpoints())
    adapter = YouTubeAdapter(client, clock=SystemClock(), retry_s=0.05)
    video = MediaAsset(id="m", path=str(path), mime_type="video/mp4", size=path.stat().st_size, kind="video")
    seen: list[int] = []
    await adapter.upload_media(ctx, video, lambda sent, total: seen.append(sent))
    options = {"title": "Bench", "made_for_kids": "false"}
    part = PartRequest(0, "", (UploadedMedia(video, "m"),), dict(options), "bench")
    published = await adapter.publish(ctx, part)
    assert published.platform_post_id == "v1" and seen[-1] == video.size


async def run_variant(variant: str, path: Path, port: int) -> dict[str, float]:
    import httpx

    if variant != "httpx":  # imported before measuring: start-up is not upload
        import outpost.adapters.youtube
        import outpost.engine.clock  # noqa: F401

    base = f"http://127.0.0.1:{port}"
    async with httpx.AsyncClient(timeout=600) as client:
        await client.get(f"{base}/stats")
        before_rss, before_bytes = rss_kb("VmRSS"), (await client.get(f"{base}/stats")).json()["bytes"]
        start = time.perf_counter()
        await (bare if variant == "httpx" else through_outpost)(client, path, base)
        elapsed = time.perf_counter() - start
        sent = (await client.get(f"{base}/stats")).json()["bytes"] - before_bytes
    size = path.stat().st_size
    return {
        "seconds": elapsed,
        "mb_per_s": size / 1e6 / elapsed,
        "rss_growth_mb": (rss_kb("VmHWM") - before_rss) / 1024,
        "sent_again_mb": (sent - size) / 1e6,
    }


def measure(variant: str, path: Path, tmp: Path, drop_at: float) -> dict[str, float]:
    port_file = tmp / f"port-{variant}-{drop_at}"
    server = subprocess.Popen([sys.executable, __file__, "--serve", str(port_file), str(drop_at)])
    try:
        while not port_file.exists() or not port_file.read_text():
            time.sleep(0.05)
        out = subprocess.run(
            [sys.executable, __file__, "--child", variant, str(path), port_file.read_text()],
            capture_output=True, text=True, cwd=ROOT,
        )  # fmt: skip
        if out.returncode:
            raise SystemExit(f"the {variant} run failed:\n{out.stderr}")
        return dict(json.loads(out.stdout.strip().splitlines()[-1]))
    finally:
        server.terminate()
        server.wait()


def main(size_mb: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        path = tmp / "big.mp4"
        with path.open("wb") as handle:  # real bytes (not sparse), so the disk is read
            block = os.urandom(1 << 20)
            for _ in range(size_mb):
                handle.write(block)
        bare_run = measure("httpx", path, tmp, 0)
        outpost = measure("outpost", path, tmp, 0)
        resumed = measure("outpost", path, tmp, 0.6)
    ratio = outpost["mb_per_s"] / bare_run["mb_per_s"]
    print(
        f"| YouTube resumable upload of {size_mb} MB, 8 MiB chunks | {outpost['mb_per_s']:.0f} MB/s = {ratio:.0%} "
        f"of bare httpx ({bare_run['mb_per_s']:.0f} MB/s); RSS growth {outpost['rss_growth_mb']:.1f} MB "
        f"(bare {bare_run['rss_growth_mb']:.1f} MB) | ≥ 80 %, ≤ 50 MB |"
    )
    print(
        f"| the same, connection dropped at 60 % | {resumed['sent_again_mb']:.1f} MB sent again "
        f"({resumed['seconds']:.1f} s in all) | ≤ one chunk ({CHUNK / 1e6:.1f} MB) |"
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--serve"]:
        asyncio.run(serve(Path(sys.argv[2]), float(sys.argv[3])))
    elif sys.argv[1:2] == ["--child"]:
        sys.path.insert(0, str(ROOT / "src"))
        print(json.dumps(asyncio.run(run_variant(sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])))))
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 2048)
