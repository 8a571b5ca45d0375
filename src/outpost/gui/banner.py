"""The notice bar at the top of the window (sandbox mode, and notices where there is no tray)."""

from __future__ import annotations

from outpost.gui.qt import QFrame, QHBoxLayout, QLabel, QPushButton, Qt, QWidget
from outpost.gui.theme import Colours, follow_theme


def _style(c: Colours) -> str:
    """The bar in the theme's notice colours; its text and button follow (readable in both themes)."""
    return (
        f"QFrame#banner_row {{ background: {c.notice_background};"
        f" border-bottom: 1px solid {c.notice_border}; }}"
        f"QLabel#banner {{ color: {c.notice_text}; background: transparent; padding: 6px 4px; }}"
        f"QPushButton#dismiss {{ color: {c.notice_text}; background: transparent;"
        f" border: 1px solid {c.notice_border}; border-radius: 4px; padding: 3px 12px; }}"
        f"QPushButton#dismiss:hover {{ background: {c.notice_border}; color: {c.notice_background}; }}"
    )


class Banner(QFrame):
    """A dismissible notice across the window, recoloured live when the theme changes.

    Attributes:
        label: the notice's text.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner_row")
        self.label = QLabel()
        self.label.setObjectName("banner")
        self.label.setWordWrap(True)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        dismiss = QPushButton("Dismiss")
        dismiss.setObjectName("dismiss")
        dismiss.clicked.connect(lambda: self.setVisible(False))
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 2, 10, 2)
        row.addWidget(self.label, 1)
        row.addWidget(dismiss)
        follow_theme(self, _style)
        self.setVisible(False)

    def show_text(self, text: str) -> None:
        """Show the bar with `text`."""
        self.label.setText(text)
        self.setVisible(True)
