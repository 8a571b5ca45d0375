"""Bluesky video through Bluesky's video service, the way the official app sends it.

The flow (docs.bsky.app, "Uploading video": bsky-docs `docs/tutorials/video.mdx`, "Recommended
method"; bluesky-social/social-app `src/lib/media/video/upload.shared.ts` and `upload.web.ts`):

1. The limits: a service token from the PDS (`com.atproto.server.getServiceAuth`, `aud` =
   `did:web:video.bsky.app`, `lxm` = `app.bsky.video.getUploadLimits`), then
   `GET {service}/xrpc/app.bsky.video.getUploadLimits` → `canUpload`, `remainingDailyVideos`,
   `remainingDailyBytes`, `message` (lexicon `app.bsky.video.getUploadLimits`).
2. The upload: a token with `aud` = the PDS's own `did:web` and `lxm` =
   `com.atproto.repo.uploadBlob`, valid 30 minutes (the service stores the processed video on the
   PDS with it, after encoding), then `POST {service}/xrpc/app.bsky.video.uploadVideo?did=…&name=…`
   with the file as the body.
3. Processing: `GET {service}/xrpc/app.bsky.video.getJobStatus?jobId=…` until
   `JOB_STATE_COMPLETED` with the blob, or `JOB_STATE_FAILED` with `failureCode`/`error`/`message`
   (lexicon `app.bsky.video.defs#jobStatus`). Any other state means "still working".

What the service really answers differs from the lexicons (bluesky-social/atproto issues #3026 and
#3097): `uploadVideo` answers the job status itself, not wrapped in `jobStatus`; a video it has
processed before comes back as HTTP 409 `{"error": "already_exists", "jobId": …, "state": …}`
(the tutorial: "check for the presence of a BlobRef in the response regardless of the success or
failure of the job"); an unconfirmed email is `{"jobStatus": {"error": "unconfirmed_email", …}}`.
Both shapes are read here. The refusals' wording is the service's own, as the official app matches
it (social-app `src/state/queries/video/video.ts`, `getUploadErrorMessage`); each becomes one
plain sentence saying what happened and what to do.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import logging
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from outpost.adapters.base import UploadedMedia
from outpost.adapters.http import error_for, read, send, server_message
from outpost.domain.clock import Clock
from outpost.domain.enums import ErrorCode, Network
from outpost.domain.errors import PublishError, Rejected, ServerError
from outpost.domain.models import MediaAsset, QuotaLeft

log = logging.getLogger("outpost.adapters.bluesky")

#: The official app's video service and its DID (social-app `src/lib/constants.ts`:
#: VIDEO_SERVICE, VIDEO_SERVICE_DID). `OUTPOST_UPLOAD_URL_BLUESKY` replaces the address
#: (INTERFACE.md: a network's separate upload host); the DID stays, a proxy forwards to it.
VIDEO_SERVICE = "https://video.bsky.app"
VIDEO_SERVICE_DID = "did:web:video.bsky.app"
UPLOAD_LXM = "com.atproto.repo.uploadBlob"
LIMITS_LXM = "app.bsky.video.getUploadLimits"
#: "a slightly longer expiry - 30 minutes is recommended" (the tutorial); a PDS refuses more
#: than an hour (atproto `packages/pds/src/api/com/atproto/server/getServiceAuth.ts`).
UPLOAD_TOKEN_S = 30 * 60
POLL_S = 1.5  # the official app's pause between job status reads
POLL_MAX_S = 20 * 60  # a 10-minute video is converted in a few minutes; this is far beyond
CHUNK = 1 << 20
MAX_ALT_GRAPHEMES = 1000  # app.bsky.embed.video `alt`: maxGraphemes 1000
COMPLETED, FAILED = "JOB_STATE_COMPLETED", "JOB_STATE_FAILED"

#: What `getServiceAuth` is asked: (audience, method, expiry in epoch seconds or None).
ServiceToken = Callable[[str, str, int | None], Awaitable[str]]
Progress = Callable[[int, int], None]

NOTE = "No video uploads now: "  # how the health card's line on the video limits begins
EMAIL = (
    "Bluesky takes videos only from accounts whose email address is confirmed: confirm it in "
    "Bluesky (Settings → Account → Email), then try again"
)


@dataclass(frozen=True)
class _Refusal:
    """A refusal in plain words, and its error code (SERVER_ERROR: a retry may work soon)."""

    sentence: str
    code: ErrorCode


#: The service's refusals, word for word as the official app matches them, in plain words.
_KNOWN: dict[str, _Refusal] = {
    "Confirm your email address to upload videos": _Refusal(EMAIL, ErrorCode.VALIDATION_ERROR),
    "unconfirmed_email": _Refusal(EMAIL, ErrorCode.VALIDATION_ERROR),
    "User has exceeded daily upload videos limit": _Refusal(
        "today's video uploads on Bluesky are used up (Bluesky allows a number of videos a day); "
        "post the video tomorrow",
        ErrorCode.RATE_LIMITED,
    ),
    "User has exceeded daily upload bytes limit": _Refusal(
        "today's video upload volume on Bluesky is used up (Bluesky allows so many gigabytes of "
        "video a day); post the video tomorrow",
        ErrorCode.RATE_LIMITED,
    ),
    "User is not allowed to upload videos": _Refusal(
        "Bluesky does not allow this account to upload videos (its moderators can take video uploads "
        "away); the post cannot carry a video",
        ErrorCode.VALIDATION_ERROR,
    ),
    "Uploading is disabled at the moment": _Refusal(
        "Bluesky has paused video uploads for now; try again later", ErrorCode.VALIDATION_ERROR
    ),
    "Account is not old enough to upload videos": _Refusal(
        "the account is too new to upload videos on Bluesky yet; try again in a few days",
        ErrorCode.VALIDATION_ERROR,
    ),
    "Failed to get user's upload stats": _Refusal(
        "Bluesky's video service could not check the account's daily limits just now",
        ErrorCode.SERVER_ERROR,
    ),
}
#: No reason given (the official app: "You have temporarily reached the limit for video uploads").
_UNSAID = _Refusal(
    "Bluesky's video service takes no videos from this account at the moment (it gave no reason); "
    "try again later",
    ErrorCode.RATE_LIMITED,
)
_TOO_LARGE = re.compile(r"file size \((\d+) bytes\) is larger than the maximum allowed size \((\d+) bytes\)")

#: `app.bsky.video.defs#jobStatus` `failureCode`s, in plain words.
_FAILURES = {
    "validation_failure": "Bluesky's video service could not use the file (it checks its format, "
    "length and size); export it as an MP4 (H.264) within Bluesky's limits and attach that",
    "encoding_failure": "Bluesky's video service could not convert the video (an unusual format or "
    "a damaged file); export it again as an MP4 (H.264) and attach that",
    "pds_upload_failure": "Bluesky's video service converted the video but could not store it on the "
    "account's server; try again later",
    "pds_upload_unsupported_blob_size": "the converted video is larger than the account's server "
    "accepts; shorten the video or lower its quality",
}
_FAILED = "Bluesky's video service failed to process the video"


def refusal(said: str | None, *, account: str) -> PublishError:
    """The error for a refusal the service worded `said` (None: it gave no reason)."""
    text = (said or "").strip()
    known = _KNOWN.get(text)
    if known is not None:
        return _to_error(known, account)
    too_large = _TOO_LARGE.search(text)
    if too_large:
        size, limit = (int(g) for g in too_large.groups())
        return too_large_error(
            account, f"{size / 1e6:.1f} MB, the video service takes at most {limit / 1e6:.0f} MB"
        )
    reason = f" (the service said: {text})" if text else ""
    return Rejected(
        f"Bluesky's video service refused the video for {account}{reason}.", code=ErrorCode.MEDIA_REJECTED
    )


def _to_error(known: _Refusal, account: str) -> PublishError:
    message = f"Bluesky refused the video for {account}: {known.sentence}."
    if known.code is ErrorCode.SERVER_ERROR:
        return ServerError(message, may_have_taken_effect=False)
    return Rejected(message, code=known.code)


def too_large_error(account: str, detail: str) -> Rejected:
    """The file is larger than the video service takes."""
    return Rejected(
        f"Bluesky refused the video for {account}: it is too large ({detail}). Shorten it or "
        f"export it at a lower quality.",
        code=ErrorCode.MEDIA_REJECTED,
    )


@dataclass(frozen=True)
class VideoLimits:
    """What the video service lets the account upload for the rest of today."""

    can_upload: bool
    videos_left: int
    bytes_left: int
    message: str | None = None

    def quota(self) -> QuotaLeft:
        """For the health card: videos and bytes left today (0 videos while it cannot upload)."""
        left = self.videos_left if self.can_upload else 0
        return QuotaLeft.remaining(left, "videos", bytes_left=max(0, self.bytes_left))

    def refusal(self, size: int, *, account: str) -> PublishError | None:
        """Why a video of `size` bytes cannot go up today, or None if it can."""
        if not self.can_upload or self.videos_left <= 0:
            return _to_error(self._reason(email_confirmed=None), account)
        if size > self.bytes_left:
            return Rejected(
                f"Bluesky refused the video for {account}: it is {size / 1e6:.1f} MB, but only "
                f"{max(0, self.bytes_left) / 1e6:.1f} MB of video uploads are left today. Post it "
                f"tomorrow, or export a smaller file.",
                code=ErrorCode.RATE_LIMITED,
            )
        return None

    def note(self, *, email_confirmed: bool | None) -> str | None:
        """A line for the health card when no video can go up now, else None."""
        if self.can_upload and self.videos_left > 0:
            return None
        return f"{NOTE}{self._reason(email_confirmed=email_confirmed).sentence}."

    def _reason(self, *, email_confirmed: bool | None) -> _Refusal:
        """Why no video can go up: the service's words, else what the rest of the answer says."""
        said = (self.message or "").strip()
        if said in _KNOWN:
            return _KNOWN[said]
        if email_confirmed is False:
            return _KNOWN["unconfirmed_email"]  # getSession says what the service did not
        if said:
            return _Refusal(f"Bluesky's video service says: {said}", ErrorCode.MEDIA_REJECTED)
        if self.videos_left <= 0:
            return _KNOWN["User has exceeded daily upload videos limit"]
        if self.bytes_left <= 0:
            return _KNOWN["User has exceeded daily upload bytes limit"]
        return _UNSAID


