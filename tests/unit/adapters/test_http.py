"""Wire errors become domain errors, and only safe requests are sent again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import httpx
import pytest

from outpost.adapters.http import count_or_none, error_for, send, server_message, time_or_none
from outpost.domain.enums import ErrorCode, Network
from outpost.domain.errors import AuthExpired, NetworkUnavailable, RateLimited, Rejected, ServerError
from tests.fakes import FakeClock

pytestmark = pytest.mark.asyncio
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
CLOCK = FakeClock(NOW)


def response(status: int, **kwargs: object) -> httpx.Response:
    return httpx.Response(status, request=httpx.Request("POST", "https://n.example/x"), **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("status", "kind", "code", "may_have"),
    [
        (401, AuthExpired, ErrorCode.AUTH_EXPIRED, False),
        (403, AuthExpired, ErrorCode.AUTH_EXPIRED, False),
        (400, Rejected, ErrorCode.VALIDATION_ERROR, False),
        (422, Rejected, ErrorCode.VALIDATION_ERROR, False),
        (413, Rejected, ErrorCode.MEDIA_REJECTED, False),
        (429, RateLimited, ErrorCode.RATE_LIMITED, False),
        (500, ServerError, ErrorCode.SERVER_ERROR, True),
        (503, ServerError, ErrorCode.SERVER_ERROR, True),
    ],
)
async def test_statuses_map_to_domain_errors(
    status: int, kind: type, code: ErrorCode, may_have: bool
) -> None:
    error = error_for(response(status, json={"error": "said the server"}), network=Network.MASTODON, now=NOW)
    assert isinstance(error, kind) and error.code is code and error.may_have_taken_effect is may_have
    assert "said the server" in str(error) and f"HTTP {status}" in str(error)


async def test_retry_after_seconds_and_dates_are_read() -> None:
    seconds = error_for(response(429, headers={"Retry-After": "30"}), network=Network.X, now=NOW)
    date = error_for(
        response(429, headers={"Retry-After": "Wed, 25 Nov 2026 12:05:00 GMT"}), network=Network.X, now=NOW
    )
    assert (seconds.retry_at, date.retry_at) == (
        datetime(2026, 11, 25, 12, 0, 30, tzinfo=UTC),
        datetime(2026, 11, 25, 12, 5, tzinfo=UTC),
    )


@pytest.mark.parametrize(
    ("body", "said"),
    [
        ({"error": "invalid_grant", "error_description": "The code expired"}, "The code expired"),
        ({"error": "ExpiredToken", "message": "Token has expired"}, "Token has expired"),
        (
            {"title": "Forbidden", "detail": "You are not allowed to create a Tweet with duplicate content."},
            "You are not allowed to create a Tweet with duplicate content.",
        ),
        ({"errors": [{"message": "Invalid media"}]}, "Invalid media"),
    ],
)
async def test_the_human_part_of_each_networks_error_shape_is_found(
    body: dict[str, object], said: str
) -> None:
    assert server_message(response(400, json=body)) == said


async def test_a_dead_kept_alive_connection_is_retried_once_for_a_get_but_not_for_a_post() -> None:
    calls: list[str] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        if len(calls) % 2 == 1:
            raise httpx.ReadError("connection reset by peer")
        return httpx.Response(200, json={})

    async with httpx.AsyncClient(transport=httpx.MockTransport(flaky)) as client:
        ok = await send(
            client, client.build_request("GET", "https://n.example/a"), network=Network.MASTODON, clock=CLOCK
        )
        assert ok.status_code == 200 and calls == ["GET", "GET"]
        with pytest.raises(NetworkUnavailable) as caught:
            await send(
                client,
                client.build_request("POST", "https://n.example/b"),
                network=Network.MASTODON,
                clock=CLOCK,
            )
        assert caught.value.may_have_taken_effect and calls[2:] == ["POST"]
        keyed = client.build_request("POST", "https://n.example/c", headers={"Idempotency-Key": "k"})
        assert (await send(client, keyed, network=Network.MASTODON, clock=CLOCK)).status_code == 200


async def test_a_refused_connection_never_reached_the_network() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    async with httpx.AsyncClient(transport=httpx.MockTransport(down)) as client:
        with pytest.raises(NetworkUnavailable) as caught:
            await send(
                client,
                client.build_request("POST", "https://n.example/b"),
                network=Network.BLUESKY,
                clock=CLOCK,
            )
    assert not caught.value.may_have_taken_effect and "cannot connect to n.example" in str(caught.value)


async def test_a_malformed_session_answer_is_refused_without_quoting_its_tokens() -> None:
    """Errors reach the log, the window and the terminal: a token in a bad answer stays out of them."""
    from outpost.adapters.base import AddAccountRequest
    from outpost.adapters.bluesky import BlueskyAdapter

    leaked = "eyJhbGciOiJFUzI1NksifQ.secret-session-token"
    answers = [
        {"did": 42, "handle": "alice.example", "accessJwt": leaked, "refreshJwt": leaked},  # did: a number
        {"did": "did:plc:alice", "handle": "alice.example", "accessJwt": leaked},  # no refreshJwt
    ]
    for answer in answers:
        transport = httpx.MockTransport(lambda request, body=answer: httpx.Response(200, json=body))
        async with httpx.AsyncClient(transport=transport) as client:
            adapter = BlueskyAdapter(client, clock=FakeClock(), fetch_cards=False)
            with pytest.raises(ServerError) as raised:
                await adapter.add_account(
                    AddAccountRequest(
                        service_url="https://pds.example",
                        handle="alice.example",
                        app_password="aaaa-bbbb-cccc-dddd",
                    )
                )
        assert "malformed answer: not shown: it carries credentials" in str(raised.value)
        assert "secret-session-token" not in str(raised.value)


async def test_an_ordinary_malformed_answer_is_quoted_to_help_whoever_reads_the_log() -> None:
    from outpost.adapters.http import read

    with pytest.raises(ServerError) as raised:
        read(response(200, json={"unexpected": "shape"}), Network.MASTODON, "id")
    assert "without the expected id" in str(raised.value) and '"unexpected":"shape"' in str(raised.value)


async def test_a_counter_is_a_number_or_unknown_never_zero_for_missing() -> None:
    assert [count_or_none(v) for v in (0, 12, None, "12", True, 1.5)] == [0, 12, None, None, None, None]


async def test_times_become_utc_and_a_time_without_a_zone_only_where_the_network_says_it_is_utc() -> None:
    assert time_or_none("2026-12-01T09:00:00Z") == datetime(2026, 12, 1, 9, tzinfo=UTC)
    assert time_or_none("2026-12-01T10:00:00+01:00") == datetime(2026, 12, 1, 9, tzinfo=UTC)
    assert time_or_none("2026-12-01T10:00:00+01:00").tzinfo is UTC  # type: ignore[union-attr]
    assert time_or_none("2026-12-01T09:00:00") is None
    assert time_or_none("2026-12-01T09:00:00", naive_is_utc=True) == datetime(2026, 12, 1, 9, tzinfo=UTC)
    assert time_or_none("2026-12-01T10:00:00+01:00", naive_is_utc=True) == datetime(
        2026, 12, 1, 10, tzinfo=timezone(timedelta(hours=1))
    )
    assert [time_or_none(v) for v in ("yesterday", "", None, 1733043600)] == [None] * 4
