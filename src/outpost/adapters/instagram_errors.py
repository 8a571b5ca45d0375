"""Meta Graph API errors (Instagram) in Outpost's words: which error, and what the creator can do.

Every Graph error has the same body (developers.facebook.com/docs/graph-api/guides/error-handling):
`{"error": {"message", "type", "code", "error_subcode", "error_user_title", "error_user_msg",
"is_transient", "fbtrace_id"}}`. Instagram's own publishing failures come as subcodes 2207xxx
(developers.facebook.com/documentation/instagram-platform/instagram-graph-api/reference/error-codes,
updated 2026-06-02); a container that failed says the same subcode in its `status` field
("Error: Media upload has failed with error code 2207026"). Notes with sources:
../shared/platforms/meta-linkedin-tiktok-youtube.md §2.6 and §3.6.

Kept apart from the adapter so Threads and Facebook, which speak the same Graph dialect, can share
it once the three are folded together (only the sentences name Instagram).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from outpost.adapters.http import retry_after
from outpost.domain.enums import ErrorCode
from outpost.domain.errors import AuthExpired, PublishError, RateLimited, Rejected, ServerError

#: The permissions Outpost's Instagram sign-in asks for and cannot publish without.
BASIC = "instagram_business_basic"
CONTENT_PUBLISH = "instagram_business_content_publish"
MANAGE_COMMENTS = "instagram_business_manage_comments"
#: Media insights (views, reach, saved, shares…): instagram-platform/insights, "Requirements".
MANAGE_INSIGHTS = "instagram_business_manage_insights"

#: Throttling codes: application (4), user (17), custom (32), rate limit (613), BUC (80000–80014).
_THROTTLED = frozenset({4, 17, 32, 341, 613, *range(80000, 80015)})
#: Subcodes of code 190 (and friends) that mean the person must sign in again.
_SIGN_IN_AGAIN = {
    458: "Outpost's app was removed from the account",
    459: "Meta needs you to log in on instagram.com first (a security checkpoint)",
    460: "the password was changed",
    463: "the sign-in expired",
    464: "the account is not confirmed",
    467: "the sign-in is no longer valid",
    492: "the account lost its role for this app",
}
_SUBCODE_IN_TEXT = re.compile(r"\b(2207\d{3})\b")

#: Instagram's media subcodes, what they mean, and whether the file (not the post) is at fault.
_MEDIA_PROBLEMS: dict[int, str] = {
    2207003: "it took Instagram too long to download the file from your media host",
    2207004: "the image is larger than Instagram takes (8 MB at most)",
    2207005: "Instagram does not take this image format (it takes JPEG only)",
    2207009: "the image's aspect ratio is outside what Instagram takes (4:5 to 1.91:1 for feed posts)",
    2207023: "Instagram does not know this kind of media",
    2207026: "Instagram does not take this video (MP4 or MOV, H.264 or HEVC, AAC audio, 23–60 frames/s)",
    2207052: "Instagram could not fetch the file from your media host",
    2207076: "the video's frame rate or duration is outside what Instagram takes",
    2207077: "Instagram could not download the video from your media host",
    36000: "the image is larger than Instagram takes (8 MB at most)",
    36001: "the image's resolution is outside what Instagram takes",
    36003: "the image's aspect ratio is outside what Instagram takes",
    36004: "Instagram could not read the image",
}
_POST_PROBLEMS: dict[int, str] = {
    2207010: "the caption is too long (2,200 characters, 30 hashtags and 20 @mentions at most)",
    2207028: "Instagram refused the carousel (2 to 10 images or videos, no Reels)",
    2207057: "the Reel's cover time (thumb offset) is not inside the video; pick a time within it",
    2207081: "the account cannot post trial Reels",
}
#: Containers that are gone or not usable any more: making them again is safe (nothing posted).
_REMAKE = {
    2207006: "Instagram lost the prepared media",
    2207008: "Instagram no longer has the prepared media",
    2207020: "the prepared media expired (Instagram keeps it 24 hours)",
    2207027: "Instagram has not finished preparing the media",
    2207001: "Instagram failed on its side",
    2207032: "Instagram could not prepare the media",
    2207053: "the upload failed on Instagram's side",
    2207082: "Instagram could not upload the media",
}


@dataclass(frozen=True)
class GraphError:
    """The parts of a Graph error body Outpost reads (all optional: answers can be anything)."""

    status: int
    code: int | None = None
    subcode: int | None = None
    type: str = ""
    message: str = ""
    user_message: str = ""
    transient: bool = False

    @property
    def said(self) -> str:
        """Meta's own words, the person-facing ones first."""
        return (self.user_message or self.message).strip().rstrip(".")


