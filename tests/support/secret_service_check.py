"""Runs inside a D-Bus session with an unlocked gnome-keyring (see tests/integration/test_secret_service.py).

Drives the real engine with the real OS keyring backend and checks the Secret Service itself.
Prints OK on success; any failure raises.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

import keyring
import secretstorage

from outpost.adapters.base import AddAccountRequest
from outpost.auth.secrets import SERVICE, KeyringSecretStore
from outpost.domain.enums import Network, PostStatus
from outpost.engine import Engine, PostInput, When
from tests.contract.fake_mastodon import BASE, FakeMastodon


def items_for(ref: str) -> list[str]:
    connection = secretstorage.dbus_init()
    collection = secretstorage.get_default_collection(connection)
    found = [
        item.get_secret().decode() for item in collection.search_items({"service": SERVICE, "username": ref})
    ]
    connection.close()
    return found


async def main() -> None:
    backend = type(keyring.get_keyring())
    assert backend.__module__ == "keyring.backends.SecretService", backend
    data = Path(tempfile.mkdtemp())
    server = FakeMastodon()
    engine = Engine.open(data, secrets=KeyringSecretStore(), transport=server.transport())
    try:
        account = await engine.accounts.add(
            Network.MASTODON, AddAccountRequest(service_url=BASE, access_token="token-alice")
        )
        stored = items_for(account.secret_ref)
        assert len(stored) == 1 and "token-alice" in stored[0], stored
        post = await engine.posts.create(
            PostInput(text="via the Secret Service", accounts=(account.id,)), When.now()
        )
        assert post.status is PostStatus.PUBLISHED, post.targets[0].error
        await engine.accounts.remove(account.id)
        assert items_for(account.secret_ref) == []  # removing an account deletes its secret
    finally:
        await engine.close()
    for path in data.rglob("*"):
        assert not (path.is_file() and b"token-alice" in path.read_bytes()), path
    print("OK")


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
