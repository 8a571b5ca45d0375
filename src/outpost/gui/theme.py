"""Light, dark, or as the system is.

Fusion with an explicit palette works the same everywhere (some platforms, and the offscreen one,
ignore colour-scheme hints).
"""

from __future__ import annotations

from outpost.config.settings import Theme
from outpost.gui.qt import QApplication, QColor, QPalette, QStyleFactory

_DARK = {
    QPalette.ColorRole.Window: "#202326",
    QPalette.ColorRole.WindowText: "#e6e6e6",
    QPalette.ColorRole.Base: "#16181a",
    QPalette.ColorRole.AlternateBase: "#24272b",
    QPalette.ColorRole.Text: "#e6e6e6",
    QPalette.ColorRole.Button: "#2b2f33",
    QPalette.ColorRole.ButtonText: "#e6e6e6",
    QPalette.ColorRole.ToolTipBase: "#2b2f33",
    QPalette.ColorRole.ToolTipText: "#e6e6e6",
    QPalette.ColorRole.Highlight: "#3b82f6",
    QPalette.ColorRole.HighlightedText: "#ffffff",
    QPalette.ColorRole.PlaceholderText: "#8b949e",
    QPalette.ColorRole.Link: "#58a6ff",
}


def apply_theme(app: QApplication, theme: Theme, *, system_style: str | None = None) -> None:
    """Switch the whole app to `theme` (at start and whenever the setting changes)."""
    if theme is Theme.SYSTEM:
        styles = QStyleFactory.keys()  # a function returning the installed style names
        if system_style and system_style in styles:
            app.setStyle(system_style)
        app.setPalette(app.style().standardPalette())
        return
    app.setStyle("Fusion")
    palette = app.style().standardPalette()
    if theme is Theme.DARK:
        for role, colour in _DARK.items():
            palette.setColor(role, QColor(colour))
    app.setPalette(palette)
