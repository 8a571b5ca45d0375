"""After a Pin is out: its numbers, the account's followers and its own Pins (Pinterest API v5).

From Pinterest's OpenAPI description (github.com/pinterest/api-description, v5/openapi.json):

- `GET /v5/pins/{pin_id}/analytics` (scopes boards:read, pins:read): `start_date` "cannot be more
  than 90 days back from today", `metric_types` required. The answer is keyed by app type
  (`{"ALL": {...}}`); its `summary_metrics` sum the window (IMPRESSION, SAVE, PIN_CLICK,
  OUTBOUND_CLICK) and `lifetime_metrics` hold TOTAL_REACTIONS and TOTAL_COMMENTS. One request per
  Pin: the multi-Pin endpoint is "in beta and not available to all apps". A Pin that is gone
  answers 404 "Pin not found." and is left out. Impressions, saves and clicks therefore cover at
  most the last 90 days; clicks are Pin clicks plus outbound (link) clicks. Video views
  (VIDEO_MRC_VIEW) are a video-Pin-only metric and stay None, as do reposts and reach.
- `GET /v5/user_account` → `follower_count` (user_accounts:read).
- `GET /v5/pins?pin_filter=exclude_repins` (boards:read, pins:read): the account's own Pins,
  paged by `bookmark`, without the Pins it saved from others.
- `GET /v5/pins/{pin_id}`: 404 once the Pin is deleted.
- No endpoint comments on a Pin, so there is no first comment.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx

from outpost.adapters.http import read, text_or_none, time_or_none
from outpost.domain.enums import Network
from outpost.domain.metrics import MetricReading, RemotePost

Authorised = Callable[..., Awaitable[httpx.Response]]  # the adapter's `_authorised` with the account bound
METRICS = "IMPRESSION,SAVE,PIN_CLICK,OUTBOUND_CLICK,TOTAL_COMMENTS,TOTAL_REACTIONS"
WINDOW_DAYS = 89  # start_date at most 90 days back, counting today
PAGE_SIZE = 250
MAX_PAGES = 20

NO_COMMENT = (
    "Pinterest's API (v5) has no way to comment on a Pin, so Outpost cannot add a first comment; "
    "add it on pinterest.com."
)


def window(now: datetime) -> dict[str, str]:
    """The longest window Pinterest reports: the last 90 days (UTC dates), today included."""
    today = now.astimezone(UTC).date()
    return {"start_date": (today - timedelta(days=WINDOW_DAYS)).isoformat(), "end_date": today.isoformat()}


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _number(metrics: dict[str, Any], name: str) -> int | None:
    value = metrics.get(name)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)


def reading(pin_id: str, body: object, now: datetime) -> MetricReading:
    """A `PinAnalyticsResponse` as a reading (the ALL app type, whatever its key's case)."""
    by_app = _dict(body)
    found = _dict(next((v for k, v in by_app.items() if str(k).upper() == "ALL"), None))
    summary, lifetime = _dict(found.get("summary_metrics")), _dict(found.get("lifetime_metrics"))
    pin_clicks, outbound = _number(summary, "PIN_CLICK"), _number(summary, "OUTBOUND_CLICK")
    clicks = None if pin_clicks is None and outbound is None else (pin_clicks or 0) + (outbound or 0)
    return MetricReading(
        platform_post_id=pin_id,
        read_at=now,
        impressions=_number(summary, "IMPRESSION"),
        saves=_number(summary, "SAVE"),
        clicks=clicks,
        likes=_number(lifetime, "TOTAL_REACTIONS"),
        replies=_number(lifetime, "TOTAL_COMMENTS"),
    )


async def own_pins(authorised: Authorised, since: datetime, limit: int) -> list[RemotePost]:
    """The account's own Pins since `since`, newest first (saved Pins of others left out)."""
    posts: list[RemotePost] = []
    bookmark: str | None = None
    for _ in range(MAX_PAGES):
        params = {"page_size": str(PAGE_SIZE), "pin_filter": "exclude_repins"}
        if bookmark:
            params["bookmark"] = bookmark
        response = await authorised("GET", "/v5/pins", params=params)
        older = False
        for pin in read(response, Network.PINTEREST, "items", kind=list):
            pin = pin if isinstance(pin, dict) else {}
            pin_id, made = str(pin.get("id") or ""), time_or_none(pin.get("created_at"), naive_is_utc=True)
            if not pin_id.isdigit() or made is None:
                continue
            if made < since:
                older = True  # listed newest first, as a profile shows them
                continue
            if len(posts) < limit:
                posts.append(
                    RemotePost(
                        platform_post_id=pin_id,
                        permalink=f"https://www.pinterest.com/pin/{pin_id}/",
                        text=str(pin.get("description") or pin.get("title") or ""),
                        created_at=made,
                    )
                )
        bookmark = text_or_none(response.json().get("bookmark"))
        if older or bookmark is None or len(posts) >= limit:
            break
    posts.sort(key=lambda p: p.created_at, reverse=True)
    return posts


__all__ = ["METRICS", "NO_COMMENT", "own_pins", "reading", "window"]
