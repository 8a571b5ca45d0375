"""A Mastodon-like server on loopback for benchmarks, in its own process, with a fixed latency.

`python benchmarks/_loopback.py PORT_FILE LATENCY_S N_PORTS` listens on N ports (one "instance"
each) and writes them to PORT_FILE. Every answer waits LATENCY_S first (network latency).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import sys
from pathlib import Path

IDS = itertools.count(1)


async def handle(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, latency: float, port: int
) -> None:
    while True:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()
            return
        lines = head.decode("latin-1").split("\r\n")
        _method, target, _ = lines[0].split(" ", 2)
        headers = {
            k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:]) if k
        }
        left = int(headers.get("content-length", "0"))
        while left:
            left -= len(await reader.read(min(left, 1 << 20)))
        if headers.get("transfer-encoding") == "chunked":
            while (size := int((await reader.readline()).strip() or b"0", 16)) > 0:
                await reader.readexactly(size + 2)
            await reader.readline()
        await asyncio.sleep(latency)
        path = target.split("?")[0]
        if path.startswith("/api/v1/accounts/verify_credentials"):
            body = {"id": "1", "username": f"bench{port}", "display_name": "Bench"}
        elif path.startswith("/api/v2/instance"):
            body = {
                "configuration": {
                    "statuses": {"max_characters": 500, "max_media_attachments": 4},
                    "media_attachments": {"video_size_limit": 4_000_000_000, "image_size_limit": 16_777_216},
                }
            }
        elif path.startswith("/api/v2/media") or path.startswith("/api/v1/media"):
            body = {"id": str(next(IDS)), "url": "http://127.0.0.1/m", "type": "image"}
        else:
            status_id = str(next(IDS))
            body = {"id": status_id, "url": f"http://127.0.0.1:{port}/@bench/{status_id}"}
        data = json.dumps(body).encode()
        writer.write(
            b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
            + str(len(data)).encode()
            + b"\r\n\r\n"
            + data
        )
        await writer.drain()


async def main(port_file: Path, latency: float, count: int) -> None:
    servers = []
    for _ in range(count):
        holder: dict[str, int] = {}
        server = await asyncio.start_server(
            lambda r, w, h=holder: handle(r, w, latency, h["port"]), "127.0.0.1", 0
        )
        holder["port"] = server.sockets[0].getsockname()[1]
        servers.append(server)
    port_file.write_text(" ".join(str(s.sockets[0].getsockname()[1]) for s in servers))
    await asyncio.gather(*(s.serve_forever() for s in servers))


if __name__ == "__main__":
    asyncio.run(main(Path(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3])))
