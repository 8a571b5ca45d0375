"""The week as a time grid: hours down, days across, posts as cards at their time.

Today's column is tinted and a line marks now. The posting schedule's open slots (Settings →
posting schedule, in the calendar's zone) are dashed boxes: drop a post on one and it moves to
that slot; drop it anywhere else in a day and it moves to that time (to the quarter hour).
Posts closer together than a card is tall share the column side by side, two at most; the rest
of such a crowd is a "+N" chip whose tooltip lists them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from outpost.domain.calendar import CalendarEntry
from outpost.domain.enums import PostStatus
from outpost.domain.slots import Weekly, slots_on
from outpost.gui.calendar.cards import EntryCard, dragged_post
from outpost.gui.decor import Tone, tone_colour
from outpost.gui.qt import (
    QBrush,
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QHBoxLayout,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPoint,
    QRect,
    QRectF,
    QResizeEvent,
    QScrollArea,
    QShowEvent,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from outpost.gui.thumbnails import Thumbnails

HOUR = 64  # pixels per hour
GUTTER = 56  # the hour labels on the left
CARD = 62  # a card's height (just under an hour: time and logos, then two lines of text)
SLOT = 24  # an open slot's height
MAX_LANES = 2  # posts side by side in one column, at most
SNAP = 15  # minutes a dropped post's time is rounded to
HEADER = 44  # the day names' height

#: The posting schedules in use, each weekly slots in its zone (`SlotsService.schedules_in_use`).
Schedule = Callable[[], Sequence[tuple[Weekly, tzinfo]]]


class WeekDay:
    """One day of the grid: its cards, and how many more posts the day has than it shows.

    Attributes:
        cards: the day's posts, in the order they were added (time order).
        more: posts the day has beyond those listed (the Queue lists every post).
    """

    def __init__(self, grid: WeekGrid, day: date) -> None:
        self.grid = grid
        self.day = day
        self.cards: list[EntryCard] = []
        self.chips: list[MoreChip] = []
        self.more = 0

    def clear(self) -> None:
        """Take every card off the day."""
        for card in self.cards:
            card.hide()
            card.deleteLater()
        self.cards.clear()
        self.more = 0
        self.grid.day_changed(self.day)

    def add(self, entry: CalendarEntry, moment: datetime) -> EntryCard:
        """Put a post on the day at its time."""
        card = EntryCard(entry, moment, self.grid)
        card.set_thumbnail(self.grid.thumbnails.get(entry.picture))
        self.cards.append(card)
        self.grid.day_changed(self.day)
        card.show()
        return card

    def set_more(self, count: int) -> None:
        """Say that the day has `count` posts more than it lists."""
        self.more = count
        self.grid.day_changed(self.day)

    def post_ids(self) -> list[str]:
        """The posts the day shows."""
        return [card.entry.post_id for card in self.cards]

    def lines(self) -> list[str]:
        """What the day shows, in words: a line per post, then how many more."""
        more = [f"… and {self.more:,} more (the Queue lists every post)"] if self.more else []
        return [card.line for card in self.cards] + more


class MoreChip(QWidget):
    """A "+N" badge: posts too close to the ones beside them to be drawn; the tooltip lists them."""

    def __init__(self, hidden: list[EntryCard], parent: QWidget) -> None:
        super().__init__(parent)
        self.hidden = hidden
        self.text = f"+{len(hidden)}"
        self.setToolTip("\n".join(card.line for card in hidden))
        self.resize(self.fontMetrics().horizontalAdvance(self.text) + 14, self.fontMetrics().height() + 4)

    def paintEvent(self, event: QPaintEvent) -> None:
        """A small rounded badge in the highlight colour."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(self.palette().color(QPalette.ColorRole.Highlight)))
        painter.drawRoundedRect(QRectF(self.rect()), self.height() / 2, self.height() / 2)
        painter.setPen(self.palette().color(QPalette.ColorRole.HighlightedText))
        painter.drawText(self.rect(), int(Qt.AlignmentFlag.AlignCenter), self.text)
        painter.end()


