"""Campaigns and tags: how a creator groups posts (issue #24, "Organising").

A campaign has a name (unique, without case), a colour the calendar draws its posts' edge in, and
optional dates it runs between. Tags are free words; they are kept as typed and compared without
case, so "Launch" and "launch" are one tag.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from pydantic import BaseModel, ConfigDict

from outpost.domain.models import UtcDateTime

#: The colours a new campaign gets in turn when none is given (readable on light and dark themes).
PALETTE = ("#3b82f6", "#f97316", "#10b981", "#a855f7", "#ef4444", "#eab308", "#14b8a6", "#ec4899")
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
MAX_TAG = 40
MAX_TITLE = 200


class Campaign(BaseModel):
    """A named group of posts with a colour and optional dates (`starts_on`..`ends_on`, inclusive)."""

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    id: str
    name: str
    colour: str
    starts_on: date | None = None
    ends_on: date | None = None
    created_at: UtcDateTime


def colour_problem(colour: str) -> str | None:
    """Why `colour` is not a colour Outpost keeps (`#rrggbb`), or None."""
    if _COLOUR.fullmatch(colour):
        return None
    return f"{colour!r} is not a colour like #3b82f6 (a # and six hexadecimal digits)."


def clean_tags(tags: Iterable[str]) -> tuple[str, ...]:
    """Tags without a leading '#', surrounding space, empties or repeats (the first spelling wins)."""
    seen: set[str] = set()
    kept: list[str] = []
    for raw in tags:
        tag = " ".join(raw.strip().lstrip("#").split())
        if tag and tag.casefold() not in seen:
            seen.add(tag.casefold())
            kept.append(tag)
    return tuple(kept)


def tag_problem(tag: str) -> str | None:
    """Why `tag` cannot be a tag, or None."""
    if len(tag) > MAX_TAG:
        return f"{tag[:20]!r}… is {len(tag)} characters; a tag has at most {MAX_TAG}."
    if "," in tag:
        return f"{tag!r} holds a comma; give each tag on its own (--tag a --tag b)."
    return None


def clean_title(title: str | None) -> str | None:
    """The title on one line, or None when it is blank."""
    if title is None:
        return None
    one_line = " ".join(title.split())
    return one_line or None
