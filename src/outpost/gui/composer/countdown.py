"""The few seconds between Ctrl+Enter and publishing, with a way back (issue #17).

Ctrl+Enter is easy to press by accident and a published post cannot be taken back from every
network, so the shortcut starts a short countdown in a bar ("Publishing in 5 s… Undo"). Undo or
Esc stops it; nothing is sent before it ends. The bar counts with a one-second QTimer whose
slot, `tick`, tests call directly instead of waiting.
"""

from __future__ import annotations

from outpost.gui.qt import (
    QColor,
    QFont,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPainter,
    QPaintEvent,
    QPen,
    QPushButton,
    QRectF,
    QTimer,
    QWidget,
    Signal,
)
from outpost.gui.theme import colours

__all__ = ["UNDO_SECONDS", "PublishCountdown"]

UNDO_SECONDS = 5


class PublishCountdown(QFrame):
    """The bar that counts down to publishing.

    Signals:
        elapsed(): the time is up: publish now.
        undone(): the person took it back (Undo or Esc).
    """

    elapsed = Signal()
    undone = Signal()

    def __init__(self, parent: QWidget | None = None, *, seconds: int = UNDO_SECONDS) -> None:
        super().__init__(parent)
        self.setObjectName("countdown")
        self.seconds = seconds
        self.left = 0
        self.where = ""
        self.label = QLabel()
        self.label.setObjectName("countdown_label")
        bold = QFont(self.label.font())
        bold.setBold(True)
        self.label.setFont(bold)
        self.undo = QPushButton("Undo")
        self.undo.setObjectName("undo")
        self.undo.setToolTip("Don't publish; keep editing the post (Esc)")
        self.undo.clicked.connect(self.cancel)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 4, 6, 4)
        row.addWidget(self.label, 1)
        row.addWidget(self.undo)
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.tick)
        self.setVisible(False)

    @property
    def running(self) -> bool:
        """Whether a countdown is on."""
        return self.left > 0

    def start(self, where: str) -> None:
        """Count down to publishing to `where` ("Mastodon and Bluesky")."""
        self.where = where
        self.left = self.seconds
        self._show_left()
        self.setVisible(True)
        self._timer.start()
        self.undo.setFocus()

    def tick(self) -> None:
        """One second passed (the timer's slot)."""
        if not self.running:
            return
        self.left -= 1
        if self.running:
            self._show_left()
            return
        self._stop()
        self.elapsed.emit()

    def cancel(self) -> None:
        """Take it back: nothing is published."""
        if self.running:
            self.left = 0
            self._stop()
            self.undone.emit()

    def paintEvent(self, event: QPaintEvent) -> None:
        """A wash and an outline of the palette's highlight colour: noticed, not alarming.

        Painted, not a style sheet: a sheet on the bar would restyle its Undo button too.
        """
        colour = QColor(colours().accent)
        wash = QColor(colour)
        wash.setAlpha(40)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(colour, 1))
        painter.setBrush(wash)
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        painter.end()

    def _stop(self) -> None:
        self._timer.stop()
        self.setVisible(False)

    def _show_left(self) -> None:
        self.label.setText(f"Publishing to {self.where} in {self.left} s…")
