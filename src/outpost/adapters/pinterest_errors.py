"""Pinterest's error answers in Outpost's words: what happened, and what the creator can do.

Pinterest answers errors as `{"code": int, "message": str}` (the `Error` schema of its OpenAPI
description, pinterest/api-description v5 5.23.0, whose examples give the codes below). The upload
of a video goes to Amazon S3 instead, which answers in XML.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from outpost.adapters.http import retry_after, server_message
from outpost.domain.enums import ErrorCode
from outpost.domain.errors import AuthExpired, PublishError, RateLimited, Rejected, ServerError

#: What Outpost's requests need (`security` of pins/create, media/create, media/get, boards/list,
#: board_sections/list, boards/list_pins and user_account/get in the OpenAPI description).
REQUIRED_SCOPES = frozenset({"boards:read", "boards:write", "pins:read", "pins:write", "user_accounts:read"})

AUTHENTICATION_FAILED = 2
MISSING_SCOPES = 3
NOT_YOUR_BOARD = 7
RATE_LIMITED = (8, 30)
NOT_PERMITTED = 29
BOARD_NOT_FOUND = 40
SECTION_NOT_FOUND = 2031
TARGETS = "run `outpost accounts targets ACCOUNT` to see the boards you can pin to"
_EPOCH_SECONDS = 1_000_000_000  # larger reset values are a time, not a number of seconds


def reset_time(response: httpx.Response, now: datetime) -> datetime | None:
    """When a rate limit ends: `Retry-After`, else `x-ratelimit-reset`.

    The reset header carries seconds until the window ends (a leading number; `100;w=60`
    forms keep only it); a value that large is a Unix time instead.
    """
    standard = retry_after(response, now)
    if standard is not None:
        return standard
    found = re.match(r"\s*(\d+)", response.headers.get("x-ratelimit-reset", ""))
    if found is None:
        return None
    value = int(found.group(1))
    if value >= _EPOCH_SECONDS:
        return datetime.fromtimestamp(value, UTC)
    return now + timedelta(seconds=value)


def api_error(response: httpx.Response, now: datetime) -> PublishError:
    """The domain error for one of Pinterest's API error answers."""
    status, code = response.status_code, _code(response)
    said = _sentence(server_message(response) or "no reason given")
    where = (
        f"Pinterest answered HTTP {status} (code {code})"
        if code is not None
        else f"Pinterest answered HTTP {status}"
    )
    if status == 401 or code == AUTHENTICATION_FAILED:
        return AuthExpired(f"{where}: {said} The sign-in has ended or was revoked; reconnect the account.")
    if status == 429 or code in RATE_LIMITED:
        retry_at = reset_time(response, now)
        wait = None if retry_at is None else max(0.0, (retry_at - now).total_seconds())
        until = f" until {retry_at:%H:%M:%S} UTC" if retry_at else ""
        return RateLimited(
            f"{where}: too many requests for your Pinterest app{until}. Outpost waits and tries again; "
            f"a Trial-access app has 1,000 requests a day.",
            retry_at=retry_at,
            retry_after_s=wait,
        )
    if code == MISSING_SCOPES:
        return AuthExpired(
            f"{where}: the sign-in lacks a permission this needs. Reconnect the account and allow "
            f"every permission Outpost asks for ({', '.join(sorted(REQUIRED_SCOPES))})."
        )
    if status == 403 and "trial access" in said.lower():
        return Rejected(
            f"{where}: your Pinterest app has Trial access, which cannot create Pins on pinterest.com. "
            f"Ask for Standard access in your app's page at developers.pinterest.com, or try it out on "
            f"Pinterest's sandbox API (docs/networks.md, Pinterest)."
        )
    if code == NOT_YOUR_BOARD or (status == 403 and "board" in said.lower()):
        return Rejected(f"{where}: {said} pinterest.board_id is not one of your boards; {TARGETS}.")
    if code == BOARD_NOT_FOUND:
        return Rejected(f"{where}: {said} Check pinterest.board_id; {TARGETS}.")
    if code == SECTION_NOT_FOUND or "section" in said.lower():
        return Rejected(f"{where}: {said} Check the section in pinterest.board_id; {TARGETS}.")
    if status == 403:
        return Rejected(f"{where}: {said} Check that your Pinterest app has the access this needs.")
    if status == 413:
        return Rejected(f"{where}: the file is too large. {said}", code=ErrorCode.MEDIA_REJECTED)
    if 400 <= status < 500:
        return _refused(where, said)
    return ServerError(f"{where}: Pinterest failed on its side. {said}", may_have_taken_effect=True)


def _refused(where: str, said: str) -> Rejected:
    lowered = said.lower()
    if "url" in lowered or "link" in lowered:
        return Rejected(
            f"{where}: {said} Check pinterest.link: a full https:// address of a page that opens."
        )
    if any(word in lowered for word in ("image", "media", "video", "cover")):
        return Rejected(f"{where}: {said}", code=ErrorCode.MEDIA_REJECTED)
    return Rejected(f"{where}: {said}")


def upload_error(response: httpx.Response) -> PublishError:
    """S3's refusal of the video upload (nothing was pinned: trying again is safe).

    An expired or mismatched signed form is fixed by registering the upload again, which the
    next try does; a file S3 finds too large is not.
    """
    s3_code = _xml(response.text, "Code") or f"HTTP {response.status_code}"
    said = _xml(response.text, "Message") or response.reason_phrase
    where = f"Pinterest's upload storage refused the video ({s3_code}: {said})"
    if s3_code == "EntityTooLarge" or response.status_code == 413:
        return Rejected(f"{where}; Pinterest takes videos up to 2 GB.", code=ErrorCode.MEDIA_REJECTED)
    return ServerError(f"{where}; Outpost will register the upload again.", may_have_taken_effect=False)


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else f"{text}."


def _code(response: httpx.Response) -> int | None:
    try:
        body: Any = response.json()
    except ValueError:
        return None
    code = body.get("code") if isinstance(body, dict) else None
    return code if isinstance(code, int) and not isinstance(code, bool) else None


def _xml(text: str, tag: str) -> str | None:
    found = re.search(rf"<{tag}>([^<]{{1,300}})</{tag}>", text)
    return found.group(1) if found else None
