"""What the TikTok adapter keeps per account between runs, as checkpoints (never a secret).

Two notes:

- A publish note per caption: the upload's `publish_id` (saved before the first byte of a video,
  and before a photo post's init, which is the create there) and the photos put on the media
  host. After a crash or a lost answer, `find_published` asks TikTok about that id instead of
  guessing; the note goes once TikTok says the post is out or failed.
- The unaudited note: when TikTok said the account's developer app is not audited (it only says
  so by refusing an init), with the app's client key. Believed for a week, or until the account
  uses another app.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from outpost.adapters.base import AccountContext, HostedFile

UNAUDITED = "unaudited"
UNAUDITED_MEMORY = timedelta(days=7)


@dataclass(frozen=True)
class PublishNote:
    """An upload under way: TikTok's id for it (None until the photo init answered) and its photos."""

    publish_id: str | None
    photo: bool = False
    hosted: tuple[HostedFile, ...] = field(default=())


def _key(text: str) -> str:
    return "publish:" + hashlib.sha256(text.encode()).hexdigest()[:32]


async def note_publish(ctx: AccountContext, text: str, note: PublishNote, now: datetime) -> None:
    """Remember the upload for the post with caption `text` (committed before returning)."""
    value = {
        "publish_id": note.publish_id,
        "photo": note.photo,
        "started": now.isoformat(),
        "hosted": [[h.url, h.key, h.expires_at.isoformat()] for h in note.hosted],
    }
    await ctx.save_checkpoint(_key(text), json.dumps(value))


async def publish_note(ctx: AccountContext, text: str) -> PublishNote | None:
    """The upload noted for `text`, if any (an unreadable note counts as none)."""
    raw = await ctx.checkpoint(_key(text))
    try:
        value = json.loads(raw) if raw else None
        if not isinstance(value, dict):
            return None
        hosted = tuple(
            HostedFile(url=str(url), key=str(key), expires_at=datetime.fromisoformat(str(ends)))
            for url, key, ends in value.get("hosted") or []
        )
    except (ValueError, TypeError):
        return None
    publish_id = value.get("publish_id")
    return PublishNote(
        publish_id if isinstance(publish_id, str) else None, value.get("photo") is True, hosted
    )


async def forget_publish(ctx: AccountContext, text: str) -> None:
    """The outcome is known: the note is not needed any more."""
    await ctx.forget_checkpoint(_key(text))


async def unaudited_since(ctx: AccountContext, now: datetime) -> datetime | None:
    """When TikTok said this account's app is unaudited, if that is still worth believing.

    Forgotten after a week (an audit takes weeks; past that the next init asks TikTok again, which
    refuses before any byte is sent) or when the account now uses another app (client key).
    """
    raw = await ctx.checkpoint(UNAUDITED)
    if not raw:
        return None
    try:
        value = json.loads(raw)
        since = datetime.fromisoformat(value["since"])
        key = str(value.get("client_key") or "")
    except (ValueError, KeyError, TypeError):
        await ctx.forget_checkpoint(UNAUDITED)
        return None
    current = (await ctx.credentials()).get("client_id", "")
    if now - since > UNAUDITED_MEMORY or (key and current and key != current):
        await ctx.forget_checkpoint(UNAUDITED)
        return None
    return since


async def remember_unaudited(ctx: AccountContext, now: datetime) -> None:
    """TikTok just refused an init because the app is unaudited: keep that for the account."""
    key = (await ctx.credentials()).get("client_id", "")
    await ctx.save_checkpoint(UNAUDITED, json.dumps({"since": now.isoformat(), "client_key": key}))


__all__ = [
    "UNAUDITED",
    "UNAUDITED_MEMORY",
    "PublishNote",
    "forget_publish",
    "note_publish",
    "publish_note",
    "remember_unaudited",
    "unaudited_since",
]
