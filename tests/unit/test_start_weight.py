"""What Outpost's start loads: only what it runs (each case in a fresh interpreter)."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys

import pytest

from tests.support.program import outpost_env

PROBE = """
import json, sys
import outpost.engine, outpost.adapters.registry, httpx
print(json.dumps({"loaded": sorted(m for m in ("click", "pygments", "rich") if m in sys.modules),
                  "main": httpx.main.__module__}))
"""


def test_the_engine_loads_without_httpx_command_line_client() -> None:
    """click and pygments are installed here (pytest, pipx need them), so httpx would import them."""
    if importlib.util.find_spec("click") is None or importlib.util.find_spec("pygments") is None:
        pytest.skip("click/pygments not installed: httpx would not import its CLI anyway")
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, env=outpost_env(), timeout=120
    )
    assert done.returncode == 0, done.stderr
    seen = json.loads(done.stdout)
    assert seen["loaded"] == []
    assert seen["main"] == "httpx"  # httpx's own stand-in that explains how to install its CLI
