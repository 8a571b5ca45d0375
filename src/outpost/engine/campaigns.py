"""`engine.campaigns`: the campaigns posts are filed under, and the tags posts carry (issue #24).

A campaign is a name, a colour and optional dates. Removing one never removes a post: its posts
stay where they are, without a campaign.
"""

from __future__ import annotations

import builtins
from dataclasses import dataclass
from datetime import date

from outpost.domain.campaigns import PALETTE, Campaign, colour_problem
from outpost.domain.errors import Problem, ValidationError
from outpost.domain.ids import new_id
from outpost.engine.core import EngineCore
from outpost.engine.events import PostDidChange


@dataclass(frozen=True)
class Removal:
    """A removed campaign and how many posts it left without a campaign."""

    campaign: Campaign
    posts: int


class CampaignsService:
    """Add, list, edit and remove campaigns; list the tags in use."""

    def __init__(self, core: EngineCore) -> None:
        self._core = core

    async def list(self) -> builtins.list[Campaign]:
        """Every campaign, by name."""
        return await self._core.db.run(self._core.store.campaigns.all)

    async def get(self, ref: str) -> Campaign:
        """The campaign with this id or name (names ignore case)."""
        return await self._core.db.run(self._core.store.campaigns.find, ref)

    async def post_counts(self) -> dict[str, int]:
        """How many posts each campaign has, by id."""
        return await self._core.db.run(self._core.store.campaigns.post_counts)

    async def tags(self) -> builtins.list[str]:
        """Every tag a post carries, each once."""
        return await self._core.db.run(self._core.store.campaigns.tags)

    async def add(
        self,
        name: str,
        *,
        colour: str | None = None,
        starts_on: date | None = None,
        ends_on: date | None = None,
    ) -> Campaign:
        """A new campaign; without a colour it gets the palette's next one."""
        existing = await self.list()
        chosen = colour or PALETTE[len(existing) % len(PALETTE)]
        campaign = self._checked(new_id("cmp"), name, chosen, starts_on, ends_on)
        await self._core.db.run(self._core.store.campaigns.save, campaign)
        return campaign

    async def edit(
        self,
        ref: str,
        *,
        name: str | None = None,
        colour: str | None = None,
        dates: tuple[date | None, date | None] | None = None,
    ) -> Campaign:
        """Change a campaign's name, colour or dates (`dates`: start and end, None for no bound)."""
        current = await self.get(ref)
        start, end = dates if dates is not None else (current.starts_on, current.ends_on)
        campaign = self._checked(current.id, name or current.name, colour or current.colour, start, end)
        await self._core.db.run(self._core.store.campaigns.save, campaign)
        for post_id in await self._post_ids(campaign.id):
            self._core.events.emit(PostDidChange(post_id))
        return campaign

    async def remove(self, ref: str) -> Removal:
        """Remove a campaign; its posts stay, without a campaign."""
        campaign = await self.get(ref)
        post_ids = await self._post_ids(campaign.id)
        count = await self._core.db.run(self._core.store.campaigns.delete, campaign.id)
        for post_id in post_ids:
            self._core.events.emit(PostDidChange(post_id))
        return Removal(campaign, count)

    async def _post_ids(self, campaign_id: str) -> builtins.list[str]:
        posts = await self._core.db.run(self._core.store.posts.all, campaign_id=campaign_id)
        return [p.id for p in posts]

    def _checked(
        self, campaign_id: str, name: str, colour: str, starts_on: date | None, ends_on: date | None
    ) -> Campaign:
        name = " ".join(name.split())
        problems: builtins.list[tuple[str, str]] = []
        if not name:
            problems.append(("name", "name: give the campaign a name."))
        elif len(name) > 80:
            problems.append(("name", f"name: {len(name)} characters; a campaign's name has at most 80."))
        if (why := colour_problem(colour)) is not None:
            problems.append(("--colour", f"--colour: {why}"))
        if starts_on is not None and ends_on is not None and ends_on < starts_on:
            problems.append(
                (
                    "--to",
                    f"--to: the campaign ends ({ends_on}) before it starts ({starts_on}); swap the dates.",
                )
            )
        if problems:
            raise ValidationError(Problem(field=f, rule="campaign", message=m) for f, m in problems)
        return Campaign(
            id=campaign_id,
            name=name,
            colour=colour.lower(),
            starts_on=starts_on,
            ends_on=ends_on,
            created_at=self._core.clock.now(),
        )
