"""Meta's Graph error codes in Outpost's words, and Instagram's caption counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from outpost.adapters import instagram_errors, instagram_text
from outpost.domain.enums import ErrorCode
from outpost.domain.errors import AuthExpired, RateLimited, Rejected, ServerError

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def graph(
    code: int, subcode: int | None = None, message: str = "m", status: int = 400, **extra: object
) -> httpx.Response:
    error: dict[str, object] = {"message": message, "type": "OAuthException", "code": code, "fbtrace_id": "x"}
    if subcode is not None:
        error["error_subcode"] = subcode
    return httpx.Response(status, json={"error": {**error, **extra}})


@pytest.mark.parametrize(
    ("response", "kind", "code", "words"),
    [
        (graph(190, 463), AuthExpired, ErrorCode.AUTH_EXPIRED, "the sign-in expired"),
        (graph(190, 460), AuthExpired, ErrorCode.AUTH_EXPIRED, "the password was changed"),
        (graph(190), AuthExpired, ErrorCode.AUTH_EXPIRED, "Reconnect the account"),
        (
            graph(10),
            Rejected,
            ErrorCode.AUTH_EXPIRED,
            "lacks the instagram_business_content_publish permission",
        ),
        (graph(4), RateLimited, ErrorCode.RATE_LIMITED, "slow down"),
        (graph(17), RateLimited, ErrorCode.RATE_LIMITED, "slow down"),
        (graph(32), RateLimited, ErrorCode.RATE_LIMITED, "slow down"),
        (graph(613), RateLimited, ErrorCode.RATE_LIMITED, "slow down"),
        (graph(9, 2207042), RateLimited, ErrorCode.RATE_LIMITED, "limit of posts in 24 hours"),
        (graph(368), Rejected, ErrorCode.VALIDATION_ERROR, "blocking this account from posting"),
        (graph(4, 2207051), Rejected, ErrorCode.VALIDATION_ERROR, "blocking this account from posting"),
        (
            graph(9004, 2207052),
            Rejected,
            ErrorCode.MEDIA_REJECTED,
            "could not fetch the file from your media host",
        ),
        (graph(36001, 2207005), Rejected, ErrorCode.MEDIA_REJECTED, "JPEG only"),
        (graph(36003, 2207009), Rejected, ErrorCode.MEDIA_REJECTED, "4:5 to 1.91:1"),
        (graph(100, 2207010), Rejected, ErrorCode.VALIDATION_ERROR, "caption is too long"),
        (graph(-2, 2207020), ServerError, ErrorCode.SERVER_ERROR, "expired"),
        (graph(1, status=500), ServerError, ErrorCode.SERVER_ERROR, "failed on its side"),
    ],
)
def test_graph_errors_become_outposts_codes_with_a_sentence_to_act_on(
    response: httpx.Response, kind: type, code: ErrorCode, words: str
) -> None:
    error = instagram_errors.error_for(response, now=NOW)
    assert isinstance(error, kind) and error.code is code and words in str(error)


def test_throttling_waits_as_long_as_the_usage_header_says() -> None:
    response = graph(4)
    response.headers["x-business-use-case-usage"] = '{"1": [{"estimated_time_to_regain_access": 20}]}'
    error = instagram_errors.error_for(response, now=NOW)
    assert isinstance(error, RateLimited) and error.retry_at == NOW + timedelta(minutes=20)
    assert instagram_errors.error_for(graph(17), now=NOW).retry_at == NOW + timedelta(hours=1)


def test_a_container_in_error_says_why_from_its_status() -> None:
    error = instagram_errors.container_error("Error: Media upload has failed with error code 2207026")
    assert error.code is ErrorCode.MEDIA_REJECTED and "does not take this video" in str(error)
    unknown = instagram_errors.container_error("Error: something new")
    assert unknown.code is ErrorCode.MEDIA_REJECTED and "something new" in str(unknown)


def test_a_permission_error_names_the_permission_the_call_needed() -> None:
    error = instagram_errors.error_for(graph(200), now=NOW, needs=instagram_errors.MANAGE_COMMENTS)
    assert isinstance(error, instagram_errors.MissingPermission)
    assert error.permission == "instagram_business_manage_comments"


def test_captions_count_characters_hashtags_and_mentions() -> None:
    text = "Spring at the studio #weaving #dye @bob.weaves mail me at a@b.example 🧶"
    assert instagram_text.count_length(text) == len(text)
    assert (instagram_text.hashtags(text), instagram_text.mentions(text)) == (2, 1)
