"""A strict fake of Bluesky's video service (video.bsky.app), beside the fake PDS it stores videos on.

Modelled on what the service really does, not only on its lexicons (sources in
`outpost/adapters/bluesky_video.py`):
- every call but `getJobStatus` needs a service token from the account's PDS, checked as
  `@atproto/xrpc-server` checks them (signature, expiry, `aud`, `lxm`): `getUploadLimits` one for
  `did:web:video.bsky.app` / `app.bsky.video.getUploadLimits`, `uploadVideo` one for the PDS's own
  DID / `com.atproto.repo.uploadBlob` (the service stores the finished video on the PDS with it,
  after processing, so it must still be valid then);
- `uploadVideo` answers the job status unwrapped (atproto issue #3026), refuses with the sentences
  the official app matches (social-app `getUploadErrorMessage`) in `error`, an unconfirmed email
  wrapped in `jobStatus` (issue #3097), and a video it already has as HTTP 409 `already_exists`
  with the earlier job (the tutorial's note);
- `getJobStatus` (wrapped, as the lexicon says) moves the job one state further per read, checks
  the video (PyAV: length, codec) as the service's validation would, and on completion stores the
  blob on the PDS, which then lets a post embed it;
- the daily allowance counts videos and bytes as they are accepted.
"""

from __future__ import annotations

import hashlib
import io
import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import av
import httpx

from tests.contract.fake_bluesky import FakePds

VIDEO = "https://video.bsky.app"
VIDEO_DID = "did:web:video.bsky.app"
STEPS = ("JOB_STATE_ENCODING", "JOB_STATE_SCANNING", "JOB_STATE_UPLOADING", "JOB_STATE_COMPLETED")
TYPES = frozenset({"video/mp4", "video/quicktime", "video/webm", "video/mpeg"})


@dataclass
class Job:
    """One processing job."""

    id: str
    did: str
    data: bytes
    token: str
    state: str = "JOB_STATE_CREATED"
    step: int = 0
    progress: int = 0
    blob: dict[str, Any] | None = None
    failure: dict[str, str] | None = None

    def status(self) -> dict[str, Any]:
        """The lexicon's `app.bsky.video.defs#jobStatus`."""
        status: dict[str, Any] = {"jobId": self.id, "did": self.did, "state": self.state}
        if self.state not in ("JOB_STATE_COMPLETED", "JOB_STATE_FAILED"):
            status["progress"] = self.progress
        if self.blob is not None:
            status["blob"] = self.blob
        return status | (self.failure or {})


