"""Reading and changing videos already on YouTube: a video's status, the scheduler's calls, uploads.

Each function takes `call`, the adapter's authorised request for one account that counts the
quota first (`YouTubeAdapter._call` with the account bound), so this module holds only what the
Data API says and what Outpost makes of it:

- `reschedule`: `videos.update` replaces the whole `status` part, so the current status is read
  and sent back with only `publishAt` changed;
- `cancel` deletes the scheduled video — never one that is already out;
- `confirm` reads `privacyStatus` after the time (YouTube made it public) and the upload status
  (a rejected video will never go out);
- `recent_uploads` reads the channel's uploads playlist, private videos included, to settle a
  create whose answer was lost.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import Any, Protocol

import httpx

from outpost.adapters.http import read, text_or_none
from outpost.adapters.youtube_rules import iso
from outpost.domain.enums import ErrorCode, Network
from outpost.domain.errors import InvalidStateError, Rejected, ServerError
from outpost.domain.models import PublishedPart

WATCH = "https://www.youtube.com/watch?v="
WRITABLE_STATUS = ("privacyStatus", "embeddable", "license", "publicStatsViewable", "selfDeclaredMadeForKids")


class Call(Protocol):
    """An authorised request for one account, counted in the quota as `method` first."""

    def __call__(self, method: str, verb: str, path: str, **content: Any) -> Awaitable[httpx.Response]:
        """Send it; raises the domain error for YouTube's refusals."""


def watched(video_id: str) -> PublishedPart:
    """A video as a published part: its id and watch page."""
    return PublishedPart(platform_post_id=video_id, permalink=f"{WATCH}{video_id}")


async def status(call: Call, video_id: str) -> dict[str, Any] | None:
    """The video's `status` part (`videos.list`, 1 unit), None if YouTube has no such video."""
    response = await call(
        "videos.list", "GET", "/youtube/v3/videos", params={"part": "status", "id": video_id}
    )
    items = read(response, Network.YOUTUBE, "items", kind=list)
    found = items[0] if items and isinstance(items[0], dict) else None
    if found is None:
        return None
    return dict_of(found.get("status"))


async def reschedule(call: Call, video_id: str, at: datetime) -> None:
    """Move a scheduled video to `at` (`videos.update`, 51 units with the read before it)."""
    current = await status(call, video_id)
    if current is None:
        raise Rejected(
            f"The video {video_id} is no longer on YouTube (deleted in YouTube Studio?); there is "
            f"nothing to reschedule.",
            code=ErrorCode.VALIDATION_ERROR,
        )
    if current.get("privacyStatus") != "private" or not current.get("publishAt"):
        raise InvalidStateError(
            f"The video {video_id} is already out on YouTube (or no longer scheduled there); it "
            f"cannot be moved to another time."
        )
    body = {k: current[k] for k in WRITABLE_STATUS if k in current} | {"publishAt": iso(at)}
    await call(
        "videos.update",
        "PUT",
        "/youtube/v3/videos",
        params={"part": "status"},
        json={"id": video_id, "status": body},
    )


async def cancel(call: Call, video_id: str) -> None:
    """Delete the scheduled, still private video (`videos.delete`); fine if it is gone already."""
    current = await status(call, video_id)
    if current is None:
        return
    if current.get("privacyStatus") != "private":
        raise InvalidStateError(
            f"The video {video_id} is already {current.get('privacyStatus', 'out')} on YouTube; Outpost "
            f"does not delete published videos. Remove it in YouTube Studio if you want it gone."
        )
    try:
        await call("videos.delete", "DELETE", "/youtube/v3/videos", params={"id": video_id})
    except Rejected as exc:
        if "videoNotFound" not in str(exc):
            raise


