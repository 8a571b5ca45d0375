"""What the calendar shows of a stretch of days: a line per post, and how many more a day has.

The calendar never needs whole posts (targets, media, thread), and a day can hold thousands of
them (a creator's import, a busy account), so it reads these light entries instead, at most a
screenful per day, and says how many it left out. An entry carries what its card shows besides
the text: the networks it goes to (their logos) and its first picture (a thumbnail).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from outpost.domain.enums import Network, PostStatus
from outpost.domain.models import MediaAsset

ENTRY_TEXT = 500  # characters of a post's text kept for the line and its tooltip


@dataclass(frozen=True, slots=True)
class CalendarEntry:
    """One post on its day: `moment` is its scheduled time, else when it was published."""

    post_id: str
    status: PostStatus
    moment: datetime
    text: str  # the first ENTRY_TEXT characters
    networks: tuple[Network, ...] = ()  # in the post's order of accounts, each once
    picture: MediaAsset | None = None  # the first attached file, if any
    title: str | None = None  # the post's title (issue #24), shown instead of its text
    colour: str | None = None  # its campaign's colour (#rrggbb), the card's edge


@dataclass(frozen=True, slots=True)
class CalendarDays:
    """The entries of [start, end), in time order, and per local day how many were left out."""

    entries: tuple[CalendarEntry, ...]
    more: dict[date, int] = field(default_factory=dict)