@dataclass
class FakeVideoService:
    """The video service; `pds` is where finished videos go and who signs the tokens."""

    pds: FakePds
    daily_videos: int = 25
    daily_bytes: int = 10_000_000_000
    used_videos: int = 0
    used_bytes: int = 0
    max_bytes: int = 300_000_000
    max_duration_s: float = 600
    codecs: frozenset[str] = frozenset({"h264", "hevc", "vp8", "vp9", "av1", "mpeg4", "mpeg2video"})
    types: frozenset[str] = TYPES  # the file types it takes (Content-Type)
    allowed: bool = True  # False: "User is not allowed to upload videos"
    steps: tuple[str, ...] = STEPS
    fail_next_job: dict[str, str] | None = None  # failureCode/message/error of the next job's failure
    drop_next_upload_answer: bool = False  # take the upload, then lose the answer
    limits_check_email: bool = True  # False: as the service once did, only the upload says so
    on_poll: Callable[[], None] | None = None  # called at each getJobStatus (e.g. to move a clock)
    jobs: dict[str, Job] = field(default_factory=dict)
    by_content: dict[str, str] = field(default_factory=dict)
    uploads: list[httpx.Request] = field(default_factory=list)
    polls: list[str] = field(default_factory=list)  # the state each getJobStatus answered
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url = urlsplit(str(request.url))
        assert f"{url.scheme}://{url.netloc}" == VIDEO, f"unexpected host {request.url}"
        nsid = url.path.removeprefix("/xrpc/")
        route = {
            "app.bsky.video.getUploadLimits": self.get_upload_limits,
            "app.bsky.video.uploadVideo": self.upload_video,
            "app.bsky.video.getJobStatus": self.get_job_status,
        }.get(nsid)
        assert route is not None, f"the fake video service has no method {nsid} (unexpected request)"
        return route(request)

    # -- the service's rules -------------------------------------------------------------------

    def refusal(self) -> str | None:
        """Why the account cannot upload now, in the service's words; None if it can."""
        if not self.pds.email_confirmed and self.limits_check_email:
            return "Confirm your email address to upload videos"
        if not self.allowed:
            return "User is not allowed to upload videos"
        if self.used_videos >= self.daily_videos:
            return "User has exceeded daily upload videos limit"
        if self.used_bytes >= self.daily_bytes:
            return "User has exceeded daily upload bytes limit"
        return None

    def _token(
        self, request: httpx.Request, *, aud: str, lxm: str
    ) -> tuple[dict[str, Any] | None, httpx.Response]:
        auth = request.headers.get("authorization", "")
        if not auth.startswith("Bearer "):
            return None, httpx.Response(
                401, json={"error": "AuthMissing", "message": "Authentication Required"}
            )
        claims, name, why = self.pds.verify_service_token(auth.removeprefix("Bearer "), aud=aud, lxm=lxm)
        return claims, httpx.Response(401, json={"error": name, "message": why})

    # -- the routes ----------------------------------------------------------------------------

    def get_upload_limits(self, request: httpx.Request) -> httpx.Response:
        assert request.method == "GET"
        claims, denied = self._token(request, aud=VIDEO_DID, lxm="app.bsky.video.getUploadLimits")
        if claims is None:
            return denied
        reason = self.refusal()
        body: dict[str, Any] = {
            "canUpload": reason is None,
            "remainingDailyVideos": max(0, self.daily_videos - self.used_videos),
            "remainingDailyBytes": max(0, self.daily_bytes - self.used_bytes),
        }
        return httpx.Response(200, json=body | ({"message": reason} if reason else {}))

    def upload_video(self, request: httpx.Request) -> httpx.Response:
        assert request.method == "POST"
        self.uploads.append(request)
        claims, denied = self._token(request, aud=self.pds.service_did, lxm="com.atproto.repo.uploadBlob")
        if claims is None:
            return denied
        did, name = request.url.params.get("did"), request.url.params.get("name")
        if not did or not name:
            return httpx.Response(
                400, json={"error": "InvalidRequest", "message": "did and name are required"}
            )
        if did != claims["iss"]:
            return httpx.Response(
                401, json={"error": "BadJwtIssuer", "message": "token issuer is not the did"}
            )
        data = request.read()
        assert int(request.headers["content-length"]) == len(data)
        if request.headers.get("content-type") not in self.types:
            return _refused(415, f"unsupported content type: {request.headers.get('content-type')}")
        if not self.pds.email_confirmed:
            return httpx.Response(
                400, json={"jobStatus": {"did": "", "error": "unconfirmed_email", "jobId": "", "state": ""}}
            )
        if (reason := self.refusal()) is not None:
            return _refused(400, reason)
        if len(data) > self.max_bytes:
            return _refused(
                400,
                f"file size ({len(data)} bytes) is larger than the maximum allowed size ({self.max_bytes} bytes)",
            )
        digest = hashlib.sha256(data).hexdigest()
        if digest in self.by_content:
            earlier = self.jobs[self.by_content[digest]]
            return httpx.Response(
                409,
                json={
                    "did": earlier.did,
                    "error": "already_exists",
                    "jobId": earlier.id,
                    "message": "Video already processed",
                    "state": earlier.state,
                },
            )
        if self.used_bytes + len(data) > self.daily_bytes:
            return _refused(400, "User has exceeded daily upload bytes limit")
        job = Job(
            f"job{next(self._ids)}", did, data, request.headers["authorization"].removeprefix("Bearer ")
        )
        self.jobs[job.id], self.by_content[digest] = job, job.id
        self.used_videos, self.used_bytes = self.used_videos + 1, self.used_bytes + len(data)
        if self.fail_next_job is not None:
            job.failure, self.fail_next_job = self.fail_next_job, None
        if self.drop_next_upload_answer:
            self.drop_next_upload_answer = False
            raise httpx.ReadTimeout("the answer to the upload is lost")
        return httpx.Response(200, json=job.status())  # unwrapped, as the service answers

    def get_job_status(self, request: httpx.Request) -> httpx.Response:
        assert request.method == "GET"
        job = self.jobs.get(request.url.params.get("jobId", ""))
        if job is None:
            return httpx.Response(404, json={"error": "NotFound", "message": "job not found"})
        if self.on_poll is not None:
            self.on_poll()
        self._advance(job)
        self.polls.append(job.state)
        return httpx.Response(200, json={"jobStatus": job.status()})

    def _advance(self, job: Job) -> None:
        if job.state in ("JOB_STATE_COMPLETED", "JOB_STATE_FAILED"):
            return
        failure = job.failure or (self._validation(job.data) if job.step == 0 else None)
        if failure is not None:
            job.state, job.failure = "JOB_STATE_FAILED", failure
            return
        job.state, job.progress = self.steps[min(job.step, len(self.steps) - 1)], 50
        job.step += 1
        if job.state == "JOB_STATE_COMPLETED":
            claims, name, why = self.pds.verify_service_token(
                job.token, aud=self.pds.service_did, lxm="com.atproto.repo.uploadBlob"
            )
            if claims is None:  # the PDS refuses the finished video: the token no longer holds
                job.state = "JOB_STATE_FAILED"
                job.failure = {"failureCode": "pds_upload_failure", "error": f"{name}: {why}"}
                return
            job.blob = self.pds.store_blob(b"converted:" + job.data, "video/mp4")

    def _validation(self, data: bytes) -> dict[str, str] | None:
        """What the service's own check of the file refuses (its length and codec)."""
        with av.open(io.BytesIO(data)) as container:
            stream = container.streams.video[0]
            seconds = container.duration / av.time_base if container.duration else 0.0
            codec = stream.codec_context.name
        if seconds > self.max_duration_s:
            message = f"Video is too long ({seconds:.0f}s, the limit is {self.max_duration_s:.0f}s)"
        elif codec not in self.codecs:
            message = f"Unsupported video codec: {codec}"
        else:
            return None
        return {"failureCode": "validation_failure", "message": message, "error": "video validation failed"}


def _refused(status: int, reason: str) -> httpx.Response:
    """A refusal as the official app reads it: no job, the reason in `error`."""
    return httpx.Response(status, json={"did": "", "jobId": "", "state": "", "error": reason})


@dataclass
class FakeBluesky:
    """The PDS and the video service behind one loopback server, routed by host."""

    pds: FakePds
    video: FakeVideoService

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == urlsplit(VIDEO).hostname:
            return self.video.handle_request(request)
        return self.pds.handle_request(request)
