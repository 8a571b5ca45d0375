"""The JSON shapes of INTERFACE.md, and short human-readable text for the same data."""

from __future__ import annotations

from collections.abc import Mapping
from zoneinfo import ZoneInfo

from outpost.domain.campaigns import Campaign
from outpost.domain.enums import TargetStatus
from outpost.domain.errors import KnownError, ValidationError
from outpost.domain.models import Account, Post
from outpost.domain.shapes import Json, account_json, iso, post_json

__all__ = ["Json", "account_json", "error_json", "iso", "post_json"]


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
    if post.first_comment:
        comment = post.first_comment.splitlines()[0] if post.first_comment.strip() else ""
        lines.append(f"  first comment: {comment[:60]}{'…' if len(comment) > 60 else ''}")
    for m in post.all_media:
        lines.append(f"  [{m.mime_type}] {m.path}" + ("" if m.alt_text else "  (no alt text)"))
    for t in post.targets:
        account = accounts.get(t.account_id)
        name = account.ref if account else t.account_id
        detail = t.permalink or (t.error.message if t.error else "")
        lines.append(f"  {_MARKS[t.status]} {name}  {t.status.value}  {detail}".rstrip())
        if t.verification is not None:  # the last read-back from the network (#20)
            seen = t.verification
            said = f": {seen.message}" if seen.message else ""
            lines.append(
                f"      {seen.state.value.replace('_', ' ')} at {seen.checked_at:%Y-%m-%d %H:%M} UTC{said}"
            )
        if t.first_comment is not None and t.first_comment.status != "posted":
            said = t.first_comment.error.message if t.first_comment.error else ""
            lines.append(f"      first comment {t.first_comment.status}  {said}".rstrip())
    if post.review_reason:
        lines.append(f"  ! {post.review_reason}")
    if post.repeat is not None:  # issue #22
        end = " (series ended)" if post.repeat.ended else ""
        lines.append(f"  ↻ repeats {post.repeat.rule}, series {post.repeat.series_id}{end}")
    if post.evergreen:
        lines.append("  ♻ evergreen")
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
