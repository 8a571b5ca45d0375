"""Secrets live in the OS keyring and nowhere else.

If the only keyring backend is keyring's `fail` backend (a headless machine with no Secret
Service) Outpost refuses to store secrets and says how to fix it. It never falls back to a file:
`keyrings.alt` would silently store plaintext (ENVIRONMENT.md §4).
"""

from __future__ import annotations

import asyncio
import json
from typing import Protocol

import keyring
import keyring.errors

from outpost.domain.errors import SecretStoreError

SERVICE = "Outpost"

NO_KEYRING_HELP = (
    "Outpost keeps tokens and passwords only in the operating system's keyring, and none is "
    "available here. On Linux, run a Secret Service (GNOME Keyring or KWallet) in your session "
    "(headless: `dbus-run-session` with `gnome-keyring-daemon --unlock`); on Windows and macOS "
    "the system keyring is used automatically. Nothing was stored anywhere else."
)


class SecretStore(Protocol):
    """Synchronous access to secrets by reference name; values are small string maps."""

    def get(self, ref: str) -> dict[str, str] | None:
        """The secret stored under `ref`, or None."""

    def set(self, ref: str, secret: dict[str, str]) -> None:
        """Store `secret` under `ref`."""

    def delete(self, ref: str) -> None:
        """Forget the secret under `ref` (no error if there is none)."""


class KeyringSecretStore:
    """The OS keyring through the `keyring` library (which honours PYTHON_KEYRING_BACKEND)."""

    def __init__(self, service: str = SERVICE) -> None:
        self._service = service

    def check(self) -> None:
        """Raise SecretStoreError unless a real keyring backend is available."""
        backend = keyring.get_keyring()
        if type(backend).__module__.startswith("keyring.backends.fail"):
            raise SecretStoreError(NO_KEYRING_HELP)

    def get(self, ref: str) -> dict[str, str] | None:
        """The secret under `ref`, or None."""
        self.check()
        try:
            raw = keyring.get_password(self._service, ref)
        except keyring.errors.KeyringError as exc:
            raise SecretStoreError(f"The keyring refused to read a secret: {exc}.") from None
        if raw is None:
            return None
        value = json.loads(raw)
        return {str(k): str(v) for k, v in value.items()}

    def set(self, ref: str, secret: dict[str, str]) -> None:
        """Store `secret` under `ref`."""
        self.check()
        try:
            keyring.set_password(self._service, ref, json.dumps(secret))
        except keyring.errors.KeyringError as exc:
            raise SecretStoreError(
                f"The keyring refused to store a secret: {exc}. {NO_KEYRING_HELP}"
            ) from None

    def delete(self, ref: str) -> None:
        """Forget the secret under `ref`."""
        self.check()
        try:
            keyring.delete_password(self._service, ref)
        except keyring.errors.PasswordDeleteError:
            pass
        except keyring.errors.KeyringError as exc:
            raise SecretStoreError(f"The keyring refused to delete a secret: {exc}.") from None


class SecretVault:
    """A `SecretStore` made async: keyring calls may block on D-Bus, so they run in a thread."""

    def __init__(self, store: SecretStore) -> None:
        self.store = store

    async def read(self, ref: str) -> dict[str, str] | None:
        """The credentials stored under `ref`, if any."""
        return await asyncio.to_thread(self.store.get, ref)

    async def write(self, ref: str, credentials: dict[str, str]) -> None:
        """Store credentials under `ref`."""
        await asyncio.to_thread(self.store.set, ref, credentials)

    async def delete(self, ref: str) -> None:
        """Forget the credentials under `ref`."""
        await asyncio.to_thread(self.store.delete, ref)
