"""Graph API error answers become Outpost errors with a sentence a creator can act on."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from outpost.adapters.facebook_errors import Usage, graph_error
from outpost.domain.enums import ErrorCode
from outpost.domain.errors import AuthExpired, RateLimited, Rejected, ServerError

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def answer(
    code: int, message: str, *, status: int = 400, subcode: int | None = None, **headers: str
) -> httpx.Response:
    error: dict[str, object] = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "x"}
    if subcode is not None:
        error["error_subcode"] = subcode
    return httpx.Response(status, json={"error": error}, headers=headers)


@pytest.mark.parametrize(
    ("code", "subcode", "kind", "words"),
    [
        (190, 463, AuthExpired, "the sign-in has expired"),
        (190, 460, AuthExpired, "password was changed"),
        (190, None, AuthExpired, "Reconnect"),
        (4, None, RateLimited, "slow down"),
        (17, None, RateLimited, "slow down"),
        (32, None, RateLimited, "slow down"),
        (613, None, RateLimited, "slow down"),
        (80001, None, RateLimited, "slow down"),
        (368, None, Rejected, "temporarily blocked this Page"),
        (200, None, Rejected, "pages_manage_posts"),
        (10, None, Rejected, "Page role"),
        (100, None, Rejected, "(#100) Invalid parameter"),
        (1, None, ServerError, "failed on its side"),
    ],
)
def test_each_code_means_what_meta_documents(code: int, subcode: int | None, kind: type, words: str) -> None:
    error = graph_error(answer(code, f"(#{code}) Invalid parameter", subcode=subcode), now=NOW)
    assert type(error) is kind and words in str(error)
    assert error.may_have_taken_effect is (kind is ServerError)


def test_a_duplicate_and_a_refused_photo_have_their_own_codes() -> None:
    assert graph_error(answer(506, "(#506) Duplicate status message"), now=NOW).code is ErrorCode.DUPLICATE
    photo = graph_error(answer(100, "Your photos couldn't be uploaded", subcode=1366046), now=NOW)
    assert photo.code is ErrorCode.MEDIA_REJECTED


def test_a_wrong_app_secret_is_not_mistaken_for_an_outage() -> None:
    error = graph_error(answer(1, "Error validating client secret."), now=NOW)
    assert isinstance(error, Rejected) and "apps set facebook" in str(error)


def test_the_business_use_case_header_says_when_to_try_again() -> None:
    usage = {"2001": [{"type": "pages", "call_count": 100, "total_cputime": 20, "total_time": 30,
                       "estimated_time_to_regain_access": 12}]}  # fmt: skip
    response = answer(
        80001,
        "(#80001) There have been too many calls to this Page account.",
        **{"X-Business-Use-Case-Usage": json.dumps(usage), "X-App-Usage": '{"call_count": 40}'},
    )
    error = graph_error(response, now=NOW)
    assert isinstance(error, RateLimited) and error.retry_at == NOW + timedelta(minutes=12)
    assert error.retry_after_s == 720 and "the Page's hourly budget is 100 % used" in str(error)


def test_usage_headers_that_are_missing_or_broken_count_as_nothing() -> None:
    assert Usage.of(httpx.Response(200)).highest == 0
    broken = httpx.Response(200, headers={"X-App-Usage": "{not json", "X-Page-Usage": '{"call_count": "7"}'})
    usage = Usage.of(broken)
    assert usage.percents == {"x-page-usage": 7} and usage.regain_after is None
    error = graph_error(answer(4, "(#4) Application request limit reached"), now=NOW)
    assert isinstance(error, RateLimited) and error.retry_at is None  # the engine backs off by itself


def test_an_answer_that_is_not_graphs_shape_still_reads() -> None:
    error = graph_error(httpx.Response(502, text="<html>Bad Gateway</html>"), now=NOW)
    assert isinstance(error, ServerError) and "Bad Gateway" in str(error)
