"""How X counts a post's length: twitter-text's "weighted length" (configuration v3).

X does not count characters. Following twitter-text's v3 configuration (`config/v3.json` in
github.com/twitter/twitter-text, the library X's own clients use) and its conformance suite
(`conformance/tests/validate.yml`, section WeightedTweetsWithDiscountedEmojiCounterTest):

- the text is NFC-normalized first;
- every URL counts 23, however long (X wraps it in t.co);
- every emoji, including skin-tone, flag, keycap, tag and ZWJ sequences, counts 2;
- a code point in U+0000–U+10FF, U+2000–U+200D, U+2010–U+201F or U+2032–U+2037 counts 1
  (Latin, Greek, Cyrillic, Hebrew, Arabic, Indic scripts, common punctuation);
- any other code point (CJK, Hangul, kana, symbols) counts 2;
- the limit is 280; accounts with X Premium may post longer (`max_length` in capabilities).

URLs without a scheme are recognized for the common generic domains only (`example.com/path`);
twitter-text knows every TLD. A host label longer than 63 characters (after punycode for
non-ASCII names) is not a valid domain, so such a "URL" counts as plain text, as X does.
"""

from __future__ import annotations

import unicodedata

import regex

MAX_WEIGHTED_LENGTH = 280
URL_WEIGHT = 23
_SINGLE_WEIGHT_RANGES = ((0x0000, 0x10FF), (0x2000, 0x200D), (0x2010, 0x201F), (0x2032, 0x2037))
_BARE_DOMAIN_TLDS = "com|net|org|edu|gov|io|co|dev|app|info|me|ly|tv|ai|blog|news|xyz"

# Format characters (bidi marks, ZWJ) end a URL: X does not link them.
_URL = regex.compile(
    r"(?:(?<![\w@.])https?://|(?<![\w@./:-])(?=(?:[\w-]+\.)+(?:" + _BARE_DOMAIN_TLDS + r")\b))"
    r"[^\s<>\"\p{Cf}]*[^\s<>\"\p{Cf}.,;:!?)\]}'’”]",
    regex.IGNORECASE,
)
_HOST = regex.compile(r"^(?:https?://)?(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]+)", regex.IGNORECASE)
# One emoji as people see it: a grapheme cluster that shows as an emoji picture.
_EMOJI_MODIFIERS = "\ufe0f\U0001f3fb-\U0001f3ff\u200d\U000e0020-\U000e007f"
_EMOJI_GRAPHEME = regex.compile(
    r"^(?:\p{Emoji_Presentation}|\p{Extended_Pictographic}[" + _EMOJI_MODIFIERS + "]"
    r"|\p{Regional_Indicator}{2}|[#*0-9]\ufe0f?\u20e3)"
)
_GRAPHEME = regex.compile(r"\X")


def weighted_length(text: str) -> int:
    """The length X shows for `text`, compared with the 280 limit."""
    text = unicodedata.normalize("NFC", text)
    total = 0
    position = 0
    for match in _URL.finditer(text):
        if not _is_valid_host(match.group(0)):
            continue
        total += _plain_weight(text[position : match.start()]) + URL_WEIGHT
        position = match.end()
    return total + _plain_weight(text[position:])


def _plain_weight(text: str) -> int:
    total = 0
    for cluster in _GRAPHEME.findall(text):
        if _EMOJI_GRAPHEME.match(cluster):
            total += 2
        else:
            total += sum(_code_point_weight(ord(char)) for char in cluster)
    return total


def _code_point_weight(code_point: int) -> int:
    return 1 if any(low <= code_point <= high for low, high in _SINGLE_WEIGHT_RANGES) else 2


def _is_valid_host(url: str) -> bool:
    """Whether every label of the URL's host fits DNS's 63-octet limit (punycode for non-ASCII)."""
    host = _HOST.match(url)
    if host is None:
        return False
    if host.group(1).startswith("["):
        return True  # an IPv6 literal
    for label in host.group(1).split("."):
        encoded = label if label.isascii() else "xn--" + label.encode("punycode").decode("ascii")
        if not 0 < len(encoded) <= 63:
            return False
    return True
