"""A strict fake of the Threads API (graph.threads.net) and its sign-in, served over loopback.

Modelled on ../shared/platforms/x-bluesky-mastodon-threads.md §4 and Meta's Threads docs (posts,
get-access-tokens-and-permissions, long-lived-tokens, troubleshooting, overview, replies):

- the Authorization Window redirects only to the app's registered https address (with `#_`
  appended, as Meta does), the code is exchanged once, with the app secret, for a one-hour token;
  `th_exchange_token` makes it a 60-day one; `th_refresh_token` renews a token at least a day old;
- every refusal is a Graph envelope (`{"error": {"message", "type", "code", "error_subcode",
  "fbtrace_id", …}}`): 190/463 for an expired token, 10 for a missing permission, 100 for a bad
  parameter, 4 once the 250-posts-a-day quota is used;
- a container is IN_PROGRESS for a few status reads, then FINISHED; publishing it before then is
  refused, and a container is published at most once; 24 hours unpublished, it EXPIRES;
- images and videos are downloaded, for real, from the URL given (the test's media host): an
  image when its container is made (a 403/404 refuses it with Meta's 2207052 "Media download has
  failed"), a video while it is processed (ERROR `FAILED_DOWNLOADING_VIDEO`), so a file deleted
  too early fails the post as it would on Threads;
- text over 500 characters (emoji counted as UTF-8 bytes) and more than 5 distinct links are
  refused at container creation (`THREADS_API__LINK_LIMIT_EXCEEDED`).

Where Meta does not document an answer's exact wording (publishing too early, twice, over quota,
renewing too young a token), the fake uses the Graph API's usual shape and codes, and says so.
"""

from __future__ import annotations

import base64
import itertools
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import regex

API = "https://graph.threads.net"
WEB = "https://threads.com"
CLIENT_ID = "990602627938098"
CLIENT_SECRET = "th-secret-do-not-leak"
REDIRECT = "https://outpost.example/threads-callback"
ALL_SCOPES = (
    "threads_basic",
    "threads_content_publish",
    "threads_read_replies",
    "threads_manage_insights",
    "threads_delete",  # issue #24
)
SHORT_LIFETIME = 3600
LONG_LIFETIME = 5_183_944  # the docs' example expires_in: ~60 days
DAY = 86_400
QUOTA_TOTAL = 250
CONTAINER_FIELDS = {
    "media_type", "text", "image_url", "video_url", "is_carousel_item", "children", "reply_to_id",
    "reply_control", "topic_tag", "alt_text", "link_attachment", "quote_post_id",
}  # fmt: skip
PROFILE_FIELDS = {"id", "username", "name", "threads_profile_picture_url", "threads_biography", "is_verified"}
REPLY_CONTROLS = {
    "everyone",
    "accounts_you_follow",
    "mentioned_only",
    "parent_post_author_only",
    "followers_only",
}
_EMOJI = regex.compile(r"\p{Emoji_Presentation}|\ufe0f|\u20e3|\p{Regional_Indicator}")
_LINK = regex.compile(r"https?://\S+|www\.\S+|\b[\w-]+\.(?:com|net|org|io|dev|app)\b\S*", regex.IGNORECASE)


def threads_length(text: str) -> int:
    """Threads' count, written independently of Outpost's: emoji clusters by UTF-8 bytes."""
    return sum(
        len(cluster.encode()) if _EMOJI.search(cluster) else len(cluster)
        for cluster in regex.findall(r"\X", text)
    )


@dataclass
class Token:
    user: str
    scopes: tuple[str, ...]
    issued_at: float
    expires_at: float
    long_lived: bool
    client_id: str = CLIENT_ID


@dataclass
class Container:
    id: str
    owner: str
    fields: dict[str, str]
    created_at: float
    status: str = "IN_PROGRESS"
    polls_left: int = 1
    error_message: str | None = None
    published_as: str | None = None

    @property
    def media_type(self) -> str:
        return self.fields["media_type"]


@dataclass
class ThreadsPost:
    id: str
    owner: str
    text: str
    media_type: str
    timestamp: float
    shortcode: str
    reply_to: str | None
    children: int = 0
    topic_tag: str | None = None
    reply_control: str = "everyone"
    alt_texts: tuple[str, ...] = ()
    #: How each media insight grows per hour since the post (numbers change as the clock moves).
    rates: dict[str, float] = field(default_factory=lambda: dict(DEFAULT_RATES))


