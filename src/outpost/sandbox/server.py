"""A simulated social network on 127.0.0.1 that the real Mastodon and Bluesky adapters talk to.

It speaks the small part of each API that publishing uses (Mastodon: instance, verify_credentials,
media, statuses; Bluesky: createSession, getSession, uploadBlob, createRecord, getRecord,
resolveHandle) over real HTTP on loopback, keeps what it receives in memory, and never contacts
anything else. Nothing a newcomer writes in sandbox mode leaves the machine.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

from outpost.domain.accounts import SANDBOX_BLUESKY_HANDLE

log = logging.getLogger("outpost.sandbox")

MASTODON_HANDLE = "you"
BLUESKY_HANDLE = SANDBOX_BLUESKY_HANDLE  # the domain knows it too: it tells sandbox accounts apart
TOKEN = "sandbox-token"
APP_PASSWORD = "sand-box0-sand-box0"
MAX_BODY = 200 * 1024 * 1024


@dataclass
class Received:
    """What the sandbox network got: one post."""

    network: str
    text: str
    reply_to: str | None
    media: int


@dataclass
class SandboxServer:
    """The loopback server; `start()` binds it, `url` is its address, `posts` what it received."""

    port: int = 0
    posts: list[Received] = field(default_factory=list)
    _server: asyncio.Server | None = None
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _records: dict[str, dict[str, Any]] = field(default_factory=dict)

    @property
    def url(self) -> str:
        """`http://127.0.0.1:PORT`."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> SandboxServer:
        """Listen on 127.0.0.1 (the port asked for, else any free one)."""
        try:
            self._server = await asyncio.start_server(self._handle, "127.0.0.1", self.port)
        except OSError:
            self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        self.port = int(self._server.sockets[0].getsockname()[1])
        log.info("sandbox network on %s", self.url)
        return self

    async def stop(self) -> None:
        """Stop listening."""
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(Exception):
                await self._server.wait_closed()
            self._server = None

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await _read_request(reader)
                if request is None:
                    break
                status, body, content_type = self._route(*request)
                reason = "OK" if status < 400 else "Error"
                writer.write(
                    f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n".encode()
                    + body
                )
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            writer.close()

    def _route(
        self, method: str, target: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, bytes, str]:
        path = urlsplit(target).path
        query = {k: v[0] for k, v in parse_qs(urlsplit(target).query).items()}
        if path.startswith("/xrpc/"):
            return _json(*self._bluesky(path.removeprefix("/xrpc/"), query, headers, body))
        return _json(*self._mastodon(method, path, headers, body))

    def _mastodon(self, method: str, path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        if path in ("/api/v2/instance", "/api/v1/instance"):
            return 200, {
                "domain": "sandbox.local",
                "title": "Outpost sandbox",
                "configuration": {
                    "statuses": {
                        "max_characters": 500,
                        "max_media_attachments": 4,
                        "characters_reserved_per_url": 23,
                    }
                },
            }
        if headers.get("authorization") != f"Bearer {TOKEN}":
            return 401, {"error": "The access token is invalid"}
        if path == "/api/v1/accounts/verify_credentials":
            return 200, {
                "id": "1",
                "username": MASTODON_HANDLE,
                "acct": MASTODON_HANDLE,
                "display_name": "You (sandbox)",
            }
        if method == "POST" and path == "/api/v2/media":
            return 200, {"id": str(next(self._ids)), "url": f"{self.url}/media", "type": "image"}
        if method == "POST" and path == "/api/v1/statuses":
            data = json.loads(body or b"{}")
            status_id = str(next(self._ids))
            self.posts.append(
                Received(
                    "mastodon",
                    data.get("status", ""),
                    data.get("in_reply_to_id"),
                    len(data.get("media_ids", [])),
                )
            )
            return 200, {"id": status_id, "url": f"{self.url}/@you/{status_id}"}
        return 404, {"error": "Record not found"}

    def _bluesky(
        self, nsid: str, query: dict[str, str], headers: dict[str, str], body: bytes
    ) -> tuple[int, Any]:
        session = {
            "did": "did:plc:sandbox",
            "handle": BLUESKY_HANDLE,
            "accessJwt": "sandbox-access",
            "refreshJwt": "sandbox-refresh",
            "active": True,
        }
        if nsid == "com.atproto.server.createSession":
            data = json.loads(body or b"{}")
            if data.get("password") != APP_PASSWORD:
                return 401, {"error": "AuthenticationRequired", "message": "Invalid identifier or password"}
            return 200, session
        if nsid == "com.atproto.server.refreshSession":
            return 200, session
        if headers.get("authorization") != "Bearer sandbox-access":
            return 400, {"error": "InvalidToken", "message": "Token could not be verified"}
        if nsid == "com.atproto.server.getSession":
            return 200, {"did": session["did"], "handle": BLUESKY_HANDLE, "active": True}
        if nsid == "com.atproto.identity.resolveHandle":
            return 400, {"error": "InvalidRequest", "message": "Unable to resolve handle"}
        if nsid == "com.atproto.repo.uploadBlob":
            link = f"bafksandbox{next(self._ids)}"
            return 200, {
                "blob": {
                    "$type": "blob",
                    "ref": {"$link": link},
                    "mimeType": headers.get("content-type", ""),
                    "size": len(body),
                }
            }
        if nsid == "com.atproto.repo.createRecord":
            data = json.loads(body or b"{}")
            rkey, record = data["rkey"], data["record"]
            if rkey in self._records:
                return 500, {"error": "InternalServerError", "message": "Internal Server Error"}
            uri = f"at://did:plc:sandbox/app.bsky.feed.post/{rkey}"
            self._records[rkey] = {"uri": uri, "cid": f"bafysandbox{rkey}", "value": record}
            reply = (record.get("reply") or {}).get("parent", {}).get("uri")
            images = len((record.get("embed") or {}).get("images", []))
            self.posts.append(Received("bluesky", record.get("text", ""), reply, images))
            return 200, {"uri": uri, "cid": f"bafysandbox{rkey}"}
        if nsid == "com.atproto.repo.getRecord":
            found = self._records.get(query.get("rkey", ""))
            return (
                (200, found)
                if found
                else (400, {"error": "RecordNotFound", "message": "Could not locate record"})
            )
        return 400, {"error": "MethodNotImplemented", "message": f"{nsid} is not simulated"}


def _json(status: int, payload: Any) -> tuple[int, bytes, str]:
    return status, json.dumps(payload).encode(), "application/json"


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, str, dict[str, str], bytes] | None:
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
    return method, target, headers, body
