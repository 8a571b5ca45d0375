"""A strict fake of Instagram (Instagram API with Instagram Login), served over loopback by the tests.

Modelled on Meta's pages (notes: ../shared/platforms/meta-linkedin-tiktok-youtube.md §2, §3.6):
Business Login on api.instagram.com (an https redirect registered exactly, codes used once, the
app secret, the answer's `permissions`), long-lived tokens (60 days; renewed only when at least
24 hours old and unexpired; expired ones answer code 190/463), and the Graph API on
graph.instagram.com under a version: `me`, `content_publishing_limit`, containers, `media_publish`,
media, stories and comments, each refused with Meta's error shape and codes when the real one would.

What hurts most is modelled for real: Instagram *downloads* every file from the URL it is given
(the media host's presigned URL, over real HTTP): a URL that answers 403/404 fails with code 9004 /
subcode 2207052, bytes that are not JPEG with 2207005, a feed picture outside 4:5–1.91:1 with
2207009. Pictures are fetched when the container is made; videos while it is IN_PROGRESS (a few
status checks), ending FINISHED or ERROR ("Error: Media upload has failed with error code …").
Publishing a container that is not FINISHED is refused (9007/2207027); publishing one twice too.
The 24-hour quota (`content_publishing_limit`) is enforced on `media_publish` (9/2207042).
"""

from __future__ import annotations

import base64
import io
import itertools
import json
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
from PIL import Image

API = "https://graph.instagram.com"
AUTH = "https://api.instagram.com"
CLIENT_ID = "990602627938098"
CLIENT_SECRET = "ig-app-secret-do-not-leak"
REDIRECT = "https://localhost:8765/callback"
VERSIONS = {"v23.0", "v24.0", "v25.0"}
ALL_PERMISSIONS = (
    "instagram_business_basic",
    "instagram_business_content_publish",
    "instagram_business_manage_comments",
    "instagram_business_manage_insights",
)
LONG_LIVED_S = 60 * 86400
SHORT_LIVED_S = 3600
_HASHTAG = re.compile(r"(?<![\w/&#])#\w+")
_MENTION = re.compile(r"(?<![\w@/])@[\w.]+")
_KNOWN_FIELDS = {
    "image_url", "video_url", "media_type", "caption", "alt_text", "is_carousel_item", "children",
    "collaborators", "share_to_feed", "cover_url", "thumb_offset", "location_id", "user_tags",
    "audio_name", "access_token",
}  # fmt: skip


@dataclass
class Token:
    user: str
    permissions: tuple[str, ...]
    issued_at: float
    expires_at: float
    long_lived: bool = True
    app: str = CLIENT_ID
    revoked: bool = False


@dataclass
class Container:
    id: str
    user: str
    fields: dict[str, str]
    created_at: float
    status: str = "IN_PROGRESS"
    error: str = ""
    polls_left: int = 0
    published: bool = False


@dataclass
class Media:
    id: str
    user: str
    caption: str
    product: str  # FEED, REELS, STORY
    kind: str  # IMAGE, VIDEO, CAROUSEL_ALBUM
    timestamp: float
    children: list[str] = field(default_factory=list)
    collaborators: list[str] = field(default_factory=list)
    alt_texts: list[str] = field(default_factory=list)
    comments: list[str] = field(default_factory=list)
    comment_ids: list[str] = field(default_factory=list)
    #: How each insight grows per hour since the post (the numbers move with the fake's clock).
    rates: dict[str, float] = field(default_factory=lambda: dict(RATES))
    few_viewers: bool = False  # "(#10) Not enough viewers for the media to show insights"

    @property
    def permalink(self) -> str:
        return f"https://www.instagram.com/{'reel' if self.product == 'REELS' else 'p'}/C{self.id}/"


#: Media insight metrics by product type (instagram-platform/reference/instagram-media/insights),
#: and how fast the fake's numbers grow per hour.
RATES = {"views": 300.0, "reach": 200.0, "likes": 12.0, "comments": 2.0, "saved": 3.0, "shares": 1.0,
         "replies": 0.5, "total_interactions": 18.0}  # fmt: skip
METRICS = {
    "FEED": {"views", "reach", "likes", "comments", "saved", "shares", "total_interactions", "follows",
             "profile_visits", "profile_activity"},
    "REELS": {"views", "reach", "likes", "comments", "saved", "shares", "total_interactions",
              "ig_reels_avg_watch_time", "ig_reels_video_view_total_time"},
    "STORY": {"views", "reach", "replies", "shares", "total_interactions", "follows", "navigation",
              "profile_visits", "profile_activity"},
}  # fmt: skip
#: Gone for media made after 2024-07-02 (deprecated for all versions on 2025-04-21).
DEPRECATED = {
    "impressions",
    "plays",
    "clips_replays_count",
    "ig_reels_aggregated_all_plays_count",
    "video_views",
}


