"""A strict fake PDS (served over loopback by tests/support/loopback.py), modelled on the atproto
lexicons and the reference PDS's behaviour (expired access tokens answer HTTP 400 ExpiredToken;
refresh rotates the refresh token; an existing record key is refused). Unknown routes fail the test loudly."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import regex

PDS = "https://pds.example"


@dataclass
class FakePds:
    handle: str = "alice.example"
    did: str = "did:plc:alice"
    app_password: str = "abcd-efgh-ijkl-mnop"
    known_handles: dict[str, str] = field(default_factory=lambda: {"bob.example": "did:plc:bob"})
    access: str = "access-1"
    refresh: str = "refresh-1"
    expired_access: set[str] = field(default_factory=set)
    revoked_refresh: set[str] = field(default_factory=set)
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    blobs: list[bytes] = field(default_factory=list)
    refreshes: int = 0
    logins: int = 0
    requests: list[httpx.Request] = field(default_factory=list)
    fail_next_create: list[httpx.Response] = field(default_factory=list)
    active: bool = True
    display_name: str = "Alice"  # the profile's displayName
    avatar: str | None = None  # the profile picture's address, if the profile has one
    fail_profile: bool = False  # getProfile answers 502, as when the PDS cannot reach the AppView
    _n: itertools.count[int] = field(default_factory=lambda: itertools.count(2))

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle_request)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        url = urlsplit(str(request.url))
        assert f"{url.scheme}://{url.netloc}" == PDS, f"unexpected host {request.url}"
        nsid = url.path.removeprefix("/xrpc/")
        route = getattr(self, nsid.replace(".", "_"), None)
        assert route is not None, f"the fake PDS has no method {nsid} (unexpected request)"
        return route(request)

    def _auth(self, request: httpx.Request) -> httpx.Response | None:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token in self.expired_access:
            return httpx.Response(400, json={"error": "ExpiredToken", "message": "Token has expired"})
        if token != self.access:
            return httpx.Response(
                400, json={"error": "InvalidToken", "message": "Token could not be verified"}
            )
        return None

    def _session(self) -> dict[str, Any]:
        return {
            "did": self.did,
            "handle": self.handle,
            "accessJwt": self.access,
            "refreshJwt": self.refresh,
            "active": self.active,
        }

    def com_atproto_server_createSession(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        if body["identifier"] not in (self.handle, self.did) or body["password"] != self.app_password:
            return httpx.Response(
                401, json={"error": "AuthenticationRequired", "message": "Invalid identifier or password"}
            )
        self.logins += 1
        self.access, self.refresh = f"access-{next(self._n)}", f"refresh-{next(self._n)}"
        return httpx.Response(200, json=self._session())

    def com_atproto_server_refreshSession(self, request: httpx.Request) -> httpx.Response:
        token = request.headers.get("authorization", "").removeprefix("Bearer ")
        if token != self.refresh or token in self.revoked_refresh:
            return httpx.Response(400, json={"error": "ExpiredToken", "message": "Token has expired"})
        self.refreshes += 1
        self.access, self.refresh = f"access-{next(self._n)}", f"refresh-{next(self._n)}"
        return httpx.Response(200, json=self._session())

    def com_atproto_server_getSession(self, request: httpx.Request) -> httpx.Response:
        return self._auth(request) or httpx.Response(
            200,
            json={
                "did": self.did,
                "handle": self.handle,
                "active": self.active,
                **({} if self.active else {"status": "takendown"}),
            },
        )

    def app_bsky_actor_getProfile(self, request: httpx.Request) -> httpx.Response:
        """The AppView's profile (the PDS passes the call on); `avatar` only if one is set."""
        if self.fail_profile:
            return httpx.Response(502, json={"error": "UpstreamFailure", "message": "appview unreachable"})
        actor = parse_qs(urlsplit(str(request.url)).query).get("actor", [""])[0]
        if actor not in (self.did, self.handle):
            return httpx.Response(400, json={"error": "InvalidRequest", "message": "Profile not found"})
        profile = {"did": self.did, "handle": self.handle, "displayName": self.display_name}
        return self._auth(request) or httpx.Response(
            200, json=profile | ({"avatar": self.avatar} if self.avatar else {})
        )

    def com_atproto_identity_resolveHandle(self, request: httpx.Request) -> httpx.Response:
        handle = parse_qs(urlsplit(str(request.url)).query)["handle"][0]
        if handle not in self.known_handles:
            return httpx.Response(
                400, json={"error": "InvalidRequest", "message": "Unable to resolve handle"}
            )
        return httpx.Response(200, json={"did": self.known_handles[handle]})

    def com_atproto_repo_uploadBlob(self, request: httpx.Request) -> httpx.Response:
        if (denied := self._auth(request)) is not None:
            return denied
        data = request.read()
        if len(data) > 1_000_000:
            return httpx.Response(400, json={"error": "BlobTooLarge", "message": "This file is too large"})
        self.blobs.append(data)
        return httpx.Response(
            200,
            json={
                "blob": {
                    "$type": "blob",
                    "ref": {"$link": f"bafk{len(self.blobs)}"},
                    "mimeType": request.headers["content-type"],
                    "size": len(data),
                }
            },
        )

    def com_atproto_repo_createRecord(self, request: httpx.Request) -> httpx.Response:
        if (denied := self._auth(request)) is not None:
            return denied
        if self.fail_next_create:
            return self.fail_next_create.pop(0)
        body = json.loads(request.content)
        record, rkey = body["record"], body["rkey"]
        assert body["repo"] == self.did and body["collection"] == "app.bsky.feed.post"
        assert len(rkey) == 13 and all(c in "234567abcdefghijklmnopqrstuvwxyz" for c in rkey), rkey
        text = record["text"]
        if len(regex.findall(r"\X", text)) > 300 or len(text.encode()) > 3000:
            return httpx.Response(
                400,
                json={
                    "error": "InvalidRequest",
                    "message": "Invalid app.bsky.feed.post record: Record/text must not be longer than 300 graphemes",
                },
            )
        for facet in record.get("facets", []):
            start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
            assert 0 <= start < end <= len(text.encode()), facet
        if rkey in self.records:
            return httpx.Response(
                500, json={"error": "InternalServerError", "message": "Internal Server Error"}
            )
        uri = f"at://{self.did}/app.bsky.feed.post/{rkey}"
        self.records[rkey] = {"uri": uri, "cid": f"bafyrei{rkey}", "value": record}
        return httpx.Response(200, json={"uri": uri, "cid": f"bafyrei{rkey}"})

    def com_atproto_repo_getRecord(self, request: httpx.Request) -> httpx.Response:
        rkey = parse_qs(urlsplit(str(request.url)).query)["rkey"][0]
        if rkey not in self.records:
            return httpx.Response(400, json={"error": "RecordNotFound", "message": "Could not locate record"})
        return httpx.Response(200, json=self.records[rkey])
