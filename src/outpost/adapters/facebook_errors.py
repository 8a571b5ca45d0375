"""Graph API errors and usage headers in Outpost's words (Facebook Pages; the same codes serve Instagram).

Sources: `../shared/platforms/meta-linkedin-tiktok-youtube.md` §3.6, from Meta's "Handle Errors"
guide (developers.facebook.com/docs/graph-api/guides/error-handling) and "Rate Limiting"
(developers.facebook.com/docs/graph-api/overview/rate-limiting), with the codes Mixpost and
Postiz treat as rate limits. Every error answer has one shape:

    {"error": {"message": "...", "type": "OAuthException", "code": 190, "error_subcode": 463,
               "error_user_title": "...", "error_user_msg": "...", "is_transient": false,
               "fbtrace_id": "..."}}

What matters for a creator is what to do next: reconnect (190 and its subcodes), wait (4, 17, 32,
613, 80001… with the usage headers saying how long), fix the Page's permissions (10, 200–299),
change the post (100, 506), or wait out a block (368). The mapper is pure: the adapter decides
whether a request may have taken effect (a Graph error answer means it did not).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import httpx

from outpost.domain.enums import ErrorCode
from outpost.domain.errors import AuthExpired, PublishError, RateLimited, Rejected, ServerError

#: Throttling codes: 4 app, 17 user, 32 Page (Platform), 613 "calls within one hour", 341 app limit,
#: 80000–80014 Business Use Case limits (80001 is the Pages one), 1390008 "posting too fast".
RATE_LIMIT_CODES = frozenset({4, 17, 32, 341, 613, 1390008, *range(80000, 80015)})
#: Subcodes of an OAuthException that mean the person must sign in again (Handle Errors guide).
REAUTH_SUBCODES = {
    458: "the app is no longer installed for this account",
    459: "Facebook checkpointed the account: log in at facebook.com and follow the steps there first",
    460: "the Facebook password was changed",
    463: "the sign-in has expired",
    464: "the Facebook account is not confirmed",
    467: "the sign-in is no longer valid",
    490: "the sign-in needs to be confirmed on facebook.com",
}
#: What the usage headers measure: percentages of a budget (App, Page, Business Use Case).
USAGE_HEADERS = ("x-app-usage", "x-page-usage", "x-business-use-case-usage")


@dataclass(frozen=True)
class GraphError:
    """The fields of a Graph API error answer that decide what it means."""

    code: int | None
    subcode: int | None
    message: str
    user_message: str
    kind: str
    transient: bool

    @classmethod
    def of(cls, response: httpx.Response) -> GraphError:
        """The error in `response` (an empty one when the body is not Graph's error shape)."""
        body = _json(response)
        error = body.get("error") if isinstance(body.get("error"), dict) else {}
        assert isinstance(error, dict)
        user = " ".join(
            str(error[key])
            for key in ("error_user_title", "error_user_msg")
            if isinstance(error.get(key), str)
        )
        return cls(
            code=_int(error.get("code")),
            subcode=_int(error.get("error_subcode")),
            message=str(error.get("message") or response.text[:200] or f"HTTP {response.status_code}"),
            user_message=user,
            kind=str(error.get("type") or ""),
            transient=error.get("is_transient") is True,
        )

    @property
    def said(self) -> str:
        """Facebook's own words: the message meant for people where it gave one, else the technical one."""
        return f"{self.message} ({self.user_message})" if self.user_message else self.message


def graph_error(response: httpx.Response, *, now: datetime, label: str = "Facebook") -> PublishError:
    """The Outpost error for a Graph API error answer, with a sentence the creator can act on."""
    error = GraphError.of(response)
    code, said = error.code, error.said
    where = f"{label} refused the request"
    if code == 190 or code == 102 or (error.subcode in REAUTH_SUBCODES and error.kind == "OAuthException"):
        why = REAUTH_SUBCODES.get(error.subcode or 0, "the sign-in is no longer valid")
        return AuthExpired(f"{label}: {why} ({said}). Reconnect the account in Outpost.")
    app_words = ("client secret", "application", "app id")
    if (
        code in (1, 101)
        and error.kind == "OAuthException"
        and any(w in error.message.lower() for w in app_words)
    ):
        return Rejected(
            f"{where}: the Facebook app's id or secret is not right ({said}). Check App settings → Basic "
            f"on developers.facebook.com and set them again with `outpost apps set facebook`."
        )
    if code in RATE_LIMIT_CODES:
        return rate_limited(response, now=now, label=label, said=said)
    if code == 368:
        return Rejected(
            f"{where}: Facebook has temporarily blocked this Page from posting for going against its "
            f"policies ({said}). Wait until the block ends (the Page's Support Inbox on facebook.com says "
            f"when), then retry; retrying sooner extends it."
        )
    if code == 10 or (code is not None and 200 <= code <= 299):
        return Rejected(
            f"{where}: the sign-in lacks a permission or Page role it needs ({said}). Reconnect and allow "
            f"pages_manage_posts, pages_read_engagement and pages_show_list, with a Page role that can "
            f"create content."
        )
    if code == 506:
        return Rejected(
            f"{where}: the Page already has a post with this text ({said}); change the text to post "
            f"it again.",
            code=ErrorCode.DUPLICATE,
        )
    if code == 1609005 or error.subcode == 1609005:
        return Rejected(
            f"{where}: Facebook could not attach the link ({said}); check that the address opens."
        )
    if code in (324, 352, 6000, 6001) or error.subcode in (1366046, 1366051, 1363030, 1363037):
        return Rejected(f"{where}: the media file was not accepted ({said}).", code=ErrorCode.MEDIA_REJECTED)
    if code in (1, 2) or error.transient or response.status_code >= 500:
        return ServerError(
            f"{label} failed on its side ({said}); Outpost will try again.", may_have_taken_effect=True
        )
    return Rejected(f"{where}: {said}.")


def rate_limited(response: httpx.Response, *, now: datetime, label: str, said: str) -> RateLimited:
    """A throttling answer, with when to try again where the usage headers say so.

    `X-Business-Use-Case-Usage` gives `estimated_time_to_regain_access` in minutes (Pages calls
    made with a Page token count against the Page's Business Use Case budget); the App and Page
    usage headers give only percentages, so the engine backs off by itself then.
    """
    usage = Usage.of(response)
    wait = usage.regain_after
    retry_at = now + wait if wait is not None else None
    when = f" until {retry_at:%H:%M} UTC" if retry_at else ""
    budget = f" ({usage.describe()})" if usage.highest else ""
    return RateLimited(
        f"{label} asks Outpost to slow down{when}: too many requests for this Page or app{budget}. {said}",
        retry_at=retry_at,
        retry_after_s=None if wait is None else wait.total_seconds(),
    )


@dataclass(frozen=True)
class Usage:
    """How much of its call budgets the app has used, as Facebook reports in every answer's headers.

    Attributes:
        percents: the highest percentage each header reports (`call_count`, `total_time`,
            `total_cputime`), by header name.
        regain_after: the longest `estimated_time_to_regain_access` of the Business Use Case header.
    """

    percents: dict[str, int]
    regain_after: timedelta | None = None

    @classmethod
    def of(cls, response: httpx.Response) -> Usage:
        """The usage `response` reports (headers that are missing or malformed count as nothing)."""
        percents: dict[str, int] = {}
        regain = 0
        for header in USAGE_HEADERS:
            value = _header_json(response, header)
            entries: list[dict[str, Any]] = []
            if isinstance(value, dict) and header == "x-business-use-case-usage":
                entries = [e for items in value.values() if isinstance(items, list) for e in items]
            elif isinstance(value, dict):
                entries = [value]
            numbers = [
                number
                for entry in entries
                if isinstance(entry, dict)
                for key in ("call_count", "total_time", "total_cputime")
                if (number := _int(entry.get(key))) is not None
            ]
            regain = max(
                [
                    regain,
                    *(
                        _int(e.get("estimated_time_to_regain_access")) or 0
                        for e in entries
                        if isinstance(e, dict)
                    ),
                ]
            )
            if numbers:
                percents[header] = max(numbers)
        return cls(percents, timedelta(minutes=regain) if regain > 0 else None)

    @property
    def highest(self) -> int:
        """The fullest budget, in percent (0 when no header said)."""
        return max(self.percents.values(), default=0)

    def describe(self) -> str:
        """E.g. "the Page's budget is 100 % used"."""
        names = {
            "x-app-usage": "the app's",
            "x-page-usage": "the Page's",
            "x-business-use-case-usage": "the Page's",
        }
        header = max(self.percents, key=lambda h: self.percents[h])
        return f"{names[header]} hourly budget is {self.percents[header]} % used"


def _header_json(response: httpx.Response, name: str) -> Any:
    raw = response.headers.get(name)
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _int(value: object) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


__all__ = ["RATE_LIMIT_CODES", "GraphError", "Usage", "graph_error", "rate_limited"]
