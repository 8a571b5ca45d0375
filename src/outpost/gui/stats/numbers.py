"""How the Stats tab writes numbers: a metric a network does not report is "—", never 0."""

from __future__ import annotations

from collections.abc import Callable

DASH = "—"

Value = int | float | str | None
Format = Callable[[Value], str]


def count(value: Value) -> str:
    """12,345 (or "—")."""
    if value is None:
        return DASH
    if isinstance(value, float):
        return f"{value:,.0f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def compact(value: Value) -> str:
    """A big number for a card: 980, 12.3K, 4.56M (or "—")."""
    if value is None:
        return DASH
    if not isinstance(value, int | float):
        return str(value)
    size = abs(value)
    if size >= 1_000_000:
        return f"{value / 1_000_000:.2f}M".replace(".00M", "M")
    if size >= 10_000:
        return f"{value / 1000:.1f}K".replace(".0K", "K")
    return count(value)


def rate(value: Value) -> str:
    """An engagement rate, which the engine gives in percent: 1.8 → "1.80%" (or "—")."""
    if value is None:
        return DASH
    if not isinstance(value, int | float):
        return str(value)
    return f"{value:.2f}%"


def signed(value: Value) -> str:
    """A change: +120, −4, 0 (or "—")."""
    if value is None:
        return DASH
    if isinstance(value, int | float) and value > 0:
        return f"+{count(value)}"
    if isinstance(value, int | float) and value < 0:
        return f"−{count(-value)}"
    return count(value)


def text(value: Value) -> str:
    """Anything else, as it is (or "—")."""
    return DASH if value is None else str(value)
