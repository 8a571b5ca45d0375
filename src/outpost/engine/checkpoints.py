"""Adapters' checkpoints kept in the store, through the store's worker thread."""

from __future__ import annotations

from outpost.domain.clock import Clock
from outpost.engine.worker import StoreWorker
from outpost.store import Store


class StoreCheckpoints:
    """The `CheckpointStore` adapters get from the engine: one row per key in `checkpoints`."""

    def __init__(self, store: Store, db: StoreWorker, clock: Clock) -> None:
        self._store = store
        self._db = db
        self._clock = clock

    async def get(self, key: str) -> str | None:
        """The value saved under `key`, if any."""
        return await self._db.run(self._store.checkpoints.get, key)

    async def put(self, key: str, value: str) -> None:
        """Save `value` under `key`, committed before returning."""
        await self._db.run(self._store.checkpoints.put, key, value, self._clock.now())

    async def delete(self, key: str) -> None:
        """Forget `key`."""
        await self._db.run(self._store.checkpoints.delete, key)
