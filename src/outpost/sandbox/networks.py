"""Each simulated network: the small part of its API that Outpost's real adapter uses.

One class per network, each answering the paths its adapter calls (Mastodon `/api/…` and
`/oauth/…`, Bluesky `/xrpc/…`, X `/2/…`, LinkedIn `/v2/…` and `/rest/…`), so one loopback server
can serve them all. Each also says how to sign in to it (`sign_in`), so sandbox mode can connect
one account per network without knowing any network's details.

`SIMULATIONS` must name every network Outpost supports: a newcomer in the sandbox should see
every preview and publish everywhere (issue #17). tests/unit/sandbox checks it, so a new network
cannot ship without its simulation.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from outpost.domain.accounts import (
    SANDBOX_BLUESKY_HANDLE,
    SANDBOX_X_HANDLE,
    AddAccountRequest,
)
from outpost.domain.enums import Network
from outpost.sandbox.sim_facebook import FacebookSimulation
from outpost.sandbox.sim_instagram import InstagramSimulation
from outpost.sandbox.sim_pinterest import PinterestSimulation
from outpost.sandbox.sim_threads import ThreadsSimulation
from outpost.sandbox.sim_tiktok import TikTokSimulation
from outpost.sandbox.sim_youtube import YouTubeSimulation
from outpost.sandbox.simulation import Answer, Received, Request, Shared, Simulation

__all__ = ["SIMULATIONS", "Answer", "Received", "Request", "Shared", "Simulation"]

MASTODON_HANDLE = "you"
BLUESKY_HANDLE = SANDBOX_BLUESKY_HANDLE  # the domain knows it too: it tells sandbox accounts apart
TOKEN = "sandbox-token"  # Mastodon's (the name predates the other networks' tokens)
APP_PASSWORD = "sand-box0-sand-box0"
X_TOKEN = "sandbox-x-token"
LINKEDIN_TOKEN = "sandbox-linkedin-token"
DISPLAY_NAME = "You (sandbox)"  # LinkedIn makes its handle from it: "you-sandbox"


class MastodonSimulation(Simulation):
    """Mastodon: instance limits (500 characters, 4 media), verify_credentials, media, statuses."""

    network = Network.MASTODON
    prefixes = ("/api/", "/oauth/")

    def sign_in(self) -> AddAccountRequest:
        """A pasted access token."""
        return AddAccountRequest(service_url=self.shared.url, access_token=TOKEN)

    def answer(self, request: Request) -> Answer:
        """Mastodon's answers."""
        method, path = request.method, request.path
        if path in ("/api/v2/instance", "/api/v1/instance"):
            return Answer(200, self._instance())
        if request.bearer() != TOKEN:
            return Answer(401, {"error": "The access token is invalid"})
        if path == "/api/v1/accounts/verify_credentials":
            return Answer(
                200,
                {
                    "id": "1",
                    "username": MASTODON_HANDLE,
                    "acct": MASTODON_HANDLE,
                    "display_name": DISPLAY_NAME,
                },
            )
        if method == "POST" and path == "/api/v2/media":
            return Answer(
                200, {"id": self.shared.new_id(), "url": f"{self.shared.url}/media", "type": "image"}
            )
        if method == "POST" and path == "/api/v1/statuses":
            data = request.json()
            if data.get("scheduled_at"):
                # The sandbox keeps no timetable of its own: Outpost schedules sandbox posts itself.
                message = "Validation failed: the sandbox does not keep scheduled posts"
                return Answer(422, {"error": message})
            status_id = self.shared.new_id()
            self.shared.posts.append(
                Received(
                    "mastodon",
                    data.get("status", ""),
                    data.get("in_reply_to_id"),
                    len(data.get("media_ids", [])),
                )
            )
            return Answer(200, {"id": status_id, "url": f"{self.shared.url}/@you/{status_id}"})
        if method == "POST" and path == "/oauth/revoke":
            return Answer(200, {})
        if method in ("PUT", "DELETE") and path.startswith("/api/v1/statuses/"):  # issue #24
            status_id = path.rsplit("/", 1)[1]
            text = request.json().get("status", "") if method == "PUT" else ""
            return Answer(200, {"id": status_id, "url": f"{self.shared.url}/@you/{status_id}", "text": text})
        return Answer(404, {"error": "Record not found"})

    @staticmethod
    def _instance() -> dict[str, Any]:
        """mastodon.social's defaults, which the adapter reads as the server's limits."""
        statuses = {"max_characters": 500, "max_media_attachments": 4, "characters_reserved_per_url": 23}
        return {
            "domain": "sandbox.local",
            "title": "Outpost sandbox",
            "configuration": {"statuses": statuses},
        }


