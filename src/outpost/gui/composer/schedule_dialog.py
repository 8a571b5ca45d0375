"""Choosing when: date, time and time zone, with the same moment in the machine's zone shown."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, available_timezones

from outpost.config.zone import local_zone_name
from outpost.gui.qt import (
    QComboBox,
    QDateTime,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QWidget,
)


class ScheduleDialog(QDialog):
    """Returns `at` (`YYYY-MM-DDTHH:MM`, wall clock) and `zone` (IANA) through `choice()`."""

    def __init__(self, parent: QWidget | None = None, *, zone: str | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Schedule post")
        self.when = QDateTimeEdit(QDateTime.currentDateTime().addSecs(3600))
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.zone = QComboBox()
        self.zone.setEditable(True)
        self.zone.addItems(sorted(available_timezones()))
        self.zone.setCurrentText(zone or local_zone_name())
        self.local = QLabel()
        self.local.setObjectName("local_equivalent")
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Schedule")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Date and time", self.when)
        form.addRow("Time zone", self.zone)
        form.addRow("On this computer", self.local)
        form.addRow(buttons)
        self.when.dateTimeChanged.connect(self._update_local)
        self.zone.currentTextChanged.connect(self._update_local)
        self._update_local()

    def choice(self) -> tuple[str, str]:
        """The wall-clock time and its zone (the engine resolves DST and refuses gaps)."""
        return self.when.dateTime().toString("yyyy-MM-ddTHH:mm"), self.zone.currentText()

    def _update_local(self) -> None:
        at, zone = self.choice()
        try:
            moment = datetime.fromisoformat(at).replace(tzinfo=ZoneInfo(zone))
        except (ValueError, KeyError):
            self.local.setText("unknown time zone")
            return
        mine = moment.astimezone(ZoneInfo(local_zone_name()))
        self.local.setText(f"{mine:%Y-%m-%d %H:%M} ({local_zone_name()})")
