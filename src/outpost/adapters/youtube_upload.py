"""YouTube's resumable upload, done so that a video is never uploaded twice and never from scratch.

The protocol (developers.google.com/youtube/v3/guides/using_resumable_upload_protocol; notes §6.3):

1. `POST /upload/youtube/v3/videos?uploadType=resumable` with the video's metadata answers a
   session URI in `Location`. No video exists yet: "no video exists until the last byte arrives".
2. `PUT {session}` with `Content-Range: bytes FIRST-LAST/TOTAL`, in chunks whose size is a multiple
   of 256 KiB (except the last); `308 Resume Incomplete` with `Range: bytes=0-N` says what the
   server has, `200`/`201` with the video resource ends it — that last byte *creates* the video.
3. After a dropped connection or a 5xx, `PUT {session}` with `Content-Range: bytes */TOTAL` and no
   body asks where the server is: `308` (resume after `Range`, from 0 without one), `200`/`201`
   (it is complete: the video is in the answer), `404`/`410` (the session expired).

What Outpost adds, so that a kill at any moment neither loses the upload nor makes two videos:

- The session URI is saved as a checkpoint (the store, `AccountContext.save_checkpoint`) *before*
  the first byte, under the target's idempotency key. A restarted Outpost (or the next try) asks
  that session where it is and goes on from there: the same session, never a second one.
- Before the last chunk goes out the checkpoint notes `final_sent`: from then on a video may
  exist. If the session has expired by the time Outpost asks again, it does not start over
  blindly: it looks for the video on the channel (`find_lost`), and without one it stops with an
  explanation instead of risking a duplicate.
- Once YouTube answers with the video, the checkpoint keeps its id (`video_id`): if Outpost dies
  before the engine saved the result, the next try returns that video instead of uploading again.
  Notes are forgotten `KEEP_NOTES` after their last change (an index per account lists them), so
  neither finished uploads nor ones abandoned by an edit pile up.
- Chunks are streamed from disk piece by piece (never the whole file, nor a whole chunk, in memory).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

import httpx

from outpost.adapters.base import AccountContext, Progress
from outpost.adapters.http import read, read_id, send
from outpost.domain.clock import Clock
from outpost.domain.enums import ErrorCode, Network
from outpost.domain.errors import (
    AuthExpired,
    NetworkUnavailable,
    PublishError,
    RateLimited,
    Rejected,
    ServerError,
)
from outpost.domain.models import MediaAsset

log = logging.getLogger("outpost.adapters.youtube")

#: "chunk sizes … a multiple of 256 KB (except the last)" (notes §6.3).
GRANULE = 256 * 1024
DEFAULT_CHUNK_BYTES = 32 * GRANULE  # 8 MiB: few requests, little to send again after a drop
PIECE_BYTES = 1 << 20  # read from disk and hand to the socket 1 MiB at a time
KEEP_NOTES = timedelta(days=30)
INDEX = "uploads-index"
_RANGE = re.compile(r"^bytes=0-(\d+)$")

#: What one upload may spend on a run of failures without progress before it gives up (the
#: engine then tries the whole publish again later, which resumes the same session).
MAX_FAILURES = 5
BACKOFF_CAP_S = 60.0

VideoResource = dict[str, Any]


class UploadIO(Protocol):
    """What the upload needs from the adapter: its client and clock, tokens, error wording."""

    client: httpx.AsyncClient
    clock: Clock

    async def access_token(self, ctx: AccountContext) -> str:
        """A working access token for the account."""

    async def token_after_401(self, ctx: AccountContext, rejected: str) -> str:
        """A fresh token after YouTube refused `rejected` (AuthExpired if it cannot be renewed)."""

    def answer_error(self, response: httpx.Response) -> PublishError:
        """YouTube's error answer in Outpost's words."""


@dataclass
class SessionNote:
    """The checkpoint of one upload (JSON in the store; no secret: the session needs the token too).

    Attributes:
        uri: the session URI YouTube handed out.
        size / fingerprint: the file the session was started for (a changed file cannot resume it).
        started_at: when the session was started (where to look for a lost video).
        final_sent: the last chunk went out at least once: a video may exist from then on.
        video_id: YouTube answered with the video: the upload is finished.
    """

    uri: str
    size: int
    fingerprint: str
    started_at: str
    final_sent: bool = False
    video_id: str | None = None

    @classmethod
    def parse(cls, raw: str | None) -> SessionNote | None:
        """The note saved as `raw` (None when there is none, or it cannot be read)."""
        if not raw:
            return None
        try:
            return cls(**json.loads(raw))
        except (ValueError, TypeError):
            log.warning("an unreadable YouTube upload checkpoint was ignored")
            return None

    def dump(self) -> str:
        """The note as JSON."""
        return json.dumps(asdict(self))


class SessionGone(Exception):
    """The upload session expired or was cancelled on YouTube's side (404/410)."""


