"""The sandbox's YouTube: a channel, resumable uploads, thumbnails, and the scheduled-video calls.

The small part of the Data API the real adapter uses, on the sandbox's loopback server under
`/youtube/v3/…` and `/upload/youtube/v3/…`: `channels.list`, the resumable `videos.insert`
(session URI, `308` with `Range`, the video on the last byte), `thumbnails.set`, and
`videos.list/update/delete` and `playlistItems.list` for `publishAt` and finding lost uploads.
"""

from __future__ import annotations

import re
from typing import Any

from outpost.domain.accounts import SANDBOX_YOUTUBE_HANDLE, AddAccountRequest
from outpost.domain.enums import Network
from outpost.sandbox.simulation import Answer, Received, Request, Shared, Simulation

YOUTUBE_TOKEN = "sandbox-youtube-token"
CHANNEL = "UCsandbox000000000000000"
_RANGE = re.compile(r"^bytes (\d+)-(\d+)/(\d+)$")


def _error(status: int, reason: str, message: str) -> Answer:
    return Answer(status, {"error": {"code": status, "message": message, "errors": [{"reason": reason}]}})


class YouTubeSimulation(Simulation):
    """YouTube (Data API v3): one channel, resumable uploads, thumbnails, scheduled videos."""

    network = Network.YOUTUBE
    prefixes = ("/youtube/", "/upload/youtube/")

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        self._sessions: dict[str, dict[str, Any]] = {}
        self._videos: dict[str, dict[str, Any]] = {}

    def sign_in(self) -> AddAccountRequest:
        """An access token made elsewhere (no Google project: nothing to renew, nothing to revoke)."""
        return AddAccountRequest(service_url=self.shared.url, access_token=YOUTUBE_TOKEN)

    def answer(self, request: Request) -> Answer:
        """YouTube's answers (errors in Google's shape)."""
        if request.bearer() != YOUTUBE_TOKEN:
            return _error(401, "authError", "Request had invalid authentication credentials.")
        route = f"{request.method} {request.path}"
        if route == "GET /youtube/v3/channels":
            return Answer(200, {"items": [self._channel()]})
        if route == "POST /upload/youtube/v3/videos":
            return self._start(request)
        if route == "PUT /upload/youtube/v3/videos":
            return self._bytes(request)
        if route == "POST /upload/youtube/v3/thumbnails/set":
            return Answer(200, {"items": [{"default": {"url": f"{self.shared.url}/thumbnail"}}]})
        if route == "GET /youtube/v3/videos":
            found = self._videos.get(request.query.get("id", ""))
            return Answer(200, {"items": [found] if found else []})
        if route == "PUT /youtube/v3/videos":
            return self._update(request.json())
        if route == "DELETE /youtube/v3/videos":
            found = self._videos.pop(request.query.get("id", ""), None)
            return Answer(204) if found else _error(404, "videoNotFound", "The video cannot be found.")
        if route == "GET /youtube/v3/playlistItems":
            return Answer(200, {"items": [self._item(v) for v in reversed(self._videos.values())]})
        return _error(404, "notFound", f"{request.path} is not simulated")

    def _channel(self) -> dict[str, Any]:
        return {
            "id": CHANNEL,
            "snippet": {"title": "You (sandbox)", "customUrl": SANDBOX_YOUTUBE_HANDLE},
            "status": {"longUploadsStatus": "allowed"},
            "contentDetails": {"relatedPlaylists": {"uploads": "UU" + CHANNEL[2:]}},
        }

    def _start(self, request: Request) -> Answer:
        upload = self.shared.new_id()
        total = int(request.headers.get("x-upload-content-length", "0") or 0)
        self._sessions[upload] = {"metadata": request.json(), "total": total, "received": 0, "video": None}
        location = f"{self.shared.url}/upload/youtube/v3/videos?uploadType=resumable&upload_id={upload}"
        return Answer(200, {}, {"Location": location})

    def _bytes(self, request: Request) -> Answer:
        session = self._sessions.get(request.query.get("upload_id", ""))
        if session is None:
            return _error(404, "notFound", "Not Found")
        matched = _RANGE.match(request.headers.get("content-range", ""))
        if matched is not None and session["video"] is None:
            first = int(matched.group(1))
            if first <= session["received"]:
                session["received"] = max(session["received"], first + len(request.body))
        if session["video"] is None and session["received"] >= session["total"] > 0:
            session["video"] = self._video(session["metadata"])
        if session["video"] is not None:
            return Answer(201, self._videos[session["video"]])
        have = session["received"]
        return Answer(308, None, {"Range": f"bytes=0-{have - 1}"} if have else {})

    def _video(self, metadata: dict[str, Any]) -> str:
        video_id = f"sandbox{self.shared.new_id()}"
        snippet = metadata.get("snippet") or {}
        status = {"uploadStatus": "uploaded", "privacyStatus": "public", **(metadata.get("status") or {})}
        self._videos[video_id] = {"id": video_id, "snippet": snippet, "status": status}
        self.shared.posts.append(Received("youtube", str(snippet.get("description", "")), None, 1))
        return video_id

    def _update(self, body: dict[str, Any]) -> Answer:
        found = self._videos.get(str(body.get("id")))
        if found is None:
            return _error(404, "videoNotFound", "The video cannot be found.")
        found["status"] = {"uploadStatus": "uploaded", **(body.get("status") or {})}
        return Answer(200, found)

    @staticmethod
    def _item(video: dict[str, Any]) -> dict[str, Any]:
        snippet = video["snippet"]
        return {
            "snippet": {
                "title": snippet.get("title", ""),
                "description": snippet.get("description", ""),
                "resourceId": {"videoId": video["id"]},
            }
        }


__all__ = ["YOUTUBE_TOKEN", "YouTubeSimulation"]
