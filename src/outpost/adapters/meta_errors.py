"""Meta's Graph API errors (Threads, Instagram, Facebook) in Outpost's words.

Every Graph API refusal comes in one envelope (x-bluesky-mastodon-threads.md §4.5, from the
Graph API docs and bridgy/postiz; meta-linkedin-tiktok-youtube.md for Instagram/Facebook):

    {"error": {"message": "…", "type": "OAuthException", "code": 190, "error_subcode": 463,
               "is_transient": false, "error_user_title": "…", "error_user_msg": "…",
               "fbtrace_id": "…"}}

What matters is `code` (and sometimes `error_subcode`), not the HTTP status, which Meta sets
loosely (a 190 may come as 400, 401 or even 500):

- 190 (and 102): the token is invalid, expired or revoked → `AuthExpired` (reconnect);
- 4 (the app's calls), 17 (this account's calls), 32 (a Page's calls), 613 (calls per hour) →
  `RateLimited`, with the wait Meta names in `X-Business-Use-Case-Usage`
  (`estimated_time_to_regain_access`, minutes) or `Retry-After`, else an hour;
- 368 and subcode 2207051: Meta blocked the action as spam or against its rules → `Rejected`;
- 10 and 200–299: a permission the app or the sign-in lacks → `Rejected`, naming it where known;
- 9004 and subcodes 2207xxx: the media (fetching it from the URL, its format) → `Rejected` with
  `media_rejected`;
- `is_transient`, 1 and 2 (unknown error, service unavailable), HTTP 5xx → `ServerError`.

Shared by the Meta adapters; each may look at its own markers first (e.g. Threads'
`THREADS_API__LINK_LIMIT_EXCEEDED`) and hand the rest here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx

from outpost.adapters.http import retry_after
from outpost.domain.enums import ErrorCode, Network
from outpost.domain.errors import AuthExpired, PublishError, RateLimited, Rejected, ServerError

AUTH_CODES = frozenset({102, 190})
RATE_LIMIT_CODES = {
    4: "your Meta app made too many calls",
    17: "this account made too many calls",
    32: "this Page made too many calls",
    613: "too many calls within an hour",
}
BLOCKED_CODE = 368
RESTRICTED_SUBCODE = 2207051
MEDIA_CODE = 9004
DEFAULT_RATE_LIMIT_WAIT = timedelta(hours=1)
_SIGN_IN_SUBCODES = {
    458: "the app was removed from the account's settings",
    459: "the account must be confirmed on the network first",
    460: "the password was changed",
    463: "the sign-in expired",
    464: "the account is not confirmed",
    467: "the token is no longer valid",
}


@dataclass(frozen=True)
class GraphError:
    """One Graph API error answer, read defensively (any field may be missing).

    Attributes:
        status: the HTTP status.
        code / subcode: Meta's `code` and `error_subcode` (None when absent).
        said: the most useful human text: `error_user_msg`, else `message`.
        body: the raw answer, to look for markers a network puts elsewhere.
    """

    status: int
    code: int | None
    subcode: int | None
    message: str
    user_title: str
    user_msg: str
    is_transient: bool
    body: str

    @classmethod
    def parse(cls, response: httpx.Response) -> GraphError:
        """Read the envelope; an answer that is not one keeps only its status and text."""
        try:
            payload = response.json()
        except ValueError:
            payload = None
        error = payload.get("error") if isinstance(payload, dict) else None
        if not isinstance(error, dict):
            error = {}

        def number(key: str) -> int | None:
            value = error.get(key)
            return value if isinstance(value, int) and not isinstance(value, bool) else None

        def text(key: str) -> str:
            value = error.get(key)
            return value.strip() if isinstance(value, str) else ""

        return cls(
            status=response.status_code,
            code=number("code"),
            subcode=number("error_subcode"),
            message=text("message") or (response.text.strip()[:300] if not error else ""),
            user_title=text("error_user_title"),
            user_msg=text("error_user_msg"),
            is_transient=error.get("is_transient") is True,
            body=response.text,
        )

    @property
    def said(self) -> str:
        """What Meta said, for people: its message for users if it gave one."""
        parts = [p for p in (self.user_title, self.user_msg or self.message) if p]
        return " ".join(p if p.endswith((".", "!", "?")) else f"{p}." for p in parts) or (
            f"HTTP {self.status}."
        )

    @property
    def codes(self) -> str:
        """`code 190/463`, for the end of a message (support looks these up)."""
        if self.code is None:
            return f"HTTP {self.status}"
        return f"code {self.code}" + (f"/{self.subcode}" if self.subcode else "")

    @property
    def is_media_problem(self) -> bool:
        """About the attached media (fetching it, its format)."""
        subcode = self.subcode or 0
        return self.code == MEDIA_CODE or (2207000 <= subcode <= 2207999 and subcode != RESTRICTED_SUBCODE)


def graph_error(response: httpx.Response, *, network: Network, now: datetime) -> PublishError:
    """The domain error for a Graph API refusal from `network`, told so the creator can act."""
    error = GraphError.parse(response)
    label, said, codes = network.label, error.said, error.codes
    if error.code in AUTH_CODES or (error.code is None and error.status == 401):
        why = _SIGN_IN_SUBCODES.get(error.subcode or 0, "the sign-in is no longer valid")
        return AuthExpired(f"{label}: {why} ({said} {codes}). Reconnect the account in Outpost.")
    if error.code in RATE_LIMIT_CODES or error.status == 429:
        retry_at = rate_limit_reset(response, now) or now + DEFAULT_RATE_LIMIT_WAIT
        why = RATE_LIMIT_CODES.get(error.code or 0, "too many requests")
        return RateLimited(
            f"{label} is limiting requests: {why} ({codes}). Outpost waits until {retry_at:%H:%M} UTC "
            f"before trying again.",
            retry_at=retry_at,
            retry_after_s=max(0.0, (retry_at - now).total_seconds()),
        )
    if error.code == BLOCKED_CODE or error.subcode == RESTRICTED_SUBCODE:
        return Rejected(
            f"{label} blocked this action to protect its community ({said} {codes}). It may look like "
            f"spam or go against {label}'s rules: wait a while, change the post, and check the "
            f"account's notifications in the {label} app."
        )
    if error.code == 10 or 200 <= (error.code or 0) <= 299:
        return Rejected(
            f"{label} refused: the app or the sign-in lacks a permission this needs ({said} {codes}). "
            f"Check the permissions of your Meta app, then reconnect the account and allow them all."
        )
    if error.is_media_problem:
        return Rejected(
            f"{label} could not use the attached media: {said} ({codes})", code=ErrorCode.MEDIA_REJECTED
        )
    if error.is_transient or error.code in (1, 2) or error.status >= 500:
        return ServerError(
            f"{label} failed on its side ({said} {codes}); Outpost will try again.",
            may_have_taken_effect=True,
        )
    return Rejected(f"{label} refused the request: {said} ({codes})")


def rate_limit_reset(response: httpx.Response, now: datetime) -> datetime | None:
    """When Meta says calls may resume: `Retry-After`, else the longest wait it estimates."""
    found = retry_after(response, now)
    if found is not None:
        return found
    minutes = 0
    for header in ("x-business-use-case-usage", "x-app-usage", "x-ad-account-usage"):
        raw = response.headers.get(header)
        if raw:
            minutes = max(minutes, _estimated_minutes(raw))
    return now + timedelta(minutes=minutes) if minutes else None


def _estimated_minutes(raw: str) -> int:
    """The largest `estimated_time_to_regain_access` (minutes) anywhere in a usage header."""
    try:
        value = json.loads(raw)
    except ValueError:
        return 0
    found = 0
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            wait = item.get("estimated_time_to_regain_access")
            if isinstance(wait, int) and not isinstance(wait, bool):
                found = max(found, wait)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


__all__ = ["GraphError", "graph_error", "rate_limit_reset"]
