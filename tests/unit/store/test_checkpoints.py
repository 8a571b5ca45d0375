"""Adapters' checkpoints survive closing and reopening the store (a restart), per account."""

from __future__ import annotations

import asyncio
from pathlib import Path

from outpost.adapters.base import AccountContext, MemoryCheckpoints
from outpost.domain.models import Account
from outpost.engine.checkpoints import StoreCheckpoints
from outpost.engine.worker import StoreWorker
from outpost.store import Store
from tests.fakes import START, FakeClock


def test_a_checkpoint_outlives_the_store_and_is_gone_once_forgotten(tmp_path: Path) -> None:
    store = Store(tmp_path)
    store.checkpoints.put("acc_1:upload", "https://upload.example/session-1", START)
    store.checkpoints.put("acc_1:upload", "https://upload.example/session-2", START)
    store.close()

    reopened = Store(tmp_path)
    assert reopened.checkpoints.get("acc_1:upload") == "https://upload.example/session-2"
    reopened.checkpoints.delete("acc_1:upload")
    reopened.checkpoints.delete("acc_1:upload")  # forgetting twice is fine
    assert reopened.checkpoints.get("acc_1:upload") is None
    reopened.close()


def test_an_accounts_checkpoints_are_its_own(tmp_path: Path) -> None:
    store = Store(tmp_path)
    checkpoints = StoreCheckpoints(store, StoreWorker(), FakeClock())

    def context(account_id: str) -> AccountContext:
        account = Account(
            id=account_id, network="youtube", handle=account_id, secret_ref="r", created_at=START
        )
        return AccountContext(account, vault=None, lock=asyncio.Lock(), checkpoints=checkpoints)  # type: ignore[arg-type]

    async def scenario() -> tuple[str | None, str | None, str | None]:
        alice, bob = context("acc_alice"), context("acc_bob")
        await alice.save_checkpoint("upload:abc", "session-a")
        seen_by_bob = await bob.checkpoint("upload:abc")
        kept = await alice.checkpoint("upload:abc")
        await alice.forget_checkpoint("upload:abc")
        return seen_by_bob, kept, await alice.checkpoint("upload:abc")

    assert asyncio.run(scenario()) == (None, "session-a", None)
    store.close()


def test_without_an_engine_checkpoints_last_for_the_process() -> None:
    memory = MemoryCheckpoints()
    asyncio.run(memory.put("k", "v"))
    assert asyncio.run(memory.get("k")) == "v"
