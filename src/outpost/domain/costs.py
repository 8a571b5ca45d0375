"""What a post costs on X's pay-per-use API, before it is sent (issue #22).

X bills the creator's own developer app per request: a post that carries a link costs about 13
times one without (`Content: Create` $0.015 against `Content: Create (with URL)` $0.200). Each
thread part and the first comment is its own create request; alt text is one
`Media Metadata` request per described image. The prices live in one table with the date they
were read and where; Settings can change them when X does (`x_prices`).

Source: https://docs.x.com/x-api/getting-started/pricing ("Write operations: Charged per
request"), read 2026-12-02.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from outpost.domain.links import links_in

PRICES_SOURCE = "https://docs.x.com/x-api/getting-started/pricing"
PRICES_READ = "2026-12-02"

#: USD per request, as X's pricing page listed them on PRICES_READ.
X_PRICES: dict[str, float] = {
    "post": 0.015,  # Content: Create
    "post_with_url": 0.200,  # Content: Create (with URL)
    "media_metadata": 0.005,  # Media Metadata (alt text), per image described
}
PRICE_NAMES = {
    "post": "a post without a link",
    "post_with_url": "a post with a link",
    "media_metadata": "alt text on one image",
}


@dataclass(frozen=True)
class CostLine:
    """One billed request: what it is and what it costs."""

    what: str
    kind: str
    usd: float


@dataclass(frozen=True)
class PostCost:
    """What one post costs on X: every request, and their sum."""

    lines: tuple[CostLine, ...]

    @property
    def usd(self) -> float:
        """The total, in US dollars."""
        return round(sum(line.usd for line in self.lines), 6)

    def summary(self) -> str:
        """`$0.43 on X: 2 posts with a link ($0.20 each), 1 without ($0.015)` in one line."""
        counts: dict[str, int] = {}
        for line in self.lines:
            counts[line.kind] = counts.get(line.kind, 0) + 1
        prices = {line.kind: line.usd for line in self.lines}
        words = {
            "post_with_url": ("with a link", "with a link"),
            "post": ("without a link", "without a link"),
            "media_metadata": ("alt text", "alt texts"),
        }
        said = []
        for kind in ("post_with_url", "post", "media_metadata"):
            if kind in counts:
                n = counts[kind]
                noun = "" if kind == "media_metadata" else ("part " if n == 1 else "parts ")
                said.append(f"{n} {noun}{words[kind][n != 1]} ({money(prices[kind])} each)")
        return f"{money(self.usd)} on X: " + ", ".join(said) if said else f"{money(0)} on X"


def money(usd: float) -> str:
    """Dollars the way a price list shows them: `$0.015`, `$0.20`, `$1.43`."""
    if usd and round(usd, 2) != round(usd, 3):
        return f"${usd:.3f}"
    return f"${usd:.2f}"


def prices(overrides: Mapping[str, float] | None = None) -> dict[str, float]:
    """The price table with the creator's changes from Settings applied."""
    table = dict(X_PRICES)
    for key, value in (overrides or {}).items():
        if key in table:
            table[key] = float(value)
    return table


def post_cost(
    parts: Sequence[str],
    *,
    first_comment: str | None = None,
    described_media: int = 0,
    table: Mapping[str, float] | None = None,
) -> PostCost:
    """The cost on X of the parts of a thread (post first), its first comment and alt texts.

    A part "with a link" is one whose text holds an http(s) link; X decides the price by the
    URL in the request, so a link anywhere in the part counts.
    """
    price = prices(table)
    lines: list[CostLine] = []
    texts = [*parts, *([first_comment] if first_comment else [])]
    for index, text in enumerate(texts):
        kind = "post_with_url" if links_in(text) else "post"
        what = "first comment" if first_comment and index == len(texts) - 1 else f"part {index + 1}"
        lines.append(CostLine(what, kind, price[kind]))
    for index in range(described_media):
        lines.append(CostLine(f"alt text {index + 1}", "media_metadata", price["media_metadata"]))
    return PostCost(tuple(lines))


def month_total(costs: Iterable[PostCost]) -> float:
    """The sum of several posts' costs (a month's, on one developer app)."""
    return round(sum(c.usd for c in costs), 6)
