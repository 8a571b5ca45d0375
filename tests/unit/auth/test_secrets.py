"""Secrets: the keyring for real ones, a private file for the sandbox's made-up ones, and the fixes.

A computer without a keyring (keyring's `fail` backend) must still run the sandbox, and must be
told how to get a keyring with commands that can be pasted as they are (issue #17).
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from outpost.auth.secrets import (
    HEADLESS_COMMAND,
    KEYRING_FIXES,
    NO_KEYRING_HELP,
    KeyringSecretStore,
    SandboxSecretStore,
    fixes_for,
    is_no_keyring,
    sandbox_ref,
    with_sandbox_store,
)
from outpost.domain.errors import SecretStoreError
from tests.fakes import MemorySecretStore
from tests.support.no_keyring import no_keyring

DEBIAN = {"ID": "debian", "PRETTY_NAME": "Debian GNU/Linux 12 (bookworm)"}
MINT = {"ID": "linuxmint", "ID_LIKE": "ubuntu debian"}
DESKTOP_SESSION = {"DBUS_SESSION_BUS_ADDRESS": "unix:path=/run/user/1000/bus"}


def test_sandbox_credentials_go_to_a_private_file_and_real_secrets_to_the_real_store(tmp_path: Path) -> None:
    real = MemorySecretStore()
    store = with_sandbox_store(real, tmp_path)
    store.set("sandbox/x/acc_1", {"access_token": "sandbox-x-token"})
    store.set("x/acc_2", {"access_token": "real"})
    assert real.secrets == {"x/acc_2": {"access_token": "real"}}
    path = tmp_path / "sandbox" / "secrets.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert b"real" not in path.read_bytes()
    again = with_sandbox_store(MemorySecretStore(), tmp_path)  # after a restart
    assert again.get("sandbox/x/acc_1") == {"access_token": "sandbox-x-token"}
    again.delete("sandbox/x/acc_1")
    assert again.get("sandbox/x/acc_1") is None and b"sandbox-x-token" not in path.read_bytes()


def test_without_a_keyring_the_sandbox_keeps_working_and_real_secrets_are_refused(tmp_path: Path) -> None:
    with no_keyring():
        store = with_sandbox_store(KeyringSecretStore(), tmp_path)
        store.set(sandbox_ref("mastodon/acc_1"), {"access_token": "sandbox-token"})
        assert store.get("sandbox/mastodon/acc_1") == {"access_token": "sandbox-token"}
        with pytest.raises(SecretStoreError) as refused:
            store.set("mastodon/acc_2", {"access_token": "real"})
    assert is_no_keyring(refused.value) and refused.value.text() == NO_KEYRING_HELP
    assert not is_no_keyring(SecretStoreError("The keyring refused to read a secret: locked."))
    assert b"real" not in (tmp_path / "sandbox" / "secrets.json").read_bytes()


def test_the_sandbox_file_never_takes_a_real_secret_and_survives_damage(tmp_path: Path) -> None:
    store = SandboxSecretStore(tmp_path / "secrets.json")
    with pytest.raises(ValueError, match="keyring"):
        store.set("mastodon/acc_1", {"access_token": "real"})
    assert not (tmp_path / "secrets.json").exists()
    (tmp_path / "secrets.json").write_text("{not json")
    assert store.get("sandbox/mastodon/acc_1") is None  # the sandbox signs in anew
    assert sandbox_ref("sandbox/x/acc_1") == "sandbox/x/acc_1"


def test_every_fix_is_a_command_to_paste_as_it_is() -> None:
    commands = [c for fix in KEYRING_FIXES for c in fix.commands]
    assert commands and all("`" not in c and "eval" not in c for c in commands)
    assert "`" not in NO_KEYRING_HELP and "eval" not in NO_KEYRING_HELP
    assert "sudo apt install gnome-keyring" in commands


def test_this_computers_fix_comes_first() -> None:
    here, elsewhere = fixes_for(DEBIAN, DESKTOP_SESSION, "linux")
    assert [f.system for f in here] == ["Debian, Ubuntu, Linux Mint"]
    assert len(here) + len(elsewhere) == len(KEYRING_FIXES)
    here, _ = fixes_for(MINT, {**DESKTOP_SESSION, "XDG_CURRENT_DESKTOP": "KDE"}, "linux")
    assert [f.system for f in here] == ["Debian, Ubuntu, Linux Mint", "KDE Plasma"]
    here, _ = fixes_for({"ID": "fedora"}, {}, "linux")  # a bare window manager: no session bus
    assert [f.system for f in here] == [
        "Fedora",
        "Without a desktop session (a bare window manager, a server, SSH)",
    ]
    assert fixes_for(DEBIAN, {}, "darwin") == ((), ())  # macOS and Windows have their keyring


@pytest.mark.slow
def test_the_headless_command_starts_outpost_with_an_unlocked_keyring(tmp_path: Path) -> None:
    assert shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon"), (
        "install dbus and gnome-keyring (make test does: scripts/install-system-deps)"
    )
    home, runtime, bin_dir = tmp_path / "home", tmp_path / "run", tmp_path / "bin"
    home.mkdir()
    runtime.mkdir(mode=0o700)
    bin_dir.mkdir()
    # An `outpost` that proves what the real one needs: a working Secret Service, and its argument.
    check = "import keyring, sys; keyring.set_password('t', 'u', 'v'); print(keyring.get_password('t', 'u'), sys.argv[1:])"
    fake = bin_dir / "outpost"
    fake.write_text(f'#!/bin/sh\nexec {sys.executable} -c "{check}" "$@"\n')
    fake.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "PYTHON_KEYRING"))}
    env |= {"HOME": str(home), "XDG_RUNTIME_DIR": str(runtime), "PATH": f"{bin_dir}:{env['PATH']}"}
    command = HEADLESS_COMMAND.format(args=" run")
    result = subprocess.run(
        ["sh", "-c", command],
        input="a keyring password\n",
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.stdout.strip().endswith("v ['run']"), result.stdout + result.stderr
    assert "Keyring password: " in result.stdout


def test_the_readme_gives_the_same_commands_as_the_window() -> None:
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text()
    for fix in KEYRING_FIXES:
        for command in fix.commands:
            assert command in readme, command
    assert HEADLESS_COMMAND.format(args="") in readme and HEADLESS_COMMAND.format(args=" run") in readme
