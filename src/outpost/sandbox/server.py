"""Simulated social networks on 127.0.0.1 that Outpost's real adapters talk to.

One loopback server answers for every simulated network (sandbox/networks.py: Mastodon, Bluesky,
X and LinkedIn, each the small part of its API that publishing uses) over real HTTP, keeps what it
receives in memory, and never contacts anything else. Nothing a newcomer writes in sandbox mode
leaves the machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

from outpost.sandbox.networks import SIMULATIONS, Answer, Received, Request, Shared, Simulation

log = logging.getLogger("outpost.sandbox")

MAX_BODY = 200 * 1024 * 1024
__all__ = ["Received", "SandboxServer"]


@dataclass
class SandboxServer:
    """The loopback server; `start()` binds it, `url` is its address, `posts` what it received.

    Attributes:
        simulations: one per simulated network, by network.
    """

    port: int = 0
    _shared: Shared = field(default_factory=Shared)
    _server: asyncio.Server | None = None
    _open: dict[asyncio.StreamWriter, asyncio.Task[None]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.simulations = {network: make(self._shared) for network, make in SIMULATIONS.items()}

    @property
    def url(self) -> str:
        """`http://127.0.0.1:PORT`."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def posts(self) -> list[Received]:
        """Every post the simulated networks received, in order."""
        return self._shared.posts

    async def start(self) -> SandboxServer:
        """Listen on 127.0.0.1 (the port asked for, else any free one)."""
        try:
            self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        except OSError:
            self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])
        self._shared.url = self.url
        log.info("sandbox network on %s", self.url)
        return self

    async def stop(self) -> None:
        """Stop listening, and end the connections clients keep open (their handlers finish)."""
        handlers = list(self._open.values())
        for writer in list(self._open):  # Server.close() leaves them open (Python < 3.13)
            writer.close()
        if handlers:  # each sees the end of its stream and returns: none is left to be cancelled
            await asyncio.wait(handlers, timeout=5)
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await self._server.wait_closed()
            self._server = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._open[writer] = task
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    break
                answer = self._route(request)
                body = answer.body()
                headers = {
                    "Content-Type": "application/json",
                    **answer.headers,
                    "Content-Length": str(len(body)),
                }
                reason = "OK" if answer.status < 400 else "Error"
                head = "".join(f"{name}: {value}\r\n" for name, value in headers.items())
                writer.write(f"HTTP/1.1 {answer.status} {reason}\r\n{head}\r\n".encode() + body)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            self._open.pop(writer, None)
            writer.close()

    def _route(self, request: Request) -> Answer:
        simulation = self._simulation(request.path)
        if simulation is None:
            return Answer(404, {"error": f"{request.path} is not simulated"})
        return simulation.answer(request)

    def _simulation(self, path: str) -> Simulation | None:
        return next((s for s in self.simulations.values() if s.handles(path)), None)


async def _read_request(reader: asyncio.StreamReader) -> Request | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    lines = head.decode("latin-1").split("\r\n")
    method, target, _ = lines[0].split(" ", 2)
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:]) if k}
    body = b""
    if "content-length" in headers:
        length = int(headers["content-length"])
        if length > MAX_BODY:
            raise ValueError("body too large for the sandbox")
        body = await reader.readexactly(length)
    elif headers.get("transfer-encoding") == "chunked":
        while (size := int((await reader.readline()).strip() or b"0", 16)) > 0:
            body += await reader.readexactly(size)
            await reader.readline()
        await reader.readline()
    parts = urlsplit(target)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    return Request(method, parts.path, query, headers, body)
