"""The Help menu's dialogs: About Outpost, and the keyboard shortcuts.

The shortcuts dialog is read from the window's own bindings (menu actions and shortcuts), so it
cannot list a key that does nothing or miss one that was added.
"""

from __future__ import annotations

import html
import platform
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from outpost import __version__
from outpost.gui.qt import (
    PYSIDE_VERSION,
    QAction,
    QDesktopServices,
    QDialog,
    QDialogButtonBox,
    QGridLayout,
    QHBoxLayout,
    QIcon,
    QKeySequence,
    QLabel,
    QMenu,
    QPushButton,
    QShortcut,
    Qt,
    QUrl,
    QVBoxLayout,
    QWidget,
    qVersion,
)
from outpost.gui.theme import Colours, follow_theme
from outpost.paths import resource

HOMEPAGE = "https://github.com/outpost-app/outpost"
DOCS_URL = f"{HOMEPAGE}/tree/main/docs"

#: What a shortcut bound without a description does (the composer's; by their portable text).
KNOWN_KEYS = {
    "Ctrl+Return": "Publish now, or schedule if a time is chosen",
    "Ctrl+Enter": "Publish now, or schedule if a time is chosen",
    "Ctrl+S": "Save the draft",
    "Ctrl+N": "New post",
    "Ctrl+V": "Paste text, an image or copied files",
    "Ctrl+Shift+Space": "Insert a snippet (a signature, a hashtag group)",
}
#: Keys Qt handles itself, worth knowing.
GENERAL_KEYS = (
    ("Tab", "Next field (Shift+Tab: the one before)"),
    ("Space", "Press the focused button, tick the focused box"),
    ("Esc", "Close a dialog without saving"),
)


def licence() -> str:
    """Outpost's licence as its package metadata states it."""
    try:
        info = metadata.metadata("outpost")
    except metadata.PackageNotFoundError:  # run from a source tree that was never installed
        return "MIT"
    return info["License-Expression"] or info["License"] or "MIT"


class AboutDialog(QDialog):
    """Version, licence, where the data lives, and where the documentation is."""

    def __init__(self, data_dir: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About Outpost")
        self.setObjectName("about")
        icon = QLabel()
        icon.setPixmap(QIcon(str(resource("icons/outpost.svg"))).pixmap(72, 72))
        icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        title = QLabel(f"<h2 style='margin:0'>Outpost {html.escape(__version__)}</h2>")
        title.setObjectName("version")
        tagline = QLabel("Write a post once, publish it everywhere — from your own computer.")
        self.details = QLabel(
            f"<p>Licence: {html.escape(licence())}</p>"
            f"<p>Your data folder (posts, settings, logs):<br><code>{html.escape(str(data_dir))}</code></p>"
            f"<p><a href='{DOCS_URL}'>Documentation</a> · <a href='{HOMEPAGE}'>Source code</a></p>"
            f"<p style='font-size:small'>Qt {qVersion()}, PySide6 {PYSIDE_VERSION}, "
            f"Python {platform.python_version()}</p>"
        )
        self.details.setObjectName("details")
        self.details.setWordWrap(True)
        self.details.setOpenExternalLinks(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        follow_theme(tagline, lambda c: f"color: {c.muted};")
        open_folder = QPushButton("Open data folder")
        open_folder.setObjectName("open_data_folder")
        open_folder.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(data_dir))))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(open_folder, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        text = QVBoxLayout()
        for widget in (title, tagline, self.details):
            text.addWidget(widget)
        row = QHBoxLayout()
        row.addWidget(icon)
        row.addSpacing(12)
        row.addLayout(text, 1)
        column = QVBoxLayout(self)
        column.addLayout(row)
        column.addWidget(buttons)
        self.setMinimumWidth(480)


@dataclass(frozen=True)
class Binding:
    """A key and what it does, as the shortcuts dialog lists it."""

    keys: str
    what: str


def bindings(window: QWidget) -> list[Binding]:
    """Every key bound in `window`: its menus' actions first, then its widgets' shortcuts."""
    found: list[Binding] = []
    for action in _menu_actions(window):
        for sequence in action.shortcuts():
            found.append(Binding(_keys(sequence), action.text().replace("&", "").rstrip("…")))
    for shortcut in window.findChildren(QShortcut):
        if not shortcut.isEnabled():
            continue
        keys = _keys(shortcut.key())
        what = shortcut.whatsThis() or KNOWN_KEYS.get(keys)
        if what:
            found.append(Binding(keys, what))
    unique: list[Binding] = []
    for binding in found:
        # Ctrl+Return and Ctrl+Enter are one key to a person; a key bound twice is listed once.
        if binding.keys and all(b.keys != binding.keys for b in unique):
            unique.append(binding)
    return unique


def _menu_actions(window: QWidget) -> list[QAction]:
    actions: list[QAction] = []
    for menu in window.findChildren(QMenu):
        actions.extend(a for a in menu.actions() if not a.isSeparator() and a.menu() is None)
    return actions


def _keys(sequence: QKeySequence) -> str:
    return sequence.toString(QKeySequence.SequenceFormat.PortableText).replace("Return", "Enter")


def _keycap_style(c: Colours) -> str:
    return (
        f"QLabel[keycap='true'] {{ border: 1px solid {c.border}; border-bottom-width: 2px;"
        f" border-radius: 4px; padding: 1px 6px; background: {c.base}; color: {c.text}; }}"
        f"QLabel[heading='true'] {{ color: {c.muted}; font-weight: 600; padding-top: 8px; }}"
    )


class ShortcutsDialog(QDialog):
    """The keyboard shortcuts of `window`, and the few keys Qt gives every window."""

    def __init__(self, window: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent or window)
        self.setWindowTitle("Keyboard shortcuts")
        self.setObjectName("shortcuts")
        self.rows: list[Binding] = bindings(window)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setColumnStretch(1, 1)
        self._section(grid, "Outpost", self.rows)
        self._section(grid, "Everywhere", [Binding(k, w) for k, w in GENERAL_KEYS])
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addLayout(grid)
        column.addStretch(1)
        column.addWidget(buttons)
        follow_theme(self, _keycap_style)
        self.setMinimumWidth(440)

    @staticmethod
    def _section(grid: QGridLayout, title: str, rows: list[Binding]) -> None:
        heading = QLabel(title)
        heading.setProperty("heading", True)
        grid.addWidget(heading, grid.rowCount(), 0, 1, 2)
        for binding in rows:
            line = grid.rowCount()
            keys = QLabel(QKeySequence(binding.keys).toString(QKeySequence.SequenceFormat.NativeText))
            keys.setProperty("keycap", True)
            keys.setAlignment(Qt.AlignmentFlag.AlignCenter)
            grid.addWidget(keys, line, 0, Qt.AlignmentFlag.AlignLeft)
            grid.addWidget(QLabel(binding.what), line, 1)
