"""Bluesky rich text: the post text as shown, with facets at UTF-8 byte offsets.

Learned from the atproto docs (`docs/advanced-guides/post-richtext.md`) and the `app.bsky.richtext.facet`
lexicon: offsets count UTF-8 bytes (start inclusive, end exclusive), facets never overlap, a
mention's facet holds a DID, a tag is stored without `#`, and a link's visible text may be
shortened as long as the facet keeps the full URI. Length is 300 graphemes of the *shown* text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from outpost.domain.text import SpanKind, find_spans, graphemes, shorten_link

MAX_GRAPHEMES = 300
MAX_BYTES = 3000
MAX_TAG_GRAPHEMES = 64


@dataclass(frozen=True)
class RichText:
    """Text as it will be shown, and its facets (JSON-ready)."""

    text: str
    facets: list[dict[str, Any]] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)

    @property
    def length(self) -> int:
        """Graphemes of the shown text (what Bluesky limits to 300)."""
        return graphemes(self.text)


def build(text: str, dids: Mapping[str, str] | None = None) -> RichText:
    """Shorten links, and make facets for links, tags and the mentions whose DID is known.

    A mention whose handle did not resolve stays plain text (no facet), as the docs advise.
    """
    dids = dids or {}
    shown: list[str] = []
    facets: list[dict[str, Any]] = []
    mentions: list[str] = []
    links: list[str] = []
    position, offset = 0, 0  # in the input (code points) and in the output (UTF-8 bytes)

    def emit(piece: str) -> tuple[int, int]:
        nonlocal offset
        start = offset
        shown.append(piece)
        offset += len(piece.encode("utf-8"))
        return start, offset

    for span in find_spans(text):
        emit(text[position : span.start])
        position = span.end
        if span.kind is SpanKind.LINK:
            start, end = emit(shorten_link(span.value))
            links.append(span.value)
            facets.append(_facet(start, end, {"$type": "app.bsky.richtext.facet#link", "uri": span.value}))
            continue
        start, end = emit(text[span.start : span.end])
        if span.kind is SpanKind.MENTION:
            handle = span.value.lower()
            mentions.append(handle)
            if handle in dids:
                facets.append(
                    _facet(start, end, {"$type": "app.bsky.richtext.facet#mention", "did": dids[handle]})
                )
        elif graphemes(span.value) <= MAX_TAG_GRAPHEMES:
            facets.append(_facet(start, end, {"$type": "app.bsky.richtext.facet#tag", "tag": span.value}))
    emit(text[position:])
    return RichText("".join(shown), facets, mentions, links)


def _facet(start: int, end: int, feature: dict[str, str]) -> dict[str, Any]:
    return {"index": {"byteStart": start, "byteEnd": end}, "features": [feature]}


def display_length(text: str) -> int:
    """Graphemes Bluesky will count for `text` once links are shortened."""
    return build(text).length


def mention_handles(text: str) -> list[str]:
    """The `@handle`s a text mentions (Bluesky handles contain a dot)."""
    return [
        s.value.lower()
        for s in find_spans(text)
        if s.kind is SpanKind.MENTION and "." in s.value and "@" not in s.value
    ]
