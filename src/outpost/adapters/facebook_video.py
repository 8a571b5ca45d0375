"""Videos and Reels to a Facebook Page: the bytes go up in phases, and only `finish` publishes.

Feed videos use the chunked upload of `POST /{page-id}/videos` (meta-linkedin-tiktok-youtube.md
§3.2, from Meta's Video API guide and Mixpost's `uploadVideo`): `upload_phase=start` (the file's
size) → `transfer` (each chunk Facebook asks for, `start_offset` to `end_offset`, until both are
equal) → `finish` (description, published or scheduled). Reels use `POST /{page-id}/video_reels`
(Reels Publishing guide): `start` → the bytes to `rupload.facebook.com/video-upload/{v}/{video_id}`
(`Authorization: OAuth`, `offset`, `file_size` headers) → `finish` with `video_state`.

Nothing is visible on the Page before `finish`, so every failure before it is one that cannot have
published (`may_have_taken_effect` False): the engine may simply try again. The upload resumes
after a restart: the session and the last offset Facebook confirmed are kept as a checkpoint
(`AccountContext.save_checkpoint`), and a session Facebook no longer knows starts afresh.
"""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import dataclass
from urllib.parse import urlsplit

from outpost.adapters.base import AccountContext, Progress
from outpost.adapters.facebook_graph import GRAPH_VERSION, UPLOAD_URL, Graph, upload_base
from outpost.adapters.http import read, read_id
from outpost.domain.enums import Network
from outpost.domain.errors import PublishError, Rejected, ServerError
from outpost.domain.models import MediaAsset

log = logging.getLogger("outpost.adapters.facebook")


@dataclass(frozen=True)
class SentVideo:
    """A video whose bytes Facebook has, waiting for `finish` (nothing is published yet)."""

    video_id: str
    session_id: str | None = None  # feed videos only
    checkpoint: str = ""


