"""Best times: the panel that lists them with their reasons, and the next best slot for Schedule….

The engine recommends hours from the creator's own history, each with a reason and the number of
posts it rests on; with too little history it gives a message instead, which is shown as it is
(no guessing). `next_best_slot` turns the recommendations into the next such moment after now,
for the composer's schedule dialog. Nothing here imports QtCharts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from outpost.domain.stats import BestTime, BestTimes
from outpost.gui.qt import QFrame, QLabel, QVBoxLayout, QWidget
from outpost.gui.stats.panel import card_style, heading
from outpost.gui.theme import follow_theme

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_LEAD = timedelta(minutes=10)  # a slot sooner than this is too close to write and schedule for


@dataclass(frozen=True)
class BestSlot:
    """The next recommended moment, with what it rests on."""

    at: datetime  # aware, in the zone the recommendation was made for
    zone: str
    time: BestTime

    @property
    def reason(self) -> str:
        """Says when and why: "Tue 09:00 — your best hour on Mastodon, from 14 posts"."""
        posts = f"{self.time.posts} post{'s' if self.time.posts != 1 else ''}"
        why = self.time.reason.rstrip(". ")
        if "post" not in why:
            why = f"{why}, from {posts}"
        return f"{self.at:%a %H:%M} — {why}"


def next_best_slot(best: BestTimes, now: datetime, zone: str) -> BestSlot | None:
    """The first recommended hour at least 10 minutes after `now`, or None without recommendations."""
    tz = ZoneInfo(zone)
    local = now.astimezone(tz)
    found: BestSlot | None = None
    for day in best.recommendations:
        if day.day not in WEEKDAYS:
            continue
        for time in day.times:
            try:
                hour, minute = (int(part) for part in time.time.split(":"))
            except ValueError:
                continue
            ahead = (WEEKDAYS.index(day.day) - local.weekday()) % 7
            for extra in (0, 7):
                date = (local + timedelta(days=ahead + extra)).date()
                at = datetime(date.year, date.month, date.day, hour, minute, tzinfo=tz)
                if at - local >= _LEAD:
                    break
            if found is None or at < found.at:
                found = BestSlot(at, zone, time)
    return found


class BestTimesPanel(QFrame):
    """The recommendations, one line each with its reason and post count; or why there are none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel_best_times")
        follow_theme(self, card_style(self.objectName()))
        self.title = heading("Best times to post")
        self.basis = QLabel()
        self.basis.setObjectName("best_times_basis")
        self.basis.setWordWrap(True)
        follow_theme(self.basis, lambda c: f"color: {c.muted};")
        self.message = QLabel()
        self.message.setObjectName("best_times_message")
        self.message.setWordWrap(True)
        self.rows = QVBoxLayout()
        self.rows.setSpacing(10)
        column = QVBoxLayout(self)
        column.setContentsMargins(16, 12, 16, 16)
        column.setSpacing(8)
        column.addWidget(self.title)
        column.addWidget(self.basis)
        column.addWidget(self.message)
        column.addLayout(self.rows)
        column.addStretch(1)
        self.lines: list[str] = []

    def show_times(self, best: BestTimes, zone: str) -> None:
        """Show `best` (times are in `zone`)."""
        while self.rows.count():
            item = self.rows.takeAt(0)
            if item is not None and (widget := item.widget()) is not None:
                widget.deleteLater()
        self.lines = []
        if not best.recommendations:
            self.basis.setText("")
            self.basis.setVisible(False)
            self.message.setText(
                best.message
                or "Not enough history yet to say when your posts do best. Keep posting: "
                "recommendations appear once there are enough posts to compare hours."
            )
            self.message.setVisible(True)
            return
        self.message.setVisible(False)
        self.basis.setVisible(True)
        self.basis.setText(f"From your own {best.based_on_posts:,} posts, in {zone} time.")
        for day in best.recommendations:
            for time in day.times:
                self._add(f"{day.day.capitalize()} {time.time}", time, good=True)
        avoid = [(day, time) for day in best.avoid for time in day.times]
        if avoid:
            label = QLabel("Quieter hours")
            label.setObjectName("avoid_heading")
            follow_theme(label, lambda c: f"color: {c.muted}; font-weight: bold; margin-top: 6px;")
            self.rows.addWidget(label)
            for day, time in avoid:
                self._add(f"{day.day.capitalize()} {time.time}", time, good=False)

    def _add(self, when: str, time: BestTime, *, good: bool) -> None:
        posts = f"{time.posts} post{'s' if time.posts != 1 else ''}"
        line = QLabel(
            f"<b>{when}</b>&nbsp;&nbsp;<span>{_escape(time.reason)}</span><br>"
            f"<span style='font-size: small'>from {posts} · score {time.score:.2f}</span>"
        )
        line.setObjectName("best_time" if good else "avoid_time")
        line.setWordWrap(True)
        follow_theme(line, (lambda c: f"color: {c.text};") if good else (lambda c: f"color: {c.muted};"))
        self.lines.append(f"{when} — {time.reason} (from {posts})")
        self.rows.addWidget(line)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
