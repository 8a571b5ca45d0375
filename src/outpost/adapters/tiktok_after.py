"""After a TikTok post is out: its numbers, the creator's followers and own videos (Display API).

From TikTok for Developers' Display API reference (developers.tiktok.com/doc/tiktok-api-v2-video-
query, …-video-list, …-get-user-info), in TikTok's v2 envelope like every other call:

- `POST /v2/video/query/?fields=…` with `{"filters": {"video_ids": [...]}}`: at most 20 ids a
  request, scope `video.list`. `view_count`, `like_count`, `comment_count`, `share_count` become
  video views, likes, replies and reposts; TikTok gives no impressions, reach or saves here, so
  those stay None. A video TikTok no longer has (deleted, or made private) is absent.
- `POST /v2/video/list/?fields=…` with `{"max_count": 20, "cursor": …}`: the creator's videos,
  newest first; `cursor` (a time in Unix milliseconds) and `has_more` page back in time.
- `GET /v2/user/info/?fields=follower_count`: scope `user.info.stats`.

A post made private (SELF_ONLY) never gets a public id: Outpost keeps its `publish_id` instead,
which these endpoints do not know, so such a post has no numbers and cannot be looked up.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from outpost.adapters.http import count_or_none
from outpost.adapters.tiktok_errors import TokenInvalid
from outpost.adapters.tiktok_wire import WEB, json_object
from outpost.domain.errors import AuthExpired, Rejected
from outpost.domain.metrics import MetricReading, RemotePost
from outpost.domain.models import PublishedPart

Call = Callable[..., Awaitable[dict[str, Any]]]  # the adapter's `_call` with the account bound
QUERY = "/v2/video/query/"
LIST = "/v2/video/list/"
BATCH = 20  # video/query: "The maximum number of video_ids is 20"; video/list: max_count ≤ 20
VIDEO_FIELDS = (
    "id,create_time,share_url,video_description,title,view_count,like_count,comment_count,share_count"
)

#: Why there is no first comment on TikTok (the class attribute the composer shows).
NO_COMMENT = (
    "TikTok's API offers apps no way to comment: the Content Posting API publishes videos and "
    "photos only (developers.tiktok.com/doc/content-posting-api-get-started), so add the comment "
    "in the TikTok app."
)


def public(parts: Sequence[PublishedPart]) -> list[str]:
    """The ids TikTok's Display API knows: public post ids, not the `publish_id` of a private post."""
    return [p.platform_post_id for p in parts if p.platform_post_id != p.extra.get("publish_id")]


async def scoped(call: Call, scope: str, what: str, *args: Any, **content: Any) -> dict[str, Any]:
    """`call`, with TikTok's `scope_not_authorized` told as the scope this read needs."""
    try:
        return await call(*args, **content)
    except AuthExpired as exc:
        if isinstance(exc, TokenInvalid):
            raise
        raise Rejected(
            f"TikTok refused to show {what} (scope_not_authorized): reading them needs the {scope} "
            f"scope. Add it to your TikTok app (Login Kit / Display API), then reconnect the account "
            f"and allow it."
        ) from exc


def reading(video: dict[str, Any], now: datetime) -> MetricReading:
    """A video object's counts as a reading (no impressions, reach or saves: TikTok does not say)."""
    return MetricReading(
        platform_post_id=str(video["id"]),
        read_at=now,
        video_views=count_or_none(video.get("view_count")),
        likes=count_or_none(video.get("like_count")),
        replies=count_or_none(video.get("comment_count")),
        reposts=count_or_none(video.get("share_count")),
    )


async def query(call: Call, ids: Sequence[str]) -> list[dict[str, Any]]:
    """The video objects of these ids, 20 a request; ones TikTok no longer has are absent."""
    found: list[dict[str, Any]] = []
    unique = list(dict.fromkeys(ids))
    for start in range(0, len(unique), BATCH):
        data = await scoped(
            call, "video.list", "videos", "POST", QUERY, params={"fields": VIDEO_FIELDS},
            json={"filters": {"video_ids": unique[start : start + BATCH]}},
        )  # fmt: skip
        found += [v for v in data.get("videos") or [] if isinstance(v, dict) and v.get("id") is not None]
    return found


async def videos(call: Call, handle: str, since: datetime, limit: int, now: datetime) -> list[RemotePost]:
    """The creator's videos since `since`, newest first, following `cursor` while `has_more`."""
    posts: list[RemotePost] = []
    body: dict[str, Any] = {"max_count": BATCH}
    while len(posts) < limit:
        data = await scoped(
            call, "video.list", "videos", "POST", LIST, params={"fields": VIDEO_FIELDS}, json=body
        )
        older = False
        for video in data.get("videos") or []:
            video = json_object(video)
            created = video.get("create_time")
            if video.get("id") is None or not isinstance(created, int):
                continue
            at = datetime.fromtimestamp(created, UTC)
            if at < since:
                older = True  # newest first: everything after is older still
                break
            if len(posts) < limit:
                posts.append(
                    RemotePost(
                        platform_post_id=str(video["id"]),
                        permalink=str(video.get("share_url") or f"{WEB}/@{handle}/video/{video['id']}"),
                        text=str(video.get("video_description") or video.get("title") or ""),
                        created_at=at,
                        reading=reading(video, now),
                    )
                )
        cursor = data.get("cursor")
        if older or data.get("has_more") is not True or not isinstance(cursor, int):
            break
        body = {"max_count": BATCH, "cursor": cursor}
    return posts


async def followers(call: Call) -> int | None:
    """`follower_count` from user/info (scope user.info.stats)."""
    data = await scoped(
        call,
        "user.info.stats",
        "the follower count",
        "GET",
        "/v2/user/info/",
        params={"fields": "follower_count"},
    )
    count = json_object(data.get("user")).get("follower_count")
    return count if isinstance(count, int) and not isinstance(count, bool) else None


__all__ = ["NO_COMMENT", "followers", "public", "query", "reading", "videos"]
