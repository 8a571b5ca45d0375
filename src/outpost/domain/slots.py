"""The creator's posting schedule as instants: which weekly slot comes next and is still free.

Pure: the caller supplies the zone, the moment to start after and the instants already taken.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

#: How far ahead a free slot is looked for before the schedule counts as full.
SEARCH_WEEKS = 8


def next_free_slot(
    schedule: Mapping[str, Sequence[str]], zone: ZoneInfo, after: datetime, taken: Collection[datetime]
) -> datetime | None:
    """The first slot after `after` that no instant in `taken` occupies (UTC), or None.

    Slots are wall-clock times (`"09:00"`) per weekday in `zone`, so they stay at 09:00 across
    DST changes; a slot that falls into a DST gap does not exist that day and is skipped.
    """
    start = after.astimezone(zone)
    for offset in range(7 * SEARCH_WEEKS):
        day = (start + timedelta(days=offset)).date()
        for slot in schedule.get(WEEKDAYS[day.weekday()], []):
            hour, minute = (int(x) for x in slot.split(":"))
            local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone)
            instant = local.astimezone(UTC)
            if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
                continue  # a DST gap: that wall-clock time does not exist this day
            if instant > start and instant not in taken:
                return instant
    return None
