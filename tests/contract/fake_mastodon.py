"""A strict fake Mastodon server: what the real API accepts, it accepts; what it refuses, it refuses
with the real status and body; anything else fails the test loudly. Tests serve it over loopback
(tests/support/loopback.py).

Modelled on the Mastodon docs (methods/statuses.md, media.md, instance.md, oauth.md) and the
behaviour recorded in ../shared/platforms/x-bluesky-mastodon-threads.md §3.
"""

from __future__ import annotations

import base64
import hashlib
import html
import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import regex

BASE = "https://masto.example"
_URL = re.compile(r"https?://\S+")
_REMOTE_MENTION = re.compile(r"(@\w+)@[\w.-]+\w")


def mastodon_length(text: str) -> int:
    """The server's own count (independent of Outpost's): graphemes, URLs 23, mention domains dropped."""
    text = _URL.sub("x" * 23, text)
    text = _REMOTE_MENTION.sub(r"\1", text)
    return len(regex.findall(r"\X", text))


@dataclass
class Status:
    id: str
    text: str
    visibility: str
    in_reply_to_id: str | None
    media_ids: list[str]
    spoiler_text: str
    sensitive: bool
    language: str | None
    idempotency_key: str | None
    # Statistics (issue #21): when it was made, how much more than usual it draws, a boost of
    # someone else's status (listed on the account but not the account's own post).
    created_at: datetime | None = None
    boost: float = 1.0
    reblog_of: str | None = None


