"""The real `outpost` program in its own process: what a user's shell sees."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from outpost import __version__
from tests.support.processes import reaped
from tests.support.program import outpost_env, run_outpost, start_outpost, wait_for_log


def outpost(
    *args: str, data_dir: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return run_outpost(data_dir, *args, env=outpost_env(**(env or {})), timeout=60, json_output=False)


def test_version(tmp_path: Path) -> None:
    result = outpost("--version", data_dir=tmp_path)
    assert (result.returncode, result.stdout.strip()) == (0, f"outpost {__version__}")


def test_json_list_on_a_fresh_data_dir(tmp_path: Path) -> None:
    result = outpost("--json", "post", "list", data_dir=tmp_path / "fresh")
    assert (result.returncode, json.loads(result.stdout)) == (0, [])
    assert (tmp_path / "fresh" / "outpost.sqlite3").exists()


def test_a_long_answer_arrives_whole_through_a_pipe_and_the_exit_code_is_kept(tmp_path: Path) -> None:
    """The program ends without Python's teardown (issue #26): its output must still be all there."""
    buffered = {k: v for k, v in outpost_env().items() if k != "PYTHONUNBUFFERED"}  # as in a shell
    words = " ".join(f"word{n}" for n in range(12_000))  # ~110 kB: more than a pipe holds
    saved = run_outpost(tmp_path, "snippets", "set", "long", "--text", words, env=buffered, timeout=60)
    assert saved.returncode == 0 and json.loads(saved.stdout)["name"] == "long"  # a short answer
    listed = run_outpost(tmp_path, "snippets", "list", env=buffered, timeout=60)
    assert listed.returncode == 0 and json.loads(listed.stdout)[0]["text"] == words
    missing = run_outpost(tmp_path, "snippets", "remove", "nothing-by-this-name", env=buffered, timeout=60)
    assert missing.returncode == 2 and json.loads(missing.stdout)["error"]["code"] == "not_found"


def test_data_dir_from_the_environment(tmp_path: Path) -> None:
    env = outpost_env(OUTPOST_DATA_DIR=str(tmp_path / "env"))
    result = run_outpost(None, "accounts", "list", env=env, timeout=60)
    assert result.returncode == 0 and (tmp_path / "env" / "outpost.sqlite3").exists()


def test_errors_go_to_stderr_and_stdout_stays_one_json_document(tmp_path: Path) -> None:
    result = outpost(
        "--json", "post", "create", "--text", "hi", "--account", "bluesky:nobody", data_dir=tmp_path
    )
    assert result.returncode == 2
    assert json.loads(result.stdout)["error"]["problems"][0]["field"] == "--account"
    assert "no connected account 'bluesky:nobody'" in result.stderr


def test_database_from_a_newer_version_is_refused_with_exit_1(tmp_path: Path) -> None:
    tmp_path.mkdir(exist_ok=True)
    raw = sqlite3.connect(tmp_path / "outpost.sqlite3")
    raw.execute("PRAGMA user_version = 999")
    raw.close()
    result = outpost("post", "list", data_dir=tmp_path)
    assert result.returncode == 1 and "written by a newer Outpost" in result.stderr


def test_no_keyring_means_a_clear_refusal_not_a_plaintext_fallback(tmp_path: Path) -> None:
    from outpost.auth.secrets import KeyringSecretStore
    from outpost.domain.errors import SecretStoreError

    env = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    code = (
        "from outpost.auth.secrets import KeyringSecretStore\n"
        "try:\n    KeyringSecretStore().set('r', {'access_token': 't'})\n"
        "except Exception as e:\n    print(type(e).__name__, e)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=outpost_env(**env), timeout=60
    )
    assert result.stdout.startswith("SecretStoreError") and "keyring" in result.stdout
    assert KeyringSecretStore and SecretStoreError


@pytest.mark.slow
def test_a_data_dir_option_without_its_value_is_a_usage_error(tmp_path: Path) -> None:
    result = outpost("--data-dir", data_dir=tmp_path)
    assert result.returncode == 2 and "--data-dir: expected one argument" in result.stderr


@pytest.mark.parametrize("spelling", ["--data-dir DIR", "--data-dir=DIR"])
def test_the_window_opens_with_the_engine_and_closes_cleanly_on_sigterm(
    tmp_path: Path, spelling: str
) -> None:
    args = spelling.replace("DIR", str(tmp_path)).split(" ")
    env = outpost_env(QT_QPA_PLATFORM="offscreen")
    process = start_outpost(None, *args, env=env, json_output=False)
    log = tmp_path / "logs" / "outpost.log"
    with reaped(process):
        # The earliest moment Outpost says it is there: a session manager may stop it this soon.
        wait_for_log(process, log, "starting Outpost", timeout=30, poll=0.01)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
    assert "engine closed; quitting" in log.read_text()
    assert not list((tmp_path / "run").glob("*.lock"))  # the engine released its instance lock
