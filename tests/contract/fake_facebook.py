"""A strict fake of Facebook's Graph API for Pages, Facebook Login and the Reels upload host.

Modelled on ../shared/platforms/meta-linkedin-tiktok-youtube.md §3 and §3.6 (Meta's Pages API posts
guide, Photo and Page feed references, Video API and Reels guides, error handling, rate limiting):

- Every Graph path is versioned (`/v25.0/…`); errors have Graph's one shape
  (`{"error": {"message", "type", "code", "error_subcode", "fbtrace_id"}}`).
- Tokens: short- and long-lived user tokens, Page tokens from `/me/accounts` (without expiry when
  made from a long-lived user token), code 190 with subcode 463 (expired) or 460 (password changed).
- Publishing to a Page needs the **Page's** token, the CREATE_CONTENT task and pages_manage_posts +
  pages_read_engagement: a user token gets Facebook's real error 200.
- Photos must be real JPEG/PNG/GIF under 10 MB; `attached_media` takes only unpublished photos of
  the same Page, each once; `link` and `attached_media` do not mix; the same text twice is 506.
- `scheduled_publish_time` needs `published=false` and a time 10 minutes to 30 days ahead, else
  "(#100) The specified scheduled publish time is invalid."; due posts go out as the clock passes.
- Chunked video upload (start/transfer/finish at the offsets the fake asks for) and Reels
  (start → bytes to the upload host with `Authorization: OAuth` → finish).
- Every answer carries `X-App-Usage`, and Page-token calls `X-Business-Use-Case-Usage`; `throttle`
  makes the Page's calls fail with 80001 and an `estimated_time_to_regain_access`.
"""

from __future__ import annotations

import base64
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

API = "https://graph.facebook.com"
WEB = "https://www.facebook.com"
RUPLOAD = "https://rupload.facebook.com"
APP_ID = "4242424242"
APP_SECRET = "fb-secret-do-not-leak"
ALL_PERMISSIONS = (
    "pages_show_list",
    "pages_read_engagement",
    "pages_manage_posts",
    "read_insights",
    "pages_manage_engagement",
)
ALL_TASKS = ("ANALYZE", "ADVERTISE", "MODERATE", "CREATE_CONTENT", "MANAGE")
SHORT_LIVED_S = 2 * 3600
LONG_LIVED_S = 60 * 86400
USER_TOKEN_ON_PAGE = (
    "(#200) If posting to a group, requires app being installed in the group, and either "
    "publish_to_groups permission with user token, or both pages_read_engagement and "
    "pages_manage_posts permission with page token; If posting to a page, requires both "
    "pages_read_engagement and pages_manage_posts as an admin with sufficient administrative permission"
)
BAD_TIME = "(#100) The specified scheduled publish time is invalid."
_VERSIONED = re.compile(r"^/v\d+\.\d+(/.*)$")
_PAGE_PREFIX = re.compile(r"^/\d+(?=/)")


@dataclass
class Token:
    kind: str  # user | page
    subject: str  # the user id or the Page id
    user: str
    app: str
    expires_at: float | None
    long_lived: bool = False
    revoked_subcode: int | None = None


@dataclass
class Photo:
    id: str
    page: str
    published: bool
    alt: str
    mime: str
    size: int
    used_by: str | None = None


@dataclass
class FbPost:
    id: str
    page: str
    message: str
    created: float
    kind: str = "status"  # status | link | photo | video | reel
    link: str | None = None
    photos: tuple[str, ...] = ()
    published: bool = True
    scheduled: int | None = None
    video_id: str | None = None
    parent_id: str | None = None  # a share of someone else's post
    comments: list[tuple[str, str, str, float]] = field(default_factory=list)  # id, message, from, when
    #: How each number grows per hour since the post (they move with the fake's clock).
    rates: dict[str, float] = field(default_factory=lambda: dict(RATES))


#: Post insight metrics still served (post_impressions* were retired for all versions in 2025)
#: and how fast the fake's numbers grow per hour.
RATES = {"post_media_view": 500.0, "post_total_media_view_unique": 300.0, "post_clicks": 20.0,
         "reactions": 15.0, "comments": 2.0, "shares": 1.0}  # fmt: skip
POST_METRICS = {"post_media_view", "post_total_media_view_unique", "post_clicks", "post_reactions_by_type_total",
                "post_clicks_by_type", "post_video_views"}  # fmt: skip
RETIRED = {"post_impressions", "post_impressions_unique", "post_impressions_paid", "post_impressions_organic",
           "post_engaged_users"}  # fmt: skip


@dataclass
class Video:
    id: str
    page: str
    kind: str  # video | reel
    size: int = 0
    received: int = 0
    session: str = ""
    post: str | None = None
    data: bytearray = field(default_factory=bytearray)


