"""HTTP for adapters: one place that turns httpx failures and HTTP statuses into domain errors.

Learned from atproto `request.py` (`_handle_response`): adapters call `send()` and never see a raw
`httpx` exception. What matters most is `may_have_taken_effect`: a connection refused means the
network never saw the request; a read timeout or a 5xx means it may have acted on it.
"""

from __future__ import annotations

import email.utils
import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from outpost import __version__, tls
from outpost.domain.clock import Clock
from outpost.domain.enums import ErrorCode, Network
from outpost.domain.errors import (
    AuthExpired,
    NetworkUnavailable,
    PublishError,
    RateLimited,
    Rejected,
    ServerError,
)

USER_AGENT = f"Outpost/{__version__} (desktop publisher; +https://github.com/outpost-app)"
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)

ResetParser = Callable[[httpx.Response, datetime], datetime | None]


def build_client(transport: httpx.AsyncBaseTransport | None = None) -> httpx.AsyncClient:
    """The shared HTTP client: sane timeouts, our User-Agent, an injectable transport.

    It trusts what httpx trusts by default, read once per process by `outpost.tls` (started in
    the background as the program starts: issue #26).
    """
    return httpx.AsyncClient(
        timeout=DEFAULT_TIMEOUT,
        headers={"User-Agent": USER_AGENT},
        transport=transport,
        verify=True if transport is not None else tls.context(),
        follow_redirects=False,
    )


def api_base(network: Network, default: str) -> str:
    """The network's API base URL, overridable by `OUTPOST_API_URL_<NETWORK>` (INTERFACE.md)."""
    return os.environ.get(f"OUTPOST_API_URL_{network.name}", default).rstrip("/")


def auth_base(network: Network, default: str) -> str:
    """The network's OAuth base URL, overridable by `OUTPOST_AUTH_URL_<NETWORK>`."""
    return os.environ.get(f"OUTPOST_AUTH_URL_{network.name}", default).rstrip("/")


async def send(
    client: httpx.AsyncClient,
    request: httpx.Request,
    *,
    network: Network,
    clock: Clock,
    reset_parser: ResetParser | None = None,
    check: bool = True,
) -> httpx.Response:
    """Send `request` and return a 2xx response, or raise the matching `PublishError`.

    With `check=False` an HTTP error answer is returned too (read in full), for adapters that
    must look at it first (Bluesky's expired tokens come as HTTP 400); transport failures still
    raise. `clock` (the adapter's) dates a rate limit's "retry after N seconds".
    """
    try:
        response = await _send_once_more_if_safe(client, request)
    except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
        raise NetworkUnavailable(
            f"{network.label}: cannot connect to {request.url.host} ({_reason(exc)}). Check the "
            f"internet connection.",
            may_have_taken_effect=False,
            maybe_offline=_looks_offline(exc),
        ) from None
    except httpx.TransportError as exc:
        raise NetworkUnavailable(
            f"{network.label}: the connection to {request.url.host} broke before an answer came "
            f"({_reason(exc)}).",
            may_have_taken_effect=True,
        ) from None
    if response.is_success:
        return response
    await response.aread()
    if not check:
        return response
    raise error_for(response, network=network, now=clock.now(), reset_parser=reset_parser)


_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


async def _send_once_more_if_safe(client: httpx.AsyncClient, request: httpx.Request) -> httpx.Response:
    """Send; if a kept-alive connection turns out dead, resend once where that cannot duplicate.

    A server may close an idle connection just as we reuse it (snac2 does, ENVIRONMENT.md §5b);
    the request then fails before any answer. Idempotent methods, and requests carrying an
    `Idempotency-Key`, are safe to send again at once on a fresh connection.
    """
    try:
        return await client.send(request)
    except (httpx.ReadError, httpx.RemoteProtocolError, httpx.WriteError):
        if request.method not in _SAFE_METHODS and "idempotency-key" not in request.headers:
            raise
        if isinstance(request.stream, httpx.AsyncByteStream) and not isinstance(
            request.stream, httpx.ByteStream
        ):
            raise  # a streamed body cannot be replayed
        return await client.send(request)


#: How operating systems word "no network here" (name resolution failing, no route at all).
_OFFLINE_WORDS = (
    "name or service not known",
    "temporary failure in name resolution",
    "nodename nor servname",
    "getaddrinfo failed",
    "no address associated",
    "network is unreachable",
    "no route to host",
)


def _looks_offline(exc: Exception) -> bool:
    """Whether a connect failure looks like the machine having no network, not a server down."""
    reason = _reason(exc).lower()
    return any(words in reason for words in _OFFLINE_WORDS)


def _reason(exc: Exception) -> str:
    return str(exc) or type(exc).__name__


