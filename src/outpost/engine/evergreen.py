"""`engine.evergreen`: posts worth sending again, queued when an account would otherwise be quiet.

Rule (checked at every round of the engine's daily tools, hourly): for each account that has
nothing scheduled and a free posting slot within the next day, take the evergreen posts that go
to it, leave out those that ran on it less than `evergreen_min_gap_days` ago and the one whose
text the account carried last (never the same text twice in a row: X refuses a duplicate with
403, and followers notice), and queue a copy of the one that ran least recently (never before
first) into that slot, for that account alone. The evergreen post itself stays as it is: it is
the source of its copies.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from outpost.domain.enums import PostStatus, TargetStatus
from outpost.domain.errors import KnownError, ValidationError
from outpost.domain.models import Account, Post
from outpost.engine import composer
from outpost.engine.composer import PostInput, When
from outpost.engine.core import EngineCore
from outpost.engine.events import PostDidChange
from outpost.engine.posts import PostsService
from outpost.engine.slots import SlotsService

log = logging.getLogger(__name__)

_QUEUED = (PostStatus.SCHEDULED, PostStatus.PUBLISHING)

#: How far ahead a free slot counts as "soon" for re-queueing.
LOOKAHEAD = timedelta(days=1)
_CARRIED = (PostStatus.PUBLISHED, PostStatus.PARTIALLY_PUBLISHED, PostStatus.SCHEDULED, PostStatus.PUBLISHING)


class EvergreenService:
    """Mark posts evergreen, and queue them again into quiet accounts' free slots."""

    def __init__(self, core: EngineCore, posts: PostsService, slots: SlotsService) -> None:
        self._core = core
        self._posts = posts
        self._slots = slots

    async def mark(self, post_id: str, evergreen: bool = True) -> Post:
        """Mark `post_id` evergreen (or no longer)."""
        post = await self._posts.get(post_id)
        await self._core.db.run(self._core.store.series.set_evergreen, post.id, evergreen)
        marked = await self._posts.get(post.id)
        self._core.events.emit(PostDidChange(post.id, marked))
        return marked

    async def fill(self) -> list[Post]:
        """Queue an evergreen post into each quiet account's next slot (see the module); the posts made."""
        evergreen_ids = await self._core.db.run(self._core.store.series.evergreen_ids)
        if not evergreen_ids:
            return []
        evergreen = [await self._posts.get(i) for i in evergreen_ids]
        carried = await self._posts.list(_CARRIED)
        now = self._core.clock.now()
        made = []
        for account in await self._core.db.run(self._core.store.accounts.all):
            mine = [p for p in carried if any(t.account_id == account.id for t in p.targets)]
            if any(p.status in _QUEUED for p in mine):
                continue  # something is queued for it already (or going out right now)
            try:
                slot, zone = await self._slots.next_free([account.id])
            except ValidationError:
                continue  # no schedule, or no free slot
            if slot > now + LOOKAHEAD:
                continue
            choice = self._choose(account, evergreen, mine, now)
            if choice is None:
                continue
            try:
                made.append(
                    await self._posts.create(
                        _for_one(choice, account), When.scheduled(slot.strftime("%Y-%m-%dT%H:%M:%SZ"), zone)
                    )
                )
            except KnownError as error:
                log.warning("evergreen %s not queued for %s: %s", choice.id, account.ref, error.text())
        return made

    def _choose(
        self, account: Account, evergreen: list[Post], mine: list[Post], now: datetime
    ) -> Post | None:
        gap = timedelta(days=self._core.settings.evergreen_min_gap_days)
        last_text = _last_text(account, mine)
        best: tuple[datetime, Post] | None = None
        for post in evergreen:
            if not any(t.account_id == account.id for t in post.targets) or post.text == last_text:
                continue
            ran = _last_ran(account, post.text, mine)
            if ran is not None and now - ran < gap:
                continue
            key = ran or datetime.min.replace(tzinfo=now.tzinfo)
            if best is None or key < best[0]:
                best = (key, post)
        return None if best is None else best[1]


def _published_at(post: Post, account: Account) -> datetime | None:
    for t in post.targets:
        if t.account_id == account.id and t.status is TargetStatus.PUBLISHED:
            return t.published_at or post.scheduled_at or post.updated_at
    return None


def _last_ran(account: Account, text: str, mine: list[Post]) -> datetime | None:
    """When a post with this text last went out on the account (any copy of it)."""
    times = [t for p in mine if p.text == text and (t := _published_at(p, account)) is not None]
    return max(times, default=None)


def _last_text(account: Account, mine: list[Post]) -> str | None:
    """The text the account carried last (the latest published post's)."""
    ran = [(t, p.text) for p in mine if (t := _published_at(p, account)) is not None]
    return max(ran)[1] if ran else None


def _for_one(post: Post, account: Account) -> PostInput:
    """`post` for `account` alone (its text for that account, its network's options)."""
    whole = composer.input_of(post)
    return PostInput(
        text=whole.text,
        accounts=(account.id,),
        text_for=tuple((k, v) for k, v in whole.text_for if k == account.id),
        media=whole.media,
        thread=whole.thread,
        options=tuple(o for o in whole.options if o[0] == account.network.value),
        # Issue #24: filed as the original is, with the account's own thread and each part's files.
        title=whole.title,
        tags=whole.tags,
        campaign=whole.campaign,
        thread_for=tuple((k, v) for k, v in whole.thread_for if k == account.id),
        thread_media=whole.thread_media,
    )
