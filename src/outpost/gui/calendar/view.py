"""Week and month views of scheduled and published posts; drag a post to move it.

The week is a time grid (`week.py`): drop a post on an open slot of the posting schedule or at a
time of another day. The month lists each day's posts (`month.py`): a post dragged to another
day keeps its time of day in its own time zone (09:00 stays 09:00 across a DST change).

The calendar reads its days only while it is on screen (a hidden calendar remembers to reload
when shown), and a day lists at most PER_DAY posts, then says how many more it has: a day with
5,000 posts once cost 25 MB of list items and a full reload on every post change. A changed post
re-reads only the days it left and joined (issue #16); the other days keep their cards.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo

from outpost.config.zone import local_zone_name
from outpost.domain.calendar import CalendarDays, CalendarEntry
from outpost.domain.enums import PostStatus
from outpost.domain.errors import KnownError
from outpost.domain.models import Post
from outpost.domain.slots import Weekly
from outpost.engine import Engine
from outpost.engine.events import PostDidChange
from outpost.gui.calendar.month import MonthView
from outpost.gui.calendar.week import WeekGrid, WeekView
from outpost.gui.messages import MessageBridge
from outpost.gui.qt import (
    QFont,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QShowEvent,
    QVBoxLayout,
    QWidget,
)
from outpost.gui.tasks import run_op
from outpost.gui.thumbnails import Thumbnails

SHOWN = (PostStatus.SCHEDULED, PostStatus.PUBLISHED, PostStatus.PARTIALLY_PUBLISHED)
PER_DAY = 50  # lines a day lists before "… and N more"
DaysRead = list[tuple[list[date], CalendarDays]]  # runs of consecutive days, each with what was read


class Day(Protocol):
    """One day on screen, a column of the week or a cell of the month: what the view fills."""

    def clear(self) -> None:
        """Take every post off the day."""

    def add(self, entry: CalendarEntry, moment: datetime) -> object:
        """Show a post at its local `moment`."""

    def set_more(self, count: int) -> None:
        """Say the day has `count` posts more than it shows."""

    def post_ids(self) -> list[str]:
        """The posts the day shows."""

    def lines(self) -> list[str]:
        """What the day shows, in words."""


class CalendarView(QWidget):
    """A week (7 days) or month (6 weeks) of posts, starting on Monday."""

    def __init__(self, engine: Engine, *, messages: MessageBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.messages = messages
        self.engine = engine
        self.zone = ZoneInfo(engine.settings.default_timezone or local_zone_name())
        self.month = False
        self.anchor = self.now().date()
        self.days: dict[date, Day] = {}
        self.thumbnails = Thumbnails(engine, self)
        self.thumbnails.did_load.connect(self._thumbnail_read)
        self.week: WeekGrid | None = None
        self.body: QWidget | None = None
        self._more: dict[date, int] = {}  # days that list only their first PER_DAY posts
        self._stale = True  # the days need reading from the engine when next on screen
        self.title = QLabel()
        title_font = QFont(self.title.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.25)
        title_font.setBold(True)
        self.title.setFont(title_font)
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
        self.column = QVBoxLayout(self)
        self.column.addLayout(bar)
        self.set_month(False)

    def now(self) -> datetime:
        """Now in the calendar's zone (the engine's clock)."""
        return self.engine.clock.now().astimezone(self.zone)

    def posting_schedule(self) -> list[tuple[Weekly, ZoneInfo]]:
        """Every posting schedule in use (the default, the accounts' own), as the settings say now."""
        return self.engine.slots.schedules_in_use()

    def set_month(self, month: bool) -> None:
        """Week or month view."""
        self.month = month
        self.week_button.setChecked(not month)
        self.month_button.setChecked(month)
        self._build()
        self.load()

    def _today(self) -> None:
        self.anchor = self.now().date()
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
        """Lay out the days on screen again: a week's time grid or a month's cells."""
        if self.body is not None:
            self.column.removeWidget(self.body)
            self.body.hide()
            self.body.deleteLater()  # the days go with it
        self._more.clear()
        self.week = None
        if self.month:
            month = MonthView(self.first_day, self.anchor.month, self.now().date())
            for listing in month.days.values():
                listing.post_dropped.connect(self.move_post)
            self.days = dict(month.days)
            self.body = month
            last = self.first_day + timedelta(days=41)
        else:
            self.week = WeekGrid(
                self.first_day,
                self.zone,
                now=self.now,
                schedule=self.posting_schedule,
                thumbnails=self.thumbnails,
            )
            self.week.post_moved.connect(self.move_post_to)
            self.days = dict(self.week.days)
            self.body = WeekView(self.week)
            last = self.first_day + timedelta(days=6)
        self.column.addWidget(self.body, 1)
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
        left = {day for day, shown in self.days.items() if post_id in shown.post_ids()}
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
            if (shown := self.days.get(day)) is not None:
                shown.clear()
        for entry in found.entries:
            moment = entry.moment.astimezone(self.zone)
            shown = self.days.get(moment.date())
            if shown is not None and moment.date() in days:  # else outside the view or this read
                shown.add(entry, moment)
        for day, count in found.more.items():
            if day in days and (busy := self.days.get(day)) is not None:
                self._more[day] = count
                busy.set_more(count)

    def _thumbnail_read(self, sha: str) -> None:
        """A picture's thumbnail arrived: show it on the week's cards that use it."""
        if self.week is None:
            return
        for week_day in self.week.days.values():
            for card in week_day.cards:
                if card.entry.picture is not None and card.entry.picture.sha256 == sha:
                    card.set_thumbnail(self.thumbnails.get(card.entry.picture))

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

    def move_post_to(self, post_id: str, when: datetime) -> None:
        """Reschedule a post to `when` (an open slot, or a time dropped on in the week)."""

        def moved(post: Post) -> None:
            local = post.scheduled_at.astimezone(self.zone) if post.scheduled_at else when
            self.messages.info(f"Rescheduled to {local:%a %d %b, %H:%M}.")

        run_op(self._move_to(post_id, when), on_success=moved, on_failure=self._fail)

    async def _move_to(self, post_id: str, when: datetime) -> Post:
        """The same instant, written in the post's own zone so its wall-clock time stays as meant."""
        post = await self.engine.posts.get(post_id)
        if post.scheduled_at is None:
            raise KnownError("Only scheduled posts can be moved.")
        zone = post.timezone or self.zone.key
        local = when.astimezone(ZoneInfo(zone))
        return await self.engine.posts.schedule(post_id, f"{local:%Y-%m-%dT%H:%M}", zone)

    def _fail(self, error: KnownError) -> None:
        self.messages.failed(error)
        self.load()


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
