"""`make run` installs the app and only what it needs; test and packaging tools come with the
targets that use them (checked with `make -n`, which prints what would run and runs nothing)."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from tests.support.program import ROOT

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="needs make")


def planned_installs(target: str, venv: Path) -> list[str]:
    """What `make TARGET` would hand to pip on a machine without the venv (one entry per install)."""
    done = subprocess.run(
        ["make", "-n", target, f"VENV={venv}"], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return [
        line.split("pip install", 1)[1].split()[-1]
        for line in done.stdout.splitlines()
        if "pip install" in line
    ]


def test_make_run_installs_the_app_alone(tmp_path: Path) -> None:
    assert planned_installs("run", tmp_path / "venv") == ["pip", "."]


@pytest.mark.parametrize(
    ("target", "extras"),
    [("pytest", {"test"}), ("lint", {"test"}), ("dist", {"dist"}), ("dist-test", {"test", "dist"})],
)
def test_developer_targets_add_their_own_tools(tmp_path: Path, target: str, extras: set[str]) -> None:
    installs = planned_installs(target, tmp_path / "venv")
    assert installs[:2] == ["pip", "."]  # the app first, as `make run` has it
    wanted = {m.group(1) for i in installs if (m := re.fullmatch(r"'\.\[(\w+)\]'", i))}
    assert wanted == extras


def test_the_app_needs_no_test_or_packaging_tool() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    names = {re.split(r"[<>=\[ ;]", d)[0].lower() for d in project["dependencies"]}
    tools = {
        re.split(r"[<>=\[ ;]", d)[0].lower()
        for extra in project["optional-dependencies"].values()
        for d in extra
    }
    assert names.isdisjoint(tools)
    # The WebEngine metapackage is not used. Qt's add-ons are, since the Stats tab draws with
    # QtCharts (issue #21), imported only when that tab is first shown.
    assert "pyside6" not in names
