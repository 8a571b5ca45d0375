"""Pinterest in the sandbox: the profile, two boards (one with a section), Pins, video uploads.

The paths are Pinterest's own (`/v5/…`, which no other simulated network uses); the video upload
goes to `/pinterest-upload/` on the same server, as Pinterest hands out its storage's address.
"""

from __future__ import annotations

from typing import Any

from outpost.domain.accounts import SANDBOX_PINTEREST_HANDLE, AddAccountRequest
from outpost.domain.enums import Network
from outpost.sandbox.simulation import Answer, Received, Request, Shared, Simulation

TOKEN = "sandbox-pinterest-token"
BOARDS = {"7001": "Sandbox board", "7002": "Ideas"}
SECTIONS = {"7001": {"7101": "First section"}}


class PinterestSimulation(Simulation):
    """Pinterest's API v5: user_account, boards and sections, Pins, the media upload."""

    network = Network.PINTEREST
    prefixes = ("/v5/", "/pinterest-upload/")

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        self._media: dict[str, str] = {}  # media id → status

    def sign_in(self) -> AddAccountRequest:
        """An access token made elsewhere (no developer app: nothing to renew)."""
        return AddAccountRequest(service_url=self.shared.url, access_token=TOKEN)

    def answer(self, request: Request) -> Answer:
        """Pinterest's answers (errors as `{"code", "message"}`)."""
        method, path = request.method, request.path
        if method == "POST" and path.startswith("/pinterest-upload/"):
            self._media[path.rsplit("/", 1)[1]] = "succeeded"
            return Answer(204)
        if request.bearer() != TOKEN:
            return Answer(401, {"code": 2, "message": "Authentication failed."})
        if path == "/v5/user_account":
            return Answer(
                200, {"id": "1", "username": SANDBOX_PINTEREST_HANDLE, "business_name": "You (sandbox)"}
            )
        if path == "/v5/boards":
            return Answer(200, {"items": [{"id": k, "name": v} for k, v in BOARDS.items()], "bookmark": None})
        if path.startswith("/v5/boards/") and path.endswith("/sections"):
            sections = SECTIONS.get(path.split("/")[3], {})
            return Answer(
                200, {"items": [{"id": k, "name": v} for k, v in sections.items()], "bookmark": None}
            )
        if method == "POST" and path == "/v5/media":
            media_id = self.shared.new_id()
            self._media[media_id] = "registered"
            url = f"{self.shared.url}/pinterest-upload/{media_id}"
            return Answer(
                201, {"media_id": media_id, "media_type": "video", "upload_url": url, "upload_parameters": {}}
            )
        if method == "GET" and path.startswith("/v5/media/"):
            media_id = path.rsplit("/", 1)[1]
            return Answer(200, {"media_id": media_id, "status": self._media.get(media_id, "failed")})
        if method == "POST" and path == "/v5/pins":
            return self._pin(request.json())
        return Answer(404, {"code": 404, "message": f"{path} is not simulated"})

    def _pin(self, body: dict[str, Any]) -> Answer:
        if body.get("board_id") not in BOARDS:
            return Answer(404, {"code": 40, "message": "Board not found."})
        pin_id = self.shared.new_id()
        self.shared.posts.append(Received("pinterest", str(body.get("description") or ""), None, 1))
        return Answer(201, {"id": pin_id, "board_id": body["board_id"]})
