"""Secrets in a real Secret Service: gnome-keyring in its own D-Bus session (ENVIRONMENT.md §4)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_tokens_go_to_the_secret_service_and_leave_it_when_the_account_goes(tmp_path: Path) -> None:
    assert shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon"), (
        "install dbus and gnome-keyring (make test does: scripts/install-system-deps)"
    )
    home, runtime = tmp_path / "home", tmp_path / "run"
    home.mkdir()
    runtime.mkdir(mode=0o700)
    script = (
        "printf testpw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; "
        f"exec {sys.executable} {ROOT / 'tests' / 'support' / 'secret_service_check.py'}"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "PYTHON_KEYRING"))}
    env |= {"HOME": str(home), "XDG_RUNTIME_DIR": str(runtime), "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", script], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.stdout.strip().endswith("OK"), result.stdout + result.stderr


async def _add_with_fail_backend(data: Path) -> tuple[str, list[object]]:
    import keyring
    import keyring.backends.fail

    from outpost.adapters.base import AddAccountRequest
    from outpost.auth.secrets import KeyringSecretStore
    from outpost.domain.enums import Network
    from outpost.domain.errors import SecretStoreError
    from outpost.engine import Engine
    from tests.contract.fake_mastodon import BASE, FakeMastodon

    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    engine = Engine.open(data, secrets=KeyringSecretStore(), transport=FakeMastodon().transport())
    try:
        try:
            await engine.accounts.add(
                Network.MASTODON, AddAccountRequest(service_url=BASE, access_token="token-alice")
            )
        except SecretStoreError as error:
            return str(error), list(await engine.accounts.list())
        return "", list(await engine.accounts.list())
    finally:
        await engine.close()
        keyring.set_keyring(previous)


def test_without_any_keyring_nothing_is_saved_and_the_fix_is_explained(tmp_path: Path) -> None:
    import asyncio

    message, accounts = asyncio.run(_add_with_fail_backend(tmp_path / "data"))
    assert "dbus-run-session" in message and "Nothing was stored anywhere else" in message
    assert accounts == []  # the token was valid, but with nowhere safe to keep it nothing was saved
    for path in (tmp_path / "data").rglob("*"):
        assert not (path.is_file() and b"token-alice" in path.read_bytes()), path