def error_for(
    response: httpx.Response,
    *,
    network: Network,
    now: datetime,
    reset_parser: ResetParser | None = None,
) -> PublishError:
    """The domain error for a non-2xx response."""
    status = response.status_code
    said = server_message(response)
    where = f"{network.label} answered HTTP {status}"
    if status == 401 or status == 403:
        return AuthExpired(
            f"{where}: {said or 'not authorised'}. Reconnect the account in Outpost.",
        )
    if status == 429:
        retry_at = (reset_parser or retry_after)(response, now)
        when = f" until {retry_at:%H:%M:%S} UTC" if retry_at else ""
        wait = None if retry_at is None else max(0.0, (retry_at - now).total_seconds())
        return RateLimited(
            f"{where}: rate limited{when}. {said or ''}".strip(), retry_at=retry_at, retry_after_s=wait
        )
    if status == 413:
        return Rejected(
            f"{where}: the file is too large. {said or ''}".strip(), code=ErrorCode.MEDIA_REJECTED
        )
    if 400 <= status < 500:
        return Rejected(f"{where}: {said or 'the request was refused'}.")
    return ServerError(
        f"{where}: the network failed on its side. {said or ''}".strip(),
        may_have_taken_effect=True,
    )


def read(
    response: httpx.Response,
    network: Network,
    *path: str | int,
    kind: type | tuple[type, ...] = object,
    secret: bool = False,
) -> Any:
    """The JSON value at `path` in a successful answer.

    An answer that is not JSON or lacks what the API promises is the network's failure, told
    plainly (never a crash). It may have acted — a create that answered 2xx with garbage has
    probably posted — so `may_have_taken_effect` is True: a non-idempotent create ends in
    review, an idempotent one is retried safely. The error quotes the start of the answer, unless
    `secret` (a token or session answer): then nothing of it, since errors reach logs and screens.
    """
    try:
        value: Any = response.json()
        for key in path:
            value = value[key]
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not object):
            raise TypeError(f"{type(value).__name__} where {kind} was expected")
    except (ValueError, KeyError, IndexError, TypeError):
        where = "/".join(str(k) for k in path) or "a JSON body"
        shown = "not shown: it carries credentials" if secret else repr(response.text[:120])
        raise ServerError(
            f"{network.label} answered HTTP {response.status_code} without the expected {where} "
            f"(a malformed answer: {shown}).",
            may_have_taken_effect=True,
        ) from None
    return value


def read_id(response: httpx.Response, network: Network, *path: str | int, secret: bool = False) -> str:
    """An identifier in the answer (a string or a number: printable, no spaces, never empty), as text.

    Identifiers go back into URLs and request bodies; a control character or a space in one is
    a malformed answer, not something to send on (httpx would refuse such a URL mid-publish).
    """
    value = str(read(response, network, *path, kind=(str, int), secret=secret))
    if not value or not value.isprintable() or any(ch.isspace() for ch in value):
        shown = "" if secret else f" ({value[:40]!r})"
        raise ServerError(
            f"{network.label} answered with an unusable {'/'.join(str(k) for k in path)}{shown}.",
            may_have_taken_effect=True,
        )
    return value


def text_or_none(value: object) -> str | None:
    """`value` if it is a non-empty string (an optional field of an answer), else None."""
    return value if isinstance(value, str) and value else None


def count_or_none(value: object) -> int | None:
    """A counter field (likes, followers…) as a number; absent, hidden or not a count stays None."""
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def time_or_none(value: object, *, naive_is_utc: bool = False) -> datetime | None:
    """An ISO 8601 time field as an aware UTC datetime; missing or not a time: None.

    A time without a zone is None, unless the network documents it as UTC (`naive_is_utc`:
    Pinterest's `created_at`).
    """
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC) if naive_is_utc else None
    return parsed.astimezone(UTC)


def retry_after(response: httpx.Response, now: datetime) -> datetime | None:
    """The time from a standard `Retry-After` header (seconds or an HTTP date)."""
    value = response.headers.get("retry-after")
    if not value:
        return None
    if value.strip().isdigit():
        return now + timedelta(seconds=int(value))
    try:
        return email.utils.parsedate_to_datetime(value).astimezone(UTC)
    except (TypeError, ValueError):
        return None


def server_message(response: httpx.Response) -> str | None:
    """The human part of an error body, whatever shape the network uses."""
    try:
        body = response.json()
    except ValueError:
        text = response.text.strip()
        return text[:300] or None
    if not isinstance(body, dict):
        return None
    for key in ("error_description", "message", "detail", "error", "title"):
        value = body.get(key)
        if isinstance(value, str) and value:
            return value
    errors = body.get("errors")
    if isinstance(errors, list) and errors and isinstance(errors[0], dict):
        first = errors[0].get("message")
        return first if isinstance(first, str) else None
    return None
