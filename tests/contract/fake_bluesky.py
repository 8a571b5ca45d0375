"""A strict fake PDS (served over loopback by tests/support/loopback.py), modelled on the atproto
lexicons and the reference PDS's behaviour (expired access tokens answer HTTP 400 ExpiredToken;
refresh rotates the refresh token; an existing record key is refused; a record may only embed
blobs the repo holds). Unknown routes fail the test loudly.

Service tokens (`com.atproto.server.getServiceAuth`) are signed by the fake PDS and checked the way
the reference PDS issues them (`packages/pds/src/api/com/atproto/server/getServiceAuth.ts`: an
`exp` in the past or more than an hour ahead is `BadExpiration`) and services verify them
(`@atproto/xrpc-server` auth: `BadJwtAudience`, `BadJwtLexiconMethod`, `JwtExpired`,
`BadJwtSignature`); tests/contract/fake_bluesky_video.py is such a service.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import regex

PDS = "https://pds.example"
HOUR_S = 3600
JWT_HEADER = "eyJhbGciOiJFUzI1NksifQ"  # {"alg":"ES256K"}
#: Methods a service token may never be asked for (the reference PDS's PROTECTED_METHODS, in part).
PROTECTED = {
    "com.atproto.server.createAccount",
    "com.atproto.server.deleteAccount",
    "com.atproto.server.getServiceAuth",
}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


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
    email_confirmed: bool = True  # getSession's `emailConfirmed`
    service_did: str = "did:web:pds.example"  # the PDS's own DID: what upload tokens are for
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))  # tests pass the FakeClock's
    service_tokens: list[dict[str, Any]] = field(default_factory=list)  # the claims of each token issued
    blob_store: dict[str, bytes] = field(default_factory=dict)  # every blob the repo holds, by CID
    #: Notifications of the account, oldest first (add with `notify`) — issue #21, mentions.
    notifications: list[dict[str, Any]] = field(default_factory=list)
    _key: bytes = b"fake-pds-signing-key"
    _n: itertools.count[int] = field(default_factory=lambda: itertools.count(2))

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle_request)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = urlsplit(str(request.url))
        if f"{url.scheme}://{url.netloc}" in APPVIEWS:  # the engine reads statistics (issue #21)
            return self.appview.handle_request(request)
        self.requests.append(request)
        assert f"{url.scheme}://{url.netloc}" == PDS, f"unexpected host {request.url}"
        nsid = url.path.removeprefix("/xrpc/")
        route = getattr(self, nsid.replace(".", "_"), None)
        assert route is not None, f"the fake PDS has no method {nsid} (unexpected request)"
        return route(request)

    @property
    def appview(self) -> FakeAppView:
        """The public AppView over this repo (made on first use)."""
        if "_appview" not in self.__dict__:
            self.__dict__["_appview"] = FakeAppView(self)
        view: FakeAppView = self.__dict__["_appview"]
        return view

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
                "email": "alice@example.test",
                "emailConfirmed": self.email_confirmed,
                "active": self.active,
                **({} if self.active else {"status": "takendown"}),
            },
        )

    def com_atproto_server_getServiceAuth(self, request: httpx.Request) -> httpx.Response:
        """A token for another service, signed by the account (here: by the fake PDS's key)."""
        if (denied := self._auth(request)) is not None:
            return denied
        params = request.url.params
        aud, lxm, exp = params.get("aud"), params.get("lxm"), params.get("exp")
        if not aud or not aud.startswith("did:"):
            return _invalid('Error: Params must have the property "aud"' if not aud else "aud must be a did")
        now = int(self.now().timestamp())
        if exp is not None:
            if not exp.isdigit():
                return _invalid("exp must be an integer")
            if int(exp) < now:
                return _invalid("expiration is in past", "BadExpiration")
            if int(exp) - now > HOUR_S:
                return _invalid(
                    "cannot request a token with an expiration more than an hour in the future",
                    "BadExpiration",
                )
            if not lxm and int(exp) - now > 60:
                return _invalid(
                    "cannot request a method-less token with an expiration more than a minute in the future",
                    "BadExpiration",
                )
        if lxm in PROTECTED:
            return _invalid(f"cannot request a service auth token for the following protected method: {lxm}")
        claims = {"iss": self.did, "aud": aud, "exp": int(exp) if exp else now + 60, "lxm": lxm}
        self.service_tokens.append(claims)
        body = _b64(json.dumps(claims).encode())
        signature = _b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest())
        return httpx.Response(200, json={"token": f"{JWT_HEADER}.{body}.{signature}"})

    def verify_service_token(
        self, token: str, *, aud: str, lxm: str
    ) -> tuple[dict[str, Any] | None, str, str]:
        """What a service checks of a token (xrpc-server `verifyJwt`): (claims, "", "") or (None, name, why)."""
        try:
            _, body, signature = token.split(".")
            expected = _b64(hmac.new(self._key, body.encode(), hashlib.sha256).digest())
            claims = json.loads(_unb64(body))
        except ValueError:
            return None, "BadJwt", "poorly formatted jwt"
        if not hmac.compare_digest(signature, expected):
            return None, "BadJwtSignature", "jwt signature does not match jwt issuer"
        if claims["exp"] <= int(self.now().timestamp()):
            return None, "JwtExpired", "jwt expired"
        if claims["aud"] != aud:
            return None, "BadJwtAudience", "jwt audience does not match service did"
        if claims["lxm"] != lxm:
            return None, "BadJwtLexiconMethod", f'bad jwt lexicon method ("lxm"). must match: {lxm}'
        return claims, "", ""

    def store_blob(self, data: bytes, mime: str) -> dict[str, Any]:
        """Keep `data` as a blob of the repo; its ref (as `uploadBlob` answers it)."""
        link = f"bafk{hashlib.sha256(data).hexdigest()[:24]}"
        self.blob_store[link] = data
        return {"$type": "blob", "ref": {"$link": link}, "mimeType": mime, "size": len(data)}

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
        return httpx.Response(200, json={"blob": self.store_blob(data, request.headers["content-type"])})

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
        if (refused := self._embed_refusal(record.get("embed"))) is not None:
            return refused
        if rkey in self.records:
            return httpx.Response(
                500, json={"error": "InternalServerError", "message": "Internal Server Error"}
            )
        uri = f"at://{self.did}/app.bsky.feed.post/{rkey}"
        self.records[rkey] = {"uri": uri, "cid": f"bafyrei{rkey}", "value": record}
        return httpx.Response(200, json={"uri": uri, "cid": f"bafyrei{rkey}"})

    def _embed_refusal(self, embed: dict[str, Any] | None) -> httpx.Response | None:
        """The lexicons' embed rules the PDS enforces, and blobs it must hold (`BlobNotFound`)."""
        if embed is None:
            return None
        kind = embed["$type"]
        if kind == "app.bsky.embed.video":
            blob = embed["video"]
            assert set(embed) <= {"$type", "video", "alt", "aspectRatio", "captions", "presentation"}, embed
            assert embed["aspectRatio"]["width"] >= 1 and embed["aspectRatio"]["height"] >= 1, embed
            if blob["mimeType"] != "video/mp4" or blob["size"] > 300_000_000:
                return _invalid(
                    f"Invalid app.bsky.feed.post record: Record/embed/video has invalid blob: {blob}"
                )
            blobs = [blob]
        elif kind == "app.bsky.embed.images":
            blobs = [image["image"] for image in embed["images"]]
        else:
            return None
        for blob in blobs:
            if blob["ref"]["$link"] not in self.blob_store:
                return _invalid(f"Could not find blob: {blob['ref']['$link']}", "BlobNotFound")
        return None

    def com_atproto_repo_getRecord(self, request: httpx.Request) -> httpx.Response:
        rkey = parse_qs(urlsplit(str(request.url)).query)["rkey"][0]
        if rkey not in self.records:
            return httpx.Response(400, json={"error": "RecordNotFound", "message": "Could not locate record"})
        return httpx.Response(200, json=self.records[rkey])

    # -- notifications (app.bsky.notification.listNotifications; the PDS passes it to the AppView) --

    def notify(self, reason: str, handle: str, text: str = "") -> dict[str, Any]:
        """Someone likes, follows, mentions, replies to or quotes alice: one notification."""
        n = len(self.notifications)
        rkey = f"3l{n:011d}"
        at = self.now().replace(microsecond=0).timestamp() + n / 1000  # indexed in order, ms apart
        item = {
            "uri": f"at://did:plc:{handle.split('.')[0]}/app.bsky.feed.post/{rkey}",
            "cid": f"bafyrei{rkey}",
            "author": {"did": f"did:plc:{handle.split('.')[0]}", "handle": handle},
            "reason": reason,
            "record": {"$type": "app.bsky.feed.post", "text": text, "createdAt": "2026-11-25T12:00:00.000Z"},
            "isRead": False,
            "indexedAt": datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
        }
        if reason in ("like", "repost", "follow"):
            item["record"] = {
                "$type": f"app.bsky.{'graph.follow' if reason == 'follow' else 'feed.' + reason}"
            }
        self.notifications.append(item)
        return item

    def app_bsky_notification_listNotifications(self, request: httpx.Request) -> httpx.Response:
        """Newest first, `limit` 1–100 (default 50), `cursor` from the previous page, `reasons` filter."""
        if (denied := self._auth(request)) is not None:
            return denied
        query = parse_qs(urlsplit(str(request.url)).query)
        for key in query:
            if key not in {"limit", "cursor", "reasons", "priority", "seenAt"}:
                return _invalid(f"Unknown parameter: {key}")
        limit = int(query.get("limit", ["50"])[0])
        if not 1 <= limit <= 100:
            return _invalid("limit must be between 1 and 100")
        reasons = set(query.get("reasons", []))
        items = [n for n in reversed(self.notifications) if not reasons or n["reason"] in reasons]
        start = int(query["cursor"][0]) if "cursor" in query else 0
        page = items[start : start + limit]
        body: dict[str, Any] = {"notifications": page, "seenAt": None}
        if start + limit < len(items):
            body["cursor"] = str(start + limit)
        return httpx.Response(200, json={k: v for k, v in body.items() if v is not None})


