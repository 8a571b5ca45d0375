"""Serve a strict fake's request handler over real HTTP on 127.0.0.1.

The contract fakes are written as `httpx.Request -> httpx.Response` functions. Served here, the
adapters talk to them through real sockets: HTTP/1.1 framing, keep-alive, streamed (chunked or
sized) uploads and connection drops all happen for real, as with the network.

The client keeps using the network's real address (https://masto.example/...):
`LoopbackTransport` sends each request to this server instead, with the original host in the
`Host` header, so the fake still sees (and checks) the URL the adapter meant. A handler that
raises an httpx transport error makes the server drop the connection without an answer: the
adapter sees what it would if the network wrote the post and the answer was lost.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType

import httpx

Handler = Callable[[httpx.Request], httpx.Response]
_HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length", "content-encoding"}


class LoopbackServer:
    """`handler` on a real HTTP server at 127.0.0.1 (one thread per connection, one request at a time)."""

    def __init__(self, handler: Handler, *, scheme: str = "https", origin: str | None = None) -> None:
        """`origin` (e.g. "https://masto.example"): the address the fake sees for every request,
        for clients that are given the loopback address directly (another process)."""
        self._handler = handler
        self._origin = origin
        #: Called with ("received" | "handled" | "answered", request); a test can kill a client here.
        self.on_phase: Callable[[str, httpx.Request], bool] = lambda phase, request: True
        self._lock = threading.Lock()  # the fakes keep plain state: one request at a time
        self._scheme = scheme
        self.errors: list[BaseException] = []
        self._server = _QuietServer(("127.0.0.1", 0), self._request_handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.01},
            name="loopback-fake",
            daemon=True,
        )

    @property
    def port(self) -> int:
        """The port the server listens on."""
        return int(self._server.server_address[1])

    def transport(self) -> httpx.AsyncBaseTransport:
        """A real HTTP transport that sends every request to this server."""
        return LoopbackTransport(self.port)

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: type[BaseException] | BaseException | TracebackType | None) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _request_handler(self) -> type[BaseHTTPRequestHandler]:
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def _serve(self) -> None:
                body = self._read_body()
                origin = outer._origin or f"{outer._scheme}://{self.headers['Host']}"
                request = httpx.Request(
                    self.command, f"{origin}{self.path}", headers=list(self.headers.items()), content=body
                )
                if not outer.on_phase("received", request):
                    self.close_connection = True
                    return
                try:
                    with outer._lock:
                        response = outer._handler(request)
                        content = response.read()
                except httpx.TransportError:
                    self.close_connection = True  # the answer is "lost": no response at all
                    return
                except BaseException as exc:  # a fake's own failure: make the test fail loudly
                    outer.errors.append(exc)
                    response, content = httpx.Response(599, text=f"fake server error: {exc!r}"), b""
                if not outer.on_phase("handled", request):
                    self.close_connection = True
                    return
                self.send_response(response.status_code)
                for name, value in response.headers.multi_items():
                    if name.lower() not in _HOP_BY_HOP:
                        self.send_header(name, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)
                self.wfile.flush()
                outer.on_phase("answered", request)

            def _read_body(self) -> bytes:
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    chunks = []
                    while True:
                        size = int(self.rfile.readline().split(b";")[0].strip(), 16)
                        if size == 0:
                            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                                pass
                            return b"".join(chunks)
                        chunks.append(self.rfile.read(size))
                        self.rfile.readline()
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _serve

        return _Handler


class _QuietServer(ThreadingHTTPServer):
    """Clients that die mid-request (the kill-point suite) are expected, not worth a traceback."""

    def handle_error(self, request: object, client_address: object) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


class LoopbackTransport(httpx.AsyncBaseTransport):
    """Sends requests for any host to 127.0.0.1:`port` over plain HTTP, keeping the host in `Host`."""

    def __init__(self, port: int) -> None:
        self._port = port
        self._real = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        # A copy: the caller's request keeps its real address (a resend must go out unchanged).
        rerouted = httpx.Request(
            request.method,
            request.url.copy_with(scheme="http", host="127.0.0.1", port=self._port),
            headers=request.headers,
            stream=request.stream,
            extensions=request.extensions,
        )
        rerouted.headers["Host"] = request.url.netloc.decode("ascii")
        return await self._real.handle_async_request(rerouted)

    async def aclose(self) -> None:
        await self._real.aclose()


@contextmanager
def served(handler: Handler, *, in_process: bool = False) -> Iterator[httpx.AsyncBaseTransport]:
    """A transport to `handler` over loopback (or in-process when a test needs it); fails the test
    if the fake itself broke while serving."""
    if in_process:
        yield httpx.MockTransport(handler)
        return
    with LoopbackServer(handler) as server:
        yield server.transport()
    assert server.errors == [], f"the fake server failed: {server.errors!r}"
