"""The JSON shapes of posts and accounts (INTERFACE.md), in one place for every front.

The command line prints them (`cli/render.py`) and hooks send them (`engine/hooks.py`): a
receiver sees a post exactly as `outpost --json post show` prints it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from outpost.domain.campaigns import Campaign
from outpost.domain.models import Account, MediaAsset, Post, Target, TargetError

Json = dict[str, Any]


def iso(value: datetime | None) -> str | None:
    """`2026-12-01T09:00:00Z`, or None."""
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%SZ")


def account_json(account: Account) -> Json:
    """An account as INTERFACE.md shows it."""
    health = account.health
    return {
        "id": account.id,
        "network": account.network.value,
        "handle": account.handle,
        "display_name": account.display_name,
        "service_url": account.service_url,
        "health": {
            "state": health.state.value,
            "token_is_valid": health.token_is_valid,
            "token_has_scopes": health.token_has_scopes,
            "rate_limited": health.rate_limited,
            "is_active_user": health.is_active_user,
            "checked_at": iso(health.checked_at),
            "message": health.message,
        },
    }


def post_json(post: Post, campaigns: Mapping[str, Campaign] | None = None) -> Json:
    """A post as INTERFACE.md shows it (plus `review_reason` when it waits for a person).

    `campaigns` (by id) names the post's campaign (issue #24); without them it is shown by id only.
    """
    return {
        "id": post.id,
        "status": post.status.value,
        "title": post.title,
        "tags": list(post.tags),
        "campaign": _campaign_json(post.campaign_id, campaigns or {}),
        "text": post.text,
        "scheduled_at": iso(post.scheduled_at),
        "timezone": post.timezone,
        "created_at": iso(post.created_at),
        "updated_at": iso(post.updated_at),
        "media": [_media_json(m) for m in post.media],
        "thread": list(post.thread),
        "thread_media": [[_media_json(m) for m in part] for part in post.thread_media],
        "targets": [_target_json(post, t) for t in post.targets],
        "review_reason": post.review_reason,
        "repeat": None if post.repeat is None else post.repeat.model_dump(mode="json"),
        "evergreen": post.evergreen,
        "first_comment": post.first_comment,
        "utm_links": list(post.utm_links),
    }


def _media_json(m: MediaAsset) -> Json:
    return {
        "id": m.id,
        "path": m.path,
        "mime_type": m.mime_type,
        "width": m.width,
        "height": m.height,
        "size": m.size,
        "duration_s": m.duration_s,
        "alt_text": m.alt_text,
    }


def _campaign_json(campaign_id: str | None, campaigns: Mapping[str, Campaign]) -> Json | None:
    """A post's campaign: `{"id", "name", "colour"}` (name and colour None if not given), or None."""
    if campaign_id is None:
        return None
    campaign = campaigns.get(campaign_id)
    if campaign is None:
        return {"id": campaign_id, "name": None, "colour": None}
    return {"id": campaign.id, "name": campaign.name, "colour": campaign.colour}


def _target_json(post: Post, target: Target) -> Json:
    error = target.error
    return {
        "account_id": target.account_id,
        "network": target.network.value,
        "text": post.text_for(target),
        "thread": list(post.thread_for(target)),
        "options": target.options,
        "status": target.status.value,
        "platform_post_id": target.platform_post_id,
        "permalink": target.permalink,
        "thread_post_ids": target.thread_post_ids,
        "attempts": target.attempts,
        "published_at": iso(target.published_at),
        "verified_at": iso(target.verified_at),
        "deleted_at": iso(target.deleted_at),  # deleted from the network by Outpost (issue #24)
        "verification": _verification_json(target),
        "error": _error_json(error),
        **_first_comment_json(target),
    }


def _verification_json(target: Target) -> Json | None:
    """The last read-back from the network (#20): `{state, checked_at, message}`, or null."""
    seen = target.verification
    if seen is None:
        return None
    return {"state": seen.state.value, "checked_at": iso(seen.checked_at), "message": seen.message}


def _error_json(error: TargetError | None) -> Json | None:
    if error is None:
        return None
    return {"code": error.code.value, "message": error.message, "retry_at": iso(error.retry_at)}


def _first_comment_json(target: Target) -> Json:
    """`first_comment_id` (INTERFACE.md) and the comment's own status and error, apart from the post's.

    `first_comment_status` is null where the post has no first comment for this account (none, or
    the network takes none), else `pending|sending|posted|failed|unknown`.
    """
    state = target.first_comment
    posted = state.part if state is not None else None
    return {
        "first_comment_id": posted.platform_post_id if posted else None,
        "first_comment_permalink": posted.permalink if posted else None,
        "first_comment_status": state.status if state else None,
        "first_comment_error": _error_json(state.error) if state else None,
    }
