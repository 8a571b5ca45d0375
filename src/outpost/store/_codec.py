"""Encoding times and JSON columns the one way the store writes them."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def encode_time(value: datetime | None) -> str | None:
    """UTC text of fixed width, so that text order is time order."""
    if value is None:
        return None
    return value.astimezone(UTC).strftime(_FORMAT)


def decode_time(value: str | None) -> datetime | None:
    """The aware UTC datetime of stored text."""
    if value is None:
        return None
    return datetime.fromisoformat(value)  # C-fast; reads the trailing Z as UTC (Python ≥ 3.11)


def encode_json(value: Any) -> str:
    """Compact, stable JSON."""
    return json.dumps(value, separators=(",", ":"), sort_keys=True, ensure_ascii=False)


def decode_json(value: str | None) -> Any:
    """Parsed JSON, None for NULL (empty containers, the common case, skip the parser)."""
    if value is None:
        return None
    if value == "{}":
        return {}
    if value == "[]":
        return []
    return json.loads(value)
