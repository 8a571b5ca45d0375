"""A strict fake of X API v2 (and its OAuth 2.0 endpoints), served over loopback by the tests.

Modelled on ../shared/platforms/x-bluesky-mastodon-threads.md §1 (X's docs and OpenAPI spec):
`POST /2/tweets` with `additionalProperties: false`, 280 weighted characters, 1–4 media ids that
must be finalized and processed, the 403 duplicate-content answer, the reply "not visible" 403,
per-user rate limits with `x-rate-limit-*` headers, 401 for expired tokens, the chunked media
upload with `processing_info`, alt text ≤ 1000 characters. Anything else fails the test loudly.

Its length count is its own (code point weights of twitter-text v3's config, URLs as 23), not
Outpost's, so a counting bug in Outpost cannot hide behind the same bug here.
"""

from __future__ import annotations

import html
import itertools
import json
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.contract.fake_oauth import App, AuthorizationServer, Grant

API = "https://api.x.com"
WEB = "https://x.com"
CLIENT_ID = "client-x-123"
SCOPES = ("tweet.read", "tweet.write", "users.read", "media.write", "offline.access")
_URL = re.compile(r"https?://[^\s]+|\b[a-z0-9-]+\.(?:com|org|net|io|dev)(?:/[^\s]*)?", re.IGNORECASE)
_SINGLE = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
TWEET_FIELDS = {"text", "media", "reply", "reply_settings", "quote_tweet_id", "poll", "made_with_ai",
                "paid_partnership", "for_super_followers_only", "community_id", "geo", "nullcast",
                "card_uri", "edit_options"}  # fmt: skip
REPLY_SETTINGS = {"following", "mentionedUsers", "subscribers", "verified"}
CATEGORY_LIMITS = {"tweet_image": 5 * 2**20, "tweet_gif": 15 * 2**20, "tweet_video": 512 * 2**20}


def x_length(text: str) -> int:
    """X's weighted count, the fake's own way: URLs 23, weight-1 ranges 1, everything else 2."""
    text = unicodedata.normalize("NFC", text)
    total = 0
    for piece in re.split(f"({_URL.pattern})", text, flags=re.IGNORECASE):
        if piece and _URL.fullmatch(piece):
            total += 23
            continue
        skip_joined = False
        for char in piece:
            point = ord(char)
            if point in (0x200D, 0xFE0F) or 0x1F3FB <= point <= 0x1F3FF:
                skip_joined = point == 0x200D
                continue  # emoji joiners and modifiers belong to the emoji before them
            if skip_joined:
                skip_joined = False
                continue  # the emoji after a ZWJ is part of one sequence (counted once)
            total += 1 if any(lo <= point <= hi for lo, hi in _SINGLE) else 2
    return total


@dataclass
class Tweet:
    id: str
    user: str
    text: str
    media_ids: list[str]
    reply_to: str | None
    reply_settings: str | None
    created: float = 0.0  # the server's clock when it was made: its numbers grow from there
    retweet_of: str | None = None  # a repost of someone else's post (not the account's own)


#: How long an uploaded media id can be attached to posts (any number of them), in seconds.
MEDIA_LIFETIME_S = 86400


@dataclass
class Upload:
    id: str
    user: str
    media_type: str
    category: str
    total_bytes: int
    segments: dict[int, int] = field(default_factory=dict)
    chunks: dict[int, bytes] = field(default_factory=dict)  # what was sent, by segment index
    finalized: bool = False
    state: str = "pending"  # for video/gif after finalize: pending → in_progress → succeeded|failed
    polls_left: int = 2
    alt_text: str | None = None
    created: float = 0.0  # the server's clock at initialize: a media id can be attached for 24 h