@dataclass
class FakeFacebook:
    """People, Pages, the creator's app, tokens, what was posted, and the faults to inject next."""

    users: dict[str, str] = field(default_factory=lambda: {"10001": "Alice Example"})
    pages: dict[str, dict[str, Any]] = field(
        default_factory=lambda: {
            "2001": {"name": "Dye Garden", "username": "dyegarden", "roles": {"10001": ALL_TASKS}},
            "2002": {"name": "Corner Bakery", "roles": {"10001": ("ANALYZE", "ADVERTISE")}},
        }
    )
    app_mode: str = "development"  # live apps accept only registered https redirects
    granted: dict[str, set[str]] = field(default_factory=dict)  # user → permissions granted the app
    deny: set[str] = field(default_factory=set)  # permissions the person unticks in the dialog
    now: Callable[[], float] = time.time
    chunk_size: int = 1 << 20
    upload_origin: str = RUPLOAD  # where Reels upload URLs point (loopback when another process uploads)
    app_usage: int = 7
    tokens: dict[str, Token] = field(default_factory=dict)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    photos: dict[str, Photo] = field(default_factory=dict)
    posts: list[FbPost] = field(default_factory=list)
    videos: dict[str, Video] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)
    faults: dict[str, list[Callable[[], httpx.Response]]] = field(default_factory=dict)
    edits: list[str] = field(default_factory=list)  # post ids whose message was edited (issue #24)
    store_then_fail: list[int] = field(default_factory=list)  # creates: 0 = answer lost, else a status
    throttled: dict[str, int] = field(default_factory=dict)  # page → minutes until calls work again
    transfers_before_outage: int | None = None  # video chunks accepted before one answers 503
    followers: int = 3100
    followers_per_day: float = 10.0
    comment_then_drop: int = 0  # next comments: made, then the answer is lost
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(900_000_001))
    started: float = 0.0

    def __post_init__(self) -> None:
        self.started = self.now()

    # -- helpers for tests ----------------------------------------------------------------------

    def issue_user(self, user: str = "10001", *, long_lived: bool = False, app: str = APP_ID) -> str:
        """A user token as Graph Explorer or the Login dialog would give it."""
        self.granted.setdefault(user, set(ALL_PERMISSIONS))
        lifetime = LONG_LIVED_S if long_lived else SHORT_LIVED_S
        token = f"EAA{'L' if long_lived else 'S'}{next(self._ids)}"
        self.tokens[token] = Token("user", user, user, app, self.now() + lifetime, long_lived)
        return token

    def page_token(self, page: str, user: str = "10001") -> str:
        """A Page token that never expires (as from a long-lived user token)."""
        self.granted.setdefault(user, set(ALL_PERMISSIONS))
        token = f"EAAP{next(self._ids)}"
        self.tokens[token] = Token("page", page, user, APP_ID, None, True)
        return token

    def expire_user_tokens(self) -> None:
        for token in self.tokens.values():
            if token.kind == "user":
                token.expires_at = self.now() - 1

    def change_password(self, user: str = "10001") -> None:
        """Every token of the person dies (Facebook's subcode 460)."""
        for token in self.tokens.values():
            if token.user == user:
                token.revoked_subcode = 460

    def fail(self, route: str, *responses: Callable[[], httpx.Response]) -> None:
        self.faults.setdefault(route, []).extend(responses)

    def creates(self) -> list[httpx.Request]:
        def is_create(r: httpx.Request) -> bool:
            path = _strip(r.url.path)
            form = _form(r)
            if path.endswith("/feed"):
                return r.method == "POST"
            return path.endswith(("/videos", "/video_reels")) and form.get("upload_phase") == "finish"

        return [r for r in self.requests if is_create(r)]

    def published(self, page: str = "2001") -> list[FbPost]:
        self._tick()
        return [p for p in self.posts if p.page == page and p.published]

    # -- dispatch ------------------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        url = urlsplit(str(request.url))
        origin = f"{url.scheme}://{url.netloc}"
        if origin == WEB:
            path = _strip(url.path)
            assert (request.method, path) == ("GET", "/dialog/oauth"), (
                f"no route {request.method} {path} on {WEB}"
            )
            return self._dialog(request)
        if url.path.startswith("/video-upload/"):
            route = "POST rupload"
            if self.faults.get(route):
                return self.faults[route].pop(0)()
            return self._rupload(request)
        assert origin == API, f"unexpected host {request.url}"
        match = _VERSIONED.match(url.path)
        if match is None:
            return _error(
                400, 2500, "Unknown path components: the Graph API version is missing", kind="OAuthException"
            )
        path = match.group(1)
        route = f"{request.method} {_PAGE_PREFIX.sub('/:page', path)}"
        if self.faults.get(route):
            return self.faults[route].pop(0)()
        self._tick()
        if path == "/oauth/access_token":
            return self._access_token(request)
        token, problem = self._token(request)
        if problem is not None:
            return problem
        assert token is not None
        if token.kind == "page" and token.subject in self.throttled:
            minutes = self.throttled[token.subject]
            return self._usage(
                _error(
                    400,
                    80001,
                    "(#80001) There have been too many calls to this Page account. Wait a bit and try again.",
                ),
                token,
                100,
                minutes,
            )
        return self._usage(self._route(request, path, token), token)

    def _route(self, request: httpx.Request, path: str, token: Token) -> httpx.Response:
        method = request.method
        parts = path.strip("/").split("/")
        if path == "/me":
            return self._me(request, token)
        if path == "/me/accounts":
            return self._accounts(token)
        if path == "/me/permissions":
            if token.kind != "user":
                return _nonexisting("permissions", "Page")
            return httpx.Response(
                200,
                json={"data": [{"permission": p, "status": "granted"} for p in sorted(self._granted(token))]},
            )
        if len(parts) == 2 and parts[0] in self.pages:
            page, edge = parts
            handlers = {
                ("POST", "photos"): self._photo,
                ("POST", "feed"): self._feed,
                ("GET", "posts"): self._posts,
                ("POST", "videos"): self._video_phase,
                ("POST", "video_reels"): self._reel_phase,
            }
            handler = handlers.get((method, edge))
            assert handler is not None, f"the fake Facebook has no route {method} /{{page}}/{edge}"
            return handler(request, token, page)
        if path == "/" and method == "GET":
            return self._multi(request, token)
        if len(parts) == 2 and parts[1] == "comments" and method in ("GET", "POST"):
            return self._comments(request, token, parts[0])
        if len(parts) == 1 and parts[0] in self.pages and method == "GET":
            info = self.pages[parts[0]]
            followers = int(
                self.followers + self.followers_per_day * max(0.0, self.now() - self.started) / 86400
            )
            node = {
                "id": parts[0],
                "name": info["name"],
                "username": info.get("username"),
                "followers_count": followers,
            }
            wanted = (request.url.params.get("fields") or "id,name").split(",")
            return httpx.Response(200, json={k: v for k, v in node.items() if k in wanted and v is not None})
        if len(parts) == 1 and method in ("GET", "POST", "DELETE"):
            return self._node(request, token, parts[0])
        raise AssertionError(f"the fake Facebook has no route {method} {path}")

    # -- Facebook Login -------------------------------------------------------------------------

    def _dialog(self, request: httpx.Request) -> httpx.Response:
        query = {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}
        if query.get("client_id") != APP_ID:
            return httpx.Response(
                400, text="Invalid App ID: The provided app ID does not look like a valid app ID."
            )
        redirect = query.get("redirect_uri", "")
        local = re.fullmatch(r"http://localhost:\d+/callback", redirect) is not None
        if not local or self.app_mode != "development":
            return httpx.Response(
                400,
                text="URL blocked: This redirect failed because the redirect URI is not whitelisted in the "
                "app's Client OAuth Settings.",
            )
        scopes = set(query.get("scope", "").split(",")) - {""}
        user = next(iter(self.users))
        self.granted[user] = (self.granted.get(user, set()) | scopes) - self.deny
        code = f"AQ{next(self._ids)}"
        self.codes[code] = {"user": user, "redirect": redirect, "issued": self.now()}
        back = urlencode({"code": code, "state": query.get("state", "")})
        return httpx.Response(302, headers={"Location": f"{redirect}?{back}#_=_"})

    def _access_token(self, request: httpx.Request) -> httpx.Response:
        query = {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}
        if query.get("client_id") != APP_ID:
            return _error(400, 101, "Error validating application. Invalid application ID.")
        if query.get("client_secret") != APP_SECRET:
            return _error(400, 1, "Error validating client secret.")
        if "code" in query:
            code = self.codes.pop(query["code"], None)
            if code is None or self.now() - code["issued"] > 600:
                return _error(400, 100, "This authorization code has been used.", subcode=36009)
            if query.get("redirect_uri") != code["redirect"]:
                return _error(
                    400,
                    100,
                    "Error validating verification code. Please make sure your redirect_uri is "
                    "identical to the one you used in the OAuth dialog request",
                    subcode=36008,
                )
            token = self.issue_user(code["user"])
            return httpx.Response(
                200, json={"access_token": token, "token_type": "bearer", "expires_in": SHORT_LIVED_S}
            )
        if query.get("grant_type") == "fb_exchange_token":
            old = self.tokens.get(query.get("fb_exchange_token", ""))
            if old is None or old.kind != "user" or not self._alive(old):
                return _error(400, 190, "Invalid OAuth access token - Cannot parse access token")
            token = self.issue_user(old.user, long_lived=True)
            return httpx.Response(
                200, json={"access_token": token, "token_type": "bearer", "expires_in": LONG_LIVED_S}
            )
        return _error(400, 100, "Missing redirect_uri parameter.", subcode=36007)

    # -- tokens ---------------------------------------------------------------------------------

    def _token(self, request: httpx.Request) -> tuple[Token | None, httpx.Response | None]:
        header = request.headers.get("authorization", "")
        raw = header.split(" ", 1)[1] if header.startswith(("Bearer ", "OAuth ")) else ""
        raw = raw or dict(parse_qs(request.url.query.decode())).get("access_token", [""])[0]
        if not raw:
            return None, _error(
                400, 2500, "An active access token must be used to query information about the current user."
            )
        token = self.tokens.get(raw)
        if token is None:
            return None, _error(400, 190, "Invalid OAuth access token - Cannot parse access token")
        if token.revoked_subcode == 460:
            return None, _error(
                400,
                190,
                "Error validating access token: The session has been invalidated because the user "
                "changed their password or Facebook has changed the session for security reasons.",
                subcode=460,
            )
        if not self._alive(token):
            stamp = datetime.fromtimestamp(token.expires_at or 0, UTC).strftime("%A, %d-%b-%y %H:%M:%S UTC")
            return None, _error(
                400, 190, f"Error validating access token: Session has expired on {stamp}.", subcode=463
            )
        return token, None

    def _alive(self, token: Token) -> bool:
        if token.revoked_subcode is not None:
            return False
        if token.kind == "page" and not token.long_lived:
            owner = next((t for t in self.tokens.values() if t.kind == "user" and t.user == token.user), None)
            return owner is not None and token.expires_at is not None and token.expires_at > self.now()
        return token.expires_at is None or token.expires_at > self.now()

    def _granted(self, token: Token) -> set[str]:
        return self.granted.get(token.user, set())

    def _may_publish(self, token: Token, page: str) -> httpx.Response | None:
        needed = {"pages_manage_posts", "pages_read_engagement"}
        tasks = self.pages[page]["roles"].get(token.user, ())
        if token.kind != "page" or token.subject != page or not needed <= self._granted(token):
            return _error(403, 200, USER_TOKEN_ON_PAGE)
        if "CREATE_CONTENT" not in tasks:
            return _error(
                403, 200, "(#200) The user must be an administrator, editor, or moderator of the page"
            )
        return None

    def _usage(
        self, response: httpx.Response, token: Token, page_percent: int = 3, minutes: int = 0
    ) -> httpx.Response:
        response.headers["X-App-Usage"] = json.dumps(
            {"call_count": self.app_usage, "total_cputime": 1, "total_time": 2}
        )
        if token.kind == "page":
            entry = {
                "type": "pages",
                "call_count": page_percent,
                "total_cputime": 1,
                "total_time": 1,
                "estimated_time_to_regain_access": minutes,
            }
            response.headers["X-Business-Use-Case-Usage"] = json.dumps({token.subject: [entry]})
        return response

    # -- reading --------------------------------------------------------------------------------

    def _me(self, request: httpx.Request, token: Token) -> httpx.Response:
        query = {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}
        if token.kind == "page":
            body: dict[str, Any] = {"id": token.subject, "name": self.pages[token.subject]["name"]}
        else:
            body = {"id": token.user, "name": self.users[token.user]}
        if query.get("metadata") == "1":
            body["metadata"] = {"type": token.kind}
        return httpx.Response(200, json=body)

    def _accounts(self, token: Token) -> httpx.Response:
        if token.kind != "user":
            return _nonexisting("accounts", "Page")
        if "pages_show_list" not in self._granted(token):
            return httpx.Response(200, json={"data": [], "paging": {}})
        data = []
        for page_id, info in self.pages.items():
            tasks = info["roles"].get(token.user)
            if tasks is None:
                continue
            page_token = f"EAAP{next(self._ids)}"
            self.tokens[page_token] = Token(
                "page",
                page_id,
                token.user,
                token.app,
                None if token.long_lived else token.expires_at,
                token.long_lived,
            )
            item = {
                "id": page_id,
                "name": info["name"],
                "access_token": page_token,
                "tasks": list(tasks),
                "category": "Local business",
            }
            if info.get("username"):
                item["username"] = info["username"]
            data.append(item)
        return httpx.Response(200, json={"data": data, "paging": {"cursors": {"before": "b", "after": "a"}}})

    def _posts(self, request: httpx.Request, token: Token, page: str) -> httpx.Response:
        query = {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}
        since = int(query.get("since", "0"))
        limit = int(query.get("limit", "25"))
        if not 1 <= limit <= 100:
            return _error(400, 100, "(#100) The limit parameter must be between 1 and 100")
        found = [p for p in reversed(self.posts) if p.page == page and p.published and p.created >= since]
        start = 0
        if query.get("after"):
            start = next((i + 1 for i, p in enumerate(found) if _cursor(p.id) == query["after"]), -1)
            if start < 0:
                return _error(400, 100, "(#100) Invalid cursor")
        chunk = found[start : start + limit]
        data = []
        for post in chunk:
            shown = self._expand(post, query.get("fields") or "id,message,created_time", token)
            if isinstance(shown, httpx.Response):
                return shown
            data.append(shown)
        paging: dict[str, Any] = {}
        if chunk:
            paging["cursors"] = {"before": _cursor(chunk[0].id), "after": _cursor(chunk[-1].id)}
            if start + limit < len(found):
                paging["next"] = f"{API}/v25.0/{page}/posts?after={_cursor(chunk[-1].id)}&limit={limit}"
        return httpx.Response(200, json={"data": data, "paging": paging})

    # -- after publishing: numbers, comments, multi-id reads --------------------------------------

    def post_elsewhere(
        self, message: str, *, hours_ago: float = 0, page: str = "2001", shared: bool = False
    ) -> str:
        """A post the Page made on facebook.com (or a share of someone else's post), not through Outpost."""
        post = FbPost(f"{page}_{next(self._ids)}", page, message, self.now() - hours_ago * 3600,
                      parent_id="777_888" if shared else None)  # fmt: skip
        self.posts.append(post)
        return post.id

    def delete(self, post_id: str) -> None:
        self.posts = [p for p in self.posts if p.id != post_id]

    def number(self, post: FbPost, name: str) -> int:
        hours = max(0.0, (self.now() - post.created) / 3600)
        value = int(post.rates.get(name, 0.0) * hours)
        return value + (len(post.comments) if name == "comments" else 0)

    def _expand(self, post: FbPost, fields: str, token: Token) -> dict[str, Any] | httpx.Response:
        """The requested fields of a post, with Graph's field expansions for counters and insights."""
        shown: dict[str, Any] = {"id": post.id}
        stamp = datetime.fromtimestamp(post.created, UTC).strftime("%Y-%m-%dT%H:%M:%S+0000")
        plain = {"message": post.message or None, "created_time": stamp, "parent_id": post.parent_id,
                 "permalink_url": f"{WEB}/{post.page}/posts/{post.id.split('_')[-1]}",
                 "is_published": post.published}  # fmt: skip
        for field_spec in _split_fields(fields):
            name = field_spec.split(".", 1)[0].split("{", 1)[0]
            if name == "id":
                continue
            if name in plain:
                if plain[name] is not None:
                    shown[name] = plain[name]
            elif name == "shares":
                if self.number(post, "shares"):
                    shown["shares"] = {"count": self.number(post, "shares")}  # absent when nobody shared
            elif name in ("reactions", "comments"):
                edge: dict[str, Any] = {"data": []}
                if "summary(true)" in field_spec or "summary(total_count)" in field_spec:
                    edge["summary"] = {"total_count": self.number(post, name), "order": "ranked"}
                shown[name] = edge
            elif name == "insights":
                if "read_insights" not in self._granted(token) or "ANALYZE" not in self.pages[post.page][
                    "roles"
                ].get(token.user, ()):
                    return _error(400, 10, "(#10) This endpoint requires the 'read_insights' permission or the "
                                  "ANALYZE task on the Page.")  # fmt: skip
                found = re.search(r"metric\(([^)]*)\)", field_spec)
                metrics = [m for m in (found.group(1) if found else "").split(",") if m]
                bad = [m for m in metrics if m not in POST_METRICS]
                if not metrics or bad:
                    return _error(
                        400, 100, f"(#100) The value must be a valid insights metric: {(bad or [''])[0]}"
                    )
                shown["insights"] = {"data": [
                    {"name": m, "period": "lifetime", "values": [{"value": self.number(post, m)}],
                     "title": m, "id": f"{post.id}/insights/{m}/lifetime"}
                    for m in metrics if m in RATES
                ], "paging": {}}  # fmt: skip
            else:
                return _nonexisting(name, "Post")
        return shown

    def _multi(self, request: httpx.Request, token: Token) -> httpx.Response:
        """`GET /?ids=a,b&fields=…` (Graph's multiple-id lookup, at most 50 ids)."""
        query = {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}
        ids = [i for i in query.get("ids", "").split(",") if i]
        if not ids:
            return _error(400, 100, "(#100) The parameter ids is required")
        if len(ids) > 50:
            return _error(400, 100, "(#100) Too many IDs. Maximum: 50")
        owned = {p.id: p for p in self.posts if token.kind == "page" and p.page == token.subject}
        videos = {v.id: v for v in self.videos.values() if token.kind == "page" and v.page == token.subject}
        missing = [i for i in ids if i not in owned and i not in videos]
        if missing:
            return _error(
                400, 100, f"(#100) Some of the aliases you requested do not exist: {','.join(missing)}"
            )
        body: dict[str, Any] = {}
        for item in ids:
            post = owned.get(item) or next((p for p in self.posts if p.video_id == item), None)
            if post is None:
                body[item] = {"id": item}
                continue
            fields = query.get("fields") or "id"
            if item in videos and ("shares" in fields or "insights" in fields):
                return _nonexisting("shares" if "shares" in fields else "insights", "Video")
            shown = self._expand(post, fields, token)
            if isinstance(shown, httpx.Response):
                return shown
            body[item] = {**shown, "id": item}
        return httpx.Response(200, json=body)

    def _comments(self, request: httpx.Request, token: Token, node: str) -> httpx.Response:
        post = next((p for p in self.posts if p.id == node or p.video_id == node), None)
        if post is None or token.kind != "page" or token.subject != post.page:
            return _error(400, 100, f"Unsupported {request.method.lower()} request. Object with ID '{node}' does "
                          "not exist, cannot be loaded due to missing permissions, or does not support this "
                          "operation.", subcode=33)  # fmt: skip
        if request.method == "GET":
            data = [{"id": cid, "message": text, "from": {"id": who, "name": self.pages[post.page]["name"]},
                     "created_time": datetime.fromtimestamp(at, UTC).strftime("%Y-%m-%dT%H:%M:%S+0000"),
                     "permalink_url": f"{WEB}/{post.page}/posts/{post.id.split('_')[-1]}?comment_id={cid.split('_')[-1]}"}
                    for cid, text, who, at in reversed(post.comments)]  # fmt: skip
            return httpx.Response(200, json={"data": data, "paging": {}})
        if "pages_manage_engagement" not in self._granted(token):
            return _error(403, 200, "(#200) Requires pages_manage_engagement permission to manage the object")
        message = str(_form(request).get("message") or "")
        if not message:
            return _error(400, 100, "(#100) Missing message or attachment")
        comment_id = f"{post.id.split('_')[-1]}_{next(self._ids)}"
        post.comments.append((comment_id, message, post.page, self.now()))
        if self.comment_then_drop:
            self.comment_then_drop -= 1
            raise httpx.ReadError("the answer to the comment was lost")
        answer: dict[str, Any] = {"id": comment_id}
        if "permalink_url" in request.url.params.get("fields", ""):
            answer["permalink_url"] = (
                f"{WEB}/{post.page}/posts/{post.id.split('_')[-1]}?comment_id={comment_id.split('_')[-1]}"
            )
        return httpx.Response(200, json=answer)

    def _edit_message(self, request: httpx.Request, token: Token, target: FbPost | None) -> httpx.Response:
        """`POST /{post-id}` with `message` (graph-api/reference/post, "Updating"): {"success": true}.

        The Page's token with pages_manage_posts; a Reel's or video's words live on the video, and a
        post shared from elsewhere cannot be edited (both refused here as Facebook does, code 100).
        """
        if target is None:
            return _error(400, 100, "(#100) This post could not be edited")
        refused = self._may_publish(token, target.page)
        if refused is not None:
            return refused
        if target.kind in ("video", "reel") or target.parent_id is not None:
            return _error(400, 100, "(#100) The message of this post cannot be edited")
        message = _form(request)["message"]
        if not isinstance(message, str) or len(message) > 63206:
            return _error(400, 100, "(#100) Param message must be a string of at most 63206 characters")
        target.message = message
        self.edits.append(target.id)
        return httpx.Response(200, json={"success": True})

    def _node(self, request: httpx.Request, token: Token, node: str) -> httpx.Response:
        post = next((p for p in self.posts if p.id == node), None)
        video = self.videos.get(node)
        owner = post.page if post else video.page if video else None
        if owner is None or token.kind != "page" or token.subject != owner:
            verb = {"GET": "get", "POST": "post", "DELETE": "delete"}[request.method]
            return _error(
                400,
                100,
                f"Unsupported {verb} request. Object with ID '{node}' does not exist, cannot be loaded due "
                "to missing permissions, or does not support this operation.",
                subcode=33,
            )
        target = post or next((p for p in self.posts if p.video_id == node), None)
        if request.method == "DELETE":
            if target is not None:
                self.posts.remove(target)
            self.videos.pop(node, None)
            return httpx.Response(200, json={"success": True})
        if request.method == "POST" and "message" in _form(request):  # issue #24: edit the words
            return self._edit_message(request, token, target)
        if request.method == "POST":
            when = _form(request).get("scheduled_publish_time")
            if target is None or target.published or target.scheduled is None:
                return _error(400, 100, "(#100) Only scheduled posts can be rescheduled")
            if not self._in_window(when):
                return _error(400, 100, BAD_TIME)
            target.scheduled = int(str(when))
            return httpx.Response(200, json={"success": True})
        if video is not None:
            complete = video.received >= video.size > 0
            status = {
                "video_status": "ready" if complete else "upload_complete" if complete else "uploading",
                "uploading_phase": {
                    "status": "complete" if complete else "in_progress",
                    "bytes_transferred": video.received,
                },
            }
            return httpx.Response(
                200,
                json={
                    "id": node,
                    "published": bool(target and target.published),
                    "status": status,
                    "permalink_url": f"/{video.page}/videos/{node}/",
                },
            )
        assert post is not None
        return httpx.Response(
            200,
            json={
                "id": node,
                "is_published": post.published,
                "message": post.message,
                "permalink_url": f"{WEB}/{post.page}/posts/{node.split('_')[1]}",
                **({"scheduled_publish_time": post.scheduled} if post.scheduled else {}),
            },
        )

    # -- publishing -----------------------------------------------------------------------------

    def _photo(self, request: httpx.Request, token: Token, page: str) -> httpx.Response:
        if (refused := self._may_publish(token, page)) is not None:
            return refused
        fields, files = _multipart(request)
        upload = files.get("source")
        if upload is None:
            return _error(400, 324, "(#324) Requires upload file")
        mime = _image_type(upload)
        if mime is None or len(upload) >= 10_000_000:
            return _error(
                400,
                100,
                "Your photos couldn't be uploaded. Photos should be less than 10 MB and saved as JPG, "
                "PNG or GIF files.",
                subcode=1366046,
            )
        photo = Photo(
            str(next(self._ids)),
            page,
            fields.get("published") != "false",
            fields.get("alt_text_custom", ""),
            mime,
            len(upload),
        )
        self.photos[photo.id] = photo
        if photo.published:
            post = FbPost(
                f"{page}_{next(self._ids)}",
                page,
                fields.get("caption", ""),
                self.now(),
                "photo",
                photos=(photo.id,),
            )
            self.posts.append(post)
            return httpx.Response(200, json={"id": photo.id, "post_id": post.id})
        return httpx.Response(200, json={"id": photo.id})

    def _feed(self, request: httpx.Request, token: Token, page: str) -> httpx.Response:
        if (refused := self._may_publish(token, page)) is not None:
            return refused
        body = (
            json.loads(request.content)
            if "json" in request.headers.get("content-type", "")
            else _form(request)
        )
        message, link = str(body.get("message") or ""), body.get("link")
        attached = body.get("attached_media") or []
        if isinstance(attached, str):
            attached = json.loads(attached)
        if not message and not link and not attached:
            return _error(400, 100, "(#100) A post needs a message, a link or attached_media")
        if len(message) > 63_206:
            return _error(400, 100, "(#100) The message is too long: 63206 characters at most")
        if link and attached:
            return _error(400, 100, "(#100) Only one of link or attached_media can be given")
        photo_ids = []
        for index, item in enumerate(attached):
            photo = self.photos.get(str((item or {}).get("media_fbid")))
            if photo is None or photo.page != page or photo.published or photo.used_by is not None:
                return _error(
                    400,
                    100,
                    f"(#100) param attached_media[{index}] must be an unpublished photo of this Page, used once",
                )
            photo_ids.append(photo.id)
        scheduled, problem = self._schedule_of(body)
        if problem is not None:
            return problem
        if scheduled is None and any(
            p.page == page
            and p.published
            and p.message == message
            and p.link == link
            and not p.photos
            and not photo_ids
            for p in self.posts
        ):
            return _error(400, 506, "(#506) Duplicate status message")
        kind = "photo" if photo_ids else "link" if link else "status"
        post = FbPost(
            f"{page}_{next(self._ids)}",
            page,
            message,
            self.now(),
            kind,
            link=link,
            photos=tuple(photo_ids),
            published=scheduled is None,
            scheduled=scheduled,
        )
        for photo_id in photo_ids:
            self.photos[photo_id].used_by = post.id
        self.posts.append(post)
        if (lost := self._lost()) is not None:
            return lost
        answer: dict[str, Any] = {"id": post.id}
        if "permalink_url" in request.url.params.get("fields", ""):
            answer["permalink_url"] = f"{WEB}/{page}/posts/{post.id.split('_')[1]}"
        return httpx.Response(200, json=answer)

    def _schedule_of(self, body: dict[str, Any]) -> tuple[int | None, httpx.Response | None]:
        when = body.get("scheduled_publish_time")
        published = body.get("published", True) not in (False, "false", "0")
        if when is None:
            return None, None
        if published:
            return None, _error(
                400, 100, "(#100) Scheduled posts must be created with published set to false"
            )
        if not self._in_window(when):
            return None, _error(400, 100, BAD_TIME)
        return int(str(when)), None

    def _in_window(self, when: object) -> bool:
        if not str(when).isdigit():
            return False
        return self.now() + 600 <= int(str(when)) <= self.now() + 30 * 86400

    def _video_phase(self, request: httpx.Request, token: Token, page: str) -> httpx.Response:
        if (refused := self._may_publish(token, page)) is not None:
            return refused
        fields, files = (
            _multipart(request)
            if "multipart" in request.headers.get("content-type", "")
            else (_form(request), {})
        )
        phase = fields.get("upload_phase")
        if phase == "start":
            size = int(fields.get("file_size") or 0)
            if size <= 0:
                return _error(400, 100, "(#100) file_size must be a positive number")
            video = Video(str(next(self._ids)), page, "video", size, session=str(next(self._ids)))
            self.videos[video.id] = video
            return httpx.Response(
                200,
                json={
                    "video_id": video.id,
                    "upload_session_id": video.session,
                    "start_offset": "0",
                    "end_offset": str(min(self.chunk_size, size)),
                },
            )
        video = next((v for v in self.videos.values() if v.session == fields.get("upload_session_id")), None)
        if video is None or video.page != page:
            return _error(
                400,
                6000,
                "(#6000) There was a problem uploading your video file. Please try again.",
                subcode=1363030,
            )
        if phase == "transfer":
            if self.transfers_before_outage == 0:
                self.transfers_before_outage = None
                return _error(503, 2, "(#2) Service temporarily unavailable", transient=True)
            if self.transfers_before_outage is not None:
                self.transfers_before_outage -= 1
            chunk = files.get("video_file_chunk", b"")
            expected_end = min(video.received + self.chunk_size, video.size)
            if (
                int(fields.get("start_offset", -1)) != video.received
                or len(chunk) != expected_end - video.received
            ):
                return _error(
                    400,
                    6001,
                    "(#6001) There was a problem uploading your video. Please try again.",
                    subcode=1363037,
                )
            video.data += chunk
            video.received += len(chunk)
            return httpx.Response(
                200,
                json={
                    "start_offset": str(video.received),
                    "end_offset": str(min(video.received + self.chunk_size, video.size)),
                },
            )
        if phase == "finish":
            if video.received != video.size:
                return _error(
                    400, 6000, "(#6000) The video file you selected is incomplete.", subcode=1363019
                )
            body = {
                "published": fields.get("published", "true"),
                "scheduled_publish_time": fields.get("scheduled_publish_time"),
            }
            if body["scheduled_publish_time"] is None:
                body.pop("scheduled_publish_time")
            return self._finish(video, fields.get("description", ""), body)
        return _error(400, 100, f"(#100) upload_phase must be one of start, transfer, finish, not {phase}")

    def _reel_phase(self, request: httpx.Request, token: Token, page: str) -> httpx.Response:
        if (refused := self._may_publish(token, page)) is not None:
            return refused
        fields = _form(request)
        phase = fields.get("upload_phase")
        if phase == "start":
            video = Video(str(next(self._ids)), page, "reel")
            self.videos[video.id] = video
            return httpx.Response(
                200,
                json={
                    "video_id": video.id,
                    "upload_url": f"{self.upload_origin}/video-upload/v25.0/{video.id}",
                },
            )
        video = self.videos.get(fields.get("video_id", ""))
        if video is None or video.page != page or video.kind != "reel":
            return _error(400, 100, "(#100) Invalid video_id")
        if phase == "finish":
            if video.size == 0 or video.received != video.size:
                return _error(400, 6000, "(#6000) The video is not uploaded yet.", subcode=1363019)
            state = fields.get("video_state")
            if state not in ("PUBLISHED", "SCHEDULED", "DRAFT"):
                return _error(400, 100, "(#100) video_state must be one of DRAFT, PUBLISHED, SCHEDULED")
            body: dict[str, Any] = {"published": "true" if state == "PUBLISHED" else "false"}
            if state == "SCHEDULED":
                body["scheduled_publish_time"] = fields.get("scheduled_publish_time", "")
            return self._finish(video, fields.get("description", ""), body)
        return _error(400, 100, f"(#100) upload_phase must be start or finish, not {phase}")

    def _rupload(self, request: httpx.Request) -> httpx.Response:
        video = self.videos.get(request.url.path.rstrip("/").rsplit("/", 1)[-1])
        header = request.headers.get("authorization", "")
        token = self.tokens.get(header.removeprefix("OAuth ")) if header.startswith("OAuth ") else None
        if token is None or not self._alive(token) or video is None or token.subject != video.page:
            return httpx.Response(
                401, json={"debug_info": {"type": "OAuthException", "message": "Invalid OAuth access token"}}
            )
        offset, size = int(request.headers.get("offset", "-1")), int(request.headers.get("file_size", "0"))
        if offset != video.received or size <= 0 or (video.size and size != video.size):
            return httpx.Response(
                400, json={"debug_info": {"type": "ProcessingFailedError", "message": "offset mismatch"}}
            )
        video.size = size
        video.data += request.content
        video.received += len(request.content)
        return httpx.Response(200, json={"success": True})

    def _finish(self, video: Video, description: str, body: dict[str, Any]) -> httpx.Response:
        scheduled, problem = self._schedule_of(body)
        if problem is not None:
            return problem
        published = scheduled is None and body.get("published") not in ("false", False)
        post = FbPost(
            f"{video.page}_{next(self._ids)}",
            video.page,
            description,
            self.now(),
            video.kind,
            published=published,
            scheduled=scheduled,
            video_id=video.id,
        )
        self.posts.append(post)
        video.post = post.id
        if (lost := self._lost()) is not None:
            return lost
        return httpx.Response(
            200, json={"success": True, **({"post_id": post.id} if video.kind == "reel" else {})}
        )

    def _lost(self) -> httpx.Response | None:
        """The create happened; its answer may now be lost (0) or replaced by a server error."""
        if not self.store_then_fail:
            return None
        status = self.store_then_fail.pop(0)
        if status == 0:
            raise httpx.ReadError("answer lost after the post was made")
        return _error(
            status, 2, "An unexpected error has occurred. Please retry your request later.", transient=True
        )

    def _tick(self) -> None:
        """Scheduled posts whose time has come go out (Facebook does it by itself)."""
        for post in self.posts:
            if not post.published and post.scheduled is not None and post.scheduled <= self.now():
                post.published, post.created = True, float(post.scheduled)


