"""The `hooks` table: the creator's receivers of events, and how each one's latest delivery went.

Never a secret here: a URL hook's signing secret is in the keyring under `hook/<id>`.
"""

from __future__ import annotations

from outpost.domain.errors import NotFoundError
from outpost.domain.hooks import Hook, HookDelivery, HookEvent
from outpost.store._codec import decode_time, encode_time
from outpost.store.db import Database, Row


class HookRepository:
    """Adds, lists and removes hooks; records deliveries."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def insert(self, hook: Hook) -> None:
        """Save a new hook."""
        with self._db.transaction():
            self._db.execute(
                "INSERT INTO hooks (id, event, url, command, created_at) VALUES (?, ?, ?, ?, ?)",
                (hook.id, hook.event.value, hook.url, hook.command, encode_time(hook.created_at)),
            )

    def all(self) -> list[Hook]:
        """Every hook, oldest first."""
        return [_hook(r) for r in self._db.query("SELECT * FROM hooks ORDER BY created_at, id")]

    def for_event(self, event: HookEvent) -> list[Hook]:
        """The hooks that follow `event`."""
        rows = self._db.query("SELECT * FROM hooks WHERE event = ? ORDER BY created_at, id", (event.value,))
        return [_hook(r) for r in rows]

    def get(self, hook_id: str) -> Hook:
        """The hook `hook_id`, or NotFoundError naming it."""
        rows = self._db.query("SELECT * FROM hooks WHERE id = ?", (hook_id,))
        if not rows:
            raise NotFoundError(f"No hook {hook_id!r}; `outpost hooks list` shows them.")
        return _hook(rows[0])

    def delete(self, hook_id: str) -> None:
        """Forget the hook (nothing happens if it is gone already)."""
        with self._db.transaction():
            self._db.execute("DELETE FROM hooks WHERE id = ?", (hook_id,))

    def record_delivery(self, hook_id: str, delivery: HookDelivery) -> None:
        """Keep how the latest delivery went (a hook removed meanwhile is left alone)."""
        with self._db.transaction():
            self._db.execute(
                "UPDATE hooks SET last_at = ?, last_ok = ?, last_status = ?, last_event = ? WHERE id = ?",
                (encode_time(delivery.at), int(delivery.ok), delivery.status, delivery.event, hook_id),
            )


def _hook(row: Row) -> Hook:
    last = None
    if row["last_at"] is not None:
        at = decode_time(row["last_at"])
        assert at is not None
        last = HookDelivery(
            at=at, ok=bool(row["last_ok"]), status=row["last_status"], event=row["last_event"]
        )
    created = decode_time(row["created_at"])
    assert created is not None
    return Hook(
        id=row["id"],
        event=HookEvent(row["event"]),
        url=row["url"],
        command=row["command"],
        created_at=created,
        last_delivery=last,
    )
