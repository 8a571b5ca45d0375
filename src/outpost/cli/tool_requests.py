"""What an assistant asks of `outpost mcp` beyond creating and editing posts, as pydantic models.

The same kind as `requests.py` (which has the post requests the command line validates with
too); kept apart so a one-shot command does not define them (issue #26). Each tool publishes its
model's JSON schema as its input schema.
"""

from __future__ import annotations

from datetime import date

from pydantic import ConfigDict, Field

from outpost.cli.requests import Request
from outpost.domain.enums import Network, PostStatus


class PostRef(Request):
    """One post."""

    post: str = Field(description="The post's id (post_list shows them).")


class PostScheduleRequest(Request):
    """`post schedule`: give a post a time."""

    post: str = Field(description="The post's id.")
    at: str = Field(description="ISO-8601 time, e.g. 2026-12-01T09:00 (with tz) or 2026-12-01T08:00:00Z.")
    tz: str | None = Field(None, description="IANA zone of `at` when it has no offset.")


class PostListRequest(Request):
    """`post list`."""

    status: PostStatus | None = Field(None, description="Only posts with this status.")
    tag: str | None = Field(None, description="Only posts with this tag.")
    campaign: str | None = Field(None, description="Only posts in this campaign (its name or id).")
    search: str | None = Field(None, description="Only posts whose title, text or thread holds this text.")


class MediaInspectRequest(Request):
    """`media inspect`: what Outpost knows about a file and whether each network takes it."""

    path: str = Field(description="Path of the file on this computer.")
    networks: list[Network] | None = Field(None, description="Only these networks (default: every one).")


class SlotsListRequest(Request):
    """`slots list` (issue #22): the posting schedules."""

    account: str | None = Field(
        None, description="One account (id or NETWORK:handle) or `default`; omit for every schedule."
    )


class StatsPostRequest(Request):
    """`stats post`: how one post did on each network."""

    post: str = Field(
        description="The post's id (post_list shows them; imported posts: imported:ACCOUNT:ID)."
    )


class StatsSummaryRequest(Request):
    """`stats summary`: a period's totals, per network, and top posts."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)

    start: date | None = Field(
        None, alias="from", description="First day, e.g. 2026-11-01 (default: 30 days ago)."
    )
    end: date | None = Field(None, alias="to", description="Last day, included (default: today).")
    tag: str | None = Field(None, description="Only posts carrying this tag.")
    campaign: str | None = Field(None, description="Only posts of this campaign (its name).")
    account: str | None = Field(None, description="Only this account (id or NETWORK:handle).")
    network: Network | None = Field(None, description="Only this network.")


class BestTimesRequest(Request):
    """`stats best-times`: the weekday hours that did best, from the creator's own history."""

    account: str | None = Field(None, description="Only this account (id or NETWORK:handle).")
    network: Network | None = Field(None, description="Only this network.")
    tz: str | None = Field(None, description="IANA zone for the hours (default: the creator's).")
