"""Where an account's picture is: kept with the account, changed on reconnect, added by schema v3."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from outpost.domain.enums import Network
from outpost.domain.models import Account
from outpost.store import Store
from outpost.store.migrations import MIGRATIONS
from tests.fakes import START


def _alice(avatar_url: str | None) -> Account:
    return Account(
        id="acc_1",
        network=Network.MASTODON,
        handle="alice@x.example",
        secret_ref="r1",
        created_at=START,
        avatar_url=avatar_url,
    )


def test_an_accounts_picture_address_is_kept_and_can_change(tmp_path: Path) -> None:
    store = Store(tmp_path)
    try:
        store.accounts.insert(_alice("https://x.example/avatars/1.png"))
        assert store.accounts.get("acc_1").avatar_url == "https://x.example/avatars/1.png"
        store.accounts.set_avatar_url("acc_1", "https://x.example/avatars/2.png")
        assert store.accounts.get("acc_1") == _alice("https://x.example/avatars/2.png")
    finally:
        store.close()


def test_a_database_from_before_pictures_keeps_its_accounts_without_one(tmp_path: Path) -> None:
    raw = sqlite3.connect(tmp_path / "outpost.sqlite3")
    raw.executescript("".join(MIGRATIONS[:2]) + "PRAGMA user_version = 2;")
    raw.execute(
        "INSERT INTO accounts (id, network, handle, secret_ref, created_at, health) "
        "VALUES ('acc_1', 'mastodon', 'alice@x.example', 'r1', '2026-11-25T12:00:00.000000Z', '{}')"
    )
    raw.commit()
    raw.close()
    store = Store(tmp_path)
    try:
        assert store.accounts.get("acc_1") == _alice(None)
    finally:
        store.close()
