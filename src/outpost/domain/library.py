"""The media library: every file a post ever carried, kept once by its content (issue #24).

An item is named by the SHA-256 of its bytes, so the same photo attached to ten posts (or
dropped twice under two names) is one item. The library keeps its own copy in the data folder,
so reusing last week's photo works after the original was moved or deleted.
"""

from __future__ import annotations

from pydantic import Field

from outpost.domain.models import UtcDateTime, _Model


class LibraryItem(_Model):
    """One file in the library, with what it was last described as and where it was used."""

    sha256: str
    path: str  # the library's own copy (stable), or the original where no copy could be kept
    name: str  # the file name it came with (searchable)
    mime_type: str
    kind: str = "image"
    size: int
    width: int | None = None
    height: int | None = None
    duration_s: float | None = None
    alt_text: str = ""  # the alt text it last went out with: offered again when reused
    tags: tuple[str, ...] = ()
    source_url: str | None = None  # where it was downloaded from, if it came by URL
    added_at: UtcDateTime
    last_used_at: UtcDateTime | None = None
    used_by: tuple[str, ...] = Field(default=())  # ids of the posts that carry it, newest first


def matches(item: LibraryItem, search: str) -> bool:
    """Whether `search` (words, any order, case-insensitive) is in the item's name, alt text or tags."""
    haystack = " ".join((item.name, item.alt_text, " ".join(item.tags))).casefold()
    return all(word in haystack for word in search.casefold().split())
