"""`engine.tools`: the composer's daily tools of issue #22.

Snippets, UTM tags, X's costs, and what a post's first comment will not reach.

The window and the command line use the same calls, so a cost or a warning reads the same in
both.
"""

from __future__ import annotations

import builtins
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from outpost.domain import costs
from outpost.domain.enums import Network, PostStatus, TargetStatus
from outpost.domain.errors import KnownError, NotFoundError, Problem, ValidationError
from outpost.domain.ids import new_id
from outpost.domain.links import UtmTags, tags_for
from outpost.domain.models import Account, Post
from outpost.engine import first_comment
from outpost.engine.core import EngineCore

if TYPE_CHECKING:
    from outpost.domain.snippets import Snippet


class ComposerTools:
    """Snippets, UTM tags, costs on X and first-comment warnings (see the module docstring)."""

    def __init__(self, core: EngineCore) -> None:
        self._core = core

    # -- snippets ----------------------------------------------------------------------------------

    async def snippets(self) -> builtins.list[Snippet]:
        """Every snippet, by name."""
        return await self._core.db.run(self._core.store.snippets.all)

    async def save_snippet(
        self,
        *,
        name: str,
        text: str,
        trigger: str = "",
        variants: Mapping[str, str] | None = None,
        snippet_id: str | None = None,
    ) -> Snippet:
        """Add a snippet (or change the one with `snippet_id`); every problem is reported at once."""
        from outpost.domain.snippets import Snippet, problems, variants_of  # the snippets' own work

        snippet = Snippet(
            id=snippet_id or new_id("snp"),
            name=name.strip(),
            trigger=trigger.strip(),
            text=text,
            variants=variants_of(variants or {}),
        )
        if snippet_id is not None:
            await self._core.db.run(self._core.store.snippets.get, snippet_id)  # NotFoundError if gone
        found = problems(snippet, await self.snippets())
        if found:
            raise ValidationError(Problem(field="snippet", message=m, rule="snippet") for m in found)
        await self._core.db.run(self._core.store.snippets.save, snippet, now=self._core.clock.now())
        return snippet

    async def delete_snippet(self, snippet_id: str) -> None:
        """Forget a snippet."""
        if not await self._core.db.run(self._core.store.snippets.delete, snippet_id):
            raise NotFoundError(f"No snippet {snippet_id!r}. See `outpost snippets list`.")

    # -- links -------------------------------------------------------------------------------------

    def utm_tags(self, account: Account) -> UtmTags | None:
        """The tags `account`'s chosen links get (settings `utm_for`), None when it tags none."""
        settings = self._core.settings
        return tags_for(
            account.network.value,
            account.ref,
            settings.utm_for,
            medium=settings.utm_medium,
            campaign=settings.utm_campaign,
        )

    # -- costs -------------------------------------------------------------------------------------

    def x_cost(
        self, parts: tuple[str, ...], *, first_comment_text: str | None, described_media: int
    ) -> costs.PostCost:
        """What these parts (and first comment, and alt texts) cost on X at the prices in force."""
        return costs.post_cost(
            parts,
            first_comment=first_comment_text if self._x_takes_comment() else None,
            described_media=described_media,
            table=self._core.settings.x_prices,
        )

    def _x_takes_comment(self) -> bool:
        try:
            return self._core.connections.adapter(Network.X).first_comment is not None
        except KnownError:
            return False

    async def x_month(self, now: datetime | None = None) -> tuple[float, int]:
        """What X posts published this (UTC) month cost the developer app, and how many there were.

        Counted from what was really sent: each published part, the first comment once posted,
        and each described image, at today's prices (X bills the app, not the account, so every
        X account connected through the app adds to one total).
        """
        now = now or self._core.clock.now()
        start = now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        posts: list[Post] = await self._core.db.run(
            self._core.store.posts.all, statuses=[PostStatus.PUBLISHED, PostStatus.PARTIALLY_PUBLISHED]
        )
        total, count = 0.0, 0
        for post in posts:
            for target in post.targets:
                if target.network is not Network.X or target.published_at is None:
                    continue
                if target.published_at < start or target.status is not TargetStatus.PUBLISHED:
                    continue
                sent = post.parts_for(target)[: len(target.parts)]
                comment = target.first_comment
                posted = post.first_comment if comment is not None and comment.status == "posted" else None
                cost = costs.post_cost(
                    sent,
                    first_comment=posted,
                    described_media=sum(1 for m in post.media if m.alt_text),
                    table=self._core.settings.x_prices,
                )
                total += cost.usd
                count += 1
        return round(total, 6), count

    async def x_upcoming(self, start: datetime, end: datetime) -> builtins.list[tuple[Post, costs.PostCost]]:
        """What each post scheduled from `start` to `end` will cost on X (each X target counted)."""
        posts: list[Post] = await self._core.db.run(
            self._core.store.posts.all, statuses=[PostStatus.SCHEDULED]
        )
        found: builtins.list[tuple[Post, costs.PostCost]] = []
        for post in posts:
            if post.scheduled_at is None or not start <= post.scheduled_at < end:
                continue
            for target in post.targets:
                if target.network is Network.X:
                    found.append(
                        (
                            post,
                            self.x_cost(
                                post.parts_for(target),
                                first_comment_text=post.first_comment or None,
                                described_media=sum(1 for m in post.media if m.alt_text),
                            ),
                        )
                    )
        return sorted(found, key=lambda pair: pair[0].scheduled_at or start)

    # -- first comments ------------------------------------------------------------------------------

    def first_comment_kind(self, network: Network) -> str | None:
        """How `network` takes a first comment ("comment", "self_reply"), None where it takes none."""
        try:
            return self._core.connections.adapter(network).first_comment
        except KnownError:
            return None

    def first_comment_unavailable(self, network: Network) -> str:
        """Why `network` gets no first comment, in a sentence."""
        try:
            why = self._core.connections.adapter(network).first_comment_unavailable
        except KnownError:
            why = None
        return why or f"{network.label} takes no first comment from Outpost"

    async def first_comment_warnings(self, post: Post) -> builtins.list[Problem]:
        """The accounts of `post` that will get it without its first comment, and why."""
        if not post.first_comment:
            return []
        pairs = []
        for target in post.targets:
            try:
                account = await self._core.db.run(self._core.store.accounts.get, target.account_id)
                pairs.append((account, self._core.connections.adapter(account.network)))
            except KnownError:
                continue
        return first_comment.unavailable_warnings(post, pairs)
