"""Links in a post's text, and UTM tags on the ones the creator chose (issue #22, "Links").

Outpost only adds query parameters: it never shortens a link, never sends it anywhere, and never
tags a link that already carries a `utm_` parameter (the creator's own tags win, and tagging
twice would be wrong). Which links are tagged is the creator's choice, kept on the post
(`Post.utm_links`); which accounts tag, and with what, are settings (`utm_for`, `utm_medium`,
`utm_campaign`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

#: http(s) links as people paste them; a sentence's closing punctuation is not part of the link.
_LINK = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}»”’'\""


@dataclass(frozen=True)
class UtmTags:
    """The parameters added to a chosen link for one account (`utm_source=mastodon&…`)."""

    source: str
    medium: str = "social"
    campaign: str = ""

    def params(self) -> list[tuple[str, str]]:
        """The query parameters, in the usual order; an empty campaign is left out."""
        pairs = [("utm_source", self.source), ("utm_medium", self.medium)]
        if self.campaign:
            pairs.append(("utm_campaign", self.campaign))
        return [(k, v) for k, v in pairs if v]


def links_in(text: str) -> list[str]:
    """The http(s) links in `text`, each once, in order of appearance."""
    found: list[str] = []
    for match in _LINK.finditer(text):
        link = match.group(0).rstrip(_TRAILING)
        if link and link not in found:
            found.append(link)
    return found


def has_utm(url: str) -> bool:
    """Whether the link already carries UTM parameters (then Outpost leaves it alone)."""
    return any(
        key.lower().startswith("utm_") for key, _ in parse_qsl(urlsplit(url).query, keep_blank_values=True)
    )


def tag_link(url: str, tags: UtmTags) -> str:
    """`url` with the UTM parameters appended; unchanged if it has any `utm_` parameter already."""
    if has_utm(url):
        return url
    parts = urlsplit(url)
    extra = urlencode(tags.params())
    if not extra:
        return url
    query = f"{parts.query}&{extra}" if parts.query else extra
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", query, parts.fragment))


def tag_text(text: str, chosen: Iterable[str], tags: UtmTags | None) -> str:
    """`text` with each chosen link tagged wherever it appears; other links stay as written."""
    wanted = set(chosen)
    if tags is None or not wanted:
        return text

    def swap(match: re.Match[str]) -> str:
        raw = match.group(0)
        link = raw.rstrip(_TRAILING)
        tail = raw[len(link) :]
        return (tag_link(link, tags) if link in wanted else link) + tail

    return _LINK.sub(swap, text)


def tags_for(
    network: str,
    account_ref: str,
    tag_for: Sequence[str],
    *,
    medium: str = "social",
    campaign: str = "",
    sources: Mapping[str, str] | None = None,
) -> UtmTags | None:
    """The tags for an account, if tagging is on for it or its network (`tag_for` names either).

    `utm_source` is the network's name (`mastodon`, `x`…) unless `sources` names another.
    """
    if network not in tag_for and account_ref not in tag_for:
        return None
    source = (sources or {}).get(network, network)
    return UtmTags(source=source, medium=medium, campaign=campaign)
