"""YouTube's rules as Outpost applies them before anything is sent: counting, quota days, Shorts,
Google's error answers in plain words, and the watch-page preview."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from outpost.adapters import youtube_text
from outpost.adapters.youtube_errors import QuotaExceeded, youtube_error
from outpost.adapters.youtube_quota import next_reset, pacific_day
from outpost.domain.compatibility import Compatibility, check
from outpost.domain.enums import ErrorCode, Network
from outpost.domain.errors import AuthExpired, RateLimited, Rejected, ServerError
from outpost.domain.media_rules import RULES
from outpost.gui.previews.renderers import PreviewMedia, PreviewPost, render
from tests.unit.domain.test_compatibility import Facts


def test_tags_count_commas_and_the_quotation_marks_youtube_adds_around_a_tag_with_a_space() -> None:
    assert youtube_text.tags_length(["Foo-Baz"]) == 7  # the docs' own examples
    assert youtube_text.tags_length(["Foo Baz"]) == 9
    assert youtube_text.tags_length(["a", "b c"]) == 1 + 1 + 5
    assert youtube_text.tags_length([]) == 0


def test_the_description_is_counted_in_bytes_and_the_title_in_characters() -> None:
    assert youtube_text.description_length("héllo 🎬") == 11
    assert youtube_text.title_length("héllo 🎬") == 7
    assert youtube_text.forbidden_characters("a <b> c") == "<>"


@pytest.mark.parametrize(
    ("now", "day", "reset"),
    [
        # Winter: Pacific is UTC-8, the day ends at 08:00 UTC.
        (datetime(2026, 11, 25, 7, 59, tzinfo=UTC), "2026-11-24", datetime(2026, 11, 25, 8, 0, tzinfo=UTC)),
        (datetime(2026, 11, 25, 8, 0, tzinfo=UTC), "2026-11-25", datetime(2026, 11, 26, 8, 0, tzinfo=UTC)),
        # Summer: UTC-7, 07:00 UTC.
        (datetime(2026, 7, 1, 12, 0, tzinfo=UTC), "2026-07-01", datetime(2026, 7, 2, 7, 0, tzinfo=UTC)),
        # The night the clocks go back: that Pacific day is 25 hours long.
        (datetime(2026, 11, 1, 6, 0, tzinfo=UTC), "2026-10-31", datetime(2026, 11, 1, 7, 0, tzinfo=UTC)),
        (datetime(2026, 11, 1, 7, 30, tzinfo=UTC), "2026-11-01", datetime(2026, 11, 2, 8, 0, tzinfo=UTC)),
    ],
)
def test_the_quota_day_is_pacific_time_through_daylight_saving(
    now: datetime, day: str, reset: datetime
) -> None:
    assert (pacific_day(now), next_reset(now)) == (day, reset)


def _video(width: int, height: int, seconds: float) -> Facts:
    return Facts(
        "video/mp4",
        1_000_000,
        width,
        height,
        duration_s=seconds,
        frame_rate=30,
        video_codec="h264",
        kind="video",
    )


def test_a_vertical_or_square_video_up_to_three_minutes_is_labelled_a_short() -> None:
    rules = RULES[Network.YOUTUBE]
    vertical = check(_video(1080, 1920, 45), rules)
    assert (
        vertical.status is Compatibility.COMPATIBLE
        and vertical.note == "a YouTube Short (vertical, 45 s; up to 3 minutes)"
    )
    assert check(_video(1080, 1080, 180), rules).note is not None
    assert check(_video(1920, 1080, 45), rules).note is None  # landscape: a regular video
    assert check(_video(1080, 1920, 181), rules).note is None  # over three minutes
    assert check(_video(1080, 1920, 45), RULES[Network.X]).note is None  # only YouTube files Shorts


def test_an_image_next_to_the_video_is_a_thumbnail_up_to_2_mb() -> None:
    rules = RULES[Network.YOUTUBE]
    assert rules.max_items == 2 and not rules.video_alone
    big = check(Facts("image/webp", 5_000_000, 1280, 720), rules)
    assert big.status is Compatibility.FIXABLE and big.fix == "convert to JPEG, then re-encode under 2.0 MB"


def _answer(
    status: int, reason: str = "", message: str = "msg", headers: dict[str, str] | None = None
) -> httpx.Response:
    errors = [{"reason": reason, "domain": "youtube.video", "message": message}] if reason else []
    return httpx.Response(
        status, headers=headers, json={"error": {"code": status, "message": message, "errors": errors}}
    )


NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def test_googles_error_reasons_become_outposts_errors_in_plain_words() -> None:
    quota = youtube_error(_answer(403, "quotaExceeded"), NOW, None)
    assert (
        isinstance(quota, QuotaExceeded)
        and quota.retry_at == next_reset(NOW)
        and "midnight Pacific" in str(quota)
    )
    limit = youtube_error(_answer(400, "uploadLimitExceeded"), NOW, None)
    assert isinstance(limit, RateLimited) and "limit on uploads" in str(limit)
    title = youtube_error(_answer(400, "invalidTitle"), NOW, None)
    assert isinstance(title, Rejected) and str(title).startswith("youtube.title:")
    scopes = youtube_error(_answer(403, "insufficientPermissions"), NOW, None)
    assert isinstance(scopes, AuthExpired) and "permission" in str(scopes)
    channel = youtube_error(_answer(401, "youtubeSignupRequired"), NOW, None)
    assert isinstance(channel, Rejected) and "create_channel" in str(channel)
    assert isinstance(youtube_error(_answer(401, "authError"), NOW, None), AuthExpired)
    forbidden = youtube_error(_answer(403, "forbidden"), NOW, None)
    assert isinstance(forbidden, Rejected) and "owner or manager" in str(forbidden)
    thumbnail = youtube_error(_answer(400, "imageFormatUnsupported"), NOW, None)
    assert thumbnail.code is ErrorCode.MEDIA_REJECTED
    backend = youtube_error(_answer(503, "backendError"), NOW, None)
    assert isinstance(backend, ServerError) and backend.may_have_taken_effect
    details = httpx.Response(
        403,
        json={
            "error": {
                "code": 403,
                "message": "scopes",
                "details": [{"reason": "ACCESS_TOKEN_SCOPE_INSUFFICIENT"}],
            }
        },
    )
    assert isinstance(youtube_error(details, NOW, None), AuthExpired)


def _post(**options: object) -> PreviewPost:
    media = (PreviewMedia("thumb://youtube/0", "video"), PreviewMedia("thumb://youtube/1", "image"))
    return PreviewPost(Network.YOUTUBE, "Alice <Makes>", "@alicemakes", ("Wool & dye " * 30,), media, options)


def test_the_preview_is_a_watch_page_with_the_title_and_the_chosen_thumbnail() -> None:
    page = render(_post(title="Onion <skin> dye", privacy_status="unlisted"))
    assert "Onion &lt;skin&gt; dye" in page and "Alice &lt;Makes&gt;" in page  # text, never markup
    assert "thumb://youtube/1" in page and "thumb://youtube/0" not in page  # the image is the thumbnail
    assert "Unlisted" in page and "… more" in page and "Subscribe" in page
    untitled = render(PreviewPost(Network.YOUTUBE, "Alice", "@alicemakes", ("",), (), {}))
    assert "Add a title" in untitled and "Attach a video" in untitled
