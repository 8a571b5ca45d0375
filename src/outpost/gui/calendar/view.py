"""Week and month views of scheduled and published posts; drag a post to another day to move it.

A moved post keeps its time of day in its own time zone (09:00 stays 09:00 across a DST change).
The calendar reads its days only while it is on screen (a hidden calendar remembers to reload
when shown), and a day lists at most PER_DAY posts, then says how many more it has: a day with
5,000 posts once cost 25 MB of list items and a full reload on every post change. A changed post
now re-reads only the days it left and joined (issue #16); the other days keep their items.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from outpost.config.zone import local_zone_name
from outpost.domain.calendar import CalendarDays, CalendarEntry
from outpost.domain.enums import PostStatus
from outpost.domain.errors import KnownError
from outpost.domain.models import Post
from outpost.engine import Engine
from outpost.engine.events import PostDidChange
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
DaysRead = list[tuple[list[date], CalendarDays]]  # runs of consecutive days, each with what was read


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
        """A post from another day lands here: ask the engine to move it (its event moves the line)."""
        source = event.source()
        if isinstance(source, DayList) and source is not self and source.currentItem() is not None:
            self.post_dropped.emit(str(source.currentItem().data(Qt.ItemDataRole.UserRole)), self.day)
        event.ignore()  # the engine decides; the two days are re-read when it says it moved


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
        self._more: dict[date, int] = {}  # days that list only their first PER_DAY posts
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
        self._more.clear()
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
        """Fill every day from the engine: now if on screen, else when next shown."""
        if not self.isVisible():
            self._stale = True
            return
        self._stale = False
        self._read(self.days)

    def post_did_change(self, change: PostDidChange) -> None:
        """Re-read only the days a changed post left and joined (a hidden calendar: all, once shown).

        The event's post gives the day it joins; the day it left is the one listing it. Only an
        event without its post (a part sent, before the publisher settles it) reads that post.
        """
        if not self.isVisible():
            self._stale = True
        elif change.post is not None or change.deleted:
            self._post_changed(change.post_id, change.post)
        else:
            run_op(
                self.engine.posts.get(change.post_id),
                on_success=lambda post: self._post_changed(change.post_id, post),
                on_failure=lambda _: self._post_changed(change.post_id, None),  # gone meanwhile
            )

    def _post_changed(self, post_id: str, post: Post | None) -> None:
        left = {day for day, listing in self.days.items() if _lists(listing, post_id)}
        # Not listed anywhere: it may be one of a busy day's unlisted posts, or new to the view.
        days = left or set(self._more)
        if post is not None and post.status in SHOWN:
            days |= _days_of(post, self.zone)
        self._read(day for day in self.days if day in days)

    def _read(self, days: Iterable[date]) -> None:
        """Re-read `days` (in view order) and refill just them; every other day keeps its items."""
        runs = list(_runs(days))
        if runs:
            run_op(self._read_runs(runs), on_success=self._fill)

    async def _read_runs(self, runs: list[list[date]]) -> DaysRead:
        found: DaysRead = []
        for run in runs:
            start = datetime.combine(run[0], time(), self.zone)
            # A day more than the run: the store chooses a post published at once by its last
            # change but lists it on its first publish, so one published just before midnight
            # and settled after it is found only by reading the next day too.
            end = datetime.combine(run[-1] + timedelta(days=2), time(), self.zone)
            found.append((run, await self.engine.posts.calendar(start, end, SHOWN, self.zone, PER_DAY)))
        return found

    def _fill(self, found: DaysRead) -> None:
        for days, read in found:
            self._fill_days(set(days), read)

    def _fill_days(self, days: set[date], found: CalendarDays) -> None:
        for day in days:
            self._more.pop(day, None)
            if (listing := self.days.get(day)) is not None:
                listing.clear()
        for entry in found.entries:
            moment = entry.moment.astimezone(self.zone)
            listing = self.days.get(moment.date())
            if listing is not None and moment.date() in days:  # else outside the view or this read
                listing.addItem(_line(entry, moment))
        for day, count in found.more.items():
            if day in days and (busy := self.days.get(day)) is not None:
                self._more[day] = count
                more = QListWidgetItem(f"… and {count:,} more (the Queue lists every post)")
                more.setFlags(Qt.ItemFlag.NoItemFlags)
                busy.addItem(more)

    def move_post(self, post_id: str, day: date) -> None:
        """Reschedule a post to `day`, keeping its time of day in its own zone."""

        def moved(_: Post) -> None:
            self.messages.info("Rescheduled.")  # the engine's event re-reads the two days

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


def _line(entry: CalendarEntry, moment: datetime) -> QListWidgetItem:
    """A post's line on its day; only scheduled posts can be dragged to another day."""
    mark = "✓" if entry.status is not PostStatus.SCHEDULED else "⏰"
    first = entry.text.splitlines()[0][:40] if entry.text else "(no text)"
    item = QListWidgetItem(f"{mark} {moment:%H:%M} {first}")
    item.setData(Qt.ItemDataRole.UserRole, entry.post_id)
    item.setToolTip(entry.text)
    if entry.status is not PostStatus.SCHEDULED:
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsDragEnabled)
    return item


def _lists(listing: DayList, post_id: str) -> bool:
    return any(listing.item(i).data(Qt.ItemDataRole.UserRole) == post_id for i in range(listing.count()))


def _days_of(post: Post, zone: tzinfo) -> set[date]:
    """The days a post shows on and is chosen by: mostly one and the same day.

    The store lists a post on its scheduled time, else its first publish, else its last change,
    and chooses it by its scheduled time, else its last change.
    """
    published = [t.published_at for t in post.targets if t.published_at is not None]
    chosen = post.scheduled_at or post.updated_at
    listed = post.scheduled_at or min(published, default=post.updated_at)
    return {chosen.astimezone(zone).date(), listed.astimezone(zone).date()}


def _runs(days: Iterable[date]) -> Iterator[list[date]]:
    """Days in order, grouped into runs of consecutive days (one read each)."""
    run: list[date] = []
    for day in days:
        if run and day != run[-1] + timedelta(days=1):
            yield run
            run = []
        run.append(day)
    if run:
        yield run