@dataclass
class FakeInstagram:
    """Users, tokens, containers, media, and the faults to inject next."""

    users: dict[str, dict[str, str]] = field(
        default_factory=lambda: {
            "alice": {
                "user_id": "17841400000000042",
                "id": "6871110000042",
                "username": "alice.makes",
                "name": "Alice Makes",
                "account_type": "BUSINESS",
                "profile_picture_url": "https://scontent.cdninstagram.example/alice.jpg",
            }
        }
    )
    redirect_uris: tuple[str, ...] = (REDIRECT,)
    declined: set[str] = field(default_factory=set)  # permissions the person unticks at consent
    now: Callable[[], float] = time.time
    video_polls: int = 2  # status checks a video stays IN_PROGRESS
    quota_total: int = 100
    token_shape: str = "flat"  # the code exchange's answer: "flat" (live servers) or "data" (the docs)
    tokens: dict[str, Token] = field(default_factory=dict)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    containers: dict[str, Container] = field(default_factory=dict)
    media: list[Media] = field(default_factory=list)
    publishes: list[float] = field(default_factory=list)  # when each media_publish succeeded
    fetched: list[str] = field(default_factory=list)  # every URL Instagram downloaded
    fetched_sizes: dict[str, tuple[int, int]] = field(default_factory=dict)  # pictures: URL → (w, h)
    requests: list[httpx.Request] = field(default_factory=list)
    faults: dict[str, list[Callable[[], httpx.Response]]] = field(default_factory=dict)
    publish_then_drop: int = 0  # next media_publish calls: publish, then lose the answer
    on_publish: Callable[[], None] | None = None  # called once after the next publish (arm a fault)
    followers: int = 5400
    followers_per_day: float = 30.0
    read_budget: int | None = None  # reads left before the app is throttled (code 4); None: no limit
    comment_then_drop: int = 0  # next comments: made, then the answer is lost
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(17_900_000_000_000_001))

    def user_id(self, user: str = "alice") -> str:
        return self.users[user]["user_id"]

    def issue(
        self,
        user: str = "alice",
        permissions: tuple[str, ...] = ALL_PERMISSIONS,
        *,
        lifetime_s: int = LONG_LIVED_S,
        age_s: int = 0,
    ) -> str:
        """A long-lived token made elsewhere (the App Dashboard's "Generate token")."""
        token = "IGAA" + secrets.token_urlsafe(24)
        issued = self.now() - age_s
        self.tokens[token] = Token(user, permissions, issued, issued + lifetime_s)
        return token

    def fail(self, route: str, *responses: Callable[[], httpx.Response]) -> None:
        self.faults.setdefault(route, []).extend(responses)

    def publish_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == "POST" and r.url.path.endswith("/media_publish")]

    def container_requests(self) -> list[dict[str, str]]:
        return [_form(r) for r in self.requests if r.method == "POST" and r.url.path.endswith("/media")]

    # -- dispatch ------------------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        url = urlsplit(str(request.url))
        origin = f"{url.scheme}://{url.netloc}"
        route = self._route(request.method, url.path)
        if self.faults.get(route):
            return self.faults[route].pop(0)()
        if origin == AUTH:
            auth_routes = {"GET /oauth/authorize": self.authorize, "POST /oauth/access_token": self.exchange}
            assert route in auth_routes, f"the fake Instagram has no route {route} on {origin}"
            return auth_routes[route](request)
        assert origin == API, f"unexpected host {request.url}"
        if route == "GET /access_token":
            return self.long_lived(request)
        if route == "GET /refresh_access_token":
            return self.refresh(request)
        version, _, rest = url.path.lstrip("/").partition("/")
        if version not in VERSIONS:
            return _error(400, 2500, f"Unknown path components: /{version}", "OAuthException")
        token = self._token_of(request)
        if isinstance(token, httpx.Response):
            return token
        return self._graph(request, route.split(" ")[0], f"/{rest}", token)

    @staticmethod
    def _route(method: str, path: str) -> str:
        path = re.sub(r"^/v\d+\.\d+", "", path)
        path = re.sub(r"/\d{6,}", "/:id", path)
        return f"{method} {path}"

    def _graph(self, request: httpx.Request, method: str, path: str, token: Token) -> httpx.Response:
        user = self.users[token.user]
        owner = f"/{user['user_id']}"
        params = dict(request.url.params)
        if method == "GET" and path == "/me":
            return self.me(token, params)
        routes: dict[str, Callable[[httpx.Request, Token], httpx.Response]] = {
            f"GET {owner}/content_publishing_limit": self.publishing_limit,
            f"POST {owner}/media": self.create,
            f"GET {owner}/media": lambda r, t: self.list_media(r, t, stories=False),
            f"GET {owner}/stories": lambda r, t: self.list_media(r, t, stories=True),
            f"POST {owner}/media_publish": self.publish,
        }
        handler = routes.get(f"{method} {path}")
        if handler is not None:
            return handler(request, token)
        parts = path.strip("/").split("/")
        if method == "GET" and self.read_budget is not None:
            if self.read_budget <= 0:
                return throttled(4, 20)
            self.read_budget -= 1
        if method == "GET" and len(parts) == 1:
            return self.read_object(parts[0], token, params)
        if method == "POST" and len(parts) == 2 and parts[1] == "comments":
            return self.comment(request, parts[0], token)
        if method == "GET" and len(parts) == 2 and parts[1] == "comments":
            return self.list_comments(parts[0], token)
        if method == "GET" and len(parts) == 2 and parts[1] == "insights":
            return self.media_insights(parts[0], token, params)
        raise AssertionError(f"the fake Instagram has no route {method} {path}")

    # -- sign-in -------------------------------------------------------------------------------

    def authorize(self, request: httpx.Request) -> httpx.Response:
        q = dict(request.url.params)
        if q.get("client_id") != CLIENT_ID:
            return httpx.Response(400, json={"error_type": "OAuthException", "code": 400,
                                             "error_message": "Invalid platform app"})  # fmt: skip
        if q.get("redirect_uri") not in self.redirect_uris:
            return httpx.Response(400, json={"error_type": "OAuthException", "code": 400,
                                             "error_message": "Invalid redirect_uri"})  # fmt: skip
        scopes = tuple(s for s in re.split(r"[ ,]+", q.get("scope", "")) if s)
        if q.get("response_type") != "code" or "instagram_business_basic" not in scopes:
            return httpx.Response(400, json={"error_type": "OAuthException", "code": 400,
                                             "error_message": "Invalid scope or response_type"})  # fmt: skip
        unknown = [s for s in scopes if s not in ALL_PERMISSIONS]
        if unknown:
            return httpx.Response(400, json={"error_type": "OAuthException", "code": 400,
                                             "error_message": f"Invalid scopes: {', '.join(unknown)}"})  # fmt: skip
        code = "AQ" + secrets.token_urlsafe(32)
        granted = tuple(s for s in scopes if s not in self.declined)
        self.codes[code] = {"user": "alice", "permissions": granted, "redirect": q["redirect_uri"],
                            "at": self.now()}  # fmt: skip
        query = urlencode({"code": code, **({"state": q["state"]} if "state" in q else {})})
        return httpx.Response(302, headers={"Location": f"{q['redirect_uri']}?{query}#_"})

    def exchange(self, request: httpx.Request) -> httpx.Response:
        form = _form(request)
        refused = {"error_type": "OAuthException", "code": 400}
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return httpx.Response(400, json={**refused, "error_message": "Error validating client secret."})
        grant = self.codes.pop(form.get("code", ""), None)
        if grant is None or self.now() - grant["at"] > 3600:
            return httpx.Response(400, json={**refused, "error_message": "This authorization code has "
                                             "been used"})  # fmt: skip
        if form.get("grant_type") != "authorization_code" or form.get("redirect_uri") != grant["redirect"]:
            return httpx.Response(400, json={**refused, "error_message": "Error validating verification "
                                             "code. Please make sure your redirect_uri is identical"})  # fmt: skip
        token = "IGQ" + secrets.token_urlsafe(24)
        now = self.now()
        self.tokens[token] = Token(
            grant["user"], grant["permissions"], now, now + SHORT_LIVED_S, long_lived=False
        )
        body = {
            "access_token": token,
            "user_id": int(self.users[grant["user"]]["user_id"]),
            "permissions": list(grant["permissions"]),
        }
        return httpx.Response(200, json={"data": [body]} if self.token_shape == "data" else body)

    def long_lived(self, request: httpx.Request) -> httpx.Response:
        q = dict(request.url.params)
        if q.get("grant_type") != "ig_exchange_token" or q.get("client_secret") != CLIENT_SECRET:
            return _error(400, 101, "Error validating client secret.", "OAuthException")
        found = self.tokens.get(q.get("access_token", ""))
        if found is None or found.long_lived or found.expires_at <= self.now():
            return _error(
                400, 190, "Invalid OAuth access token - Cannot parse access token", "OAuthException"
            )
        token = "IGAA" + secrets.token_urlsafe(24)
        now = self.now()
        self.tokens[token] = Token(found.user, found.permissions, now, now + LONG_LIVED_S)
        return httpx.Response(
            200, json={"access_token": token, "token_type": "bearer", "expires_in": LONG_LIVED_S}
        )

    def refresh(self, request: httpx.Request) -> httpx.Response:
        """Refresh Access Token reference: at least 24 hours old, not expired; 60 days from now."""
        q = dict(request.url.params)
        found = self.tokens.get(q.get("access_token", ""))
        now = self.now()
        if q.get("grant_type") != "ig_refresh_token" or found is None or not found.long_lived:
            return _error(
                400, 190, "Invalid OAuth access token - Cannot parse access token", "OAuthException"
            )
        if found.expires_at <= now:
            return _expired(found)
        if now - found.issued_at < 86400:
            return _error(400, 10, "Session key invalid. This long-lived token was issued less than 24 hours "
                          "ago and cannot be refreshed yet.", "OAuthException")  # fmt: skip
        del self.tokens[q["access_token"]]  # strict: the old one stops working
        token = "IGAA" + secrets.token_urlsafe(24)
        self.tokens[token] = Token(found.user, found.permissions, now, now + LONG_LIVED_S)
        return httpx.Response(
            200, json={"access_token": token, "token_type": "bearer", "expires_in": LONG_LIVED_S}
        )

    def _token_of(self, request: httpx.Request) -> Token | httpx.Response:
        header = request.headers.get("authorization", "")
        value = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
        value = value or request.url.params.get("access_token", "")
        found = self.tokens.get(value)
        if found is None or found.revoked:
            return _error(
                400, 190, "Invalid OAuth access token - Cannot parse access token", "OAuthException"
            )
        if found.expires_at <= self.now():
            return _expired(found)
        return found

    # -- reading -------------------------------------------------------------------------------

    def me(self, token: Token, params: dict[str, str]) -> httpx.Response:
        user = {**self.users[token.user], "followers_count": self.follower_count()}
        wanted = [f for f in params.get("fields", "id").split(",") if f]
        unknown = [f for f in wanted if f not in user]
        if unknown:
            return _error(400, 100, f"Tried accessing nonexisting field ({unknown[0]}) on node type (User)",
                          "IGApiException")  # fmt: skip
        return httpx.Response(200, json={f: user[f] for f in wanted})

    def publishing_limit(self, request: httpx.Request, token: Token) -> httpx.Response:
        if "instagram_business_content_publish" not in token.permissions:
            return _error(
                403, 10, "(#10) Application does not have permission for this action", "OAuthException"
            )
        fields = request.url.params.get("fields", "quota_usage")
        entry: dict[str, Any] = {"quota_usage": self._used()}
        if "config" in fields:
            entry["config"] = {"quota_total": self.quota_total, "quota_duration": 86400}
        return httpx.Response(200, json={"data": [entry]})

    def _used(self) -> int:
        return sum(1 for at in self.publishes if self.now() - at < 86400)

    def list_media(self, request: httpx.Request, token: Token, *, stories: bool) -> httpx.Response:
        since = float(request.url.params.get("since", "0") or 0)
        fields = request.url.params.get("fields", "id").split(",")
        items = [
            m for m in reversed(self.media)
            if m.user == token.user and (m.product == "STORY") == stories and m.timestamp >= since
        ]  # fmt: skip
        limit = int(request.url.params.get("limit", "25"))
        if not 1 <= limit <= 100:
            return _error(400, 100, "(#100) The limit parameter must be between 1 and 100", "OAuthException")
        start = 0
        after = request.url.params.get("after")
        if after:
            start = next((i + 1 for i, m in enumerate(items) if _cursor(m.id) == after), -1)
            if start < 0:
                return _error(400, 100, "(#100) Invalid cursor", "OAuthException")
        page = items[start : start + limit]
        body: dict[str, Any] = {"data": [self._fields(m, fields) for m in page]}
        if page:
            body["paging"] = {"cursors": {"before": _cursor(page[0].id), "after": _cursor(page[-1].id)}}
            if start + limit < len(items):
                body["paging"]["next"] = (
                    f"{API}/v25.0{request.url.path.split('/v25.0')[-1]}?after={_cursor(page[-1].id)}"
                )
        return httpx.Response(200, json=body)

    def read_object(self, object_id: str, token: Token, params: dict[str, str]) -> httpx.Response:
        fields = params.get("fields", "id").split(",")
        container = self.containers.get(object_id)
        if container is not None:
            if container.user != token.user:
                return _error(400, 100, f"Unsupported get request. Object with ID '{object_id}' does not exist",
                              "GraphMethodException", subcode=33)  # fmt: skip
            self._advance(container)
            body: dict[str, Any] = {"id": object_id}
            if "status_code" in fields:
                body["status_code"] = container.status
            if "status" in fields:
                body["status"] = container.error or container.status.title()
            return httpx.Response(200, json=body)
        found = self._media(object_id)
        if found is None or found.user != token.user:
            return _error(400, 100, f"Unsupported get request. Object with ID '{object_id}' does not exist",
                          "GraphMethodException", subcode=33)  # fmt: skip
        return httpx.Response(200, json=self._fields(found, fields))

    def _media(self, media_id: str) -> Media | None:
        return next((m for m in self.media if m.id == media_id), None)

    def _fields(self, media: Media, fields: list[str]) -> dict[str, Any]:
        stamp = datetime.fromtimestamp(media.timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")
        every = {"id": media.id, "caption": media.caption, "permalink": media.permalink, "timestamp": stamp,
                 "media_product_type": media.product, "media_type": media.kind,
                 "like_count": self.insight(media, "likes"),
                 "comments_count": self.insight(media, "comments")}  # fmt: skip
        if media.product == "STORY":
            every.pop("like_count")
            every.pop("comments_count")
        if not media.caption:
            every.pop("caption")
        return {f: every[f] for f in fields if f in every}

    # -- containers ----------------------------------------------------------------------------

    def create(self, request: httpx.Request, token: Token) -> httpx.Response:
        if "instagram_business_content_publish" not in token.permissions:
            return _error(
                403, 10, "(#10) Application does not have permission for this action", "OAuthException"
            )
        fields = _form(request)
        unknown = sorted(set(fields) - _KNOWN_FIELDS)
        if unknown:
            return _error(400, 100, f"(#100) The parameter {unknown[0]} is not supported", "OAuthException")
        problem = self._check_fields(fields)
        if problem is not None:
            return problem
        container = Container(str(next(self._ids)), token.user, fields, self.now())
        kind = fields.get("media_type", "IMAGE")
        if kind == "CAROUSEL":
            refused = self._check_children(fields.get("children", ""), token.user)
            if refused is not None:
                return refused
            container.polls_left = 1
        elif "image_url" in fields:
            failed = self._fetch_image(fields["image_url"], feed=kind != "STORIES")
            if failed is not None:
                return failed
            container.status = "FINISHED"
        if "cover_url" in fields:
            failed = self._fetch_image(fields["cover_url"], feed=False)
            if failed is not None:
                return failed
        if "video_url" in fields:
            container.polls_left = self.video_polls
        self.containers[container.id] = container
        return httpx.Response(200, json={"id": container.id})

    def _check_fields(self, fields: dict[str, str]) -> httpx.Response | None:
        kind = fields.get("media_type", "IMAGE")
        item = fields.get("is_carousel_item") == "true"
        caption = fields.get("caption", "")
        if len(caption) > 2200 or len(_HASHTAG.findall(caption)) > 30 or len(_MENTION.findall(caption)) > 20:
            return _error(400, 100, "The caption is too long or has too many hashtags or mentions.",
                          "OAuthException", subcode=2207010, user_msg="Caption is too long")  # fmt: skip
        allowed = {
            "IMAGE": {
                "image_url",
                "caption",
                "alt_text",
                "is_carousel_item",
                "collaborators",
                "location_id",
                "user_tags",
            },
            "VIDEO": {"video_url", "is_carousel_item", "thumb_offset", "media_type"},
            "REELS": {
                "video_url",
                "caption",
                "share_to_feed",
                "collaborators",
                "cover_url",
                "thumb_offset",
                "audio_name",
                "location_id",
                "user_tags",
                "media_type",
            },
            "STORIES": {"image_url", "video_url", "media_type", "user_tags"},
            "CAROUSEL": {
                "children",
                "caption",
                "collaborators",
                "location_id",
                "media_type",
                "share_to_feed",
            },
        }
        if kind not in allowed:
            return _error(400, 100, f"(#100) media_type {kind} is not supported; use REELS for videos",
                          "OAuthException", subcode=2207023)  # fmt: skip
        if kind == "VIDEO" and not item:
            return _error(400, 100, "The VIDEO media_type is no longer supported; use REELS", "OAuthException",
                          subcode=2207023)  # fmt: skip
        extra = sorted(set(fields) - allowed[kind] - {"access_token"})
        if extra or (item and ({"caption", "collaborators"} & set(fields))):
            name = extra[0] if extra else "caption"
            return _error(
                400, 100, f"(#100) Param {name} is not allowed for this media type", "OAuthException"
            )
        if "alt_text" in fields and len(fields["alt_text"]) > 1000:
            return _error(400, 100, "(#100) alt_text must be at most 1000 characters", "OAuthException")
        if "collaborators" in fields:
            try:
                names = json.loads(fields["collaborators"])
            except ValueError:
                names = None
            if not isinstance(names, list) or len(names) > 3 or not all(isinstance(n, str) for n in names):
                return _error(400, 100, "(#100) collaborators must be a list of up to 3 usernames",
                              "OAuthException")  # fmt: skip
        needs = "image_url" if kind in ("IMAGE",) else "video_url" if kind in ("VIDEO", "REELS") else None
        if needs is not None and needs not in fields:
            return _error(400, 100, f"(#100) The parameter {needs} is required", "OAuthException")
        if kind == "STORIES" and ("image_url" in fields) == ("video_url" in fields):
            return _error(400, 100, "(#100) A story takes image_url or video_url", "OAuthException")
        return None

    def _check_children(self, children: str, user: str) -> httpx.Response | None:
        ids = [c for c in children.split(",") if c]
        items = [self.containers.get(c) for c in ids]
        if not 2 <= len(ids) <= 10 or any(
            c is None or c.user != user or c.fields.get("is_carousel_item") != "true" for c in items
        ):
            return _error(400, 100, "Carousel validation failed: a carousel has 2 to 10 items made with "
                          "is_carousel_item=true", "OAuthException", subcode=2207028)  # fmt: skip
        if any(c is not None and c.status != "FINISHED" for c in items):
            return _error(400, 9007, "Media ID is not available", "OAuthException", subcode=2207027,
                          user_msg="The media is not ready for publishing, please wait for a moment")  # fmt: skip
        return None

    def _download(self, url: str) -> httpx.Response | str:
        """Instagram "cURLs" the URL; a failure is the error text of Meta's answer."""
        try:
            with httpx.Client(timeout=10, follow_redirects=True) as web:
                response = web.get(url)
        except httpx.HTTPError as exc:
            return f"The media could not be fetched from this uri: {url} ({type(exc).__name__})"
        self.fetched.append(url)
        if response.status_code != 200:
            return f"The media could not be fetched from this uri: {url} (HTTP {response.status_code})"
        return response

    def _fetch_image(self, url: str, *, feed: bool) -> httpx.Response | None:
        got = self._download(url)
        if isinstance(got, str):
            return _error(400, 9004, got, "OAuthException", subcode=2207052,
                          user_msg="Media download has failed.")  # fmt: skip
        data = got.content
        if not data.startswith(b"\xff\xd8\xff"):
            return _error(400, 36001, "Only photo or video can be accepted as media type.", "OAuthException",
                          subcode=2207005, user_msg="The image format is not supported. JPEG only.")  # fmt: skip
        if len(data) > 8 * 1024 * 1024:
            return _error(400, 36000, "The image size is too large.", "OAuthException", subcode=2207004,
                          user_msg="The image is too large to download. It should be less than 8 MiB.")  # fmt: skip
        with Image.open(io.BytesIO(data)) as picture:
            ratio = picture.width / picture.height
            self.fetched_sizes[url] = picture.size
        if feed and not 0.8 * 0.99 <= ratio <= 1.91 * 1.01:
            return _error(400, 36003, "The aspect ratio is not supported.", "OAuthException", subcode=2207009,
                          user_msg="Aspect ratio not supported, must be between 4:5 to 1.91:1")  # fmt: skip
        return None

    def _advance(self, container: Container) -> None:
        """A status check: videos are fetched while IN_PROGRESS; containers expire after 24 hours."""
        if container.status in ("IN_PROGRESS", "FINISHED") and self.now() - container.created_at > 86400:
            container.status = "EXPIRED"
            return
        if container.status != "IN_PROGRESS":
            return
        if container.polls_left > 0:
            container.polls_left -= 1
            return
        video = container.fields.get("video_url")
        if video is not None:
            got = self._download(video)
            if isinstance(got, str):
                container.status, container.error = (
                    "ERROR",
                    f"Error: {got}. Media download has failed (2207052)",
                )
                return
            if got.content[4:8] != b"ftyp":
                container.status = "ERROR"
                container.error = "Error: Media upload has failed with error code 2207026"
                return
        container.status = "FINISHED"

    # -- publishing ----------------------------------------------------------------------------

    def publish(self, request: httpx.Request, token: Token) -> httpx.Response:
        if "instagram_business_content_publish" not in token.permissions:
            return _error(
                403, 10, "(#10) Application does not have permission for this action", "OAuthException"
            )
        creation = _form(request).get("creation_id", "") or request.url.params.get("creation_id", "")
        container = self.containers.get(creation)
        if container is None or container.user != token.user or container.fields.get("is_carousel_item"):
            return _error(400, 100, f"Unsupported post request. Object with ID '{creation}' does not exist",
                          "GraphMethodException", subcode=33)  # fmt: skip
        self._advance(container)
        if container.published:
            return _error(400, 100, "The media has already been published", "OAuthException", subcode=2207006)
        if container.status == "EXPIRED":
            return _error(400, -2, "The media you are trying to access has expired.", "OAuthException",
                          subcode=2207020)  # fmt: skip
        if container.status != "FINISHED":
            return _error(400, 9007, "Media ID is not available", "OAuthException", subcode=2207027,
                          user_msg="The media is not ready for publishing, please wait for a moment")  # fmt: skip
        if self._used() >= self.quota_total:
            return _error(400, 9, "Application request limit reached", "OAuthException", subcode=2207042,
                          user_msg="You reached maximum number of posts that is allowed to be published by "
                          "Content Publishing API.")  # fmt: skip
        media = self._make_media(container)
        if self.on_publish is not None:
            self.on_publish, armed = None, self.on_publish
            armed()
        if self.publish_then_drop:
            self.publish_then_drop -= 1
            raise httpx.ReadError("the answer to media_publish was lost")
        return httpx.Response(200, json={"id": media.id})

    def _make_media(self, container: Container) -> Media:
        fields = container.fields
        container.published, container.status = True, "PUBLISHED"
        kind = fields.get("media_type", "IMAGE")
        children = [c for c in fields.get("children", "").split(",") if c]
        alt = [self.containers[c].fields.get("alt_text", "") for c in children] or [
            fields.get("alt_text", "")
        ]
        media = Media(
            str(next(self._ids)),
            container.user,
            fields.get("caption", ""),
            {"REELS": "REELS", "STORIES": "STORY"}.get(kind, "FEED"),
            {"CAROUSEL": "CAROUSEL_ALBUM", "REELS": "VIDEO"}.get(
                kind, "VIDEO" if "video_url" in fields else "IMAGE"
            ),
            self.now(),
            children=children,
            collaborators=json.loads(fields.get("collaborators", "[]")),
            alt_texts=alt,
        )
        self.media.append(media)
        self.publishes.append(self.now())
        return media

    def comment(self, request: httpx.Request, media_id: str, token: Token) -> httpx.Response:
        if "instagram_business_manage_comments" not in token.permissions:
            return _error(
                403, 10, "(#10) Application does not have permission for this action", "OAuthException"
            )
        media = self._media(media_id)
        message = _form(request).get("message", "")
        if media is None or media.user != token.user or not message:
            return _error(400, 100, "(#100) Invalid parameter", "OAuthException")
        if len(message) > 2200:
            return _error(400, 100, "(#100) The comment is too long", "OAuthException")
        comment_id = str(next(self._ids))
        media.comments.append(message)
        media.comment_ids.append(comment_id)
        if self.comment_then_drop:
            self.comment_then_drop -= 1
            raise httpx.ReadError("the answer to the comment was lost")
        return httpx.Response(200, json={"id": comment_id})

    # -- after publishing: insights, comments, followers, posts made elsewhere ------------------

    def post_elsewhere(self, caption: str, *, hours_ago: float = 0, product: str = "FEED") -> str:
        """A post the person made in the Instagram app, not through Outpost."""
        media = Media(str(next(self._ids)), "alice", caption, product, "IMAGE", self.now() - hours_ago * 3600)
        self.media.append(media)
        return media.id

    def delete(self, media_id: str) -> None:
        """The person deleted the post in the app: reading it answers Graph's "does not exist"."""
        self.media = [m for m in self.media if m.id != media_id]

    def insight(self, media: Media, metric: str) -> int:
        hours = max(0.0, (self.now() - media.timestamp) / 3600)
        value = int(media.rates.get(metric, 0.0) * hours)
        return value + (len(media.comments) if metric == "comments" else 0)

    def follower_count(self) -> int:
        started = min((t.issued_at for t in self.tokens.values()), default=self.now())
        return int(self.followers + self.followers_per_day * max(0.0, self.now() - started) / 86400)

    def media_insights(self, media_id: str, token: Token, params: dict[str, str]) -> httpx.Response:
        media = self._media(media_id)
        if media is None or media.user != token.user:
            return _error(400, 100, f"Unsupported get request. Object with ID '{media_id}' does not exist, "
                          "cannot be loaded due to missing permissions, or does not support this operation",
                          "GraphMethodException", subcode=33)  # fmt: skip
        if "instagram_business_manage_insights" not in token.permissions:
            return _error(
                403, 10, "(#10) Application does not have permission for this action", "OAuthException"
            )
        metrics = [m for m in params.get("metric", "").split(",") if m]
        if not metrics:
            return _error(400, 100, "(#100) The parameter metric is required", "OAuthException")
        for index, name in enumerate(metrics):
            if name in DEPRECATED:
                return _error(400, 100, f"(#100) Starting from v22.0, {name} metric is no longer supported for "
                              "media created after July 2, 2024. Please use views instead.", "OAuthException")  # fmt: skip
            if name not in METRICS[media.product]:
                return _error(400, 100, f"(#100) metric[{index}] must be one of the following values: "
                              f"{', '.join(sorted(METRICS[media.product]))}", "OAuthException")  # fmt: skip
        if media.few_viewers:
            return _error(
                400, 10, "(#10) Not enough viewers for the media to show insights", "OAuthException"
            )
        data = [
            {"name": name, "period": "lifetime", "values": [{"value": self.insight(media, name)}],
             "title": name.title(), "description": "", "id": f"{media.id}/insights/{name}/lifetime"}
            for name in metrics if name in RATES
        ]  # fmt: skip
        return httpx.Response(200, json={"data": data})

    def list_comments(self, media_id: str, token: Token) -> httpx.Response:
        if "instagram_business_manage_comments" not in token.permissions:
            return _error(
                403, 10, "(#10) Application does not have permission for this action", "OAuthException"
            )
        media = self._media(media_id)
        if media is None or media.user != token.user:
            return _error(400, 100, f"Unsupported get request. Object with ID '{media_id}' does not exist",
                          "GraphMethodException", subcode=33)  # fmt: skip
        username = self.users[token.user]["username"]
        data = [
            {"id": i, "text": t, "username": username}
            for i, t in zip(media.comment_ids, media.comments, strict=True)
        ]
        return httpx.Response(200, json={"data": list(reversed(data))})


def _cursor(media_id: str) -> str:
    return base64.urlsafe_b64encode(f"cursor:{media_id}".encode()).decode().rstrip("=")


def _form(request: httpx.Request) -> dict[str, str]:
    """A form body (or a JSON one) as one value per name; query parameters count too."""
    body: dict[str, str] = {}
    content = request.content.decode() if request.content else ""
    if request.headers.get("content-type", "").startswith("application/json") and content:
        body = {k: v if isinstance(v, str) else json.dumps(v) for k, v in json.loads(content).items()}
    elif content:
        body = {k: v[0] for k, v in parse_qs(content, keep_blank_values=True).items()}
    return {**dict(request.url.params), **body}


def _error(
    status: int,
    code: int,
    message: str,
    kind: str,
    *,
    subcode: int | None = None,
    user_msg: str | None = None,
) -> httpx.Response:
    """Meta's error shape (developers.facebook.com/docs/graph-api/guides/error-handling)."""
    error: dict[str, Any] = {
        "message": message,
        "type": kind,
        "code": code,
        "fbtrace_id": "A" + secrets.token_hex(8),
    }
    if subcode is not None:
        error["error_subcode"] = subcode
        error["is_transient"] = False
    if user_msg is not None:
        error["error_user_title"] = user_msg.split(".")[0]
        error["error_user_msg"] = user_msg
    return httpx.Response(status, json={"error": error})


def _expired(token: Token) -> httpx.Response:
    ended = datetime.fromtimestamp(token.expires_at, UTC).strftime("%A, %d-%b-%y %H:%M:%S PST")
    return _error(400, 190, f"Error validating access token: Session has expired on {ended}.", "OAuthException",
                  subcode=463)  # fmt: skip


def throttled(code: int = 4, minutes: int = 15) -> httpx.Response:
    """Meta's throttling answer, with the Business Use Case usage header saying how long to wait."""
    usage = {"17841400000000042": [{"type": "instagram", "call_count": 100, "total_cputime": 10,
                                    "total_time": 12, "estimated_time_to_regain_access": minutes}]}  # fmt: skip
    response = _error(400, code, "(#4) Application request limit reached", "OAuthException", user_msg=None)
    response.headers["x-business-use-case-usage"] = json.dumps(usage)
    return response
