"""Threads media containers: make one, wait until Threads has it ready, and read what it says.

Publishing on Threads is two steps (developers.facebook.com/documentation/threads/posts): a
container (`POST /{user}/threads`) and `POST /{user}/threads_publish?creation_id=…`. A container
holding an image or a video is ready only once Threads has fetched the file from its URL and
processed it: its status (…/troubleshooting: `GET /{container}?fields=status,error_message`) goes
IN_PROGRESS → FINISHED, or ERROR with a reason, or EXPIRED after 24 hours unpublished. Publishing
before FINISHED fails, so Outpost never does: every container is waited for, text ones too.

Threads never takes file bytes: each file goes to the creator's public media host for the length
of one container's processing (put → URL to Threads → FINISHED or failure → delete, in a
`finally`), so nothing stays in the bucket.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from outpost.adapters.base import AccountContext, HostedFile, MediaHost
from outpost.adapters.http import read, read_id, text_or_none
from outpost.domain.enums import ErrorCode, Network
from outpost.domain.errors import PublishError, Rejected
from outpost.domain.models import MediaAsset

log = logging.getLogger("outpost.adapters.threads")

#: Sends one authorised Graph request for an account: (ctx, method, path, **httpx content).
Call = Callable[..., Awaitable[httpx.Response]]

POLL_S = 2.0  # first wait between status checks; doubles up to POLL_MAX_S
POLL_MAX_S = 60.0  # "We recommend querying a container's status once per minute" (troubleshooting)
WAIT_MAX_S = 300.0  # "… for no more than 5 minutes"

#: Container `error_message` values (troubleshooting page) in words a creator can act on.
REASONS = {
    "FAILED_DOWNLOADING_VIDEO": "Threads could not download the video from your media host (check "
    "`outpost media-host test`: the bucket's links must open from the internet)",
    "FAILED_PROCESSING_AUDIO": "Threads could not process the video's sound (use AAC, at most 48 kHz, "
    "mono or stereo)",
    "FAILED_PROCESSING_VIDEO": "Threads could not process the video (use H.264 or HEVC in MP4 or MOV, "
    "with the moov atom at the front)",
    "INVALID_ASPEC_RATIO": "its aspect ratio is outside what Threads takes (at most 10:1 either way)",
    "INVALID_BIT_RATE": "its bit rate is over the 25 Mbps Threads takes",
    "INVALID_DURATION": "it is longer than the 5 minutes Threads takes (or empty)",
    "INVALID_FRAME_RATE": "its frame rate is outside the 23–60 fps Threads takes",
    "INVALID_AUDIO_CHANNELS": "its sound has more than the 2 channels Threads takes",
    "INVALID_AUDIO_CHANNEL_LAYOUT": "its sound is neither mono nor stereo",
    "UNKNOWN": "Threads did not say why",
}


@dataclass(frozen=True)
class Status:
    """A container's state: IN_PROGRESS, FINISHED, PUBLISHED, ERROR or EXPIRED."""

    value: str
    error_message: str | None = None


