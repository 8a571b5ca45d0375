"""Network-neutral text analysis: graphemes, and where links, mentions and hashtags are.

Every network counts and links text its own way; they all start from the same spans found here.
Spans are in Python string indices (code points); adapters convert them to what their network
wants (UTF-8 byte offsets for Bluesky facets, fixed URL weights for Mastodon and X).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

import regex

# A URL as people paste them: a scheme, then anything up to whitespace; trailing punctuation
# that usually closes a sentence is not part of the link.
_URL = regex.compile(r"\bhttps?://[^\s<>\"]+[^\s<>\".,;:!?)\]}'’”]", regex.IGNORECASE)
# @user or @user@domain (Mastodon) or @handle.domain (Bluesky), not inside an e-mail address.
_MENTION = regex.compile(r"(?<![\w@/])@([\w][\w.-]*[\w](?:@[\w][\w.-]*[\w])?)", regex.UNICODE)
# #tag with letters/digits/underscore, not starting a URL fragment; not only digits.
_HASHTAG = regex.compile(r"(?<![\w/&#])#((?=\w*[^\W\d])[\w]+)", regex.UNICODE)
_GRAPHEME = regex.compile(r"\X")
LINK_DISPLAY_MAX = 30  # like Bluesky's official app: host + start of the path, then "…"


class SpanKind(StrEnum):
    """What a span of text is."""

    LINK = "link"
    MENTION = "mention"
    HASHTAG = "hashtag"


@dataclass(frozen=True)
class Span:
    """A link, mention or hashtag at `start:end` (string indices) of a text.

    Attributes:
        value: the URL, the handle without `@`, or the tag without `#`.
    """

    kind: SpanKind
    start: int
    end: int
    value: str


def graphemes(text: str) -> int:
    """How many user-perceived characters (extended grapheme clusters) `text` has."""
    return len(_GRAPHEME.findall(text))


def find_spans(text: str) -> list[Span]:
    """Links, mentions and hashtags in `text`, in order, never overlapping (links win)."""
    spans = [Span(SpanKind.LINK, m.start(), m.end(), m.group(0)) for m in _URL.finditer(text)]
    taken = [(s.start, s.end) for s in spans]

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    for match in _MENTION.finditer(text):
        if free(match.start(), match.end()):
            spans.append(Span(SpanKind.MENTION, match.start(), match.end(), match.group(1)))
    for match in _HASHTAG.finditer(text):
        if free(match.start(), match.end()):
            spans.append(Span(SpanKind.HASHTAG, match.start(), match.end(), match.group(1)))
    return sorted(spans, key=lambda s: s.start)


def shorten_link(url: str) -> str:
    """How a long link is shown where the network shortens it: no scheme, at most ~30 characters, then `…`.

    Bluesky's rule (its official app shows links so; the facet keeps the full URI). It lives here,
    not in the Bluesky adapter, because the window's previews show the same text without importing
    an adapter.
    """
    parts = urlsplit(url)
    shown = parts.netloc.removeprefix("www.") + parts.path + (f"?{parts.query}" if parts.query else "")
    shown = shown.rstrip("/") if parts.path in ("", "/") and not parts.query else shown
    return shown if len(shown) <= LINK_DISPLAY_MAX else shown[: LINK_DISPLAY_MAX - 1] + "…"
