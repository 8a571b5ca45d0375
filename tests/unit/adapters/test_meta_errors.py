"""Graph API refusals (Threads, Instagram, Facebook) in Outpost's error codes and words."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from outpost.adapters.meta_errors import GraphError, graph_error
from outpost.domain.enums import ErrorCode, Network
from outpost.domain.errors import AuthExpired, RateLimited, Rejected, ServerError

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def answer(status: int, code: int | None, message: str = "m", **more: object) -> httpx.Response:
    error: dict[str, object] = {"message": message, "type": "OAuthException", "fbtrace_id": "AbC"}
    if code is not None:
        error["code"] = code
    error |= more
    return httpx.Response(status, json={"error": error})


@pytest.mark.parametrize(
    ("response", "kind", "code", "words"),
    [
        (answer(400, 190, "Session has expired", error_subcode=463), AuthExpired, ErrorCode.AUTH_EXPIRED, "the sign-in expired"),
        (answer(500, 190, "Invalid token"), AuthExpired, ErrorCode.AUTH_EXPIRED, "Reconnect"),
        (answer(400, 4), RateLimited, ErrorCode.RATE_LIMITED, "your Meta app made too many calls"),
        (answer(400, 613), RateLimited, ErrorCode.RATE_LIMITED, "within an hour"),
        (answer(400, 368, "deemed abusive"), Rejected, ErrorCode.VALIDATION_ERROR, "blocked this action"),
        (answer(400, 1, "x", error_subcode=2207051), Rejected, ErrorCode.VALIDATION_ERROR, "blocked this action"),
        (answer(400, 10, "(#10) Application does not have permission"), Rejected, ErrorCode.VALIDATION_ERROR, "permission"),
        (answer(400, 200, "Permissions error"), Rejected, ErrorCode.VALIDATION_ERROR, "permission"),
        (
            answer(400, 9004, "Only photo or video", error_subcode=2207052, error_user_title="Media download has failed.",
                   error_user_msg="The media could not be fetched from this URI: https://x/y.jpg"),
            Rejected, ErrorCode.MEDIA_REJECTED, "could not be fetched",
        ),
        (answer(500, 2, "Service temporarily unavailable", is_transient=True), ServerError, ErrorCode.SERVER_ERROR, "try again"),
        (answer(400, 100, "(#100) Invalid parameter"), Rejected, ErrorCode.VALIDATION_ERROR, "Invalid parameter"),
        (httpx.Response(502, text="<html>Bad gateway</html>"), ServerError, ErrorCode.SERVER_ERROR, "HTTP 502"),
    ],
)  # fmt: skip
def test_each_graph_code_becomes_an_outpost_error_a_person_can_act_on(
    response: httpx.Response, kind: type, code: ErrorCode, words: str
) -> None:
    error = graph_error(response, network=Network.THREADS, now=NOW)
    assert type(error) is kind and error.code is code
    assert words in str(error) and str(error).startswith("Threads")
    assert "AbC" not in str(error)  # the trace id is for Meta's support, not for people


def test_a_rate_limit_waits_as_long_as_meta_estimates() -> None:
    usage = {"1784": [{"type": "threads", "call_count": 100, "estimated_time_to_regain_access": 17}]}
    response = answer(400, 17)
    response.headers["x-business-use-case-usage"] = json.dumps(usage)
    error = graph_error(response, network=Network.INSTAGRAM, now=NOW)
    assert isinstance(error, RateLimited) and error.retry_at == NOW + timedelta(minutes=17)
    assert error.retry_after_s == 17 * 60 and "this account made too many calls" in str(error)
    plain = graph_error(answer(400, 32), network=Network.FACEBOOK, now=NOW)
    assert plain.retry_at == NOW + timedelta(hours=1)  # nothing said: an hour, Meta's usual window


def test_an_answer_that_is_no_envelope_is_read_safely() -> None:
    error = GraphError.parse(httpx.Response(400, text="not json"))
    assert (error.code, error.message, error.said) == (None, "not json", "not json.")
