"""The creator's statistics as the command line, the window and the MCP server show them.

The shapes follow `../shared/INTERFACE.md` ("Analytics"), which follows seed 004's analytics
answers; `model_dump(mode="json")` is the JSON contract. Computed by `engine/stats.py` from the
readings in the store, never fetched from a server.
"""

from __future__ import annotations

from datetime import date

from pydantic import Field

from outpost.domain.models import UtcDateTime, _Model


class Totals(_Model):
    """A post's numbers across its networks (None where no network reported that metric)."""

    impressions: int | None = None
    reach: int | None = None
    engagements: int | None = None
    engagement_rate: float | None = None
    clicks: int | None = None
    shares: int | None = None
    comments: int | None = None
    likes: int | None = None


class PlatformStats(_Model):
    """One network's (one account's) numbers for a post or a period."""

    platform: str
    account_id: str
    impressions: int | None = None
    engagements: int | None = None
    engagement_rate: float | None = None
    likes: int | None = None
    replies: int | None = None
    reposts: int | None = None
    quotes: int | None = None
    saves: int | None = None
    clicks: int | None = None
    video_views: int | None = None
    posts: int | None = None  # in a period summary: how many posts the numbers rest on
    followers_gained: int | None = None


class SeriesPoint(_Model):
    """One moment of a post's time series (all its networks together)."""

    timestamp: UtcDateTime
    impressions: int | None = None
    engagements: int | None = None


class PostStats(_Model):
    """`outpost stats post POST`."""

    post_id: str
    total: Totals
    by_platform: list[PlatformStats] = Field(default_factory=list)
    timeseries: list[SeriesPoint] = Field(default_factory=list)


class Period(_Model):
    """The days a summary covers, both included."""

    start: date
    end: date


class SummaryTotals(_Model):
    """A period's totals across the networks asked for."""

    total_posts: int
    total_impressions: int | None = None
    total_engagements: int | None = None
    avg_engagement_rate: float | None = None
    followers_gained: int | None = None


class TopPost(_Model):
    """One of a period's best posts by engagements."""

    id: str
    title: str
    impressions: int | None = None
    engagements: int | None = None


class StatsSummary(_Model):
    """`outpost stats summary`."""

    period: Period
    summary: SummaryTotals
    by_platform: list[PlatformStats] = Field(default_factory=list)
    top_posts: list[TopPost] = Field(default_factory=list)


class BestTime(_Model):
    """One recommended hour of a day, with what it rests on."""

    time: str  # "09:00", in the zone asked for
    score: float  # engagement rate, normalised for follower growth
    reason: str  # in words: what it rests on
    posts: int  # how many of the creator's posts this rests on


class DayTimes(_Model):
    """The recommended (or avoided) hours of one weekday."""

    day: str  # "monday" … "sunday"
    times: list[BestTime] = Field(default_factory=list)


class BestTimes(_Model):
    """`outpost stats best-times`: empty `recommendations` and a `message` with too little history."""

    recommendations: list[DayTimes] = Field(default_factory=list)
    avoid: list[DayTimes] = Field(default_factory=list)
    based_on_posts: int = 0
    message: str | None = None
