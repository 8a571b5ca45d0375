"""A strict fake of TikTok's Login Kit and Content Posting API, served over loopback by the tests.

Modelled on ../shared/platforms/meta-linkedin-tiktok-youtube.md §5 and TikTok for Developers
(direct-post, photo-post, query-creator-info, get-video-status, media-transfer-guide,
tiktok-api-v2-error-handling, content-sharing-guidelines). It refuses what TikTok refuses:

- every answer in the `{"data", "error": {"code", "message", "log_id"}}` envelope, with the
  HTTP statuses of TikTok's error table (401 access_token_invalid / scope_not_authorized, 403
  for the posting refusals, 400 invalid_params, 429 rate_limit_exceeded);
- per-token limits per minute: 6 inits, 20 creator_info queries, 30 status fetches;
- a privacy level not among the creator's `privacy_level_options`; an unaudited client posting
  anything but SELF_ONLY, or from a public account; branded content that is private;
- the chunk rules: `total_chunk_count == video_size // chunk_size`, chunks of 5 MB to 64 MB (the
  stricter reading of "MB" each time), the last up to 128 MB, files under 5 MB whole, files over
  64 MB in chunks, 1 to 1000 chunks; then the PUTs in order, each `Content-Range` matching the plan
  (416 otherwise), 206 until the file is whole, 201 then. An exact repeat of the chunk just taken
  is answered as before (a resend after a lost answer) — UNCONFIRMED, as are the upload host's
  error bodies (the v2 envelope is used);
- photos only from URL prefixes verified with TikTok (`url_ownership_unverified`), fetched for real.

A finished upload is processed over `processing_polls` status fetches, then PUBLISH_COMPLETE (a
public post gets its id; a private one never does) or FAILED with `fail_next` as the reason.
"""

from __future__ import annotations

import itertools
import json
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.contract.fake_oauth import App, AuthorizationServer, Grant

API = "https://open.tiktokapis.com"
WEB = "https://www.tiktok.com"
UPLOAD = "https://open-upload.tiktokapis.com"
CLIENT_KEY = "tt-client-key-42"
CLIENT_SECRET = "tt-secret-do-not-leak"
SCOPES = ("user.info.basic", "video.publish")
#: What the creator's app may ask for: publishing, plus reading its posts' numbers (issue #21).
APP_SCOPES = (*SCOPES, "video.list", "user.info.stats")
MB, MiB = 1_000_000, 1 << 20
LEVELS = ("PUBLIC_TO_EVERYONE", "MUTUAL_FOLLOW_FRIENDS", "FOLLOWER_OF_CREATOR", "SELF_ONLY")
LIMITS = {
    "init": 6,
    "creator_info": 20,
    "status": 30,
    "video_query": 600,
    "video_list": 600,
}  # per token per minute
BASIC_FIELDS = {"open_id", "union_id", "avatar_url", "avatar_url_100", "avatar_large_url", "display_name"}
PROFILE_FIELDS = {"username", "bio_description", "profile_deep_link", "is_verified"}
STATS_FIELDS = {"follower_count", "following_count", "likes_count", "video_count"}  # user.info.stats
VIDEO_FIELDS = {"id", "create_time", "cover_image_url", "share_url", "video_description", "duration", "height",
                "width", "title", "embed_html", "embed_link", "like_count", "comment_count", "share_count",
                "view_count"}  # fmt: skip


def envelope(status: int, code: str = "ok", message: str = "", data: Any = None) -> httpx.Response:
    log_id = f"2026112512000{secrets.token_hex(6).upper()}"
    body = {
        "data": {} if data is None else data,
        "error": {"code": code, "message": message, "log_id": log_id},
    }
    return httpx.Response(status, json=body)


def caption_units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Creator:
    username: str
    nickname: str
    open_id: str
    private: bool = False
    comment_disabled: bool = False
    duet_disabled: bool = False
    stitch_disabled: bool = False
    max_duration_s: int = 600
    daily_cap: int = 15
    banned: bool = False
    followers: int = 5000  # +10 an hour of the server's clock after `followers_from`
    followers_from: float = 0.0

    def levels(self) -> list[str]:
        return [level for level in LEVELS if not (self.private and level == "PUBLIC_TO_EVERYONE")]


