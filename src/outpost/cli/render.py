"""The JSON shapes of INTERFACE.md, and short human-readable text for the same data."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from outpost.domain.campaigns import Campaign
from outpost.domain.enums import TargetStatus
from outpost.domain.errors import KnownError, ValidationError
from outpost.domain.models import Account, MediaAsset, Post, Target

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

    `campaigns` (by id) names the post's campaign; without them it is shown by id only.
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
    }


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
        "error": None
        if error is None
        else {"code": error.code.value, "message": error.message, "retry_at": iso(error.retry_at)},
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
    if campaign_id is None:
        return None
    campaign = campaigns.get(campaign_id)
    if campaign is None:
        return {"id": campaign_id, "name": None, "colour": None}
    return {"id": campaign.id, "name": campaign.name, "colour": campaign.colour}


def error_json(error: KnownError, code: str) -> Json:
    """An error as one JSON document (`--json` keeps stdout parseable even when a command fails)."""
    body: Json = {"code": code, "message": error.text()}
    cause = getattr(error, "cause", None)  # what failed, in a word, where the error says (media host)
    if cause is not None:
        body["cause"] = str(cause)
    if isinstance(error, ValidationError):
        body["problems"] = [p.as_dict() for p in error.problems]
    return {"error": body}


# -- text -----------------------------------------------------------------------------------------

_MARKS = {
    TargetStatus.PENDING: "·",
    TargetStatus.SCHEDULED_ON_NETWORK: "☁",
    TargetStatus.PUBLISHING: "…",
    TargetStatus.PUBLISHED: "✓",
    TargetStatus.FAILED: "✗",
    TargetStatus.UNKNOWN: "?",
    TargetStatus.CANCELLED: "-",
}


def post_text(
    post: Post, accounts: dict[str, Account], campaigns: Mapping[str, Campaign] | None = None
) -> str:
    """A post in a few lines, for people."""
    lines = [f"{post.id}  {post.status.value}{_when(post)}"]
    filed = [f"“{post.title}”"] if post.title else []
    campaign = (campaigns or {}).get(post.campaign_id or "")
    filed += [f"campaign {campaign.name}"] if campaign else []
    filed += [" ".join(f"#{t}" for t in post.tags)] if post.tags else []
    if filed:
        lines.append("  " + "  ".join(filed))
    first = post.text.splitlines()[0] if post.text else "(no text)"
    more = "…" if len(first) > 70 or len(post.text.splitlines()) > 1 else ""
    lines.append(f"  {first[:70]}{more}")
    if post.thread:
        lines.append(f"  + {len(post.thread)} more part(s) in the thread")
    for m in post.all_media:
        lines.append(f"  [{m.mime_type}] {m.path}" + ("" if m.alt_text else "  (no alt text)"))
    for t in post.targets:
        account = accounts.get(t.account_id)
        name = account.ref if account else t.account_id
        detail = t.permalink or (t.error.message if t.error else "")
        lines.append(f"  {_MARKS[t.status]} {name}  {t.status.value}  {detail}".rstrip())
    if post.review_reason:
        lines.append(f"  ! {post.review_reason}")
    return "\n".join(lines)


def _when(post: Post) -> str:
    if post.scheduled_at is None:
        return ""
    zone = post.timezone or "UTC"
    local = post.scheduled_at.astimezone(ZoneInfo(zone))
    return f"  {local:%Y-%m-%d %H:%M} {zone}"


def account_text(account: Account) -> str:
    """An account in one line, for people."""
    health = account.health
    note = f"  {health.message}" if health.message else ""
    return f"{account.id}  {account.ref}  {health.state.value}{note}"
