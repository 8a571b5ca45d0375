"""Network-neutral text analysis: graphemes, and where links, mentions and hashtags are.

Every network counts and links text its own way; they all start from the same spans found here.
Spans are in Python string indices (code points); adapters convert them to what their network
wants (UTF-8 byte offsets for Bluesky facets, fixed URL weights for Mastodon and X).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import StrEnum
from types import ModuleType
from urllib.parse import urlsplit

# A URL as people paste them: a scheme, then anything up to whitespace; trailing punctuation
# that usually closes a sentence is not part of the link.
_URL = r"\bhttps?://[^\s<>\"]+[^\s<>\".,;:!?)\]}'’”]"
# @user or @user@domain (Mastodon) or @handle.domain (Bluesky), not inside an e-mail address.
_MENTION = r"(?<![\w@/])@([\w][\w.-]*[\w](?:@[\w][\w.-]*[\w])?)"
# #tag with letters/digits/underscore, not starting a URL fragment; not only digits.
_HASHTAG = r"(?<![\w/&#])#((?=\w*[^\W\d])[\w]+)"
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


@dataclass(frozen=True)
class _Patterns:
    url: re.Pattern[str]
    mention: re.Pattern[str]
    hashtag: re.Pattern[str]


@functools.cache
def _patterns(ascii_only: bool) -> _Patterns:
    """The patterns, compiled by `re` for ASCII text and by `regex` for any other.

    `regex` knows Unicode's grapheme clusters and word characters as `re` does not, but its
    import costs ~40 ms, a tenth of a one-shot command's own work (issue #26). On ASCII text the
    two agree exactly (a word character there is [A-Za-z0-9_] for both), so `regex` is loaded
    only for text that needs it.
    """
    engine: ModuleType = re if ascii_only else _regex()
    return _Patterns(
        url=engine.compile(_URL, engine.IGNORECASE),
        mention=engine.compile(_MENTION, engine.UNICODE),
        hashtag=engine.compile(_HASHTAG, engine.UNICODE),
    )


def _regex() -> ModuleType:
    import regex

    return regex


def graphemes(text: str) -> int:
    """How many user-perceived characters (extended grapheme clusters) `text` has.

    ASCII needs no segmentation: every character is a cluster of its own except CR LF, which is
    one (Unicode's UAX #29, rule GB3).
    """
    if text.isascii():
        return len(text) - text.count("\r\n")
    return len(_regex().findall(r"\X", text))


def find_spans(text: str) -> list[Span]:
    """Links, mentions and hashtags in `text`, in order, never overlapping (links win)."""
    return spans_with(_patterns(text.isascii()), text)


def spans_with(patterns: _Patterns, text: str) -> list[Span]:
    """`find_spans` with the given compiled patterns (the tests hold `re`'s and `regex`'s alike)."""
    spans = [Span(SpanKind.LINK, m.start(), m.end(), m.group(0)) for m in patterns.url.finditer(text)]
    taken = [(s.start, s.end) for s in spans]

    def free(start: int, end: int) -> bool:
        return all(end <= a or start >= b for a, b in taken)

    for match in patterns.mention.finditer(text):
        if free(match.start(), match.end()):
            spans.append(Span(SpanKind.MENTION, match.start(), match.end(), match.group(1)))
    for match in patterns.hashtag.finditer(text):
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
