"""A strict fake of Pinterest's API v5, its OAuth and its video upload storage, served over loopback.

Modelled on Pinterest's OpenAPI description (github.com/pinterest/api-description, v5 5.23.0) and
../shared/platforms/meta-linkedin-tiktok-youtube.md §7: `PinCreate` with its lengths (title 100,
description 800, alt text 500, link 2048) and no other fields, `board_id` required and owned by
the caller (403 code 7 otherwise, 404 code 40 for none), sections that belong to their board,
`image_base64` that must be a real JPEG or PNG of the content type it claims, video Pins only
from a `succeeded` upload and with a cover, errors as `{"code", "message"}`, 401 code 2 for an
expired token, 429 code 8 with `x-ratelimit-*` headers, Trial apps refused in production (code
29), and a video upload that is an S3 form POST (fields as handed out, `file` last, no
`Authorization` header) answered in S3's XML. Anything else fails the test loudly.
"""

from __future__ import annotations

import base64
import binascii
import io
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.parser import BytesParser
from email.policy import HTTP
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from PIL import Image

from tests.contract.fake_oauth import App, AuthorizationServer, Grant

API = "https://api.pinterest.com"
WEB = "https://www.pinterest.com"
UPLOAD = "https://pinterest-media-upload.s3-accelerate.amazonaws.com"
CLIENT_ID = "1507223"
CLIENT_SECRET = "pin-secret-do-not-leak"
SCOPES = ("boards:read", "boards:write", "pins:read", "pins:write", "user_accounts:read")
PIN_FIELDS = {"alt_text", "board_id", "board_section_id", "description", "dominant_color", "link",
              "media_source", "parent_pin_id", "sponsor_id", "title"}  # fmt: skip
LIMITS = {"title": 100, "description": 800, "alt_text": 500, "link": 2048}
UPLOAD_FIELDS = ("x-amz-date", "x-amz-signature", "x-amz-security-token", "x-amz-algorithm", "key",
                 "policy", "x-amz-credential", "Content-Type")  # fmt: skip
_DIGITS = re.compile(r"^\d+$")
_BASE64 = re.compile(r"^[a-zA-Z0-9+/=]+$")
DAY = 86400


@dataclass
class Board:
    id: str
    name: str
    owner: str
    sections: dict[str, str] = field(default_factory=dict)


@dataclass
class Pin:
    id: str
    user: str
    board_id: str
    section_id: str | None
    fields: dict[str, Any]
    kind: str  # image | video
    content_type: str = ""
    data: bytes = b""
    media_id: str = ""
    created_at: str = ""
    repin: bool = False  # saved from someone else's Pin (not the account's own)


@dataclass
class VideoUpload:
    media_id: str
    user: str
    parameters: dict[str, str]
    status: str = "registered"
    size: int = 0
    polls_left: int = 2


class PinterestAuthorization(AuthorizationServer):
    """Pinterest's token endpoint: HTTP Basic, comma-joined scopes, continuous refresh tokens.

    A continuous refresh token is replaced by a new one on every refresh, 60 days from then
    (oauth/token in the OpenAPI description); the one sent dies at once.
    """

    withheld: frozenset[str] = frozenset()  # permissions the person unticks on the consent page

    def _exchange(self, app: App, form: dict[str, str]) -> httpx.Response:
        code = self.codes.get(form.get("code", ""))
        if code is not None:
            code["scopes"] = " ".join(s for s in code["scopes"].split() if s not in self.withheld)
        return super()._exchange(app, form)

    def _refresh(self, app: App, form: dict[str, str]) -> httpx.Response:
        answer = super()._refresh(app, form)
        if answer.status_code != 200:
            return answer
        body = json.loads(answer.content)
        if "refresh_token" in body and self.refresh_lifetime_s:
            self.refresh[body["refresh_token"]].expires_at = self.now() + self.refresh_lifetime_s
            body["refresh_token_expires_in"] = self.refresh_lifetime_s
        return httpx.Response(200, json=body)


