"""Secrets live in the OS keyring and nowhere else; the sandbox's dummy credentials never go there.

If the only keyring backend is keyring's `fail` backend (a desktop or server with no Secret
Service) Outpost refuses to store secrets and says how to get a keyring (`KEYRING_FIXES`). It
never falls back to a file: `keyrings.alt` would silently store plaintext (ENVIRONMENT.md §4),
and the one encrypted-file backend, `keyrings.cryptfile`, has had no release since 2022.

Sandbox accounts are the exception that proves the rule: their credentials are made-up values
for a network simulated on this computer, so they need no keyring and must work without one
(issue #17). Their references start with `SANDBOX_PREFIX`, and `RoutedSecretStore` keeps them in
a private file in the data folder (`SandboxSecretStore`), away from the person's real secrets.
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
import sys
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import keyring
import keyring.errors

from outpost.domain.errors import SecretStoreError
from outpost.private_files import write_private

SERVICE = "Outpost"

#: How a sandbox account's secret reference starts (`sandbox/mastodon/acc_…`).
SANDBOX_PREFIX = "sandbox/"

#: The one line that starts Outpost in its own session with an unlocked GNOME Keyring, for a
#: desktop without a session bus (a bare window manager) or no desktop at all. It asks for the
#: keyring's password in the terminal without showing it (the first time, the password chosen
#: creates the keyring). `{args}` follows `outpost` (" run" for the command line). Tested in
#: tests/unit/auth/test_secrets.py.
HEADLESS_COMMAND = (
    'dbus-run-session -- sh -c \'stty -echo; printf "Keyring password: "; read -r pw; stty echo; '
    'echo; printf %s "$pw" | gnome-keyring-daemon --unlock --components=secrets >/dev/null '
    "&& exec outpost{args}'"
)

NO_KEYRING_HELP = (
    "Outpost keeps tokens and passwords only in your system's keyring, and this computer has none "
    "running. Nothing was stored anywhere else. On Debian or Ubuntu, install GNOME Keyring with "
    "sudo apt install gnome-keyring and then log out and log in again; on KDE Plasma, turn on KDE "
    "Wallet in System Settings. Without a desktop session, install GNOME Keyring and run Outpost "
    f"like this: {HEADLESS_COMMAND.format(args=' run')} The README's section “A keyring for your "
    "secrets” has the commands for other systems."
)


@dataclass(frozen=True)
class KeyringFix:
    """How to get a keyring on one kind of system: commands to paste as they are, then a step.

    Attributes:
        system: which computers this is for, in the words people know them by.
        commands: shell commands, each complete and copyable (no placeholders, no backticks).
        then: what to do after them (plain words; may be empty).
        os_ids: the `ID`/`ID_LIKE` values of /etc/os-release this is for.
        desktops: the `XDG_CURRENT_DESKTOP` names this is for.
        without_session_bus: for a session with no D-Bus session bus (no Secret Service can run).
    """

    system: str
    commands: tuple[str, ...]
    then: str = ""
    os_ids: frozenset[str] = frozenset()
    desktops: frozenset[str] = frozenset()
    without_session_bus: bool = False


_RELOG = "Then log out and log in again, and start Outpost."

#: Ways to get a keyring on Linux, the common systems first (the window's Add account dialog and
#: the README show them).
KEYRING_FIXES: tuple[KeyringFix, ...] = (
    KeyringFix(
        "Debian, Ubuntu, Linux Mint",
        ("sudo apt install gnome-keyring",),
        _RELOG,
        os_ids=frozenset({"debian", "ubuntu", "linuxmint", "pop", "raspbian"}),
    ),
    KeyringFix(
        "Fedora", ("sudo dnf install gnome-keyring",), _RELOG, os_ids=frozenset({"fedora", "rhel", "centos"})
    ),
    KeyringFix(
        "Arch Linux, Manjaro",
        ("sudo pacman -S gnome-keyring",),
        _RELOG,
        os_ids=frozenset({"arch", "manjaro", "endeavouros"}),
    ),
    KeyringFix(
        "openSUSE",
        ("sudo zypper install gnome-keyring",),
        _RELOG,
        os_ids=frozenset({"opensuse", "suse", "opensuse-leap", "opensuse-tumbleweed"}),
    ),
    KeyringFix(
        "KDE Plasma",
        (),
        "Open System Settings → KDE Wallet, turn on “Enable the KDE wallet subsystem”, then start "
        "Outpost again. If it still finds no keyring, install GNOME Keyring as above: it works on "
        "KDE too.",
        desktops=frozenset({"kde"}),
    ),
    KeyringFix(
        "Without a desktop session (a bare window manager, a server, SSH)",
        (HEADLESS_COMMAND.format(args=""),),
        "With GNOME Keyring installed as above, this starts Outpost in a session of its own and "
        "asks for the keyring's password (the first time, the password you choose makes the "
        "keyring). For the command line, end with outpost run.",
        without_session_bus=True,
    ),
)


def fixes_for(
    os_release: Mapping[str, str], environ: Mapping[str, str], system: str = sys.platform
) -> tuple[tuple[KeyringFix, ...], tuple[KeyringFix, ...]]:
    """The keyring fixes for this computer first, then the others (nothing off Linux).

    Args:
        os_release: /etc/os-release as `platform.freedesktop_os_release()` reads it.
        environ: the environment (`XDG_CURRENT_DESKTOP`, `DBUS_SESSION_BUS_ADDRESS`).
        system: `sys.platform`; macOS and Windows always have their system keyring.
    """
    if not system.startswith("linux"):
        return (), ()
    ids = {os_release.get("ID", "").lower(), *os_release.get("ID_LIKE", "").lower().split()}
    desktops = {name.lower() for name in environ.get("XDG_CURRENT_DESKTOP", "").split(":")}
    no_bus = not environ.get("DBUS_SESSION_BUS_ADDRESS")

    def fits(fix: KeyringFix) -> bool:
        return bool(fix.os_ids & ids or fix.desktops & desktops or (fix.without_session_bus and no_bus))

    return tuple(f for f in KEYRING_FIXES if fits(f)), tuple(f for f in KEYRING_FIXES if not fits(f))


def this_computers_fixes() -> tuple[tuple[KeyringFix, ...], tuple[KeyringFix, ...]]:
    """`fixes_for` this computer: its /etc/os-release and environment."""
    try:
        os_release = platform.freedesktop_os_release()
    except OSError:
        os_release = {}
    return fixes_for(os_release, os.environ)


def is_no_keyring(error: Exception) -> bool:
    """Whether `error` says that no keyring runs here at all (then `KEYRING_FIXES` apply).

    The same `SecretStoreError` as any other keyring failure (the command line names it
    `secretstore`); only its message, `NO_KEYRING_HELP`, tells it apart from a keyring that runs
    but refused.
    """
    return isinstance(error, SecretStoreError) and str(error) == NO_KEYRING_HELP


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


def sandbox_ref(ref: str) -> str:
    """The reference a sandbox account's credentials are kept under (`SANDBOX_PREFIX` + `ref`)."""
    return ref if ref.startswith(SANDBOX_PREFIX) else f"{SANDBOX_PREFIX}{ref}"


