"""PySide6's import hook no longer keeps the source of every imported module in memory.

Each case runs in a fresh interpreter: this test process imported its modules long ago.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.support.program import outpost_env

PROBE = """
import json, linecache, sys
sys.path.insert(0, {folder!r})
import PySide6.QtCore
if {swap}:
    from outpost.gui.import_scan import stop_source_caching
    assert stop_source_caching()
import outpost.engine, qt_user, plain_module
feature = sys.modules["shibokensupport.feature"]
print(json.dumps({{
    "cached": sorted(name for name in linecache.cache if name.endswith(".py")),
    "qt_user": feature.pyside_feature_dict.get("qt_user"),
    "plain": feature.pyside_feature_dict.get("plain_module"),
}}))
"""


def _import_after_pyside(tmp_path: Path, *, swap: bool) -> dict[str, object]:
    (tmp_path / "qt_user.py").write_text("from PySide6.QtCore import QObject\n")
    (tmp_path / "plain_module.py").write_text("VALUE = 1\n")
    probe = PROBE.format(folder=str(tmp_path), swap=swap)
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=outpost_env(), timeout=120
    )
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout.splitlines()[-1])
    return result


def test_without_the_swap_pyside_caches_every_module_source(tmp_path: Path) -> None:
    """The cost being removed is real: PySide6 as shipped fills linecache with the engine's source."""
    seen = _import_after_pyside(tmp_path, swap=False)
    cached = seen["cached"]
    assert isinstance(cached, list)
    assert any(name.endswith("outpost/engine/engine.py") for name in cached)
    assert len(cached) > 100


def test_modules_load_without_their_source_kept_and_pyside_still_knows_its_users(tmp_path: Path) -> None:
    seen = _import_after_pyside(tmp_path, swap=True)
    cached = seen["cached"]
    assert isinstance(cached, list)
    # only the few modules imported to make the swap (before it) were read by the old check
    assert not [name for name in cached if "/outpost/engine/" in name or name.startswith(str(tmp_path))]
    assert len(cached) < 10
    # the hook's answer is unchanged: 0 = "uses PySide6, features switchable", -1 = "ignore"
    assert seen["qt_user"] == 0
    assert seen["plain"] == -1
