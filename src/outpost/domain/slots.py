"""The creator's posting schedule as instants: which weekly slot comes next and is still free.

Pure: the caller supplies the zone, the moment to start after and the instants already taken.

A schedule is wall-clock times per weekday (`{"monday": ["09:00"]}`) in one IANA zone, so a
slot stays at 09:00 across DST changes; a slot that falls into a DST gap does not exist that
day and is skipped. Each account may have its own schedule in its own zone; accounts without one
use the default schedule.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

#: How far ahead a free slot is looked for before the schedule counts as full.
SEARCH_WEEKS = 8

Weekly = Mapping[str, Sequence[str]]


def _day_name(word: str) -> str | None:
    """`mon`, `Monday`, `tue.` → the full weekday name; None for anything else."""
    word = word.strip().lower().rstrip(".")
    if len(word) < 2:
        return None
    matches = [d for d in WEEKDAYS if d.startswith(word)]
    return matches[0] if len(matches) == 1 else None


def _clock(text: str) -> str | None:
    """`9:00`, `09:00` → `09:00`; None when it is not a time of day."""
    hours, colon, minutes = text.strip().partition(":")
    if not (colon and hours.isdigit() and minutes.isdigit() and len(minutes) == 2 and len(hours) <= 2):
        return None
    if int(hours) > 23 or int(minutes) > 59:
        return None
    return f"{int(hours):02d}:{minutes}"


class WeeklyError(ValueError):
    """One entry of a typed weekly schedule that is not `DAY HH:MM` (the entry is named)."""

    def __init__(self, entry: str, reason: str) -> None:
        super().__init__(f"{entry!r} {reason}")
        self.entry = entry
        self.reason = reason


def parse_weekly(text: str) -> dict[str, list[str]]:
    """`"mon 09:00, wed 12:30 17:00"` → `{"monday": ["09:00"], "wednesday": ["12:30", "17:00"]}`.

    Entries are separated by commas (or semicolons); each is a weekday (a prefix such as `mon`
    or `tu`) and one or more times. An empty text is an empty schedule (no slots).

    Raises:
        WeeklyError: naming the first entry that is not a weekday followed by times.
    """
    weekly: dict[str, list[str]] = {}
    for entry in text.replace(";", ",").split(","):
        words = entry.split()
        if not words:
            continue
        day = _day_name(words[0])
        if day is None:
            raise WeeklyError(
                entry.strip(), "does not start with a weekday (mon, tue, wed, thu, fri, sat, sun)"
            )
        if len(words) == 1:
            raise WeeklyError(entry.strip(), "has no time; write it like 'mon 09:00'")
        for word in words[1:]:
            clock = _clock(word)
            if clock is None:
                raise WeeklyError(entry.strip(), f"has {word!r}, which is not a time like 09:30")
            weekly.setdefault(day, []).append(clock)
    return {day: sorted(set(times)) for day, times in weekly.items()}


def format_weekly(weekly: Weekly) -> str:
    """The inverse of `parse_weekly`: `"mon 09:00, wed 12:30 17:00"` (empty: no slots)."""
    return ", ".join(f"{day[:3]} {' '.join(weekly[day])}" for day in WEEKDAYS if weekly.get(day))


def _local(day: date, slot: str, zone: tzinfo) -> datetime | None:
    """The slot on `day` in `zone` as a UTC instant, or None inside a DST gap."""
    hour, minute = (int(x) for x in slot.split(":"))
    local = datetime.combine(day, time(hour, minute), zone)
    instant = local.astimezone(UTC)
    if instant.astimezone(zone).replace(tzinfo=None) != local.replace(tzinfo=None):
        return None  # a DST gap: that wall-clock time does not exist this day
    return instant


def slot_instants(weekly: Weekly, zone: tzinfo, after: datetime, until: datetime) -> Iterator[datetime]:
    """Every slot of the schedule in (`after`, `until`], as UTC instants, in time order."""
    start = after.astimezone(zone).date()
    last = until.astimezone(zone).date()
    day = start
    while day <= last:
        for slot in sorted(weekly.get(WEEKDAYS[day.weekday()], [])):
            instant = _local(day, slot, zone)
            if instant is not None and after < instant <= until:
                yield instant
        day += timedelta(days=1)


def slots_on(day: date, view_zone: tzinfo, schedules: Sequence[tuple[Weekly, tzinfo]]) -> list[datetime]:
    """Every schedule's slots that fall on `day` as `view_zone` counts days (UTC, sorted, once each).

    The calendar shows one zone; an account's schedule in another zone may put its slots on a
    neighbouring day there, so the day before and after are looked at too.
    """
    start = datetime.combine(day, time(0), view_zone)
    end = datetime.combine(day + timedelta(days=1), time(0), view_zone)
    found: set[datetime] = set()
    for weekly, zone in schedules:
        found.update(
            slot_instants(weekly, zone, start - timedelta(microseconds=1), end - timedelta(microseconds=1))
        )
    return sorted(found)


def next_free_slot(
    schedule: Weekly, zone: ZoneInfo, after: datetime, taken: Collection[datetime]
) -> datetime | None:
    """The first slot after `after` that no instant in `taken` occupies (UTC), or None."""
    until = after + timedelta(weeks=SEARCH_WEEKS)
    return next((i for i in slot_instants(schedule, zone, after, until) if i not in taken), None)


@dataclass(frozen=True)
class AccountPlan:
    """One account's schedule as the slot search needs it: slots, zone and the instants taken."""

    weekly: Weekly
    zone: tzinfo
    taken: Collection[datetime] = field(default_factory=frozenset)


def next_common_slot(plans: Sequence[AccountPlan], after: datetime) -> datetime | None:
    """The first instant after `after` that is a free slot of every plan (UTC), or None.

    This is how one post for several accounts goes into the queue: it takes the earliest time
    that is a slot in each chosen account's schedule and that none of them has a post at yet.
    Accounts sharing the default schedule share its slots; accounts with schedules of their own
    need a time in common (the same instant, whatever their zones).
    """
    if not plans:
        return None
    until = after + timedelta(weeks=SEARCH_WEEKS)
    first, *rest = plans
    others = [set(slot_instants(p.weekly, p.zone, after, until)) for p in rest]
    for instant in slot_instants(first.weekly, first.zone, after, until):
        if all(instant in slots for slots in others) and not any(instant in p.taken for p in plans):
            return instant
    return None
