"""Recurring posts: a rule (`daily`, `weekly`, `monthly`, `cron:EXPR`) turned into wall-clock times.

Pure. Every occurrence keeps the first one's wall-clock time in the series' zone (09:00 stays
09:00 when the clocks change); a time that does not exist on a day (skipped by a DST change)
goes out when the clocks have moved on (02:30 becomes 03:30), and a time that exists twice is
the first. `monthly` keeps the day of the month, or the month's last day where it has fewer
(31 January, 28 February, 31 March…). A cron expression is read in the series' zone too.

A series ends after `count` occurrences (the first included) or at `until`, or runs on; its
occurrences are created ahead, a few weeks at a time (`HORIZON`).
"""

from __future__ import annotations

import calendar
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

PLAIN_RULES = ("daily", "weekly", "monthly")
CRON = "cron:"
#: How far ahead occurrences are created (the scheduler tops the queue up as time goes by).
HORIZON = timedelta(weeks=8)
#: The most occurrences one top-up creates (a minutely cron rule must not flood the queue).
MAX_AHEAD = 100


class RuleError(ValueError):
    """A repeat rule or its end that cannot be used; the message says why."""


def check_rule(rule: str) -> str:
    """The rule, normalised (`Weekly` → `weekly`); RuleError for anything else."""
    plain = rule.strip().lower()
    if plain in PLAIN_RULES:
        return plain
    if plain.startswith(CRON):
        expression = rule.strip()[len(CRON) :].strip()
        from croniter import croniter  # only for cron rules: not on every start (issue #26)

        if len(expression.split()) != 5 or not croniter.is_valid(expression):
            raise RuleError(
                f"{expression!r} is not a cron expression of five fields (minute hour day month weekday), "
                "e.g. cron:0 9 * * 2 for Tuesdays at 09:00"
            )
        return CRON + expression
    raise RuleError(f"{rule!r} is not daily, weekly, monthly or cron:EXPR")


@dataclass(frozen=True)
class Recurrence:
    """A series' rule, its first occurrence (an instant) and zone, and its end (count or until)."""

    rule: str
    first: datetime
    zone: str
    until: datetime | None = None
    count: int | None = None

    def occurrences(self, *, start: int = 0) -> Iterator[tuple[int, datetime]]:
        """(index, UTC instant) of every occurrence from index `start` on, until the series ends."""
        zone = ZoneInfo(self.zone)
        local = self.first.astimezone(zone).replace(tzinfo=None)
        for index, wall in enumerate(self._walls(local)):
            if self.count is not None and index >= self.count:
                return
            instant = _instant(wall, zone)
            if self.until is not None and instant > self.until:
                return
            if index >= start:
                yield index, instant

    def _walls(self, first: datetime) -> Iterator[datetime]:
        """Wall-clock times, naive, in the series' zone: the first, then each by the rule."""
        yield first
        if self.rule.startswith(CRON):
            from croniter import croniter

            walker = croniter(self.rule[len(CRON) :], first)  # naive: wall clock, DST applied after
            while True:
                yield walker.get_next(datetime)
        n = 1
        while True:
            if self.rule == "daily":
                yield first + timedelta(days=n)
            elif self.rule == "weekly":
                yield first + timedelta(weeks=n)
            else:
                yield _add_months(first, n)
            n += 1

    def ahead(self, *, start: int, now: datetime, horizon: timedelta = HORIZON) -> list[tuple[int, datetime]]:
        """The occurrences from index `start` that fall before `now + horizon` (past ones too)."""
        found: list[tuple[int, datetime]] = []
        for index, instant in self.occurrences(start=start):
            if instant > now + horizon or len(found) >= MAX_AHEAD:
                break
            found.append((index, instant))
        return found


def _add_months(first: datetime, months: int) -> datetime:
    year, month = divmod(first.month - 1 + months, 12)
    year, month = first.year + year, month + 1
    day = min(first.day, calendar.monthrange(year, month)[1])
    return first.replace(year=year, month=month, day=day)


def _instant(wall: datetime, zone: ZoneInfo) -> datetime:
    """The UTC instant of a wall-clock time in `zone`.

    PEP 495's fold=0 gives the first of a repeated hour and, for a time inside a DST gap, the
    offset from before the gap: that is the moment the clocks have just moved past (02:30 → 03:30).
    """
    return wall.replace(tzinfo=zone, fold=0).astimezone(UTC)


def parse_until(value: str, zone: str) -> datetime:
    """`--repeat-until`: an ISO time (in `zone` without an offset) or a day (its end, in `zone`)."""
    try:
        if len(value.strip()) == 10:
            day = date.fromisoformat(value.strip())
            return datetime.combine(day, time(23, 59, 59), ZoneInfo(zone)).astimezone(UTC)
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise RuleError(f"{value!r} is not a day like 2027-06-30 or a time like 2027-06-30T09:00") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo(zone))
    return moment.astimezone(UTC)


def describe(
    rule: str, first: datetime, zone: str, until: datetime | None = None, count: int | None = None
) -> str:
    """The rule in words: "Every Tuesday at 09:00 until 30 June 2027", "Every day at 18:30, 10 times"."""
    local = first.astimezone(ZoneInfo(zone))
    at = f"{local:%H:%M}"
    if rule == "daily":
        text = f"Every day at {at}"
    elif rule == "weekly":
        text = f"Every {local:%A} at {at}"
    elif rule == "monthly":
        text = f"Every month on the {_ordinal(local.day)} at {at}"
    else:
        text = _cron_words(rule[len(CRON) :])
    if until is not None:
        end = until.astimezone(ZoneInfo(zone))
        text += f" until {end.day} {end:%B %Y}"
    if count is not None:
        text += f", {count} time{'s' if count != 1 else ''} in all"
    return text


def _ordinal(day: int) -> str:
    suffix = "th" if 10 <= day % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


def _cron_words(expression: str) -> str:
    """A cron expression read out by cron-descriptor, in 24-hour time."""
    from cron_descriptor import ExpressionDescriptor, Options

    options = Options()
    options.use_24hour_time_format = True
    words = str(ExpressionDescriptor(expression, options).get_description())
    return words[:1].upper() + words[1:]


@dataclass(frozen=True)
class Series:
    """A recurring post as the store keeps it: its rule, how many occurrences exist, whether it ended."""

    id: str
    recurrence: Recurrence
    made: int
    created_at: datetime
    ended_at: datetime | None = None
