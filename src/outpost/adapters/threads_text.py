"""How Threads counts a post's text, and the links in it.

Threads' own words (developers.facebook.com/documentation/threads/posts, "Limitations", updated
2026-04-14): "Text posts are limited to 500 characters. Emojis are counted as the number of UTF-8
bytes." So:

- every emoji (a grapheme cluster that shows as an emoji picture, including skin-tone, flag,
  keycap and ZWJ sequences) counts its UTF-8 bytes: 👍 = 4, ❤️ = 6, 👨‍👩‍👧 = 18;
- every other character counts 1 per code point (what "characters" means in Python and in
  Meta's examples). How Threads counts non-emoji characters outside ASCII is not documented
  (x-bluesky-mastodon-threads.md §4.4: UNCONFIRMED); counting code points, never graphemes,
  is the cautious reading: a letter with a combining accent counts 2, never less than Threads.

Links (the same docs, text-attachments page: "The number of links is restricted to 5 or
fewer … All unique URLs found in the text field are counted as links", error
`THREADS_API__LINK_LIMIT_EXCEEDED` since 2025-12-22). Meta's own examples count addresses
without a scheme (`www.facebook.com`), so those count here too: an address with `http(s)://`,
one starting `www.`, and a bare `name.tld/…` for common top-level domains. The same address
written twice counts once; written two ways (`https://a.com` and `a.com`) it counts twice, the
cautious side again.
"""

from __future__ import annotations

import regex

MAX_LENGTH = 500
MAX_LINKS = 5
LENGTH_UNIT = "characters (each emoji counts its UTF-8 bytes, e.g. 👍 = 4)"

_TLDS = "com|net|org|edu|gov|io|co|dev|app|info|me|ly|tv|ai|blog|news|xyz|de|uk|fr|es|it|nl|ca|jp|au|in|br"
_LINK = regex.compile(
    r"(?:(?<![\w@.])https?://|(?<![\w@./:-])www\.|(?<![\w@./:-])(?=(?:[\w-]+\.)+(?:" + _TLDS + r")\b))"
    r"[^\s<>\"\p{Cf}]*[^\s<>\"\p{Cf}.,;:!?)\]}'’”]",
    regex.IGNORECASE,
)
# One emoji as people see it: a grapheme cluster that shows as an emoji picture.
_EMOJI_MODIFIERS = "\ufe0f\U0001f3fb-\U0001f3ff\u200d\U000e0020-\U000e007f"
_EMOJI = regex.compile(
    r"^(?:\p{Emoji_Presentation}|\p{Extended_Pictographic}[" + _EMOJI_MODIFIERS + "]"
    r"|\p{Regional_Indicator}{2}|[#*0-9]\ufe0f?\u20e3)"
)
_GRAPHEME = regex.compile(r"\X")


def count_length(text: str) -> int:
    """The length Threads compares with its 500-character limit."""
    total = 0
    for cluster in _GRAPHEME.findall(text):
        total += len(cluster.encode("utf-8")) if _EMOJI.match(cluster) else len(cluster)
    return total


def links(text: str) -> list[str]:
    """The distinct links Threads counts in `text`, in order of first appearance."""
    seen: dict[str, str] = {}
    for match in _LINK.finditer(text):
        seen.setdefault(match.group(0).lower().rstrip("/"), match.group(0))
    return list(seen.values())


__all__ = ["LENGTH_UNIT", "MAX_LENGTH", "MAX_LINKS", "count_length", "links"]
