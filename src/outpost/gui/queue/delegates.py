"""How the queue's cells are drawn: status pills, reason lines, thumbnails and network logos.

A status is a coloured pill; a post is its first line with its reason or error on a second line
and its first picture on the right; each account is its network's logo and its name. The
delegates only draw what the model's roles hold (`model.py`); every colour comes from the view's
palette when painting, so a live theme switch recolours the rows.
"""

from __future__ import annotations

from outpost.domain.enums import PostStatus
from outpost.gui.decor import (
    Tone,
    draw_pill,
    elide_words,
    pill_width,
    rounded,
    status_label,
    tone_colour,
)
from outpost.gui.icons import network_pixmap
from outpost.gui.qt import (
    QColor,
    QFontMetrics,
    QIcon,
    QModelIndex,
    QPainter,
    QPalette,
    QPersistentModelIndex,
    QPixmap,
    QRect,
    QSize,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
)
from outpost.gui.queue.model import CHIPS_ROLE, MARKS_ROLE, NOTE_ROLE, TARGET_TONE, TONE_ROLE, AccountMark

ModelIndex = QModelIndex | QPersistentModelIndex
MARGIN = 8  # pixels between a cell's edge and what it draws
ICON = 16  # a network logo's size in a row
THUMB = 40  # the first picture's thumbnail (square)
GAP = 14  # between two accounts
MIN_NAME = 56  # narrower than this, names are left out and only the logos drawn
MAX_WIDTH = 360  # the accounts column grows to fit names up to this


def _text_colour(option: QStyleOptionViewItem) -> QPalette.ColorRole:
    selected = bool(option.state & QStyle.StateFlag.State_Selected)
    return QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text


class _Cell(QStyledItemDelegate):
    """A cell that draws its own content over the style's background (selection, hover)."""

    def _background(
        self, option: QStyleOptionViewItem, index: ModelIndex, painter: QPainter
    ) -> QStyleOptionViewItem:
        """Draw the background as the style does; return the option with the cell's palette."""
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        opt.icon = QIcon()
        opt.features &= ~QStyleOptionViewItem.ViewItemFeature.HasDecoration
        if opt.widget is not None:
            opt.widget.style().drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        return opt


