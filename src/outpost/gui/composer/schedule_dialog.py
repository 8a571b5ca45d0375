"""Choosing when: quick choices, or a date, time and time zone, with the same moment on this computer.

The quick choices ("In 1 hour", "Tomorrow 9:00", "Next free slot") fill in the date and time, so
the person still sees the moment before pressing Schedule. "Now" is the engine's clock, handed in,
so the choices are the same in a test as on a desk. The next free slot of the posting schedule is
looked up by the composer before the dialog opens (the dialog does no engine work); without a
schedule that choice is disabled and says why. So is the next best slot from the creator's own
statistics (issue #21): offered with its reason when best times exist, not at all when the
history is too thin to say.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, available_timezones

from outpost.config.zone import local_zone_name
from outpost.domain.recurrence import RuleError, check_rule, describe, parse_until
from outpost.engine.series import RepeatRequest
from outpost.gui.qt import (
    QComboBox,
    QDateTime,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)
from outpost.gui.stats.best_slot import BestSlot

__all__ = ["MORNING", "REPEATS", "ScheduleDialog"]

#: The Repeat choices: what the combo shows, and the rule (None: once; "cron": typed).
REPEATS = (
    ("Does not repeat", None),
    ("Every day", "daily"),
    ("Every week", "weekly"),
    ("Every month", "monthly"),
    ("Custom (cron)…", "cron"),
)
ENDS = (("Never ends", None), ("Until a day", "until"), ("A number of times", "count"))

MORNING = 9  # "Tomorrow 9:00"
_FORMAT = "yyyy-MM-ddTHH:mm"


class ScheduleDialog(QDialog):
    """Returns `at` (`YYYY-MM-DDTHH:MM`, wall clock) and `zone` (IANA) through `choice()`.

    Args:
        zone: the zone to start in (the settings' default), else the machine's.
        now: the current time (the engine's clock); the machine's clock if not given.
        next_slot: the next free slot of the posting schedule (UTC instant, zone), if there is one.
        no_slot_reason: why there is none, shown on the disabled choice. Given neither, the
            caller did not look, and the choice is not offered.
        best_slot: the next best time from the creator's statistics, with its reason; None
            (too little history, or nobody looked) offers nothing.
        repeatable: offer Repeat (a new post; not when rescheduling one).
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        zone: str | None = None,
        now: datetime | None = None,
        next_slot: tuple[datetime, str] | None = None,
        no_slot_reason: str | None = None,
        best_slot: BestSlot | None = None,
        repeatable: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Schedule post")
        self.now = now or datetime.now(UTC)
        self.next_slot = next_slot
        self.best_slot = best_slot
        self.when = QDateTimeEdit()
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
        form.addRow("Quick choice", self._quick_choices(no_slot_reason))
        self.best_reason = QLabel(best_slot.reason if best_slot else "")
        self.best_reason.setObjectName("best_reason")
        self.best_reason.setWordWrap(True)
        if best_slot is not None:
            form.addRow("", self.best_reason)
        form.addRow("Date and time", self.when)
        form.addRow("Time zone", self.zone)
        form.addRow("On this computer", self.local)
        repeat_row = self._repeat_row()
        if repeatable:  # a new post may repeat; rescheduling one does not make it a series
            form.addRow("Repeat", repeat_row)
            form.addRow("", self.repeat_summary)
        else:
            repeat_row.setParent(self)
            repeat_row.hide()
            self.repeat_summary.hide()
        form.addRow(buttons)
        self.when.dateTimeChanged.connect(self._update_local)
        self.zone.currentTextChanged.connect(self._update_local)
        self.in_an_hour()

    # -- repeating (issue #22) -------------------------------------------------------------------

    def _repeat_row(self) -> QWidget:
        self.repeat_rule = QComboBox()
        self.repeat_rule.setObjectName("repeat_rule")
        for label, rule in REPEATS:
            self.repeat_rule.addItem(label, rule)
        self.cron = QLineEdit()
        self.cron.setObjectName("repeat_cron")
        self.cron.setPlaceholderText("0 9 * * 2  (minute hour day month weekday)")
        self.repeat_end = QComboBox()
        self.repeat_end.setObjectName("repeat_end")
        for label, end in ENDS:
            self.repeat_end.addItem(label, end)
        self.until = QDateTimeEdit()
        self.until.setObjectName("repeat_until")
        self.until.setCalendarPopup(True)
        self.until.setDisplayFormat("yyyy-MM-dd")
        self.until.setDateTime(
            QDateTime.fromString(f"{self.now + timedelta(days=90):%Y-%m-%dT00:00}", _FORMAT)
        )
        self.count = QSpinBox()
        self.count.setObjectName("repeat_count")
        self.count.setRange(1, 999)
        self.count.setValue(10)
        self.count.setSuffix(" times")
        self.repeat_summary = QLabel()
        self.repeat_summary.setObjectName("repeat_summary")
        self.repeat_summary.setWordWrap(True)
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        for widget in (self.repeat_rule, self.cron, self.repeat_end, self.until, self.count):
            layout.addWidget(widget)
        layout.addStretch(1)
        for signal in (
            self.repeat_rule.currentIndexChanged,
            self.repeat_end.currentIndexChanged,
            self.cron.textChanged,
            self.until.dateTimeChanged,
            self.count.valueChanged,
            self.when.dateTimeChanged,
            self.zone.currentTextChanged,
        ):
            signal.connect(self._update_repeat)
        self._update_repeat()
        return row

    def repeat(self) -> RepeatRequest | None:
        """The Repeat choice as `--repeat` takes it; None for a post that goes out once."""
        rule = self.repeat_rule.currentData()
        if rule is None:
            return None
        if rule == "cron":
            rule = f"cron:{self.cron.text().strip()}"
        end = self.repeat_end.currentData()
        until = self.until.dateTime().toString("yyyy-MM-dd") if end == "until" else None
        return RepeatRequest(str(rule), until, self.count.value() if end == "count" else None)

    def _update_repeat(self) -> None:
        repeats = self.repeat_rule.currentData() is not None
        self.cron.setVisible(self.repeat_rule.currentData() == "cron")
        self.repeat_end.setVisible(repeats)
        self.until.setVisible(repeats and self.repeat_end.currentData() == "until")
        self.count.setVisible(repeats and self.repeat_end.currentData() == "count")
        self.repeat_summary.setVisible(repeats)
        self.repeat_summary.setText(self.repeat_words())

    def repeat_words(self) -> str:
        """The series in words ("Every Tuesday at 09:00 until 30 June 2027"), or why it cannot be."""
        repeat = self.repeat()
        if repeat is None:
            return ""
        at, zone = self.choice()
        try:
            first = datetime.fromisoformat(at).replace(tzinfo=ZoneInfo(zone))
            rule = check_rule(repeat.rule)
            until = parse_until(repeat.until, zone) if repeat.until else None
        except RuleError as error:
            return str(error)
        except (ValueError, KeyError):
            return "Choose a time zone first."
        return describe(rule, first, zone, until, repeat.count)

    def _quick_choices(self, no_slot_reason: str | None) -> QWidget:
        self.hour_button = QPushButton("In 1 hour")
        self.hour_button.setObjectName("in_an_hour")
        self.hour_button.clicked.connect(self.in_an_hour)
        self.morning_button = QPushButton(f"Tomorrow {MORNING}:00")
        self.morning_button.setObjectName("tomorrow_morning")
        self.morning_button.clicked.connect(self.tomorrow_morning)
        self.slot_button = QPushButton("Next free slot")
        self.slot_button.setObjectName("next_free_slot")
        self.slot_button.clicked.connect(self.next_free_slot)
        self.slot_button.setEnabled(self.next_slot is not None)
        self.slot_button.setToolTip(
            f"The first time of your posting schedule no post takes: {self._slot_text()}"
            if self.next_slot
            else no_slot_reason or ""
        )
        self.slot_button.setVisible(self.next_slot is not None or no_slot_reason is not None)
        self.best_button = QPushButton(
            f"Best time: {self.best_slot.at:%a %H:%M}" if self.best_slot else "Best time"
        )
        self.best_button.setObjectName("best_time")
        self.best_button.clicked.connect(self.best_time)
        self.best_button.setVisible(self.best_slot is not None)
        if self.best_slot is not None:
            self.best_button.setToolTip(self.best_slot.reason)
        row = QWidget()
        layout = QHBoxLayout(row)
        layout.setContentsMargins(0, 0, 0, 0)
        for button in (self.hour_button, self.morning_button, self.slot_button, self.best_button):
            button.setAutoDefault(False)  # Enter schedules; it does not re-pick a quick choice
            layout.addWidget(button)
        layout.addStretch(1)
        return row

    def choice(self) -> tuple[str, str]:
        """The wall-clock time and its zone (the engine resolves DST and refuses gaps)."""
        return self.when.dateTime().toString(_FORMAT), self.zone.currentText()

    def in_an_hour(self) -> None:
        """An hour from now, to the next whole minute, in the chosen zone."""
        later = self._in_zone(self.now + timedelta(hours=1))
        if later.second or later.microsecond:
            later = later.replace(second=0, microsecond=0) + timedelta(minutes=1)
        self._set(later)

    def tomorrow_morning(self) -> None:
        """Tomorrow at 9:00 in the chosen zone."""
        tomorrow = self._in_zone(self.now).date() + timedelta(days=1)
        self._set(datetime(tomorrow.year, tomorrow.month, tomorrow.day, MORNING))

    def next_free_slot(self) -> None:
        """The posting schedule's next free slot, in the schedule's zone."""
        if self.next_slot is None:
            return
        instant, zone = self.next_slot
        self.zone.setCurrentText(zone)
        self._set(instant.astimezone(ZoneInfo(zone)))

    def best_time(self) -> None:
        """The next best slot from the creator's statistics, in the zone it was worked out in."""
        if self.best_slot is None:
            return
        self.zone.setCurrentText(self.best_slot.zone)
        self._set(self.best_slot.at)

    def _slot_text(self) -> str:
        assert self.next_slot is not None
        instant, zone = self.next_slot
        return f"{instant.astimezone(ZoneInfo(zone)):%a %d %b %H:%M} ({zone})"

    def _in_zone(self, moment: datetime) -> datetime:
        try:
            return moment.astimezone(ZoneInfo(self.zone.currentText()))
        except (ValueError, KeyError):
            return moment.astimezone(ZoneInfo(local_zone_name()))

    def _set(self, wall_clock: datetime) -> None:
        self.when.setDateTime(QDateTime.fromString(f"{wall_clock:%Y-%m-%dT%H:%M}", _FORMAT))

    def _update_local(self) -> None:
        at, zone = self.choice()
        try:
            moment = datetime.fromisoformat(at).replace(tzinfo=ZoneInfo(zone))
        except (ValueError, KeyError):
            self.local.setText("unknown time zone")
            return
        mine = moment.astimezone(ZoneInfo(local_zone_name()))
        self.local.setText(f"{mine:%Y-%m-%d %H:%M} ({local_zone_name()})")
