"""`engine.posts`: drafts, schedules and published posts, from create to delete.

Guarantees (see `Engine`): every change is committed before it is reported, a post is never
published twice (the publisher claims it), and validation reports every problem at once.
"""

from __future__ import annotations

import builtins
from collections.abc import Sequence
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from outpost.domain.enums import PostStatus, TargetStatus
from outpost.domain.errors import InvalidStateError, KnownError, Problem, ValidationError
from outpost.domain.ids import new_id
from outpost.domain.models import Post
from outpost.engine import composer
from outpost.engine.accounts import AccountsService
from outpost.engine.composer import PostChanges, PostInput, When
from outpost.engine.core import EngineCore
from outpost.engine.events import PostDidChange
from outpost.engine.handover import Handover
from outpost.engine.library import LibraryService
from outpost.engine.media import MediaService
from outpost.engine.publisher import Publisher
from outpost.engine.scheduler import Scheduler
from outpost.engine.slots import SlotsService
from outpost.engine.staging import Stager

if TYPE_CHECKING:
    from outpost.domain.calendar import CalendarDays

_EDITABLE = (PostStatus.DRAFT, PostStatus.SCHEDULED, PostStatus.FAILED, PostStatus.NEEDS_REVIEW)
_UNTOUCHED_TARGETS = (TargetStatus.PENDING, TargetStatus.FAILED, TargetStatus.CANCELLED)
_RETRYABLE = (PostStatus.FAILED, PostStatus.PARTIALLY_PUBLISHED, PostStatus.NEEDS_REVIEW)


