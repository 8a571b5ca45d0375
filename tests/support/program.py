"""The real `outpost` program in its own process, as a person's shell runs it.

One place for the command line and the environment the cross-process suites share: the project
on PYTHONPATH, and a keyring that is a JSON file in the test's folder (tests/support/filekeyring.py)
so secrets survive from one command to the next — and a test can check they went there only.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def outpost_env(keyring: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment for the program: this checkout, the file keyring (if given), `extra`."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    if keyring is not None:
        env |= {
            "PYTHON_KEYRING_BACKEND": "tests.support.filekeyring.FileKeyring",
            "OUTPOST_TEST_KEYRING": str(keyring),
        }
    return env | extra


def outpost_command(data: Path, *args: str, json_output: bool = True) -> list[str]:
    """`python -m outpost --data-dir DATA [--json] ARGS`."""
    return [
        sys.executable,
        "-m",
        "outpost",
        "--data-dir",
        str(data),
        *(["--json"] if json_output else []),
        *args,
    ]


def run_outpost(
    data: Path,
    *args: str,
    env: dict[str, str],
    stdin: str = "",
    timeout: float = 120,
    prefix: tuple[str, ...] = (),
    json_output: bool = True,
) -> subprocess.CompletedProcess[str]:
    """Run one command to its end; `prefix` wraps it (e.g. `setpriv …`)."""
    return subprocess.run(
        [*prefix, *outpost_command(data, *args, json_output=json_output)],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        input=stdin,
    )
