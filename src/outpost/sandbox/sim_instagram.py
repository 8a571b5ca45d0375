"""The sandbox's Instagram: the Graph calls Outpost's Instagram adapter makes, under `/instagram/`.

Graph API paths of Instagram, Threads and Facebook look alike (`/v25.0/me`…), so this simulation
answers under its own prefix: the sandbox account's address is `{server}/instagram`, which the
adapter uses as its API base for accounts on this computer. A newcomer has no media host, so the
simulation also keeps the files itself (`/instagram/sandbox-media`); containers are FINISHED at once.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs

from outpost.domain.accounts import SANDBOX_INSTAGRAM_HANDLE, AddAccountRequest
from outpost.domain.enums import Network
from outpost.sandbox.simulation import Answer, Received, Request, Shared, Simulation

INSTAGRAM_TOKEN = "sandbox-instagram-token"
USER_ID = "17841400000000001"
PREFIX = "/instagram"


class InstagramSimulation(Simulation):
    """Instagram (Instagram API with Instagram Login): me, quota, containers, publish, media."""

    network = Network.INSTAGRAM
    prefixes = (f"{PREFIX}/",)

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        self._containers: dict[str, dict[str, str]] = {}
        self._media: list[dict[str, str]] = []

    def sign_in(self) -> AddAccountRequest:
        """A long-lived token made elsewhere, on the simulation's own address."""
        return AddAccountRequest(service_url=f"{self.shared.url}{PREFIX}", access_token=INSTAGRAM_TOKEN)

    def answer(self, request: Request) -> Answer:
        """Instagram's answers (errors in the Graph shape)."""
        path = request.path.removeprefix(PREFIX)
        if request.method == "POST" and path == "/sandbox-media":
            return Answer(200, {"url": f"{self.shared.url}{PREFIX}/sandbox-media/{self.shared.new_id()}.jpg"})
        if path == "/refresh_access_token":
            token = request.query.get("access_token")
            if token != INSTAGRAM_TOKEN:
                return _error(400, 190, "Invalid OAuth access token - Cannot parse access token")
            return Answer(200, {"access_token": token, "token_type": "bearer", "expires_in": 5_184_000})
        if request.bearer() != INSTAGRAM_TOKEN:
            return _error(400, 190, "Invalid OAuth access token - Cannot parse access token")
        version, _, rest = path.lstrip("/").partition("/")
        if not version.startswith("v"):
            return _error(400, 2500, f"Unknown path components: {path}")
        return self._graph(request.method, f"/{rest}", request)

    def _graph(self, method: str, path: str, request: Request) -> Answer:
        if path == "/me":
            return Answer(
                200,
                {
                    "id": "1",
                    "user_id": USER_ID,
                    "username": SANDBOX_INSTAGRAM_HANDLE,
                    "name": "You (sandbox)",
                },
            )
        if path == f"/{USER_ID}/content_publishing_limit":
            used = sum(1 for c in self._containers.values() if c.get("published"))
            return Answer(200, {"data": [{"quota_usage": used, "config": {"quota_total": 100}}]})
        if path == f"/{USER_ID}/media" and method == "POST":
            return self._create(_form(request))
        if path == f"/{USER_ID}/media" and method == "GET":
            return Answer(200, {"data": list(reversed(self._media))})
        if path == f"/{USER_ID}/media_publish" and method == "POST":
            return self._publish(_form(request).get("creation_id", ""))
        found = self._containers.get(path.lstrip("/"))
        if found is not None and method == "GET":
            code = "PUBLISHED" if found.get("published") else "FINISHED"
            return Answer(200, {"id": path.lstrip("/"), "status_code": code, "status": code})
        media = next((m for m in self._media if f"/{m['id']}" == path), None)
        if media is not None and method == "GET":
            return Answer(200, {"id": media["id"], "permalink": media["permalink"]})
        if path.endswith("/comments") and method == "POST":
            return Answer(200, {"id": self.shared.new_id()})
        return _error(400, 100, f"Unsupported {method} request. Object with ID '{path}' does not exist")

    def _create(self, fields: dict[str, str]) -> Answer:
        container = self.shared.new_id()
        self._containers[container] = fields
        return Answer(200, {"id": container})

    def _publish(self, container: str) -> Answer:
        fields = self._containers.get(container)
        if fields is None or fields.get("published"):
            return _error(400, 100, f"Unsupported post request. Object with ID '{container}' does not exist")
        fields["published"] = "1"
        children = [c for c in fields.get("children", "").split(",") if c]
        media_id = self.shared.new_id()
        caption = fields.get("caption", "")
        permalink = f"{self.shared.url}{PREFIX}/p/{media_id}"
        self._media.append({"id": media_id, "caption": caption, "permalink": permalink})
        self.shared.posts.append(Received("instagram", caption, None, len(children) or 1))
        return Answer(200, {"id": media_id})


def _form(request: Request) -> dict[str, str]:
    """A form-encoded body (what the adapter sends), as one value per name."""
    return {k: v[0] for k, v in parse_qs(request.body.decode()).items()}


def _error(status: int, code: int, message: str) -> Answer:
    body: dict[str, Any] = {
        "message": message,
        "type": "OAuthException",
        "code": code,
        "fbtrace_id": "sandbox",
    }
    return Answer(status, {"error": body})