def parse(response: httpx.Response) -> GraphError:
    """The Graph error in `response` (Graph's `error` object, or api.instagram.com's flat one)."""
    try:
        body: Any = response.json()
    except (ValueError, json.JSONDecodeError):
        return GraphError(response.status_code, message=response.text.strip()[:200])
    if not isinstance(body, dict):
        return GraphError(response.status_code)
    error = body.get("error")
    if isinstance(error, dict):
        return GraphError(
            response.status_code,
            code=_int(error.get("code")),
            subcode=_int(error.get("error_subcode")),
            type=str(error.get("type") or ""),
            message=str(error.get("message") or ""),
            user_message=str(error.get("error_user_msg") or ""),
            transient=error.get("is_transient") is True,
        )
    # api.instagram.com (the code exchange) answers flat:
    # {"error_type": "OAuthException", "code": 400, "error_message": "…"}
    return GraphError(
        response.status_code,
        code=_int(body.get("code")),
        type=str(body.get("error_type") or ""),
        message=str(body.get("error_message") or body.get("error_description") or body.get("error") or ""),
    )


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.lstrip("-").isdigit():
        return int(value)
    return None


class MissingPermission(Rejected):
    """The sign-in lacks a permission (Graph codes 10 and 200–299): reconnect and allow it.

    Attributes:
        permission: the permission's name, as Meta names it.
    """

    code = ErrorCode.AUTH_EXPIRED

    def __init__(self, message: str, permission: str) -> None:
        super().__init__(message)
        self.permission = permission


def error_for(response: httpx.Response, *, now: datetime, needs: str = CONTENT_PUBLISH) -> PublishError:
    """The domain error for a Graph error answer; `needs` is the permission the call requires."""
    error = parse(response)
    said = f" (Instagram: {error.said})" if error.said else ""
    code, subcode = error.code, error.subcode
    if code == 190 or subcode in _SIGN_IN_AGAIN or (code == 102 and subcode is None):
        why = _SIGN_IN_AGAIN.get(subcode or 0, "the sign-in is no longer valid")
        return AuthExpired(f"Instagram refused the sign-in: {why}{said}. Reconnect the account in Outpost.")
    if code == 10 or (code is not None and 200 <= code <= 299):
        return MissingPermission(
            f"Instagram says the sign-in lacks the {needs} permission{said}. Reconnect the account "
            f"and allow it (your Meta app must also have it, through App Review for accounts without "
            f"a role on the app).",
            needs,
        )
    if subcode == 2207042 or code == 9:
        retry_at = now + timedelta(hours=24)
        return RateLimited(
            f"Instagram's limit of posts in 24 hours is used up for this account{said}. Nothing was "
            f"posted; try again after {retry_at:%Y-%m-%d %H:%M} UTC.",
            retry_at=retry_at,
            retry_after_s=24 * 3600,
        )
    if subcode in (2207050, 2207051) or code == 368:
        return Rejected(
            f"Instagram is blocking this account from posting for now (a restriction on the account)"
            f"{said}. Open the Instagram app to see why; wait, then try again."
        )
    if code in _THROTTLED or response.status_code == 429:
        return _throttled(response, now, said)
    if code is None and subcode is None and response.status_code >= 500:
        return ServerError(
            f"Instagram failed on its side (HTTP {response.status_code}){said}; Outpost will try again.",
            may_have_taken_effect=True,
        )
    return subcode_error(subcode or code, error.said, status=response.status_code, transient=error.transient)


