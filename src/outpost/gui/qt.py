"""The single place Outpost imports PySide6 from; widgets import Qt names from here.

Learned from qutebrowser `qutebrowser/qt/` and Anki `aqt/qt/`: version workarounds live in one
module instead of in every widget.
"""

from PySide6.QtCore import QObject, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QCloseEvent, QFont, QIcon
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

__all__ = [
    "QApplication",
    "QCloseEvent",
    "QFont",
    "QFrame",
    "QHBoxLayout",
    "QIcon",
    "QLabel",
    "QListWidget",
    "QListWidgetItem",
    "QMainWindow",
    "QMessageBox",
    "QObject",
    "QSplitter",
    "QStatusBar",
    "QTimer",
    "QVBoxLayout",
    "QWidget",
    "Qt",
    "Signal",
    "Slot",
]
