"""`engine.series`: recurring posts (`--repeat`), each occurrence a post of its own in the queue.

The first occurrence is the post as created; later ones are copies of the series' latest post
(so an edit made "as a series" carries on), created ahead up to `HORIZON` and topped up by the
engine's daily round (`top_up_all`, at start and every hour). An occurrence is edited or
cancelled alone like any post; `cancel_series` ends the series and cancels every occurrence not
yet gone out. Times are wall-clock times in the series' zone (`domain.recurrence`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from outpost.config.zone import local_zone_name
from outpost.domain.enums import PostStatus
from outpost.domain.errors import InvalidStateError, KnownError, ValidationError
from outpost.domain.ids import new_id
from outpost.domain.models import Post
from outpost.domain.recurrence import Recurrence, RuleError, Series, check_rule, describe, parse_until
from outpost.engine import composer
from outpost.engine.composer import PostChanges, PostInput, When
from outpost.engine.core import EngineCore
from outpost.engine.events import PostDidChange
from outpost.engine.posts import PostsService

log = logging.getLogger(__name__)

_NOT_GONE_OUT = (PostStatus.DRAFT, PostStatus.SCHEDULED, PostStatus.FAILED, PostStatus.NEEDS_REVIEW)


@dataclass(frozen=True)
class RepeatRequest:
    """`--repeat RULE [--repeat-until ISO | --repeat-count N]` as given."""

    rule: str
    until: str | None = None
    count: int | None = None


class SeriesService:
    """Recurring posts: create a series, top it up, edit or cancel it as a whole."""

    def __init__(self, core: EngineCore, posts: PostsService) -> None:
        self._core = core
        self._posts = posts

    def check(self, repeat: RepeatRequest, zone: str | None) -> tuple[str, datetime | None]:
        """The normalised rule and the end instant; every mistake as a ValidationError naming the option."""
        try:
            rule = check_rule(repeat.rule)
        except RuleError as error:
            raise ValidationError.single("--repeat", f"--repeat: {error}.", actual=repeat.rule) from None
        if repeat.until is not None and repeat.count is not None:
            raise ValidationError.single(
                "--repeat-until", "--repeat-until: give either --repeat-until or --repeat-count, not both."
            )
        if repeat.count is not None and repeat.count < 1:
            raise ValidationError.single(
                "--repeat-count", f"--repeat-count: {repeat.count} is not a number of times (1 or more)."
            )
        until = None
        if repeat.until is not None:
            try:
                until = parse_until(repeat.until, zone or self._zone())
            except RuleError as error:
                raise ValidationError.single("--repeat-until", f"--repeat-until: {error}.") from None
            if until <= self._core.clock.now():
                raise ValidationError.single("--repeat-until", f"--repeat-until: {repeat.until} has passed.")
        return rule, until

    def summary(self, repeat: RepeatRequest, first: datetime, zone: str | None) -> str:
        """The series in words, for the Schedule dialog ("Every Tuesday at 09:00 until 30 June 2027")."""
        rule, until = self.check(repeat, zone)
        return describe(rule, first, zone or self._zone(), until, repeat.count)

    def _zone(self) -> str:
        return self._core.settings.default_timezone or local_zone_name()

    async def create(self, request: PostInput, when: When, repeat: RepeatRequest) -> Post:
        """Schedule the first occurrence at `when` and the next ones up to the horizon.

        Raises:
            ValidationError: a bad rule or end, no time for the first occurrence, or the post's problems.
        """
        if when.kind != "at":
            raise ValidationError.single(
                "--repeat", "--repeat: give --at (or --next-slot) for the first occurrence."
            )
        rule, until = self.check(repeat, when.tz)
        first = await self._posts.create(request, when)
        assert first.scheduled_at is not None and first.timezone is not None  # scheduled
        if until is not None and until < first.scheduled_at:
            await self._posts.delete(first.id)
            raise ValidationError.single(
                "--repeat-until", "--repeat-until: the series would end before its first occurrence."
            )
        series = Series(
            id=new_id("series"),
            recurrence=Recurrence(rule, first.scheduled_at, first.timezone, until, repeat.count),
            made=1,
            created_at=self._core.clock.now(),
        )
        await self._core.db.run(self._core.store.series.insert, series, first.id)
        await self._announce(first.id)
        await self.top_up(series)
        return await self._posts.get(first.id)

    async def _announce(self, post_id: str) -> None:
        """Tell the window the post is part of a series now (its `repeat` changed)."""
        self._core.events.emit(PostDidChange(post_id, await self._posts.get(post_id)))

    async def top_up_all(self) -> int:
        """Create every running series' occurrences up to the horizon; how many were made."""
        made = 0
        for series in await self._core.db.run(self._core.store.series.running):
            made += await self.top_up(series)
        return made

    async def top_up(self, series: Series) -> int:
        """Create `series`' next occurrences up to the horizon (each a scheduled post); how many."""
        store = self._core.store.series
        ids = await self._core.db.run(store.post_ids, series.id)
        if not ids:  # every occurrence was deleted: nothing to copy from
            await self._core.db.run(store.end, series.id, self._core.clock.now())
            return 0
        template = await self._posts.get(ids[-1])
        now = self._core.clock.now()
        # An occurrence saved just before Outpost died, and not yet tied to its series, is adopted,
        # never made a second time (it would go out twice).
        orphans = {
            (p.scheduled_at, p.text): p
            for p in await self._posts.list([PostStatus.SCHEDULED])
            if p.repeat is None
            and {t.account_id for t in p.targets} == {t.account_id for t in template.targets}
        }
        made = 0
        done = series.made
        for index, instant in series.recurrence.ahead(start=series.made, now=now):
            done = index + 1
            if instant <= now:  # Outpost was closed through it: not made late, never twice
                await self._core.db.run(store.add_occurrence, series.id, template.id, done)
                continue
            orphan = orphans.get((instant, template.text))
            if orphan is not None:
                await self._core.db.run(store.add_occurrence, series.id, orphan.id, done)
                continue
            try:
                post = await self._posts.create(
                    composer.input_of(template),
                    When.scheduled(instant.strftime("%Y-%m-%dT%H:%M:%SZ"), series.recurrence.zone),
                )
            except KnownError as error:  # e.g. a media file was moved: try again next round, say why
                log.warning("series %s: occurrence %d not made: %s", series.id, index + 1, error.text())
                return made
            await self._core.db.run(store.add_occurrence, series.id, post.id, done)
            await self._announce(post.id)
            made += 1
        if next(series.recurrence.occurrences(start=done), None) is None:
            await self._core.db.run(store.end, series.id, now)
        return made

    async def cancel_series(self, post_id: str) -> list[Post]:
        """End the series `post_id` belongs to and cancel its occurrences not gone out yet."""
        post = await self._posts.get(post_id)
        if post.repeat is None:
            raise InvalidStateError(f"Post {post_id} is not part of a recurring series; leave out --series.")
        await self._core.db.run(self._core.store.series.end, post.repeat.series_id, self._core.clock.now())
        ids = await self._core.db.run(
            self._core.store.series.post_ids, post.repeat.series_id, [s.value for s in _NOT_GONE_OUT]
        )
        return [await self._posts.cancel(i) for i in ids]

    async def edit_series(self, post_id: str, changes: PostChanges) -> list[Post]:
        """Apply `changes` to this occurrence and every later one not gone out (each keeps its time)."""
        post = await self._posts.get(post_id)
        if post.repeat is None:
            raise InvalidStateError(f"Post {post_id} is not part of a recurring series; leave out --series.")
        ids = await self._core.db.run(
            self._core.store.series.post_ids, post.repeat.series_id, [PostStatus.SCHEDULED.value]
        )
        start = post.scheduled_at
        later = [i for i in ids if i != post_id]
        edited = [await self._posts.edit(post_id, changes)]
        for other in later:
            candidate = await self._posts.get(other)
            if start is None or (candidate.scheduled_at is not None and candidate.scheduled_at > start):
                edited.append(await self._posts.edit(other, changes))
        return edited
