"""The real `outpost` program in its own process, as a person's shell runs it.

One place for the command line and the environment every cross-process suite shares (the CLI,
e2e, reliability and the bundle's smoke tests): the project on PYTHONPATH, and a keyring that is a
JSON file in the test's folder (tests/support/filekeyring.py) so secrets survive from one command
to the next — and a test can check they went there only. The bundle's tests run the same way with
`program=(path to the bundled executable,)`.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[2]

#: This checkout's program, as `python -m outpost` (the installed `outpost` script does the same).
PYTHON_OUTPOST: tuple[str, ...] = (sys.executable, "-m", "outpost")

Stream = int | IO[Any] | None


def outpost_env(keyring: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment for the program: this checkout, the file keyring (if given), `extra`."""
    # This checkout's src/ first: a git worktree's program, not the one the editable install names.
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)])}
    if keyring is not None:
        env |= {
            "PYTHON_KEYRING_BACKEND": "tests.support.filekeyring.FileKeyring",
            "OUTPOST_TEST_KEYRING": str(keyring),
        }
    return env | extra


def outpost_command(
    data: Path | None, *args: str, json_output: bool = True, program: Sequence[str] = PYTHON_OUTPOST
) -> list[str]:
    """`python -m outpost [--data-dir DATA] [--json] ARGS`.

    Without `data` the program picks its folder itself ($OUTPOST_DATA_DIR, or `args` name it).
    """
    return [
        *program,
        *(["--data-dir", str(data)] if data is not None else []),
        *(["--json"] if json_output else []),
        *args,
    ]


def run_outpost(
    data: Path | None,
    *args: str,
    env: dict[str, str],
    stdin: str = "",
    timeout: float = 120,
    prefix: tuple[str, ...] = (),
    json_output: bool = True,
    program: Sequence[str] = PYTHON_OUTPOST,
) -> subprocess.CompletedProcess[str]:
    """Run one command to its end; `prefix` wraps it (e.g. `setpriv …`)."""
    return subprocess.run(
        [*prefix, *outpost_command(data, *args, json_output=json_output, program=program)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        input=stdin,
    )


def start_outpost(
    data: Path | None,
    *args: str,
    env: dict[str, str],
    prefix: tuple[str, ...] = (),
    json_output: bool = True,
    program: Sequence[str] = PYTHON_OUTPOST,
    stdout: Stream = subprocess.DEVNULL,
    stderr: Stream = subprocess.DEVNULL,
) -> subprocess.Popen[str]:
    """Start the program and return at once (the window, `outpost run`, a command to interrupt).

    Wrap the process in `tests.support.processes.reaped` so it is waited for, whatever happens.
    """
    return subprocess.Popen(
        [*prefix, *outpost_command(data, *args, json_output=json_output, program=program)],
        env=env,
        stdout=stdout,
        stderr=stderr,
        text=True,
    )


def wait_for_log(
    process: subprocess.Popen[str], log: Path, line: str, *, timeout: float, poll: float = 0.05
) -> None:
    """Wait until the program writes `line` to `log`; fail at once if it exits first, or on timeout."""
    deadline = time.monotonic() + timeout
    while not (log.exists() and line in log.read_text()):
        assert process.poll() is None, f"Outpost exited with {process.returncode} before logging {line!r}"
        assert time.monotonic() < deadline, f"Outpost did not log {line!r} within {timeout:.0f} s"
        time.sleep(poll)
