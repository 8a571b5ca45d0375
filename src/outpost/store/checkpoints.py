"""Checkpoints: what an adapter must remember across a restart to resume instead of starting anew.

A YouTube resumable upload's session URI is the example: saved before the first byte is sent, so
an upload cut by a crash asks the server where it stopped and goes on, and never makes a second
video. Values are the adapter's own short strings; never tokens or secrets (those live in the
keyring).
"""

from __future__ import annotations

from datetime import datetime

from outpost.store._codec import encode_time
from outpost.store.db import Database


class CheckpointRepository:
    """Reads and writes checkpoints by key."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def get(self, key: str) -> str | None:
        """The value saved under `key`, if any."""
        rows = self._db.query("SELECT value FROM checkpoints WHERE key = ?", (key,))
        return str(rows[0]["value"]) if rows else None

    def put(self, key: str, value: str, now: datetime) -> None:
        """Save `value` under `key` (replacing what was there), committed before returning."""
        with self._db.transaction():
            self._db.execute(
                "INSERT INTO checkpoints (key, value, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                (key, value, encode_time(now)),
            )

    def delete(self, key: str) -> None:
        """Forget `key` (nothing happens if it is not there)."""
        with self._db.transaction():
            self._db.execute("DELETE FROM checkpoints WHERE key = ?", (key,))
