"""Threads, simulated: profile, publishing quota, containers, publishing, and a place for media.

Its paths live under `/threads/` (the sandbox account's `service_url` is `{url}/threads`), so
they never collide with the other Graph APIs' (Instagram's, Facebook's) on the one server.
Containers are ready at once; images and videos are "fetched" from the simulation's own media
store (`PUT /threads/media/{key}`: the adapter's `LocalMediaHost`), never from the internet.
"""

from __future__ import annotations

from urllib.parse import parse_qs

from outpost.domain.accounts import SANDBOX_X_HANDLE, AddAccountRequest
from outpost.domain.enums import Network
from outpost.sandbox.simulation import Answer, Received, Request, Shared, Simulation

PREFIX = "/threads"
TOKEN = "sandbox-threads-token"
USER_ID = "2500000000000001"
HANDLE = SANDBOX_X_HANDLE  # Threads usernames look like X's; `is_sandbox` knows this one
DISPLAY_NAME = "You (sandbox)"
LIFETIME_S = 5_183_944


def _form(request: Request) -> dict[str, str]:
    """A form-encoded body (the Graph API takes parameters so)."""
    return {k: v[0] for k, v in parse_qs(request.body.decode()).items()}


def _error(code: int, message: str) -> Answer:
    return Answer(400, {"error": {"message": message, "type": "OAuthException", "code": code}})


class ThreadsSimulation(Simulation):
    """The part of graph.threads.net Outpost's adapter uses."""

    network = Network.THREADS
    prefixes = (f"{PREFIX}/",)

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        self._containers: dict[str, dict[str, str]] = {}
        self._posts: dict[str, dict[str, str]] = {}
        self._media: dict[str, bytes] = {}

    def sign_in(self) -> AddAccountRequest:
        """A long-lived token made elsewhere (its end is learnt at its first renewal, as for real)."""
        return AddAccountRequest(service_url=f"{self.shared.url}{PREFIX}", access_token=TOKEN)

    def answer(self, request: Request) -> Answer:
        """Threads' answers (Graph API errors)."""
        method, path = request.method, request.path.removeprefix(PREFIX)
        if path.startswith("/media/"):
            return self._media_store(method, path.removeprefix("/media/"), request)
        if path == "/refresh_access_token":
            return Answer(200, {"access_token": TOKEN, "token_type": "bearer", "expires_in": LIFETIME_S})
        if request.bearer() != TOKEN:
            return _error(190, "Invalid OAuth access token - Cannot parse access token")
        parts = path.strip("/").split("/")[1:]  # after "v1.0"
        if parts == ["me"]:
            return Answer(200, {"id": USER_ID, "username": HANDLE, "name": DISPLAY_NAME})
        if parts in (["me", "threads"], ["me", "replies"]):
            replies = parts[1] == "replies"
            found = [p for p in reversed(self._posts.values()) if bool(p.get("reply_to")) == replies]
            return Answer(
                200,
                {"data": [{"id": p["id"], "text": p["text"], "permalink": p["permalink"]} for p in found]},
            )
        if parts == [USER_ID, "threads_publishing_limit"]:
            used = sum(1 for p in self._posts.values() if not p.get("reply_to"))
            return Answer(
                200,
                {"data": [{"quota_usage": used, "config": {"quota_total": 250, "quota_duration": 86400}}]},
            )
        if method == "POST" and parts == [USER_ID, "threads"]:
            return self._create(_form(request))
        if method == "POST" and parts == [USER_ID, "threads_publish"]:
            return self._publish(_form(request).get("creation_id", ""))
        if len(parts) == 1 and parts[0] in self._containers:
            container = self._containers[parts[0]]
            return Answer(200, {"id": parts[0], "status": container["status"]})
        if len(parts) == 1 and parts[0] in self._posts:
            return Answer(200, {"id": parts[0], "permalink": self._posts[parts[0]]["permalink"]})
        return _error(100, f"(#100) {request.path} is not simulated")

    def _media_store(self, method: str, key: str, request: Request) -> Answer:
        if method == "PUT":
            self._media[key] = request.body
            return Answer(200, {})
        if method == "DELETE":
            self._media.pop(key, None)
            return Answer(204)
        return Answer(200 if key in self._media else 404, {})

    def _create(self, form: dict[str, str]) -> Answer:
        url = form.get("image_url") or form.get("video_url")
        if url and url.rsplit("/", 1)[-1] not in self._media:
            return _error(1, "The media could not be fetched from this URI")
        container_id = self.shared.new_id()
        children = [c for c in form.get("children", "").split(",") if c]
        media = len(children) or (1 if url else 0)
        self._containers[container_id] = {**form, "status": "FINISHED", "media": str(media)}
        return Answer(200, {"id": container_id})

    def _publish(self, creation_id: str) -> Answer:
        container = self._containers.get(creation_id)
        if container is None or container["status"] != "FINISHED":
            return _error(100, "(#100) Param creation_id is not a valid container")
        container["status"] = "PUBLISHED"
        post_id = self.shared.new_id()
        text, reply_to = container.get("text", ""), container.get("reply_to_id")
        permalink = f"{self.shared.url}{PREFIX}/@{HANDLE}/post/{post_id}"
        self._posts[post_id] = {
            "id": post_id,
            "text": text,
            "reply_to": reply_to or "",
            "permalink": permalink,
        }
        self.shared.posts.append(Received("threads", text, reply_to, int(container["media"])))
        return Answer(200, {"id": post_id})


__all__ = ["ThreadsSimulation"]