def pds_audience(pds: str) -> str:
    """The PDS's `did:web`, the audience of an upload token: `did:web:` + its host name.

    As the official app derives it (social-app `getServiceAuthAudFromUrl`: the URL's hostname,
    no port).
    """
    return f"did:web:{urlsplit(pds).hostname or ''}"


def is_private_host(url: str) -> bool:
    """Whether `url` names this computer or a private network (no public service can reach it)."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "localhost" or host.endswith((".localhost", ".local", ".internal")):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_private or address.is_loopback or address.is_link_local


class VideoService:
    """One video service (the official one, or what `OUTPOST_UPLOAD_URL_BLUESKY` names).

    Tokens come from the caller (`ServiceToken`: the adapter asks the account's PDS, refreshing
    its session if needed), so this class never sees the session itself.
    """

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        clock: Clock,
        base: str,
        poll_s: float = POLL_S,
        poll_max_s: float = POLL_MAX_S,
    ) -> None:
        self.client = client
        self.clock = clock
        self.base = base.rstrip("/")
        self.poll_s = poll_s
        self.poll_max_s = poll_max_s

    async def limits(self, token: ServiceToken, *, account: str) -> VideoLimits:
        """`getUploadLimits`, with a token for the video service itself (official app's way)."""
        bearer = await token(VIDEO_SERVICE_DID, LIMITS_LXM, None)
        response = await self._send("GET", "app.bsky.video.getUploadLimits", bearer=bearer)
        if not response.is_success:
            raise self._failure(response, account=account)
        body = read(response, Network.BLUESKY, kind=dict)
        can, videos, volume = (
            body.get(k) for k in ("canUpload", "remainingDailyVideos", "remainingDailyBytes")
        )
        if not isinstance(can, bool) or not all(_is_int(v) for v in (videos, volume)):
            raise ServerError(
                f"Bluesky's video service answered its limits without canUpload, remainingDailyVideos "
                f"and remainingDailyBytes (a malformed answer: {response.text[:120]!r}).",
                may_have_taken_effect=False,
            )
        said = body.get("message")
        return VideoLimits(can, int(videos), int(volume), said if isinstance(said, str) and said else None)

    async def upload(
        self,
        token: ServiceToken,
        media: MediaAsset,
        *,
        did: str,
        pds: str,
        account: str,
        progress: Progress | None = None,
    ) -> dict[str, Any]:
        """Check today's limits, send the file, wait for the service; the blob to embed.

        Raises:
            PublishError: each refusal in its own plain words (see the module docstring).
        """
        limits = await self.limits(token, account=account)
        refused = limits.refusal(media.size, account=account)
        if refused is not None:
            raise refused
        expires = int(self.clock.now().timestamp()) + UPLOAD_TOKEN_S
        bearer = await token(pds_audience(pds), UPLOAD_LXM, expires)
        status = await self._upload(bearer, media, did=did, account=account, progress=progress)
        return await self._processed(status, account=account)

    async def _upload(
        self, bearer: str, media: MediaAsset, *, did: str, account: str, progress: Progress | None
    ) -> dict[str, Any]:
        # A name without the file's own (which may say more than the person wants): the content
        # hash, as stable as the file, with the type's extension (the official app: a random id).
        extension = {"video/quicktime": "mov", "video/webm": "webm", "video/mpeg": "mpeg"}
        name = f"{(media.sha256 or media.id)[:16]}.{extension.get(media.mime_type, 'mp4')}"
        response = await self._send(
            "POST",
            "app.bsky.video.uploadVideo",
            bearer=bearer,
            params={"did": did, "name": name},
            headers={"Content-Type": media.mime_type, "Content-Length": str(media.size)},
            content=_chunks(Path(media.path), media.size, progress),
        )
        status = _job_status(response)
        job = status.get("jobId")
        has_job = isinstance(job, str) and bool(job) and job.isprintable()
        if response.is_success and has_job:
            return status
        if status.get("error") == "already_exists" and (has_job or _is_blob(status.get("blob"))):
            # The service has this very video from an earlier try (a lost answer, a retry, the
            # same clip posted twice): its job holds the blob, so go on with that job.
            log.info("Bluesky's video service already has this video (job %s); using it", job)
            return status
        raise self._failure(response, account=account)

    async def _processed(self, status: dict[str, Any], *, account: str) -> dict[str, Any]:
        """Read the job until it has the blob (or failed, or took far too long)."""
        job = str(status.get("jobId"))
        # Real-time pauses for the service's own work, on asyncio time like every adapter's
        # processing waits: a test's clock standing still cannot make them spin (tests shorten
        # `poll_s`).
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.poll_max_s
        asked = False  # an upload's answer may say COMPLETED without the blob (already_exists)
        while True:
            blob = status.get("blob")
            if isinstance(blob, dict) and _is_blob(blob):
                return dict(blob)
            state = status.get("state")
            if state == FAILED:
                raise _job_failed(status, account=account)
            if state == COMPLETED and asked:
                raise ServerError(
                    f"Bluesky's video service says job {job} is done but gave no video to post "
                    f"(a malformed answer); Outpost will try again.",
                    may_have_taken_effect=False,
                )
            if loop.time() >= deadline:
                raise ServerError(
                    f"Bluesky's video service was still processing the video for {account} after "
                    f"{self.poll_max_s / 60:.0f} minutes (job {job}, {state}); Outpost will try again.",
                    may_have_taken_effect=False,
                )
            await asyncio.sleep(self.poll_s)
            response = await self._send("GET", "app.bsky.video.getJobStatus", params={"jobId": job})
            status, asked = _job_status(response), True
            if not response.is_success and not _is_blob(status.get("blob")):
                raise self._failure(response, account=account)
            if status.get("jobId") not in (None, job):
                raise ServerError(
                    f"Bluesky's video service answered about another job ({status.get('jobId')!r} "
                    f"instead of {job}).",
                    may_have_taken_effect=False,
                )
            status.setdefault("jobId", job)
            log.debug("video job %s: %s %s", job, status.get("state"), status.get("progress", ""))

    def _failure(self, response: httpx.Response, *, account: str) -> PublishError:
        """The error for an answer that is not what was asked for."""
        status = response.status_code
        if response.is_success:
            return ServerError(
                f"Bluesky's video service answered HTTP {status} without a job to follow (a malformed "
                f"answer: {response.text[:120]!r}); Outpost will try again.",
                may_have_taken_effect=False,
            )
        if status == 429 or status >= 500:
            return error_for(response, network=Network.BLUESKY, now=self.clock.now())
        if status in (401, 403):
            name = _error_name(response)
            why = f"{name}: " if name else ""
            why += server_message(response) or "not authorised"
            advice = (
                "Check that this computer's clock is right, then try again."
                if name == "JwtExpired"
                else "Try again; if it keeps happening, reconnect the account."
            )
            return Rejected(
                f"Bluesky's video service did not accept the upload permission Outpost got from "
                f"{account}'s server (HTTP {status}, {why}). {advice}",
                code=ErrorCode.VALIDATION_ERROR,
            )
        body = _job_status(response)
        said, error = (_text(body.get(key)) for key in ("message", "error"))
        # Either field may hold the words the official app matches ("unconfirmed_email" is the
        # `error`, the newer sentences may be either); take whichever is known, else the message.
        for words in (error, said):
            if words and (words in _KNOWN or _TOO_LARGE.search(words)):
                return refusal(words, account=account)
        if status == 413:
            return too_large_error(account, f"{said or error or 'HTTP 413'}")
        if status == 415:
            return Rejected(
                f"Bluesky's video service does not take this kind of file from {account} (the service "
                f"said: {said or error or 'HTTP 415'}); export it as an MP4 (H.264) and attach that.",
                code=ErrorCode.MEDIA_REJECTED,
            )
        return refusal(said or error or server_message(response), account=account)

    async def _send(
        self,
        method: str,
        nsid: str,
        *,
        bearer: str | None = None,
        headers: dict[str, str] | None = None,
        **content: Any,
    ) -> httpx.Response:
        request = self.client.build_request(
            method,
            f"{self.base}/xrpc/{nsid}",
            headers={**(headers or {}), **({"Authorization": f"Bearer {bearer}"} if bearer else {})},
            **content,
        )
        return await send(self.client, request, network=Network.BLUESKY, clock=self.clock, check=False)


def _job_failed(status: dict[str, Any], *, account: str) -> Rejected:
    code = status.get("failureCode")
    meaning = _FAILURES.get(code, _FAILED) if isinstance(code, str) else _FAILED
    words = [w for w in (status.get("message"), status.get("error")) if isinstance(w, str) and w.strip()]
    said = f" (the service said: {'; '.join(dict.fromkeys(words))})" if words else ""
    return Rejected(f"The video for {account} did not go up: {meaning}{said}.", code=ErrorCode.MEDIA_REJECTED)


def _job_status(response: httpx.Response) -> dict[str, Any]:
    """The job status in an answer, wrapped (`{"jobStatus": …}`, the lexicon) or not (the service)."""
    try:
        body = response.json()
    except ValueError:
        return {}
    if not isinstance(body, dict):
        return {}
    inner = body.get("jobStatus")
    return dict(inner) if isinstance(inner, dict) else dict(body)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _error_name(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    name = body.get("error") if isinstance(body, dict) else None
    return name if isinstance(name, str) and name else None


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_blob(value: object) -> bool:
    """A blob ref as the PDS makes them: `{"$type": "blob", "ref": {"$link": …}, "mimeType", "size"}`."""
    if not isinstance(value, dict):
        return False
    ref = value.get("ref")
    link = ref.get("$link") if isinstance(ref, dict) else None
    return (
        isinstance(link, str)
        and bool(link)
        and link.isprintable()
        and isinstance(value.get("mimeType"), str)
        and _is_int(value.get("size"))
    )


async def _chunks(path: Path, size: int, progress: Progress | None) -> AsyncIterator[bytes]:
    """The file in 1 MiB pieces, read off the event loop, with progress as they are sent."""
    sent = 0
    with path.open("rb") as handle:
        while chunk := await asyncio.to_thread(handle.read, CHUNK):
            sent += len(chunk)
            yield chunk
            if progress is not None:
                progress(sent, size)


def embed(uploaded: UploadedMedia) -> dict[str, Any]:
    """An `app.bsky.embed.video` for the processed blob, with alt text and aspect ratio."""
    video: dict[str, Any] = {
        "$type": "app.bsky.embed.video",
        "video": json.loads(uploaded.extra["blob"]),
        "aspectRatio": {"width": int(uploaded.extra["width"]), "height": int(uploaded.extra["height"])},
    }
    if uploaded.asset.alt_text:
        video["alt"] = uploaded.asset.alt_text
    return video


__all__ = [
    "MAX_ALT_GRAPHEMES",
    "NOTE",
    "VIDEO_SERVICE",
    "VIDEO_SERVICE_DID",
    "VideoLimits",
    "VideoService",
    "embed",
    "is_private_host",
    "pds_audience",
    "refusal",
    "too_large_error",
]