@dataclass(frozen=True)
class Upload:
    """One video to send through one resumable session, under checkpoint `name`.

    Attributes:
        start: starts a session (counts the quota, sends the metadata) and returns its URI.
        find_lost: looks for the video on the channel when its session expired after the last
            chunk went out (None: not there).
        still_there: whether a video this upload made earlier is still on YouTube.
    """

    ctx: AccountContext
    name: str
    video: MediaAsset
    start: Callable[[], Awaitable[str]]
    find_lost: Callable[[SessionNote], Awaitable[VideoResource | None]]
    still_there: Callable[[str], Awaitable[bool]]
    progress: Progress | None = None
    chunk_bytes: int = DEFAULT_CHUNK_BYTES
    retry_s: float = 1.0


async def upload_video(io: UploadIO, job: Upload) -> VideoResource:
    """Send `job.video` through a resumable session (the saved one if any); returns the video resource.

    Raises:
        PublishError: YouTube refused (with its reason), or the upload could not go on now (then
            its checkpoint stays, and the next try resumes the same session).
    """
    if job.chunk_bytes <= 0 or job.chunk_bytes % GRANULE:
        raise ValueError(f"chunk_bytes must be a positive multiple of {GRANULE} (YouTube's rule)")
    await _forget_old_notes(job.ctx, io.clock.now())
    note = SessionNote.parse(await job.ctx.checkpoint(job.name))
    if note is not None and note.video_id:
        if await job.still_there(note.video_id):
            log.info("the upload %s already made video %s; not uploading again", job.name, note.video_id)
            return {"id": note.video_id}
        # Deleted since (a hand-over cancelled, then handed over again): this is a new upload.
        log.info("video %s of upload %s is gone from YouTube; uploading again", note.video_id, job.name)
        await job.ctx.forget_checkpoint(job.name)
        note = None
    fingerprint = await asyncio.to_thread(_fingerprint, job.video)
    if note is not None and (note.size, note.fingerprint) != (job.video.size, fingerprint):
        if note.final_sent:
            raise _changed_after_final(job)
        log.info("the file of upload %s changed since its session started; starting a new one", job.name)
        await job.ctx.forget_checkpoint(job.name)
        note = None
    resource = await _Uploader(io, job, fingerprint).run(note)
    return resource