def subcode_error(
    subcode: int | None, said: str = "", *, status: int = 400, transient: bool = False
) -> PublishError:
    """The error for an Instagram subcode (from an answer, or a container's ERROR status)."""
    detail = f" (Instagram: {said})" if said else ""
    if subcode in _MEDIA_PROBLEMS:
        fix = (
            "; check that the media host is reachable from the internet and try again"
            if subcode in (2207003, 2207052, 2207077)
            else "; fix the file (Outpost converts and crops pictures, but not videos) and try again"
        )
        return Rejected(f"{_sentence(_MEDIA_PROBLEMS[subcode])}{detail}{fix}.", code=ErrorCode.MEDIA_REJECTED)
    if subcode in _POST_PROBLEMS:
        return Rejected(f"Instagram refused the post: {_POST_PROBLEMS[subcode]}{detail}.")
    if subcode in _REMAKE or transient:
        why = _REMAKE.get(subcode or 0, "Instagram had a passing problem")
        return ServerError(
            f"{_sentence(why)}{detail}; Outpost will prepare it again.", may_have_taken_effect=False
        )
    if status >= 500:
        return ServerError(
            f"Instagram failed on its side{detail}; Outpost will try again.", may_have_taken_effect=True
        )
    return Rejected(f"Instagram refused the request{detail or f' (HTTP {status})'}.")


def container_error(status_text: str) -> PublishError:
    """A container that ended in ERROR, from its `status` ("Error: … error code 2207026")."""
    found = _SUBCODE_IN_TEXT.search(status_text or "")
    said = (status_text or "").removeprefix("Error:").strip().rstrip(".")
    if found is None:
        return Rejected(
            f"Instagram could not prepare the media ({said or 'no reason given'}); check the file and "
            f"your media host, then try again.",
            code=ErrorCode.MEDIA_REJECTED,
        )
    return subcode_error(int(found.group(1)), said)


def _sentence(text: str) -> str:
    """`text` with a capital first letter (str.capitalize would lower "JPEG" and "MP4")."""
    return text[:1].upper() + text[1:]


def _throttled(response: httpx.Response, now: datetime, said: str) -> RateLimited:
    """Throttled: wait as long as Meta's usage headers say (BUC minutes), else an hour (Mixpost)."""
    retry_at = retry_after(response, now) or _usage_reset(response, now) or now + timedelta(hours=1)
    wait = max(0.0, (retry_at - now).total_seconds())
    return RateLimited(
        f"Instagram asks Outpost to slow down{said}; nothing was posted. Outpost tries again after "
        f"{retry_at:%H:%M} UTC.",
        retry_at=retry_at,
        retry_after_s=wait,
    )


def _usage_reset(response: httpx.Response, now: datetime) -> datetime | None:
    """`estimated_time_to_regain_access` (minutes) of `X-Business-Use-Case-Usage`, if given."""
    header = response.headers.get("x-business-use-case-usage")
    if not header:
        return None
    try:
        usage = json.loads(header)
    except ValueError:
        return None
    minutes = [
        entry.get("estimated_time_to_regain_access")
        for entries in (usage.values() if isinstance(usage, dict) else [])
        if isinstance(entries, list)
        for entry in entries
        if isinstance(entry, dict)
    ]
    waits = [m for m in minutes if isinstance(m, int | float) and m > 0]
    return now + timedelta(minutes=max(waits)) if waits else None


__all__ = [
    "BASIC",
    "CONTENT_PUBLISH",
    "MANAGE_COMMENTS",
    "MANAGE_INSIGHTS",
    "GraphError",
    "MissingPermission",
    "container_error",
    "error_for",
    "parse",
    "subcode_error",
]
