"""The status bar's lasting part.

Publishing running or paused, the next post with its day, time and a countdown ("next post Thu 24
Dec, 08:00 (in 22 days)"), and a progress bar while files upload.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, tzinfo

from outpost.gui.qt import QHBoxLayout, QLabel, QProgressBar, QTimer, QWidget

TICK_MS = 1000


def countdown(until: datetime, now: datetime) -> str:
    """`in 22 days`, `in 1 day 6 h`, `in 2 h 05 min`, `in 4 min 10 s`, `now`."""
    seconds = int((until - now).total_seconds())
    if seconds <= 0:
        return "now"
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    if days >= 2:
        return f"in {days} days"
    if days:
        return f"in 1 day {hours} h" if hours else "in 1 day"
    if hours:
        return f"in {hours} h {minutes:02d} min"
    if minutes:
        return f"in {minutes} min {seconds:02d} s"
    return f"in {seconds} s"


def when_text(when: datetime, now: datetime) -> str:
    """A moment as a person reads it, in `when`'s zone: `today, 17:30`, `Thu 24 Dec, 08:00`.

    Also `tomorrow, 09:00`; the year is added when it is not this year's.
    """
    today = now.astimezone(when.tzinfo).date()
    day = when.date()
    if day == today:
        label = "today"
    elif (day - today).days == 1:
        label = "tomorrow"
    else:
        label = f"{when:%a} {day.day} {when:%b}"
        if day.year != today.year:
            label += f" {day.year}"
    return f"{label}, {when:%H:%M}"


class StatusArea(QWidget):
    """Engine state and the next post on the right of the status bar; an upload bar when needed.

    Args:
        now: the clock (the engine's, so tests move it instead of waiting).
        zone: the zone times are shown in (the machine's by default).
    """

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        zone: tzinfo | None = None,
    ) -> None:
        super().__init__(parent)
        self._now = now
        self.zone = zone
        self.state = QLabel("Starting…")
        self.state.setObjectName("engine_state")
        self.progress = QProgressBar()
        self.progress.setObjectName("upload_progress")
        self.progress.setMaximumWidth(180)
        self.progress.setVisible(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 6, 0)
        layout.addWidget(self.progress)
        layout.addWidget(self.state)
        self._running, self._paused = False, False
        self._next: datetime | None = None
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._render)
        self._uploads: dict[tuple[str, str], tuple[int, int]] = {}

    def engine_state(self, running: bool, paused: bool, next_due_at: datetime | None) -> None:
        """The engine said how it is."""
        self._running, self._paused, self._next = running, paused, next_due_at
        self._render()
        if next_due_at is not None and not paused:
            self._timer.start()
        else:
            self._timer.stop()

    def set_zone(self, zone: tzinfo | None) -> None:
        """Show times in `zone` from now on (the settings' time zone changed)."""
        self.zone = zone
        self._render()

    @property
    def has_scheduled(self) -> bool:
        """Whether a scheduled post is waiting (as the engine last said)."""
        return self._next is not None

    def upload(self, post_id: str, account_id: str, sent: int, total: int) -> None:
        """A file of a post is uploading; the bar shows all running uploads together."""
        key = (post_id, account_id)
        if sent >= total:
            self._uploads.pop(key, None)
        else:
            self._uploads[key] = (sent, total)
        sent_all = sum(s for s, _ in self._uploads.values())
        total_all = sum(t for _, t in self._uploads.values())
        self.progress.setVisible(bool(self._uploads))
        if total_all:
            self.progress.setValue(int(sent_all * 100 / total_all))
            self.progress.setFormat(f"Uploading {sent_all / 1e6:.0f} of {total_all / 1e6:.0f} MB")

    def prepare(self, post_id: str, account_id: str, done: int, total: int) -> None:
        """A video is being re-encoded for a network (before its upload): the bar says so."""
        if done >= total:
            self.progress.setVisible(bool(self._uploads))
            return
        self.progress.setVisible(True)
        self.progress.setValue(int(done * 100 / max(1, total)))
        self.progress.setFormat(f"Preparing video {done * 100 // max(1, total)} %")

    def _render(self) -> None:
        state = "paused" if self._paused else "running" if self._running else "stopped"
        text = f"Publishing {state}"
        if self._next is not None:
            now = self._now()
            local = self._next.astimezone(self.zone)
            text += f" · next post {when_text(local, now)} ({countdown(self._next, now)})"
        else:
            text += " · nothing scheduled"
        self.state.setText(text)