class _Uploader:
    """The state of one `upload_video` call: the note, the offset, the run of failures."""

    def __init__(self, io: UploadIO, job: Upload, fingerprint: str) -> None:
        self.io, self.job, self.fingerprint = io, job, fingerprint
        self.note: SessionNote | None = None
        self.size = job.video.size
        self.failures = 0
        self.restarted = False

    async def run(self, note: SessionNote | None) -> VideoResource:
        self.note = note
        try:
            return await self._run(note)
        except Rejected:
            # YouTube refused this upload for good (its metadata, its bytes): a later try starts
            # a new session — unless a video may already exist.
            if self.note is None or not self.note.final_sent:
                await self.job.ctx.forget_checkpoint(self.job.name)
            raise

    async def _run(self, note: SessionNote | None) -> VideoResource:
        offset = 0
        if note is not None:
            answer = await self._where(note)
            if isinstance(answer, dict):
                return await self._finished(note, answer)
            if answer is None:
                found = await self._after_gone(note)
                if found is not None:
                    return found
                note = None
            else:
                offset = answer
        if note is None:
            note = await self._new_session()
        while True:
            try:
                return await self._send_from(note, offset)
            except SessionGone:
                found = await self._after_gone(note)
                if found is not None:
                    return found
                if self.restarted:
                    raise ServerError(
                        "YouTube dropped the upload session twice in a row; Outpost will try again later.",
                        may_have_taken_effect=False,
                    ) from None
                self.restarted = True
                note, offset = await self._new_session(), 0

    # -- the session ---------------------------------------------------------------------------

    async def _new_session(self) -> SessionNote:
        uri = await self.job.start()
        note = SessionNote(uri, self.size, self.fingerprint, self.io.clock.now().isoformat())
        await self.job.ctx.save_checkpoint(self.job.name, note.dump())  # before the first byte
        await _remember(self.job.ctx, self.job.name, self.io.clock.now())
        self.note = note
        log.info("YouTube upload session started for %s (%d bytes)", self.job.name, self.size)
        return note

    async def _after_gone(self, note: SessionNote) -> VideoResource | None:
        """The session expired: the video may exist only if the last chunk ever went out."""
        if not note.final_sent:
            log.info("the YouTube upload session of %s expired before the end; starting again", self.job.name)
            await self.job.ctx.forget_checkpoint(self.job.name)
            return None
        found = await self.job.find_lost(note)
        if found is not None:
            return await self._finished(note, found)
        raise PublishError(
            "YouTube's upload session ended after Outpost had sent the whole video, and the video "
            "is not among the channel's uploads. Outpost cannot tell whether YouTube kept it, so it "
            "does not upload it again on its own: look in YouTube Studio, then retry or leave it.",
            code=ErrorCode.UNKNOWN_OUTCOME,
            may_have_taken_effect=True,
        )

    async def _finished(self, note: SessionNote, resource: VideoResource) -> VideoResource:
        video_id = str(resource.get("id") or "")
        note.video_id = video_id
        await self.job.ctx.save_checkpoint(self.job.name, note.dump())
        await _remember(self.job.ctx, self.job.name, self.io.clock.now())
        if self.job.progress is not None:
            self.job.progress(self.size, self.size)
        log.info("YouTube made video %s from upload %s", video_id, self.job.name)
        return resource

    # -- sending -------------------------------------------------------------------------------

    async def _send_from(self, note: SessionNote, offset: int) -> VideoResource:
        while True:
            last = min(offset + self.job.chunk_bytes, self.size) - 1
            if last == self.size - 1 and not note.final_sent:
                note.final_sent = True  # from now on a video may exist: never start over blindly
                await self.job.ctx.save_checkpoint(self.job.name, note.dump())
            try:
                answer = await self._put_chunk(note, offset, last)
            except (NetworkUnavailable, ServerError, RateLimited) as exc:
                answer = await self._recover(note, exc)
            if isinstance(answer, dict):
                return await self._finished(note, answer)
            if answer > offset:
                self.failures = 0
            offset = answer
            if self.job.progress is not None:
                self.job.progress(offset, self.size)

    async def _recover(self, note: SessionNote, error: PublishError) -> VideoResource | int:
        """After a drop, a 5xx or a 429: wait, then ask the session where it is."""
        while True:
            self.failures += 1
            if self.failures > MAX_FAILURES:
                raise error
            wait = min(BACKOFF_CAP_S, self.job.retry_s * 2 ** (self.failures - 1))
            if isinstance(error, RateLimited):
                if error.retry_after_s is None or error.retry_after_s > BACKOFF_CAP_S:
                    raise error  # a long pause is the engine's to schedule, not this loop's
                wait = max(wait, error.retry_after_s)
            log.info(
                "YouTube upload %s interrupted (%s); asking where it is in %.1f s", self.job.name, error, wait
            )
            await self.io.clock.sleep(wait)
            try:
                answer = await self._where(note)
            except (NetworkUnavailable, ServerError, RateLimited) as again:
                error = again
                continue
            if answer is None:
                raise SessionGone
            return answer

    async def _put_chunk(self, note: SessionNote, first: int, last: int) -> VideoResource | int:
        length = last - first + 1
        headers = {
            "Content-Length": str(length),
            "Content-Range": f"bytes {first}-{last}/{self.size}",
            "Content-Type": self.job.video.mime_type,
        }
        stream = _read_range(self.job.video.path, first, length, self.job.progress, self.size)
        response = await self._put(note, headers, stream)
        return self._understood(response, what=f"bytes {first}-{last}")

    async def _where(self, note: SessionNote) -> VideoResource | int | None:
        """Ask the session what it has: the video (complete), the next offset, or None (gone)."""
        headers = {"Content-Length": "0", "Content-Range": f"bytes */{self.size}"}
        try:
            response = await self._put(note, headers, b"")
        except SessionGone:
            return None
        return self._understood(response, what="the status query")

    async def _put(
        self, note: SessionNote, headers: dict[str, str], body: bytes | AsyncIterator[bytes]
    ) -> httpx.Response:
        """One PUT to the session with the account's token (renewed once after a 401, for a query)."""
        ctx = self.job.ctx
        token = await self.io.access_token(ctx)
        response = await self._send(note, headers, body, token)
        if response.status_code == 401:
            token = await self.io.token_after_401(ctx, token)
            if not isinstance(body, bytes):
                # The chunk's stream is spent; the status query that follows resumes it.
                raise NetworkUnavailable(
                    "YouTube refused the token mid-upload; renewed it.", may_have_taken_effect=True
                )
            response = await self._send(note, headers, body, token)
        if response.status_code in (404, 410):
            raise SessionGone
        return response

    async def _send(
        self, note: SessionNote, headers: dict[str, str], body: bytes | AsyncIterator[bytes], token: str
    ) -> httpx.Response:
        request = self.io.client.build_request(
            "PUT", note.uri, content=body, headers={**headers, "Authorization": f"Bearer {token}"}
        )
        return await send(self.io.client, request, network=Network.YOUTUBE, clock=self.io.clock, check=False)

    def _understood(self, response: httpx.Response, *, what: str) -> VideoResource | int:
        """308: the next offset; 200/201: the video; 5xx/429: raised as transient; else refused."""
        status = response.status_code
        if status == 308:
            return _next_offset(response, self.size)
        if status in (200, 201):
            read_id(response, Network.YOUTUBE, "id")
            resource: VideoResource = read(response, Network.YOUTUBE, kind=dict)
            return resource
        error = self.io.answer_error(response)
        if isinstance(error, NetworkUnavailable | ServerError | RateLimited | AuthExpired):
            raise error
        raise Rejected(f"{error} (YouTube refused {what} of the upload.)", code=error.code)


