"""What Outpost can tell about a Bluesky video before sending anything (the adapter's `validate`).

The common rules (one video, alone; type, size, length: `domain.media_rules`) are checked by
`domain.validation`; these are Bluesky's own: the video's alt text, a server the public video
service cannot reach, and today's limits as the last health check read them from the service.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from outpost.adapters.bluesky_video import MAX_ALT_GRAPHEMES, NOTE, is_private_host
from outpost.domain.enums import Network
from outpost.domain.errors import Problem
from outpost.domain.models import Account, Post
from outpost.domain.text import graphemes

#: How long a health check's word on the video limits is trusted by validation: within it, a post
#: that cannot go up is refused before anything is sent; after it, the upload asks the service.
LIMITS_FRESH = timedelta(hours=1)


def problems(post: Post, account: Account, *, now: datetime, public_service: bool) -> list[Problem]:
    """What Outpost can tell before sending that stops a post's video from going to `account`.

    The alt text's length (the lexicon's), a server the public video service cannot reach, and
    the daily limits as the last health check (within `LIMITS_FRESH`) read them. The rest (media
    count, one video alone, size, length, type) are the common rules of `domain.validation`.
    """
    found: list[Problem] = []
    for index, media in enumerate(post.media, start=1):
        if media.kind != "video":
            continue
        field = f"media[{index}]"
        common: dict[str, Any] = {"field": field, "network": Network.BLUESKY.value, "account": account.ref}
        length = graphemes(media.alt_text)
        if length > MAX_ALT_GRAPHEMES:
            found.append(
                Problem(
                    **common,
                    rule="alt_text_length",
                    limit=MAX_ALT_GRAPHEMES,
                    actual=length,
                    message=f"{field}: the video's alt text is {length} characters, over Bluesky's "
                    f"limit of {MAX_ALT_GRAPHEMES} for videos. Shorten it.",
                )
            )
        pds = account.service_url or ""
        if public_service and pds and is_private_host(pds):
            found.append(
                Problem(
                    **common,
                    rule="video_service_reach",
                    actual=pds,
                    message=f"{field}: {account.ref}'s server ({pds}) is on this computer or a "
                    f"private network, and Bluesky's video service stores the finished video on the "
                    f"account's server, so it cannot reach it. Post the video from an account on a "
                    f"server reachable from the internet.",
                )
            )
        found += _limit_problems(field, media.size, account, now, common)
    return found


def _limit_problems(
    field: str, size: int, account: Account, now: datetime, common: dict[str, Any]
) -> list[Problem]:
    health = account.health
    quota = health.quota
    if quota is None or quota.unit != "videos" or quota.limit_known or health.checked_at is None:
        return []
    age = now - health.checked_at
    if not timedelta(0) <= age <= LIMITS_FRESH:
        return []
    said = f"as Bluesky's video service said at {health.checked_at:%H:%M} UTC"
    again = "once that changes, Check now on the account's card (or `outpost accounts check`) reads it again"
    if quota.left == 0:
        note = health.message if health.message and health.message.startswith(NOTE) else None
        reason = (note or f"{NOTE}today's video uploads on Bluesky are used up.").removeprefix(NOTE)
        return [
            Problem(
                **common,
                rule="daily_video_limit",
                limit=0,
                message=f"{field}: {account.ref} cannot upload a video now ({said}): "
                f"{reason.rstrip('.')}. Post without the video, or {again}.",
            )
        ]
    if quota.bytes_left is not None and size > quota.bytes_left:
        return [
            Problem(
                **common,
                rule="daily_video_bytes",
                limit=quota.bytes_left,
                actual=size,
                message=f"{field}: the video is {size / 1e6:.1f} MB, but {account.ref} has only "
                f"{quota.bytes_left / 1e6:.1f} MB of video uploads left today ({said}). Post it "
                f"tomorrow or export a smaller file; {again}.",
            )
        ]
    return []


__all__ = ["LIMITS_FRESH", "problems"]
