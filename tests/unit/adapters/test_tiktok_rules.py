"""TikTok's rules as pure functions: the chunk plan (checked against the strict fake's own rules),
captions in UTF-16 units, the options creator_info allows, errors and health in plain words."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outpost.adapters.tiktok_errors import api_error, failed_error, upload_error
from outpost.adapters.tiktok_rules import (
    MAX_CHUNK,
    MIN_CHUNK,
    AccountRules,
    CreatorInfo,
    caption_length,
    health_report,
    interaction_settings,
    options,
    plan_chunks,
)
from outpost.domain.enums import ErrorCode
from outpost.domain.errors import AuthExpired, RateLimited, Rejected, ServerError
from tests.contract.fake_tiktok import chunk_plan_problem

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
GB = 1_000_000_000


@given(
    size=st.one_of(st.integers(1, 80_000_000), st.integers(1, 4 * GB)),
    chunk=st.integers(MIN_CHUNK, MAX_CHUNK // 2),
)
def test_every_plan_is_one_tiktok_accepts_and_covers_the_file_in_order(size: int, chunk: int) -> None:
    plan = plan_chunks(size, chunk)
    assert chunk_plan_problem(plan.size, plan.chunk_size, plan.count) is None
    ranges = plan.ranges()
    assert ranges[0][0] == 0 and ranges[-1][1] == size - 1 and len(ranges) == plan.count
    assert all(end + 1 == start for (_, end), (start, _) in itertools.pairwise(ranges))
    assert all(end - start + 1 == plan.chunk_size for start, end in ranges[:-1])


def test_the_guides_own_example_and_small_files_go_whole() -> None:
    plan = plan_chunks(50_000_123, 10_000_000)  # the media transfer guide's example
    assert (plan.chunk_size, plan.count, plan.ranges()[-1]) == (10_000_000, 5, (40_000_000, 50_000_122))
    assert plan_chunks(3_000_000).count == 1 and plan_chunks(3_000_000).chunk_size == 3_000_000
    with pytest.raises(ValueError, match="outside"):
        plan_chunks(10, MIN_CHUNK - 1)  # a chunk TikTok would refuse is a bug, found at once


def test_captions_count_utf16_units_as_tiktok_does() -> None:
    assert caption_length("abc") == 3 and caption_length("é") == 1 and caption_length("😀") == 2


def test_options_follow_creator_info_with_no_default_and_disabled_switches_left_out() -> None:
    creator = CreatorInfo("alice.makes", "Alice", ("FOLLOWER_OF_CREATOR", "SELF_ONLY"), duet_disabled=True)
    specs = {s.key: s for s in options(AccountRules(creator, unaudited_since=NOW))}
    privacy = specs["privacy_level"]
    assert privacy.choices == ("FOLLOWER_OF_CREATOR", "SELF_ONLY") and privacy.required
    assert "Alice's TikTok" in privacy.description and "only SELF_ONLY goes through" in privacy.description
    assert "disable_duet" not in specs and {"disable_comment", "disable_stitch"} <= set(specs)
    assert {"brand_content_toggle", "brand_organic_toggle"} <= set(specs)
    assert options(None)[0].choices == (
        "PUBLIC_TO_EVERYONE",
        "MUTUAL_FOLLOW_FRIENDS",
        "FOLLOWER_OF_CREATOR",
        "SELF_ONLY",
    )


def test_interactions_are_off_unless_the_creator_allowed_them_and_their_settings_do() -> None:
    creator = CreatorInfo("a", "A", ("SELF_ONLY",), stitch_disabled=True)
    chosen = {"disable_comment": False, "disable_stitch": False}
    assert interaction_settings({}, creator) == {
        "disable_comment": True,
        "disable_duet": True,
        "disable_stitch": True,
    }
    assert interaction_settings(chosen, creator) == {
        "disable_comment": False,
        "disable_duet": True,
        "disable_stitch": True,  # turned off in the creator's own settings: stays off
    }


def test_creator_info_without_levels_is_a_malformed_answer() -> None:
    with pytest.raises(ValueError, match="privacy_level_options"):
        CreatorInfo.from_data({"creator_username": "a", "privacy_level_options": []})


def test_api_errors_become_outposts_codes_with_sentences_to_act_on() -> None:
    limited = api_error(429, "rate_limit_exceeded", "slow down", "L1", who="@a", now=NOW)
    assert isinstance(limited, RateLimited) and limited.retry_at == NOW + timedelta(minutes=1)
    cap = api_error(403, "spam_risk_too_many_posts", "", "L2", who="@a", now=NOW)
    assert (
        isinstance(cap, RateLimited) and cap.retry_at == NOW + timedelta(hours=24) and "tomorrow" in str(cap)
    )
    assert isinstance(api_error(401, "access_token_invalid", "", "", who="@a", now=NOW), AuthExpired)
    scope = api_error(401, "scope_not_authorized", "", "", who="@a", now=NOW)
    assert isinstance(scope, AuthExpired) and "video.publish" in str(scope)
    unknown = api_error(400, "something_new", "Odd.", "LOG42", who="@a", now=NOW)
    assert isinstance(unknown, Rejected) and "LOG42" in str(unknown) and "something_new" in str(unknown)
    broken = api_error(500, "internal_error", "oops", "LOG7", who="@a", now=NOW)
    assert isinstance(broken, ServerError) and broken.may_have_taken_effect and "LOG7" in str(broken)


def test_every_fail_reason_is_said_in_words_and_none_claims_the_post_may_exist() -> None:
    reasons = ("file_format_check_failed", "duration_check_failed", "frame_rate_check_failed",
               "picture_size_check_failed", "internal", "video_pull_failed", "photo_pull_failed",
               "publish_cancelled", "auth_removed", "spam_risk_too_many_posts",
               "spam_risk_user_banned_from_posting", "spam_risk_text", "spam_risk", "brand_new")  # fmt: skip
    for reason in reasons:
        error = failed_error(reason, who="@a")
        assert not error.may_have_taken_effect and str(error).endswith((".", ")."))
        assert "_" not in str(error) or reason == "brand_new", (reason, str(error))
    assert failed_error("frame_rate_check_failed", who="@a").code is ErrorCode.MEDIA_REJECTED
    assert isinstance(failed_error("internal", who="@a"), ServerError)  # TikTok's failure: try again


def test_refused_chunks_never_claim_the_post_may_exist() -> None:
    for status in (400, 403, 404, 413, 416, 500, 503):
        assert not upload_error(status, "", last=True).may_have_taken_effect


def test_health_names_missing_permissions_and_the_unaudited_app() -> None:
    credentials = {"access_token": "t", "refresh_token": "r", "scope": "user.info.basic",
                   "refresh_expires_at": (NOW + timedelta(days=180)).isoformat()}  # fmt: skip
    report = health_report(credentials, None, "alice", NOW)
    assert report.missing_permissions == ("video.publish",) and not report.token_has_scopes
    assert report.message is not None and "video.publish" in report.message
    full = {**credentials, "scope": "user.info.basic,video.publish"}
    unaudited = health_report(full, AccountRules(None, unaudited_since=NOW), "alice", NOW)
    assert unaudited.state.value == "ok" and "must be SELF_ONLY" in (unaudited.message or "")
    hand_made = health_report(
        {"access_token": "t", "expires_at": (NOW + timedelta(hours=2)).isoformat()}, None, "a", NOW
    )
    assert hand_made.sign_in_ending and "No refresh token" in (hand_made.message or "")
