"""`engine.slots`: the creator's posting schedule, turned into the next free time."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from outpost.config.zone import local_zone_name
from outpost.domain.enums import PostStatus
from outpost.domain.errors import ValidationError
from outpost.domain.slots import SEARCH_WEEKS, next_free_slot
from outpost.engine.core import EngineCore


class SlotsService:
    """Posting slots: weekly wall-clock times in the creator's zone, from the settings."""

    def __init__(self, core: EngineCore) -> None:
        self._core = core

    async def next_free(self, *, after: datetime | None = None) -> tuple[datetime, str]:
        """The next slot of the posting schedule that no scheduled post takes (UTC, zone name).

        Raises:
            ValidationError: there is no posting schedule, or no free slot in the next 8 weeks.
        """
        settings = self._core.settings
        if not settings.posting_schedule:
            raise ValidationError.single(
                "posting_schedule", "posting_schedule: set time slots per weekday in Settings first."
            )
        zone_name = settings.default_timezone or local_zone_name()
        scheduled = await self._core.db.run(self._core.store.posts.all, statuses=[PostStatus.SCHEDULED])
        taken = {p.scheduled_at for p in scheduled if p.scheduled_at}
        start = after or self._core.clock.now()
        found = next_free_slot(settings.posting_schedule, ZoneInfo(zone_name), start, taken)
        if found is None:
            raise ValidationError.single(
                "posting_schedule",
                f"posting_schedule: every slot of the next {SEARCH_WEEKS} weeks is taken.",
            )
        return found, zone_name