class BlueskySimulation(Simulation):
    """Bluesky (a PDS and the video service): sessions, blobs, videos, records.

    The 300-grapheme limit is the adapter's own. A sandbox account's videos go to this same
    server (the adapter never sends them to the real video service), which finishes each job at
    once: the upload's answer already carries the blob, as the real service's may.
    """

    network = Network.BLUESKY
    prefixes = ("/xrpc/",)

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        self._records: dict[str, dict[str, Any]] = {}

    def sign_in(self) -> AddAccountRequest:
        """A handle and app password."""
        return AddAccountRequest(
            handle=SANDBOX_BLUESKY_HANDLE, app_password=APP_PASSWORD, service_url=self.shared.url
        )

    def answer(self, request: Request) -> Answer:
        """Bluesky's answers (XRPC errors as the PDS words them)."""
        nsid = request.path.removeprefix("/xrpc/")
        session = {
            "did": "did:plc:sandbox",
            "handle": BLUESKY_HANDLE,
            "accessJwt": "sandbox-access",
            "refreshJwt": "sandbox-refresh",
            "active": True,
        }
        if nsid == "com.atproto.server.createSession":
            if request.json().get("password") != APP_PASSWORD:
                return Answer(
                    401, {"error": "AuthenticationRequired", "message": "Invalid identifier or password"}
                )
            return Answer(200, session)
        if nsid == "com.atproto.server.refreshSession":
            return Answer(200, session)
        if nsid.startswith("app.bsky.video."):
            return self._video(nsid, request)
        if request.bearer() != "sandbox-access":
            return Answer(400, {"error": "InvalidToken", "message": "Token could not be verified"})
        if nsid == "com.atproto.server.getSession":
            return Answer(200, {"did": session["did"], "handle": BLUESKY_HANDLE, "active": True})
        if nsid == "com.atproto.server.getServiceAuth":
            return Answer(200, {"token": f"sandbox-service-{request.query.get('lxm', '')}"})
        if nsid == "com.atproto.identity.resolveHandle":
            return Answer(400, {"error": "InvalidRequest", "message": "Unable to resolve handle"})
        if nsid == "com.atproto.repo.uploadBlob":
            return Answer(200, {"blob": self._blob(request)})
        if nsid == "com.atproto.repo.createRecord":
            return self._create(request.json())
        if nsid == "com.atproto.repo.getRecord":
            found = self._records.get(request.query.get("rkey", ""))
            if found:
                return Answer(200, found)
            return Answer(400, {"error": "RecordNotFound", "message": "Could not locate record"})
        if nsid == "com.atproto.repo.deleteRecord":  # issue #24: gone, or never there (200 either way)
            self._records.pop(str(request.json().get("rkey", "")), None)
            return Answer(200, {})
        return Answer(400, {"error": "MethodNotImplemented", "message": f"{nsid} is not simulated"})

    def _video(self, nsid: str, request: Request) -> Answer:
        """The video service: plenty left today, every video processed at once."""
        if not request.bearer().startswith("sandbox-service-"):
            return Answer(401, {"error": "AuthMissing", "message": "Authentication Required"})
        if nsid == "app.bsky.video.getUploadLimits":
            limits = {"canUpload": True, "remainingDailyVideos": 25, "remainingDailyBytes": 10_000_000_000}
            return Answer(200, limits)
        if nsid == "app.bsky.video.uploadVideo":
            blob = {**self._blob(request), "mimeType": "video/mp4"}
            job = {"jobId": f"sandbox-job-{self.shared.new_id()}", "did": "did:plc:sandbox"}
            return Answer(200, {**job, "state": "JOB_STATE_COMPLETED", "blob": blob})
        return Answer(400, {"error": "MethodNotImplemented", "message": f"{nsid} is not simulated"})

    def _blob(self, request: Request) -> dict[str, Any]:
        link = f"bafksandbox{self.shared.new_id()}"
        mime = request.headers.get("content-type", "")
        return {"$type": "blob", "ref": {"$link": link}, "mimeType": mime, "size": len(request.body)}

    def _create(self, data: dict[str, Any]) -> Answer:
        rkey, record = data["rkey"], data["record"]
        if rkey in self._records:
            return Answer(500, {"error": "InternalServerError", "message": "Internal Server Error"})
        uri = f"at://did:plc:sandbox/app.bsky.feed.post/{rkey}"
        self._records[rkey] = {"uri": uri, "cid": f"bafysandbox{rkey}", "value": record}
        reply = (record.get("reply") or {}).get("parent", {}).get("uri")
        embed = record.get("embed") or {}
        media = 1 if embed.get("$type") == "app.bsky.embed.video" else len(embed.get("images", []))
        self.shared.posts.append(Received("bluesky", record.get("text", ""), reply, media))
        return Answer(200, {"uri": uri, "cid": f"bafysandbox{rkey}"})