#: Media insight metrics (developers.facebook.com/documentation/threads/insights) and how fast
#: the fake's numbers grow per hour after a post.
DEFAULT_RATES = {"views": 120.0, "likes": 6.0, "replies": 1.0, "reposts": 0.5, "quotes": 0.25, "shares": 0.5}
USER_METRICS = {
    "views",
    "likes",
    "replies",
    "reposts",
    "quotes",
    "clicks",
    "followers_count",
    "follower_demographics",
}


def graph_error(
    status: int, code: int, message: str, *, subcode: int | None = None, title: str = "", user_msg: str = ""
) -> httpx.Response:
    error: dict[str, Any] = {"message": message, "type": "OAuthException", "code": code}
    if subcode is not None:
        error["error_subcode"] = subcode
    if title or user_msg:
        error |= {"is_transient": False, "error_user_title": title, "error_user_msg": user_msg}
    error["fbtrace_id"] = "A" + secrets.token_urlsafe(15)
    return httpx.Response(status, json={"error": error})


def _no_permission() -> httpx.Response:
    return graph_error(400, 10, "(#10) Application does not have permission for this action")


@dataclass
class FakeThreads:
    """Users, tokens, containers, posts; the faults to inject next; what happened."""

    users: dict[str, dict[str, str]] = field(
        default_factory=lambda: {
            "alice": {
                "id": "25811431751815486",
                "username": "alice.makes",
                "name": "Alice Example",
                "threads_profile_picture_url": "https://scontent.cdninstagram.com/alice.jpg",
            }
        }
    )
    app_scopes: frozenset[str] = frozenset(ALL_SCOPES)
    redirect_uris: tuple[str, ...] = (REDIRECT,)
    now: Callable[[], float] = time.time
    text_polls: int = 1
    image_polls: int = 1
    video_polls: int = 2
    quota_total: int = QUOTA_TOTAL
    tokens: dict[str, Token] = field(default_factory=dict)
    codes: dict[str, dict[str, Any]] = field(default_factory=dict)
    containers: dict[str, Container] = field(default_factory=dict)
    posts: list[ThreadsPost] = field(default_factory=list)
    requests: list[httpx.Request] = field(default_factory=list)
    fetched: list[str] = field(default_factory=list)
    refused_fetches: list[str] = field(default_factory=list)
    early_publishes: int = 0
    faults: dict[str, list[Callable[[], httpx.Response]]] = field(default_factory=dict)
    deleted: list[str] = field(default_factory=list)  # post ids deleted (issue #24)
    #: After the next publishes go through: 0 drops the answer, another number answers that status.
    publish_then_fail: list[int] = field(default_factory=list)
    fetch_client: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=10))
    followers: int = 1200
    followers_per_day: float = 24.0
    #: Reads (insights, lists) left before the app is throttled (code 4); None: no limit.
    read_budget: int | None = None
    regain_minutes: int = 12
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(17_890_000_000_000_001))
    started: float = 0.0

    def __post_init__(self) -> None:
        self.started = self.now()

    # -- helpers for tests ----------------------------------------------------------------------

    def issue(self, user: str = "alice", scopes: tuple[str, ...] = ALL_SCOPES, *, age_s: float = 0) -> str:
        """A long-lived token as if the person had signed in `age_s` seconds ago."""
        token = f"THAA{secrets.token_urlsafe(24)}"
        issued = self.now() - age_s
        self.tokens[token] = Token(user, scopes, issued, issued + LONG_LIFETIME, long_lived=True)
        return token

    def fail(self, route: str, *responses: Callable[[], httpx.Response]) -> None:
        self.faults.setdefault(route, []).extend(responses)

    def user_id(self, user: str = "alice") -> str:
        return self.users[user]["id"]

    def publishes(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == "POST" and r.url.path.endswith("/threads_publish")]

    def texts(self) -> list[str]:
        return [p.text for p in self.posts]

    # -- dispatch ------------------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        url = urlsplit(str(request.url))
        origin = f"{url.scheme}://{url.netloc}"
        path = url.path
        parts = path.strip("/").split("/")
        if origin == WEB:
            assert path == "/oauth/authorize", f"the fake Threads has no page {path}"
            return self.authorize(request)
        assert origin == API, f"unexpected host {request.url}"
        shape = "/".join(
            "{user}"
            if (i == 1 and p.isdigit() and len(parts) > 2)
            else "{id}"
            if (i == 1 and p.isdigit())
            else p
            for i, p in enumerate(parts)
        )
        route = f"{request.method} /{shape}"
        if self.faults.get(route):
            return self.faults[route].pop(0)()
        token_routes: dict[str, Callable[[httpx.Request], httpx.Response]] = {
            "POST /oauth/access_token": self.exchange_code,
            "GET /access_token": self.exchange_long_lived,
            "GET /refresh_access_token": self.refresh,
        }
        if route in token_routes:
            return token_routes[route](request)
        grant, user = self._grant(request)
        if grant is None:
            return user  # type: ignore[return-value]  # the 190 answer
        assert isinstance(user, str)
        handlers: dict[str, Callable[[httpx.Request, Token, str], httpx.Response]] = {
            "GET /v1.0/me": self.me,
            "GET /v1.0/me/threads": lambda r, g, u: self.listing(r, g, u, replies=False),
            "GET /v1.0/me/replies": lambda r, g, u: self.listing(r, g, u, replies=True),
            "GET /v1.0/{user}/threads_publishing_limit": self.publishing_limit,
            "POST /v1.0/{user}/threads": self.create_container,
            "POST /v1.0/{user}/threads_publish": self.publish,
            "GET /v1.0/{id}": self.read_object,
            "DELETE /v1.0/{id}": self.delete_post,
        }
        if request.method == "GET" and route in (
            "GET /v1.0/{user}/insights",
            "GET /v1.0/{user}/threads_insights",
            "GET /v1.0/me/threads",
            "GET /v1.0/{id}",
        ):
            throttled = self._spend_read(user)
            if throttled is not None:
                return throttled
        if route == "GET /v1.0/{user}/insights":  # media insights: the id is a post's, not a user's
            return self.media_insights(request, grant, user, parts[1])
        handlers["GET /v1.0/{user}/threads_insights"] = self.user_insights
        handler = handlers.get(route)
        assert handler is not None, f"the fake Threads has no route {route} (unexpected request)"
        if "{user}" in route and parts[1] != self.users[user]["id"]:
            return graph_error(400, 100, f"(#100) Object with ID '{parts[1]}' does not exist")
        return handler(request, grant, user)

    def _grant(self, request: httpx.Request) -> tuple[Token | None, str | httpx.Response]:
        auth = request.headers.get("authorization", "")
        query = _query(request)
        token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else query.get("access_token", "")
        grant = self.tokens.get(token)
        if grant is None:
            return None, graph_error(400, 190, "Invalid OAuth access token - Cannot parse access token")
        if grant.expires_at <= self.now():
            ended = datetime.fromtimestamp(grant.expires_at, UTC).strftime("%A, %d-%b-%y %H:%M:%S UTC")
            return None, graph_error(
                400, 190, f"Error validating access token: Session has expired on {ended}.", subcode=463
            )
        return grant, grant.user

    # -- sign-in -------------------------------------------------------------------------------

    def authorize(self, request: httpx.Request) -> httpx.Response:
        query = _query(request)
        if query.get("client_id") != CLIENT_ID:
            return httpx.Response(400, text="Invalid platform app")
        redirect = query.get("redirect_uri", "")
        if redirect not in self.redirect_uris:
            return httpx.Response(
                400, text="Invalid redirect_uri: it is not in the app's Redirect Callback URLs"
            )
        scopes = tuple(s for s in query.get("scope", "").split(",") if s)
        back: dict[str, str] = {"state": query.get("state", "")}
        if query.get("response_type") != "code" or not scopes or not set(scopes) <= self.app_scopes:
            back |= {"error": "invalid_request", "error_description": "Invalid scope or response_type"}
        else:
            code = f"AQ{secrets.token_urlsafe(32)}"
            self.codes[code] = {"redirect": redirect, "scopes": scopes, "issued": self.now(), "user": "alice"}
            back["code"] = code
        return httpx.Response(302, headers={"Location": f"{redirect}?{urlencode(back)}#_"})

    def exchange_code(self, request: httpx.Request) -> httpx.Response:
        form = {k: v[0] for k, v in parse_qs(request.content.decode()).items()}
        if form.get("client_id") != CLIENT_ID or form.get("client_secret") != CLIENT_SECRET:
            return graph_error(400, 101, "Error validating client secret.")
        if form.get("grant_type") != "authorization_code":
            return graph_error(400, 100, "Unsupported grant_type")
        code = self.codes.pop(form.get("code", ""), None)
        if code is None or self.now() - code["issued"] > 600:
            return graph_error(400, 100, "Invalid verification code format.", subcode=36007)
        if form.get("redirect_uri") != code["redirect"]:
            return graph_error(400, 100, "Error validating verification code. Please make sure your redirect_uri "
                               "is identical to the one you used in the OAuth dialog request", subcode=36008)  # fmt: skip
        token = f"THAAshort{secrets.token_urlsafe(20)}"
        now = self.now()
        self.tokens[token] = Token(code["user"], code["scopes"], now, now + SHORT_LIFETIME, long_lived=False)
        return httpx.Response(200, json={"access_token": token, "user_id": int(self.user_id(code["user"]))})

    def exchange_long_lived(self, request: httpx.Request) -> httpx.Response:
        query = _query(request)
        if query.get("grant_type") != "th_exchange_token":
            return graph_error(400, 100, "Unsupported grant_type")
        if query.get("client_secret") != CLIENT_SECRET:
            return graph_error(400, 101, "Error validating client secret.")
        grant, user = self._grant(request)
        if grant is None:
            return user  # type: ignore[return-value]
        if grant.long_lived:
            return graph_error(400, 100, "Only short-lived tokens can be exchanged")  # modelled wording
        now = self.now()
        token = f"THAA{secrets.token_urlsafe(24)}"
        self.tokens[token] = Token(grant.user, grant.scopes, now, now + LONG_LIFETIME, long_lived=True)
        return httpx.Response(
            200, json={"access_token": token, "token_type": "bearer", "expires_in": LONG_LIFETIME}
        )

    def refresh(self, request: httpx.Request) -> httpx.Response:
        query = _query(request)
        if query.get("grant_type") != "th_refresh_token":
            return graph_error(400, 100, "Unsupported grant_type")
        grant, user = self._grant(request)
        if grant is None:
            return user  # type: ignore[return-value]
        if not grant.long_lived or self.now() - grant.issued_at < DAY:
            # The docs: refreshable once at least 24 hours old (the wording is modelled).
            return graph_error(400, 100, "(#100) The access token must be at least 24 hours old to refresh")
        now = self.now()
        token = f"THAA{secrets.token_urlsafe(24)}"
        self.tokens[token] = Token(grant.user, grant.scopes, now, now + LONG_LIFETIME, long_lived=True)
        return httpx.Response(
            200, json={"access_token": token, "token_type": "bearer", "expires_in": LONG_LIFETIME}
        )

    # -- reading -------------------------------------------------------------------------------

    def me(self, request: httpx.Request, grant: Token, user: str) -> httpx.Response:
        fields = _fields(request) or ["id"]
        profile = self.users[user]
        unknown = [f for f in fields if f not in PROFILE_FIELDS]
        if unknown:
            return graph_error(400, 100, f"(#100) Tried accessing nonexisting field ({unknown[0]})")
        return httpx.Response(
            200, json={"id": profile["id"], **{f: profile[f] for f in fields if f in profile}}
        )

    def publishing_limit(self, request: httpx.Request, grant: Token, user: str) -> httpx.Response:
        if "threads_content_publish" not in grant.scopes:
            return _no_permission()
        entry: dict[str, Any] = {}
        for name in _fields(request):
            if name == "quota_usage":
                entry[name] = self._used(user)
            elif name == "config":
                entry[name] = {"quota_total": self.quota_total, "quota_duration": DAY}
            else:
                return graph_error(400, 100, f"(#100) Tried accessing nonexisting field ({name})")
        return httpx.Response(200, json={"data": [entry]})

    def listing(self, request: httpx.Request, grant: Token, user: str, *, replies: bool) -> httpx.Response:
        if replies and "threads_read_replies" not in grant.scopes:
            return _no_permission()
        query = _query(request)
        since = float(query.get("since") or 0)
        limit = int(query.get("limit") or 25)
        if not 1 <= limit <= 100:
            return graph_error(400, 100, "(#100) The parameter limit must be between 1 and 100")
        mine = [
            p for p in reversed(self.posts)
            if p.owner == user and (p.reply_to is not None) == replies and p.timestamp >= since
        ]  # fmt: skip
        start = 0
        if query.get("after"):
            start = next((i + 1 for i, p in enumerate(mine) if _cursor(p.id) == query["after"]), -1)
            if start < 0:
                return graph_error(400, 100, "(#100) The after cursor is not valid")
        page = mine[start : start + limit]
        body: dict[str, Any] = {"data": [self._shown(p, _fields(request)) for p in page]}
        if page:
            body["paging"] = {"cursors": {"before": _cursor(page[0].id), "after": _cursor(page[-1].id)}}
            if start + limit < len(mine):
                body["paging"]["next"] = f"{API}{request.url.path}?after={_cursor(page[-1].id)}&limit={limit}"
        return httpx.Response(200, json=body)

    def read_object(self, request: httpx.Request, grant: Token, user: str) -> httpx.Response:
        object_id = request.url.path.rsplit("/", 1)[1]
        fields = _fields(request)
        container = self.containers.get(object_id)
        if container is not None and container.owner == user:
            self._advance(container)
            shown: dict[str, Any] = {"id": container.id}
            for name in fields:
                if name == "status":
                    shown["status"] = container.status
                elif name == "error_message":
                    if container.error_message:
                        shown["error_message"] = container.error_message
                else:
                    return graph_error(400, 100, f"(#100) Tried accessing nonexisting field ({name})")
            return httpx.Response(200, json=shown)
        post = next((p for p in self.posts if p.id == object_id and p.owner == user), None)
        if post is None:
            return graph_error(
                400, 100, f"Unsupported get request. Object with ID '{object_id}' does not exist", subcode=33
            )
        return httpx.Response(200, json=self._shown(post, fields))

    def delete_post(self, request: httpx.Request, grant: Token, user: str) -> httpx.Response:
        """`DELETE /{threads-media-id}` (issue #24, …/threads/posts/delete-posts): `threads_delete`;
        {"success": true, "deleted_id": …}; 100 deletes a day per account; one's own posts only."""
        if "threads_delete" not in grant.scopes:
            return _no_permission()
        object_id = request.url.path.rsplit("/", 1)[1]
        post = next((p for p in self.posts if p.id == object_id and p.owner == user), None)
        if post is None:
            return graph_error(
                400,
                100,
                f"Unsupported delete request. Object with ID '{object_id}' does not exist",
                subcode=33,
            )
        if len(self.deleted) >= 100:  # one account in these tests
            return graph_error(400, 4, "(#4) Application request limit reached")
        self.posts.remove(post)
        self.deleted.append(object_id)
        return httpx.Response(200, json={"success": True, "deleted_id": object_id})

    def _shown(self, post: ThreadsPost, fields: list[str]) -> dict[str, Any]:
        username = next(u["username"] for n, u in self.users.items() if n == post.owner)
        values: dict[str, Any] = {
            "id": post.id,
            "text": post.text,
            "timestamp": datetime.fromtimestamp(post.timestamp, UTC).strftime("%Y-%m-%dT%H:%M:%S+0000"),
            "media_type": post.media_type,
            "permalink": f"https://www.threads.net/@{username}/post/{post.shortcode}",
            "shortcode": post.shortcode,
            "is_reply": post.reply_to is not None,
            "topic_tag": post.topic_tag,
            "username": username,
        }
        shown = {"id": post.id}
        for name in fields:
            if name in values and values[name] is not None and (name != "text" or post.text):
                shown[name] = values[name]
        return shown

    # -- after publishing: insights, followers, posts made elsewhere, deleted posts -------------

    def post_elsewhere(
        self, text: str, *, hours_ago: float = 0, user: str = "alice", repost: bool = False
    ) -> str:
        """A post the person made in the Threads app (or a repost of someone else's), not through Outpost."""
        post = ThreadsPost(
            id=str(next(self._ids)),
            owner=user,
            text=text,
            media_type="REPOST_FACADE" if repost else "TEXT_POST",
            timestamp=self.now() - hours_ago * 3600,
            shortcode=secrets.token_urlsafe(8).replace("-", "A").replace("_", "B"),
            reply_to=None,
        )
        self.posts.append(post)
        return post.id

    def delete(self, post_id: str) -> None:
        """The person deleted the post in the app: reading it answers Graph's "does not exist"."""
        self.posts = [p for p in self.posts if p.id != post_id]

    def insight(self, post: ThreadsPost, metric: str) -> int:
        """The metric now: grows with the hours since the post (real replies count too)."""
        hours = max(0.0, (self.now() - post.timestamp) / 3600)
        value = int(post.rates.get(metric, 0.0) * hours)
        if metric == "replies":
            value += sum(1 for p in self.posts if p.reply_to == post.id)
        return value

    def media_insights(
        self, request: httpx.Request, grant: Token, user: str, media_id: str
    ) -> httpx.Response:
        if "threads_manage_insights" not in grant.scopes:
            return _no_permission()
        post = next((p for p in self.posts if p.id == media_id and p.owner == user), None)
        if post is None:
            return graph_error(
                400, 100, f"Unsupported get request. Object with ID '{media_id}' does not exist, cannot be "
                "loaded due to missing permissions, or does not support this operation", subcode=33,
            )  # fmt: skip
        metrics = [m for m in _query(request).get("metric", "").split(",") if m]
        if not metrics:
            return graph_error(400, 100, "(#100) The parameter metric is required")
        for index, name in enumerate(metrics):
            if name not in DEFAULT_RATES:
                return graph_error(400, 100, f"(#100) metric[{index}] must be one of the following values: "
                                   f"{', '.join(DEFAULT_RATES)}")  # fmt: skip
        if post.media_type == "REPOST_FACADE":  # "An empty array will be returned for REPOST_FACADE posts"
            return httpx.Response(200, json={"data": []})
        data = [
            {"name": name, "period": "lifetime", "values": [{"value": self.insight(post, name)}],
             "title": name.title(), "description": "", "id": f"{post.id}/insights/{name}/lifetime"}
            for name in metrics
        ]  # fmt: skip
        return httpx.Response(200, json={"data": data})

    def user_insights(self, request: httpx.Request, grant: Token, user: str) -> httpx.Response:
        if "threads_manage_insights" not in grant.scopes:
            return _no_permission()
        metrics = [m for m in _query(request).get("metric", "").split(",") if m]
        if not metrics or any(m not in USER_METRICS for m in metrics):
            return graph_error(400, 100, f"(#100) metric must be one of {sorted(USER_METRICS)}")
        data = []
        for name in metrics:
            if name != "followers_count":
                continue  # the fake models the follower count only
            value = int(self.followers + self.followers_per_day * max(0.0, self.now() - self.started) / DAY)
            data.append({"name": name, "period": "day", "title": "followers_count", "description": "",
                         "total_value": {"value": value}, "id": f"{self.user_id(user)}/insights/{name}/day"})  # fmt: skip
        return httpx.Response(200, json={"data": data})

    def _spend_read(self, user: str) -> httpx.Response | None:
        """Throttling as the Graph API answers it (code 4 with the usage header); Threads'
        own rate-limit headers are UNCONFIRMED (platform notes §4.5), so the Graph API's are used."""
        if self.read_budget is None:
            return None
        if self.read_budget > 0:
            self.read_budget -= 1
            return None
        usage = {self.user_id(user): [{"type": "threads", "call_count": 100, "total_cputime": 20,
                                       "total_time": 30, "estimated_time_to_regain_access": self.regain_minutes}]}  # fmt: skip
        response = graph_error(400, 4, "(#4) Application request limit reached")
        response.headers["X-Business-Use-Case-Usage"] = json.dumps(usage)
        response.headers["X-App-Usage"] = json.dumps(
            {"call_count": 100, "total_cputime": 20, "total_time": 30}
        )
        return response

    # -- publishing ----------------------------------------------------------------------------

    def create_container(self, request: httpx.Request, grant: Token, user: str) -> httpx.Response:
        if "threads_content_publish" not in grant.scopes:
            return _no_permission()
        fields = {**_query(request), **{k: v[0] for k, v in parse_qs(request.content.decode()).items()}}
        fields.pop("access_token", None)
        unknown = sorted(set(fields) - CONTAINER_FIELDS)
        if unknown:
            return graph_error(400, 100, f"(#100) Param {unknown[0]} is not supported")
        problem = self._check_fields(fields, user)
        if problem is not None:
            return problem
        media_type = fields["media_type"]
        container = Container(str(next(self._ids)), user, fields, self.now())
        container.polls_left = {
            "TEXT": self.text_polls,
            "IMAGE": self.image_polls,
            "VIDEO": self.video_polls,
        }.get(media_type, self.text_polls)
        if media_type == "IMAGE":
            refused = self._download(fields["image_url"], ("image/jpeg", "image/png"))
            if refused:
                return graph_error(
                    400, 1, "An unknown error has occurred.", subcode=2207052, title="Media download has failed.",
                    user_msg=f"The media could not be fetched from this URI: {fields['image_url']}. ({refused})",
                )  # fmt: skip
        self.containers[container.id] = container
        return httpx.Response(200, json={"id": container.id})

    def _check_fields(self, fields: dict[str, str], user: str) -> httpx.Response | None:
        media_type = fields.get("media_type", "")
        if media_type not in ("TEXT", "IMAGE", "VIDEO", "CAROUSEL"):
            return graph_error(
                400, 100, "(#100) Param media_type must be one of {TEXT, IMAGE, VIDEO, CAROUSEL}"
            )
        text = fields.get("text", "")
        if media_type == "TEXT" and not text:
            return graph_error(400, 100, "(#100) The parameter text is required for media_type TEXT")
        if threads_length(text) > 500:
            return graph_error(
                400, 100, "(#100) Invalid parameter", user_msg="text must be at most 500 characters"
            )
        if len({m.lower().rstrip("/") for m in _LINK.findall(text)}) > 5:
            return graph_error(
                400, 100, "THREADS_API__LINK_LIMIT_EXCEEDED: posts may contain at most 5 links"
            )
        for needed, kind in (("image_url", "IMAGE"), ("video_url", "VIDEO")):
            if media_type == kind and not fields.get(needed):
                return graph_error(400, 100, f"(#100) The parameter {needed} is required")
        if fields.get("is_carousel_item") == "true" and media_type not in ("IMAGE", "VIDEO"):
            return graph_error(400, 100, "(#100) Only images and videos can be carousel items")
        if len(fields.get("alt_text", "")) > 1000:
            return graph_error(400, 100, "(#100) Param alt_text must be at most 1000 characters")
        control = fields.get("reply_control")
        if control is not None and control not in REPLY_CONTROLS:
            return graph_error(
                400, 100, f"(#100) Param reply_control must be one of {sorted(REPLY_CONTROLS)}"
            )
        tag = fields.get("topic_tag")
        if tag is not None and (not 1 <= len(tag) <= 50 or "." in tag or "&" in tag):
            return graph_error(
                400, 100, "(#100) Param topic_tag must be 1-50 characters without periods or ampersands"
            )
        reply_to = fields.get("reply_to_id")
        if reply_to is not None and not any(p.id == reply_to for p in self.posts):
            return graph_error(
                400, 100, f"(#100) Param reply_to_id: object with ID '{reply_to}' does not exist"
            )
        if media_type == "CAROUSEL":
            return self._check_children(fields.get("children", ""), user)
        return None

    def _check_children(self, children: str, user: str) -> httpx.Response | None:
        ids = [c for c in children.split(",") if c]
        if not 2 <= len(ids) <= 20:
            return graph_error(400, 100, "(#100) A carousel needs 2 to 20 children")
        for child_id in ids:
            child = self.containers.get(child_id)
            if child is None or child.owner != user or child.fields.get("is_carousel_item") != "true":
                return graph_error(400, 100, f"(#100) Child {child_id} is not a carousel item of this user")
            self._advance(child)
            if child.status != "FINISHED":
                return graph_error(
                    400, 9007, "Media ID is not available", subcode=2207027, title="Media Not Ready",
                    user_msg="The media is not ready for publishing, please wait for a moment",
                )  # fmt: skip
        return None

    def publish(self, request: httpx.Request, grant: Token, user: str) -> httpx.Response:
        if "threads_content_publish" not in grant.scopes:
            return _no_permission()
        form = {**_query(request), **{k: v[0] for k, v in parse_qs(request.content.decode()).items()}}
        container = self.containers.get(form.get("creation_id", ""))
        if container is None or container.owner != user or container.fields.get("is_carousel_item") == "true":
            return graph_error(400, 100, "(#100) Param creation_id is not a valid container")
        self._advance(container)
        if container.status == "PUBLISHED":  # a container is published once (wording modelled)
            return graph_error(400, 100, "(#100) This container has already been published")
        if container.status != "FINISHED":
            self.early_publishes += 1
            # Instagram's documented answer for the same case; Threads shares the Graph pipeline.
            return graph_error(
                400, 9007, "Media ID is not available", subcode=2207027, title="Media Not Ready",
                user_msg="The media is not ready for publishing, please wait for a moment",
            )  # fmt: skip
        is_reply = "reply_to_id" in container.fields
        if not is_reply and self._used(user) >= self.quota_total:
            return graph_error(
                400, 4, "(#4) Application request limit reached",
                user_msg=f"This profile has reached its limit of {self.quota_total} posts in 24 hours.",
            )  # fmt: skip
        post = self._post(container)
        if self.publish_then_fail:
            status = self.publish_then_fail.pop(0)
            if status == 0:
                raise httpx.ReadError("answer lost after the post was published")
            if status == 10:  # the false failure Threads sends for some publishes that went through
                return graph_error(500, 10, "(#10) Application does not have permission for this action")
            return graph_error(
                status, 2, "An unexpected error has occurred. Please retry your request later."
            )
        return httpx.Response(200, json={"id": post.id})

    def _post(self, container: Container) -> ThreadsPost:
        fields = container.fields
        alts: tuple[str, ...] = ()
        children = [c for c in fields.get("children", "").split(",") if c]
        if children:
            alts = tuple(self.containers[c].fields.get("alt_text", "") for c in children)
        elif "alt_text" in fields:
            alts = (fields["alt_text"],)
        post = ThreadsPost(
            id=str(next(self._ids)),
            owner=container.owner,
            text=fields.get("text", ""),
            media_type={"TEXT": "TEXT_POST", "CAROUSEL": "CAROUSEL_ALBUM"}.get(
                container.media_type, container.media_type
            ),
            timestamp=self.now(),
            shortcode=secrets.token_urlsafe(8).replace("-", "A").replace("_", "B"),
            reply_to=fields.get("reply_to_id"),
            children=len(children),
            topic_tag=fields.get("topic_tag"),
            reply_control=fields.get("reply_control", "everyone"),
            alt_texts=alts,
        )
        self.posts.append(post)
        container.status, container.published_as = "PUBLISHED", post.id
        return post

    def _advance(self, container: Container) -> None:
        """One status read's worth of processing; a video is downloaded when it is processed."""
        if container.status in ("FINISHED", "IN_PROGRESS") and self.now() - container.created_at > DAY:
            container.status = "EXPIRED"
        if container.status != "IN_PROGRESS":
            return
        if container.polls_left > 0:
            container.polls_left -= 1
            return
        if container.media_type == "VIDEO":
            refused = self._download(container.fields["video_url"], ("video/mp4", "video/quicktime"))
            if refused:
                container.status, container.error_message = "ERROR", "FAILED_DOWNLOADING_VIDEO"
                return
        container.status = "FINISHED"

    def _download(self, url: str, types: tuple[str, ...]) -> str | None:
        """Fetch `url` as Meta's crawler would; the reason it failed, or None."""
        try:
            response = self.fetch_client.get(url)
        except httpx.HTTPError as exc:
            self.refused_fetches.append(url)
            return f"could not connect: {exc}"
        if response.status_code != 200:
            self.refused_fetches.append(url)
            return f"HTTP {response.status_code}"
        kind = response.headers.get("content-type", "").split(";")[0]
        if kind not in types or not response.content:
            self.refused_fetches.append(url)
            return f"unsupported content type {kind}"
        self.fetched.append(url)
        return None

    def _used(self, user: str) -> int:
        since = self.now() - DAY
        return sum(1 for p in self.posts if p.owner == user and p.reply_to is None and p.timestamp >= since)


def _cursor(post_id: str) -> str:
    """An opaque-looking cursor for a post (Graph cursors are base64 strings)."""
    return base64.urlsafe_b64encode(f"cursor:{post_id}".encode()).decode().rstrip("=")


def _query(request: httpx.Request) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}


def _fields(request: httpx.Request) -> list[str]:
    return [f for f in _query(request).get("fields", "").split(",") if f]
