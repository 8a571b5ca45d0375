"""After a video is out on YouTube: its numbers, the channel's subscribers and uploads, a first comment.

Each function takes `call`, the adapter's authorised request for one account that counts the
project's daily quota first (see adapters/youtube_videos.py), so quota is never spent blindly:

- `statistics`: `videos.list?part=statistics&id=…`, at most 50 ids a call, 1 unit each
  (developers.google.com/youtube/v3/docs/videos/list). `viewCount` is the video's views; YouTube
  gives no impressions here (those are in YouTube Analytics, another scope), so they stay None.
  `likeCount` is left out when the owner hides likes and `commentCount` when comments are off:
  then they stay None too. A video YouTube no longer has is simply absent from `items`.
- `subscribers`: `channels.list?part=statistics&mine=true` → `subscriberCount` (1 unit).
- `uploads`: the uploads playlist (`playlistItems.list`, 50 a page, `nextPageToken`, 1 unit each),
  newest first, back to `since`, then its statistics in batches of 50.
- `comment`: `commentThreads.insert?part=snippet` (50 units), which takes only the
  `youtube.force-ssl` scope (developers.google.com/youtube/v3/docs/commentThreads/insert).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from outpost.adapters.http import read, read_id
from outpost.adapters.youtube_videos import WATCH, Call, channels, dict_of, when
from outpost.domain.enums import Network
from outpost.domain.metrics import MetricReading, RemotePost
from outpost.domain.models import PublishedPart

BATCH = 50  # videos.list: "a comma-separated list of … video IDs" — 50 at most, as maxResults
PAGE = 50  # playlistItems.list maxResults: 0 to 50


def _count(found: dict[str, Any], name: str) -> int | None:
    """A statistic YouTube sends as a string of digits ("1234"); absent or odd → None."""
    value = found.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and value.isdigit() else None


def reading(video_id: str, statistics: object, now: datetime) -> MetricReading:
    """A video's `statistics` part as a reading (no impressions: YouTube does not say here)."""
    found = dict_of(statistics)
    return MetricReading(
        platform_post_id=video_id,
        read_at=now,
        video_views=_count(found, "viewCount"),
        likes=_count(found, "likeCount"),
        replies=_count(found, "commentCount"),
    )


async def statistics(call: Call, video_ids: Sequence[str], now: datetime) -> list[MetricReading]:
    """The numbers of these videos, 50 to a request; videos YouTube no longer has are left out."""
    readings: list[MetricReading] = []
    ids = list(dict.fromkeys(video_ids))
    for start in range(0, len(ids), BATCH):
        response = await call(
            "videos.list",
            "GET",
            "/youtube/v3/videos",
            # No maxResults: videos.list does not take it together with `id`.
            params={"part": "statistics", "id": ",".join(ids[start : start + BATCH])},
        )
        for item in read(response, Network.YOUTUBE, "items", kind=list):
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                readings.append(reading(item["id"], item.get("statistics"), now))
    return readings


async def subscribers(call: Call) -> int | None:
    """The channel's `subscriberCount` (None where YouTube does not give it)."""
    response = await call(
        "channels.list", "GET", "/youtube/v3/channels", params={"part": "statistics", "mine": "true"}
    )
    found = channels(response)
    return _count(dict_of(found[0].get("statistics")), "subscriberCount") if found else None


async def uploads(call: Call, since: datetime, limit: int, now: datetime) -> list[RemotePost]:
    """The channel's uploads since `since`, newest first, with their numbers (made anywhere)."""
    found = channels(
        await call(
            "channels.list", "GET", "/youtube/v3/channels", params={"part": "contentDetails", "mine": "true"}
        )
    )
    details = dict_of(found[0].get("contentDetails")) if found else {}
    playlist = dict_of(details.get("relatedPlaylists")).get("uploads")
    if not isinstance(playlist, str):
        return []
    listed: list[tuple[str, dict[str, Any], datetime]] = []
    params = {"part": "snippet", "playlistId": playlist, "maxResults": str(PAGE)}
    while len(listed) < limit:
        response = await call("playlistItems.list", "GET", "/youtube/v3/playlistItems", params=params)
        older = False
        for item in read(response, Network.YOUTUBE, "items", kind=list):
            snippet = dict_of(dict_of(item).get("snippet"))
            video_id = dict_of(snippet.get("resourceId")).get("videoId")
            published = when(snippet.get("publishedAt"))
            if not isinstance(video_id, str) or published is None:
                continue
            if published < since:
                older = True  # the playlist is newest first: the rest is older still
                break
            if len(listed) < limit:
                listed.append((video_id, snippet, published))
        token = read(response, Network.YOUTUBE, kind=dict).get("nextPageToken")
        if older or not isinstance(token, str) or not token:
            break
        params = {**params, "pageToken": token}
    numbers = {r.platform_post_id: r for r in await statistics(call, [v for v, _, _ in listed], now)}
    return [
        RemotePost(
            platform_post_id=video_id,
            permalink=f"{WATCH}{video_id}",
            # Outpost sends the post's text as the description (the title is an option).
            text=str(snippet.get("description") or snippet.get("title") or ""),
            created_at=published,
            reading=numbers.get(video_id),
        )
        for video_id, snippet, published in listed
    ]


async def comment(call: Call, channel_id: str, on: PublishedPart, text: str) -> PublishedPart:
    """A top-level comment by the channel on its video (`commentThreads.insert`, 50 units)."""
    body = {
        "snippet": {
            "channelId": channel_id,
            "videoId": on.platform_post_id,
            "topLevelComment": {"snippet": {"textOriginal": text}},
        }
    }
    response = await call(
        "commentThreads.insert", "POST", "/youtube/v3/commentThreads", params={"part": "snippet"}, json=body
    )
    thread_id = read_id(response, Network.YOUTUBE, "id")
    return PublishedPart(platform_post_id=thread_id, permalink=f"{WATCH}{on.platform_post_id}&lc={thread_id}")


__all__ = ["BATCH", "comment", "reading", "statistics", "subscribers", "uploads"]