class WeekGrid(QWidget):
    """Seven days of 24 hours; cards placed at their time, open slots drawn as drop targets.

    Signals:
        post_moved(str, object): a post was dropped here: its id and the aware `datetime` it goes to.
        days_did_change(): a day's cards or count changed (the header repaints its "+N more").
    """

    post_moved = Signal(str, object)
    days_did_change = Signal()

    def __init__(
        self,
        first_day: date,
        zone: tzinfo,
        *,
        now: Callable[[], datetime],
        schedule: Schedule,
        thumbnails: Thumbnails,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.first_day = first_day
        self.zone = zone
        self.now = now
        self.schedule = schedule
        self.thumbnails = thumbnails
        self.days = {
            first_day + timedelta(days=i): WeekDay(self, first_day + timedelta(days=i)) for i in range(7)
        }
        self._hover: QRect | None = None  # where a dragged post would land
        self.setAcceptDrops(True)
        self.setMinimumHeight(24 * HOUR + 8)
        self.setMinimumWidth(GUTTER + 7 * 90)
        self._tick = QTimer(self)  # the now-line moves once a minute
        self._tick.setInterval(60_000)
        self._tick.timeout.connect(self.update)
        self._tick.start()

    # -- geometry ------------------------------------------------------------------------------------

    def column(self, day: date) -> QRect:
        """The day's column (all 24 hours)."""
        width = (self.width() - GUTTER) / 7
        index = (day - self.first_day).days
        left = GUTTER + round(index * width)
        return QRect(left, 0, GUTTER + round((index + 1) * width) - left, 24 * HOUR)

    def y_of(self, moment: datetime) -> int:
        """Where a time of day is, from the top."""
        local = moment.astimezone(self.zone)
        return round((local.hour * 60 + local.minute) * HOUR / 60)

    def slot_rect(self, slot: datetime) -> QRect:
        """Where an open slot is drawn."""
        column = self.column(slot.astimezone(self.zone).date())
        return QRect(column.left() + 3, self.y_of(slot), column.width() - 6, SLOT)

    def free_slots(self, day: date) -> list[datetime]:
        """The day's slots still to come that no scheduled post takes, of every schedule in use.

        Each account's schedule is in its own zone; its slots are drawn where they fall in the
        calendar's zone (`domain.slots.slots_on`).
        """
        taken = {
            card.moment.astimezone(UTC)
            for card in self.days[day].cards
            if card.entry.status is PostStatus.SCHEDULED
        }
        now = self.now()
        return [
            slot.astimezone(self.zone)
            for slot in slots_on(day, self.zone, self.schedule())
            if slot not in taken and slot > now
        ]

    def target_at(self, point: QPoint, grab: int = 0) -> datetime | None:
        """The time a post dropped at `point` goes to: an open slot, else that day at that time."""
        for day in self.days:
            for slot in self.free_slots(day):
                if self.slot_rect(slot).contains(point):
                    return slot
        dropped_on = next((d for d in self.days if self.column(d).contains(QPoint(point.x(), 0))), None)
        if dropped_on is None:
            return None
        minutes = round(max(0, point.y() - grab) * 60 / HOUR / SNAP) * SNAP
        minutes = min(minutes, 24 * 60 - SNAP)
        return datetime.combine(dropped_on, time(minutes // 60, minutes % 60), self.zone)

    # -- cards ---------------------------------------------------------------------------------------

    def day_changed(self, day: date) -> None:
        """Lay the day's cards out again (they changed), and repaint its open slots."""
        self._place(self.days[day])
        self.update(self.column(day))
        self.days_did_change.emit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Columns changed width: lay every day out again."""
        super().resizeEvent(event)
        for week_day in self.days.values():
            self._place(week_day)

    def _place(self, week_day: WeekDay) -> None:
        for chip in week_day.chips:
            chip.hide()
            chip.deleteLater()
        week_day.chips.clear()
        crowd: list[EntryCard] = []
        bottom = -1
        for card in sorted(week_day.cards, key=lambda c: c.moment):
            top = self.y_of(card.moment)
            if crowd and top >= bottom:
                self._place_crowd(week_day, crowd)
                crowd = []
            crowd.append(card)
            bottom = max(bottom, top + CARD)
        if crowd:
            self._place_crowd(week_day, crowd)

    def _place_crowd(self, week_day: WeekDay, crowd: list[EntryCard]) -> None:
        """Cards that overlap in time: side by side in lanes, the rest behind a "+N" chip."""
        lanes: list[int] = []  # each lane's bottom so far
        placed: list[tuple[EntryCard, int]] = []
        hidden: list[EntryCard] = []
        for card in crowd:
            top = self.y_of(card.moment)
            lane = next((i for i, end in enumerate(lanes) if end <= top), None)
            if lane is None and len(lanes) < MAX_LANES:
                lanes.append(0)
                lane = len(lanes) - 1
            if lane is None:
                hidden.append(card)
                continue
            lanes[lane] = top + CARD
            placed.append((card, lane))
        column = self.column(week_day.day).adjusted(2, 0, -2, 0)
        width = column.width() // len(lanes)
        for card, lane in placed:
            top = min(self.y_of(card.moment), 24 * HOUR - CARD)
            card.setGeometry(column.left() + lane * width, top, width - 2, CARD - 2)
            card.show()
        for card in hidden:
            card.hide()
        if hidden:
            chip = MoreChip(hidden, self)
            top = min(self.y_of(hidden[0].moment) + CARD - chip.height() - 4, 24 * HOUR - chip.height())
            chip.move(column.right() - chip.width() - 2, top)
            chip.show()
            week_day.chips.append(chip)

    # -- painting ------------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        """Hours, today's tint, open slots, and the line at now."""
        palette = self.palette()
        painter = QPainter(self)
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        now = self.now().astimezone(self.zone)
        if now.date() in self.days:
            tint = QColor(palette.color(QPalette.ColorRole.Highlight))
            tint.setAlpha(20)
            painter.fillRect(self.column(now.date()), tint)
        self._paint_hours(painter, palette)
        for day in self.days:
            for slot in self.free_slots(day):
                self._paint_slot(painter, palette, slot)
        if now.date() in self.days:
            column = self.column(now.date())
            y = self.y_of(now)
            colour = tone_colour(Tone.BAD, palette)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setPen(QPen(colour, 2))
            painter.drawLine(column.left(), y, column.right(), y)
            painter.setBrush(QBrush(colour))
            painter.drawEllipse(QPoint(column.left(), y), 4, 4)
        painter.end()

    def _paint_hours(self, painter: QPainter, palette: QPalette) -> None:
        line = QColor(palette.color(QPalette.ColorRole.Text))
        line.setAlpha(28)
        muted = tone_colour(Tone.MUTED, palette)
        small = QFont(self.font())
        small.setPointSizeF(small.pointSizeF() * 0.85)
        painter.setFont(small)
        for hour in range(24):
            y = hour * HOUR
            painter.setPen(QPen(line, 1))
            painter.drawLine(GUTTER, y, self.width(), y)
            if hour:
                painter.setPen(muted)
                painter.drawText(
                    QRect(0, y - 8, GUTTER - 8, 16),
                    int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                    f"{hour:02d}:00",
                )
        painter.setPen(QPen(line, 1))
        for index in range(8):
            x = GUTTER + round(index * (self.width() - GUTTER) / 7)
            painter.drawLine(x, 0, x, 24 * HOUR)
        painter.setFont(self.font())

    def _paint_slot(self, painter: QPainter, palette: QPalette, slot: datetime) -> None:
        rect = self.slot_rect(slot)
        hovered = self._hover is not None and self._hover == rect
        colour = palette.color(QPalette.ColorRole.Highlight) if hovered else tone_colour(Tone.MUTED, palette)
        pen = QPen(colour, 1.5 if hovered else 1, Qt.PenStyle.SolidLine if hovered else Qt.PenStyle.DashLine)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(pen)
        if hovered:
            wash = QColor(colour)
            wash.setAlpha(40)
            painter.setBrush(QBrush(wash))
        painter.drawRoundedRect(QRectF(rect).adjusted(0.5, 0.5, -0.5, -0.5), 4, 4)
        painter.setPen(colour)
        label = f"{slot.astimezone(self.zone):%H:%M} · open slot"
        painter.drawText(
            rect.adjusted(8, 0, -4, 0),
            int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
            self.fontMetrics().elidedText(label, Qt.TextElideMode.ElideRight, rect.width() - 12),
        )
        painter.restore()

    # -- dropping ------------------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """A post of this calendar may land here."""
        if dragged_post(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        """Light up the open slot under the pointer."""
        dragged = dragged_post(event.mimeData())
        if dragged is None:
            return
        point = event.position().toPoint()
        slot = next(
            (
                self.slot_rect(s)
                for d in self.days
                for s in self.free_slots(d)
                if self.slot_rect(s).contains(point)
            ),
            None,
        )
        if slot != self._hover:
            self._hover = slot
            self.update()
        event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """The post goes to the slot or time it was dropped on (the engine's event moves its card)."""
        dragged = dragged_post(event.mimeData())
        self._hover = None
        self.update()
        if dragged is None:
            return
        post_id, grab = dragged
        when = self.target_at(event.position().toPoint(), grab)
        if when is not None:
            self.post_moved.emit(post_id, when)
            event.acceptProposedAction()


class WeekHeader(QWidget):
    """The days' names over the grid; today's date in a filled circle; a busy day's "+N more"."""

    def __init__(self, grid: WeekGrid) -> None:
        super().__init__()
        self.grid = grid
        self.setFixedHeight(HEADER)

    def paintEvent(self, event: QPaintEvent) -> None:
        """One heading per column, aligned with the grid's columns."""
        palette = self.palette()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        today = self.grid.now().astimezone(self.grid.zone).date()
        muted = tone_colour(Tone.MUTED, palette)
        for day, week_day in self.grid.days.items():
            column = self.grid.column(day)
            name = QRect(column.left(), 2, column.width(), 18)
            painter.setPen(palette.color(QPalette.ColorRole.Highlight) if day == today else muted)
            painter.drawText(name, int(Qt.AlignmentFlag.AlignCenter), f"{day:%a}".upper())
            number = QRect(column.center().x() - 11, 21, 22, 22)
            if day == today:
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QBrush(palette.color(QPalette.ColorRole.Highlight)))
                painter.drawEllipse(number)
                painter.setPen(palette.color(QPalette.ColorRole.HighlightedText))
            else:
                painter.setPen(palette.color(QPalette.ColorRole.Text))
            bold = QFont(self.font())
            bold.setBold(True)
            painter.setFont(bold)
            painter.drawText(number, int(Qt.AlignmentFlag.AlignCenter), f"{day.day}")
            painter.setFont(self.font())
            if week_day.more:
                painter.setPen(tone_colour(Tone.WARN, palette))
                painter.drawText(
                    QRect(number.right() + 4, 21, column.right() - number.right() - 4, 22),
                    int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft),
                    f"+{week_day.more:,}",
                )
        painter.end()


class WeekView(QWidget):
    """The header over the scrolling 24-hour grid, opened at the working day (07:00) or at now."""

    def __init__(self, grid: WeekGrid) -> None:
        super().__init__()
        self.grid = grid
        self.header = WeekHeader(grid)
        self.scroller = QScrollArea()
        self.scroller.setWidgetResizable(True)
        self.scroller.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.scroller.setWidget(grid)
        self.scroller.setFrameShape(QScrollArea.Shape.NoFrame)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, self.scroller.verticalScrollBar().sizeHint().width(), 0)
        top.addWidget(self.header)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(top)
        layout.addWidget(self.scroller, 1)
        grid.days_did_change.connect(self.header.update)
        self._opened = False

    def showEvent(self, event: QShowEvent) -> None:
        """The first time on screen: open at 07:00, where a working day starts, or near now."""
        super().showEvent(event)
        if not self._opened:
            self._opened = True
            now = self.grid.now().astimezone(self.grid.zone)
            hour = now.hour - 2 if now.date() in self.grid.days and now.hour >= 9 else 7
            self.scroller.verticalScrollBar().setValue(hour * HOUR - 12)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keep the header's columns over the grid's."""
        super().resizeEvent(event)
        self.header.update()
