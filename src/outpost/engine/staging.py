"""Staging: from what a person asked for to a complete `Post`, with every problem found at once.

Reads the accounts, the networks' rules and the attached files, then lets the pure functions of
`engine.composer` assemble the post. Nothing is saved here; the posts service saves what passes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from outpost.config.zone import local_zone_name
from outpost.domain.campaigns import MAX_TITLE, clean_tags, clean_title, tag_problem
from outpost.domain.capabilities import Capabilities
from outpost.domain.enums import PostStatus
from outpost.domain.errors import KnownError, Problem, PublishError, ValidationError
from outpost.domain.models import Account, MediaAsset, Post
from outpost.domain.schedule import resolve_schedule
from outpost.engine import composer, first_comment
from outpost.engine.accounts import AccountsService
from outpost.engine.composer import PostInput, When
from outpost.engine.core import EngineCore
from outpost.engine.media import MediaService

log = logging.getLogger("outpost.engine.staging")


@dataclass(frozen=True)
class Staged:
    """A post assembled from input, not yet saved, with the accounts it goes to."""

    post: Post
    accounts: dict[str, Account]


class Stager:
    """Assembles and checks posts (see the module docstring)."""

    def __init__(self, core: EngineCore, accounts: AccountsService, media: MediaService) -> None:
        self._core = core
        self._accounts = accounts
        self._media = media

    async def stage(
        self,
        request: PostInput,
        when: When,
        *,
        post_id: str,
        created_at: datetime,
        previous: Post | None = None,
        keep_schedule: tuple[datetime | None, str | None] | None = None,
        validate: bool = True,
    ) -> Staged:
        """The post `request` describes, or a ValidationError with every problem it has."""
        known = await self._core.db.run(self._core.store.accounts.all, include_removed=True)
        # A live account shadows a removed one with the same name (connected again later).
        known.sort(key=lambda a: a.removed_at is not None)
        resolution = composer.resolve_accounts(request.accounts, known)
        problems = list(resolution.problems)
        accounts = resolution.accounts
        texts, found = composer.text_overrides(request.text_for, accounts)
        problems += found
        threads, found = composer.thread_overrides(request.thread_for, accounts)
        problems += found
        organised, found = await self._organising(request)
        problems += found
        # The networks' rules (a request to each network whose rules are not known yet) and the
        # media (read from disk, decoded) do not wait for each other (issue #26).
        reading_rules = asyncio.ensure_future(self._capabilities_of(accounts))
        try:
            media, media_problems = await self._media_of(request.media, "media")
        except BaseException:  # the error is the media's, as before; the rules are not wanted now
            reading_rules.cancel()
            await asyncio.gather(reading_rules, return_exceptions=True)
            raise
        caps, found = await reading_rules
        problems += found
        options, found = composer.network_options(
            request.options, accounts, {a.network: c for a, c in caps.items()}
        )
        problems += found + media_problems
        thread_media: list[tuple[MediaAsset, ...]] = []
        for part, files in enumerate(request.thread_media, start=2):
            part_media, found = await self._media_of(files, f"thread[{part - 1}].media")
            thread_media.append(tuple(part_media))
            problems += found
        while thread_media and not thread_media[-1]:
            thread_media.pop()
        scheduled_at, zone, found = self._schedule(when, keep_schedule)
        problems += found
        status = PostStatus.SCHEDULED if scheduled_at is not None and when.kind != "now" else PostStatus.DRAFT
        post = Post(
            id=post_id,
            status=status,
            text=request.text,
            thread=request.thread,
            media=tuple(media),
            thread_media=tuple(thread_media),
            **organised,
            scheduled_at=scheduled_at if status is PostStatus.SCHEDULED else None,
            timezone=zone if status is PostStatus.SCHEDULED else None,
            created_at=created_at,
            updated_at=self._core.clock.now(),
            targets=composer.build_targets(
                accounts, texts, options, previous=previous.targets if previous else (), threads=threads
            ),
            first_comment=request.first_comment if request.first_comment.strip() else None,
            utm_links=tuple(dict.fromkeys(request.utm_links)),
        )
        if validate:
            problems += self._network_problems(post, caps)
        if problems:
            raise ValidationError(problems)
        return Staged(post, {a.id: a for a in accounts})

    def _schedule(
        self, when: When, keep: tuple[datetime | None, str | None] | None
    ) -> tuple[datetime | None, str | None, list[Problem]]:
        """When the post is scheduled for (kept, or read from `when`), and any problem with it."""
        scheduled_at, zone = keep or (None, None)
        if when.kind != "at":
            return scheduled_at, zone, []
        try:
            instant, zone_name = resolve_schedule(
                when.at or "",
                when.tz,
                now=self._core.clock.now(),
                default_zone=self._core.settings.default_timezone or local_zone_name(),
            )
        except ValidationError as exc:
            return scheduled_at, zone, list(exc.problems)
        return instant, zone_name, []

    def _network_problems(self, post: Post, caps: dict[Account, Capabilities]) -> list[Problem]:
        problems: list[Problem] = []
        for account, account_caps in caps.items():
            adapter = self._core.connections.adapter(account.network)
            target = next(t for t in post.targets if t.account_id == account.id)
            problems += adapter.validate(post, target, account, account_caps)
            problems += first_comment.length_problems(post, account, adapter, account_caps)
        return problems

    async def _capabilities_of(
        self, accounts: Sequence[Account]
    ) -> tuple[dict[Account, Capabilities], list[Problem]]:
        caps: dict[Account, Capabilities] = {}
        problems: list[Problem] = []
        for account in accounts:
            try:
                caps[account] = await self._accounts.capabilities(account)
            except PublishError as exc:
                log.warning("cannot read %s's rules: %s", account.ref, exc)
            except KnownError as exc:
                problems.append(
                    Problem(
                        field="--account",
                        network=account.network.value,
                        account=account.ref,
                        message=str(exc),
                    )
                )
        return caps, problems

    async def _organising(self, request: PostInput) -> tuple[dict[str, Any], list[Problem]]:
        """The post's title, tags and campaign id (`campaign` named by name or id), or problems."""
        problems: list[Problem] = []
        title = clean_title(request.title)
        if title is not None and len(title) > MAX_TITLE:
            problems.append(
                Problem(
                    field="--title",
                    rule="max_length",
                    limit=MAX_TITLE,
                    actual=len(title),
                    message=f"--title: {len(title)} characters, over the limit of {MAX_TITLE}. Shorten it.",
                )
            )
        tags = clean_tags(request.tags)
        for tag in tags:
            if (why := tag_problem(tag)) is not None:
                problems.append(Problem(field="--tag", rule="tag", actual=tag, message=f"--tag: {why}"))
        campaign_id: str | None = None
        if request.campaign:
            try:
                found = await self._core.db.run(self._core.store.campaigns.find, request.campaign)
                campaign_id = found.id
            except KnownError as exc:
                problems.append(
                    Problem(
                        field="--campaign",
                        rule="known_campaign",
                        actual=request.campaign,
                        message=f"--campaign: {exc}",
                    )
                )
        return {"title": title, "tags": tags, "campaign_id": campaign_id}, problems

    async def _media_of(
        self, items: Sequence[composer.MediaInput], name: str
    ) -> tuple[list[MediaAsset], list[Problem]]:
        media: list[MediaAsset] = []
        problems: list[Problem] = []
        for index, item in enumerate(items, start=1):
            try:
                info = await self._media.inspect(item.path, field=f"{name}[{index}]")
            except ValidationError as exc:
                problems += exc.problems
                continue
            media.append(self._media.asset(info, item.alt_text, focus=item.focus))
        return media, problems
