"""OAuth 2.0 authorization code with PKCE through a loopback redirect (RFC 8252 §7.3).

The listener binds 127.0.0.1 only, accepts exactly one callback (then closes, or closes after a
timeout), and refuses a callback whose `state` does not match the one we sent. The browser is
opened by an injected `open_url` so tests drive the sign-in page like a person would.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import html
import logging
import secrets
import webbrowser
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from outpost.domain.errors import KnownError

log = logging.getLogger("outpost.auth.oauth")

OpenUrl = Callable[[str], Awaitable[None]]
#: Asks the person for the address their browser ended on after signing in, as they copied it:
#: the sign-in of networks that only send the browser back to an https address (Meta's), where
#: nothing on this computer can receive it (`auth.providers.Redirect.HTTPS_PASTE`).
AskAddress = Callable[[], Awaitable[str]]
DEFAULT_TIMEOUT_S = 300.0
CALLBACK_PATH = "/callback"


class AuthorizationError(KnownError):
    """Signing in did not complete: refused, timed out, tampered with, or the port is taken."""


@dataclass(frozen=True)
class Pkce:
    """A PKCE pair: the verifier stays here, the challenge goes in the authorize URL."""

    verifier: str
    challenge: str
    method: str = "S256"

    @classmethod
    def s256(cls) -> Pkce:
        """RFC 7636 S256: base64url(sha256(verifier)) without padding."""
        verifier = secrets.token_urlsafe(64)[:96]
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        return cls(verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii"))

    @classmethod
    def s256_hex(cls) -> Pkce:
        """TikTok's variant: the challenge is the hex sha256 of the verifier."""
        verifier = secrets.token_urlsafe(64)[:96]
        return cls(verifier, hashlib.sha256(verifier.encode("ascii")).hexdigest())


def new_state() -> str:
    """An unguessable `state` value tying the callback to this sign-in."""
    return secrets.token_urlsafe(24)


async def open_in_browser(url: str) -> None:
    """Open `url` in the person's browser (honours $BROWSER), without blocking the loop."""
    opened = await asyncio.to_thread(webbrowser.open, url)
    if not opened:
        log.warning("could not open a browser; the sign-in address must be opened by hand")


class LoopbackRedirect:
    """A one-shot HTTP listener on 127.0.0.1 that receives the authorization code.

    Use as `async with LoopbackRedirect(port) as redirect:` then `redirect.uri`, then
    `await redirect.code(state)`. Port 0 picks a free port (for networks that accept any).
    """

    def __init__(self, port: int = 0, *, timeout: float = DEFAULT_TIMEOUT_S) -> None:
        self._port = port
        self._timeout = timeout
        self._server: asyncio.Server | None = None
        self._result: asyncio.Future[dict[str, str]] | None = None
        self._uri: str | None = None

    @property
    def uri(self) -> str:
        """The redirect URI to register and send: `http://127.0.0.1:PORT/callback`."""
        assert self._uri is not None, "use inside `async with`"
        return self._uri

    async def __aenter__(self) -> LoopbackRedirect:
        self._result = asyncio.get_running_loop().create_future()
        try:
            self._server = await asyncio.start_server(self._handle, "127.0.0.1", self._port)
        except OSError as exc:
            raise AuthorizationError(
                f"Cannot listen on 127.0.0.1:{self._port} for the sign-in redirect ({exc.strerror}); "
                f"another program uses that port. Close it and try again."
            ) from None
        port = self._server.sockets[0].getsockname()[1]
        self._uri = f"http://127.0.0.1:{port}{CALLBACK_PATH}"
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._close()

    async def _close(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await self._server.wait_closed()
            self._server = None

    async def code(self, state: str) -> str:
        """Wait for the redirect and return its `code` (the listener closes afterwards).

        Raises:
            AuthorizationError: consent denied, state mismatch, no code, or timeout.
        """
        assert self._result is not None
        try:
            params = await asyncio.wait_for(asyncio.shield(self._result), self._timeout)
        except TimeoutError:
            raise AuthorizationError(
                f"Sign-in timed out after {self._timeout:.0f} s: the browser never came back to "
                f"Outpost. Start again when ready."
            ) from None
        finally:
            await self._close()
        if params.get("state") != state:
            raise AuthorizationError(
                "Sign-in refused: the answer did not match this sign-in (state mismatch)."
            )
        if "error" in params:
            detail = params.get("error_description") or params["error"]
            raise AuthorizationError(f"Sign-in was not completed: {detail}.")
        if not params.get("code"):
            raise AuthorizationError("Sign-in answer had no authorization code.")
        return params["code"]

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            request_line = await asyncio.wait_for(reader.readline(), 10)
            while (await asyncio.wait_for(reader.readline(), 10)) not in (b"\r\n", b"\n", b""):
                pass
            parts = request_line.decode("latin-1").split()
            target = urlsplit(parts[1]) if len(parts) >= 2 else None
            if target is None or target.path != CALLBACK_PATH:
                await _respond(writer, 404, "Not the Outpost sign-in address.")
                return
            params = {k: v[0] for k, v in parse_qs(target.query).items()}
            ok = "code" in params and "error" not in params
            await _respond(
                writer,
                200,
                "Signed in. You can close this tab and return to Outpost."
                if ok
                else "Sign-in was not completed. You can close this tab.",
            )
            if self._result is not None and not self._result.done():
                self._result.set_result(params)
        except (TimeoutError, ConnectionError, UnicodeError):
            pass
        finally:
            writer.close()


async def _respond(writer: asyncio.StreamWriter, status: int, message: str) -> None:
    body = (
        f"<!doctype html><html><head><meta charset='utf-8'><title>Outpost</title></head>"
        f"<body style='font-family:sans-serif;margin:3em'><h1>Outpost</h1>"
        f"<p>{html.escape(message)}</p></body></html>"
    ).encode()
    reason = {200: "OK", 404: "Not Found"}[status]
    writer.write(
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
        + body
    )
    with contextlib.suppress(ConnectionError):
        await writer.drain()