def _invalid(message: str, name: str = "InvalidRequest") -> httpx.Response:
    return httpx.Response(400, json={"error": name, "message": message})


# -- the public AppView (issue #21: statistics) -----------------------------------------------------

APPVIEW = "https://appview.example"
#: The AppView's real address too: an engine whose Bluesky adapter is not pointed elsewhere reads there.
APPVIEWS = (APPVIEW, "https://public.api.bsky.app")


def growth(age_s: float, boost: float = 1.0) -> tuple[int, int, int, int]:
    """How a post's (likes, reposts, replies, quotes) grow with age: 5·√hours likes, then a fifth,
    a tenth and a twentieth of that."""
    likes = int(5 * max(0.0, age_s / 3600) ** 0.5 * boost)
    return likes, likes // 5, likes // 10, likes // 20


@dataclass
class FakeAppView:
    """Bluesky's public AppView (public.api.bsky.app) over a FakePds's repo: no login, rate-limited.

    Modelled on the lexicons app.bsky.feed.getPosts (`uris` at most 25; posts that do not exist
    are left out), app.bsky.feed.getAuthorFeed (`filter`, `limit` 1–100, `cursor`; reposts carry
    `reason` `app.bsky.feed.defs#reasonRepost`) and app.bsky.actor.getProfile, and on the AppView's
    rate limit (per IP; 429 `RateLimitExceeded` with `RateLimit-Limit/-Remaining/-Reset/-Policy`).
    """

    pds: FakePds
    followers: int = 250
    rate_limit: int = 3000
    window_s: int = 300
    boosts: dict[str, float] = field(default_factory=dict)  # rkey → how much more than usual it draws
    reposts: list[tuple[str, datetime]] = field(default_factory=list)  # someone else's post URI, when
    requests: list[httpx.Request] = field(default_factory=list)
    _window: tuple[int, int] = (0, 0)  # (window start, requests in it)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        url = urlsplit(str(request.url))
        assert f"{url.scheme}://{url.netloc}" in APPVIEWS, f"unexpected host {request.url}"
        assert "authorization" not in request.headers, "the public AppView needs (and gets) no token"
        nsid = url.path.removeprefix("/xrpc/")
        route = {
            "app.bsky.feed.getPosts": self.get_posts,
            "app.bsky.feed.getAuthorFeed": self.get_author_feed,
            "app.bsky.actor.getProfile": self.get_profile,
        }.get(nsid)
        assert route is not None, f"the fake AppView has no method {nsid} (unexpected request)"
        now = int(self.pds.now().timestamp())
        start, used = self._window
        if now - start >= self.window_s:
            start, used = now, 0
        self._window = (start, used + 1)
        if used + 1 > self.rate_limit:
            return self._headers(_invalid("Rate Limit Exceeded", "RateLimitExceeded"), status=429)
        return self._headers(route(request))

    def _headers(self, response: httpx.Response, status: int | None = None) -> httpx.Response:
        start, used = self._window
        if status is not None:
            response = httpx.Response(status, json=json.loads(response.content))
        response.headers["RateLimit-Limit"] = str(self.rate_limit)
        response.headers["RateLimit-Remaining"] = str(max(0, self.rate_limit - used))
        response.headers["RateLimit-Reset"] = str(start + self.window_s)
        response.headers["RateLimit-Policy"] = f"{self.rate_limit};w={self.window_s}"
        return response

    def post_elsewhere(
        self, text: str, at: datetime, *, reply_to: str | None = None, boost: float = 1.0
    ) -> str:
        """A post the person made in another app (not through Outpost); its URI."""
        rkey = f"3elsewhere{len(self.pds.records):03d}"
        record: dict[str, Any] = {"$type": "app.bsky.feed.post", "text": text, "createdAt": _iso(at)}
        if reply_to is not None:
            record["reply"] = {"root": {"uri": reply_to}, "parent": {"uri": reply_to}}
        uri = f"at://{self.pds.did}/app.bsky.feed.post/{rkey}"
        self.pds.records[rkey] = {"uri": uri, "cid": f"bafyrei{rkey}", "value": record}
        self.boosts[rkey] = boost
        return uri

    def _view(self, rkey: str) -> dict[str, Any]:
        stored = self.pds.records[rkey]
        created = datetime.fromisoformat(stored["value"]["createdAt"].replace("Z", "+00:00"))
        likes, reposts, replies, quotes = growth(
            (self.pds.now() - created).total_seconds(), self.boosts.get(rkey, 1.0)
        )
        return {
            "uri": stored["uri"],
            "cid": stored["cid"],
            "author": {"did": self.pds.did, "handle": self.pds.handle},
            "record": stored["value"],
            "likeCount": likes,
            "repostCount": reposts,
            "replyCount": replies,
            "quoteCount": quotes,
            "indexedAt": stored["value"]["createdAt"],
        }

    def get_posts(self, request: httpx.Request) -> httpx.Response:
        uris = request.url.params.get_list("uris")
        if len(uris) > 25:
            return _invalid("Error: uris must not have more than 25 elements")
        views = [self._view(u.rsplit("/", 1)[1]) for u in uris if u.rsplit("/", 1)[1] in self.pds.records]
        return httpx.Response(200, json={"posts": views})

    def get_profile(self, request: httpx.Request) -> httpx.Response:
        actor = request.url.params.get("actor")
        if actor not in (self.pds.did, self.pds.handle):
            return _invalid("Profile not found")
        return httpx.Response(
            200, json={"did": self.pds.did, "handle": self.pds.handle, "followersCount": self.followers}
        )

    def get_author_feed(self, request: httpx.Request) -> httpx.Response:
        params = request.url.params
        if params.get("actor") not in (self.pds.did, self.pds.handle):
            return _invalid("Profile not found")
        limit = int(params.get("limit", "50"))
        if not 1 <= limit <= 100:
            return _invalid("Error: limit must be between 1 and 100")
        entries: list[tuple[datetime, dict[str, Any]]] = []
        for rkey, stored in self.pds.records.items():
            record = stored["value"]
            if params.get("filter") == "posts_no_replies" and "reply" in record:
                continue
            created = datetime.fromisoformat(record["createdAt"].replace("Z", "+00:00"))
            entries.append((created, {"post": self._view(rkey)}))
        for uri, at in self.reposts:
            other = {
                "uri": uri,
                "cid": "bafyreiother",
                "author": {"did": "did:plc:bob", "handle": "bob.example"},
                "record": {"$type": "app.bsky.feed.post", "text": "bob's post", "createdAt": _iso(at)},
                "likeCount": 3,
                "repostCount": 1,
                "replyCount": 0,
                "quoteCount": 0,
                "indexedAt": _iso(at),
            }
            reason = {
                "$type": "app.bsky.feed.defs#reasonRepost",
                "by": {"did": self.pds.did},
                "indexedAt": _iso(at),
            }
            entries.append((at, {"post": other, "reason": reason}))
        entries.sort(key=lambda e: e[0], reverse=True)
        offset = int(params.get("cursor", "0"))
        page = entries[offset : offset + limit]
        body: dict[str, Any] = {"feed": [e for _, e in page]}
        if offset + limit < len(entries):
            body["cursor"] = str(offset + limit)
        return httpx.Response(200, json=body)


def _iso(at: datetime) -> str:
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
