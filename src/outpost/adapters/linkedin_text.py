r"""LinkedIn's "little" text format: what to escape so a post is never silently cut.

LinkedIn treats `\ | { } @ [ ] ( ) < > # * _ ~` as markup in `commentary`; an unescaped one can
make the API answer 201 and still cut the post at that character (Microsoft Learn,
"little-text-format"; linkedctl `escape.ts`; crossposter 1.1.5 — notes in
../shared/platforms/meta-linkedin-tiktok-youtube.md §4.6). Escaping is a backslash.

Kept as they are, so they keep working: links (LinkedIn links them itself), `#hashtags` (an
escaped `\#` is not clickable), and mention elements a person wrote out in LinkedIn's own form,
`@[Name](urn:li:person:…)` or `…(urn:li:organization:…)`.
"""

from __future__ import annotations

import re

MAX_LENGTH = 3000
RESERVED = frozenset("\\|{}@[]()<>#*_~")

_KEEP = re.compile(
    r"(?P<mention>@\[[^\[\]]+\]\(urn:li:(?:person|organization):[A-Za-z0-9_-]+\))"
    r"|(?P<url>https?://[^\s<>\\]+)"
    r"|(?P<hashtag>(?<![\w#\\])#\w+)"
)


def escape(text: str) -> str:
    """`text` as LinkedIn `commentary`: reserved characters escaped, links/hashtags/mentions kept."""
    out: list[str] = []
    position = 0
    for match in _KEEP.finditer(text):
        out.append(_escape_plain(text[position : match.start()]))
        kept = _trim_url(match.group(0)) if match.group("url") else match.group(0)
        out.append(kept)
        position = match.start() + len(kept)
    out.append(_escape_plain(text[position:]))
    return "".join(out)


def _trim_url(url: str) -> str:
    """A link without the sentence punctuation after it ("(see https://a.b/c)." → "https://a.b/c")."""
    while url and url[-1] in ".,;:!?'\")":
        if url[-1] == ")" and url.count("(") >= url.count(")"):
            break  # a balanced parenthesis belongs to the link (Wikipedia-style)
        url = url[:-1]
    return url


def _escape_plain(text: str) -> str:
    return "".join(f"\\{char}" if char in RESERVED else char for char in text)


def count_length(text: str) -> int:
    """Characters LinkedIn receives (escapes included: the limit applies to what is sent)."""
    return len(escape(text))
