"""A post on the calendar: a card in the week's time grid, a line in a month's day.

Both say the same in words (`entry_line`: "09:30 Spring workshop…", "✓ 09:30 …" once published)
and draw the same things: the networks' logos, the time, the text cut at a word, and in the week
the first picture's thumbnail. Scheduled cards can be dragged; `MIME` carries the post's id.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from outpost.domain.calendar import CalendarEntry
from outpost.domain.enums import Network, PostStatus
from outpost.gui.decor import Tone, network_colour, rounded, tone_colour, wrap_words
from outpost.gui.icons import network_pixmap
from outpost.gui.qt import (
    QApplication,
    QBrush,
    QColor,
    QDrag,
    QFont,
    QMimeData,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QPoint,
    QRect,
    QRectF,
    Qt,
    QWidget,
)

MIME = "application/x-outpost-post"  # a dragged post: "<post id>\n<grab y within the card>"
LOGO = 14  # a network logo on a card
PAD = 6  # inside a card


def entry_line(entry: CalendarEntry, moment: datetime) -> str:
    """The entry in words: its time and text ("✓" first once it is out)."""
    text = _shown_text(entry) or "(no text)"
    mark = "" if entry.status is PostStatus.SCHEDULED else "✓ "
    return f"{mark}{moment:%H:%M} {text}"


def entry_tooltip(entry: CalendarEntry, moment: datetime) -> str:
    """Where it goes, when, and the whole text (as much as the calendar read)."""
    where = ", ".join(n.label for n in entry.networks) or "no accounts"
    state = "Scheduled" if entry.status is PostStatus.SCHEDULED else "Published"
    title = f"{entry.title}\n" if entry.title else ""
    return f"{state} {moment:%a %d %b, %H:%M} · {where}\n\n{title}{entry.text}"


def _shown_text(entry: CalendarEntry) -> str:
    """What a card says: the post's title (issue #24), else its text, on one line."""
    return " ".join((entry.title or entry.text).split())


def logos_width(count: int, *, step: int = LOGO + 3) -> int:
    """How wide `count` logos are drawn `step` apart."""
    return 0 if count == 0 else LOGO + (count - 1) * step


