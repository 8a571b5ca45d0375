"""Settings → Notifications → Do not disturb: off, always, or every day between two times.

Edits the `notifications_quiet` setting (`off`, `on`, `HH:MM-HH:MM`, domain/quiet.py) with two
lists of times in half hours; a time set elsewhere (`outpost settings set`) is kept in the list.
"""

from __future__ import annotations

from outpost.domain.quiet import OFF, ON
from outpost.gui.qt import QComboBox, QHBoxLayout, QLabel, QWidget

TIMES = [f"{h:02d}:{m:02d}" for h in range(24) for m in (0, 30)]
MODES = ((OFF, "Off"), (ON, "Always"), ("window", "Every day from"))


class QuietEditor(QWidget):
    """Off / Always / Every day from [22:00] to [07:00]; `value()` is the setting's text."""

    def __init__(self, value: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("notifications_quiet")
        self.mode = QComboBox()
        self.mode.setObjectName("quiet_mode")
        for data, label in MODES:
            self.mode.addItem(label, data)
        start, _, end = value.partition("-") if value not in (OFF, ON) else ("22:00", "", "07:00")
        self.start = self._times(start, "quiet_start")
        self.end = self._times(end, "quiet_end")
        self.to = QLabel("to")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for widget in (self.mode, self.start, self.to, self.end):
            row.addWidget(widget)
        row.addStretch(1)
        self.mode.currentIndexChanged.connect(lambda _: self._show_times())
        self.mode.setCurrentIndex(self.mode.findData(value if value in (OFF, ON) else "window"))
        self._show_times()

    def _times(self, current: str, name: str) -> QComboBox:
        box = QComboBox()
        box.setObjectName(name)
        box.addItems(TIMES)
        if current and box.findText(current) < 0:
            box.addItem(current)  # set to the minute from the command line: kept as it is
        box.setCurrentText(current or "22:00")
        return box

    def _show_times(self) -> None:
        window = self.mode.currentData() == "window"
        for widget in (self.start, self.to, self.end):
            widget.setVisible(window)

    def value(self) -> str:
        """`off`, `on` or `HH:MM-HH:MM`."""
        mode = str(self.mode.currentData())
        return mode if mode in (OFF, ON) else f"{self.start.currentText()}-{self.end.currentText()}"
