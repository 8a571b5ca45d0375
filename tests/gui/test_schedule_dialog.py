"""The schedule dialog: quick choices, and what the chosen time is on this computer."""

from __future__ import annotations

from datetime import UTC, datetime

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


NOW = datetime(2026, 11, 25, 21, 40, 30, tzinfo=UTC)  # a Wednesday, 22:40 in Berlin


def test_quick_choices_fill_in_an_hour_from_now_and_tomorrow_morning_in_the_chosen_zone(qtbot) -> None:
    dialog = ScheduleDialog(zone="Europe/Berlin", now=NOW)
    qtbot.addWidget(dialog)
    assert dialog.choice() == ("2026-11-25T23:41", "Europe/Berlin")  # opens an hour ahead, whole minute
    dialog.morning_button.click()
    assert dialog.choice() == ("2026-11-26T09:00", "Europe/Berlin")
    dialog.zone.setCurrentText("America/New_York")  # 16:40 there: tomorrow is the 26th too
    dialog.hour_button.click()
    assert dialog.choice() == ("2026-11-25T17:41", "America/New_York")
    dialog.zone.setCurrentText("Pacific/Auckland")  # already the 26th there
    dialog.morning_button.click()
    assert dialog.choice() == ("2026-11-27T09:00", "Pacific/Auckland")


def test_next_free_slot_is_disabled_with_the_reason_without_a_posting_schedule(qtbot) -> None:
    dialog = ScheduleDialog(zone="Europe/Berlin", now=NOW, no_slot_reason="Set up a posting schedule first.")
    qtbot.addWidget(dialog)
    assert not dialog.slot_button.isEnabled()
    assert dialog.slot_button.toolTip() == "Set up a posting schedule first."


def test_next_free_slot_takes_the_slots_time_and_zone(qtbot) -> None:
    slot = (datetime(2026, 11, 27, 16, 30, tzinfo=UTC), "Asia/Tokyo")
    dialog = ScheduleDialog(zone="Europe/Berlin", now=NOW, next_slot=slot)
    qtbot.addWidget(dialog)
    assert dialog.slot_button.isEnabled() and "Sat 28 Nov 01:30 (Asia/Tokyo)" in dialog.slot_button.toolTip()
    dialog.slot_button.click()
    assert dialog.choice() == ("2026-11-28T01:30", "Asia/Tokyo")


def test_without_word_of_the_posting_schedule_the_slot_choice_is_not_offered(qtbot) -> None:
    dialog = ScheduleDialog(zone="Europe/Berlin", now=NOW)  # e.g. rescheduling from the queue
    qtbot.addWidget(dialog)
    assert dialog.slot_button.isHidden() and not dialog.hour_button.isHidden()
