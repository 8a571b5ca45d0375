"""How Instagram counts a caption: characters, hashtags and @mentions, each with its own limit.

The IG User media reference (developers.facebook.com/documentation/instagram-platform/
instagram-graph-api/reference/ig-user/media, `caption`): "Maximum 2200 characters, 30 hashtags,
and 20 @ tags." A caption over any of them is refused when the container is made (subcode 2207010),
so Outpost checks all three before anything is sent. Hashtags and mentions are found with the
same rules as every network's (`domain.text.find_spans`), so the composer highlights what counts.
"""

from __future__ import annotations

from outpost.domain.text import SpanKind, find_spans

MAX_LENGTH = 2200
MAX_HASHTAGS = 30
MAX_MENTIONS = 20


def count_length(text: str) -> int:
    """Characters as Instagram counts them (Unicode code points; an emoji of several counts several)."""
    return len(text)


def hashtags(text: str) -> int:
    """How many #hashtags the caption has (each occurrence counts, as Instagram counts them)."""
    return sum(1 for span in find_spans(text) if span.kind is SpanKind.HASHTAG)


def mentions(text: str) -> int:
    """How many @mentions the caption has."""
    return sum(1 for span in find_spans(text) if span.kind is SpanKind.MENTION)
