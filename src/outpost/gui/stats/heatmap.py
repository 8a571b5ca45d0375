"""The weekday × hour heatmap of engagement rate, painted by hand (no QtCharts needed).

Rows are Monday … Sunday, columns the 24 hours of the creator's zone. A cell's colour runs from
the card's base colour (the lowest rate) to the accent (the highest); an hour with no posts is
an empty outlined cell, not a pale one, so "never posted then" never reads as "did badly".
"""

from __future__ import annotations

from outpost.gui.qt import (
    QColor,
    QFontMetrics,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QRectF,
    QSize,
    Qt,
    QWidget,
)
from outpost.gui.stats import numbers
from outpost.gui.stats.source import Counts, Grid
from outpost.gui.theme import Colours, colours, on_theme_change

DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_GAP = 2.0


def _mix(low: QColor, high: QColor, share: float) -> QColor:
    return QColor(
        round(low.red() + (high.red() - low.red()) * share),
        round(low.green() + (high.green() - low.green()) * share),
        round(low.blue() + (high.blue() - low.blue()) * share),
    )


class Heatmap(QWidget):
    """Engagement rate by weekday and hour; hover a cell for its rate and post count."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("heatmap")
        self.setAccessibleName("Engagement rate by weekday and hour")
        self.setAccessibleDescription("Hover a square for its rate; the Table button lists every hour.")
        self.rates: Grid = [[None] * 24 for _ in DAYS]
        self.counts: Counts = [[0] * 24 for _ in DAYS]
        self.highest = self.lowest = 0.0
        self.setMouseTracking(True)
        self.setMinimumSize(420, 220)
        self.colours: Colours = colours()
        on_theme_change(self, self._restyle)

    def _restyle(self, c: Colours) -> None:
        self.colours = c
        self.update()

    def set_grid(self, rates: Grid, counts: Counts | None = None) -> None:
        """Show `rates` (7 × 24, None where no post went out) and how many posts each rests on."""
        self.rates = [list(row) for row in rates]
        self.counts = [list(row) for row in counts] if counts is not None else [[0] * 24 for _ in DAYS]
        found = [v for row in self.rates for v in row if v is not None]
        self.highest = max(found, default=0.0)  # the accent's full strength
        self.lowest = min(found, default=0.0)  # the faintest wash
        self.update()

    def cell_colour(self, value: float | None) -> QColor | None:
        """The fill of a cell with `value` (None: no fill, an outline only)."""
        if value is None:
            return None
        low, high = self.lowest, self.highest
        share = 1.0 if high <= low else (value - low) / (high - low)
        return _mix(QColor(self.colours.accent_soft), QColor(self.colours.accent), 0.08 + 0.92 * share)

    def sizeHint(self) -> QSize:
        """Wide enough for 24 readable hours."""
        return QSize(640, 260)

    def _layout(self) -> tuple[float, float, float, float]:
        """Left edge of the grid, its top, a cell's width and height."""
        metrics = QFontMetrics(self.font())
        left = max(metrics.horizontalAdvance(day[:3]) for day in DAYS) + 10.0
        top = metrics.height() + 6.0
        legend = metrics.height() + 14.0
        width = (self.width() - left) / 24
        height = (self.height() - top - legend) / 7
        return left, top, width, height

    def cell_at(self, x: float, y: float) -> tuple[int, int] | None:
        """The (day, hour) under a point of the widget, if any."""
        left, top, width, height = self._layout()
        if x < left or y < top or width <= 0 or height <= 0:
            return None
        hour, day = int((x - left) // width), int((y - top) // height)
        return (day, hour) if 0 <= day < 7 and 0 <= hour < 24 else None

    def describe(self, day: int, hour: int) -> str:
        """A cell in words: "Tuesday 09:00–10:00: 2.40% engagement, from 14 posts"."""
        value, posts = self.rates[day][hour], self.counts[day][hour]
        when = f"{DAYS[day]} {hour:02d}:00–{(hour + 1) % 24:02d}:00"
        if value is None:
            return f"{when}: no posts yet"
        return f"{when}: {numbers.rate(value)} engagement, from {posts} post{'s' if posts != 1 else ''}"

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        """The tooltip follows the cell under the pointer."""
        found = self.cell_at(event.position().x(), event.position().y())
        self.setToolTip(self.describe(*found) if found else "")
        super().mouseMoveEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        """Hours across the top, days down the side, a square per hour, the scale below."""
        c = self.colours
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        left, top, width, height = self._layout()
        painter.setPen(QColor(c.muted))
        for hour in range(0, 24, 3):
            painter.drawText(
                QRectF(left + hour * width, 0, width * 3, top - 4),
                int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom),
                f"{hour:02d}",
            )
        for day, name in enumerate(DAYS):
            painter.setPen(QColor(c.muted))
            painter.drawText(
                QRectF(0, top + day * height, left - 8, height),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                name[:3],
            )
            for hour in range(24):
                box = QRectF(
                    left + hour * width + _GAP / 2, top + day * height + _GAP / 2, width - _GAP, height - _GAP
                )
                fill = self.cell_colour(self.rates[day][hour])
                if fill is None:
                    painter.setPen(QPen(QColor(c.border), 1))
                    painter.setBrush(Qt.BrushStyle.NoBrush)
                    painter.drawRoundedRect(box.adjusted(0.5, 0.5, -0.5, -0.5), 3, 3)
                else:
                    painter.setPen(Qt.PenStyle.NoPen)
                    painter.setBrush(fill)
                    painter.drawRoundedRect(box, 3, 3)
        self._paint_legend(painter, left, top + 7 * height + 8)
        painter.end()

    def _paint_legend(self, painter: QPainter, left: float, y: float) -> None:
        c = self.colours
        metrics = QFontMetrics(self.font())
        line = metrics.height()
        painter.setPen(QColor(c.muted))
        low_text = numbers.rate(self.lowest) if self.highest else numbers.DASH
        high_text = numbers.rate(self.highest) if self.highest else numbers.DASH
        x = left
        painter.drawText(QRectF(x, y, 200, line), int(Qt.AlignmentFlag.AlignVCenter), low_text)
        x += metrics.horizontalAdvance(low_text) + 6
        steps = 8
        for step in range(steps):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(_mix(QColor(c.accent_soft), QColor(c.accent), 0.08 + 0.92 * step / (steps - 1)))
            painter.drawRoundedRect(QRectF(x + step * 14, y + 2, 12, line - 4), 2, 2)
        x += steps * 14 + 4
        painter.setPen(QColor(c.muted))
        painter.drawText(QRectF(x, y, 200, line), int(Qt.AlignmentFlag.AlignVCenter), high_text)
        x += metrics.horizontalAdvance(high_text) + 18
        painter.setPen(QPen(QColor(c.border), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(QRectF(x, y + 2, 12, line - 4), 2, 2)
        painter.setPen(QColor(c.muted))
        painter.drawText(
            QRectF(x + 18, y, 300, line), int(Qt.AlignmentFlag.AlignVCenter), "no posts at that hour yet"
        )
