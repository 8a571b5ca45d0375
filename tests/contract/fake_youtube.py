"""A strict fake of YouTube's Data API v3 and Google's OAuth, served over loopback by the tests.

Modelled on ../shared/platforms/meta-linkedin-tiktok-youtube.md §6 and Google's pages (videos.insert,
the resumable upload protocol, videos.update/delete/list, channels.list, playlistItems.list,
thumbnails.set, the quota table), it refuses what YouTube refuses, with Google's error shape
(`{"error": {"code", "message", "errors": [{"reason", …}]}}`):

- the resumable protocol to the letter: a session needs `X-Upload-Content-Length`/`-Type`; every
  chunk but the last is a multiple of 256 KiB; `Content-Range` must start at or before what the
  server has (never leave a gap) and agree with `Content-Length` and the body; `308` with
  `Range: bytes=0-N` (no Range before the first byte); `bytes */TOTAL` asks where it is; the last
  byte makes the video (`201`); an expired session answers `404`;
- the video's metadata rules (title ≤ 100 characters without < >, description ≤ 5,000 bytes,
  tags ≤ 500 characters counted as YouTube counts them, known categories, `publishAt` only for a
  private video and in the future), scopes per method, tokens that expire;
- the quota per Google project (client id) per day, with each method's price;
- faults on request: a connection dropped mid-chunk (part of it kept), the answer to the last
  chunk lost after the video was made, any answer for the next call of a route, sessions that
  expire, an unaudited project whose uploads come out private, channels that may not set
  thumbnails.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import httpx

from tests.contract.fake_oauth import App, AuthorizationServer, Grant

API = "https://www.googleapis.com"
ACCOUNTS = "https://accounts.google.com"
TOKENS = "https://oauth2.googleapis.com"
CLIENT_ID = "1234-outpost-test.apps.googleusercontent.com"
CLIENT_SECRET = "GOCSPX-do-not-leak"
SCOPE = "https://www.googleapis.com/auth/"
UPLOAD, READONLY, FORCE_SSL, MANAGE = (
    f"{SCOPE}{s}" for s in ("youtube.upload", "youtube.readonly", "youtube.force-ssl", "youtube")
)
SCOPES = (UPLOAD, READONLY, FORCE_SSL)
GRANULE = 256 * 1024
CATEGORIES = {"1", "2", "10", "15", "17", "19", "20", "22", "23", "24", "25", "26", "27", "28"}
COSTS = {"channels.list": 1, "videos.list": 1, "playlistItems.list": 1, "videos.insert": 1600,
         "videos.update": 50, "videos.delete": 50, "thumbnails.set": 50,
         "commentThreads.insert": 50}  # fmt: skip
WRITE = {UPLOAD, MANAGE, FORCE_SSL}
READ = {READONLY, MANAGE, FORCE_SSL}
EDIT = {MANAGE, FORCE_SSL}
_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")
_QUERY = re.compile(r"^bytes \*/(\d+)$")
_PACIFIC = ZoneInfo("America/Los_Angeles")


class AnyLoopbackPort(tuple[str, ...]):
    """Redirect URIs of a Google "Desktop app" client: any port on 127.0.0.1 (nothing registered)."""

    def __contains__(self, uri: object) -> bool:
        return isinstance(uri, str) and re.match(r"^http://127\.0\.0\.1:\d+(/.*)?$", uri) is not None


def google_error(status: int, reason: str, message: str, domain: str = "youtube.video") -> httpx.Response:
    error = {
        "code": status,
        "message": message,
        "errors": [{"message": message, "domain": domain, "reason": reason}],
    }
    return httpx.Response(status, json={"error": error})


@dataclass
class Channel:
    id: str
    title: str
    custom_url: str
    long_uploads: str = "allowed"
    thumbnails_allowed: bool = True
    subscribers: int = 350  # +1 every hour of the server's clock from `subscribers_from`
    subscribers_from: float = 0.0

    @property
    def uploads(self) -> str:
        return "UU" + self.id[2:]


@dataclass
class Video:
    id: str
    channel: str
    snippet: dict[str, Any]
    status: dict[str, Any]
    data: bytes
    notify: bool
    created: float
    thumbnail: bytes | None = None
    likes_hidden: bool = False  # the owner hid the like count: `likeCount` is left out
    comments_disabled: bool = False  # `commentCount` is left out, commentThreads.insert refused

    def statistics(self, now: float) -> dict[str, str]:
        """Numbers that grow as the server's clock moves (strings of digits, as YouTube sends them)."""
        minutes = max(0, int((now - self.created) // 60))
        found = {"viewCount": str(minutes * 7), "favoriteCount": "0"}
        if not self.likes_hidden:
            found["likeCount"] = str(minutes // 3)
        if not self.comments_disabled:
            found["commentCount"] = str(minutes // 15)
        return found

    def resource(self, parts: set[str] | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"kind": "youtube#video", "id": self.id}
        if parts is None or "snippet" in parts:
            body["snippet"] = {**self.snippet, "channelId": self.channel}
        if parts is None or "status" in parts:
            body["status"] = self.status
        return body


@dataclass
class Session:
    id: str
    client_id: str
    user: str
    metadata: dict[str, Any]
    parts: set[str]
    total: int
    mime: str
    notify: bool
    expires_at: float
    received: bytearray = field(default_factory=bytearray)
    video_id: str | None = None
    resent: int = 0  # bytes sent again (overlapping what the server had)
    chunks: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class FakeYouTube:
    """Google's OAuth and YouTube's API for a few channels, and the faults to inject next."""

    channels: dict[str, Channel] = field(
        default_factory=lambda: {
            "alice": Channel("UCalice0000000000000000", "Alice Makes Things", "@alicemakes")
        }
    )
    oauth: AuthorizationServer = field(
        default_factory=lambda: AuthorizationServer(
            access_lifetime_s=3599, basic_auth=False, refresh_scope=None, rotate_refresh_tokens=False
        )
    )
    session_origin: str = API  # where session URIs point (a loopback address when another process uploads)
    session_lifetime_s: float = 7 * 86400
    quota_limit: int = 10_000
    private_only: bool = False  # an unaudited project: uploads are locked private
    videos: dict[str, Video] = field(default_factory=dict)
    sessions: dict[str, Session] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)
    spent: dict[tuple[str, str], int] = field(default_factory=dict)  # (client id, day) → units
    faults: dict[str, list[Callable[[], httpx.Response]]] = field(default_factory=dict)
    drop_next_chunk_after: int | None = None  # keep this many bytes of the next chunk, then drop
    lose_final_answer: bool = False
    comments: dict[str, dict[str, Any]] = field(default_factory=dict)  # comment thread id → resource
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def __post_init__(self) -> None:
        self.oauth.apps[CLIENT_ID] = App(
            CLIENT_ID, AnyLoopbackPort(), CLIENT_SECRET, frozenset({*SCOPES, MANAGE}), True
        )

    @property
    def now(self) -> Callable[[], float]:
        return self.oauth.now

    def fail(self, route: str, *responses: Callable[[], httpx.Response]) -> None:
        self.faults.setdefault(route, []).extend(responses)

    def issue(self, user: str = "alice", scopes: tuple[str, ...] = SCOPES) -> tuple[str, str]:
        return self.oauth.issue(user, scopes, CLIENT_ID)

    def session_starts(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == "POST" and r.url.path == "/upload/youtube/v3/videos"]

    def chunk_puts(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == "PUT" and r.url.path == "/upload/youtube/v3/videos"
                and not r.headers.get("content-range", "").startswith("bytes */")]  # fmt: skip

    def expire_sessions(self) -> None:
        for session in self.sessions.values():
            session.expires_at = self.now() - 1

    def units_spent(self, client_id: str = CLIENT_ID) -> int:
        return self.spent.get((client_id, self._day()), 0)

    def add_video(self, user: str, title: str, description: str, created: float, **flags: bool) -> Video:
        """A video the creator uploaded in YouTube Studio (not through Outpost)."""
        status = {"uploadStatus": "processed", "privacyStatus": "public"}
        video = Video(f"vid{next(self._ids):08d}", self.channels[user].id, {"title": title,
                      "description": description}, status, b"", False, created, **flags)  # fmt: skip
        self.videos[video.id] = video
        return video

    def publish_due(self) -> list[str]:
        """What YouTube does at each publishAt: scheduled private videos whose time came go public."""
        made_public = []
        for video in self.videos.values():
            at = video.status.get("publishAt")
            if video.status.get("privacyStatus") == "private" and at and _parse(at) <= self.now():
                video.status = {**video.status, "privacyStatus": "public"}
                video.status.pop("publishAt")
                made_public.append(video.id)
        return made_public

    # -- dispatch ------------------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        url = urlsplit(str(request.url))
        origin = f"{url.scheme}://{url.netloc}"
        route = f"{request.method} {url.path}"
        if self.faults.get(route):
            return self.faults[route].pop(0)()
        oauth = {"GET /o/oauth2/v2/auth": self.oauth.authorize, "POST /token": self.oauth.token,
                 "POST /revoke": self.oauth.revoke}  # fmt: skip
        if origin in (ACCOUNTS, TOKENS):
            # Google signs in on accounts.google.com and hands out tokens on oauth2.googleapis.com;
            # OUTPOST_AUTH_URL_YOUTUBE moves both to one test server, so either host takes either.
            assert route in oauth, f"the fake Google has no route {route} on {origin}"
            return oauth[route](request)
        assert origin in (API, self.session_origin), f"unexpected host {request.url}"
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        handlers: dict[str, Callable[[httpx.Request, dict[str, str], Grant], httpx.Response]] = {
            "GET /youtube/v3/channels": self.channels_list,
            "GET /youtube/v3/videos": self.videos_list,
            "PUT /youtube/v3/videos": self.videos_update,
            "DELETE /youtube/v3/videos": self.videos_delete,
            "GET /youtube/v3/playlistItems": self.playlist_items,
            "POST /upload/youtube/v3/videos": self.start_session,
            "PUT /upload/youtube/v3/videos": self.session_put,
            "POST /upload/youtube/v3/thumbnails/set": self.thumbnails_set,
            "POST /youtube/v3/commentThreads": self.comment_threads_insert,
        }
        handler = handlers.get(route)
        assert handler is not None, f"the fake YouTube has no route {route} (unexpected request)"
        grant = self.oauth.user_of(request)
        if grant is None:
            return google_error(401, "authError", "Request had invalid authentication credentials.", "global")
        return handler(request, query, grant)

    # -- quota and scopes ----------------------------------------------------------------------

    def _day(self) -> str:
        pacific = datetime.fromtimestamp(self.now(), UTC).astimezone(_PACIFIC)
        return pacific.date().isoformat()

    def _charge(self, grant: Grant, method: str) -> httpx.Response | None:
        key = (grant.client_id, self._day())
        if self.spent.get(key, 0) + COSTS[method] > self.quota_limit:
            return google_error(
                403,
                "quotaExceeded",
                "The request cannot be completed because you have exceeded your quota.",
                "youtube.quota",
            )
        self.spent[key] = self.spent.get(key, 0) + COSTS[method]
        return None

    @staticmethod
    def _scoped(grant: Grant, allowed: set[str]) -> httpx.Response | None:
        if allowed & set(grant.scopes):
            return None
        return google_error(
            403, "insufficientPermissions", "Request had insufficient authentication scopes.", "global"
        )

    def _channel(self, grant: Grant) -> Channel | None:
        return self.channels.get(grant.user)

    # -- channels and videos -------------------------------------------------------------------

    def channels_list(self, request: httpx.Request, query: dict[str, str], grant: Grant) -> httpx.Response:
        refused = self._scoped(grant, READ) or self._charge(grant, "channels.list")
        if refused:
            return refused
        if query.get("mine") != "true":
            return google_error(
                400, "missingRequiredParameter", "No filter selected. Expected one of: mine, id."
            )
        parts = set(query.get("part", "").split(","))
        if not parts <= {"id", "snippet", "status", "contentDetails", "statistics"} or not query.get("part"):
            return google_error(400, "unknownPart", f"'{query.get('part')}'")
        channel = self._channel(grant)
        if channel is None:  # a Google account without a channel: no items at all
            return httpx.Response(
                200, json={"kind": "youtube#channelListResponse", "pageInfo": {"totalResults": 0}}
            )
        item: dict[str, Any] = {"kind": "youtube#channel", "id": channel.id}
        if "snippet" in parts:
            item["snippet"] = {"title": channel.title, "customUrl": channel.custom_url,
                               "thumbnails": {"default": {"url": f"https://yt3.ggpht.example/{channel.id}=s88"}}}  # fmt: skip
        if "status" in parts:
            item["status"] = {"privacyStatus": "public", "longUploadsStatus": channel.long_uploads}
        if "contentDetails" in parts:
            item["contentDetails"] = {"relatedPlaylists": {"uploads": channel.uploads}}
        if "statistics" in parts:
            grown = (
                max(0, int((self.now() - channel.subscribers_from) // 3600))
                if channel.subscribers_from
                else 0
            )
            item["statistics"] = {"viewCount": "98765", "subscriberCount": str(channel.subscribers + grown),
                                  "hiddenSubscriberCount": False, "videoCount": str(len(self.videos))}  # fmt: skip
        return httpx.Response(200, json={"kind": "youtube#channelListResponse", "items": [item]})

    def videos_list(self, request: httpx.Request, query: dict[str, str], grant: Grant) -> httpx.Response:
        refused = self._scoped(grant, READ) or self._charge(grant, "videos.list")
        if refused:
            return refused
        parts = set(query.get("part", "").split(","))
        ids = query.get("id", "").split(",")
        # "maxResults … is not supported for use in conjunction with the id parameter" (videos/list)
        assert len(ids) <= 50 and "maxResults" not in query, (
            f"videos.list takes up to 50 ids, no maxResults: {query}"
        )
        found = [
            v.resource(parts) | ({"statistics": v.statistics(self.now())} if "statistics" in parts else {})
            for i in ids
            if (v := self.videos.get(i)) is not None and self._visible(v, grant)
        ]
        return httpx.Response(200, json={"kind": "youtube#videoListResponse", "items": found})

    def _visible(self, video: Video, grant: Grant) -> bool:
        channel = self._channel(grant)
        return video.status.get("privacyStatus") == "public" or (
            channel is not None and channel.id == video.channel
        )

    def videos_update(self, request: httpx.Request, query: dict[str, str], grant: Grant) -> httpx.Response:
        refused = self._scoped(grant, EDIT) or self._charge(grant, "videos.update")
        if refused:
            return refused
        if query.get("part") == "snippet":  # issue #24: a published video's title and description
            return self._update_snippet(request, grant)
        if query.get("part") != "status":
            return google_error(400, "unexpectedPart", "Outpost's fake only updates the status part")
        body = json.loads(request.content)
        video = self.videos.get(str(body.get("id")))
        channel = self._channel(grant)
        if video is None or channel is None or video.channel != channel.id:
            return google_error(
                404, "videoNotFound", "The video that you are trying to update cannot be found."
            )
        status = body.get("status") or {}
        at = status.get("publishAt")
        if at is not None:
            if video.status.get("privacyStatus") != "private":  # already out: it cannot be scheduled
                return google_error(
                    400,
                    "invalidPublishAt",
                    "The request metadata specifies an invalid scheduled publishing time.",
                )
            problem = _publish_at_problem(status, self.now())
            if problem:
                return problem
        # videos.update replaces the whole part: what is not sent falls back to its default.
        video.status = {"uploadStatus": video.status.get("uploadStatus", "uploaded"), "privacyStatus": "public",
                        "license": "youtube", "embeddable": True, "publicStatsViewable": True,
                        "selfDeclaredMadeForKids": False, **status}  # fmt: skip
        return httpx.Response(200, json=video.resource({"status"}))

    def _update_snippet(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        """`videos.update?part=snippet` (issue #24): the snippet is replaced whole; title and categoryId
        are required (developers.google.com/youtube/v3/docs/videos/update), checked as at upload."""
        body = json.loads(request.content)
        video = self.videos.get(str(body.get("id")))
        channel = self._channel(grant)
        if video is None or channel is None or video.channel != channel.id:
            return google_error(
                404, "videoNotFound", "The video that you are trying to update cannot be found."
            )
        snippet = body.get("snippet") or {}
        if "categoryId" not in snippet:
            return google_error(
                400, "invalidCategoryId", "The snippet.categoryId property must be specified."
            )
        problem = _metadata_problem({"snippet": snippet}, self.now())
        if problem:
            return problem
        video.snippet = {k: v for k, v in snippet.items() if k != "channelId"}
        return httpx.Response(200, json=video.resource({"snippet"}))

    def videos_delete(self, request: httpx.Request, query: dict[str, str], grant: Grant) -> httpx.Response:
        refused = self._scoped(grant, EDIT) or self._charge(grant, "videos.delete")
        if refused:
            return refused
        video = self.videos.get(query.get("id", ""))
        channel = self._channel(grant)
        if video is None or channel is None or video.channel != channel.id:
            return google_error(
                404, "videoNotFound", "The video that you are trying to delete cannot be found."
            )
        del self.videos[video.id]
        return httpx.Response(204)

    def playlist_items(self, request: httpx.Request, query: dict[str, str], grant: Grant) -> httpx.Response:
        refused = self._scoped(grant, READ) or self._charge(grant, "playlistItems.list")
        if refused:
            return refused
        channel = self._channel(grant)
        if channel is None or query.get("playlistId") != channel.uploads:
            return google_error(
                404,
                "playlistNotFound",
                "The playlist identified with the request's playlistId parameter cannot be found.",
            )
        mine = sorted((v for v in self.videos.values() if v.channel == channel.id), key=lambda v: -v.created)
        limit = int(query.get("maxResults", "5"))
        if not 0 <= limit <= 50:
            return google_error(400, "invalidParameter", "Invalid value for maxResults: must be 0 to 50.")
        offset = 0
        if "pageToken" in query:
            token = query["pageToken"]
            if not re.fullmatch(r"EAAaBlBUOkNE[0-9]+", token):
                return google_error(400, "invalidPageToken", "The request specifies an invalid page token.")
            offset = int(token.removeprefix("EAAaBlBUOkNE"))
        items = [
            {"kind": "youtube#playlistItem", "snippet": {
                "publishedAt": _iso(v.created), "title": v.snippet["title"], "description": v.snippet.get("description", ""),
                "resourceId": {"kind": "youtube#video", "videoId": v.id}}}
            for v in mine[offset : offset + limit]
        ]  # fmt: skip
        answer: dict[str, Any] = {"kind": "youtube#playlistItemListResponse", "items": items}
        if offset + limit < len(mine):
            answer["nextPageToken"] = f"EAAaBlBUOkNE{offset + limit}"
        return httpx.Response(200, json=answer)

    def comment_threads_insert(
        self, request: httpx.Request, query: dict[str, str], grant: Grant
    ) -> httpx.Response:
        """A top-level comment: youtube.force-ssl only, channelId + videoId + textOriginal required."""
        refused = self._scoped(grant, {FORCE_SSL}) or self._charge(grant, "commentThreads.insert")
        if refused:
            return refused
        if query.get("part") != "snippet":
            return google_error(400, "unexpectedPart", f"'{query.get('part')}'")
        snippet = json.loads(request.content).get("snippet") or {}
        text = ((snippet.get("topLevelComment") or {}).get("snippet") or {}).get("textOriginal")
        if not snippet.get("channelId") or not snippet.get("videoId"):
            return google_error(400, "invalidValue", "snippet.channelId and snippet.videoId are required.")
        if not isinstance(text, str) or not text.strip():
            return google_error(
                400, "commentTextRequired", "The comment resource must contain a value for textOriginal."
            )
        if len(text) > 10_000:
            return google_error(
                400, "commentTextTooLong", "The comment resource contains too many characters."
            )
        video = self.videos.get(snippet["videoId"])
        if video is None or not self._visible(video, grant):
            return google_error(
                404, "videoNotFound", "The video identified by the videoId parameter could not be found."
            )
        if video.comments_disabled:
            return google_error(
                403,
                "commentsDisabled",
                "The video identified by the videoId parameter has disabled comments.",
            )
        thread_id = f"Ugz{next(self._ids):010d}"
        resource = {"kind": "youtube#commentThread", "id": thread_id, "snippet": {
            "channelId": snippet["channelId"], "videoId": video.id, "topLevelComment": {
                "kind": "youtube#comment", "id": thread_id, "snippet": {"textOriginal": text,
                "textDisplay": text, "publishedAt": _iso(self.now())}}}}  # fmt: skip
        self.comments[thread_id] = resource
        return httpx.Response(200, json=resource)

    def thumbnails_set(self, request: httpx.Request, query: dict[str, str], grant: Grant) -> httpx.Response:
        refused = self._scoped(grant, WRITE) or self._charge(grant, "thumbnails.set")
        if refused:
            return refused
        video = self.videos.get(query.get("videoId", ""))
        channel = self._channel(grant)
        if video is None or channel is None or video.channel != channel.id:
            return google_error(
                404, "videoNotFound", "The video that you are trying to update cannot be found."
            )
        if not channel.thumbnails_allowed:
            return google_error(
                403,
                "forbidden",
                "The authenticated user doesn't have permissions to upload and set custom video thumbnails.",
            )
        if request.headers.get("content-type") not in ("image/jpeg", "image/png", "application/octet-stream"):
            return google_error(400, "imageFormatUnsupported", "The image's content type is not supported.")
        if len(request.content) > 2 * 1024 * 1024:
            return google_error(413, "mediaBodyTooLarge", "The thumbnail image is too large.")
        video.thumbnail = request.content
        return httpx.Response(
            200, json={"items": [{"default": {"url": f"https://i.ytimg.example/vi/{video.id}/default.jpg"}}]}
        )

    # -- the resumable upload ------------------------------------------------------------------

    def start_session(self, request: httpx.Request, query: dict[str, str], grant: Grant) -> httpx.Response:
        refused = self._scoped(grant, WRITE)
        if refused:
            return refused
        if query.get("uploadType") != "resumable":
            return google_error(400, "badRequest", "Outpost's fake takes resumable uploads only")
        parts = set(query.get("part", "").split(","))
        if not parts or not parts <= {"snippet", "status", "contentDetails", "id"}:
            return google_error(400, "unknownPart", f"'{query.get('part')}'")
        length, mime = (
            request.headers.get("x-upload-content-length", ""),
            request.headers.get("x-upload-content-type", ""),
        )
        if not length.isdigit() or int(length) == 0:
            return google_error(
                400, "badRequest", "X-Upload-Content-Length is required for a resumable upload"
            )
        if not (mime.startswith("video/") or mime == "application/octet-stream"):
            return google_error(400, "invalidFilename", f"Media type '{mime}' is not supported.")
        if not request.headers.get("content-type", "").startswith("application/json"):
            return google_error(400, "badRequest", "The request body must be JSON")
        body = json.loads(request.content)
        problem = _metadata_problem(body, self.now())
        if problem is not None:
            return problem
        refused = self._charge(grant, "videos.insert")  # charged once the request is understood
        if refused:
            return refused
        if self._channel(grant) is None:
            return google_error(401, "youtubeSignupRequired", "The user does not have a YouTube channel.")
        session = Session(
            id=f"upl{next(self._ids):06d}",
            client_id=grant.client_id,
            user=grant.user,
            metadata=body,
            parts=parts,
            total=int(length),
            mime=mime,
            notify=query.get("notifySubscribers", "true") == "true",
            expires_at=self.now() + self.session_lifetime_s,
        )
        self.sessions[session.id] = session
        location = (
            f"{self.session_origin}/upload/youtube/v3/videos?uploadType=resumable&upload_id={session.id}"
        )
        return httpx.Response(200, headers={"Location": location}, json={})

    def session_put(self, request: httpx.Request, query: dict[str, str], grant: Grant) -> httpx.Response:
        session = self.sessions.get(query.get("upload_id", ""))
        if session is None or session.expires_at <= self.now():
            return google_error(404, "notFound", "Not Found", "global")
        if grant.user != session.user:
            return google_error(403, "forbidden", "The upload session belongs to another user.")
        declared = request.headers.get("content-length")
        if declared is None or int(declared) != len(request.content):
            return google_error(400, "badRequest", "Content-Length is required and must match the body")
        content_range = request.headers.get("content-range", "")
        if asked := _QUERY.match(content_range):
            if int(asked.group(1)) != session.total:
                return google_error(400, "badRequest", "The total size does not match the session's")
            return self._where(session)
        matched = _RANGE.match(content_range)
        if matched is None:
            return google_error(400, "badRequest", f"Invalid Content-Range: {content_range!r}")
        first, last, total = (int(g) for g in matched.groups())
        if (
            total != session.total
            or last < first
            or last >= total
            or last - first + 1 != len(request.content)
        ):
            return google_error(400, "badRequest", f"Content-Range {content_range!r} does not fit the upload")
        if session.video_id is not None:
            return self._where(session)
        if last != total - 1 and len(request.content) % GRANULE:
            return google_error(
                400, "badRequest",
                f"Invalid request. The number of bytes uploaded is required to be equal or greater than {GRANULE}, "
                f"except for the final request (it's recommended to be the exact multiple of {GRANULE}). The received "
                f"request contained {len(request.content)} bytes, which does not meet this requirement.",
            )  # fmt: skip
        have = len(session.received)
        if first > have:
            return google_error(
                400, "badRequest", f"Content-Range starts at {first}, but only {have} bytes were received"
            )
        session.chunks.append((first, last))
        if self.drop_next_chunk_after is not None:
            keep = (min(self.drop_next_chunk_after, len(request.content)) // GRANULE) * GRANULE
            self.drop_next_chunk_after = None
            self._take(session, first, request.content[:keep])
            raise httpx.ReadError("the connection dropped mid-chunk")
        self._take(session, first, request.content)
        if len(session.received) < total:
            return self._where(session)
        video = self._make_video(session)
        if self.lose_final_answer:
            self.lose_final_answer = False
            raise httpx.ReadError("the answer to the last chunk was lost")
        return httpx.Response(201, json=video.resource(session.parts))

    def _take(self, session: Session, first: int, data: bytes) -> None:
        have = len(session.received)
        overlap = max(0, min(have - first, len(data)))
        assert bytes(session.received[first : first + overlap]) == data[:overlap], "bytes sent again differ"
        session.resent += overlap
        session.received += data[overlap:]

    def _where(self, session: Session) -> httpx.Response:
        if session.video_id is not None:
            return httpx.Response(201, json=self.videos[session.video_id].resource(session.parts)) if session.video_id in self.videos \
                else google_error(404, "notFound", "Not Found", "global")  # fmt: skip
        have = len(session.received)
        headers = {"Range": f"bytes=0-{have - 1}"} if have else {}
        return httpx.Response(308, headers=headers)

    def _make_video(self, session: Session) -> Video:
        channel = self.channels[session.user]
        snippet = dict(session.metadata.get("snippet") or {})
        status = {"uploadStatus": "uploaded", "privacyStatus": "public", "license": "youtube", "embeddable": True,
                  "publicStatsViewable": True, **(session.metadata.get("status") or {})}  # fmt: skip
        if self.private_only:
            status["privacyStatus"] = "private"
        video = Video(
            id=f"vid{next(self._ids):08d}",
            channel=channel.id,
            snippet=snippet,
            status=status,
            data=bytes(session.received),
            notify=session.notify,
            created=self.now(),
        )
        self.videos[video.id] = video
        session.video_id = video.id
        return video


def _metadata_problem(body: dict[str, Any], now: float) -> httpx.Response | None:
    snippet, status = body.get("snippet") or {}, body.get("status") or {}
    title = snippet.get("title")
    if not isinstance(title, str) or not title.strip() or len(title) > 100 or set("<>") & set(title):
        return google_error(
            400, "invalidTitle", "The request metadata specifies an invalid or empty video title."
        )
    description = snippet.get("description", "")
    if len(description.encode()) > 5000 or set("<>") & set(description):
        return google_error(
            400, "invalidDescription", "The request metadata specifies an invalid video description."
        )
    tags = snippet.get("tags") or []
    if sum(len(t) + (2 if " " in t else 0) for t in tags) + max(0, len(tags) - 1) > 500:
        return google_error(400, "invalidTags", "The request metadata specifies invalid video keywords.")
    if "categoryId" in snippet and snippet["categoryId"] not in CATEGORIES:
        return google_error(
            400, "invalidCategoryId", "The snippet.categoryId property specifies an invalid category ID."
        )
    if status.get("privacyStatus", "public") not in ("public", "unlisted", "private"):
        return google_error(400, "invalidVideoMetadata", "The request metadata is invalid.")
    if not isinstance(status.get("selfDeclaredMadeForKids", False), bool):
        return google_error(400, "invalidVideoMetadata", "The request metadata is invalid.")
    if "publishAt" in status:
        return _publish_at_problem(status, now)
    return None


def _publish_at_problem(status: dict[str, Any], now: float) -> httpx.Response | None:
    try:
        at = _parse(str(status["publishAt"]))
    except ValueError:
        at = 0.0
    if status.get("privacyStatus") != "private" or at <= now:
        return google_error(
            400, "invalidPublishAt", "The request metadata specifies an invalid scheduled publishing time."
        )
    return None


def _parse(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def _iso(seconds: float) -> str:
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
