"""A focus ring the eye finds: a 2 px outline in the palette's highlight colour (issue #17).

Fusion marks keyboard focus with a thin line that is easy to lose. Rather than restyle every
button (the theme's business), the composer lays one `QFocusFrame` over whichever of its chips,
buttons or fields has focus; Qt keeps the frame on top of that widget as it moves or resizes,
and the colour (the theme's accent, i.e. the palette's highlight) is read at paint time, so a
theme switch recolours it.
"""

from __future__ import annotations

from outpost.gui.qt import (
    QApplication,
    QCheckBox,
    QColor,
    QComboBox,
    QFocusFrame,
    QLineEdit,
    QListWidget,
    QPainter,
    QPaintEvent,
    QPen,
    QPlainTextEdit,
    QPushButton,
    QRectF,
    Qt,
    QToolButton,
    QWidget,
)
from outpost.gui.theme import colours

__all__ = ["RING_PX", "FocusRing"]

RING_PX = 2
_RINGED = (QPushButton, QToolButton, QCheckBox, QPlainTextEdit, QLineEdit, QComboBox, QListWidget)


class FocusRing(QFocusFrame):
    """Follows the focus among the chips, buttons and fields inside `area`."""

    def __init__(self, area: QWidget) -> None:
        super().__init__(area)
        self.setObjectName("focus_ring")
        self._area = area
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._focus_changed)

    def _focus_changed(self, _old: QWidget | None, new: QWidget | None) -> None:
        if new is not None and isinstance(new, _RINGED) and self._area.isAncestorOf(new):
            self.setWidget(new)
            self.setVisible(True)
        else:
            self.setWidget(None)  # type: ignore[arg-type]  # Qt takes None: no widget, frame hidden
            self.setVisible(False)

    def paintEvent(self, event: QPaintEvent) -> None:
        """The outline, in the margin Qt leaves around the focused widget."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(colours().accent), RING_PX))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        half = RING_PX / 2
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(half, half, -half, -half), 4, 4)
        painter.end()