class SandboxSecretStore:
    """The sandbox accounts' made-up credentials, in one owner-only JSON file (0600).

    They are no secrets (the simulated network on 127.0.0.1 accepts nothing else, and nothing
    else accepts them), so a file in the data folder is the right place: the sandbox then works
    on a computer without a keyring, and a real keyring never fills with test entries. Only
    references starting with `SANDBOX_PREFIX` are accepted: a real secret can never land here.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()  # the vault calls from worker threads

    def get(self, ref: str) -> dict[str, str] | None:
        """The credentials under `ref`, or None."""
        with self._lock:
            return self._load().get(self._checked(ref))

    def set(self, ref: str, secret: dict[str, str]) -> None:
        """Keep `secret` under `ref`."""
        with self._lock:
            stored = self._load()
            stored[self._checked(ref)] = dict(secret)
            write_private(self.path, json.dumps(stored, indent=1).encode())

    def delete(self, ref: str) -> None:
        """Forget `ref` (no error if there is nothing)."""
        with self._lock:
            stored = self._load()
            if stored.pop(self._checked(ref), None) is not None:
                write_private(self.path, json.dumps(stored, indent=1).encode())

    @staticmethod
    def _checked(ref: str) -> str:
        if not ref.startswith(SANDBOX_PREFIX):
            raise ValueError(f"{ref!r} is not a sandbox reference; real secrets belong in the keyring")
        return ref

    def _load(self) -> dict[str, dict[str, str]]:
        try:
            raw = json.loads(self.path.read_bytes())
        except FileNotFoundError:
            return {}
        except ValueError:  # a damaged file holds nothing worth keeping: the sandbox signs in anew
            return {}
        if not isinstance(raw, dict):
            return {}
        return {str(k): {str(a): str(b) for a, b in v.items()} for k, v in raw.items() if isinstance(v, dict)}


class RoutedSecretStore:
    """Sandbox references to the sandbox's file, every other one to the real store (the keyring).

    Attributes:
        real: where real secrets live.
        sandbox: where sandbox accounts' made-up credentials live.
    """

    def __init__(self, real: SecretStore, sandbox: SecretStore) -> None:
        self.real = real
        self.sandbox = sandbox

    def _store(self, ref: str) -> SecretStore:
        return self.sandbox if ref.startswith(SANDBOX_PREFIX) else self.real

    def get(self, ref: str) -> dict[str, str] | None:
        """The secret under `ref`, from the store it belongs to."""
        return self._store(ref).get(ref)

    def set(self, ref: str, secret: dict[str, str]) -> None:
        """Store `secret` under `ref`, in the store it belongs to."""
        self._store(ref).set(ref, secret)

    def delete(self, ref: str) -> None:
        """Forget `ref` in the store it belongs to."""
        self._store(ref).delete(ref)


def with_sandbox_store(real: SecretStore, data_dir: Path) -> RoutedSecretStore:
    """`real` for real secrets, plus the sandbox's own file in `data_dir` for sandbox accounts."""
    return RoutedSecretStore(real, SandboxSecretStore(data_dir / "sandbox" / "secrets.json"))


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