def draw_logos(
    painter: QPainter,
    x: int,
    y: int,
    networks: Sequence[Network],
    palette: QPalette,
    *,
    step: int = LOGO + 3,
    room: int | None = None,
) -> int:
    """The networks' logos in a row from (x, y), `step` apart; returns the x after the last.

    With `room`, only as many as fit are drawn, the last place saying how many more ("+2").
    """
    text = palette.color(QPalette.ColorRole.Text)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    shown = list(networks)
    if room is not None and logos_width(len(shown), step=step) > room:
        fits = max(0, (room - LOGO) // step + 1)
        shown = shown[: max(0, fits - 1)]
    for network in shown:
        painter.drawPixmap(QRect(x, y, LOGO, LOGO), network_pixmap(network, text_colour=text.name()))
        x += step
    if len(shown) < len(networks):
        more = f"+{len(networks) - len(shown)}"
        painter.save()
        painter.setPen(tone_colour(Tone.MUTED, palette))
        width = painter.fontMetrics().horizontalAdvance(more)
        painter.drawText(QRect(x, y - 2, width + 2, LOGO + 4), int(Qt.AlignmentFlag.AlignVCenter), more)
        painter.restore()
        x += width + 3
    return x + (LOGO - step if shown and step < LOGO else 0)


def card_colour(entry: CalendarEntry, palette: QPalette) -> QColor:
    """The card's accent: its campaign's colour, else its first network's, else the highlight.

    A campaign's colour wins (issue #24), so a campaign's posts stand out together in a week.
    """
    if entry.colour:
        return QColor(entry.colour)
    if entry.networks:
        return network_colour(entry.networks[0], palette)
    return palette.color(QPalette.ColorRole.Highlight)


class EntryCard(QWidget):
    """One post in the week's grid: accent stripe, time and logos, text cut at a word, thumbnail.

    The grid sizes and places it; a scheduled card can be dragged to another time.
    """

    def __init__(self, entry: CalendarEntry, moment: datetime, parent: QWidget) -> None:
        super().__init__(parent)
        self.entry = entry
        self.moment = moment
        self.thumbnail: QPixmap | None = None
        self.line = entry_line(entry, moment)
        self.setToolTip(entry_tooltip(entry, moment))
        self.setAccessibleName(self.line)
        self._pressed: QPoint | None = None
        if self.draggable:
            self.setCursor(Qt.CursorShape.OpenHandCursor)

    @property
    def draggable(self) -> bool:
        """Only scheduled posts can move; a published post stays where it went out."""
        return self.entry.status is PostStatus.SCHEDULED

    def set_thumbnail(self, pixmap: QPixmap | None) -> None:
        """Show the first picture (once read)."""
        self.thumbnail = pixmap
        self.update()

    def text_lines(self) -> list[str]:
        """The text as drawn: wrapped at words into the room there is, the last line cut at a word."""
        metrics = self.fontMetrics()
        room = self.height() - PAD - LOGO - 4 - PAD // 2
        lines = max(0, room // metrics.lineSpacing())
        return wrap_words(_shown_text(self.entry), metrics, self._text_width(), lines) if lines else []

    def _thumb_size(self) -> int:
        if self.thumbnail is None or self.width() < 120 or self.height() < 36:
            return 0
        return min(36, self.height() - 2 * PAD)

    def _text_width(self) -> int:
        thumb = self._thumb_size()
        return self.width() - 2 * PAD - 4 - (thumb + PAD if thumb else 0)

    def paintEvent(self, event: QPaintEvent) -> None:
        """Accent stripe, tinted body, time and logos, text, thumbnail."""
        palette = self.palette()
        accent = card_colour(self.entry, palette)
        published = not self.draggable
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        body = QRectF(0.5, 0.5, self.width() - 1, self.height() - 1)
        fill = QColor(accent)
        fill.setAlpha(22 if published else 44)
        painter.setBrush(QBrush(palette.color(QPalette.ColorRole.Base)))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawRoundedRect(body, 5, 5)
        painter.setBrush(QBrush(fill))
        edge = QColor(accent)
        edge.setAlpha(110)
        painter.setPen(QPen(edge, 1))
        painter.drawRoundedRect(body, 5, 5)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(accent))
        painter.drawRoundedRect(QRectF(0, 0, 4, self.height()), 2, 2)
        thumb = self._thumb_size()
        if thumb and self.thumbnail is not None:
            painter.drawPixmap(self.width() - PAD - thumb, PAD, rounded(self.thumbnail, thumb, 4))
        self._paint_text(painter, palette, published)
        painter.end()

    def _paint_text(self, painter: QPainter, palette: QPalette, published: bool) -> None:
        text_colour = palette.color(QPalette.ColorRole.Text)
        muted = tone_colour(Tone.MUTED, palette)
        x, y = PAD + 4, PAD
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        when = f"{'✓ ' if published else ''}{self.moment:%H:%M}"
        painter.setPen(tone_colour(Tone.GOOD, palette) if published else text_colour)
        width = painter.fontMetrics().horizontalAdvance(when)
        painter.drawText(QRect(x, y - 1, width + 1, LOGO + 2), int(Qt.AlignmentFlag.AlignVCenter), when)
        logos_room = (
            self.width() - (x + width + 6) - PAD - (self._thumb_size() + PAD if self._thumb_size() else 0)
        )
        draw_logos(painter, x + width + 6, y, self.entry.networks, palette, room=logos_room)
        painter.setFont(self.font())
        painter.setPen(muted if published else text_colour)
        line = self.fontMetrics().lineSpacing()
        top = y + LOGO + 4
        for index, text in enumerate(self.text_lines()):
            painter.drawText(
                QRect(x, top + index * line, self._text_width(), line),
                int(Qt.AlignmentFlag.AlignVCenter),
                text,
            )

    # -- dragging ------------------------------------------------------------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Remember where a drag may start."""
        if event.button() == Qt.MouseButton.LeftButton:
            self._pressed = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        """Far enough from the press: drag the post (the grid it lands on reschedules it)."""
        start = self._pressed
        if (
            start is None
            or not self.draggable
            or (event.position().toPoint() - start).manhattanLength() < QApplication.startDragDistance()
        ):
            super().mouseMoveEvent(event)
            return
        self._pressed = None
        data = QMimeData()
        data.setData(MIME, f"{self.entry.post_id}\n{start.y()}".encode())
        drag = QDrag(self)
        drag.setMimeData(data)
        drag.setPixmap(self.grab())
        drag.setHotSpot(start)
        self.setCursor(Qt.CursorShape.ClosedHandCursor)
        drag.exec(Qt.DropAction.MoveAction)
        self.setCursor(Qt.CursorShape.OpenHandCursor)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """No drag after all."""
        self._pressed = None
        super().mouseReleaseEvent(event)


def dragged_post(data: QMimeData) -> tuple[str, int] | None:
    """The post id and grab offset a drag carries, if it is a post of this calendar."""
    if not data.hasFormat(MIME):
        return None
    post_id, _, offset = bytes(data.data(MIME).data()).decode().partition("\n")
    return post_id, int(offset) if offset.isdigit() else 0
