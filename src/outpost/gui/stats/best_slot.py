"""The next best slot for the composer's Schedule…: the soonest recommended hour after now.

Qt-free: the composer asks `engine.stats.best_times` and this turns its recommendations (weekday
names and "HH:MM" in the zone asked for) into a moment, with the engine's reason and post count.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from outpost.domain.stats import BestTime, BestTimes

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
LEAD = timedelta(minutes=10)  # a slot sooner than this is too close to write and schedule for


@dataclass(frozen=True)
class BestSlot:
    """The next recommended moment, with what it rests on."""

    at: datetime  # aware, in the zone the recommendation was made for
    zone: str
    time: BestTime

    @property
    def reason(self) -> str:
        """Says when and why: "Tue 09:00 — your best hour on Mastodon, from 14 posts"."""
        posts = f"{self.time.posts} post{'s' if self.time.posts != 1 else ''}"
        why = self.time.reason.rstrip(". ")
        if "post" not in why:
            why = f"{why}, from {posts}"
        return f"{self.at:%a %H:%M} — {why}"


def next_best_slot(best: BestTimes, now: datetime, zone: str) -> BestSlot | None:
    """The first recommended hour at least 10 minutes after `now`, or None without recommendations."""
    tz = ZoneInfo(zone)
    local = now.astimezone(tz)
    found: BestSlot | None = None
    for day in best.recommendations:
        if day.day not in WEEKDAYS:
            continue
        for time in day.times:
            try:
                hour, minute = (int(part) for part in time.time.split(":"))
            except ValueError:
                continue
            ahead = (WEEKDAYS.index(day.day) - local.weekday()) % 7
            for extra in (0, 7):
                date = (local + timedelta(days=ahead + extra)).date()
                at = datetime(date.year, date.month, date.day, hour, minute, tzinfo=tz)
                if at.timestamp() - local.timestamp() >= LEAD.total_seconds():
                    break
            if found is None or at.timestamp() < found.at.timestamp():
                found = BestSlot(at, zone, time)
    return found
