"""Do not disturb: when Outpost keeps its notices to itself (setting `notifications_quiet`).

`off` (notices show), `on` (none show), or a daily window like `22:00-07:00` in the creator's
zone; a window that ends earlier than it starts runs over midnight. Notices are only held back
from the tray: what happened is still in the window (queue, banner) and goes to hooks.
"""

from __future__ import annotations

import re
from datetime import datetime, time
from zoneinfo import ZoneInfo

OFF, ON = "off", "on"
ALLOWED = "off, on, or a daily window in your time zone like 22:00-07:00"
_WINDOW = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")


def parse_quiet(value: str) -> str:
    """The setting's value in its one spelling (`off`, `on`, `HH:MM-HH:MM`); ValueError if not one."""
    text = value.strip().lower()
    if text in (OFF, ON):
        return text
    window = _window(text)
    if window is None:
        raise ValueError(f"{value!r} is not a quiet setting (a window is HH:MM-HH:MM, hours 0-23)")
    start, end = window
    if start == end:
        raise ValueError(f"{value!r} starts and ends at the same time; use on for always quiet")
    return f"{start:%H:%M}-{end:%H:%M}"


def is_quiet(value: str, now: datetime, zone: ZoneInfo) -> bool:
    """Whether notices are held back at `now` (aware) by the setting `value`, in `zone`."""
    text = value.strip().lower()
    if text == ON:
        return True
    window = _window(text)
    if window is None:
        return False
    start, end = window
    local = now.astimezone(zone).time().replace(second=0, microsecond=0)
    if start < end:
        return start <= local < end
    return local >= start or local < end  # over midnight


def _window(text: str) -> tuple[time, time] | None:
    match = _WINDOW.match(text)
    if match is None:
        return None
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or h2 > 23 or m1 > 59 or m2 > 59:
        return None
    return time(h1, m1), time(h2, m2)
