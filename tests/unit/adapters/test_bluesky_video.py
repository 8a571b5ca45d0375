"""The Bluesky video service's words and addresses, as the adapter reads them."""

from __future__ import annotations

from outpost.adapters.bluesky_video import VideoLimits, is_private_host, pds_audience, refusal
from outpost.domain.enums import ErrorCode


def test_an_upload_token_is_for_the_servers_host_name_as_the_official_app_makes_it() -> None:
    assert (
        pds_audience("https://morel.us-east.host.bsky.network") == "did:web:morel.us-east.host.bsky.network"
    )
    assert pds_audience("http://127.0.0.1:2583") == "did:web:127.0.0.1"  # no port (getServiceAuthAudFromUrl)


def test_servers_the_public_video_service_cannot_reach() -> None:
    for url in (
        "http://localhost:2583",
        "http://127.0.0.1:9",
        "http://192.168.1.5",
        "http://pds.local",
        "http://[::1]:1",
    ):
        assert is_private_host(url), url
    for url in ("https://bsky.social", "https://pds.example", "https://8.8.8.8"):
        assert not is_private_host(url), url


def test_refusals_are_told_in_plain_words_with_their_own_codes() -> None:
    daily = refusal("User has exceeded daily upload videos limit", account="bluesky:a")
    assert daily.code is ErrorCode.RATE_LIMITED and not daily.retryable and "tomorrow" in str(daily)
    busy = refusal("Failed to get user's upload stats", account="bluesky:a")
    assert busy.code is ErrorCode.SERVER_ERROR and busy.retryable
    large = refusal(
        "file size (312000000 bytes) is larger than the maximum allowed size (300000000 bytes)",
        account="bluesky:a",
    )
    assert (
        large.code is ErrorCode.MEDIA_REJECTED
        and "312.0 MB, the video service takes at most 300 MB" in str(large)
    )
    new = refusal("Something new", account="bluesky:a")
    assert (
        str(new)
        == "Bluesky's video service refused the video for bluesky:a (the service said: Something new)."
    )


def test_the_health_card_line_says_why_no_video_can_go_up() -> None:
    assert VideoLimits(True, 3, 10).note(email_confirmed=True) is None
    used = VideoLimits(True, 0, 10).note(email_confirmed=True) or ""
    assert used.startswith("No video uploads now: today's video uploads")
    unsaid = VideoLimits(False, 25, 10).note(email_confirmed=False) or ""
    assert "whose email address is confirmed" in unsaid  # the service gave no reason; getSession did
    assert VideoLimits(False, 25, 10, "Uploading is disabled at the moment").quota().left == 0
