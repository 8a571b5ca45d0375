"""A strict fake of LinkedIn's versioned REST API and OAuth, served over loopback by the tests.

Modelled on ../shared/platforms/meta-linkedin-tiktok-youtube.md §4 (Microsoft Learn posts-api,
images/videos/documents APIs, little-text-format, organization ACLs) — including the behaviour
that hurts most: an unescaped reserved character in `commentary` is accepted with 201 and the
post is silently cut there. Every `/rest/` call must carry `LinkedIn-Version` (a retired one gets
426) and `X-Restli-Protocol-Version: 2.0.0`.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import httpx

from tests.contract.fake_oauth import App, AuthorizationServer, Grant

API = "https://api.linkedin.com"
WEB = "https://www.linkedin.com"
CLIENT_ID = "li-client-77"
CLIENT_SECRET = "li-secret-do-not-leak"
SUPPORTED_VERSIONS = {"202601", "202604", "202607"}
RETIRED_VERSIONS = {"202401", "202502", "202505", "202506"}
MEMBER_SCOPES = ("openid", "profile", "w_member_social")
ORG_SCOPES = ("w_organization_social", "rw_organization_admin")
POST_FIELDS = {"author", "commentary", "visibility", "distribution", "lifecycleState",
               "isReshareDisabledByAuthor", "content", "reshareContext", "contentLandingPage"}  # fmt: skip
_RESERVED = set("\\|{}@[]()<>#*_~")
_KEEP = re.compile(
    r"@\[[^\[\]]+\]\(urn:li:(?:person|organization):[A-Za-z0-9_-]+\)|https?://[^\s<>\\]+|(?<![\w#\\])#\w+"
)


def published_text(commentary: str) -> str:
    """What LinkedIn shows for `commentary`: escapes removed, cut at the first unescaped reserved
    character outside links, hashtags and mention elements (the silent truncation)."""
    shown: list[str] = []
    position = 0
    while position < len(commentary):
        keep = _KEEP.match(commentary, position)
        if keep:
            shown.append(keep.group(0))
            position = keep.end()
            continue
        char = commentary[position]
        if char == "\\" and position + 1 < len(commentary):
            shown.append(commentary[position + 1])
            position += 2
            continue
        if char in _RESERVED:
            break  # LinkedIn keeps the post, cut here
        shown.append(char)
        position += 1
    return "".join(shown)


@dataclass
class Asset:
    urn: str
    owner: str
    kind: str  # image | video | document
    size: int = 0
    uploaded: bool = False
    status: str = "WAITING_UPLOAD"
    polls_left: int = 2
    parts: dict[str, int] = field(default_factory=dict)  # etag → bytes
    upload_token: str = ""


@dataclass
class LinkedInPost:
    urn: str
    author: str
    commentary: str
    shown: str
    visibility: str
    content: dict[str, Any] | None
    created: float = 0.0  # the server's clock when posted: its numbers grow from there
    reshare_of: str | None = None  # a reshare of someone else's post


@dataclass
class FakeLinkedIn:
    """Members, pages, assets, posts, and the faults to inject next."""

    members: dict[str, dict[str, str]] = field(
        default_factory=lambda: {
            "alice": {
                "sub": "782bbtaQ",
                "name": "Alice Example",
                "given_name": "Alice",
                "family_name": "Example",
            }
        }
    )
    organizations: dict[str, dict[str, Any]] = field(
        default_factory=lambda: {
            "2414183": {"id": 2414183, "localizedName": "Devtestco", "vanityName": "devtestco"}
        }
    )
    admins: dict[str, set[str]] = field(default_factory=lambda: {"2414183": {"alice"}})
    oauth: AuthorizationServer = field(
        default_factory=lambda: AuthorizationServer(
            access_lifetime_s=60 * 86400, basic_auth=False, refresh_scope=None, issue_refresh_tokens=False
        )
    )
    upload_origin: str = WEB  # where upload URLs point (a loopback address when another process uploads)
    part_size: int = 4 * 1024 * 1024
    video_polls: int = 2
    processing_fails: bool = False
    posts: list[LinkedInPost] = field(default_factory=list)
    assets: dict[str, Asset] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)
    faults: dict[str, list[Callable[[], httpx.Response]]] = field(default_factory=dict)
    store_then_fail: list[int] = field(default_factory=list)
    daily_post_cap: int = 150
    comments: dict[str, dict[str, Any]] = field(default_factory=dict)  # comment URN → comment
    followers: dict[str, int] = field(
        default_factory=lambda: {"2414183": 4200}
    )  # +3 an hour from followers_from
    followers_from: float = 0.0
    reads_left: int | None = None  # reads allowed before LinkedIn's 429 (None: no limit)
    deleted: list[str] = field(default_factory=list)  # post URNs deleted (issue #24)
    updates: list[str] = field(default_factory=list)  # post URNs partially updated (issue #24)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(7_100_000_000_000_000_000))

    def __post_init__(self) -> None:
        self.register_app(8765)

    def register_app(self, port: int) -> None:
        self.oauth.apps[CLIENT_ID] = App(
            CLIENT_ID,
            (f"http://127.0.0.1:{port}/callback",),
            CLIENT_SECRET,
            frozenset((*MEMBER_SCOPES, *ORG_SCOPES, "r_organization_social")),
        )

    def fail(self, route: str, *responses: Callable[[], httpx.Response]) -> None:
        self.faults.setdefault(route, []).extend(responses)

    def creates(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == "POST" and r.url.path == "/rest/posts"]

    def person(self, user: str) -> str:
        return f"urn:li:person:{self.members[user]['sub']}"

    # -- dispatch ------------------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        url = urlsplit(str(request.url))
        origin = f"{url.scheme}://{url.netloc}"
        action = dict(parse_qs(url.query)).get("action", [""])[0]
        path = re.sub(r"^/rest/(images|videos|documents)/urn.*$", r"/rest/\1/:urn", url.path)
        path = re.sub(r"^/rest/organizations/\d+$", "/rest/organizations/:id", path)
        path = re.sub(r"^/dms-uploads/.*$", "/dms-uploads/:id", path)
        path = re.sub(r"^/rest/posts/urn.*$", "/rest/posts/:urn", path)
        path = re.sub(r"^/rest/networkSizes/urn.*$", "/rest/networkSizes/:urn", path)
        path = re.sub(r"^/rest/socialActions/urn[^/]*/comments$", "/rest/socialActions/:urn/comments", path)
        route = f"{request.method} {path}" + (f"?action={action}" if action else "")
        if self.faults.get(route):
            return self.faults[route].pop(0)()
        if origin == WEB or route.startswith("PUT /dms-uploads"):
            web_routes = {
                "GET /oauth/v2/authorization": self.oauth.authorize,
                "POST /oauth/v2/accessToken": self.oauth.token,
                "POST /oauth/v2/revoke": self.oauth.revoke,
                "PUT /dms-uploads/:id": self.upload_bytes,
            }
            assert route in web_routes, f"the fake LinkedIn has no route {route} on {origin}"
            return web_routes[route](request)
        assert origin == API, f"unexpected host {request.url}"
        handlers: dict[str, Callable[[httpx.Request, Grant], httpx.Response]] = {
            "GET /v2/userinfo": self.userinfo,
            "GET /rest/organizationAcls": self.organization_acls,
            "GET /rest/organizations/:id": self.organization,
            "POST /rest/images?action=initializeUpload": lambda r, g: self.initialize(r, g, "image"),
            "POST /rest/documents?action=initializeUpload": lambda r, g: self.initialize(r, g, "document"),
            "POST /rest/videos?action=initializeUpload": lambda r, g: self.initialize(r, g, "video"),
            "POST /rest/videos?action=finalizeUpload": self.finalize_video,
            "GET /rest/images/:urn": self.asset_status,
            "GET /rest/documents/:urn": self.asset_status,
            "GET /rest/videos/:urn": self.asset_status,
            "POST /rest/posts": self.create,
            "GET /rest/posts/:urn": self.get_post,
            "GET /rest/posts": self.find_posts,
            "GET /rest/socialMetadata": self.social_metadata,
            "GET /rest/organizationalEntityShareStatistics": self.share_statistics,
            "GET /rest/networkSizes/:urn": self.network_size,
            "POST /rest/socialActions/:urn/comments": self.comment,
            "DELETE /rest/posts/:urn": self.delete_post,
            "POST /rest/posts/:urn": self.update_post,
        }
        handler = handlers.get(route)
        assert handler is not None, f"the fake LinkedIn has no route {route} (unexpected request)"
        if path.startswith("/rest/"):
            version = request.headers.get("linkedin-version")
            if version in RETIRED_VERSIONS:
                return _error(426, "VERSION_MISSING", f"Requested version {version} is not active")
            if version not in SUPPORTED_VERSIONS:
                return _error(
                    400, "VERSION_MISSING", "A required header LinkedIn-Version is missing or invalid"
                )
            if request.headers.get("x-restli-protocol-version") != "2.0.0":
                return _error(400, "ILLEGAL_ARGUMENT", "X-Restli-Protocol-Version 2.0.0 is required")
        grant = self.oauth.user_of(request)
        if grant is None:
            return httpx.Response(
                401, json={"serviceErrorCode": 65600, "message": "Invalid access token", "status": 401}
            )
        return handler(request, grant)

    # -- identity ------------------------------------------------------------------------------

    def userinfo(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        if "openid" not in grant.scopes:
            return _error(403, "ACCESS_DENIED", "Not enough permissions to access: userinfo.GET.NO_VERSION")
        return httpx.Response(
            200, json={**self.members[grant.user], "locale": {"country": "US", "language": "en"}}
        )

    def organization_acls(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        if "rw_organization_admin" not in grant.scopes:
            return _error(
                403, "ACCESS_DENIED", "Not enough permissions to access: organizationAcls.FINDER-roleAssignee"
            )
        query = {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}
        if query.get("q") != "roleAssignee":
            return _error(400, "ILLEGAL_ARGUMENT", "q=roleAssignee is required")
        elements = [
            {
                "roleAssignee": self.person(grant.user),
                "state": "APPROVED",
                "role": "ADMINISTRATOR",
                "organization": f"urn:li:organization:{org}",
            }
            for org, users in self.admins.items()
            if grant.user in users
        ]
        return httpx.Response(200, json={"elements": elements, "paging": {"count": 10, "start": 0}})

    def organization(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        org = self.organizations.get(request.url.path.rsplit("/", 1)[1])
        return httpx.Response(200, json=org) if org else _error(404, "NOT_FOUND", "Organization not found")

    def _may_act_as(self, grant: Grant, owner: str) -> bool:
        if owner == self.person(grant.user):
            return "w_member_social" in grant.scopes
        match = re.fullmatch(r"urn:li:organization:(\d+)", owner)
        return bool(
            match
            and grant.user in self.admins.get(match.group(1), set())
            and "w_organization_social" in grant.scopes
        )

    # -- media ---------------------------------------------------------------------------------

    def initialize(self, request: httpx.Request, grant: Grant, kind: str) -> httpx.Response:
        body = (json.loads(request.content) or {}).get("initializeUploadRequest") or {}
        owner = body.get("owner", "")
        if not self._may_act_as(grant, owner):
            return _error(403, "ACCESS_DENIED", f"Not enough permissions to upload for {owner}")
        n = next(self._ids)
        urn = f"urn:li:{kind}:C4E10AQ{n}"
        asset = Asset(urn, owner, kind, polls_left=self.video_polls, upload_token=f"tok-{n}")
        self.assets[urn] = asset
        if kind != "video":
            return httpx.Response(
                200,
                json={
                    "value": {
                        "uploadUrlExpiresAt": 1_650_567_510_704,
                        "uploadUrl": f"{self.upload_origin}/dms-uploads/{n}",
                        kind: urn,
                    }
                },
            )
        size = body.get("fileSizeBytes")
        if not isinstance(size, int) or size <= 0:
            return _error(422, "UNPROCESSABLE_ENTITY", "fileSizeBytes is required for videos")
        asset.size = size
        instructions = [
            {
                "uploadUrl": f"{self.upload_origin}/dms-uploads/{n}-part{i}",
                "firstByte": first,
                "lastByte": min(first + self.part_size, size) - 1,
            }
            for i, first in enumerate(range(0, size, self.part_size))
        ]
        return httpx.Response(
            200,
            json={
                "value": {"video": urn, "uploadToken": asset.upload_token, "uploadInstructions": instructions}
            },
        )

    def upload_bytes(self, request: httpx.Request) -> httpx.Response:
        if self.oauth.user_of(request) is None:
            return _error(401, "INVALID_TOKEN", "Invalid access token")
        name = request.url.path.rsplit("/", 1)[1]
        key, _, part = name.partition("-part")
        asset = next((a for a in self.assets.values() if a.urn.endswith(f"C4E10AQ{key}")), None)
        if asset is None:
            return _error(404, "NOT_FOUND", "no such upload")
        if asset.kind != "video":
            asset.uploaded, asset.size, asset.status = True, len(request.content), "AVAILABLE"
            return httpx.Response(201)
        etag = f'"etag-{key}-{part}-{len(request.content)}"'
        asset.parts[etag] = len(request.content)
        return httpx.Response(200, headers={"ETag": etag})

    def finalize_video(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        body = (json.loads(request.content) or {}).get("finalizeUploadRequest") or {}
        asset = self.assets.get(body.get("video", ""))
        if asset is None or not self._may_act_as(grant, asset.owner):
            return _error(404, "NOT_FOUND", "no such video")
        if body.get("uploadToken") != asset.upload_token:
            return _error(400, "ILLEGAL_ARGUMENT", "uploadToken does not match")
        parts = body.get("uploadedPartIds") or []
        if sorted(parts) != sorted(asset.parts) or sum(asset.parts.values()) != asset.size:
            return _error(400, "ILLEGAL_ARGUMENT", "uploadedPartIds do not match the uploaded parts")
        asset.uploaded, asset.status = True, "PROCESSING"
        return httpx.Response(200)

    def asset_status(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        asset = self.assets.get(unquote(request.url.path.rsplit("/", 1)[1]))
        if asset is None:
            return _error(404, "NOT_FOUND", "no such asset")
        if asset.kind != "video" and asset.owner.startswith("urn:li:person:"):
            return _error(
                403, "ACCESS_DENIED", "Not enough permissions to access: images.GET"
            )  # member tokens
        if asset.status == "PROCESSING":
            if asset.polls_left > 0:
                asset.polls_left -= 1
            else:
                asset.status = "PROCESSING_FAILED" if self.processing_fails else "AVAILABLE"
        body: dict[str, Any] = {"id": asset.urn, "status": asset.status}
        if asset.status == "PROCESSING_FAILED":
            body["processingFailureReason"] = "Video codec not supported"
        return httpx.Response(200, json=body)

    # -- posts ---------------------------------------------------------------------------------

    def create(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        body = json.loads(request.content)
        if set(body) - POST_FIELDS:
            return _error(
                422, "UNPROCESSABLE_ENTITY", f"Unrecognized fields {sorted(set(body) - POST_FIELDS)}"
            )
        missing = {"author", "commentary", "visibility", "distribution", "lifecycleState"} - set(body)
        if missing:
            return _error(
                422, "UNPROCESSABLE_ENTITY", f"/{sorted(missing)[0]} :: field is required but not found"
            )
        author = body["author"]
        if not self._may_act_as(grant, author):
            return _error(403, "ACCESS_DENIED", f"Not enough permissions to post as {author}")
        if body["visibility"] not in ("PUBLIC", "CONNECTIONS", "LOGGED_IN"):
            return _error(
                422, "UNPROCESSABLE_ENTITY", f"/visibility :: {body['visibility']} is not a valid value"
            )
        if body["visibility"] == "CONNECTIONS" and author.startswith("urn:li:organization:"):
            return _error(
                422, "UNPROCESSABLE_ENTITY", "/visibility :: organizations cannot post to CONNECTIONS"
            )
        if (
            body["lifecycleState"] != "PUBLISHED"
            or body["distribution"].get("feedDistribution") != "MAIN_FEED"
        ):
            return _error(
                422,
                "UNPROCESSABLE_ENTITY",
                "lifecycleState PUBLISHED and feedDistribution MAIN_FEED expected",
            )
        if len(body["commentary"]) > 3000:
            return _error(
                422, "UNPROCESSABLE_ENTITY", f"/commentary :: length {len(body['commentary'])} exceeds 3000"
            )
        problem = self._check_content(body.get("content"), author)
        if problem is not None:
            return problem
        authored = [p for p in self.posts if p.author == author]
        if any(p.commentary == body["commentary"] and p.content == body.get("content") for p in authored):
            urn = next(p.urn for p in authored if p.commentary == body["commentary"])
            return _error(422, "DUPLICATE_POST", f"Content is a duplicate of {urn}")
        if len(authored) >= self.daily_post_cap:
            return _error(
                429,
                "TOO_MANY_REQUESTS",
                "Resource level throttle limit for calls to this resource is reached",
            )
        post = LinkedInPost(
            f"urn:li:share:{next(self._ids)}", author, body["commentary"], published_text(body["commentary"]),
            body["visibility"], body.get("content"), created=self.oauth.now(),
        )  # fmt: skip
        self.posts.append(post)
        if self.store_then_fail:
            status = self.store_then_fail.pop(0)
            if status == 0:
                raise httpx.ReadError("answer lost after the post was stored")
            return _error(status, "INTERNAL_SERVER_ERROR", "Internal Server Error")
        return httpx.Response(201, headers={"x-restli-id": post.urn, "x-linkedin-id": post.urn})

    # -- edit and delete (issue #24; posts-api "Update Posts" and "Delete Posts") -------------------

    def delete_post(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        """204, also for a post already deleted (the docs call DELETE idempotent); only its author's."""
        post = self._post_by(unquote(request.url.path.rsplit("/", 1)[1]))
        if post is None:
            return httpx.Response(204)
        if not self._may_act_as(grant, post.author):
            return _error(403, "ACCESS_DENIED", f"Not enough permissions to delete {post.urn}")
        self.posts.remove(post)
        self.deleted.append(post.urn)
        return httpx.Response(204)

    def update_post(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        """A partial update: `X-RestLi-Method: PARTIAL_UPDATE` and {"patch": {"$set": {...}}}; 204."""
        if request.headers.get("x-restli-method") != "PARTIAL_UPDATE":
            return _error(
                400, "ILLEGAL_ARGUMENT", "X-RestLi-Method PARTIAL_UPDATE is required to update a post"
            )
        post = self._post_by(unquote(request.url.path.rsplit("/", 1)[1]))
        if post is None:
            return _error(404, "NOT_FOUND", "Not Found")
        if not self._may_act_as(grant, post.author):
            return _error(403, "ACCESS_DENIED", f"Not enough permissions to update {post.urn}")
        body = json.loads(request.content)
        changes = body.get("patch", {}).get("$set") if isinstance(body.get("patch"), dict) else None
        if set(body) != {"patch"} or not isinstance(changes, dict) or not changes:
            return _error(400, "ILLEGAL_ARGUMENT", 'The body must be {"patch": {"$set": {...}}}')
        allowed = {
            "commentary",
            "contentCallToActionLabel",
            "contentLandingPage",
            "lifecycleState",
            "adContext",
        }
        if set(changes) - allowed:
            return _error(
                422, "UNPROCESSABLE_ENTITY", f"Fields {sorted(set(changes) - allowed)} cannot be updated"
            )
        commentary = changes.get("commentary", post.commentary)
        if len(commentary) > 3000:
            return _error(
                422, "UNPROCESSABLE_ENTITY", f"/commentary :: length {len(commentary)} exceeds 3000"
            )
        post.commentary, post.shown = commentary, published_text(commentary)
        self.updates.append(post.urn)
        return httpx.Response(204)

    # -- after publishing: reading posts, their numbers, followers, comments --------------------

    def add_post(
        self, author: str, commentary: str, created: float, *, reshare_of: str | None = None
    ) -> LinkedInPost:
        """A post made on linkedin.com (or a reshare of someone's), not through Outpost."""
        post = LinkedInPost(f"urn:li:share:{next(self._ids)}", author, commentary, published_text(commentary),
                            "PUBLIC", None, created=created, reshare_of=reshare_of)  # fmt: skip
        self.posts.append(post)
        return post

    def _may_read(self, grant: Grant, author: str) -> bool:
        """r_member_social for a member's own posts, r_organization_social as a page's administrator."""
        if author == self.person(grant.user):
            return "r_member_social" in grant.scopes
        match = re.fullmatch(r"urn:li:organization:(\d+)", author)
        return bool(
            match
            and grant.user in self.admins.get(match.group(1), set())
            and "r_organization_social" in grant.scopes
        )

    def _throttled(self) -> httpx.Response | None:
        if self.reads_left is None:
            return None
        if self.reads_left <= 0:
            return _error(
                429,
                "TOO_MANY_REQUESTS",
                "Resource level throttle limit for calls to this resource is reached",
            )
        self.reads_left -= 1
        return None

    def _minutes(self, post: LinkedInPost) -> int:
        return max(0, int((self.oauth.now() - post.created) // 60))

    def _post_by(self, urn: str) -> LinkedInPost | None:
        return next((p for p in self.posts if p.urn == urn), None)

    def get_post(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        post = self._post_by(unquote(request.url.path.rsplit("/", 1)[1]))
        if post is None:
            return _error(404, "NOT_FOUND", "Not Found")
        if not self._may_read(grant, post.author):
            return _error(
                403, "ACCESS_DENIED", "Not enough permissions to access: partnerApiPostsExternal.GET.20260101"
            )
        return httpx.Response(200, json=_post_json(post))

    def find_posts(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        query = _raw_query(request)
        if query.get("q") != "author" or "author" not in query:
            return _error(400, "ILLEGAL_ARGUMENT", "q=author and author are required")
        author = unquote(query["author"])
        if not self._may_read(grant, author):
            return _error(
                403,
                "ACCESS_DENIED",
                "Not enough permissions to access: partnerApiPostsExternal.FINDER-author.20260101",
            )
        if throttled := self._throttled():
            return throttled
        count, start = int(query.get("count", "10")), int(query.get("start", "0"))
        if not 1 <= count <= 100:
            return _error(400, "ILLEGAL_ARGUMENT", "count must be 1 to 100")
        mine = [p for p in self.posts if p.author == author]
        if query.get("sortBy", "LAST_MODIFIED") == "CREATED":
            mine.sort(key=lambda p: -p.created)
        page = mine[start : start + count]
        return httpx.Response(200, json={"elements": [_post_json(p) for p in page],
                                         "paging": {"start": start, "count": count, "links": []}})  # fmt: skip

    def social_metadata(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        urns = _restli_list(_raw_query(request).get("ids", ""))
        if urns is None or not urns:
            return _error(400, "ILLEGAL_ARGUMENT", "ids=List(...) is required")
        if throttled := self._throttled():
            return throttled
        results: dict[str, Any] = {}
        errors: dict[str, Any] = {}
        for urn in urns:
            post = self._post_by(urn)
            if post is None:
                errors[urn] = {"status": 404, "message": "Not Found"}
                continue
            if not self._may_read(grant, post.author):
                return _error(
                    403,
                    "ACCESS_DENIED",
                    "Not enough permissions to access: partnerApiSocialMetadata.BATCH_GET.20260101",
                )
            minutes = self._minutes(post)
            comments = sum(1 for c in self.comments.values() if c["object"] == urn)
            results[urn] = {"entity": urn, "commentsState": "OPEN",
                            "reactionSummaries": {"LIKE": {"reactionType": "LIKE", "count": minutes // 4},
                                                  "PRAISE": {"reactionType": "PRAISE", "count": minutes // 20}},
                            "commentSummary": {"count": minutes // 30 + comments, "topLevelCount": minutes // 30 + comments}}  # fmt: skip
        return httpx.Response(200, json={"results": results, "statuses": {}, "errors": errors})

    def share_statistics(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        query = _raw_query(request)
        org = unquote(query.get("organizationalEntity", ""))
        match = re.fullmatch(r"urn:li:organization:(\d+)", org)
        if query.get("q") != "organizationalEntity" or match is None:
            return _error(
                400, "ILLEGAL_ARGUMENT", "q=organizationalEntity and organizationalEntity are required"
            )
        if "rw_organization_admin" not in grant.scopes or grant.user not in self.admins.get(
            match.group(1), set()
        ):
            return _error(
                403,
                "ACCESS_DENIED",
                "Not enough permissions to access: organizationalEntityShareStatistics.FINDER-organizationalEntity.20260101",
            )
        if throttled := self._throttled():
            return throttled
        asked = (_restli_list(query.get("shares", "")) or []) + (
            _restli_list(query.get("ugcPosts", "")) or []
        )
        elements = []
        for urn in asked:
            post = self._post_by(urn)
            if post is None or post.author != org:
                continue
            minutes = self._minutes(post)
            stats = {"impressionCount": minutes * 12, "uniqueImpressionsCount": minutes * 9,
                     "clickCount": minutes // 5, "likeCount": minutes // 4, "commentCount": minutes // 30,
                     "shareCount": minutes // 60, "engagement": 0.05}  # fmt: skip
            kind = "share" if urn.startswith("urn:li:share:") else "ugcPost"
            elements.append({kind: urn, "organizationalEntity": org, "totalShareStatistics": stats})
        return httpx.Response(200, json={"elements": elements, "paging": {"count": 10, "start": 0}})

    def network_size(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        org = unquote(request.url.path.rsplit("/", 1)[1])
        match = re.fullmatch(r"urn:li:organization:(\d+)", org)
        if request.url.params.get("edgeType") != "COMPANY_FOLLOWED_BY_MEMBER" or match is None:
            return _error(
                400,
                "ILLEGAL_ARGUMENT",
                "edgeType=COMPANY_FOLLOWED_BY_MEMBER and an organization are required",
            )
        if "rw_organization_admin" not in grant.scopes:
            return _error(403, "ACCESS_DENIED", "Not enough permissions to access: networkSizes.GET.20260101")
        hours = int((self.oauth.now() - self.followers_from) // 3600) if self.followers_from else 0
        return httpx.Response(
            200, json={"firstDegreeSize": self.followers.get(match.group(1), 0) + 3 * max(0, hours)}
        )

    def comment(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        """A comment: `actor` must be someone the token may act as, `object` the post in the path."""
        target = unquote(request.url.path.split("/")[3])
        body = json.loads(request.content)
        actor, text = body.get("actor", ""), (body.get("message") or {}).get("text")
        if body.get("object") != target or not isinstance(text, str) or not text:
            return _error(
                422, "UNPROCESSABLE_ENTITY", "/object must be the post and /message/text is required"
            )
        if not self._may_act_as(grant, actor):
            return _error(403, "ACCESS_DENIED", f"Not enough permissions to comment as {actor}")
        if self._post_by(target) is None:
            return _error(404, "NOT_FOUND", f"{target} does not exist")
        comment_id = str(next(self._ids))
        activity = f"urn:li:activity:{target.rsplit(':', 1)[1]}"
        urn = f"urn:li:comment:({activity},{comment_id})"
        made = {"id": comment_id, "commentUrn": urn, "actor": actor, "object": target, "message": {"text": text},
                "created": {"actor": actor, "time": int(self.oauth.now() * 1000)}}  # fmt: skip
        self.comments[urn] = made
        return httpx.Response(201, json=made, headers={"x-restli-id": comment_id})

    def _check_content(self, content: dict[str, Any] | None, author: str) -> httpx.Response | None:
        if content is None:
            return None
        if "multiImage" in content:
            refs = content["multiImage"].get("images") or []
            if not 2 <= len(refs) <= 20:
                return _error(
                    422, "UNPROCESSABLE_ENTITY", "/content/multiImage/images :: 2 to 20 images required"
                )
            if any(self.assets.get(r.get("id", ""), Asset("", "", "")).kind != "image" for r in refs):
                return _error(422, "UNPROCESSABLE_ENTITY", "multiImage takes images only")
        elif "media" in content:
            refs = [content["media"]]
            kind = refs[0].get("id", "").split(":")[2] if refs[0].get("id", "").count(":") >= 3 else ""
            if kind in ("video", "document") and not refs[0].get("title"):
                return _error(
                    422, "UNPROCESSABLE_ENTITY", "/content/media/title :: required for videos and documents"
                )
        else:
            return _error(422, "UNPROCESSABLE_ENTITY", f"unsupported content {sorted(content)}")
        for ref in refs:
            asset = self.assets.get(ref.get("id", ""))
            if asset is None or asset.owner != author:
                return _error(
                    422,
                    "UNPROCESSABLE_ENTITY",
                    f"/content :: {ref.get('id')} is not a valid media for {author}",
                )
            if asset.status != "AVAILABLE":
                return _error(
                    422, "UNPROCESSABLE_ENTITY", f"/content :: {asset.urn} is {asset.status}, not AVAILABLE"
                )
        return None


def _post_json(post: LinkedInPost) -> dict[str, Any]:
    made = int(post.created * 1000)
    body: dict[str, Any] = {"id": post.urn, "author": post.author, "commentary": post.commentary,
            "visibility": post.visibility, "lifecycleState": "PUBLISHED", "createdAt": made,
            "publishedAt": made, "lastModifiedAt": made,
            "distribution": {"feedDistribution": "MAIN_FEED"}}  # fmt: skip
    if post.reshare_of:
        body["reshareContext"] = {"parent": post.reshare_of, "root": post.reshare_of}
    return body


def _raw_query(request: httpx.Request) -> dict[str, str]:
    """The query as sent (values still percent-encoded: Rest.li lists must not be decoded whole)."""
    pairs = (item.split("=", 1) for item in request.url.query.decode().split("&") if "=" in item)
    return dict(pairs)  # type: ignore[arg-type]


def _restli_list(value: str) -> list[str] | None:
    """`List(urn%3Ali%3Ashare%3A1,...)` → the URNs; None if it is not a Rest.li list."""
    match = re.fullmatch(r"List\((.*)\)", value)
    if match is None:
        return None
    return [unquote(item) for item in match.group(1).split(",") if item]


def _error(status: int, code: str, message: str) -> httpx.Response:
    return httpx.Response(
        status, json={"status": status, "serviceErrorCode": 100, "code": code, "message": message}
    )
