"""After a LinkedIn post is out: its numbers, a page's followers, the author's posts, a first comment.

From Microsoft Learn (LinkedIn Marketing / Community Management, versioned `/rest/` APIs):

- Page posts: `organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity=
  {org}&shares=List(…)&ugcPosts=List(…)` (share-statistics page; rw_organization_admin, which
  Outpost asks for with a page) → `totalShareStatistics` with impressionCount,
  uniqueImpressionsCount, clickCount, likeCount, commentCount, shareCount. Without a time range
  these are lifetime totals.
- Personal posts: `socialMetadata?ids=List(…)` (social-metadata-api; a batch get) →
  `reactionSummaries` (per reaction type, summed as likes) and `commentSummary.count`. It needs
  r_member_social, which LinkedIn grants "to select developers only"; without it the error says so.
  Members get no impressions this way (those are in memberCreatorPostAnalytics, another restricted
  scope), so they stay None.
- Followers of a page: `networkSizes/{org}?edgeType=COMPANY_FOLLOWED_BY_MEMBER` → `firstDegreeSize`
  (organization lookup API, "Retrieve Organization Follower Count"). A personal profile: None.
- The author's posts: `posts?q=author&author={urn}&sortBy=CREATED` (posts-api "Find Posts by
  Authors"; r_organization_social for pages, r_member_social for members), paged by start/count;
  reshares (`reshareContext`) are left out.
- A comment as the page: `POST socialActions/{post}/comments` with `actor` (the page), `object`
  (the post) and `message.text` (comments-api; w_organization_social).

Rest.li 2.0 wants lists as `List(a,b)` with each URN percent-encoded inside, which a query
encoder would mangle, so these query strings are built here by hand.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, unquote

from outpost.adapters.http import count_or_none
from outpost.domain.metrics import MetricReading, RemotePost

BATCH = 50  # URNs per batch request (LinkedIn's pages give no maximum; 50 keeps URLs short)
PAGE = 50  # posts per page when listing the author's posts
_ESCAPED = re.compile(r"\\([\\|{}@\[\]()<>#*_~])")
_ORGANIZATION = re.compile(r"^urn:li:organization:\d+$")

#: Why a personal profile gets no first comment (the class attribute the composer shows).
PERSONAL_NO_COMMENT = (
    "LinkedIn lets Outpost add a first comment only on a page's posts: commenting through "
    "LinkedIn's API (socialActions comments) belongs to the Community Management API, which acts "
    "for organization pages; a personal profile's sign-in (Share on LinkedIn) cannot comment, so "
    "add the comment on linkedin.com."
)


def is_page(author: str | None) -> bool:
    """Whether the account posts as an organization page (`urn:li:organization:…`)."""
    return bool(author and _ORGANIZATION.match(author))


def restli_list(urns: Iterable[str]) -> str:
    """`List(urn%3Ali%3Ashare%3A1,…)`: Rest.li 2.0's list, each URN encoded inside it."""
    return "List(" + ",".join(quote(u, safe="") for u in urns) + ")"


def share_statistics_query(organization: str, urns: list[str]) -> str:
    """The query string of a lifetime share-statistics request for these posts."""
    shares = [u for u in urns if u.startswith("urn:li:share:")]
    ugc = [u for u in urns if not u.startswith("urn:li:share:")]
    query = f"q=organizationalEntity&organizationalEntity={quote(organization, safe='')}"
    if shares:
        query += f"&shares={restli_list(shares)}"
    if ugc:
        query += f"&ugcPosts={restli_list(ugc)}"
    return query


def page_readings(body: dict[str, Any], now: datetime) -> list[MetricReading]:
    """Share statistics' elements as readings (posts LinkedIn no longer has are not among them)."""
    readings = []
    for element in body.get("elements") or []:
        if not isinstance(element, dict):
            continue
        urn = element.get("share") or element.get("ugcPost")
        stats = element.get("totalShareStatistics")
        if not isinstance(urn, str) or not isinstance(stats, dict):
            continue
        readings.append(
            MetricReading(
                platform_post_id=urn,
                read_at=now,
                impressions=count_or_none(stats.get("impressionCount")),
                reach=count_or_none(stats.get("uniqueImpressionsCount")),
                clicks=count_or_none(stats.get("clickCount")),
                likes=count_or_none(stats.get("likeCount")),
                replies=count_or_none(stats.get("commentCount")),
                reposts=count_or_none(stats.get("shareCount")),
            )
        )
    return readings


def member_readings(body: dict[str, Any], asked: list[str], now: datetime) -> list[MetricReading]:
    """A socialMetadata batch answer as readings; URNs in `errors` (deleted posts) are left out."""
    results = body.get("results")
    pairs = results.items() if isinstance(results, dict) else ()
    found = {unquote(str(k)): v for k, v in pairs if isinstance(v, dict)}
    readings = []
    for urn in asked:
        meta = found.get(urn)
        if meta is None:
            continue
        reactions = meta.get("reactionSummaries")
        counts = [
            c
            for r in (reactions.values() if isinstance(reactions, dict) else [])
            if isinstance(r, dict) and (c := count_or_none(r.get("count"))) is not None
        ]
        comments = meta.get("commentSummary")
        readings.append(
            MetricReading(
                platform_post_id=urn,
                read_at=now,
                likes=sum(counts) if isinstance(reactions, dict) else None,
                replies=count_or_none(comments.get("count")) if isinstance(comments, dict) else None,
            )
        )
    return readings


def remote_posts(elements: list[Any], since: datetime) -> tuple[list[RemotePost], bool]:
    """The author's own published posts among `elements` since `since`, and whether older ones began."""
    posts, older = [], False
    for element in elements:
        if not isinstance(element, dict) or not isinstance(element.get("id"), str):
            continue
        created = element.get("createdAt")
        if not isinstance(created, int):
            continue
        at = datetime.fromtimestamp(created / 1000, UTC)
        if at < since:
            older = True
            continue
        if element.get("reshareContext") or element.get("lifecycleState", "PUBLISHED") != "PUBLISHED":
            continue  # a reshare of someone's post, or a draft: not the author's own published post
        urn = element["id"]
        posts.append(
            RemotePost(
                platform_post_id=urn,
                permalink=f"https://www.linkedin.com/feed/update/{urn}",
                text=_ESCAPED.sub(r"\1", str(element.get("commentary") or "")),
                created_at=at,
            )
        )
    return posts, older


__all__ = [
    "BATCH",
    "PAGE",
    "PERSONAL_NO_COMMENT",
    "is_page",
    "member_readings",
    "page_readings",
    "remote_posts",
    "restli_list",
    "share_statistics_query",
]