class PostsService:
    """Posts: read, create, check, edit, schedule, publish, cancel, retry, look for, delete."""

    def __init__(
        self,
        core: EngineCore,
        *,
        accounts: AccountsService,
        media: MediaService,
        slots: SlotsService,
        library: LibraryService,
        publisher: Publisher,
        scheduler: Scheduler,
        handover: Handover,
    ) -> None:
        self._core = core
        self._library = library
        self._accounts = accounts
        self._media = media
        self._slots = slots
        self._publisher = publisher
        self._scheduler = scheduler
        self._handover = handover
        self._stager = Stager(core, accounts, media)

    # -- reading -----------------------------------------------------------------------------------

    async def list(
        self,
        statuses: Sequence[PostStatus] = (),
        *,
        limit: int | None = None,
        offset: int = 0,
        search: str = "",
        newest_first: bool = False,
        tag: str | None = None,
        campaign: str | None = None,
    ) -> list[Post]:
        """Posts, oldest first (or newest first, as a queue shows them), optionally filtered.

        `search` looks in the title, text and thread; `tag` matches without case; `campaign` is a
        campaign's name or id (an unknown one is a NotFoundError naming the campaigns there are).
        """
        campaign_id = None
        if campaign:
            campaign_id = (await self._core.db.run(self._core.store.campaigns.find, campaign)).id
        return await self._core.db.run(
            self._core.store.posts.all,
            statuses=statuses,
            limit=limit,
            offset=offset,
            search=search,
            newest_first=newest_first,
            tag=tag,
            campaign_id=campaign_id,
        )

    async def calendar(
        self, start: datetime, end: datetime, statuses: Sequence[PostStatus], zone: tzinfo, per_day: int
    ) -> CalendarDays:
        """The calendar's lines for [start, end): at most `per_day` per day in `zone`, the rest counted."""
        return await self._core.db.run(self._core.store.posts.calendar, start, end, statuses, zone, per_day)

    async def get(self, post_id: str) -> Post:
        """One post."""
        return await self._core.db.run(self._core.store.posts.get, post_id)

    # -- the composer's draft ----------------------------------------------------------------------

    def remember_draft(self, post_id: str | None) -> None:
        """Note which draft the composer has open, so the next start reopens it."""
        if self._core.settings.composer_draft_id != post_id:
            self._core.settings.composer_draft_id = post_id
            self._core.save_settings()

    async def open_draft(self) -> Post | None:
        """The draft the composer had open when Outpost last closed, if it is still a draft."""
        post_id = self._core.settings.composer_draft_id
        if post_id is None:
            return None
        try:
            post = await self.get(post_id)
        except KnownError:
            return None
        return post if post.status is PostStatus.DRAFT else None

    # -- writing -----------------------------------------------------------------------------------

    async def create(self, request: PostInput, when: When | None = None, *, validate: bool = True) -> Post:
        """Create a post as a draft, scheduled, or published now (then return it settled).

        Args:
            request: the post's content and accounts.
            when: draft (default), now, or a time.
            validate: check every network's rules. False saves a draft that breaks them (the
                composer's autosave, the command line; `problems` lists them); a post to schedule
                or publish is always checked.

        Raises:
            ValidationError: with every problem found, before anything is saved or sent.
        """
        when = when or When.draft()
        now = self._core.clock.now()
        staged = await self._stager.stage(
            request,
            when,
            post_id=new_id("post"),
            created_at=now,
            validate=validate or when.kind != "draft",
        )
        await self._core.db.run(self._core.store.posts.insert, staged.post)
        self._core.events.emit(PostDidChange(staged.post.id, staged.post))
        return await self._after_save(staged.post, when)

    async def check(
        self, request: PostInput, when: When | None = None, *, validate: bool = True
    ) -> builtins.list[Problem]:
        """Every problem `request` has (for checking as the person types); nothing is saved.

        `validate=False` checks only what even a draft needs (its accounts, media and options).
        """
        try:
            await self._stager.stage(
                request,
                when or When.draft(),
                post_id="post_check",
                created_at=self._core.clock.now(),
                validate=validate,
            )
        except ValidationError as error:
            return list(error.problems)
        return []

    async def edit(
        self, post_id: str, changes: PostChanges, when: When | None = None, *, validate: bool = True
    ) -> Post:
        """Change a draft, scheduled, failed or held post; `when` None keeps its schedule.

        A failed post comes back as a draft unless `when` says otherwise. `validate=False` lets
        a post that stays a draft break the networks' rules; publishing and scheduling, and a
        scheduled post that keeps its time, always check every rule.
        """
        post = await self._handover.withdraw(await self.get(post_id), verb="edited")
        _require_untouched(post, "edited")
        request = changes.apply(composer.input_of(post))
        keep: tuple[datetime | None, str | None] | None = None
        if when is None:
            when = When.draft()
            if post.status is PostStatus.SCHEDULED:
                keep = (post.scheduled_at, post.timezone)
        staged = await self._stager.stage(
            request,
            when,
            post_id=post.id,
            created_at=post.created_at,
            previous=post,
            keep_schedule=keep,
            validate=validate or when.kind != "draft" or keep is not None,
        )
        saved = await self._core.db.run(
            self._core.store.posts.save_content, staged.post, expected=post.status
        )
        if not saved:
            raise InvalidStateError(
                f"Post {post_id} started publishing while it was being edited; nothing changed."
            )
        self._core.events.emit(PostDidChange(post.id, staged.post))
        return await self._after_save(staged.post, when)

    async def problems(self, post_id: str) -> builtins.list[Problem]:
        """What keeps a saved draft from being scheduled or published (empty when nothing does)."""
        return await self.check(composer.input_of(await self.get(post_id)))

    async def schedule(self, post_id: str, at: str, tz: str | None = None) -> Post:
        """Schedule (or reschedule) a post, checking every network's rules again."""
        return await self.edit(post_id, PostChanges(), When.scheduled(at, tz))

    async def add_to_queue(self, post_id: str) -> Post:
        """Schedule a post into the next slot free for all its accounts (`engine.slots` has the rule)."""
        post = await self.get(post_id)
        instant, zone = await self._slots.next_free([t.account_id for t in post.targets])
        return await self.schedule(post_id, instant.strftime("%Y-%m-%dT%H:%M:%SZ"), zone)

    async def publish(self, post_id: str) -> Post:
        """Publish a draft, scheduled or held post now; returns it once every target is settled."""
        post = await self.get(post_id)
        if _partly_out(post):  # missed, held, and a network published its part on time (#20)
            if not await self._publisher.claim(post_id, [PostStatus.NEEDS_REVIEW]):
                raise InvalidStateError(f"Post {post_id} changed meanwhile; it was not published.")
            return await self._publisher.publish(post_id)  # Outpost's part; the networks' confirmed
        return await self.edit(post_id, PostChanges(), When.now())

    async def cancel(self, post_id: str) -> Post:
        """Cancel a post that has not gone out; it stays in Outpost as `cancelled`.

        A held post that a network published on time keeps that part: only Outpost's is cancelled.
        """
        if _partly_out(held := await self.get(post_id)):
            now = self._core.clock.now()
            for target in held.targets:
                if target.status is TargetStatus.PENDING:
                    cancelled = target.model_copy(update={"status": TargetStatus.CANCELLED})
                    await self._core.db.run(self._core.store.posts.save_target, post_id, cancelled, now=now)
            if await self._publisher.claim(post_id, [PostStatus.NEEDS_REVIEW]):
                return await self._publisher.publish(post_id)  # confirms the networks' part, settles
            return await self.get(post_id)
        post = await self._handover.withdraw(await self.get(post_id), verb="cancelled")
        _require_untouched(post, "cancelled")
        now = self._core.clock.now()
        changed = await self._core.db.run(
            self._core.store.posts.set_status, post_id, PostStatus.CANCELLED, now=now, expected=[post.status]
        )
        if not changed:
            raise InvalidStateError(
                f"Post {post_id} changed meanwhile (it may be publishing); it was not cancelled."
            )
        for target in post.targets:
            if target.status is TargetStatus.PENDING:
                cancelled = target.model_copy(update={"status": TargetStatus.CANCELLED})
                await self._core.db.run(self._core.store.posts.save_target, post_id, cancelled, now=now)
        cancelled_post = await self.get(post_id)
        self._scheduler.poke()
        self._core.events.emit(PostDidChange(post_id, cancelled_post))
        return cancelled_post

    async def look_for_unknown(self, post_id: str) -> Post:
        """Settle targets whose outcome is unknown by looking at the networks (`engine.review`)."""
        from outpost.engine.review import look_for_unknown  # "Look for it": rare, loaded when asked

        return await look_for_unknown(self._core, self._publisher, await self.get(post_id))

    async def retry(self, post_id: str, account: str | None = None) -> Post:
        """Publish the failed targets again (or the one of `account`, which may be `unknown`).

        A target with an unknown outcome is only retried when named explicitly: the person has
        checked the network and decided that it did not get the post.
        """
        post = await self.get(post_id)
        if post.status is PostStatus.PUBLISHED:  # only its first comments can have failed
            return await self._retry_first_comments(post, account)
        if post.status not in _RETRYABLE:
            raise InvalidStateError(
                f"Post {post_id} is {post.status.value}; only failed, partially published and "
                f"needs-review posts have targets to retry."
            )
        targets = list(post.targets)
        if account is not None:
            chosen = await self._accounts.get(account)
            wanted = {TargetStatus.FAILED, TargetStatus.UNKNOWN}
            targets = [t for t in targets if t.account_id == chosen.id and t.status in wanted]
        else:
            targets = [t for t in targets if t.status is TargetStatus.FAILED]
        if not targets:
            which = f" for {account}" if account else ""
            raise InvalidStateError(
                f"Post {post_id} has no failed target{which} to retry. A target with an unknown "
                f"outcome is retried only with --account, after checking the network."
            )
        if not await self._publisher.claim(post_id, [post.status]):
            raise InvalidStateError(f"Post {post_id} changed meanwhile; nothing was retried.")
        for target in targets:
            reset = target.model_copy(
                update={"status": TargetStatus.PENDING, "error": None, "sending_part": None}
            )
            await self._core.db.run(
                self._core.store.posts.save_target, post_id, reset, now=self._core.clock.now()
            )
        return await self._publisher.publish(post_id)

    async def _retry_first_comments(self, post: Post, account: str | None) -> Post:
        """Send a published post's failed first comments again (an unknown one only with `account`).

        The post itself is never sent again; the post is claimed meanwhile, as for a publish.
        """
        targets = [t for t in post.targets if t.first_comment is not None]
        if account is not None:
            chosen = await self._accounts.get(account)
            targets = [
                t
                for t in targets
                if t.account_id == chosen.id
                and t.first_comment is not None
                and t.first_comment.status in ("failed", "unknown")
            ]
        else:
            targets = [
                t for t in targets if t.first_comment is not None and t.first_comment.status == "failed"
            ]
        if not targets:
            raise InvalidStateError(
                f"Post {post.id} is published and has no failed first comment to retry. A first comment "
                f"with an unknown outcome is retried only with --account, after checking the network."
            )
        if not await self._publisher.claim(post.id, [post.status]):
            raise InvalidStateError(f"Post {post.id} changed meanwhile; nothing was retried.")
        try:
            for target in targets:
                await self._publisher.retry_first_comment(post, target)
        finally:
            settled = await self._publisher.settle(post.id)
        return settled

    async def delete(self, post_id: str) -> None:
        """Forget a post; copies already published stay on the networks."""
        post = await self.get(post_id)
        if post.status is PostStatus.PUBLISHING:
            raise InvalidStateError(
                f"Post {post_id} is publishing right now; delete it once it has finished."
            )
        await self._handover.withdraw(post, verb="deleted")
        await self._core.db.run(self._core.store.posts.delete, post_id)
        await self._media.sweep_unused()
        self._scheduler.poke()
        self._core.events.emit(PostDidChange(post_id, None, deleted=True))

    async def _after_save(self, post: Post, when: When) -> Post:
        self._scheduler.poke()
        await self._library.remember(post)
        if post.status is PostStatus.SCHEDULED:  # newly scheduled, or an edit that kept its time
            handed = await self._handover.hand_over_post(post.id)
            if handed != post:
                self._core.events.emit(PostDidChange(post.id, handed))
            return handed
        if when.kind != "now":
            return post
        if not await self._publisher.claim(post.id, [post.status]):
            raise InvalidStateError(f"Post {post.id} changed meanwhile; it was not published.")
        return await self._publisher.publish(post.id)


def _partly_out(post: Post) -> bool:
    """Held for review, with a network's part out (or held by it) and Outpost's part pending."""
    out = (TargetStatus.PUBLISHED, TargetStatus.SCHEDULED_ON_NETWORK)
    return (
        post.status is PostStatus.NEEDS_REVIEW
        and any(t.status in out for t in post.targets)
        and any(t.status is TargetStatus.PENDING for t in post.targets)
    )


def _require_untouched(post: Post, verb: str) -> None:
    untouched = all(t.status in _UNTOUCHED_TARGETS for t in post.targets)
    if post.status not in _EDITABLE or not untouched:
        raise InvalidStateError(
            f"Post {post.id} is {post.status.value} and cannot be {verb}; only drafts, "
            f"scheduled posts and posts that went nowhere (failed, or held after being missed) can."
        )
