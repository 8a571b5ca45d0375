"""Six weeks of days, each a short list of its posts; drag a post to another day to move it.

A moved post keeps its time of day (in its own zone). Each line draws the networks' logos, the
time and the text cut at a word; a busy day ends with "… and N more".
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from outpost.domain.calendar import CalendarEntry
from outpost.domain.enums import PostStatus
from outpost.gui.calendar.cards import LOGO, card_colour, draw_logos, entry_line, entry_tooltip, logos_width
from outpost.gui.decor import Tone, elide_words, tone_colour
from outpost.gui.qt import (
    QAbstractItemView,
    QDropEvent,
    QFont,
    QFontMetrics,
    QFrame,
    QGridLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QModelIndex,
    QPainter,
    QPalette,
    QPersistentModelIndex,
    QRect,
    QSize,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

ENTRY_ROLE = Qt.ItemDataRole.UserRole + 1  # the line's (CalendarEntry, local moment)
LOGOS = 2  # logos on a month line, at most (the text needs the room); more say "+N"
ModelIndex = QModelIndex | QPersistentModelIndex


class EntryDelegate(QStyledItemDelegate):
    """A month line: accent bar, logos, time in bold, text cut at a word."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        """The line over the style's background (selection)."""
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        text = opt.text
        opt.text = ""
        if opt.widget is not None:
            opt.widget.style().drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        palette = opt.palette
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        ink = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        rect = opt.rect.adjusted(4, 0, -2, 0)
        shown = index.data(ENTRY_ROLE)
        painter.save()
        if not isinstance(shown, tuple):  # "… and N more"
            painter.setPen(ink if selected else tone_colour(Tone.MUTED, palette))
            painter.drawText(
                rect, int(Qt.AlignmentFlag.AlignVCenter), elide_words(text, opt.fontMetrics, rect.width())
            )
            painter.restore()
            return
        entry, moment = shown
        accent = card_colour(entry, palette)
        painter.fillRect(QRect(rect.left(), rect.top() + 3, 3, rect.height() - 6), accent)
        stack = self._logos_room(opt.fontMetrics, len(entry.networks))
        top = rect.center().y() - LOGO // 2
        draw_logos(painter, rect.right() - stack + 1, top, entry.networks, palette, room=stack)
        bold = QFont(opt.font)
        bold.setBold(True)
        painter.setFont(bold)
        published = entry.status is not PostStatus.SCHEDULED
        when = f"{'✓ ' if published else ''}{moment:%H:%M}"
        painter.setPen(ink if selected or not published else tone_colour(Tone.GOOD, palette))
        width = painter.fontMetrics().horizontalAdvance(when)
        box = QRect(rect.left() + 7, rect.top(), width + 1, rect.height())
        painter.drawText(box, int(Qt.AlignmentFlag.AlignVCenter), when)
        painter.setFont(opt.font)
        painter.setPen(ink)
        left = box.right() + 6
        room = rect.right() - stack - 4 - left
        words = " ".join(entry.text.split()) or "(no text)"
        painter.drawText(
            QRect(left, rect.top(), room, rect.height()),
            int(Qt.AlignmentFlag.AlignVCenter),
            elide_words(words, opt.fontMetrics, room),
        )
        painter.restore()

    @staticmethod
    def _logos_room(metrics: QFontMetrics, count: int) -> int:
        """Room for the logos at the line's end: two at most, then "+N"."""
        if count <= LOGOS:
            return logos_width(count)
        return logos_width(LOGOS - 1) + 3 + metrics.horizontalAdvance(f"+{count - LOGOS + 1}") + 2

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        """One line with room for the logos."""
        return QSize(120, max(LOGO, option.fontMetrics.height()) + 8)


class DayList(QListWidget):
    """One day's posts in the month. Scheduled posts can be dragged to another day.

    Signals:
        post_dropped(str, object): a post id, and the `date` it was dropped on.
    """

    post_dropped = Signal(str, object)

    def __init__(self, day: date) -> None:
        super().__init__()
        self.day = day
        self.more = 0
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setItemDelegate(EntryDelegate(self))
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    def add(self, entry: CalendarEntry, moment: datetime) -> QListWidgetItem:
        """A line for the post; only scheduled posts can be dragged."""
        item = QListWidgetItem(entry_line(entry, moment))
        item.setData(Qt.ItemDataRole.UserRole, entry.post_id)
        item.setData(ENTRY_ROLE, (entry, moment))
        item.setToolTip(entry_tooltip(entry, moment))
        if entry.status is not PostStatus.SCHEDULED:
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsDragEnabled)
        self.addItem(item)
        return item

    def clear(self) -> None:
        """Every line off the day."""
        super().clear()
        self.more = 0

    def set_more(self, count: int) -> None:
        """End the day with how many more posts it has than it lists."""
        self.more = count
        more = QListWidgetItem(f"… and {count:,} more (the Queue lists every post)")
        more.setFlags(Qt.ItemFlag.NoItemFlags)
        self.addItem(more)

    def post_ids(self) -> list[str]:
        """The posts the day lists."""
        return [
            str(self.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.count())
            if self.item(i).data(Qt.ItemDataRole.UserRole)
        ]

    def lines(self) -> list[str]:
        """What the day shows, in words."""
        return [self.item(i).text() for i in range(self.count())]

    def dropEvent(self, event: QDropEvent) -> None:
        """A post from another day lands here: ask the engine to move it (its event moves the line)."""
        source = event.source()
        if isinstance(source, DayList) and source is not self and source.currentItem() is not None:
            self.post_dropped.emit(str(source.currentItem().data(Qt.ItemDataRole.UserRole)), self.day)
        event.ignore()  # the engine decides; the two days are re-read when it says it moved


class MonthView(QWidget):
    """Weekday names over six weeks of day cells; days of other months muted, today marked."""

    def __init__(self, first_day: date, month: int, today: date) -> None:
        super().__init__()
        self.days: dict[date, DayList] = {}
        grid = QGridLayout(self)
        grid.setSpacing(1)
        grid.setContentsMargins(0, 0, 0, 0)
        for index in range(7):
            name = QLabel(f"{first_day + timedelta(days=index):%a}".upper())
            name.setAlignment(Qt.AlignmentFlag.AlignCenter)
            name.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            grid.addWidget(name, 0, index)
        for index in range(42):
            day = first_day + timedelta(days=index)
            cell = QFrame()
            cell.setFrameShape(QFrame.Shape.StyledPanel)
            cell.setBackgroundRole(QPalette.ColorRole.Base)  # one surface with its list
            cell.setAutoFillBackground(True)
            column = QVBoxLayout(cell)
            column.setContentsMargins(3, 2, 3, 2)
            column.setSpacing(1)
            heading = QLabel(f"{day.day}" if day.day != 1 else f"{day:%d %b}")
            font = heading.font()
            font.setBold(day.month == month)
            heading.setFont(font)
            if day == today:
                heading.setForegroundRole(QPalette.ColorRole.Highlight)
                heading.setText(f"{heading.text()} · Today")
            elif day.month != month:
                heading.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            column.addWidget(heading)
            listing = DayList(day)
            column.addWidget(listing, 1)
            grid.addWidget(cell, 1 + index // 7, index % 7)
            self.days[day] = listing
        for row in range(1, 7):
            grid.setRowStretch(row, 1)
        for col in range(7):
            grid.setColumnStretch(col, 1)
