"""TikTok's error answers in Outpost's words: what happened and what the creator can do.

Every v2 answer carries `{"error": {"code": "ok" | "<code>", "message": …, "log_id": …}}`
(developers.tiktok.com/doc/tiktok-api-v2-error-handling); the code decides, not the HTTP status.
A failed post's status carries a `fail_reason` instead (…/content-posting-api-reference-get-video-
status). The table of codes and their meaning: ../shared/platforms/meta-linkedin-tiktok-youtube.md
§5.10, from the Direct Post reference and Postiz's tiktok.provider.ts.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from outpost.domain.enums import ErrorCode
from outpost.domain.errors import AuthExpired, PublishError, RateLimited, Rejected, ServerError

#: Per-token limits are per minute (6 inits, 20 creator_info queries, 30 status fetches).
MINUTE = timedelta(minutes=1)
#: The posting caps count over 24 hours ("a 24-hour window", content sharing guidelines).
DAY = timedelta(hours=24)


class TokenInvalid(AuthExpired):
    """`access_token_invalid`: the one TikTok error a refreshed token may cure."""


class UnauditedApp(Rejected):
    """`unaudited_client_can_only_post_to_private_accounts`: remembered per account."""


class OptionMismatch(Rejected):
    """`privacy_level_option_mismatch`: what TikTok offers changed since it was last asked."""


UNAUDITED_ADVICE = (
    "TikTok has not audited your developer app yet, so it takes only private posts (SELF_ONLY) from "
    "TikTok accounts set to private. Choose tiktok.privacy_level=SELF_ONLY and set {who} to private "
    "in the TikTok app, or have TikTok audit the app (TikTok for Developers → your app → Content "
    "Posting API). Outpost remembers this for {who} and says so before sending anything."
)


def _auth(who: str, said: str) -> PublishError:
    return TokenInvalid(
        f"TikTok no longer accepts Outpost's sign-in for {who} ({said}). Reconnect the account."
    )


def _scope(who: str, said: str) -> PublishError:
    return AuthExpired(
        f"{who} has not allowed Outpost everything it needs ({said}). Reconnect the account and "
        "allow every permission (user.info.basic, video.publish); if TikTok does not ask for "
        "video.publish, add the Content Posting API with Direct Post to your TikTok app first."
    )


def _rate(who: str, said: str, now: datetime) -> PublishError:
    return RateLimited(
        f"TikTok asks Outpost to slow down for {who} ({said}); its limits are per minute, so "
        "Outpost waits a minute and tries again.",
        retry_at=now + MINUTE,
        retry_after_s=MINUTE.total_seconds(),
    )


def _daily(message: str, now: datetime) -> PublishError:
    return RateLimited(message, retry_at=now + DAY, retry_after_s=DAY.total_seconds())


_Maker = Callable[[str, str, datetime], PublishError]

_API: dict[str, _Maker] = {
    "access_token_invalid": lambda who, said, now: _auth(who, said),
    "scope_not_authorized": lambda who, said, now: _scope(who, said),
    "scope_permission_missed": lambda who, said, now: _scope(who, said),
    "rate_limit_exceeded": _rate,
    "spam_risk_too_many_posts": lambda who, said, now: _daily(
        f"TikTok's daily limit of posts made through apps is reached for {who} (usually about 15 in "
        "24 hours); nothing was sent. Try again tomorrow.",
        now,
    ),
    "reached_active_user_cap": lambda who, said, now: _daily(
        "Your TikTok app reached its daily limit of creators posting through it (5 in 24 hours "
        "until TikTok audits the app); nothing was sent. Try again tomorrow.",
        now,
    ),
    "spam_risk_too_many_pending_share": lambda who, said, now: _daily(
        f"{who} has too many unfinished shares waiting in the TikTok inbox; finish or delete them "
        "in the TikTok app, then try again.",
        now,
    ),
    "spam_risk_user_banned_from_posting": lambda who, said, now: Rejected(
        f"TikTok has blocked {who} from posting. Open the TikTok app to see why (and appeal "
        "there); Outpost cannot post for the account until TikTok lifts it."
    ),
    "spam_risk_text": lambda who, said, now: Rejected(
        "TikTok flagged the caption as spam. Rewrite it (fewer links, hashtags or repeated words) "
        "and post again."
    ),
    "spam_risk": lambda who, said, now: Rejected(
        "TikTok refused the post as a spam risk. Change it, or wait a while, before posting again."
    ),
    "unaudited_client_can_only_post_to_private_accounts": lambda who, said, now: UnauditedApp(
        UNAUDITED_ADVICE.format(who=who)
    ),
    "privacy_level_option_mismatch": lambda who, said, now: OptionMismatch(
        f"TikTok does not offer that privacy level to {who} any more (it changes when the account "
        "turns private or public). Edit the post and choose one of the levels TikTok offers now."
    ),
    "url_ownership_unverified": lambda who, said, now: Rejected(
        "TikTok fetches photos only from a domain verified with TikTok, and your media host's is "
        "not. In TikTok for Developers → your app → URL properties, verify the media host's "
        "domain (or URL prefix), then retry.",
        code=ErrorCode.MEDIA_REJECTED,
    ),
    "app_version_check_failed": lambda who, said, now: Rejected(
        f"TikTok asks {who} to update the TikTok app before posting this way; update it, then retry."
    ),
}

#: `fail_reason` of a post whose status is FAILED → the sentence, and whether it is about the file.
_FAILED: dict[str, tuple[str, bool]] = {
    "file_format_check_failed": (
        "TikTok could not read the file's format; export it as MP4 (H.264) and post again.",
        True,
    ),
    "duration_check_failed": (
        "the video is longer (or shorter) than TikTok lets {who} post; trim it and post again.",
        True,
    ),
    "frame_rate_check_failed": (
        "TikTok takes 23 to 60 frames per second; export the video at 30 fps and post again.",
        True,
    ),
    "picture_size_check_failed": (
        "TikTok needs each side between 360 and 4096 pixels (photos at most 1080p); resize it "
        "and post again.",
        True,
    ),
    "video_pull_failed": (
        "TikTok could not download the video from the address it was given (expired or not public).",
        True,
    ),
    "photo_pull_failed": (
        "TikTok could not download the photos from your media host (the links expired or are not "
        "public); post again.",
        True,
    ),
    "publish_cancelled": ("the post was cancelled on TikTok before it went out.", False),
    "spam_risk_too_many_posts": (
        "TikTok's daily limit of posts made through apps is reached for {who}; try again tomorrow.",
        False,
    ),
    "spam_risk_user_banned_from_posting": (
        "TikTok has blocked {who} from posting; open the TikTok app to see why.",
        False,
    ),
    "spam_risk_text": ("TikTok flagged the caption as spam; rewrite it and post again.", False),
    "spam_risk": ("TikTok refused the post as a spam risk; change it before posting again.", False),
}


def api_error(status: int, code: str, message: str, log_id: str, *, who: str, now: datetime) -> PublishError:
    """The domain error for a TikTok API answer whose `error.code` is not "ok".

    `who` names the account ("@alice"); `now` (the adapter's clock) dates a rate limit's end.
    TikTok asks for the `log_id` when someone contacts its support: errors it may need to look
    at (its own failures, refused parameters, codes Outpost does not know) carry it.
    """
    said = message or code or f"HTTP {status}"
    make = _API.get(code)
    if make is not None:
        return make(who, said, now)
    reference = f" (TikTok log id {log_id})" if log_id else ""
    if code in ("internal_error", "internal") or status >= 500:
        return ServerError(
            f"TikTok failed on its side: {said}{reference}. Outpost will try again.",
            may_have_taken_effect=True,
        )
    if status == 401:
        return _auth(who, said)
    if status == 429:
        return _rate(who, said, now)
    media = code in ("invalid_file_upload", "file_format_check_failed", "duration_check_failed") or (
        code.endswith("_check_failed")
    )
    return Rejected(
        f"TikTok refused the request: {said} [{code or status}]{reference}.",
        code=ErrorCode.MEDIA_REJECTED if media else ErrorCode.VALIDATION_ERROR,
    )


def failed_error(reason: str, *, who: str) -> PublishError:
    """The domain error for a post whose status came back FAILED with `fail_reason`.

    TikTok said it did not publish, so `may_have_taken_effect` stays False: sending again
    cannot make a second post. Its own failures (`internal`) are worth one more try.
    """
    if reason in ("internal", "internal_error"):
        return ServerError("TikTok failed while publishing the post (internal); Outpost will try again.")
    if reason == "auth_removed":
        return AuthExpired(
            f"{who} removed Outpost's access on TikTok before the post went out; reconnect it."
        )
    sentence, media = _FAILED.get(
        reason, (f"TikTok could not publish the post ({reason or 'no reason given'}).", False)
    )
    return Rejected(
        f"TikTok did not publish it: {sentence.format(who=who)}",
        code=ErrorCode.MEDIA_REJECTED if media else ErrorCode.VALIDATION_ERROR,
    )


def upload_error(status: int, said: str, *, last: bool) -> PublishError:
    """A refused chunk PUT (media transfer guide: 206 for a chunk, 201 once the file is whole).

    None of these can have published anything: TikTok publishes only a whole file. A gap in the
    upload or an expired upload address starts the upload over (a new init); a refused file is
    the file's problem.
    """
    detail = f" ({said})" if said else ""
    if status in (403, 404, 410):
        return ServerError(
            f"TikTok's upload address expired or is unknown (HTTP {status}{detail}; it lasts an "
            "hour); Outpost will start the upload again.",
            may_have_taken_effect=False,
        )
    if status == 416:
        return ServerError(
            f"TikTok expected another piece of the file (HTTP 416{detail}); Outpost will start the "
            "upload again.",
            may_have_taken_effect=False,
        )
    if status == 413 or 400 <= status < 500:
        return Rejected(
            f"TikTok refused a piece of the file (HTTP {status}{detail}).", code=ErrorCode.MEDIA_REJECTED
        )
    where = "the last piece of the file" if last else "a piece of the file"
    return ServerError(
        f"TikTok failed while receiving {where} (HTTP {status}{detail}); Outpost will try again.",
        may_have_taken_effect=False,
    )


__all__ = [
    "DAY",
    "MINUTE",
    "UNAUDITED_ADVICE",
    "OptionMismatch",
    "TokenInvalid",
    "UnauditedApp",
    "api_error",
    "failed_error",
    "upload_error",
]
