"""TikTok in the sandbox: user info, creator_info, a video's init, its chunks and its status.

The paths of TikTok's API (`/v2/…`) collide with LinkedIn's on the one sandbox server, so the
TikTok account's API address is the server's `/tiktok` (the adapter uses an account's address on
127.0.0.1 as its API base), and the upload address it hands out is under `/tiktok/upload/`.
Photos need a media host, which the sandbox has none of: the adapter says so, as it would.
"""

from __future__ import annotations

from typing import Any, ClassVar

from outpost.domain.accounts import SANDBOX_TIKTOK_HANDLE, AddAccountRequest
from outpost.domain.enums import Network
from outpost.sandbox.simulation import Answer, Received, Request, Shared, Simulation

TOKEN = "sandbox-tiktok-token"
PREFIX = "/tiktok"
NICKNAME = "You (sandbox)"


def _ok(data: dict[str, Any]) -> Answer:
    return Answer(200, {"data": data, "error": {"code": "ok", "message": "", "log_id": "sandbox"}})


def _error(status: int, code: str, message: str) -> Answer:
    return Answer(status, {"data": {}, "error": {"code": code, "message": message, "log_id": "sandbox"}})


class TikTokSimulation(Simulation):
    """TikTok's Content Posting API (Direct Post of a video by FILE_UPLOAD)."""

    network: ClassVar[Network] = Network.TIKTOK
    prefixes: ClassVar[tuple[str, ...]] = (f"{PREFIX}/",)

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        self._uploads: dict[str, dict[str, Any]] = {}  # upload id → caption, size, bytes received

    def sign_in(self) -> AddAccountRequest:
        """An access token made elsewhere (no developer app: nothing to renew or revoke)."""
        return AddAccountRequest(service_url=f"{self.shared.url}{PREFIX}", access_token=TOKEN)

    def answer(self, request: Request) -> Answer:
        """TikTok's answers, in its `{"data", "error"}` envelope."""
        path = request.path.removeprefix(PREFIX)
        if request.method == "PUT" and path.startswith("/upload/"):
            return self._chunk(path.rsplit("/", 1)[1], request)
        if request.bearer() != TOKEN:
            return _error(
                401, "access_token_invalid", "The access token is invalid or not found in the request."
            )
        if path == "/v2/user/info/":
            return _ok({"user": {"open_id": "sandbox-open-id", "display_name": NICKNAME}})
        if path == "/v2/post/publish/creator_info/query/":
            return _ok(
                {
                    "creator_username": SANDBOX_TIKTOK_HANDLE,
                    "creator_nickname": NICKNAME,
                    "privacy_level_options": [
                        "PUBLIC_TO_EVERYONE",
                        "MUTUAL_FOLLOW_FRIENDS",
                        "FOLLOWER_OF_CREATOR",
                        "SELF_ONLY",
                    ],
                    "comment_disabled": False,
                    "duet_disabled": False,
                    "stitch_disabled": False,
                    "max_video_post_duration_sec": 600,
                }
            )
        if path == "/v2/post/publish/video/init/":
            return self._init(request.json())
        if path == "/v2/post/publish/status/fetch/":
            upload = self._uploads.get(str(request.json().get("publish_id", "")))
            if upload is None:
                return _error(400, "invalid_params", "publish_id is invalid")
            done = upload["received"] >= upload["size"]
            return _ok(
                {
                    "status": "PUBLISH_COMPLETE" if done else "PROCESSING_UPLOAD",
                    "uploaded_bytes": upload["received"],
                }
            )
        return _error(404, "invalid_params", f"{path} is not simulated")

    def _init(self, body: dict[str, Any]) -> Answer:
        source, info = body.get("source_info") or {}, body.get("post_info") or {}
        if source.get("source") != "FILE_UPLOAD" or not isinstance(source.get("video_size"), int):
            return _error(400, "invalid_params", "the sandbox takes videos by FILE_UPLOAD")
        number = self.shared.new_id()
        publish_id = f"v_pub_file~v2-1.{number}"
        self._uploads[publish_id] = {
            "caption": str(info.get("title", "")),
            "size": source["video_size"],
            "received": 0,
        }
        upload_url = f"{self.shared.url}{PREFIX}/upload/{number}"
        return _ok({"publish_id": publish_id, "upload_url": upload_url})

    def _chunk(self, number: str, request: Request) -> Answer:
        upload = self._uploads.get(f"v_pub_file~v2-1.{number}")
        if upload is None:
            return _error(404, "invalid_params", "the upload address is unknown")
        upload["received"] += len(request.body)
        if upload["received"] < upload["size"]:
            return Answer(206, None)
        self.shared.posts.append(Received("tiktok", upload["caption"], None, 1))
        return Answer(201, None)


__all__ = ["TikTokSimulation"]
