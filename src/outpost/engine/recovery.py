"""What a starting engine does about the past: abandoned publishes and posts missed while closed."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from outpost.domain.enums import ErrorCode, PostStatus, TargetStatus
from outpost.domain.errors import KnownError
from outpost.domain.models import Post, Target, TargetError
from outpost.engine.connections import Connections
from outpost.engine.instance import InstanceLock
from outpost.engine.worker import StoreWorker
from outpost.store import Store

log = logging.getLogger("outpost.engine.recovery")


async def recover_abandoned(
    *, store: Store, worker: StoreWorker, connections: Connections, lock: InstanceLock, now: datetime
) -> list[str]:
    """Settle targets left `publishing` by an engine that died; returns the posts to resume.

    A target whose create request was not on the wire goes back to `pending` (safe to send). One
    whose request was on the wire becomes `unknown` — unless its network deduplicates by
    idempotency key, in which case re-sending with the same key is safe.
    """
    touched: set[str] = set()
    for post_id, target in await worker.run(store.posts.in_flight):
        if target.claimed_by and lock.is_alive(target.claimed_by):
            continue
        touched.add(post_id)
        recovered = _recovered(target, _idempotent(connections, target))
        await worker.run(store.posts.save_target, post_id, recovered, now=now)
        log.warning("recovered %s of %s as %s", target.id, post_id, recovered.status)
    for post in await worker.run(store.posts.all, statuses=[PostStatus.PUBLISHING]):
        if not any(t.status is TargetStatus.PUBLISHING for t in post.targets):
            touched.add(post.id)
    return sorted(touched)


def _idempotent(connections: Connections, target: Target) -> bool:
    try:
        return connections.adapter(target.network).idempotent_publish
    except KnownError:
        return False


def _recovered(target: Target, idempotent: bool) -> Target:
    if target.sending_part is None or idempotent:
        return target.model_copy(update={"status": TargetStatus.PENDING, "claimed_by": None})
    part = target.sending_part + 1
    return target.model_copy(
        update={
            "status": TargetStatus.UNKNOWN,
            "claimed_by": None,
            "error": TargetError(
                code=ErrorCode.UNKNOWN_OUTCOME,
                message=f"Outpost stopped while sending part {part} to {target.network.label}; "
                f"it cannot tell whether the network received it and will not send it again on "
                f"its own. Check the account, then retry or leave it.",
            ),
        }
    )


def missed_reason(post: Post, *, asleep: bool = False, offline: bool = False) -> str:
    """Why a missed post waits, in the creator's own time zone."""
    assert post.scheduled_at is not None
    zone = post.timezone or "UTC"
    local = post.scheduled_at.astimezone(ZoneInfo(zone))
    where = "this computer was offline" if offline else "the computer was asleep" if asleep else ""
    return (
        f"Missed: it was due {local:%Y-%m-%d %H:%M} ({zone}) while "
        f"{where or 'Outpost was not running'}. "
        f"Publish it now, reschedule it, or cancel it."
    )


def on_time_note(post: Post) -> str:
    """` (Mastodon published it on time)` for a missed post whose networks held a part; else ``."""
    networks = sorted(
        {t.network.label for t in post.targets if t.status is TargetStatus.SCHEDULED_ON_NETWORK}
    )
    return f" ({', '.join(networks)} published it on time)" if networks else ""


def mixed_reason(post: Post, on_network: list[Target], *, asleep: bool = False, offline: bool = False) -> str:
    """Why a post whose networks published on time waits for its other accounts (#20)."""
    missed = missed_reason(post, asleep=asleep, offline=offline).removesuffix(
        " Publish it now, reschedule it, or cancel it."
    )
    networks = ", ".join(sorted({t.network.label for t in on_network}))
    return (
        f"{missed} {networks} held it and published it on time; the other accounts were missed. "
        f"Publish now sends it to them; Cancel leaves it where it is."
    )


async def hold_missed(
    *,
    store: Store,
    worker: StoreWorker,
    now: datetime,
    grace: timedelta,
    since: datetime | None = None,
    offline: bool = False,
) -> list[Post]:
    """Move scheduled posts that are more than `grace` late to `needs_review`; returns them.

    `since`: only posts due after it (those that came due while the machine slept).
    """
    held = []
    for post in await late_posts(store=store, worker=worker, now=now, grace=grace, since=since):
        post_id = post.id
        held_by_network = [t for t in post.targets if t.status is TargetStatus.SCHEDULED_ON_NETWORK]
        if held_by_network and not any(t.status is TargetStatus.PENDING for t in post.targets):
            continue  # the networks published it on time; the scheduler confirms it, nothing to hold
        reason = missed_reason(post, asleep=since is not None, offline=offline)
        if held_by_network:  # partly the networks' (out on time), partly Outpost's (missed): hold ours
            reason = mixed_reason(post, held_by_network, asleep=since is not None, offline=offline)
        changed = await worker.run(
            store.posts.set_status,
            post_id,
            PostStatus.NEEDS_REVIEW,
            now=now,
            expected=[PostStatus.SCHEDULED],
            review_reason=reason,
        )
        if changed:
            held.append(await worker.run(store.posts.get, post_id))
    return held


async def late_posts(
    *,
    store: Store,
    worker: StoreWorker,
    now: datetime,
    grace: timedelta,
    since: datetime | None = None,
    offline: bool = False,
) -> list[Post]:
    """Scheduled posts more than `grace` late (published late under the `publish` policy).

    `since`: only posts due after it (those that came due while the machine slept).
    `offline`: they came due while the machine was offline (the same posts; said so elsewhere).
    """
    del offline
    ids = await worker.run(store.posts.due_post_ids, now - grace)
    posts = [await worker.run(store.posts.get, i) for i in ids]
    return [p for p in posts if since is None or (p.scheduled_at is not None and p.scheduled_at > since)]


def late_by(delta: timedelta) -> str:
    """How late, in words a person reads at a glance: `2 h 14 min`, `3 d 1 h`, `40 s`."""
    seconds = max(0, int(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days:
        return f"{days} d {hours} h" if hours else f"{days} d"
    if hours:
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{minutes} min" if minutes else f"{seconds} s"