def _next_offset(response: httpx.Response, size: int) -> int:
    """The first byte YouTube still needs, from `Range: bytes=0-N` (0 without a Range)."""
    value = response.headers.get("range", "").strip()
    if not value:
        return 0
    match = _RANGE.match(value)
    if match is None or int(match.group(1)) >= size:
        raise ServerError(
            f"YouTube answered the upload with an unusable Range ({value[:40]!r}).",
            may_have_taken_effect=False,
        )
    return int(match.group(1)) + 1


async def _read_range(
    path: str, first: int, length: int, progress: Progress | None, size: int
) -> AsyncIterator[bytes]:
    """`length` bytes of `path` from `first`, read in pieces off the event loop."""
    handle = await asyncio.to_thread(open, path, "rb")
    try:
        await asyncio.to_thread(handle.seek, first)
        sent = 0
        while sent < length:
            piece = await asyncio.to_thread(handle.read, min(PIECE_BYTES, length - sent))
            if not piece:
                raise Rejected(
                    f"{path} became shorter while it was being uploaded; attach the finished file again.",
                    code=ErrorCode.MEDIA_REJECTED,
                )
            sent += len(piece)
            yield piece
            if progress is not None:
                progress(first + sent, size)
    finally:
        await asyncio.to_thread(handle.close)


def _fingerprint(video: MediaAsset) -> str:
    """What tells this file from a changed one cheaply: its size and modification time (and hash)."""
    stat = os.stat(video.path)
    return f"{stat.st_size}:{stat.st_mtime_ns}:{video.sha256 or ''}"


def _changed_after_final(job: Upload) -> PublishError:
    return PublishError(
        f"{job.video.path} changed after Outpost had sent all of it to YouTube once; YouTube may "
        f"already have the earlier version. Look in YouTube Studio, then retry or leave it.",
        code=ErrorCode.UNKNOWN_OUTCOME,
        may_have_taken_effect=True,
    )


# -- the notes: kept a while, then forgotten -----------------------------------------------------


async def _remember(ctx: AccountContext, name: str, now: datetime) -> None:
    index = await _index(ctx)
    index[name] = now.isoformat()
    await ctx.save_checkpoint(INDEX, json.dumps(index))


async def _forget_old_notes(ctx: AccountContext, now: datetime) -> None:
    """Forget notes untouched for KEEP_NOTES (results long saved, sessions long expired)."""
    index = await _index(ctx)
    old = [name for name, at in index.items() if _older(at, now - KEEP_NOTES)]
    if not old:
        return
    for name in old:
        await ctx.forget_checkpoint(name)
        del index[name]
    await ctx.save_checkpoint(INDEX, json.dumps(index))


async def _index(ctx: AccountContext) -> dict[str, str]:
    raw = await ctx.checkpoint(INDEX)
    try:
        index = json.loads(raw) if raw else {}
    except ValueError:
        index = {}
    return {str(k): str(v) for k, v in index.items()} if isinstance(index, dict) else {}


def _older(at: str, limit: datetime) -> bool:
    try:
        return datetime.fromisoformat(at) < limit
    except ValueError:
        return True


__all__ = [
    "DEFAULT_CHUNK_BYTES",
    "GRANULE",
    "SessionNote",
    "Upload",
    "UploadIO",
    "VideoResource",
    "upload_video",
]
