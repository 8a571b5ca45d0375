"""The sandbox's Facebook Page: the Graph API paths the Facebook adapter calls, under `/facebook/`.

Graph APIs (Facebook, Instagram, Threads) share path shapes (`/v25.0/me`…), so this simulation
lives under its own prefix: the sandbox account's `service_url` is `{sandbox}/facebook`, which the
adapter uses as its API address (only ever on 127.0.0.1, `oauth_app.local_api`). It signs in
with a Page token, as `outpost accounts add facebook --access-token PAGE_TOKEN` would.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs

from outpost.domain.accounts import SANDBOX_FACEBOOK_HANDLE, AddAccountRequest
from outpost.domain.enums import Network
from outpost.sandbox.simulation import Answer, Received, Request, Simulation

FACEBOOK_TOKEN = "sandbox-facebook-page-token"
PAGE_ID = "3001"
PAGE_NAME = "You (sandbox Page)"
_VERSIONED = re.compile(r"^/facebook/v\d+\.\d+(/.*)$")


class FacebookSimulation(Simulation):
    """A Facebook Page: `/me`, unpublished photos, feed posts, videos and Reels, the Page's posts."""

    network = Network.FACEBOOK
    prefixes = ("/facebook/",)

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self._posts: list[dict[str, str]] = []
        self._videos: dict[str, int] = {}  # video id → bytes it should have

    def sign_in(self) -> AddAccountRequest:
        """The Page's own token, for the Page the sandbox simulates."""
        return AddAccountRequest(
            service_url=f"{self.shared.url}/facebook", access_token=FACEBOOK_TOKEN, target_id=PAGE_ID
        )

    def answer(self, request: Request) -> Answer:
        """Facebook's answers (Graph's error shape)."""
        if request.path.startswith("/facebook/rupload/"):
            return Answer(200, {"success": True})
        match = _VERSIONED.match(request.path)
        token = request.headers.get("authorization", "").removeprefix("Bearer ").removeprefix("OAuth ")
        if match is None or token != FACEBOOK_TOKEN:
            return _error(400, 190, "Invalid OAuth access token - Cannot parse access token")
        path, method = match.group(1), request.method
        page = {"id": PAGE_ID, "name": PAGE_NAME, "username": SANDBOX_FACEBOOK_HANDLE}
        if path == "/me":
            return Answer(
                200, {**page, "metadata": {"type": "page"}} if request.query.get("metadata") else page
            )
        if path == f"/{PAGE_ID}" and method == "GET":
            return Answer(200, page)
        if method == "POST" and path == f"/{PAGE_ID}/photos":
            return Answer(200, {"id": self.shared.new_id()})
        if method == "POST" and path == f"/{PAGE_ID}/feed":
            body = request.json()
            return self._post(str(body.get("message", "")), len(body.get("attached_media") or []))
        if method == "GET" and path == f"/{PAGE_ID}/posts":
            return Answer(200, {"data": list(reversed(self._posts))})
        if method == "POST" and path in (f"/{PAGE_ID}/videos", f"/{PAGE_ID}/video_reels"):
            return self._video(path.endswith("reels"), _form(request))
        if method == "GET" and path.strip("/") in self._videos:
            size = self._videos[path.strip("/")]
            return Answer(
                200, {"status": {"uploading_phase": {"bytes_transferred": size}}, "published": True}
            )
        return _error(400, 100, f"Unsupported {method.lower()} request: {path} is not simulated")

    def _post(self, message: str, media: int) -> Answer:
        post_id = f"{PAGE_ID}_{self.shared.new_id()}"
        link = f"{self.shared.url}/facebook/{post_id}"
        self.shared.posts.append(Received("facebook", message, None, media))
        self._posts.append({"id": post_id, "message": message, "permalink_url": link})
        return Answer(200, {"id": post_id, "permalink_url": link})

    def _video(self, reel: bool, form: dict[str, str]) -> Answer:
        phase = form.get("upload_phase")
        if phase == "start":
            video = self.shared.new_id()
            self._videos[video] = int(form.get("file_size") or 0)
            if reel:
                upload = f"{self.shared.url}/facebook/rupload/video-upload/v25.0/{video}"
                return Answer(200, {"video_id": video, "upload_url": upload})
            size = str(self._videos[video])
            return Answer(
                200, {"video_id": video, "upload_session_id": video, "start_offset": "0", "end_offset": size}
            )
        if phase == "transfer":
            size = str(self._videos.get(form.get("upload_session_id", ""), 0))
            return Answer(200, {"start_offset": size, "end_offset": size})
        if phase == "finish":
            self._post(form.get("description", ""), 1)
            return Answer(200, {"success": True})
        return _error(400, 100, f"(#100) upload_phase {phase} is not simulated")


def _form(request: Request) -> dict[str, str]:
    """A urlencoded or multipart form's text fields."""
    if "multipart" in request.headers.get("content-type", ""):
        pairs = re.findall(rb'name="([^"]+)"\r\n\r\n([^\r]*)\r\n', request.body)
        return {name.decode(): value.decode("utf-8", "replace") for name, value in pairs}
    return {k: v[0] for k, v in parse_qs(request.body.decode("utf-8", "replace")).items()}


def _error(status: int, code: int, message: str) -> Answer:
    return Answer(status, {"error": {"message": message, "type": "OAuthException", "code": code}})