class Containers:
    """Makes and waits for containers for one adapter (its request function, its media host)."""

    def __init__(self, call: Call, *, poll_s: float, wait_max_s: float) -> None:
        self._call = call
        self._poll_s = poll_s
        self._wait_max_s = wait_max_s

    async def create(self, ctx: AccountContext, user: str, fields: dict[str, str]) -> str:
        """`POST /{user}/threads` with `fields`; the container's id."""
        response = await self._call(ctx, "POST", f"/{user}/threads", data=fields)
        return read_id(response, Network.THREADS, "id")

    async def status(self, ctx: AccountContext, container: str) -> Status:
        """The container's status now."""
        response = await self._call(ctx, "GET", f"/{container}", params={"fields": "status,error_message"})
        body = read(response, Network.THREADS, kind=dict)
        value = read(response, Network.THREADS, "status", kind=str)
        return Status(value, text_or_none(body.get("error_message")))

    async def wait(self, ctx: AccountContext, container: str, what: str) -> Status:
        """Check the status until it is no longer IN_PROGRESS (real-time pauses, growing).

        Returns FINISHED or PUBLISHED. Raises `Rejected` for ERROR/EXPIRED (the reason in plain
        words) and a retryable `PublishError` if Threads is still busy after `wait_max_s`.
        """
        waited, pause = 0.0, self._poll_s
        while True:
            status = await self.status(ctx, container)
            if status.value in ("FINISHED", "PUBLISHED"):
                return status
            if status.value == "ERROR":
                reason = REASONS.get(
                    status.error_message or "UNKNOWN", status.error_message or REASONS["UNKNOWN"]
                )
                raise Rejected(f"Threads could not take {what}: {reason}.", code=ErrorCode.MEDIA_REJECTED)
            if status.value == "EXPIRED":
                raise Rejected(
                    f"Threads let {what} expire (containers last 24 hours unpublished); publish again.",
                    code=ErrorCode.VALIDATION_ERROR,
                )
            if waited >= self._wait_max_s:
                raise PublishError(
                    f"Threads was still processing {what} after {self._wait_max_s / 60:.0f} minutes; "
                    f"Outpost will check again on the next try.",
                    may_have_taken_effect=False,
                )
            # Real time for Threads' own processing, not a rule about the time of day: asyncio
            # time, so a test's clock standing still cannot make it spin (tests pass tiny pauses).
            await asyncio.sleep(pause)
            waited += pause
            pause = min(pause * 2, POLL_MAX_S)

    async def media(
        self,
        ctx: AccountContext,
        user: str,
        files: Sequence[MediaAsset],
        post_fields: dict[str, str],
        host: MediaHost,
    ) -> str:
        """The container of a post with media: one image or video, or a carousel of 2–20.

        Each file is on the media `host` only while Threads fetches and processes it.
        """
        hosted: list[HostedFile] = []
        try:
            if len(files) == 1:
                hosted.append(await host.put(files[0]))
                container = await self.create(ctx, user, {**post_fields, **_item(files[0], hosted[0])})
                await self.wait(ctx, container, _named(files[0], 1, 1))
                return container
            children = []
            for asset in files:
                hosted.append(await host.put(asset))
                fields = {**_item(asset, hosted[-1]), "is_carousel_item": "true"}
                children.append(await self.create(ctx, user, fields))
            for index, child in enumerate(children, start=1):
                await self.wait(ctx, child, _named(files[index - 1], index, len(files)))
        finally:
            await _delete(host, hosted)
        fields = {**post_fields, "media_type": "CAROUSEL", "children": ",".join(children)}
        return await self.create(ctx, user, fields)


async def _delete(host: MediaHost, hosted: list[HostedFile]) -> None:
    """Remove every file put for this container; a failed delete is logged, never raised."""
    for item in hosted:
        try:
            await host.delete(item)
        except Exception:  # the post's outcome matters more; the start-up sweep retries
            log.warning("could not delete %s from the media host", item.key, exc_info=True)


def _item(asset: MediaAsset, hosted: HostedFile) -> dict[str, str]:
    """The fields of one image or video: its URL on the media host and its alt text."""
    video = asset.kind == "video"
    fields: dict[str, Any] = {
        "media_type": "VIDEO" if video else "IMAGE",
        "video_url" if video else "image_url": hosted.url,
    }
    if asset.alt_text:
        fields["alt_text"] = asset.alt_text
    return fields


def _named(asset: MediaAsset, index: int, count: int) -> str:
    kind = "the video" if asset.kind == "video" else "the image"
    where = f" ({index} of {count})" if count > 1 else ""
    return f"{kind} {asset.path.rsplit('/', 1)[-1]}{where}"


__all__ = ["REASONS", "Call", "Containers", "Status"]
