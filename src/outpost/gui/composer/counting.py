"""How long a post is for each account, as its network counts it, and how the counters say so.

The tooltip says the unit in plain words and mentions how links or a content warning count only
when the post has them (issue #17: "(content warning included, links count 23)" appeared on
every post).
"""

from __future__ import annotations

from dataclasses import dataclass

from outpost.domain.capabilities import Capabilities
from outpost.domain.enums import Network
from outpost.domain.models import Account
from outpost.domain.text import SpanKind, find_spans
from outpost.engine import PostInput
from outpost.gui.names import account_label
from outpost.gui.qt import QLabel
from outpost.gui.theme import Colours

__all__ = ["NEAR", "Count", "count_for", "show_count"]

NEAR = 0.9  # counters turn amber at 90 % of a limit


@dataclass(frozen=True)
class Count:
    """How long the text one account gets is.

    Attributes:
        tone: the `Colours` name to show it in ("muted", "warn" near the limit, "bad" over it).
        tip: the whole story, for the tooltip.
        own: the network gets its own text (from its Customise tab).
    """

    used: int
    limit: int
    tone: str
    tip: str
    own: bool = False


def count_for(account: Account, caps: Capabilities, request: PostInput) -> Count:
    """How long `request` is for `account`, counted as its network counts."""
    own = dict(request.text_for).get(account.network.value)
    text = own if own is not None else request.text
    options = {k: v for n, k, v in request.options if n == account.network.value}
    warning = options.get("spoiler_text") if account.network is Network.MASTODON else None
    extra = caps.count_length(warning) if isinstance(warning, str) else 0  # Mastodon counts it in
    used, limit = caps.count_length(text) + extra, caps.length_limit(options)
    tone = "bad" if used > limit else "warn" if used >= limit * NEAR else "muted"
    notes = [n for n in (_link_note(caps, text), "the content warning counts too" if extra else "") if n]
    tip = f"{used} of {limit} {caps.length_unit.split(' (')[0]} for {account_label(account)}"
    tip += f" ({'; '.join(notes)})" if notes else ""
    if own is not None:
        tip += f". {account.network.label} gets its own text (Customise {account.network.label})"
    if used > limit:
        tip += f" — {used - limit} over: shorten it, split it into a thread, or customise it."
    return Count(used, limit, tone, tip, own is not None)


def show_count(label: QLabel, count: Count, colours: Colours) -> None:
    """Colour `label` by how close to the limit it is (bold when over) and give it the tooltip."""
    weight = "bold" if count.tone == "bad" else "normal"
    label.setStyleSheet(f"color: {getattr(colours, count.tone)}; font-weight: {weight}")
    label.setToolTip(count.tip)


def _link_note(caps: Capabilities, text: str) -> str:
    """How a link in `text` counts, when the network does not count it letter by letter."""
    link = next((s.value for s in find_spans(text) if s.kind is SpanKind.LINK), None)
    if link is None or caps.count_length(link) == len(link):
        return ""
    return f"a link counts as {caps.count_length(link)}"
