"""How a post's status follows from its targets once publishing has started."""

from __future__ import annotations

from collections.abc import Iterable

from outpost.domain.enums import PostStatus, TargetStatus


def derive_post_status(statuses: Iterable[TargetStatus]) -> PostStatus:
    """The post status that summarises its targets' statuses.

    An unknown outcome wins over everything (a person must look), then work still in flight; a
    mix of published and failed is `partially_published`. Cancelled targets do not count.
    """
    live = [s for s in statuses if s is not TargetStatus.CANCELLED]
    if not live:
        return PostStatus.CANCELLED
    if TargetStatus.UNKNOWN in live:
        return PostStatus.NEEDS_REVIEW
    if TargetStatus.PUBLISHING in live:
        return PostStatus.PUBLISHING
    published = live.count(TargetStatus.PUBLISHED)
    failed = live.count(TargetStatus.FAILED)
    if published == len(live):
        return PostStatus.PUBLISHED
    if failed == len(live):
        return PostStatus.FAILED
    if published and failed and published + failed == len(live):
        return PostStatus.PARTIALLY_PUBLISHED
    # Some targets are still pending (e.g. a retry of one target) or held by a network's own
    # scheduler until it confirms them: the post is under way.
    return PostStatus.PUBLISHING
