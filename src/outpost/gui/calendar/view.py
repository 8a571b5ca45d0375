"""Week and month views of scheduled and published posts; drag a post to another day to move it.

A moved post keeps its time of day in its own time zone (09:00 stays 09:00 across a DST change).
The calendar reads its days only while it is on screen (a hidden calendar remembers to reload
when shown), and a day lists at most PER_DAY posts, then says how many more it has: a day with
5,000 posts once cost 25 MB of list items and a full reload on every post change.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from outpost.config.zone import local_zone_name
from outpost.domain.calendar import CalendarDays
from outpost.domain.enums import PostStatus
from outpost.domain.errors import KnownError
from outpost.domain.models import Post
from outpost.engine import Engine
from outpost.gui.messages import MessageBridge
from outpost.gui.qt import (
    QAbstractItemView,
    QDropEvent,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QShowEvent,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from outpost.gui.tasks import run_op

SHOWN = (PostStatus.SCHEDULED, PostStatus.PUBLISHED, PostStatus.PARTIALLY_PUBLISHED)
PER_DAY = 50  # lines a day lists before "… and N more"


class DayList(QListWidget):
    """One day's posts. Scheduled posts can be dragged to another day.

    Signals:
        post_dropped(str, object): a post id, and the `date` it was dropped on.
    """

    post_dropped = Signal(str, object)

    def __init__(self, day: date) -> None:
        super().__init__()
        self.day = day
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setWordWrap(True)

    def dropEvent(self, event: QDropEvent) -> None:
        """A post from another day lands here: ask the engine to move it (the view reloads)."""
        source = event.source()
        if isinstance(source, DayList) and source is not self and source.currentItem() is not None:
            self.post_dropped.emit(str(source.currentItem().data(Qt.ItemDataRole.UserRole)), self.day)
        event.ignore()  # the engine decides; the reload shows the outcome


class CalendarView(QWidget):
    """A week (7 days) or month (6 weeks) of posts, starting on Monday."""

    def __init__(self, engine: Engine, *, messages: MessageBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.messages = messages
        self.engine = engine
        self.zone = ZoneInfo(engine.settings.default_timezone or local_zone_name())
        self.month = False
        self.anchor = datetime.now(self.zone).date()
        self.days: dict[date, DayList] = {}
        self._stale = True  # the days need reading from the engine when next on screen
        self.title = QLabel()
        bar = QHBoxLayout()
        for label, slot in (
            ("◀", lambda: self._step(-1)),
            ("Today", self._today),
            ("▶", lambda: self._step(1)),
        ):
            button = QPushButton(label)
            button.clicked.connect(slot)
            bar.addWidget(button)
        bar.addWidget(self.title, 1)
        self.week_button = QPushButton("Week")
        self.month_button = QPushButton("Month")
        for button, month in ((self.week_button, False), (self.month_button, True)):
            button.setCheckable(True)
            button.clicked.connect(lambda _=False, m=month: self.set_month(m))
            bar.addWidget(button)
        self.grid = QGridLayout()
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(self.grid, 1)
        self.set_month(False)

    def set_month(self, month: bool) -> None:
        """Week or month view."""
        self.month = month
        self.week_button.setChecked(not month)
        self.month_button.setChecked(month)
        self._build()
        self.load()

    def _today(self) -> None:
        self.anchor = datetime.now(self.zone).date()
        self._build()
        self.load()

    def _step(self, direction: int) -> None:
        self.anchor += timedelta(days=(35 if self.month else 7) * direction)
        self._build()
        self.load()

    @property
    def first_day(self) -> date:
        """The Monday the view starts on."""
        start = self.anchor.replace(day=1) if self.month else self.anchor
        return start - timedelta(days=start.weekday())

    def _build(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            cell = item.widget() if item is not None else None
            if cell is not None:
                cell.deleteLater()  # the day lists go with their cells
        self.days.clear()
        weeks = 6 if self.month else 1
        for index in range(7 * weeks):
            day = self.first_day + timedelta(days=index)
            cell = QWidget()
            column = QVBoxLayout(cell)
            column.setContentsMargins(2, 2, 2, 2)
            heading = QLabel(
                f"<b>{day:%a %d}</b>"
                if not self.month or day.month == self.anchor.month
                else f"<span style='color:#999'>{day:%a %d}</span>"
            )
            column.addWidget(heading)
            listing = DayList(day)
            listing.post_dropped.connect(self.move_post)
            column.addWidget(listing, 1)
            self.grid.addWidget(cell, index // 7, index % 7)
            self.days[day] = listing
        last = self.first_day + timedelta(days=7 * weeks - 1)
        self.title.setText(
            f"{self.anchor:%B %Y}" if self.month else f"{self.first_day:%d %b} – {last:%d %b %Y}"
        )

    def showEvent(self, event: QShowEvent) -> None:
        """Coming on screen: read the days if anything changed while hidden."""
        super().showEvent(event)
        if self._stale:
            self.load()

    def load(self, *_: object) -> None:
        """Fill the days from the engine: now if on screen, else when next shown."""
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        start = datetime.combine(self.first_day, datetime.min.time(), self.zone)
        end = start + timedelta(days=len(self.days) or 7)
        run_op(self.engine.posts.calendar(start, end, SHOWN, self.zone, PER_DAY), on_success=self._fill)

    def _fill(self, found: CalendarDays) -> None:
        for day_list in self.days.values():
            day_list.clear()
        for entry in found.entries:
            moment = entry.moment.astimezone(self.zone)
            listing = self.days.get(moment.date())
            if listing is None:
                continue  # a published post whose first publish fell just outside the view
            mark = "✓" if entry.status is not PostStatus.SCHEDULED else "⏰"
            first = entry.text.splitlines()[0][:40] if entry.text else "(no text)"
            item = QListWidgetItem(f"{mark} {moment:%H:%M} {first}")
            item.setData(Qt.ItemDataRole.UserRole, entry.post_id)
            item.setToolTip(entry.text)
            if entry.status is not PostStatus.SCHEDULED:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsDragEnabled)
            listing.addItem(item)
        for day, count in found.more.items():
            if (busy := self.days.get(day)) is not None:
                more = QListWidgetItem(f"… and {count:,} more (the Queue lists every post)")
                more.setFlags(Qt.ItemFlag.NoItemFlags)
                busy.addItem(more)

    def move_post(self, post_id: str, day: date) -> None:
        """Reschedule a post to `day`, keeping its time of day in its own zone."""

        def moved(_: Post) -> None:
            self.messages.info("Rescheduled.")
            self.load()

        run_op(self._move(post_id, day), on_success=moved, on_failure=self._fail)

    async def _move(self, post_id: str, day: date) -> Post:
        post = await self.engine.posts.get(post_id)
        if post.scheduled_at is None:
            raise KnownError("Only scheduled posts can be moved.")
        zone = post.timezone or local_zone_name()
        local = post.scheduled_at.astimezone(ZoneInfo(zone))
        return await self.engine.posts.schedule(post_id, f"{day:%Y-%m-%d}T{local:%H:%M}", zone)

    def _fail(self, error: KnownError) -> None:
        self.messages.failed(error)
        self.load()