def _cursor(post_id: str) -> str:
    return base64.urlsafe_b64encode(f"cursor:{post_id}".encode()).decode().rstrip("=")


def _split_fields(fields: str) -> list[str]:
    """Top-level fields of a `fields=` list (commas inside `(…)` or `{…}` belong to an expansion)."""
    parts, depth, current = [], 0, ""
    for char in fields:
        if char in "({":
            depth += 1
        elif char in ")}":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    return [p for p in (*parts, current) if p]


def _strip(path: str) -> str:
    match = _VERSIONED.match(path)
    return match.group(1) if match else path


def _form(request: httpx.Request) -> dict[str, Any]:
    content_type = request.headers.get("content-type", "")
    if "multipart" in content_type:
        return _multipart(request)[0]
    if "json" in content_type:
        loaded = json.loads(request.content or b"{}")
        return loaded if isinstance(loaded, dict) else {}
    query = {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}
    return query | {k: v[0] for k, v in parse_qs(request.content.decode("latin-1")).items()}


def _multipart(request: httpx.Request) -> tuple[dict[str, str], dict[str, bytes]]:
    """The fields and files of a multipart/form-data body (strictly: a broken body is an error)."""
    boundary = request.headers.get("content-type", "").split("boundary=", 1)[1].strip('"').encode()
    fields: dict[str, str] = {}
    files: dict[str, bytes] = {}
    for chunk in request.content.split(b"--" + boundary)[1:]:
        if chunk.startswith(b"--"):
            break
        head, _, body = chunk.lstrip(b"\r\n").partition(b"\r\n\r\n")
        body = body.removesuffix(b"\r\n")
        disposition = next(
            line for line in head.decode().split("\r\n") if line.lower().startswith("content-disposition")
        )
        name = re.search(r'name="([^"]*)"', disposition)
        assert name is not None, disposition
        if "filename=" in disposition:
            files[name.group(1)] = body
        else:
            fields[name.group(1)] = body.decode()
    return fields, files


def _image_type(data: bytes) -> str | None:
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    return None


def _nonexisting(edge: str, node: str) -> httpx.Response:
    return _error(400, 100, f"(#100) Tried accessing nonexisting field ({edge}) on node type ({node})")


def _error(
    status: int,
    code: int,
    message: str,
    *,
    subcode: int | None = None,
    kind: str = "OAuthException",
    transient: bool = False,
) -> httpx.Response:
    error: dict[str, Any] = {"message": message, "type": kind, "code": code, "fbtrace_id": "AbCdEfGh123"}
    if subcode is not None:
        error["error_subcode"] = subcode
    if transient:
        error["is_transient"] = True
    return httpx.Response(status, json={"error": error})