class XSimulation(Simulation):
    """X (API v2): users/me, chunked media upload with alt text, posts and replies, the timeline."""

    network = Network.X
    prefixes = ("/2/",)

    def __init__(self, shared: Shared) -> None:
        super().__init__(shared)
        self._sent: list[dict[str, str]] = []

    def sign_in(self) -> AddAccountRequest:
        """An access token made elsewhere (no developer app: there is nothing to renew or revoke)."""
        return AddAccountRequest(service_url=self.shared.url, access_token=X_TOKEN)

    def answer(self, request: Request) -> Answer:
        """X's answers (errors in its problem format)."""
        method, path = request.method, request.path
        if request.bearer() != X_TOKEN:
            return Answer(401, {"title": "Unauthorized", "detail": "Unauthorized", "status": 401})
        if path == "/2/users/me":
            return Answer(200, {"data": {"id": "1001", "username": SANDBOX_X_HANDLE, "name": DISPLAY_NAME}})
        if method == "POST" and path == "/2/media/upload/initialize":
            return Answer(200, {"data": {"id": self.shared.new_id(), "expires_after_secs": 86400}})
        if method == "POST" and path.startswith("/2/media/upload/") and path.endswith("/append"):
            return Answer(200, {})
        if method == "POST" and path.startswith("/2/media/upload/") and path.endswith("/finalize"):
            return Answer(200, {"data": {"id": path.split("/")[4]}})  # processed at once: no processing_info
        if method == "POST" and path == "/2/media/metadata":
            return Answer(200, {"data": {"associated_metadata": True}})
        if method == "POST" and path == "/2/tweets":
            return self._post(request.json())
        if method == "GET" and path == "/2/users/1001/tweets":
            return Answer(200, {"data": list(reversed(self._sent))})
        return Answer(404, {"title": "Not Found Error", "detail": f"{path} is not simulated", "status": 404})

    def _post(self, body: dict[str, Any]) -> Answer:
        post_id = self.shared.new_id()
        text = str(body.get("text", ""))
        reply = (body.get("reply") or {}).get("in_reply_to_tweet_id")
        media = len((body.get("media") or {}).get("media_ids", []))
        self.shared.posts.append(Received("x", text, reply, media))
        self._sent.append({"id": post_id, "text": text})
        return Answer(201, {"data": {"id": post_id, "text": text}})


class LinkedInSimulation(Simulation):
    """LinkedIn (versioned REST API): userinfo, image/document/video uploads, posts."""

    network = Network.LINKEDIN
    prefixes = ("/v2/", "/rest/", "/linkedin-upload/")

    def sign_in(self) -> AddAccountRequest:
        """An access token made elsewhere, for the member (no page)."""
        return AddAccountRequest(service_url=self.shared.url, access_token=LINKEDIN_TOKEN)

    def answer(self, request: Request) -> Answer:
        """LinkedIn's answers."""
        method, path, action = request.method, request.path, request.query.get("action")
        if request.bearer() != LINKEDIN_TOKEN:
            return Answer(401, {"message": "Invalid access token", "status": 401})
        if path == "/v2/userinfo":
            return Answer(200, {"sub": "sandbox", "name": DISPLAY_NAME})
        if method == "PUT" and path.startswith("/linkedin-upload/"):
            return Answer(201, None, {"etag": f"sandbox-part-{self.shared.new_id()}"})
        kind = path.split("/")[2] if path.count("/") >= 2 else ""
        if kind in ("images", "documents", "videos") and method == "POST":
            return self._upload(kind, action, request.json())
        if kind in ("images", "documents", "videos") and method == "GET":
            return Answer(200, {"id": unquote(path.split("/", 3)[3]), "status": "AVAILABLE"})
        if method == "POST" and path == "/rest/posts":
            return self._post(request.json())
        return Answer(404, {"message": f"{path} is not simulated", "status": 404})

    def _upload(self, kind: str, action: str | None, body: dict[str, Any]) -> Answer:
        if action == "finalizeUpload":
            return Answer(200, {})
        number = self.shared.new_id()
        url = f"{self.shared.url}/linkedin-upload/{number}"
        if kind == "videos":
            size = int(body.get("initializeUploadRequest", {}).get("fileSizeBytes", 1))
            instructions = [{"uploadUrl": url, "firstByte": 0, "lastByte": size - 1}]
            value = {"video": f"urn:li:video:{number}", "uploadToken": "", "uploadInstructions": instructions}
        else:
            value = {kind.removesuffix("s"): f"urn:li:{kind.removesuffix('s')}:{number}", "uploadUrl": url}
        return Answer(200, {"value": value})

    def _post(self, body: dict[str, Any]) -> Answer:
        urn = f"urn:li:share:{self.shared.new_id()}"
        content = body.get("content") or {}
        media = len((content.get("multiImage") or {}).get("images", [])) or (1 if "media" in content else 0)
        self.shared.posts.append(Received("linkedin", str(body.get("commentary", "")), None, media))
        return Answer(201, None, {"x-restli-id": urn})


#: Every network the sandbox simulates, in the order its accounts are connected.
SIMULATIONS: dict[Network, type[Simulation]] = {
    simulation.network: simulation
    for simulation in (
        MastodonSimulation,
        BlueskySimulation,
        XSimulation,
        LinkedInSimulation,
        InstagramSimulation,
        FacebookSimulation,
        TikTokSimulation,
        PinterestSimulation,
        ThreadsSimulation,
        YouTubeSimulation,
    )
}
