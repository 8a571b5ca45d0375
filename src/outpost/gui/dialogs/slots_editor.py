"""The Settings page's posting-schedule editor: weekday × times, for the default or one account.

One editor for every schedule: "Schedule of" picks the default schedule (every account without
its own) or one account; switching keeps what was typed for the other, and Save hands all of
them to the engine at once (`posting_schedule`, `posting_schedule_timezone`, `account_schedules`).
An account whose days are all empty uses the default schedule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from outpost.config.settings import Settings
from outpost.domain.errors import ValidationError
from outpost.domain.models import Account
from outpost.domain.slots import WEEKDAYS
from outpost.gui.qt import QComboBox, QFormLayout, QLabel, QLineEdit, QWidget
from outpost.gui.theme import follow_theme

#: The combo's key of the default schedule.
DEFAULT = ""
DEFAULT_LABEL = "Every account without its own (default)"
ZONE_OF_DEFAULT = "The Time zone setting"
ZONE_OF_ACCOUNT = "As the default schedule"


@dataclass
class _Typed:
    """One schedule as typed so far: its days' text and its zone (None: the fallback)."""

    days: dict[str, str] = field(default_factory=dict)
    zone: str | None = None


class SlotsEditor(QWidget):
    """Weekday lines of times, for the schedule chosen in "Schedule of", with its time zone."""

    def __init__(
        self,
        settings: Settings,
        zone_box: QComboBox,
        read_zone: Callable[[], str | None],
        parent: QWidget | None = None,
    ) -> None:
        """`zone_box` lists the zones (None: the fallback) and `read_zone` reads the one chosen."""
        super().__init__(parent)
        self._typed: dict[str, _Typed] = {
            DEFAULT: _Typed(
                {d: ", ".join(settings.posting_schedule.get(d, [])) for d in WEEKDAYS},
                settings.posting_schedule_timezone,
            )
        }
        for account_id, own in settings.account_schedules.items():
            self._typed[account_id] = _Typed(
                {d: ", ".join(own.weekly.get(d, [])) for d in WEEKDAYS}, own.timezone
            )
        self._key = DEFAULT
        rows = QFormLayout(self)
        rows.setContentsMargins(0, 0, 0, 0)
        self.owner = QComboBox()
        self.owner.setObjectName("slots_owner")
        self.owner.addItem(DEFAULT_LABEL, DEFAULT)
        self.owner.currentIndexChanged.connect(self._switch)
        rows.addRow("Schedule of", self.owner)
        self.zone = zone_box
        self._read_zone = read_zone
        self.zone.setObjectName("slots_zone")
        self._fallback_index = self.zone.findData(None)
        self.zone.setItemText(self._fallback_index, ZONE_OF_DEFAULT)
        rows.addRow("Time zone", self.zone)
        self.lines: dict[str, QLineEdit] = {}
        for day in WEEKDAYS:
            line = QLineEdit(self._typed[DEFAULT].days[day])
            line.setObjectName(f"slots:{day}")
            line.setPlaceholderText("no posts this day")
            rows.addRow(day.capitalize(), line)
            self.lines[day] = line
        self.note = QLabel()
        self.note.setWordWrap(True)
        follow_theme(self.note, lambda c: f"color: {c.muted}; font-size: small;")
        rows.addRow("", self.note)
        self._say()

    def set_accounts(self, accounts: Sequence[Account]) -> None:
        """Offer these accounts in "Schedule of" (the engine lists them after the dialog opens)."""
        for account in accounts:
            if self.owner.findData(account.id) < 0:
                self.owner.addItem(f"{account.network.label}: {account.handle}", account.id)

    def choose(self, key: str) -> None:
        """Edit the schedule of account `key` (`DEFAULT`: the default one)."""
        index = self.owner.findData(key)
        if index >= 0:
            self.owner.setCurrentIndex(index)

    def _keep(self) -> None:
        """Remember what is typed for the schedule on screen."""
        typed = self._typed.setdefault(self._key, _Typed())
        typed.days = {day: line.text() for day, line in self.lines.items()}
        typed.zone = self._read_zone()

    def _switch(self, index: int) -> None:
        try:
            self._keep()
        except ValidationError:  # a zone typed half-way: keep the last good one, Save says the rest
            self._typed.setdefault(self._key, _Typed()).days = {
                d: line.text() for d, line in self.lines.items()
            }
        self._key = str(self.owner.itemData(index) or DEFAULT)
        typed = self._typed.get(self._key, _Typed())
        for day, line in self.lines.items():
            line.setText(typed.days.get(day, ""))
        self.zone.setItemText(
            self._fallback_index, ZONE_OF_DEFAULT if self._key == DEFAULT else ZONE_OF_ACCOUNT
        )
        found = self.zone.findData(typed.zone) if typed.zone else self._fallback_index
        self.zone.setCurrentIndex(found if found >= 0 else self._fallback_index)
        self._say()

    def _say(self) -> None:
        self.note.setText(
            "Accounts without a schedule of their own post on these times."
            if self._key == DEFAULT
            else "Leave every day empty and this account uses the default schedule. A post for several "
            "accounts takes the first time that is free in all of their schedules."
        )

    def values(self) -> dict[str, object]:
        """The three settings this editor owns, as `Engine.update_settings` takes them.

        Raises:
            ValidationError: the typed time zone is not one Outpost knows.
        """
        self._keep()
        weekly = {
            key: {d: [s.strip() for s in text.split(",") if s.strip()] for d, text in typed.days.items()}
            for key, typed in self._typed.items()
        }
        return {
            "posting_schedule": weekly[DEFAULT],
            "posting_schedule_timezone": self._typed[DEFAULT].zone,
            "account_schedules": {
                key: {"weekly": days, "timezone": self._typed[key].zone}
                for key, days in weekly.items()
                if key != DEFAULT and any(days.values())
            },
        }