@dataclass
class FakeX:
    """The server's state, its limits and the faults to inject next."""

    users: dict[str, dict[str, str]] = field(
        default_factory=lambda: {"alice": {"id": "1001", "username": "alice_x", "name": "Alice X"}}
    )
    # Optional fields (profile_image_url…) per user, returned only when `user.fields` names them.
    user_fields: dict[str, dict[str, str]] = field(default_factory=dict)
    oauth: AuthorizationServer = field(default_factory=AuthorizationServer)
    tweets: list[Tweet] = field(default_factory=list)
    uploads: dict[str, Upload] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)
    faults: dict[str, list[Callable[[], httpx.Response]]] = field(default_factory=dict)
    deleted: list[str] = field(default_factory=list)  # post ids deleted (issue #24)
    store_then_fail: list[int] = field(default_factory=list)  # create stored, then this status (0: drop)
    processing_fails: bool = False
    reply_invisible_once: bool = False
    limits: dict[str, int] = field(
        default_factory=lambda: {
            "POST /2/tweets": 100,
            "GET /2/users/me": 75,
            "GET /2/tweets": 900,  # per user per 15 minutes (docs.x.com fundamentals/rate-limits)
            "GET /2/tweets/:id": 900,
            "GET /2/users/:id/tweets": 900,
        }
    )
    used: dict[tuple[str, str], int] = field(default_factory=dict)
    premium_users: set[str] = field(default_factory=set)  # may post up to 25,000 characters
    reset_epoch: int = 2_000_000_000
    now: Callable[[], float] = time.time  # the server's clock: a used-up window opens at reset_epoch
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1_880_000_000_000_000_000))
    followers: dict[str, int] = field(default_factory=lambda: {"alice": 1200})  # +1 per hour of clock
    followers_from: float | None = None  # when the follower count was first read (it grows from there)
    post_reads: int = 0  # posts X would bill the developer app for (Posts: Read, per resource)

    def __post_init__(self) -> None:
        self.register_app(CLIENT_ID, 8765)

    def register_app(self, client_id: str, port: int, secret: str = "") -> None:
        self.oauth.apps[client_id] = App(
            client_id, (f"http://127.0.0.1:{port}/callback",), secret, frozenset(SCOPES)
        )

    def fail(self, route: str, *responses: Callable[[], httpx.Response]) -> None:
        self.faults.setdefault(route, []).extend(responses)

    def creates(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == "POST" and r.url.path == "/2/tweets"]

    # -- dispatch ------------------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        url = urlsplit(str(request.url))
        origin = f"{url.scheme}://{url.netloc}"
        path = re.sub(r"/2/media/upload/\d+/", "/2/media/upload/:id/", url.path)
        path = re.sub(r"^/2/users/\d+/tweets$", "/2/users/:id/tweets", path)
        path = re.sub(r"^/2/tweets/\d+$", "/2/tweets/:id", path)
        route = f"{request.method} {path}"
        if origin == WEB:
            assert route == "GET /i/oauth2/authorize", f"unexpected {route} on x.com"
            return self.oauth.authorize(request)
        assert origin == API, f"unexpected host {request.url}"
        if self.faults.get(route):
            return self.faults[route].pop(0)()
        oauth_routes = {"POST /2/oauth2/token": self.oauth.token, "POST /2/oauth2/revoke": self.oauth.revoke}
        if route in oauth_routes:
            return oauth_routes[route](request)
        handlers: dict[str, Callable[[httpx.Request, Grant], httpx.Response]] = {
            "GET /2/users/me": self.me,
            "POST /2/media/upload/initialize": self.initialize,
            "POST /2/media/upload/:id/append": self.append,
            "POST /2/media/upload/:id/finalize": self.finalize,
            "GET /2/media/upload": self.status,
            "POST /2/media/metadata": self.metadata,
            "POST /2/tweets": self.create,
            "GET /2/users/:id/tweets": self.timeline,
            "GET /2/tweets": self.lookup_many,
            "GET /2/tweets/:id": self.lookup_one,
            "DELETE /2/tweets/:id": self.delete_tweet,
        }
        handler = handlers.get(route)
        assert handler is not None, f"the fake X has no route {route} (unexpected request)"
        grant = self.oauth.user_of(request)
        if grant is None:
            return _problem(401, "Unauthorized", "Unauthorized", "about:blank")
        scope = (
            "tweet.write"
            if route == "POST /2/tweets"
            else "media.write"
            if "media" in route
            else "users.read"
        )
        # Reading posts needs both tweet.read and users.read (the OpenAPI spec's security entries).
        needed = (
            ("tweet.read", "users.read") if route.startswith("GET /2/") and "tweets" in route else (scope,)
        )
        for scope in needed:
            if scope not in grant.scopes:
                return _problem(403, "Forbidden", f"Missing scope {scope}", "about:blank")
        limited = self._rate_limit(route, grant.user)
        if limited is not None:
            return limited
        response = handler(request, grant)
        limit = self.limits.get(route)
        if limit is not None:
            response.headers["x-rate-limit-limit"] = str(limit)
            response.headers["x-rate-limit-remaining"] = str(limit - self.used[(route, grant.user)])
            response.headers["x-rate-limit-reset"] = str(self.reset_epoch)
        return response

    def _rate_limit(self, route: str, user: str) -> httpx.Response | None:
        limit = self.limits.get(route)
        if limit is None:
            return None
        used = self.used.get((route, user), 0)
        if used >= limit and self.now() >= self.reset_epoch:
            used = 0  # a new window
        if used >= limit:
            response = httpx.Response(
                429, json={"title": "Too Many Requests", "detail": "Too Many Requests", "type": "about:blank"}
            )
            response.headers.update(
                {
                    "x-rate-limit-limit": str(limit),
                    "x-rate-limit-remaining": "0",
                    "x-rate-limit-reset": str(self.reset_epoch),
                }
            )
            return response
        self.used[(route, user)] = used + 1
        return None

    # -- routes --------------------------------------------------------------------------------

    def me(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        """The user's default fields, and the optional ones `user.fields` asks for (X API v2)."""
        asked = request.url.params.get("user.fields", "").split(",")
        extra = {
            f: self.user_fields[grant.user][f] for f in asked if f in self.user_fields.get(grant.user, {})
        }
        if "public_metrics" in asked:
            if self.followers_from is None:
                self.followers_from = self.now()
            hours = int((self.now() - self.followers_from) // 3600)
            extra["public_metrics"] = {  # type: ignore[assignment]
                "followers_count": self.followers.get(grant.user, 0) + max(0, hours),
                "following_count": 80,
                "tweet_count": sum(t.user == grant.user for t in self.tweets),
                "listed_count": 3,
            }
        return httpx.Response(200, json={"data": self.users[grant.user] | extra})

    def initialize(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        body = json.loads(request.content)
        category, media_type, size = (
            body.get("media_category"),
            body.get("media_type"),
            body.get("total_bytes"),
        )
        if set(body) - {"media_type", "total_bytes", "media_category", "additional_owners", "shared"}:
            return _invalid(
                f"unknown fields {sorted(set(body) - {'media_type', 'total_bytes', 'media_category'})}"
            )
        if category not in CATEGORY_LIMITS or not isinstance(size, int) or not isinstance(media_type, str):
            return _invalid("media_category, media_type and total_bytes are required")
        if size > CATEGORY_LIMITS[category]:
            return _invalid(f"File size exceeds {CATEGORY_LIMITS[category]} bytes.")
        media_id = str(next(self._ids))
        self.uploads[media_id] = Upload(media_id, grant.user, media_type, category, size, created=self.now())
        return httpx.Response(
            200, json={"data": {"id": media_id, "media_key": f"13_{media_id}", "expires_after_secs": 86400}}
        )

    def append(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        upload = self._upload(request.url.path.split("/")[4], grant)
        if isinstance(upload, httpx.Response):
            return upload
        if upload.finalized:
            return _invalid("The media was already finalized.")
        fields = _multipart(request)
        index = fields.get("segment_index")
        if "media" not in fields or index is None or not index.isdigit() or not 0 <= int(index) <= 999:
            return _invalid("media and segment_index (0-999) are required")
        upload.segments[int(index)] = len(fields["media"])
        upload.chunks[int(index)] = bytes(fields["media"])
        return httpx.Response(200, json={"data": {"expires_at": 1_737_000_000}})

    def finalize(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        upload = self._upload(request.url.path.split("/")[4], grant)
        if isinstance(upload, httpx.Response):
            return upload
        if request.content:
            return _invalid("finalize takes no body")
        if sorted(upload.segments) != list(range(len(upload.segments))):
            return _invalid("Segments are missing.")
        if sum(upload.segments.values()) != upload.total_bytes:
            return _invalid(
                f"File size mismatch: got {sum(upload.segments.values())}, expected {upload.total_bytes}."
            )
        upload.finalized = True
        data: dict[str, Any] = {
            "id": upload.id,
            "media_key": f"13_{upload.id}",
            "size": upload.total_bytes,
            "expires_after_secs": max(0, int(upload.created + MEDIA_LIFETIME_S - self.now())),
        }
        if upload.category == "tweet_image":
            upload.state = "succeeded"
        else:
            data["processing_info"] = {"state": "pending", "check_after_secs": 1}
        return httpx.Response(200, json={"data": data})

    def status(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        query = {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}
        if query.get("command") != "STATUS":
            return _invalid("command must be STATUS")
        upload = self._upload(query.get("media_id", ""), grant)
        if isinstance(upload, httpx.Response):
            return upload
        info: dict[str, Any]
        if upload.polls_left > 0:
            upload.polls_left -= 1
            upload.state = "in_progress"
            info = {"state": "in_progress", "check_after_secs": 1, "progress_percent": 50}
        elif self.processing_fails or (upload.category == "tweet_video" and not _playable_on_x(upload)):
            upload.state = "failed"
            info = {
                "state": "failed",
                "error": {"code": 1, "name": "InvalidMedia", "message": "Unsupported video codec"},
            }
        else:
            upload.state = "succeeded"
            info = {"state": "succeeded", "progress_percent": 100}
        return httpx.Response(200, json={"data": {"id": upload.id, "processing_info": info}})

    def metadata(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        body = json.loads(request.content)
        upload = self._upload(str(body.get("id", "")), grant)
        if isinstance(upload, httpx.Response):
            return upload
        text = ((body.get("metadata") or {}).get("alt_text") or {}).get("text")
        if not isinstance(text, str) or len(text) > 1000:
            return _invalid("alt_text.text must be a string of at most 1000 characters")
        if not upload.finalized or upload.category == "tweet_video":
            return _invalid("Alt text can only be set on finalized images and GIFs.")
        upload.alt_text = text
        return httpx.Response(
            200, json={"data": {"id": upload.id, "associated_metadata": {"alt_text": {"text": text}}}}
        )

    def create(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        if request.headers.get("content-type", "").split(";")[0] != "application/json":
            return _invalid("Content-Type must be application/json")
        body = json.loads(request.content)
        if set(body) - TWEET_FIELDS:
            return _invalid(
                f"The query parameters [{', '.join(sorted(set(body) - TWEET_FIELDS))}] are not allowed"
            )
        text, media = body.get("text", ""), (body.get("media") or {}).get("media_ids", [])
        if not text and not media:
            return _invalid("text is required unless media is provided")
        limit = 25_000 if grant.user in self.premium_users else 280
        if x_length(text) > limit:
            return _invalid(f"Your Tweet text is too long ({x_length(text)} of {limit}).")
        if body.get("reply_settings") is not None and body["reply_settings"] not in REPLY_SETTINGS:
            return _invalid(
                f"reply_settings {body['reply_settings']!r} is not one of {sorted(REPLY_SETTINGS)}"
            )
        uploads = [self.uploads.get(str(m)) for m in media]
        kinds = {u.category for u in uploads if u}
        if not 0 <= len(media) <= 4 or any(
            u is None
            or u.user != grant.user
            or u.state != "succeeded"
            or self.now() - u.created >= MEDIA_LIFETIME_S  # a media id lives 24 hours
            for u in uploads
        ):
            return _invalid("Your media IDs are invalid.")
        if kinds & {"tweet_video", "tweet_gif"} and len(media) > 1:
            return _invalid("A post takes up to 4 photos, or 1 video or GIF.")
        reply_to = (body.get("reply") or {}).get("in_reply_to_tweet_id")
        if reply_to is not None and (
            self.reply_invisible_once or not any(t.id == reply_to for t in self.tweets)
        ):
            self.reply_invisible_once = False
            return _problem(
                403,
                "Forbidden",
                "You attempted to reply to a Tweet that is deleted or not visible to you.",
                "about:blank",
            )
        if any(t.user == grant.user and t.text == text and text for t in self.tweets):
            return _problem(
                403,
                "Forbidden",
                "You are not allowed to create a Tweet with duplicate content.",
                "about:blank",
            )
        tweet = Tweet(
            str(next(self._ids)),
            grant.user,
            text,
            [str(m) for m in media],
            reply_to,
            body.get("reply_settings"),
            created=self.now(),
        )
        self.tweets.append(tweet)
        if self.store_then_fail:
            status = self.store_then_fail.pop(0)
            if status == 0:
                raise httpx.ReadError("answer lost after the post was stored")
            return _problem(status, "Service Unavailable", "Service Unavailable", "about:blank")
        return httpx.Response(
            201, json={"data": {"id": tweet.id, "text": text, "edit_history_tweet_ids": [tweet.id]}}
        )

    def timeline(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        """A user's posts, newest first, as X shows them: links as t.co, & < > as entities.

        Honours `start_time`, `exclude=retweets`, `pagination_token` (from `meta.next_token`) and
        the `tweet.fields` asked for; every post returned is a billed read.
        """
        user_id = request.url.path.split("/")[3]
        owner = next((name for name, u in self.users.items() if u["id"] == user_id), None)
        query = dict(request.url.params)
        size = int(query.get("max_results", "10"))
        if owner is None:
            return _problem(
                404, "Not Found Error", f"Could not find user with id: [{user_id}].", "about:blank"
            )
        if not 5 <= size <= 100:
            return _invalid("The `max_results` query parameter value is not between 5 and 100")
        excluded = set(filter(None, query.get("exclude", "").split(",")))
        if excluded - {"retweets", "replies"}:
            return _invalid(
                f"The `exclude` query parameter value [{query['exclude']}] is not one of [retweets, replies]"
            )
        since = _epoch(query["start_time"]) if "start_time" in query else None
        if since is False:
            return _invalid(f"The `start_time` query parameter value [{query['start_time']}] is not valid")
        mine = [
            t
            for t in reversed(self.tweets)
            if t.user == owner
            and not ("retweets" in excluded and t.retweet_of)
            and not ("replies" in excluded and t.reply_to)
            and (since is None or t.created >= since)
        ]
        offset = 0
        token = query.get("pagination_token")
        if token is not None:
            if not re.fullmatch(r"7140dibdnow9c7btw4[0-9a-f]+", token):
                return _invalid(f"The `pagination_token` query parameter value [{token}] is not valid")
            offset = int(token.removeprefix("7140dibdnow9c7btw4"), 16)
        page = mine[offset : offset + size]
        fields = set(query.get("tweet.fields", "").split(","))
        shown = [self._shown(t, fields) for t in page]
        self.post_reads += len(shown)
        meta: dict[str, Any] = {"result_count": len(shown)}
        if offset + size < len(mine):
            meta["next_token"] = f"7140dibdnow9c7btw4{offset + size:x}"
        return httpx.Response(200, json={"data": shown, "meta": meta} if shown else {"meta": meta})

    def lookup_many(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        """`GET /2/tweets?ids=` (1–100 ids): found posts in `data`, the others in `errors`."""
        ids = [i for i in request.url.params.get("ids", "").split(",") if i]
        if not 1 <= len(ids) <= 100 or not all(i.isdigit() for i in ids):
            return _invalid("The `ids` query parameter value must be 1 to 100 comma-separated Post IDs")
        fields = set(request.url.params.get("tweet.fields", "").split(","))
        found = {t.id: t for t in self.tweets}
        data = [self._shown(found[i], fields) for i in ids if i in found]
        errors = [_not_found_error(i) for i in ids if i not in found]
        self.post_reads += len(data)
        body: dict[str, Any] = {"data": data} if data else {}
        if errors:
            body["errors"] = errors
        return httpx.Response(200, json=body)

    def lookup_one(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        """`GET /2/tweets/{id}`: a deleted post is a 200 carrying a "Not Found Error"."""
        post_id = request.url.path.rsplit("/", 1)[1]
        tweet = next((t for t in self.tweets if t.id == post_id), None)
        if tweet is None:
            return httpx.Response(200, json={"errors": [_not_found_error(post_id)]})
        self.post_reads += 1
        fields = set(request.url.params.get("tweet.fields", "").split(","))
        return httpx.Response(200, json={"data": self._shown(tweet, fields)})

    def delete_tweet(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        """`DELETE /2/tweets/:id` (issue #24): {"data": {"deleted": true}}; tweet.write; only one's own.

        A post that is not there answers 404 (as v1.1's destroy did; the v2 reference shows only
        the success shape, so this is the fake's assumption, and the adapter takes both as gone).
        """
        if "tweet.write" not in grant.scopes:
            return _problem(403, "Forbidden", "Missing scope tweet.write", "about:blank")
        post_id = request.url.path.rsplit("/", 1)[1]
        tweet = next((t for t in self.tweets if t.id == post_id), None)
        if tweet is None:
            return httpx.Response(404, json={"errors": [_not_found_error(post_id)]})
        if tweet.user != grant.user:
            return _problem(403, "Forbidden", "You are not allowed to delete this Post.", "about:blank")
        self.tweets.remove(tweet)
        self.deleted.append(post_id)
        return httpx.Response(200, json={"data": {"deleted": True}})

    def public_metrics(self, tweet: Tweet) -> dict[str, int]:
        """Numbers that grow with the server's clock: a post gains attention as it ages."""
        minutes = max(0, int((self.now() - tweet.created) // 60))
        return {
            "retweet_count": minutes // 30,
            "reply_count": minutes // 20,
            "like_count": minutes // 6,
            "quote_count": minutes // 60,
            "bookmark_count": minutes // 40,
            "impression_count": minutes * 10,
        }

    def _shown(self, tweet: Tweet, fields: set[str]) -> dict[str, Any]:
        text = tweet.text if not tweet.retweet_of else f"RT @someone: {tweet.text}"
        item: dict[str, Any] = {
            "id": tweet.id,
            "text": html.escape(_URL.sub("https://t.co/AbCdEf1234", text), quote=False),
            "edit_history_tweet_ids": [tweet.id],
        }
        if "created_at" in fields:
            item["created_at"] = time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime(tweet.created))
        if "public_metrics" in fields:
            item["public_metrics"] = self.public_metrics(tweet)
        refs = [{"type": "replied_to", "id": tweet.reply_to}] if tweet.reply_to else []
        refs += [{"type": "retweeted", "id": tweet.retweet_of}] if tweet.retweet_of else []
        if "referenced_tweets" in fields and refs:
            item["referenced_tweets"] = refs
        return item

    def _upload(self, media_id: str, grant: Grant) -> Upload | httpx.Response:
        upload = self.uploads.get(media_id)
        if upload is None or upload.user != grant.user:
            return _invalid(f"media_id {media_id} is not valid")
        return upload


def _problem(status: int, title: str, detail: str, kind: str) -> httpx.Response:
    return httpx.Response(status, json={"title": title, "detail": detail, "type": kind, "status": status})


def _playable_on_x(upload: Upload) -> bool:
    """Whether X's processing takes the video: MP4, H.264 (4:2:0), ≤ 1280×1024, ≤ 60 fps (notes §1.4)."""
    import io

    import av

    data = b"".join(upload.chunks[i] for i in sorted(upload.chunks))
    try:
        with av.open(io.BytesIO(data)) as container:
            stream = container.streams.video[0]
            context = stream.codec_context
            return (
                "mp4" in container.format.name
                and context.name == "h264"
                and context.pix_fmt == "yuv420p"
                and stream.width <= 1280
                and stream.height <= 1024
                and float(stream.average_rate or 0) <= 60
            )
    except (av.error.FFmpegError, IndexError):
        return False


def _not_found_error(post_id: str) -> dict[str, str]:
    """X's partial error for a post it does not have (deleted, or never was)."""
    return {
        "value": post_id,
        "detail": f"Could not find tweet with id: [{post_id}].",
        "title": "Not Found Error",
        "resource_type": "tweet",
        "parameter": "id",
        "resource_id": post_id,
        "type": "https://api.twitter.com/2/problems/resource-not-found",
    }


def _epoch(value: str) -> float | bool:
    """An RFC 3339 time as epoch seconds, False when X would refuse it."""
    from datetime import datetime

    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return False


def _invalid(detail: str) -> httpx.Response:
    return _problem(400, "Invalid Request", detail, "https://api.x.com/2/problems/invalid-request")


def _multipart(request: httpx.Request) -> dict[str, Any]:
    content_type = request.headers.get("content-type", "")
    assert content_type.startswith("multipart/form-data"), content_type
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + request.content
    )
    fields: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        payload = part.get_payload(decode=True) or b""
        fields[str(name)] = payload if part.get_filename() else payload.decode()
    return fields
