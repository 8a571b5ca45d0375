"""The layers of docs/architecture.md hold: the import contracts pass, and they do catch a break.

The contracts themselves live in pyproject.toml (`[tool.importlinter]`) and run as `lint-imports`
(also in `make lint`); these tests make pytest fail when one breaks, prove that a forbidden
import really is reported, and keep the checks a static import graph cannot make.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import outpost

PACKAGE = Path(outpost.__file__).parent
ROOT = PACKAGE.parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def contracts() -> list[dict[str, object]]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    found: list[dict[str, object]] = config["tool"]["importlinter"]["contracts"]
    return found


def lint_imports(cwd: Path, src: Path) -> subprocess.CompletedProcess[str]:
    """`lint-imports` over the package under `src`, with the project's contracts."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--no-logo", str(ROOT / "pyproject.toml")],
        cwd=cwd,
        env={**os.environ, "PYTHONPATH": str(src)},
        capture_output=True,
        text=True,
        timeout=120,
    )


def verdicts(output: str) -> dict[str, str]:
    """Contract name → "KEPT" or "BROKEN", from lint-imports' summary (long names wrap a line)."""
    summary = " ".join(output.split("Contracts\n---------", 1)[1].split())
    return {c["name"]: "BROKEN" if f"{c['name']} BROKEN" in summary else "KEPT" for c in contracts()}


def test_the_import_contracts_hold() -> None:
    result = lint_imports(ROOT, ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert set(verdicts(result.stdout).values()) == {"KEPT"}
    assert f"Contracts: {len(contracts())} kept, 0 broken." in result.stdout


# One forbidden import per contract, each in a module that does not make it today.
VIOLATIONS = {
    "domain-is-pure": ("domain/enums.py", "import outpost.config.settings"),
    "core-never-reaches-up": ("store/db.py", "import outpost.engine.events"),
    "engine-below-front-ends": ("engine/events.py", "import outpost.gui.bridge"),
    "front-ends-through-engine": ("cli/parser.py", "import outpost.adapters.registry"),
    "gui-not-sandbox-or-media": ("gui/tasks.py", "import outpost.media.images"),
    "qt-only-in-gui": ("engine/engine.py", "import PySide6.QtCore"),
}


def test_every_contract_catches_a_forbidden_import(tmp_path: Path) -> None:
    """A copy of the package with one forbidden import per contract: every contract breaks."""
    assert set(VIOLATIONS) == {c["id"] for c in contracts()}  # a new contract gets its own break here
    copy = tmp_path / "src" / "outpost"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "resources"))
    for path, line in VIOLATIONS.values():
        module = copy / path
        module.write_text(module.read_text(encoding="utf-8") + f"\n{line}  # injected\n", encoding="utf-8")

    result = lint_imports(tmp_path, tmp_path / "src")

    assert result.returncode == 1, result.stdout + result.stderr
    assert set(verdicts(result.stdout).values()) == {"BROKEN"}, result.stdout
    assert "outpost.store.db -> outpost.engine.events" in result.stdout  # names the culprit


def test_every_part_of_the_package_is_placed_in_a_layer() -> None:
    """A new package or module must be named in a contract, or no layer rule would cover it."""
    parts = {p.stem for p in PACKAGE.iterdir() if (p / "__init__.py").exists() or p.suffix == ".py"}
    named = {
        str(module).removeprefix("outpost.").split(".")[0]
        for contract in contracts()
        for key in ("source_modules", "forbidden_modules", "allowed_importers")
        for module in contract.get(key, [])  # type: ignore[attr-defined]
    }
    assert len(parts) > 10  # the walk really saw the package
    assert sorted(parts - named - {"__init__", "__main__"}) == []


def test_the_core_package_imports_without_qt_loaded() -> None:
    """At run time too (a contract sees only static imports, not `importlib` ones)."""
    code = (
        "import sys, outpost.cli, outpost.engine, outpost.store, outpost.adapters.registry; "
        "print(sorted(m for m in sys.modules if m.startswith('PySide6')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
