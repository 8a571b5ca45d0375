"""Passing messages for the status bar: widgets say info/warning/error on one bridge (STYLE.md §5a).

One `MessageBridge` belongs to the main window, which hands it to each widget it builds and shows
what arrives in its status bar. Widgets no longer declare a `message` signal each for the window to
connect one by one, and a widget tested alone is given a bridge of its own to listen to. Learned
from qutebrowser `utils/message.py` (`GlobalMessageBridge`), without its global instance: the
bridge is passed in, never looked up.
"""

from __future__ import annotations

from enum import Enum

from outpost.domain.errors import KnownError
from outpost.gui.qt import QObject, QStatusBar, Signal

MESSAGE_MS = 8000
ERROR_MS = 20_000  # a failure stays longer: the person may have looked away while it ran
# Contrast of at least 4.5:1 on the light (#efefef) and the dark (#202326) window colour.
_COLOURS = {
    "light": {"warning": "#8a5c00", "error": "#c62828"},
    "dark": {"warning": "#d29922", "error": "#ff7b72"},
}


class Level(Enum):
    """How much a message matters; the status bar colours warnings and errors."""

    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


class MessageBridge(QObject):
    """The one channel for the window's passing messages.

    Signals:
        said(Level, str): a message for the status bar.
    """

    said = Signal(object, str)

    def info(self, text: str) -> None:
        """Something happened as asked ("Rescheduled.")."""
        self.said.emit(Level.INFO, text)

    def warning(self, text: str) -> None:
        """Something the person should notice but that did not fail."""
        self.said.emit(Level.WARNING, text)

    def error(self, text: str) -> None:
        """Something the person asked for did not happen."""
        self.said.emit(Level.ERROR, text)

    def failed(self, error: KnownError) -> None:
        """A known problem, by its first line (the rest belongs in the item's own error state)."""
        self.error(error.text().splitlines()[0])


def show_in(status_bar: QStatusBar, level: Level, text: str) -> None:
    """Show `text` in `status_bar`, coloured by `level`, for as long as the level deserves."""
    dark = status_bar.palette().window().color().lightness() < 128
    colour = _COLOURS["dark" if dark else "light"].get(level.value)
    # Only the QStatusBar rule: its permanent widgets (engine state, countdown) keep their colour.
    status_bar.setStyleSheet(f"QStatusBar {{ color: {colour}; }}" if colour else "")
    status_bar.showMessage(text, ERROR_MS if level is Level.ERROR else MESSAGE_MS)