class Uploads:
    """The phases before `finish`, for one account's Page."""

    def __init__(self, graph: Graph, ctx: AccountContext, page_id: str, token: str, base: str | None) -> None:
        self.graph, self.ctx, self.page_id, self.token, self.base = graph, ctx, page_id, token, base

    async def feed_video(self, media: MediaAsset, progress: Progress | None) -> SentVideo:
        """Start (or resume) the chunked upload and send every chunk; `finish` is the caller's."""
        name = f"video:{media.sha256 or media.id}"
        try:
            return await self._feed_video(name, media, progress)
        except PublishError as exc:
            exc.may_have_taken_effect = False  # nothing is on the Page before `finish`
            raise

    async def _feed_video(self, name: str, media: MediaAsset, progress: Progress | None) -> SentVideo:
        saved = _load(await self.ctx.checkpoint(name))
        if saved and saved.get("size") == media.size:
            try:
                return await self._transfer(name, media, saved, progress)
            except Rejected as exc:  # Facebook forgot the session (expired): start again
                log.info("the saved Facebook upload session cannot resume (%s); starting afresh", exc)
        started = await self.graph.call(
            "POST",
            f"/{self.page_id}/videos",
            self.token,
            base=self.base,
            data={"upload_phase": "start", "file_size": str(media.size)},
        )
        state = {
            "session": read_id(started, Network.FACEBOOK, "upload_session_id"),
            "video": read_id(started, Network.FACEBOOK, "video_id"),
            "start": int(read(started, Network.FACEBOOK, "start_offset", kind=(str, int))),
            "end": int(read(started, Network.FACEBOOK, "end_offset", kind=(str, int))),
            "size": media.size,
        }
        await self.ctx.save_checkpoint(name, json.dumps(state))
        return await self._transfer(name, media, state, progress)

    async def _transfer(
        self, name: str, media: MediaAsset, state: dict[str, object], progress: Progress | None
    ) -> SentVideo:
        start, end = int(str(state["start"])), int(str(state["end"]))
        while start < end:
            if not 0 <= start < end <= media.size:
                raise ServerError(
                    f"Facebook asked for bytes {start}–{end} of a {media.size}-byte video (a malformed "
                    f"answer); Outpost will upload it again.",
                )
            chunk = await asyncio.to_thread(_read_range, media.path, start, end)
            answer = await self.graph.call(
                "POST",
                f"/{self.page_id}/videos",
                self.token,
                base=self.base,
                data={
                    "upload_phase": "transfer",
                    "upload_session_id": str(state["session"]),
                    "start_offset": str(start),
                },
                files={"video_file_chunk": ("chunk", chunk, "application/octet-stream")},
            )
            start = int(read(answer, Network.FACEBOOK, "start_offset", kind=(str, int)))
            end = int(read(answer, Network.FACEBOOK, "end_offset", kind=(str, int)))
            state |= {"start": start, "end": end}
            await self.ctx.save_checkpoint(name, json.dumps(state))
            if progress is not None:
                progress(min(start, media.size), media.size)
        return SentVideo(str(state["video"]), str(state["session"]), name)

    async def reel(self, media: MediaAsset, progress: Progress | None) -> SentVideo:
        """Start (or resume) a Reel and send its bytes to the upload host; `finish` is the caller's."""
        name = f"reel:{media.sha256 or media.id}"
        try:
            saved = _load(await self.ctx.checkpoint(name))
            if saved and saved.get("size") == media.size:
                try:
                    return await self._send_reel(name, media, saved, progress)
                except Rejected as exc:
                    log.info("the saved Reel upload cannot resume (%s); starting afresh", exc)
            started = await self.graph.call(
                "POST",
                f"/{self.page_id}/video_reels",
                self.token,
                base=self.base,
                data={"upload_phase": "start"},
            )
            state: dict[str, object] = {
                "video": read_id(started, Network.FACEBOOK, "video_id"),
                "upload_url": str(read(started, Network.FACEBOOK, "upload_url", kind=str)),
                "size": media.size,
            }
            await self.ctx.save_checkpoint(name, json.dumps(state))
            return await self._send_reel(name, media, state, progress, fresh=True)
        except PublishError as exc:
            exc.may_have_taken_effect = False
            raise

    async def _send_reel(
        self,
        name: str,
        media: MediaAsset,
        state: dict[str, object],
        progress: Progress | None,
        *,
        fresh: bool = False,
    ) -> SentVideo:
        video = str(state["video"])
        offset = 0 if fresh else await self._reel_offset(video)
        if offset < media.size:
            data = await asyncio.to_thread(_read_range, media.path, offset, media.size)
            request = self.graph.client.build_request(
                "POST",
                self._upload_url(str(state["upload_url"]), video),
                content=data,
                headers={
                    "Authorization": f"OAuth {self.token}",
                    "offset": str(offset),
                    "file_size": str(media.size),
                    "Content-Type": "application/octet-stream",
                },
            )
            answer = await self.graph.send(request)
            if read(answer, Network.FACEBOOK, kind=dict).get("success") is not True:
                raise ServerError("Facebook did not confirm the Reel's upload; Outpost will try again.")
        if progress is not None:
            progress(media.size, media.size)
        return SentVideo(video, None, name)

    async def _reel_offset(self, video: str) -> int:
        """How many bytes of a Reel Facebook already has (`status.uploading_phase.bytes_transferred`)."""
        answer = await self.graph.call(
            "GET", f"/{video}", self.token, base=self.base, params={"fields": "status"}
        )
        phase = (read(answer, Network.FACEBOOK, kind=dict).get("status") or {}).get("uploading_phase") or {}
        sent = phase.get("bytes_transferred")
        return int(sent) if isinstance(sent, int | str) and str(sent).isdigit() else 0

    def _upload_url(self, given: str, video: str) -> str:
        """Facebook's `upload_url`, moved to `OUTPOST_UPLOAD_URL_FACEBOOK` when that is set."""
        fallback = f"/video-upload/{GRAPH_VERSION}/{video}"
        override = upload_base()
        if override is not None:
            return f"{override}{urlsplit(given).path or fallback}"
        if given.startswith(("https://", "http://127.0.0.1:")):  # Facebook's host, or the sandbox's
            return given
        return f"{UPLOAD_URL}{fallback}"


def _load(value: str | None) -> dict[str, object] | None:
    if not value:
        return None
    try:
        loaded = json.loads(value)
    except ValueError:
        return None
    return loaded if isinstance(loaded, dict) else None


def _read_range(path: str, start: int, end: int) -> bytes:
    with open(path, "rb") as handle:
        handle.seek(start)
        return handle.read(end - start)