async def confirm(call: Call, video_id: str) -> PublishedPart | None:
    """After its time: the video once public (or unlisted by hand), None while still private."""
    current = await status(call, video_id)
    if current is None:
        raise Rejected(
            f"The scheduled video {video_id} is no longer on YouTube (deleted in YouTube Studio?).",
            code=ErrorCode.VALIDATION_ERROR,
        )
    upload = current.get("uploadStatus")
    if upload in ("failed", "rejected"):
        why = current.get("failureReason") or current.get("rejectionReason") or "no reason given"
        raise Rejected(
            f"YouTube did not accept the video {video_id} ({upload}: {why}); it will not go out.",
            code=ErrorCode.MEDIA_REJECTED,
        )
    if current.get("privacyStatus") in ("public", "unlisted"):
        return watched(video_id)
    if not current.get("publishAt"):
        raise Rejected(
            f"The video {video_id} was made private without a publishing time (in YouTube Studio?); "
            f"YouTube will not publish it.",
            code=ErrorCode.VALIDATION_ERROR,
        )
    return None


async def recent_uploads(call: Call, since: datetime) -> list[dict[str, Any]]:
    """The channel's uploads playlist, newest first, back to `since` (private videos included; 2 units)."""
    found_channels = channels(
        await call(
            "channels.list", "GET", "/youtube/v3/channels", params={"part": "contentDetails", "mine": "true"}
        )
    )
    details = dict_of(found_channels[0].get("contentDetails")) if found_channels else {}
    playlist = dict_of(details.get("relatedPlaylists")).get("uploads")
    if not isinstance(playlist, str):
        return []
    response = await call(
        "playlistItems.list",
        "GET",
        "/youtube/v3/playlistItems",
        params={"part": "snippet", "playlistId": playlist, "maxResults": "50"},
    )
    found = []
    for item in read(response, Network.YOUTUBE, "items", kind=list):
        snippet = dict_of(dict_of(item).get("snippet"))
        video_id = dict_of(snippet.get("resourceId")).get("videoId")
        published = when(snippet.get("publishedAt"))
        if isinstance(video_id, str) and (published is None or published >= since):
            found.append({**snippet, "videoId": video_id})
    return found


def when(value: object) -> datetime | None:
    """A time YouTube wrote (None if it is not one)."""
    if not isinstance(value, str):
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    except ValueError:
        return None


def same_words(shown: object, sent: str) -> bool:
    """Whether YouTube's copy of a text is the text Outpost sent (line endings and spaces aside)."""
    return isinstance(shown, str) and " ".join(shown.split()) == " ".join(sent.split())


def channels(response: httpx.Response) -> list[dict[str, Any]]:
    """The channels of a `channels.list` answer (each with a usable id; no `items`: none)."""
    items = read(response, Network.YOUTUBE, kind=dict).get("items", [])
    if not isinstance(items, list):
        raise ServerError(
            "YouTube answered channels.list with malformed items (a malformed answer).",
            may_have_taken_effect=False,
        )
    return [c for c in items if isinstance(c, dict) and isinstance(c.get("id"), str) and c["id"]]


def dict_of(value: object) -> dict[str, Any]:
    """`value` if it is a JSON object, else an empty one (an optional part of an answer)."""
    return value if isinstance(value, dict) else {}


def title_of(channel: dict[str, Any]) -> str:
    """A channel's name (its id when it has none)."""
    snippet = channel.get("snippet")
    return (text_or_none(snippet.get("title")) if isinstance(snippet, dict) else None) or str(channel["id"])


async def read_small(path: str) -> bytes:
    """A small file (a thumbnail, at most 2 MB) read off the event loop."""

    def whole() -> bytes:
        with open(path, "rb") as handle:
            return handle.read()

    return await asyncio.to_thread(whole)


__all__ = [
    "WATCH",
    "Call",
    "cancel",
    "channels",
    "confirm",
    "dict_of",
    "read_small",
    "recent_uploads",
    "reschedule",
    "same_words",
    "status",
    "title_of",
    "watched",
    "when",
]
