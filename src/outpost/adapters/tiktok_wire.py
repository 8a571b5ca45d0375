"""TikTok's request bodies and answers: what the adapter sends and how it reads what comes back.

Pure functions over JSON (no I/O). Field names from the Direct Post, photo post and get-video-
status references (developers.tiktok.com/doc/content-posting-api-reference-*).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from outpost.adapters.base import HostedFile, PartRequest, UploadedMedia
from outpost.adapters.tiktok_rules import CreatorInfo, interaction_settings
from outpost.domain.errors import PublishError, Rejected, ServerError
from outpost.domain.models import PublishedPart

WEB = "https://www.tiktok.com"


@dataclass(frozen=True)
class Status:
    """One `status/fetch` answer.

    Attributes:
        state: PROCESSING_UPLOAD, PROCESSING_DOWNLOAD, SEND_TO_USER_INBOX, PUBLISH_COMPLETE or FAILED.
        reason: `fail_reason` when FAILED.
        post_ids: the public post's id, once moderation passed (never for private posts).
        uploaded: the bytes TikTok has of a FILE_UPLOAD.
    """

    state: str
    reason: str = ""
    post_ids: tuple[str, ...] = ()
    uploaded: int | None = None

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Status:
        """Read the `data` of a status answer (ServerError if it has no status)."""
        state = data.get("status")
        if not isinstance(state, str) or not state:
            raise ServerError(
                "TikTok answered the status check without a status.", may_have_taken_effect=True
            )
        # "publicaly_available_post_id" (sic): a list of numbers.
        ids = data.get("publicaly_available_post_id")
        post_ids = (
            tuple(str(i) for i in ids if isinstance(i, int | str) and str(i)) if isinstance(ids, list) else ()
        )
        uploaded = data.get("uploaded_bytes")
        return cls(
            state,
            str(data.get("fail_reason") or ""),
            post_ids,
            uploaded if isinstance(uploaded, int) else None,
        )


def post_info(part: PartRequest, creator: CreatorInfo | None, *, photo: bool) -> dict[str, Any]:
    """The post's settings: caption, privacy, interactions (off unless allowed), disclosure.

    A video's caption is its `title`; a photo post's is its `description` (its `title` is a
    separate 90-unit heading Outpost leaves empty).
    """
    level = part.options.get("privacy_level")
    if not isinstance(level, str):
        raise Rejected("No TikTok privacy level was chosen (tiktok.privacy_level); nothing was sent.")
    interactions = interaction_settings(part.options, creator)
    if photo:
        interactions = {"disable_comment": interactions["disable_comment"]}  # photos: no duets, stitches
    return {
        "description" if photo else "title": part.text,
        "privacy_level": level,
        **interactions,
        "brand_content_toggle": part.options.get("brand_content_toggle") is True,
        "brand_organic_toggle": part.options.get("brand_organic_toggle") is True,
    }


def creator(data: dict[str, Any]) -> CreatorInfo:
    """creator_info's answer, or ServerError for a malformed one."""
    try:
        return CreatorInfo.from_data(data)
    except ValueError as exc:
        raise ServerError(
            f"TikTok's creator information lacks {exc} (a malformed answer).", may_have_taken_effect=False
        ) from None


def identifier(data: dict[str, Any], key: str) -> str:
    """An id or address TikTok handed out (printable, no spaces), or ServerError."""
    value = data.get(key)
    if not isinstance(value, str) or not value or not value.isprintable() or " " in value:
        raise ServerError(f"TikTok answered without a usable {key}.", may_have_taken_effect=True)
    return value


def published(handle: str, publish_id: str, status: Status, *, photo: bool) -> PublishedPart:
    """The published post: its public id and address once TikTok gives them (never for private posts)."""
    if not status.post_ids:
        return PublishedPart(platform_post_id=publish_id, extra={"publish_id": publish_id})
    post_id = status.post_ids[0]
    return PublishedPart(
        platform_post_id=post_id,
        permalink=f"{WEB}/@{handle}/{'photo' if photo else 'video'}/{post_id}",
        extra={"publish_id": publish_id},
    )


def in_doubt(exc: PublishError) -> PublishError:
    """An error after TikTok had the whole post: it may still publish it, so it is never sent again."""
    return PublishError(
        f"{exc} TikTok has the whole post and may publish it; Outpost kept its upload id and will not "
        f"send it again.",
        may_have_taken_effect=True,
        code=exc.code,
    )


def hosted(media: UploadedMedia) -> HostedFile:
    """The media host's copy of a photo, as `upload_media` described it."""
    return HostedFile(
        url=media.extra["url"],
        key=media.remote_id,
        expires_at=datetime.fromisoformat(media.extra["expires_at"]),
    )


def json_object(value: object) -> dict[str, Any]:
    """`value` if it is a JSON object, else an empty one (optional parts of an answer)."""
    return value if isinstance(value, dict) else {}


def body(response: httpx.Response) -> dict[str, Any]:
    """The answer's JSON object (empty if it is not one)."""
    try:
        return json_object(response.json())
    except ValueError:
        return {}


__all__ = [
    "WEB",
    "Status",
    "body",
    "creator",
    "hosted",
    "identifier",
    "in_doubt",
    "json_object",
    "post_info",
    "published",
]
