"""The core never imports Qt: only `outpost.gui` and `outpost.app` may (STYLE.md §5.1)."""

from __future__ import annotations

import ast
from pathlib import Path

import outpost

PACKAGE = Path(outpost.__file__).parent
QT_ALLOWED = {PACKAGE / "app.py", PACKAGE / "gui"}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def qt_free_modules() -> list[Path]:
    return [
        p
        for p in PACKAGE.rglob("*.py")
        if not any(p == allowed or allowed in p.parents for allowed in QT_ALLOWED)
    ]


def test_nothing_outside_gui_and_app_imports_qt() -> None:
    offenders = {
        str(p.relative_to(PACKAGE)): sorted(
            m for m in imported_modules(p) if m.split(".")[0] in {"PySide6", "qasync", "shiboken6"}
        )
        for p in qt_free_modules()
    }
    assert {k: v for k, v in offenders.items() if v} == {}
    assert len(offenders) > 20  # the walk really saw the core


def test_widgets_import_qt_only_through_the_shim() -> None:
    shim = PACKAGE / "gui" / "qt.py"
    direct = [
        str(p.relative_to(PACKAGE))
        for p in (PACKAGE / "gui").rglob("*.py")
        if p != shim and any(m.startswith("PySide6") for m in imported_modules(p))
    ]
    assert direct == []


def test_the_core_package_imports_without_qt_loaded() -> None:
    import subprocess
    import sys

    code = (
        "import sys, outpost.cli, outpost.engine, outpost.store, outpost.adapters.registry; "
        "print(sorted(m for m in sys.modules if m.startswith('PySide6')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
