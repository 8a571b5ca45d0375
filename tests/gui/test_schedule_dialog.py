"""The schedule dialog says what the chosen time is on this computer."""

from __future__ import annotations

from outpost.gui.composer.schedule_dialog import ScheduleDialog
from outpost.gui.qt import QDateTime


def test_choice_and_local_equivalent(qtbot, monkeypatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    dialog = ScheduleDialog(zone="Europe/Berlin")
    qtbot.addWidget(dialog)
    dialog.when.setDateTime(QDateTime.fromString("2027-01-15T09:30", "yyyy-MM-ddTHH:mm"))
    assert dialog.choice() == ("2027-01-15T09:30", "Europe/Berlin")
    assert dialog.local.text() == "2027-01-15 17:30 (Asia/Tokyo)"  # 09:30 CET is 17:30 JST
    dialog.zone.setCurrentText("Not/AZone")
    assert dialog.local.text() == "unknown time zone"