@dataclass
class FakeMastodon:
    """The server's state and the faults to inject next."""

    max_characters: int = 500
    max_media: int = 4
    tokens: dict[str, str] = field(default_factory=lambda: {"token-alice": "alice"})
    statuses: list[Status] = field(default_factory=list)
    media: dict[str, dict[str, Any]] = field(default_factory=dict)
    processing_polls: int = 0  # how many GET /media/:id answer 206 before the file is ready
    claims_ready_too_early: bool = False  # upload says 200 while thumbnails are still processing
    faults: dict[str, list[Callable[[], httpx.Response]]] = field(default_factory=dict)
    store_then_fail: list[int] = field(default_factory=list)  # status codes sent *after* storing
    requests: list[httpx.Request] = field(default_factory=list)
    oauth: dict[str, Any] = field(default_factory=dict)
    pkce_supported: bool = True
    avatar_png: bytes = field(default_factory=lambda: _avatar_png())
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(100))
    _keys: dict[str, Status] = field(default_factory=dict)
    #: The server's time (tests share the engine's clock with it), for scheduled statuses.
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    #: ScheduledStatus id → (when, the create body, its idempotency key); published when due.
    scheduled: dict[str, tuple[datetime, dict[str, Any], str | None]] = field(default_factory=dict)
    _scheduled_keys: dict[str, str] = field(default_factory=dict)
    # -- notifications (issue #21: mentions) --
    #: Scopes granted per token; a token not listed has every scope.
    token_scopes: dict[str, set[str]] = field(default_factory=dict)
    #: Notification JSON objects, oldest first (add with `mention`).
    notifications: list[dict[str, Any]] = field(default_factory=list)
    # Statistics (issue #21): the account's followers, and Mastodon's per-account rate limit on the
    # read routes (300 requests per 5 minutes, the default of config/initializers/rack_attack.rb),
    # answered with the X-RateLimit-* headers and a 429 when spent.
    followers: int = 120
    rate_limit: int = 300
    rate_window: timedelta = timedelta(minutes=5)
    _rate: dict[str, tuple[datetime, int]] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)

    def fail(self, route: str, *responses: Callable[[], httpx.Response]) -> None:
        self.faults.setdefault(route, []).extend(responses)

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    # -- dispatch ------------------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        url = urlsplit(str(request.url))
        assert f"{url.scheme}://{url.netloc}" == BASE, f"unexpected host {request.url}"
        path = re.sub(r"/\d+(?=/|$)", "/:id", url.path)
        route = f"{request.method} {path}"
        self._publish_due_scheduled()
        if self.faults.get(route):
            return self.faults[route].pop(0)()
        handlers = {
            "GET /api/v2/instance": self.instance,
            "GET /.well-known/oauth-authorization-server": self.discovery,
            "POST /api/v1/apps": self.register_app,
            "POST /oauth/token": self.token,
            "POST /oauth/revoke": self.revoke,
            "GET /api/v1/accounts/verify_credentials": self.verify_credentials,
            "POST /api/v2/media": self.upload,
            "GET /api/v1/media/:id": self.media_status,
            "POST /api/v1/statuses": self.create_status,
            "GET /api/v1/scheduled_statuses/:id": self.scheduled_status,
            "PUT /api/v1/scheduled_statuses/:id": self.scheduled_status,
            "DELETE /api/v1/scheduled_statuses/:id": self.scheduled_status,
            "GET /api/v1/accounts/:id/statuses": self.account_statuses,
            "GET /api/v1/statuses": self.statuses_by_ids,
            "GET /api/v1/statuses/:id": self.one_status,
            "GET /system/accounts/avatars/:id": self.avatar,
            "GET /api/v1/notifications": self.list_notifications,
        }
        handler = handlers.get(route)
        assert handler is not None, f"the fake Mastodon has no route {route} (unexpected request)"
        return handler(request)

    def _user(self, request: httpx.Request) -> str | httpx.Response:
        auth = request.headers.get("authorization", "")
        token = auth.removeprefix("Bearer ")
        if not auth.startswith("Bearer ") or token not in self.tokens:
            return httpx.Response(401, json={"error": "The access token is invalid"})
        return self.tokens[token]

    # -- routes --------------------------------------------------------------------------------

    def instance(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            json={
                "domain": "masto.example",
                "version": "4.3.0",
                "configuration": {
                    "statuses": {
                        "max_characters": self.max_characters,
                        "max_media_attachments": self.max_media,
                        "characters_reserved_per_url": 23,
                    },
                    "media_attachments": {
                        "description_limit": 1500,
                        "image_size_limit": 16777216,
                        "video_size_limit": 103809024,
                        "supported_mime_types": ["image/jpeg", "image/png", "image/gif", "video/mp4"],
                    },
                },
            },
        )

    def discovery(self, request: httpx.Request) -> httpx.Response:
        if not self.pkce_supported:
            return httpx.Response(404, text="Not found")
        return httpx.Response(
            200,
            json={
                "code_challenge_methods_supported": ["S256"],
                "scopes_supported": ["profile", "write:statuses", "write:media", "read:notifications"],
            },
        )

    def register_app(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        assert body["redirect_uris"].startswith("http://127.0.0.1:"), body
        self.oauth["app"] = {
            "client_id": "cid",
            "client_secret": "csecret",
            "redirect_uri": body["redirect_uris"],
            "scopes": body["scopes"],
        }
        return httpx.Response(200, json={"id": "1", "name": body["client_name"], **self.oauth["app"]})

    def authorize(self, url: str) -> tuple[str, dict[str, str]]:
        """What the server does when the person approves: remember the PKCE challenge, issue a code."""
        query = {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}
        assert query["client_id"] == "cid" and query["redirect_uri"] == self.oauth["app"]["redirect_uri"]
        self.oauth["challenge"] = query.get("code_challenge")
        self.oauth["code"] = "the-code"
        return query["redirect_uri"], {"code": "the-code", "state": query["state"]}

    def token(self, request: httpx.Request) -> httpx.Response:
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        if form.get("code") != self.oauth.get("code") or form.get("client_secret") != "csecret":
            return httpx.Response(400, json={"error": "invalid_grant"})
        challenge = self.oauth.get("challenge")
        if challenge is not None:
            digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
            if base64.urlsafe_b64encode(digest).rstrip(b"=").decode() != challenge:
                return httpx.Response(
                    400, json={"error": "invalid_grant", "error_description": "PKCE verification failed"}
                )
        self.tokens["token-oauth"] = "alice"
        return httpx.Response(
            200, json={"access_token": "token-oauth", "token_type": "Bearer", "scope": "x", "created_at": 0}
        )

    def revoke(self, request: httpx.Request) -> httpx.Response:
        # methods/oauth.md: 200 {} (also for an unknown token); 403 unauthorized_client when the
        # client credentials are wrong.
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        if form.get("client_id") != "cid" or form.get("client_secret") != "csecret":
            return httpx.Response(
                403,
                json={
                    "error": "unauthorized_client",
                    "error_description": "You are not authorized to revoke this token",
                },
            )
        self.tokens.pop(form.get("token", ""), None)
        return httpx.Response(200, json={})

    def verify_credentials(self, request: httpx.Request) -> httpx.Response:
        user = self._user(request)
        if isinstance(user, httpx.Response):
            return user
        return httpx.Response(
            200,
            json={
                "id": "1",
                "username": user,
                "acct": user,
                "display_name": "Alice A.",
                "avatar": f"{BASE}/system/accounts/avatars/1",
                "followers_count": self.followers,
            },
            headers={
                "X-RateLimit-Limit": "300",
                "X-RateLimit-Remaining": "299",
                "X-RateLimit-Reset": "2026-11-25T12:05:00.000000Z",
            },
        )

    def avatar(self, request: httpx.Request) -> httpx.Response:
        """The account's picture, from the instance's media files (no token needed)."""
        return httpx.Response(200, content=self.avatar_png, headers={"content-type": "image/png"})

    def upload(self, request: httpx.Request) -> httpx.Response:
        user = self._user(request)
        if isinstance(user, httpx.Response):
            return user
        content_type = request.headers["content-type"]
        message = BytesParser(policy=HTTP).parsebytes(
            f"Content-Type: {content_type}\r\n\r\n".encode() + request.read()
        )
        parts = {p.get_param("name", header="content-disposition"): p for p in message.iter_parts()}
        if "file" not in parts:
            return httpx.Response(422, json={"error": "Validation failed: File can't be blank"})
        file_type = parts["file"].get_content_type()
        if file_type not in ("image/jpeg", "image/png", "image/gif", "video/mp4"):
            return httpx.Response(
                422, json={"error": "Validation failed: File content type is invalid, File is invalid"}
            )
        media_id = str(next(self._ids))
        description = parts["description"].get_content() if "description" in parts else ""
        ready = self.processing_polls == 0
        self.media[media_id] = {
            "id": media_id,
            "description": description,
            "ready": ready and not self.claims_ready_too_early,
            "bytes": parts["file"].get_payload(decode=True),
        }
        body = {
            "id": media_id,
            "type": "image",
            "url": f"{BASE}/m/{media_id}" if ready else None,
            "description": description,
        }
        return httpx.Response(200 if ready else 202, json=body)

    def media_status(self, request: httpx.Request) -> httpx.Response:
        media_id = request.url.path.rsplit("/", 1)[1]
        item = self.media[media_id]
        if not item["ready"]:
            self.processing_polls -= 1
            if self.processing_polls > 0:
                return httpx.Response(206, json={"id": media_id, "url": None})
            item["ready"] = True
        return httpx.Response(200, json={"id": media_id, "url": f"{BASE}/m/{media_id}"})

    def create_status(self, request: httpx.Request) -> httpx.Response:
        user = self._user(request)
        if isinstance(user, httpx.Response):
            return user
        key = request.headers.get("idempotency-key")
        if key and key in self._keys:
            return self._status_response(self._keys[key])
        body = json.loads(request.content)
        text, spoiler = body.get("status", ""), body.get("spoiler_text", "")
        if mastodon_length(spoiler) + mastodon_length(text) > self.max_characters:
            return httpx.Response(
                422,
                json={"error": f"Validation failed: Text character limit of {self.max_characters} exceeded"},
            )
        media_ids = body.get("media_ids", [])
        if len(media_ids) > self.max_media:
            return httpx.Response(422, json={"error": "Validation failed: Too many attachments"})
        for media_id in media_ids:
            if media_id not in self.media:
                return httpx.Response(422, json={"error": "Validation failed: Media is invalid"})
            if not self.media[media_id]["ready"]:
                self.media[media_id]["ready"] = True  # ready by the next try
                return httpx.Response(
                    422,
                    json={
                        "error": "Cannot attach files that have not finished processing. Try again in a moment!"
                    },
                )
        if body.get("scheduled_at") is not None:
            return self._schedule(body, key)
        reply = body.get("in_reply_to_id")
        if reply is not None and reply not in {s.id for s in self.statuses}:
            return httpx.Response(404, json={"error": "Record not found"})
        visibility = body.get("visibility", "public")
        if visibility not in ("public", "unlisted", "private", "direct"):
            return httpx.Response(
                422, json={"error": "Validation failed: Visibility is not included in the list"}
            )
        status = Status(
            str(next(self._ids)),
            text,
            visibility,
            reply,
            media_ids,
            spoiler,
            bool(body.get("sensitive")),
            body.get("language"),
            key,
            created_at=self.now(),
        )
        self.statuses.append(status)
        if key:
            self._keys[key] = status
        if self.store_then_fail:
            return httpx.Response(self.store_then_fail.pop(0), json={"error": "Bad gateway"})
        return self._status_response(status)

    # -- scheduled statuses (docs.joinmastodon.org/methods/scheduled_statuses) -----------------------

    def _schedule(self, body: dict[str, Any], key: str | None) -> httpx.Response:
        """A ScheduledStatus: `scheduled_at` at least 5 minutes ahead (ScheduledStatus::MINIMUM_OFFSET)."""
        if key and key in self._scheduled_keys and self._scheduled_keys[key] in self.scheduled:
            return self._scheduled_response(self._scheduled_keys[key])
        at = _parse_time(str(body["scheduled_at"]))
        if at is None or at < self.now() + timedelta(minutes=5):
            return httpx.Response(
                422,
                json={"error": "Validation failed: Scheduled at The scheduled date must be in the future"},
            )
        scheduled_id = str(next(self._ids))
        self.scheduled[scheduled_id] = (at, {k: v for k, v in body.items() if k != "scheduled_at"}, key)
        if key:
            self._scheduled_keys[key] = scheduled_id
        return self._scheduled_response(scheduled_id)

    def _scheduled_response(self, scheduled_id: str) -> httpx.Response:
        at, body, _ = self.scheduled[scheduled_id]
        return httpx.Response(
            200,
            json={
                "id": scheduled_id,
                "scheduled_at": at.isoformat().replace("+00:00", "Z"),
                "params": {"text": body.get("status", ""), "visibility": body.get("visibility")},
                "media_attachments": [{"id": m} for m in body.get("media_ids", [])],
            },
        )

    def scheduled_status(self, request: httpx.Request) -> httpx.Response:
        user = self._user(request)
        if isinstance(user, httpx.Response):
            return user
        scheduled_id = urlsplit(str(request.url)).path.rsplit("/", 1)[1]
        if scheduled_id not in self.scheduled:
            return httpx.Response(404, json={"error": "Record not found"})
        if request.method == "DELETE":
            del self.scheduled[scheduled_id]
            return httpx.Response(200, json={})
        if request.method == "PUT":
            body = json.loads(request.content or b"{}")
            at = _parse_time(str(body.get("scheduled_at", "")))
            if at is None or at < self.now() + timedelta(minutes=5):
                return httpx.Response(
                    422,
                    json={
                        "error": "Validation failed: Scheduled at The scheduled date must be in the future"
                    },
                )
            _, kept, key = self.scheduled[scheduled_id]
            self.scheduled[scheduled_id] = (at, kept, key)
        return self._scheduled_response(scheduled_id)

    def _publish_due_scheduled(self) -> None:
        """Mastodon's scheduler: a ScheduledStatus whose time has come becomes a status (and is gone)."""
        for scheduled_id, (at, body, _) in sorted(self.scheduled.items(), key=lambda item: item[1][0]):
            if at <= self.now():
                del self.scheduled[scheduled_id]
                self.statuses.append(
                    Status(
                        str(next(self._ids)),
                        body.get("status", ""),
                        body.get("visibility", "public"),
                        body.get("in_reply_to_id"),
                        body.get("media_ids", []),
                        body.get("spoiler_text", ""),
                        bool(body.get("sensitive")),
                        body.get("language"),
                        None,
                        created_at=at,
                    )
                )

    def account_statuses(self, request: httpx.Request) -> httpx.Response:
        """The account's statuses, newest first, with their HTML `content` (as Mastodon shows them).

        methods/accounts.md: `limit` (default 20, at most 40), `max_id` (older than), and
        `exclude_reblogs` / `exclude_replies`.
        """
        user = self._user(request)
        if isinstance(user, httpx.Response):
            return user
        if (limited := self._rate_limited(request)) is not None:
            return limited
        query = parse_qs(urlsplit(str(request.url)).query)
        limit = int(query.get("limit", ["20"])[0])
        listed = [s for s in self.statuses if s.id not in self.deleted]
        if query.get("exclude_reblogs", ["false"])[0] == "true":
            listed = [s for s in listed if s.reblog_of is None]
        if query.get("exclude_replies", ["false"])[0] == "true":
            listed = [s for s in listed if s.in_reply_to_id is None]
        # Real ids are snowflakes made from `created_at`, so id order is time order; here the
        # time decides (a status "made elsewhere" may be given any past time), the id breaks ties.
        ordered = sorted(listed, key=lambda s: (s.created_at or self.now(), int(s.id)), reverse=True)
        if "max_id" in query:
            keys = [s.id for s in ordered]
            if query["max_id"][0] in keys:
                ordered = ordered[keys.index(query["max_id"][0]) + 1 :]
        newest = ordered[: min(limit, 40)]
        return self._with_rate(request, httpx.Response(200, json=[self._status_json(s) for s in newest]))

    # -- statistics (issue #21) -------------------------------------------------------------------

    def counts(self, status: Status) -> tuple[int, int, int]:
        """(favourites, reblogs, replies) now: they grow with the status's age, times its `boost`."""
        if status.created_at is None:
            return 0, 0, 0
        return growth(self.now() - status.created_at, status.boost)

    def post_elsewhere(
        self,
        text: str,
        at: datetime,
        *,
        reply_to: str | None = None,
        reblog_of: str | None = None,
        boost: float = 1.0,
    ) -> Status:
        """A status the person made in another app (not through Outpost)."""
        status = Status(
            str(next(self._ids)),
            text,
            "public",
            reply_to,
            [],
            "",
            False,
            None,
            None,
            created_at=at,
            boost=boost,
            reblog_of=reblog_of,
        )
        self.statuses.append(status)
        return status

    def statuses_by_ids(self, request: httpx.Request) -> httpx.Response:
        """`GET /api/v1/statuses?id[]=…` (4.3+): at most 20 ids; unknown or deleted ones are left out."""
        user = self._user(request)
        if isinstance(user, httpx.Response):
            return user
        if (limited := self._rate_limited(request)) is not None:
            return limited
        ids = request.url.params.get_list("id[]")
        if not ids:
            return httpx.Response(422, json={"error": "Validation failed: id is missing"})
        if len(ids) > 20:
            return httpx.Response(422, json={"error": "Validation failed: too many ids (at most 20)"})
        by_id = {s.id: s for s in self.statuses if s.id not in self.deleted}
        found = [self._status_json(by_id[i]) for i in ids if i in by_id]
        return self._with_rate(request, httpx.Response(200, json=found))

    def one_status(self, request: httpx.Request) -> httpx.Response:
        """A public status: anyone may read it; a token that is sent must be valid."""
        if request.headers.get("authorization") and isinstance(user := self._user(request), httpx.Response):
            return user
        if (limited := self._rate_limited(request)) is not None:
            return limited
        status_id = urlsplit(str(request.url)).path.rsplit("/", 1)[1]
        found = next((s for s in self.statuses if s.id == status_id and s.id not in self.deleted), None)
        if found is None:
            return httpx.Response(404, json={"error": "Record not found"})
        return self._with_rate(request, self._status_response(found))

    def _rate_key(self, request: httpx.Request) -> str:
        return request.headers.get("authorization", "anonymous")

    def _rate_limited(self, request: httpx.Request) -> httpx.Response | None:
        """Count the request in its 5-minute window; a 429 with the reset time once spent."""
        key, now = self._rate_key(request), self.now()
        start, used = self._rate.get(key, (now, 0))
        if now - start >= self.rate_window:
            start, used = now, 0
        used += 1
        self._rate[key] = (start, used)
        if used > self.rate_limit:
            return self._with_rate(request, httpx.Response(429, json={"error": "Too many requests"}))
        return None

    def _with_rate(self, request: httpx.Request, response: httpx.Response) -> httpx.Response:
        start, used = self._rate.get(self._rate_key(request), (self.now(), 0))
        reset = start + self.rate_window
        response.headers["X-RateLimit-Limit"] = str(self.rate_limit)
        response.headers["X-RateLimit-Remaining"] = str(max(0, self.rate_limit - used))
        response.headers["X-RateLimit-Reset"] = reset.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        return response

    # -- one status (docs.joinmastodon.org/methods/statuses/#get): the first comment reads its parent --

    def _status_response(self, status: Status) -> httpx.Response:
        return httpx.Response(200, json=self._status_json(status))

    def _status_json(self, status: Status) -> dict[str, Any]:
        favourites, reblogs, replies = self.counts(status)
        paragraphs = "".join(
            f"<p>{html.escape(p).replace(chr(10), '<br />')}</p>" for p in status.text.split("\n\n")
        )
        return {
            "id": status.id,
            "url": f"{BASE}/@alice/{status.id}",
            "uri": f"{BASE}/users/alice/statuses/{status.id}",
            "content": paragraphs,
            "visibility": status.visibility,
            "created_at": (status.created_at or self.now()).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "in_reply_to_id": status.in_reply_to_id,
            "reblog": None if status.reblog_of is None else {"id": status.reblog_of, "content": ""},
            "favourites_count": favourites,
            "reblogs_count": reblogs,
            "replies_count": replies,
        }

    # -- notifications (docs.joinmastodon.org/methods/notifications, entities/Notification) ----------

    def mention(self, acct: str, text: str, *, kind: str = "mention") -> dict[str, Any]:
        """Someone writes to alice: a notification (a status mentioning her, or another `kind`)."""
        status_id = str(next(self._ids))
        item = {
            "id": str(next(self._ids)),
            "type": kind,
            "created_at": self.now().isoformat().replace("+00:00", "Z"),
            "account": {"id": "7", "username": acct.split("@")[0], "acct": acct},
            "status": {
                "id": status_id,
                "url": f"https://{acct.split('@')[-1]}/@{acct.split('@')[0]}/{status_id}",
                "uri": f"https://{acct.split('@')[-1]}/users/x/statuses/{status_id}",
                "content": f'<p><span class="h-card"><a href="{BASE}/@alice">@<span>alice</span></a></span> '
                f"{html.escape(text)}</p>",
            },
        }
        self.notifications.append(item)
        return item

    def list_notifications(self, request: httpx.Request) -> httpx.Response:
        """`GET /api/v1/notifications`: newest first; max_id/since_id/min_id/limit/types[] as documented."""
        user = self._user(request)
        if isinstance(user, httpx.Response):
            return user
        token = request.headers["authorization"].removeprefix("Bearer ")
        scopes = self.token_scopes.get(token)
        if scopes is not None and not scopes & {"read", "read:notifications"}:
            return httpx.Response(403, json={"error": "This action is outside the authorized scopes"})
        query = parse_qs(urlsplit(str(request.url)).query)
        for key in query:
            assert key in {
                "max_id",
                "since_id",
                "min_id",
                "limit",
                "types[]",
                "exclude_types[]",
                "account_id",
            }, key
        limit = int(query.get("limit", ["40"])[0])
        limit = max(1, min(limit, 80))  # the server clamps (default 40, max 80)
        types = set(query.get("types[]", []))
        items = [n for n in self.notifications if not types or n["type"] in types]

        def num(value: str) -> int:
            return int(value)

        if "max_id" in query:
            items = [n for n in items if num(n["id"]) < num(query["max_id"][0])]
        if "since_id" in query:
            items = [n for n in items if num(n["id"]) > num(query["since_id"][0])]
        if "min_id" in query:  # the page immediately newer than min_id (still newest first)
            items = [n for n in items if num(n["id"]) > num(query["min_id"][0])][:limit]
        newest_first = sorted(items, key=lambda n: num(n["id"]), reverse=True)[:limit]
        return httpx.Response(200, json=newest_first)


def growth(age: timedelta, boost: float = 1.0) -> tuple[int, int, int]:
    """How a status's (favourites, reblogs, replies) grow with age: 4·√hours favourites, a quarter
    as many reblogs, an eighth as many replies (1 h: 4/1/0, 24 h: 19/4/2, 30 d: 107/26/13)."""
    hours = max(0.0, age.total_seconds() / 3600)
    favourites = int(4 * hours**0.5 * boost)
    return favourites, favourites // 4, favourites // 8


def _parse_time(value: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else None


def _avatar_png() -> bytes:
    """A small orange square, as a PNG (built by hand: the fake needs no imaging library)."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    size = 8
    raw = b"".join(b"\x00" + b"\xf0\x88\x30" * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
