"""Settling targets whose outcome is unknown by looking for them on the networks.

When a create request's answer is lost, Outpost does not know whether the network has the post
and never re-sends it on its own. Where a network lets Outpost read the account's recent posts,
this looks for the part that was being sent; found, it counts as published.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from outpost.domain.enums import ErrorCode, TargetStatus
from outpost.domain.errors import InvalidStateError, KnownError
from outpost.domain.models import Post, PublishedPart, Target, TargetError
from outpost.engine.core import EngineCore
from outpost.engine.publisher import Publisher


async def look_for_unknown(core: EngineCore, publisher: Publisher, post: Post) -> Post:
    """Look on the networks for each `unknown` target of `post`; returns the post settled.

    For each `unknown` target the network is asked for the account's posts since the post
    last changed (which is when the answer got lost). Found: the part counts as published —
    the target is done, or, in a thread, `failed` so a retry sends the remaining parts.
    Not found: it stays `unknown` with what Outpost saw; the person decides (retry with
    `--account`), since a network may show a new post late.

    Raises:
        InvalidStateError: the post has no target with an unknown outcome.
    """
    unknown = [t for t in post.targets if t.status is TargetStatus.UNKNOWN]
    if not unknown:
        raise InvalidStateError(f"Post {post.id} has no target whose outcome is unknown.")
    since = post.updated_at - timedelta(minutes=10)
    for target in unknown:
        account = await core.db.run(core.store.accounts.get, target.account_id)
        adapter = core.connections.adapter(account.network)
        parts = post.parts_for(target)
        index = target.sending_part if target.sending_part is not None else len(target.parts)
        try:
            found = await adapter.find_published(core.connections.context(account), parts[index], since)
        except KnownError as exc:
            updated = target.model_copy(
                update={"error": TargetError(code=ErrorCode.UNKNOWN_OUTCOME, message=str(exc))}
            )
        else:
            where = _Where(account.ref, account.network.label, since, core.clock.now())
            updated = _settled(target, found, index, len(parts), where)
        await core.db.run(core.store.posts.save_target, post.id, updated, now=core.clock.now())
    return await publisher.settle(post.id)


@dataclass(frozen=True)
class _Where:
    """Where and when Outpost looked: the account, its network, since when, and now."""

    ref: str
    label: str
    since: datetime
    now: datetime


def _settled(target: Target, found: PublishedPart | None, index: int, count: int, where: _Where) -> Target:
    """The target after looking on the network for part `index` of `count`."""
    part = f"part {index + 1} of {count}" if count > 1 else "the post"
    if found is None:
        message = (
            f"Outpost looked through {where.ref}'s posts on {where.label} since "
            f"{where.since:%Y-%m-%d %H:%M} UTC and did not find {part}. If you agree it did not go "
            f"out, retry it for this account."
        )
        error = TargetError(code=ErrorCode.UNKNOWN_OUTCOME, message=message)
        return target.model_copy(update={"error": error})
    parts = (*target.parts, found)
    if len(parts) == count:
        return target.model_copy(
            update={
                "status": TargetStatus.PUBLISHED,
                "parts": parts,
                "sending_part": None,
                "error": None,
                "published_at": where.now,
            }
        )
    message = (
        f"Found {part} on {where.label}; the remaining parts were not sent. Retry to send them "
        f"(the thread continues from the part found)."
    )
    return target.model_copy(
        update={
            "status": TargetStatus.FAILED,
            "parts": parts,
            "sending_part": None,
            "error": TargetError(code=ErrorCode.UNKNOWN_OUTCOME, message=message),
        }
    )