@dataclass
class FakePinterest:
    """Accounts, boards, Pins, uploads, and the faults to inject next."""

    users: dict[str, dict[str, str]] = field(
        default_factory=lambda: {
            "alice": {
                "id": "900100200",
                "username": "alice_pins",
                "business_name": "Alice's Kitchen",
                "account_type": "BUSINESS",
                "profile_image": "https://i.pinimg.example/alice.jpg",
            },
            "bob": {"id": "900100300", "username": "bob_tools", "account_type": "BUSINESS"},
        }
    )
    boards: dict[str, Board] = field(
        default_factory=lambda: {
            "1001": Board("1001", "Recipes", "alice", {"5001": "Soups", "5002": "Salads"}),
            "1002": Board("1002", "Garden", "alice"),
            "2001": Board("2001", "Bob's tools", "bob"),
        }
    )
    oauth: PinterestAuthorization = field(
        default_factory=lambda: PinterestAuthorization(
            access_lifetime_s=30 * DAY, refresh_lifetime_s=60 * DAY, refresh_scope=None, basic_auth=True
        )
    )
    upload_origin: str = UPLOAD  # where upload URLs point (a loopback address when another process uploads)
    trial_access: bool = False
    org_write_left: int | None = None  # Pins allowed before 429 (None: no limit)
    reset_after_s: int = 3600
    video_polls: int = 2
    processing_fails: bool = False
    policy_expired: bool = False
    max_page_size: int = 250  # the API gives smaller pages than asked when this is lower
    pins: list[Pin] = field(default_factory=list)
    uploads: dict[str, VideoUpload] = field(default_factory=dict)
    requests: list[httpx.Request] = field(default_factory=list)
    token_forms: list[dict[str, str]] = field(default_factory=list)
    faults: dict[str, list[Callable[[], httpx.Response]]] = field(default_factory=dict)
    deleted: list[str] = field(default_factory=list)  # Pin ids deleted (issue #24)
    updates: list[str] = field(default_factory=list)  # Pin ids updated (issue #24)
    store_then_fail: list[int] = field(default_factory=list)  # create stored, then this status (0: drop)
    analytics_left: int | None = None  # analytics reads allowed before 429 (None: no limit)
    followers: dict[str, int] = field(
        default_factory=lambda: {"alice": 800}
    )  # +2 an hour from followers_from
    followers_from: float = 0.0
    now: Callable[[], float] = time.time
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1_125_899_906_842_600))

    def __post_init__(self) -> None:
        self.register_app(8765)

    def register_app(self, port: int) -> None:
        self.oauth.apps[CLIENT_ID] = App(
            CLIENT_ID, (f"http://127.0.0.1:{port}/callback",), CLIENT_SECRET, frozenset(SCOPES)
        )

    def fail(self, route: str, *responses: Callable[[], httpx.Response]) -> None:
        self.faults.setdefault(route, []).extend(responses)

    def creates(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.method == "POST" and r.url.path == "/v5/pins"]

    def token_for(self, user: str, scopes: tuple[str, ...] = SCOPES) -> tuple[str, str]:
        """(access token, refresh token) as if `user` had signed in with the app."""
        return self.oauth.issue(user, scopes, CLIENT_ID)

    # -- dispatch ------------------------------------------------------------------------------

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        url = urlsplit(str(request.url))
        origin = f"{url.scheme}://{url.netloc}"
        path = re.sub(r"^/v5/boards/[^/]+/", "/v5/boards/:id/", url.path)
        path = re.sub(r"^/v5/media/[^/]+$", "/v5/media/:id", path)
        path = re.sub(r"^/v5/pins/[^/]+/analytics$", "/v5/pins/:id/analytics", path)
        path = re.sub(r"^/v5/pins/[^/]+$", "/v5/pins/:id", path)
        route = f"{request.method} {path}"
        if self.faults.get(route):
            return self.faults[route].pop(0)()
        if origin == UPLOAD or url.path.startswith("/s3-upload"):
            assert request.method == "POST", f"S3 form uploads are POSTs, not {request.method}"
            return self.s3_upload(request)
        if origin == WEB:
            assert route == "GET /oauth/", f"the fake Pinterest has no page {route}"
            return self.oauth.authorize(request)
        assert origin == API, f"unexpected host {request.url}"
        if route == "POST /v5/oauth/token":
            return self.token(request)
        handlers: dict[str, Callable[[httpx.Request, Grant], httpx.Response]] = {
            "GET /v5/user_account": self.user_account,
            "GET /v5/boards": self.list_boards,
            "GET /v5/boards/:id/sections": self.list_sections,
            "GET /v5/boards/:id/pins": self.board_pins,
            "GET /v5/pins": self.user_pins,
            "POST /v5/pins": self.create_pin,
            "POST /v5/media": self.register_media,
            "GET /v5/media/:id": self.media_status,
            "GET /v5/pins/:id": self.get_pin,
            "GET /v5/pins/:id/analytics": self.pin_analytics,
            "DELETE /v5/pins/:id": self.delete_pin,
            "PATCH /v5/pins/:id": self.update_pin,
        }
        handler = handlers.get(route)
        assert handler is not None, f"the fake Pinterest has no route {route} (unexpected request)"
        grant = self.oauth.user_of(request)
        if grant is None:
            return error(401, 2, "Authentication failed.")
        return handler(request, grant)

    def token(self, request: httpx.Request) -> httpx.Response:
        self.token_forms.append({k: v[0] for k, v in parse_qs(request.content.decode()).items()})
        answer = self.oauth.token(request)
        if answer.status_code != 200:
            return answer
        body = json.loads(answer.content)
        body["scope"] = ",".join(body["scope"].split())  # Pinterest joins scopes with commas
        body["response_type"] = self.token_forms[-1].get("grant_type")
        if "refresh_token_expires_in" in body:
            body["refresh_token_expires_at"] = int(self.now()) + body["refresh_token_expires_in"]
        return httpx.Response(200, json=body)

    # -- accounts and boards -------------------------------------------------------------------

    def user_account(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        if missing := _missing(grant, "user_accounts:read"):
            return missing
        hours = int((self.now() - self.followers_from) // 3600) if self.followers_from else 0
        counts = {
            "follower_count": self.followers.get(grant.user, 0) + 2 * max(0, hours),
            "following_count": 40,
        }
        return _ok(200, {**self.users[grant.user], "board_count": len(self._boards_of(grant.user)), **counts})

    def _boards_of(self, user: str) -> list[Board]:
        return [b for b in self.boards.values() if b.owner == user]

    def list_boards(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        if missing := _missing(grant, "boards:read"):
            return missing
        items = [{"id": b.id, "name": b.name, "privacy": "PUBLIC"} for b in self._boards_of(grant.user)]
        return self._page(request, items)

    def _board(self, request: httpx.Request, grant: Grant) -> Board | httpx.Response:
        board = self.boards.get(request.url.path.split("/")[3])
        if board is None:
            return error(404, 40, "Board not found.")
        if board.owner != grant.user:
            return error(403, 7, "Not authorized to access board or Pin.")
        return board

    def list_sections(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        if missing := _missing(grant, "boards:read"):
            return missing
        board = self._board(request, grant)
        if isinstance(board, httpx.Response):
            return board
        return self._page(request, [{"id": k, "name": v} for k, v in board.sections.items()])

    def board_pins(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        if missing := _missing(grant, "boards:read", "pins:read"):
            return missing
        board = self._board(request, grant)
        if isinstance(board, httpx.Response):
            return board
        return self._page(request, [_pin_json(p) for p in reversed(self.pins) if p.board_id == board.id])

    def user_pins(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        if missing := _missing(grant, "boards:read", "pins:read"):
            return missing
        pin_filter = request.url.params.get("pin_filter")
        if pin_filter not in (None, "exclude_native", "exclude_repins", "has_been_promoted"):
            return error(400, 1, f"Invalid pin_filter {pin_filter!r}")
        mine = [p for p in reversed(self.pins) if p.user == grant.user]
        if pin_filter == "exclude_repins":
            mine = [p for p in mine if not p.repin]
        return self._page(request, [_pin_json(p) for p in mine])

    # -- after publishing: a Pin, its analytics ------------------------------------------------

    def add_pin(
        self, user: str, board_id: str, description: str, created: float, *, repin: bool = False
    ) -> Pin:
        """A Pin made on pinterest.com (or saved from someone else's, `repin`), not through Outpost."""
        made = datetime.fromtimestamp(created, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        pin = Pin(str(next(self._ids)), user, board_id, None, {"description": description}, "image",
                  created_at=made, repin=repin)  # fmt: skip
        self.pins.append(pin)
        return pin

    def _pin(self, request: httpx.Request, grant: Grant) -> Pin | httpx.Response:
        pin_id = request.url.path.split("/")[3]
        pin = next((p for p in self.pins if p.id == pin_id), None)
        if pin is None:
            return error(404, 404, "Pin not found.")  # pins/analytics 404 example in the spec
        if pin.user != grant.user:
            return error(403, 403, "Not authorized to access board or Pin.")
        return pin

    def get_pin(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        if missing := _missing(grant, "boards:read", "pins:read"):
            return missing
        pin = self._pin(request, grant)
        return pin if isinstance(pin, httpx.Response) else _ok(200, _pin_json(pin))

    # Issue #24 (developers.pinterest.com/docs/api/v5/pins-delete, pins-update): 204 once deleted,
    # 404 "Pin not found." after; PATCH takes PinUpdate's fields (title, description, link,
    # alt_text, board_id, board_section_id, note, carousel_data) and answers the Pin.
    UPDATABLE = frozenset(
        {
            "alt_text",
            "board_id",
            "board_section_id",
            "description",
            "link",
            "note",
            "title",
            "carousel_data",
        }
    )

    def delete_pin(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        if missing := _missing(grant, "boards:read", "boards:write", "pins:read", "pins:write"):
            return missing
        pin = self._pin(request, grant)
        if isinstance(pin, httpx.Response):
            return pin
        self.pins.remove(pin)
        self.deleted.append(pin.id)
        return httpx.Response(204)

    def update_pin(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        if missing := _missing(grant, "boards:read", "boards:write", "pins:read", "pins:write"):
            return missing
        pin = self._pin(request, grant)
        if isinstance(pin, httpx.Response):
            return pin
        body = json.loads(request.content)
        if not isinstance(body, dict) or set(body) - self.UPDATABLE:
            return error(400, 1, f"Invalid request: unknown fields {sorted(set(body) - self.UPDATABLE)}")
        for key, limit in LIMITS.items():
            value = body.get(key)
            if value is not None and (not isinstance(value, str) or len(value) > limit):
                return error(400, 1, f"Invalid request: '{key}' is too long (at most {limit}).")
        if body.get("link") is not None and not _web_address(body["link"]):
            return error(400, 1, "Whoops! It looks like you entered an invalid URL.")
        pin.fields |= {k: body[k] for k in ("title", "description", "link", "alt_text") if k in body}
        self.updates.append(pin.id)
        return _ok(200, _pin_json(pin))

    def pin_analytics(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        """`PinAnalyticsResponse`: the window's sums and lifetime totals, growing with the clock."""
        if missing := _missing(grant, "boards:read", "pins:read"):
            return missing
        if self.analytics_left is not None:
            if self.analytics_left <= 0:
                return self._rate_limited()
            self.analytics_left -= 1
        pin = self._pin(request, grant)
        if isinstance(pin, httpx.Response):
            return pin
        query = dict(request.url.params)
        types = set(query.get("metric_types", "").split(","))
        known = {"IMPRESSION", "OUTBOUND_CLICK", "PIN_CLICK", "SAVE", "SAVE_RATE", "TOTAL_COMMENTS",
                 "TOTAL_REACTIONS", "USER_FOLLOW", "PROFILE_VISIT"}  # fmt: skip
        today = datetime.fromtimestamp(self.now(), UTC).date()
        try:
            start = datetime.fromisoformat(query["start_date"]).date()
            end = datetime.fromisoformat(query["end_date"]).date()
        except (KeyError, ValueError):
            return error(400, 400, "Invalid pins analytics parameters.")
        if (
            types == {""}
            or types - known
            or (today - start).days > 90
            or start > end
            or (end - start).days > 90
        ):
            return error(400, 400, "Invalid pins analytics parameters.")
        made = datetime.fromisoformat(pin.created_at.replace("Z", "+00:00")).timestamp()
        minutes = max(0, int((self.now() - made) // 60))
        summary = {"IMPRESSION": minutes * 4, "SAVE": minutes // 20, "PIN_CLICK": minutes // 10,
                   "OUTBOUND_CLICK": minutes // 30, "SAVE_RATE": 0.05}  # fmt: skip
        lifetime = {"TOTAL_REACTIONS": minutes // 15, "TOTAL_COMMENTS": minutes // 60}
        return _ok(200, {"ALL": {
            "summary_metrics": {k: v for k, v in summary.items() if k in types},
            "lifetime_metrics": {k: v for k, v in lifetime.items() if k in types},
            "daily_metrics": [],
        }})  # fmt: skip

    def _page(self, request: httpx.Request, items: list[dict[str, Any]]) -> httpx.Response:
        query = {k: v[0] for k, v in parse_qs(request.url.query.decode()).items()}
        size_text = query.get("page_size", "25")
        if not size_text.isdigit() or not 1 <= int(size_text) <= 250:
            return error(400, 1, f"Parameter 'page_size' must be between 1 and 250 (was {size_text})")
        bookmark = query.get("bookmark", "bm-0")
        if not re.fullmatch(r"bm-\d+", bookmark):
            return error(400, 1, f"Invalid bookmark {bookmark!r}")
        start, size = int(bookmark[3:]), min(int(size_text), self.max_page_size)
        following = f"bm-{start + size}" if start + size < len(items) else None
        return _ok(200, {"items": items[start : start + size], "bookmark": following})

    # -- Pins ----------------------------------------------------------------------------------

    def create_pin(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        if missing := _missing(grant, "boards:read", "boards:write", "pins:read", "pins:write"):
            return missing
        if self.trial_access:
            return error(
                403,
                29,
                "Apps with Trial access may not create Pins in production https://api.pinterest.com "
                "- use API Sandbox https://api-sandbox.pinterest.com instead.",
            )
        if self.org_write_left is not None:
            if self.org_write_left <= 0:
                return self._rate_limited()
            self.org_write_left -= 1
        try:
            body = json.loads(request.content)
        except ValueError:
            return error(400, 1, "Invalid request: the body is not JSON.")
        if not isinstance(body, dict) or set(body) - PIN_FIELDS:
            return error(400, 1, f"Invalid request: unknown fields {sorted(set(body) - PIN_FIELDS)}")
        problem = self._check_pin(body, grant)
        if isinstance(problem, httpx.Response):
            return problem
        pin = problem
        self.pins.append(pin)
        if self.store_then_fail:
            status = self.store_then_fail.pop(0)
            if status == 0:
                raise httpx.ReadError("answer lost after the Pin was stored")
            return error(status, status, "Internal server error.")
        return _ok(201, _pin_json(pin))

    def _check_pin(self, body: dict[str, Any], grant: Grant) -> Pin | httpx.Response:
        board_id = body.get("board_id")
        if not isinstance(board_id, str) or not _DIGITS.match(board_id):
            return error(400, 1, f"'board_id' value {board_id!r} must match the pattern: ^\\d+$")
        board = self.boards.get(board_id)
        if board is None:
            return error(404, 40, "Board not found.")
        if board.owner != grant.user:
            return error(403, 7, "Not authorized to access board or Pin.")
        section = body.get("board_section_id")
        if section is not None and section not in board.sections:
            return error(404, 2031, "Sorry! We couldn't find this board section.")
        for key, limit in LIMITS.items():
            value = body.get(key)
            if value is not None and (not isinstance(value, str) or len(value) > limit):
                shown = len(value) if isinstance(value, str) else type(value).__name__
                return error(400, 1, f"Invalid request: '{key}' is too long ({shown} of at most {limit}).")
        link = body.get("link")
        if link is not None and not _web_address(link):
            return error(
                400,
                1,
                "Whoops! It looks like you entered an invalid URL. Try creating a Pin again with a valid URL.",
            )
        pin = Pin(
            str(next(self._ids)),
            grant.user,
            board_id,
            section,
            {k: body[k] for k in ("title", "description", "link", "alt_text") if k in body},
            kind="",
            created_at=datetime.fromtimestamp(self.now(), UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        media = body.get("media_source")
        if not isinstance(media, dict):
            return error(400, 1, "Invalid request: 'media_source' is a required property.")
        if media.get("source_type") == "image_base64":
            return self._image(media, pin)
        if media.get("source_type") == "video_id":
            return self._video(media, pin, grant)
        return error(
            400, 1, f"Invalid request: source_type {media.get('source_type')!r} is not handled here."
        )

    def _image(self, media: dict[str, Any], pin: Pin) -> Pin | httpx.Response:
        if set(media) - {"source_type", "content_type", "data", "is_standard"}:
            return error(400, 1, f"Invalid request: unknown media_source fields {sorted(media)}")
        content_type, data = media.get("content_type"), media.get("data")
        if content_type not in ("image/jpeg", "image/png"):
            return error(
                400, 1, f"Invalid request: content_type {content_type!r} is not one of image/jpeg, image/png."
            )
        if not isinstance(data, str) or not _BASE64.match(data):
            return error(400, 1, "Invalid request: 'data' must match the pattern ^[a-zA-Z0-9+/=]+$")
        try:
            raw = base64.b64decode(data, validate=True)
            with Image.open(io.BytesIO(raw)) as picture:
                picture.verify()
                found = picture.format
        except (binascii.Error, OSError, SyntaxError, ValueError):
            return error(400, 1, "Sorry, we could not fetch the image: the data is not a picture.")
        if {"JPEG": "image/jpeg", "PNG": "image/png"}.get(str(found)) != content_type:
            return error(400, 1, f"Sorry, the image is {found}, not the {content_type} it claims to be.")
        pin.kind, pin.content_type, pin.data = "image", content_type, raw
        return pin

    def _video(self, media: dict[str, Any], pin: Pin, grant: Grant) -> Pin | httpx.Response:
        upload = self.uploads.get(str(media.get("media_id")))
        if upload is None or upload.user != grant.user:
            return error(404, 1, f"Media {media.get('media_id')} not found.")
        if upload.status != "succeeded":
            return error(
                400, 1, f"Invalid request: media {upload.media_id} is {upload.status}, not succeeded."
            )
        has_cover = (
            isinstance(media.get("cover_image_url"), str)
            or (
                media.get("cover_image_content_type") in ("image/jpeg", "image/png")
                and media.get("cover_image_data")
            )
            or (
                isinstance(media.get("cover_image_key_frame_time"), int)
                and media["cover_image_key_frame_time"] >= 0
            )
        )
        if not has_cover:
            return error(
                400,
                1,
                "Invalid request: cover_image_url or cover_image_content_type is required for a video Pin.",
            )
        pin.kind, pin.media_id = "video", upload.media_id
        return pin

    def _rate_limited(self) -> httpx.Response:
        return httpx.Response(
            429,
            json={
                "code": 8,
                "message": "This request exceeded a rate limit. This can happen if the client exceeds one\n"
                "of the published rate limits within a short time window.",
            },
            headers={
                "x-ratelimit-limit": "100",
                "x-ratelimit-remaining": "0",
                "x-ratelimit-reset": str(self.reset_after_s),
            },
        )

    # -- video uploads -------------------------------------------------------------------------

    def register_media(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        if missing := _missing(grant, "pins:read", "pins:write"):
            return missing
        body = json.loads(request.content or b"{}")
        if body != {"media_type": "video"}:
            return error(400, 1, f"Invalid request: media_type must be 'video' (got {body!r}).")
        media_id = str(next(self._ids))
        parameters = {name: f"{name}-{media_id}" for name in UPLOAD_FIELDS}
        parameters["key"] = f"uploads/11/aa/22/3:video:{grant.user}:{media_id}"
        parameters["Content-Type"] = "multipart/form-data"
        self.uploads[media_id] = VideoUpload(media_id, grant.user, parameters, polls_left=self.video_polls)
        return _ok(
            201,
            {
                "media_id": media_id,
                "media_type": "video",
                "upload_url": f"{self.upload_origin}/",
                "upload_parameters": parameters,
            },
        )

    def s3_upload(self, request: httpx.Request) -> httpx.Response:
        if "authorization" in request.headers:
            return s3_error(400, "InvalidArgument", "Only one auth mechanism allowed")
        fields = _multipart(request)
        names = [name for name, _ in fields]
        if not names or names[-1] != "file" or names.count("file") != 1:
            return s3_error(
                400, "InvalidArgument", "POST requires exactly one file upload, as the last field"
            )
        form = {name: value for name, value in fields}
        upload = next((u for u in self.uploads.values() if u.parameters["key"] == form.get("key")), None)
        if upload is None or any(form.get(k) != v for k, v in upload.parameters.items()):
            return s3_error(403, "AccessDenied", "Invalid according to Policy: Policy Condition failed")
        if self.policy_expired:
            return s3_error(403, "AccessDenied", "Invalid according to Policy: Policy expired.")
        data = form["file"]
        assert isinstance(data, bytes)
        upload.size, upload.status = len(data), "processing"
        return httpx.Response(204)

    def media_status(self, request: httpx.Request, grant: Grant) -> httpx.Response:
        if missing := _missing(grant, "pins:read"):
            return missing
        upload = self.uploads.get(request.url.path.rsplit("/", 1)[1])
        if upload is None or upload.user != grant.user:
            return error(404, 1, "Media not found.")
        if upload.status == "processing":
            if upload.polls_left > 0:
                upload.polls_left -= 1
            else:
                upload.status = "failed" if self.processing_fails else "succeeded"
        return _ok(200, {"media_id": upload.media_id, "media_type": "video", "status": upload.status})


def _missing(grant: Grant, *scopes: str) -> httpx.Response | None:
    if set(scopes) <= set(grant.scopes):
        return None
    return error(
        403,
        3,
        "Your token does not have sufficient permissions to perform this operation. Please ensure your "
        "token is authorized with the correct set of scopes.",
    )


def _pin_json(pin: Pin) -> dict[str, Any]:
    media: dict[str, Any] = {"media_type": pin.kind}
    return {
        "id": pin.id,
        "created_at": pin.created_at,
        "board_id": pin.board_id,
        "board_section_id": pin.section_id,
        "title": pin.fields.get("title"),
        "description": pin.fields.get("description"),
        "link": pin.fields.get("link"),
        "alt_text": pin.fields.get("alt_text"),
        "media": media,
        "is_owner": True,
    }


def _web_address(value: object) -> bool:
    if not isinstance(value, str):
        return False
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(
        re.fullmatch(r"[a-z0-9.-]+\.[a-z]{2,}(:\d+)?", parts.netloc)
    )


def _multipart(request: httpx.Request) -> list[tuple[str, str | bytes]]:
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        return []
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + request.content
    )
    fields: list[tuple[str, str | bytes]] = []
    for part in message.iter_parts():
        name = str(part.get_param("name", header="content-disposition"))
        payload = part.get_payload(decode=True) or b""
        fields.append((name, payload if part.get_filename() else payload.decode()))
    return fields


def _ok(status: int, body: dict[str, Any]) -> httpx.Response:
    return httpx.Response(status, json=body, headers={"x-ratelimit-remaining": "999"})


def error(status: int, code: int, message: str) -> httpx.Response:
    """Pinterest's error shape (`Error` in the OpenAPI description)."""
    return httpx.Response(status, json={"code": code, "message": message})


def s3_error(status: int, code: str, message: str) -> httpx.Response:
    xml = f"<?xml version='1.0' encoding='UTF-8'?><Error><Code>{code}</Code><Message>{message}</Message></Error>"
    return httpx.Response(status, content=xml.encode(), headers={"Content-Type": "application/xml"})
