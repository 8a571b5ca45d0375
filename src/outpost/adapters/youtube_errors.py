"""Google's error answers for YouTube, in plain words: what happened and what to do.

Google wraps errors as `{"error": {"code", "message", "errors": [{"reason", "domain",
"message"}], "status"}}`; the `reason` says what happened (videos.insert's "Errors" table,
youtube/v3/docs/errors, and notes §6.5). Newer answers name the reason in `details[].reason`
(`ACCESS_TOKEN_SCOPE_INSUFFICIENT`) instead; both are read.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx

from outpost.adapters.youtube_quota import next_reset
from outpost.domain.enums import ErrorCode
from outpost.domain.errors import AuthExpired, PublishError, RateLimited, Rejected, ServerError


class QuotaExceeded(RateLimited):
    """Google says the project's daily quota is used up (the adapter marks the day as spent)."""


_V, _M = ErrorCode.VALIDATION_ERROR, ErrorCode.MEDIA_REJECTED

#: reason → (what to tell the person, error code). Permanent: retrying unchanged will not help.
PLAIN: dict[str, tuple[str, ErrorCode]] = {
    "invalidTitle": ("youtube.title: YouTube refused the title (at most 100 characters, no < or >)", _V),
    "invalidDescription": ("text: YouTube refused the description (at most 5,000 bytes, no < or >)", _V),
    "invalidTags": (
        "youtube.tags: YouTube refused the tags (500 characters in all, as YouTube counts them)",
        _V,
    ),
    "invalidCategoryId": (
        "youtube.category_id: YouTube has no such category for this channel; 22 (People & Blogs) works "
        "everywhere",
        _V,
    ),
    "invalidPublishAt": (
        "YouTube refused the publishing time: it must be in the future, with the video private until then",
        _V,
    ),
    "invalidVideoMetadata": (
        "YouTube refused the video's details (title, description, tags or category)",
        _V,
    ),
    "invalidFilename": ("YouTube refused the video file's name", _M),
    "mediaBodyRequired": ("YouTube received no video bytes", _M),
    "forbiddenPrivacySetting": (
        "youtube.privacy_status: YouTube does not allow this privacy setting here",
        _V,
    ),
    "videoNotFound": ("YouTube has no such video (was it deleted in YouTube Studio?)", _V),
    "imageFormatUnsupported": ("YouTube cannot use the thumbnail image; attach a JPEG or PNG", _M),
    "mediaBodyTooLarge": ("the thumbnail image is over YouTube's 2 MB", _M),
}

SCOPE_REASONS = frozenset({"insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"})


def google_error(response: httpx.Response) -> tuple[str, str]:
    """(reason, message) of a Google error answer ("" where it does not say)."""
    try:
        body: Any = response.json()
    except ValueError:
        return "", response.text.strip()[:300]
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, str):  # the OAuth endpoints' shape
        return error, str(body.get("error_description") or "")
    if not isinstance(error, dict):
        return "", ""
    message = str(error.get("message") or "")
    for key in ("errors", "details"):
        items = error.get(key)
        if isinstance(items, list):
            for item in items:
                if isinstance(item, dict) and isinstance(item.get("reason"), str):
                    return item["reason"], message
    return "", message


def youtube_error(response: httpx.Response, now: datetime, retry_at: datetime | None) -> PublishError:
    """The domain error for one of YouTube's error answers."""
    status = response.status_code
    reason, said = google_error(response)
    where = f"YouTube answered HTTP {status}" + (f" ({reason})" if reason else "")
    if reason == "quotaExceeded":
        reset = next_reset(now)
        return QuotaExceeded(
            f"{where}: your Google project's daily API quota is used up; it resets at midnight Pacific "
            f"time ({reset:%Y-%m-%d %H:%M} UTC).",
            retry_at=reset,
            retry_after_s=(reset - now).total_seconds(),
        )
    if reason == "youtubeSignupRequired":
        return Rejected(
            f"{where}: this Google account has no YouTube channel. Create one at "
            f"https://www.youtube.com/create_channel, then try again."
        )
    if reason in SCOPE_REASONS:
        return AuthExpired(
            f"{where}: the sign-in lacks a permission Outpost needs ({said}). Reconnect the account and "
            f"leave every YouTube permission ticked on Google's page."
        )
    if status == 401:
        return AuthExpired(f"{where}: {said or 'not authorised'}. Reconnect the account in Outpost.")
    if reason == "uploadLimitExceeded":
        later = now + timedelta(days=1)
        return RateLimited(
            f"{where}: this channel has reached YouTube's limit on uploads for now. YouTube lifts it "
            f"within about a day; Outpost tries again then.",
            retry_at=later,
            retry_after_s=86400.0,
        )
    if reason in ("rateLimitExceeded", "userRateLimitExceeded") or status == 429:
        until = retry_at or now + timedelta(minutes=1)
        return RateLimited(
            f"{where}: too many requests; Outpost waits until {until:%H:%M:%S} UTC.",
            retry_at=until,
            retry_after_s=max(0.0, (until - now).total_seconds()),
        )
    if reason in PLAIN:
        words, code = PLAIN[reason]
        return Rejected(f"{words}. ({where}: {said})" if said else f"{words}. ({where})", code=code)
    if status == 403:
        return Rejected(
            f"{where}: YouTube refused ({said or 'forbidden'}). Check that you signed in as the channel's "
            f"owner or manager and that the YouTube Data API v3 is enabled in your Google project."
        )
    if status == 413:
        return Rejected(f"{where}: the file is too large. {said}".strip(), code=_M)
    if 400 <= status < 500:
        return Rejected(f"{where}: {said or 'the request was refused'}.")
    return ServerError(f"{where}: YouTube failed on its side. {said}".strip(), may_have_taken_effect=True)


__all__ = ["PLAIN", "QuotaExceeded", "google_error", "youtube_error"]