@dataclass
class Upload:
    publish_id: str
    token: str
    user: str
    post_info: dict[str, Any]
    size: int
    chunk_size: int
    count: int
    expires_at: float
    received: int = 0
    data: bytearray = field(default_factory=bytearray)
    last_range: tuple[int, int] | None = None


@dataclass
class TikTokPost:
    publish_id: str
    user: str
    kind: str  # video | photo
    caption: str
    post_info: dict[str, Any]
    size: int
    polls_left: int
    fail_reason: str = ""
    status: str = "PROCESSING_UPLOAD"
    post_id: int | None = None
    photo_urls: tuple[str, ...] = ()
    photos: list[bytes] = field(default_factory=list)
    created: float = 0.0  # when it went public (the server's clock): its counts grow from there


class TikTokOAuth(AuthorizationServer):
    """TikTok's OAuth: `client_key`, a hex PKCE challenge, `open_id` and `refresh_expires_in` in answers."""

    open_ids: dict[str, str]

    def _tokens(
        self, user: str, scopes: tuple[str, ...], client_id: str, refresh_expires_at: float | None = None
    ) -> httpx.Response:
        answer = json.loads(super()._tokens(user, scopes, client_id, refresh_expires_at).content)
        answer["scope"] = ",".join(scopes)
        answer["open_id"] = self.open_ids.get(user, "")
        if "refresh_token" in answer:
            grant = self.refresh[answer["refresh_token"]]
            answer["refresh_expires_in"] = int(grant.expires_at - self.now())
        answer.pop("refresh_token_expires_in", None)
        return httpx.Response(200, json=answer)