class StatusDelegate(_Cell):
    """The status as a coloured pill, never cut short (the column is as wide as the widest)."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        """Background, then the pill."""
        opt = self._background(option, index, painter)
        tone = index.data(TONE_ROLE)
        colour = tone_colour(tone if isinstance(tone, Tone) else Tone.MUTED, opt.palette)
        draw_pill(painter, opt.rect.adjusted(MARGIN, 0, 0, 0), str(index.data() or ""), colour)

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        """Room for the widest status there is, so no status is ever elided."""
        widest = max(pill_width(option.fontMetrics, status_label(s)) for s in PostStatus)
        return QSize(widest + 2 * MARGIN, option.fontMetrics.height() + 8)


class PostDelegate(_Cell):
    """The post's first line, its reason or error on a second line, and its first picture."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        """Text on the left (cut at a word), the thumbnail on the right."""
        opt = self._background(option, index, painter)
        rect = opt.rect.adjusted(MARGIN, 4, -MARGIN, -4)
        thumb = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(thumb, QPixmap) and not thumb.isNull():
            size = min(THUMB, rect.height())
            target = QRect(rect.right() - size + 1, rect.center().y() - size // 2, size, size)
            painter.drawPixmap(target, rounded(thumb, size))
            rect.setRight(target.left() - MARGIN)
        metrics = opt.fontMetrics
        first = str(index.data() or "").split("\n", 1)[0]
        note = index.data(NOTE_ROLE)
        line = metrics.lineSpacing()
        top = rect.center().y() - (line if note else line // 2)
        first_width = _draw_chips(painter, opt, index, QRect(rect.left(), top, rect.width(), line))
        painter.save()
        painter.setPen(opt.palette.color(_text_colour(opt)))
        painter.drawText(
            QRect(rect.left(), top, first_width, line),
            int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
            elide_words(first, metrics, first_width),
        )
        if note:
            text, tone = note
            selected = opt.state & QStyle.StateFlag.State_Selected
            painter.setPen(
                opt.palette.color(_text_colour(opt)) if selected else tone_colour(tone, opt.palette)
            )
            painter.drawText(
                QRect(rect.left(), top + line, rect.width(), line),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter),
                elide_words(text if tone in (Tone.GOOD, Tone.INFO) else f"⚠ {text}", metrics, rect.width()),
            )
        painter.restore()


def _draw_chips(painter: QPainter, opt: QStyleOptionViewItem, index: ModelIndex, line: QRect) -> int:
    """The campaign and tag chips at the right of the first line (issue #24); the room left of them.

    The chips take at most half the line, the campaign first; those that do not fit are left out
    (the filter bar and the tooltip still name them). The campaign's chip is in its colour.
    """
    chips = index.data(CHIPS_ROLE)
    if not isinstance(chips, list) or not chips:
        return line.width()
    metrics = painter.fontMetrics()
    budget, used, shown = line.width() // 2, 0, []
    for text, colour in chips:
        width = pill_width(metrics, text) + 4
        if used + width > budget:
            break
        shown.append((text, colour, width))
        used += width
    x = line.right() - used + 1
    for text, colour, width in shown:
        tint = QColor(colour) if colour else opt.palette.color(QPalette.ColorRole.PlaceholderText)
        draw_pill(painter, QRect(x, line.top(), width, line.height()), text, tint)
        x += width
    return line.width() - used - (MARGIN if used else 0)


class AccountsDelegate(_Cell):
    """Each account as its network's logo, its name and how it went there (✓, ✗, ?).

    When the names do not fit, they share the room and are cut at a word; when even that leaves
    too little of each, only the logos are drawn (the tooltip names every account).
    """

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        """Logo, name, mark for each account."""
        opt = self._background(option, index, painter)
        marks = index.data(MARKS_ROLE)
        if not isinstance(marks, list) or not marks:
            return
        metrics = opt.fontMetrics
        rect = opt.rect.adjusted(MARGIN, 0, -MARGIN, 0)
        fixed = sum(_fixed_width(metrics, m) for m in marks) + GAP * (len(marks) - 1)
        room = max(0, rect.width() - fixed) // len(marks)
        named = room >= MIN_NAME or all(metrics.horizontalAdvance(m.name) <= room for m in marks)
        text = opt.palette.color(_text_colour(opt))
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        x = rect.left()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        for mark in marks:
            logo = network_pixmap(mark.network, text_colour=text.name())
            painter.drawPixmap(QRect(x, rect.center().y() - ICON // 2, ICON, ICON), logo)
            x += ICON + 4
            if named:
                name = elide_words(mark.name, metrics, min(room, metrics.horizontalAdvance(mark.name)))
                x += _draw(painter, x, rect, name, text) + 4
            if mark.mark:
                x += _draw(
                    painter,
                    x,
                    rect,
                    mark.mark,
                    text if selected else tone_colour(TARGET_TONE[mark.status], opt.palette),
                )
            x += GAP
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: ModelIndex) -> QSize:
        """Every logo and whole name, up to a limit (longer lists share the room)."""
        marks = index.data(MARKS_ROLE)
        metrics = option.fontMetrics
        if not isinstance(marks, list) or not marks:
            return QSize(metrics.horizontalAdvance("Accounts") + 2 * MARGIN, metrics.height())
        natural = sum(_fixed_width(metrics, m) + metrics.horizontalAdvance(m.name) for m in marks)
        return QSize(min(MAX_WIDTH, natural + GAP * (len(marks) - 1) + 2 * MARGIN), metrics.height() + 8)


def _draw(painter: QPainter, x: int, rect: QRect, text: str, colour: QColor) -> int:
    """`text` at `x`, centred in `rect`'s height, in `colour`; returns its width."""
    width = painter.fontMetrics().horizontalAdvance(text)
    painter.setPen(colour)
    painter.drawText(QRect(x, rect.top(), width + 1, rect.height()), int(Qt.AlignmentFlag.AlignVCenter), text)
    return width


def _fixed_width(metrics: QFontMetrics, mark: AccountMark) -> int:
    """What an account takes besides its name: logo, gaps and mark."""
    return ICON + 8 + (metrics.horizontalAdvance(mark.mark) if mark.mark else 0)
