"""Identifiers: a prefix that says what it is (`post_`, `acc_`, …), then time-ordered hex."""

from __future__ import annotations

import secrets
import time


def new_id(prefix: str) -> str:
    """A new id like `post_0193a1b2c3d4e5f6a7b8c9`: sorts by creation time, unique enough."""
    # The machine's time, not the engine's clock, on purpose: it only makes ids sort roughly in
    # creation order (like the random part, it keeps them unique); no rule ever reads it back.
    return f"{prefix}_{time.time_ns() // 1_000_000:012x}{secrets.token_hex(5)}"
