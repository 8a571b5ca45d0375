"""Handing scheduled posts to networks that schedule by themselves, so they go out with Outpost closed.

Mastodon (`scheduled_at`), YouTube (`publishAt`) and Facebook Pages (`scheduled_publish_time`) can
hold a post and publish it at its time without Outpost running (issue #20). With the setting
`native_scheduling = when_possible`, a scheduled post's target on such an account is handed over
as soon as it is eligible (the network's `NativeSchedule` window, one part only), and its target
shows `scheduled_on_network`. Any change to the post first withdraws what was handed over (an
edit, a new time, a cancel or a delete), so the network never publishes an old version; the
changed post is handed over again. After its time, the publisher confirms each handed-over target
on the network (`Publisher.confirm`), and records it as published with its permalink.

Safety is the publisher's: a target is claimed (pending → publishing) before the create request,
`sending_part` marks the request on the wire, and a lost answer on a network that does not
deduplicate leaves the target `unknown` — never handed over (or published) twice.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime, timedelta

from outpost.domain.enums import NativeScheduling, PostStatus, TargetStatus
from outpost.domain.errors import InvalidStateError, KnownError, PublishError
from outpost.domain.models import Post, Target
from outpost.engine.core import EngineCore
from outpost.engine.events import PostDidChange
from outpost.engine.publisher import Publisher

log = logging.getLogger("outpost.engine.handover")

#: Hand over only this much earlier than the network's minimum (a slow upload must not miss it).
SAFETY_MARGIN = timedelta(minutes=2)
#: After a network refused a hand-over, the scheduler's passes leave that target alone this long.
RETRY_AFTER = timedelta(minutes=15)
#: Without a change to the queue, scheduled posts are looked through this often (a Facebook post
#: 31 days ahead becomes eligible as time passes); a change makes the next pass look at once.
RESCAN_EVERY = timedelta(minutes=5)


class Handover:
    """Hands eligible targets to the networks' schedulers and withdraws them before changes."""

    def __init__(self, core: EngineCore, publisher: Publisher) -> None:
        self._core = core
        self._publisher = publisher
        self._busy: set[str] = set()  # target ids being handed over by this engine
        self._refused_until: dict[str, datetime] = {}  # target id → no new try before
        self._next_scan: datetime | None = None  # when a pass without changes looks again
        self._tasks: set[asyncio.Task[None]] = set()

    # -- handing over ------------------------------------------------------------------------------

    def eligible(self, post: Post, target: Target) -> bool:
        """Whether `target` of scheduled `post` can go to its network's scheduler now."""
        if self._core.settings.native_scheduling is not NativeScheduling.WHEN_POSSIBLE:
            return False
        if post.status is not PostStatus.SCHEDULED or post.scheduled_at is None:
            return False
        if target.status is not TargetStatus.PENDING or target.parts:
            return False
        try:
            window = self._core.connections.adapter(target.network).native_schedule
        except KnownError:
            return False
        if window is None or (window.single_part_only and post.thread_for(target)):
            return False
        if post.first_comment and self._core.connections.adapter(target.network).first_comment:
            return False  # the first comment must follow the post at once: Outpost publishes it

        ahead = post.scheduled_at - self._core.clock.now()
        if ahead < window.min_ahead + SAFETY_MARGIN:
            return False
        return window.max_ahead is None or ahead <= window.max_ahead

    async def hand_over_post(self, post_id: str) -> Post:
        """Hand over every eligible target of one post now (after it was scheduled); the post as it is."""
        post = await self._core.db.run(self._core.store.posts.get, post_id)
        await asyncio.gather(*(self._hand_over(post, t) for t in post.targets if self.eligible(post, t)))
        return await self._core.db.run(self._core.store.posts.get, post_id)

    async def hand_over_ready(self, *, changed: bool = True) -> None:
        """Start handing over whatever became eligible (the scheduler's pass); does not wait.

        `changed`: the queue changed since the last pass. Otherwise (the scheduler's timed naps)
        the scheduled posts are read again only every RESCAN_EVERY, not at every wake-up.
        """
        if self._core.settings.native_scheduling is not NativeScheduling.WHEN_POSSIBLE:
            return
        now = self._core.clock.now()
        if not changed and self._next_scan is not None and now < self._next_scan:
            return
        self._next_scan = now + RESCAN_EVERY
        for post in await self._core.db.run(self._core.store.posts.all, statuses=[PostStatus.SCHEDULED]):
            for target in post.targets:
                if target.id in self._busy or self._refused_until.get(target.id, now) > now:
                    continue
                if self.eligible(post, target):
                    task = asyncio.create_task(
                        self._hand_over(post, target), name=f"outpost-handover-{target.id}"
                    )
                    self._tasks.add(task)
                    task.add_done_callback(self._tasks.discard)

    @property
    def in_flight(self) -> int:
        """How many hand-overs are running in the background."""
        return len(self._tasks)

    async def drain(self) -> None:
        """Wait for the hand-overs in progress (closing)."""
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _hand_over(self, post: Post, target: Target) -> None:
        assert post.scheduled_at is not None
        self._busy.add(target.id)
        try:
            if not await self._publisher.hand_over(post, target, post.scheduled_at):
                self._refused_until[target.id] = self._core.clock.now() + RETRY_AFTER
        except Exception:  # a bug must not stop the scheduler; Outpost still publishes it itself
            log.exception("handing %s of %s over failed unexpectedly", target.id, post.id)
        finally:
            self._busy.discard(target.id)
        self._core.events.emit(PostDidChange(post.id, None))

    # -- withdrawing -------------------------------------------------------------------------------

    async def withdraw(self, post: Post, *, verb: str) -> Post:
        """Take every handed-over target of `post` back from its network before `post` changes.

        Each withdrawn target is pending again (Outpost publishes it, or hands it over again).

        Raises:
            InvalidStateError: a network could not be asked; nothing about the post changed
                (the network still holds it, so changing it here would publish an old version).
        """
        held = [t for t in post.targets if t.status is TargetStatus.SCHEDULED_ON_NETWORK]
        for target in held:
            try:
                await self._publisher.withdraw(post, target)
            except PublishError as exc:
                raise InvalidStateError(
                    f"Post {post.id} is held by {target.network.label}'s own scheduler and could not "
                    f"be taken back ({exc}); it was not {verb}. Try again when {target.network.label} "
                    f"answers, or change it there."
                ) from None
        if held:
            self._core.events.emit(PostDidChange(post.id, None))
        return await self._core.db.run(self._core.store.posts.get, post.id)
