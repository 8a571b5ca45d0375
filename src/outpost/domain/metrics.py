"""What a network says about published posts: metric readings, the account's own posts, mentions.

Adapters return these (`NetworkAdapter.read_metrics`, `recent_posts`, `mentions`); the engine
keeps readings as time series in the store and computes the creator's statistics from them
(`domain/stats.py`). A metric a network does not report is `None`, never `0`: "no likes" and
"this network does not say" are different facts, and averages must skip the second.
"""

from __future__ import annotations

from pydantic import Field

from outpost.domain.models import UtcDateTime, _Model

#: The metrics a reading may carry, in the order tables and CSV files show them.
METRIC_NAMES = (
    "impressions",
    "reach",
    "likes",
    "replies",
    "reposts",
    "quotes",
    "saves",
    "clicks",
    "video_views",
)


class MetricReading(_Model):
    """One published post's numbers as its network reported them at `read_at`."""

    platform_post_id: str
    read_at: UtcDateTime
    impressions: int | None = None
    reach: int | None = None
    likes: int | None = None
    replies: int | None = None
    reposts: int | None = None
    quotes: int | None = None
    saves: int | None = None
    clicks: int | None = None
    video_views: int | None = None

    @property
    def engagements(self) -> int | None:
        """Likes + reposts + replies (+ quotes where the network has them); None if none is known."""
        known = [v for v in (self.likes, self.reposts, self.replies, self.quotes) if v is not None]
        return sum(known) if known else None


class RemotePost(_Model):
    """One of the account's own posts as the network lists it (made anywhere, not only by Outpost).

    Used to import history (`stats collect --backfill`) and to prove a post is on the network
    (read-back verification). Reposts/boosts of other people's posts are not the account's own and
    are left out by the adapter.
    """

    platform_post_id: str
    permalink: str | None = None
    text: str = ""
    created_at: UtcDateTime
    is_reply: bool = False
    reading: MetricReading | None = None


class Mention(_Model):
    """Someone mentioned or replied to the account (Mastodon/Bluesky notifications…)."""

    id: str
    author: str
    text: str = ""
    url: str | None = None
    created_at: UtcDateTime
    extra: dict[str, str] = Field(default_factory=dict)
