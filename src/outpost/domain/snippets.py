"""Snippets: reusable text (signatures, hashtag groups, disclaimers) for the composer (issue #22).

A snippet has a name, an optional trigger (`;sig`) that the composer replaces as it is typed,
its text, and per-network variants (a shorter hashtag group for X). Pure functions here; the
store keeps them and the composer inserts them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from pydantic import BaseModel, ConfigDict, Field

from outpost.domain.enums import Network

#: A trigger: a short word starting with a punctuation mark, so typing prose never fires one.
TRIGGER = re.compile(r"^[;:/!\\#+][\w-]{1,30}$")


class Snippet(BaseModel):
    """One reusable piece of text.

    Attributes:
        trigger: typed in the composer and followed by a space or line break, it becomes the
            snippet (empty: only the picker inserts it).
        variants: network value (`x`) → the text that network gets instead.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    id: str
    name: str
    trigger: str = ""
    text: str
    variants: dict[str, str] = Field(default_factory=dict)

    def text_for(self, network: Network | str | None) -> str:
        """The text for `network` (its variant if it has one), or the common text."""
        key = network.value if isinstance(network, Network) else network
        return self.variants.get(key, self.text) if key else self.text


def problems(snippet: Snippet, others: Iterable[Snippet]) -> list[str]:
    """What is wrong with a snippet before it is saved (every problem, in words)."""
    found = []
    if not snippet.name.strip():
        found.append("Give the snippet a name.")
    if not snippet.text.strip():
        found.append("A snippet needs text.")
    if snippet.trigger and not TRIGGER.match(snippet.trigger):
        found.append(
            f"The trigger {snippet.trigger!r} must be a mark (; : / ! # + or \\) followed by up to 30 "
            f"letters, digits, - or _, e.g. ;sig."
        )
    for other in others:
        if other.id != snippet.id and snippet.trigger and other.trigger == snippet.trigger:
            found.append(f"The trigger {snippet.trigger} already inserts “{other.name}”.")
    known = {n.value for n in Network}
    for key in snippet.variants:
        if key not in known:
            found.append(f"{key!r} is not a network ({', '.join(sorted(known))}).")
    return found


def find_trigger(text: str, cursor: int, snippets: Iterable[Snippet]) -> tuple[int, int, Snippet] | None:
    """The trigger just typed before `cursor` (then a space or line break): its span and snippet."""
    if cursor < 2 or cursor > len(text) or text[cursor - 1] not in " \n":
        return None
    start = cursor - 1
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    word = text[start : cursor - 1]
    found = next((s for s in snippets if s.trigger and s.trigger == word), None)
    return None if found is None else (start, cursor - 1, found)


def expand_trigger(
    text: str, cursor: int, snippets: Iterable[Snippet], network: Network | str | None
) -> tuple[str, int] | None:
    """The text with a trigger just typed replaced by its snippet, and where the cursor goes.

    The trigger is the word just before `cursor`, ended by the space or line break typed; it
    becomes the snippet's text for `network`, and the typed separator stays after it. None when
    there is nothing to replace.
    """
    found = find_trigger(text, cursor, snippets)
    if found is None:
        return None
    start, end, snippet = found
    inserted = snippet.text_for(network)
    return text[:start] + inserted + text[end:], start + len(inserted) + 1


def search(snippets: Iterable[Snippet], query: str) -> list[Snippet]:
    """The snippets whose name, trigger or text holds every word of `query` (case-insensitive)."""
    words = query.lower().split()
    found = []
    for snippet in snippets:
        hay = " ".join([snippet.name, snippet.trigger, snippet.text, *snippet.variants.values()]).lower()
        if all(w in hay for w in words):
            found.append(snippet)
    return sorted(found, key=lambda s: s.name.lower())


def variants_of(raw: Mapping[str, str]) -> dict[str, str]:
    """Variants with the empty ones dropped (an empty variant means "use the common text")."""
    return {k: v for k, v in raw.items() if v.strip()}