@dataclass
class FakeTikTok:
    """Creators, uploads, posts, and the faults to inject next."""

    creators: dict[str, Creator] = field(
        default_factory=lambda: {"alice": Creator("alice.makes", "Alice Makes", "open-alice-1")}
    )
    oauth: TikTokOAuth = field(
        default_factory=lambda: TikTokOAuth(
            access_lifetime_s=2 * 3600,
            refresh_lifetime_s=180 * 86400,
            basic_auth=False,
            refresh_scope=None,
            client_id_param="client_key",
            pkce_hex=True,
        )
    )
    audited: bool = True
    verified_prefixes: list[str] = field(default_factory=list)
    upload_origin: str = UPLOAD
    processing_polls: int = 1
    fail_next: list[str] = field(default_factory=list)  # fail_reason of the next posts
    uploads: dict[str, Upload] = field(default_factory=dict)
    posts: list[TikTokPost] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)
    faults: dict[str, list[Callable[[], httpx.Response]]] = field(default_factory=dict)
    lose_answers: dict[str, int] = field(default_factory=dict)  # route → answers to lose after acting
    calls: dict[tuple[str, str], list[float]] = field(default_factory=dict)
    #: Per-token limits per minute (TikTok's); a test that is not about them may lift them.
    limits: dict[str, int] = field(default_factory=lambda: dict(LIMITS))
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(7_311_000_000_000_000_001))

    def __post_init__(self) -> None:
        self.oauth.open_ids = {user: c.open_id for user, c in self.creators.items()}
        self.register_app(8765)

    def register_app(self, port: int) -> None:
        self.oauth.apps[CLIENT_KEY] = App(
            CLIENT_KEY, (f"http://127.0.0.1:{port}/callback",), CLIENT_SECRET, frozenset(APP_SCOPES), True
        )

    def fail(self, route: str, *responses: Callable[[], httpx.Response]) -> None:
        self.faults.setdefault(route, []).extend(responses)

    def inits(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path.endswith("/init/")]

    def published(self) -> list[TikTokPost]:
        return [p for p in self.posts if p.status == "PUBLISH_COMPLETE"]

    # -- dispatch ------------------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        url = urlsplit(str(request.url))
        origin, route = f"{url.scheme}://{url.netloc}", f"{request.method} {url.path}"
        if self.faults.get(route):
            return self.faults[route].pop(0)()
        response = self._route(origin, route, request)
        if self.lose_answers.get(route):
            self.lose_answers[route] -= 1
            raise httpx.RemoteProtocolError("the answer was lost (injected)")
        return response

    def _route(self, origin: str, route: str, request: httpx.Request) -> httpx.Response:
        if origin == WEB:
            assert route == "GET /v2/auth/authorize/", f"the fake TikTok has no route {route} on {origin}"
            return self.oauth.authorize(request)
        if route == "PUT /upload/":
            return self.upload_chunk(request)
        assert origin == API, f"unexpected host {request.url}"
        if route == "POST /v2/oauth/token/":
            return self.oauth.token(request)
        if route == "POST /v2/oauth/revoke/":
            return self.oauth.revoke(request)
        handlers: dict[str, tuple[Callable[[httpx.Request, Grant], httpx.Response], str | None]] = {
            "GET /v2/user/info/": (self.user_info, None),
            "POST /v2/post/publish/creator_info/query/": (self.creator_info, "creator_info"),
            "POST /v2/post/publish/video/init/": (self.video_init, "init"),
            "POST /v2/post/publish/content/init/": (self.photo_init, "init"),
            "POST /v2/post/publish/status/fetch/": (self.status, "status"),
            "POST /v2/video/query/": (self.video_query, "video_query"),
            "POST /v2/video/list/": (self.video_list, "video_list"),
        }
        assert route in handlers, f"the fake TikTok has no route {route} (unexpected request)"
        handler, limit = handlers[route]
        grant = self.oauth.user_of(request)
        if grant is None:
            return envelope(
                401, "access_token_invalid", "The access token is invalid or not found in the request."
            )
        if route.startswith("POST") and not request.headers.get("content-type", "").startswith(
            "application/json"
        ):
            return envelope(400, "invalid_params", "Content-Type must be application/json; charset=UTF-8")
        if route.startswith("POST /v2/video/") and "video.list" not in grant.scopes:
            return envelope(
                401,
                "scope_not_authorized",
                "The user did not authorize the scope required for completing this request.",
            )
        if route.startswith("POST /v2/post/") and "video.publish" not in grant.scopes:
            return envelope(401, "scope_not_authorized", "The user did not authorize the scope required.")
        if limit is not None and not self._within_limit(request, limit):
            return envelope(
                429, "rate_limit_exceeded", "The API rate limit was exceeded. Please try again later."
            )
        return handler(request, grant)

    def _within_limit(self, request: httpx.Request, kind: str) -> bool:
        now = self.oauth.now()
        key = (request.headers.get("authorization", ""), kind)
        recent = [t for t in self.calls.get(key, []) if now - t < 60]
        self.calls[key] = recent
        if len(recent) >= self.limits[kind]:
            return False
        recent.append(now)
        return True

    # -- identity ------------------------------------------------------------------------------

    def user_info(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        fields = set(request.url.params.get("fields", "").split(","))
        if fields == {""}:
            return envelope(400, "invalid_params", "fields is required")
        if (
            "user.info.basic" not in grant.scopes
            or (fields & PROFILE_FIELDS and "user.info.profile" not in grant.scopes)
            or (fields & STATS_FIELDS and "user.info.stats" not in grant.scopes)
        ):
            return envelope(401, "scope_not_authorized", "The user did not authorize the scope required.")
        unknown = fields - BASIC_FIELDS - PROFILE_FIELDS - STATS_FIELDS
        if unknown:
            return envelope(400, "invalid_params", f"unknown fields {sorted(unknown)}")
        creator = self.creators[grant.user]
        known = {"open_id": creator.open_id, "union_id": f"u-{creator.open_id}", "display_name": creator.nickname,
                 "avatar_url": f"https://p16.tiktokcdn.example/{creator.open_id}.jpeg", "username": creator.username}  # fmt: skip
        if fields & STATS_FIELDS:
            hours = int((self.oauth.now() - creator.followers_from) // 3600) if creator.followers_from else 0
            mine = [p for p in self.posts if p.user == grant.user and p.post_id is not None]
            known |= {"follower_count": creator.followers + 10 * max(0, hours), "following_count": 12,
                      "likes_count": 4321, "video_count": len(mine)}  # fmt: skip
        return envelope(200, data={"user": {k: v for k, v in known.items() if k in fields}})

    def creator_info(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        creator = self.creators[grant.user]
        refused = self._cannot_post(grant.user)
        if refused is not None:
            return refused
        return envelope(
            200,
            data={
                "creator_avatar_url": f"https://p16.tiktokcdn.example/{creator.open_id}.jpeg?ttl=2h",
                "creator_username": creator.username,
                "creator_nickname": creator.nickname,
                "privacy_level_options": creator.levels(),
                "comment_disabled": creator.comment_disabled,
                "duet_disabled": creator.duet_disabled,
                "stitch_disabled": creator.stitch_disabled,
                "max_video_post_duration_sec": creator.max_duration_s,
            },
        )

    def _cannot_post(self, user: str) -> httpx.Response | None:
        creator = self.creators[user]
        if creator.banned:
            return envelope(403, "spam_risk_user_banned_from_posting", "The user is banned from posting.")
        if sum(1 for p in self.posts if p.user == user) >= creator.daily_cap:
            return envelope(403, "spam_risk_too_many_posts", "The daily post cap from API is reached.")
        return None

    # -- posting -------------------------------------------------------------------------------

    def _post_info_problem(self, user: str, info: dict[str, Any], *, photo: bool) -> httpx.Response | None:
        creator = self.creators[user]
        level = info.get("privacy_level")
        if level not in creator.levels():
            return envelope(
                403, "privacy_level_option_mismatch", "privacy_level is not among privacy_level_options"
            )
        if not self.audited and (level != "SELF_ONLY" or not creator.private):
            return envelope(
                403,
                "unaudited_client_can_only_post_to_private_accounts",
                "Unaudited clients can only post to private accounts with SELF_ONLY privacy.",
            )
        text_field, limit = ("description", 4000) if photo else ("title", 2200)
        if caption_units(str(info.get(text_field, ""))) > limit:
            return envelope(400, "invalid_params", f"{text_field} is longer than {limit}")
        if photo and caption_units(str(info.get("title", ""))) > 90:
            return envelope(400, "invalid_params", "title is longer than 90")
        if info.get("brand_content_toggle") is True and level == "SELF_ONLY":  # UNCONFIRMED wording
            return envelope(400, "invalid_params", "Branded content visibility cannot be set to private.")
        for interaction in ("comment", "duet", "stitch"):
            if photo and interaction != "comment" and f"disable_{interaction}" in info:
                return envelope(400, "invalid_params", f"disable_{interaction} does not apply to photos")
            if getattr(creator, f"{interaction}_disabled") and info.get(f"disable_{interaction}") is False:
                return envelope(400, "invalid_params", f"{interaction} is disabled by the creator")
        return self._cannot_post(user)

    def video_init(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        body = json.loads(request.content or b"{}")
        info, source = body.get("post_info") or {}, body.get("source_info") or {}
        problem = self._post_info_problem(grant.user, info, photo=False)
        if problem is not None:
            return problem
        if source.get("source") != "FILE_UPLOAD":
            return envelope(400, "invalid_params", "only FILE_UPLOAD is modelled by this fake")
        size, chunk, count = (source.get(k) for k in ("video_size", "chunk_size", "total_chunk_count"))
        if not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in (size, chunk, count)):
            return envelope(
                400, "invalid_params", "video_size, chunk_size and total_chunk_count are required"
            )
        assert isinstance(size, int) and isinstance(chunk, int) and isinstance(count, int)
        refused = chunk_plan_problem(size, chunk, count)
        if refused:
            return envelope(400, "invalid_params", refused)
        n = next(self._ids)
        upload = Upload(f"v_pub_file~v2-1.{n}", secrets.token_urlsafe(12), grant.user, info, size, chunk,
                        count, self.oauth.now() + 3600)  # fmt: skip
        self.uploads[str(n)] = upload
        url = f"{self.upload_origin}/upload/?upload_id={n}&upload_token={upload.token}"
        return envelope(200, data={"publish_id": upload.publish_id, "upload_url": url})

    def upload_chunk(self, request: httpx.Request) -> httpx.Response:
        query = {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}
        upload = self.uploads.get(query.get("upload_id", ""))
        if upload is None or query.get("upload_token") != upload.token:
            return envelope(404, "invalid_params", "The upload URL is invalid.")
        if self.oauth.now() >= upload.expires_at:
            return envelope(403, "invalid_params", "The upload URL has expired.")
        if request.headers.get("content-type") not in ("video/mp4", "video/quicktime", "video/webm"):
            return envelope(
                400, "invalid_params", "Content-Type must be video/mp4, video/quicktime or video/webm"
            )
        match = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+)", request.headers.get("content-range", ""))
        if match is None:
            return envelope(400, "invalid_params", "Content-Range is missing or malformed")
        first, last, total = (int(g) for g in match.groups())
        if total != upload.size or last < first or len(request.content) != last - first + 1:
            return envelope(400, "invalid_params", "Content-Range does not match the video or the body")
        if (first, last) == upload.last_range and upload.data[first : last + 1] == request.content:
            return httpx.Response(201 if upload.received == upload.size else 206)  # a resend: same answer
        index = first // upload.chunk_size
        expected_last = upload.size - 1 if index == upload.count - 1 else first + upload.chunk_size - 1
        if first != upload.received or last != expected_last or upload.received == upload.size:
            return envelope(416, "invalid_params", f"expected bytes {upload.received}-… of the plan")
        upload.data += request.content
        upload.received, upload.last_range = last + 1, (first, last)
        if upload.received < upload.size:
            return httpx.Response(206)
        self._new_post(upload.publish_id, upload.user, "video", upload.post_info, upload.size)
        return httpx.Response(201)

    def photo_init(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        body = json.loads(request.content or b"{}")
        info, source = body.get("post_info") or {}, body.get("source_info") or {}
        if body.get("media_type") != "PHOTO" or body.get("post_mode") not in ("DIRECT_POST", "MEDIA_UPLOAD"):
            return envelope(400, "invalid_params", "media_type must be PHOTO and post_mode DIRECT_POST")
        problem = self._post_info_problem(grant.user, info, photo=True)
        if problem is not None:
            return problem
        urls = source.get("photo_images") or []
        if source.get("source") != "PULL_FROM_URL" or not 1 <= len(urls) <= 35:
            return envelope(400, "invalid_params", "photos come by PULL_FROM_URL, 1 to 35 of them")
        if not all(any(u.startswith(p) for p in self.verified_prefixes) for u in urls):
            return envelope(403, "url_ownership_unverified", "The URL's domain or prefix is not verified.")
        publish_id = f"p_pub_url~v2-1.{next(self._ids)}"
        post = self._new_post(publish_id, grant.user, "photo", info, 0)
        post.status, post.photo_urls = "PROCESSING_DOWNLOAD", tuple(urls)
        return envelope(200, data={"publish_id": publish_id})

    def _new_post(self, publish_id: str, user: str, kind: str, info: dict[str, Any], size: int) -> TikTokPost:
        caption = str(info.get("description" if kind == "photo" else "title", ""))
        reason = self.fail_next.pop(0) if self.fail_next else ""
        post = TikTokPost(publish_id, user, kind, caption, info, size, self.processing_polls, reason)
        self.posts.append(post)
        return post

    def status(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        publish_id = json.loads(request.content or b"{}").get("publish_id")
        post = next((p for p in self.posts if p.publish_id == publish_id and p.user == grant.user), None)
        if post is None:
            upload = next((u for u in self.uploads.values() if u.publish_id == publish_id), None)
            if upload is None or upload.user != grant.user:
                return envelope(400, "invalid_params", "publish_id is invalid")
            return envelope(200, data={"status": "PROCESSING_UPLOAD", "fail_reason": "",
                                       "uploaded_bytes": upload.received, "downloaded_bytes": 0})  # fmt: skip
        if post.status.startswith("PROCESSING"):
            if post.kind == "photo" and not post.photos:
                self._pull(post)
            if post.polls_left > 0:
                post.polls_left -= 1
            elif post.fail_reason:
                post.status = "FAILED"
            else:
                post.status = "PUBLISH_COMPLETE"
                post.created = self.oauth.now()
                if post.post_info.get("privacy_level") != "SELF_ONLY":
                    post.post_id = next(self._ids)
        data: dict[str, Any] = {
            "status": post.status,
            "fail_reason": post.fail_reason if post.status == "FAILED" else "",
            "uploaded_bytes": post.size,
            "downloaded_bytes": sum(len(p) for p in post.photos),
        }
        if post.post_id is not None:
            data["publicaly_available_post_id"] = [post.post_id]
        return envelope(200, data=data)

    # -- the Display API (video/query, video/list) ---------------------------------------------

    def add_video(self, user: str, caption: str, created: float) -> TikTokPost:
        """A public video the creator posted in the TikTok app (not through Outpost)."""
        post = TikTokPost(f"v_pub_app~{next(self._ids)}", user, "video", caption, {}, 0, 0,
                          status="PUBLISH_COMPLETE", post_id=next(self._ids), created=created)  # fmt: skip
        self.posts.append(post)
        return post

    def video_object(self, post: TikTokPost, fields: set[str]) -> dict[str, Any]:
        """A video as the Display API shows it; its counts grow with the server's clock."""
        minutes = max(0, int((self.oauth.now() - post.created) // 60))
        handle = self.creators[post.user].username
        known: dict[str, Any] = {"id": str(post.post_id), "create_time": int(post.created), "title": "",
                 "video_description": post.caption, "share_url": f"{WEB}/@{handle}/video/{post.post_id}",
                 "duration": 12, "view_count": minutes * 25, "like_count": minutes * 2,
                 "comment_count": minutes // 10, "share_count": minutes // 30}  # fmt: skip
        return {k: v for k, v in known.items() if k in fields}

    def _fields(self, request: httpx.Request) -> set[str] | httpx.Response:
        fields = set(request.url.params.get("fields", "").split(","))
        if fields == {""} or fields - VIDEO_FIELDS:
            return envelope(400, "invalid_params", f"Invalid fields: {sorted(fields - VIDEO_FIELDS)}")
        return fields

    def _listed(self, user: str) -> list[TikTokPost]:
        mine = [p for p in self.posts if p.user == user and p.post_id is not None and p.kind == "video"]
        return sorted(mine, key=lambda p: -p.created)

    def video_query(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        """The creator's own videos by id, 1 to 20 of them; unknown ids are simply absent."""
        fields = self._fields(request)
        if isinstance(fields, httpx.Response):
            return fields
        ids = (json.loads(request.content or b"{}").get("filters") or {}).get("video_ids")
        if not isinstance(ids, list) or not 1 <= len(ids) <= 20:
            return envelope(400, "invalid_params", "filters.video_ids must hold 1 to 20 video ids")
        by_id = {str(p.post_id): p for p in self._listed(grant.user)}
        videos = [self.video_object(by_id[str(i)], fields) for i in ids if str(i) in by_id]
        return envelope(200, data={"videos": videos, "cursor": 0, "has_more": False})

    def video_list(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        """The creator's public videos, newest first; `cursor` (Unix ms) pages back in time."""
        fields = self._fields(request)
        if isinstance(fields, httpx.Response):
            return fields
        body = json.loads(request.content or b"{}")
        count, cursor = body.get("max_count", 10), body.get("cursor")
        if not isinstance(count, int) or not 1 <= count <= 20:
            return envelope(400, "invalid_params", "max_count must be 1 to 20")
        if cursor is not None and not isinstance(cursor, int):
            return envelope(400, "invalid_params", "cursor must be a Unix time in milliseconds")
        older = [p for p in self._listed(grant.user) if cursor is None or p.created * 1000 < cursor]
        page = older[:count]
        data = {
            "videos": [self.video_object(p, fields | {"id"}) for p in page],
            "cursor": int(page[-1].created * 1000) if page else (cursor or 0),
            "has_more": len(older) > count,
        }
        return envelope(200, data=data)

    def _pull(self, post: TikTokPost) -> None:
        """TikTok downloads the photos from the (verified) URLs it was given."""
        for url in post.photo_urls:
            fetched = httpx.get(url, timeout=5)
            if fetched.status_code != 200:
                post.fail_reason, post.polls_left = "photo_pull_failed", 0
                return
            post.photos.append(fetched.content)


def chunk_plan_problem(size: int, chunk: int, count: int) -> str | None:
    """What TikTok says of a FILE_UPLOAD plan that breaks the media transfer guide (None: fine)."""
    if size < 5 * MiB and (chunk != size or count != 1):
        return "A video under 5 MB must be uploaded whole: chunk_size must equal video_size."
    if count != size // chunk:
        return "The total chunk count is invalid: it must be video_size / chunk_size rounded down."
    if not 1 <= count <= 1000:
        return "The total chunk count must be between 1 and 1000."
    if count == 1 and chunk != size:
        return "A video in one chunk must have chunk_size equal to video_size."
    if count == 1 and size > 64 * MB:
        return "A video over 64 MB must be uploaded in chunks."
    if count > 1 and not 5 * MiB <= chunk <= 64 * MB:
        return "The chunk size is invalid: chunks are 5 MB to 64 MB."
    if size - (count - 1) * chunk > 128 * MB:
        return "The final chunk is over 128 MB."
    return None
