"""Bar and line charts drawn with QtCharts, in the current theme's colours.

Importing this module imports QtCharts (through `outpost.gui.qt.charts`), so only the Stats
tab's content imports it, when the tab is first shown. QtCharts' own themes are light-only in
practice (a dark window gets a white plot), so every colour is set here from `theme.colours()`
and set again when the theme changes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from outpost.gui.qt import QBrush, QColor, QMargins, QPainter, QPen, Qt, QVBoxLayout, QWidget, charts
from outpost.gui.theme import Colours, on_theme_change

QtCharts: Any = charts()

_EXTRA = {False: ("#8250df", "#bf3989"), True: ("#bc8cff", "#f778ba")}  # Primer's purple and pink


def series_colours(c: Colours) -> list[str]:
    """The colours series take in order: the accent, then purple, green, amber, pink."""
    purple, pink = _EXTRA[c.dark]
    return [c.info, purple, c.good, c.warn, pink]


class Chart(QWidget):
    """A QChartView whose chart follows the theme; subclasses put series on `self.chart`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart: Any = QtCharts.QChart()
        self.chart.setAnimationOptions(QtCharts.QChart.AnimationOption.NoAnimation)
        self.chart.setBackgroundRoundness(0)
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.view: Any = QtCharts.QChartView(self.chart)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.view.setMinimumHeight(220)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.view)
        self.colours: Colours | None = None
        on_theme_change(self, self.restyle)

    def restyle(self, c: Colours) -> None:
        """Paint the chart, its axes, legend and series in the theme's colours."""
        self.colours = c
        chart = self.chart
        chart.setBackgroundBrush(QBrush(QColor(c.base)))
        chart.setPlotAreaBackgroundVisible(False)
        chart.setTitleBrush(QBrush(QColor(c.text)))
        chart.legend().setLabelColor(QColor(c.text))
        self.view.setBackgroundBrush(QBrush(QColor(c.base)))
        grid = QColor(c.border)
        grid.setAlpha(110)
        for axis in chart.axes():
            axis.setLabelsColor(QColor(c.muted))
            axis.setTitleBrush(QBrush(QColor(c.muted)))
            axis.setLinePenColor(QColor(c.border))
            axis.setGridLineColor(grid)
            axis.setMinorGridLineColor(grid)
        self._colour_series(c)

    def _colour_series(self, c: Colours) -> None:
        """Subclasses colour their series."""

    def _reset(self) -> None:
        self.chart.removeAllSeries()
        for axis in self.chart.axes():
            self.chart.removeAxis(axis)
            axis.deleteLater()


class BarChart(Chart):
    """Values per category (one bar set, or several side by side)."""

    def set_bars(self, categories: list[str], sets: list[tuple[str, list[float]]], *, unit: str = "") -> None:
        """Draw `sets` (name, one value per category) over `categories`; `unit` titles the value axis."""
        self._reset()
        series = QtCharts.QBarSeries()
        series.setLabelsVisible(True)
        series.setLabelsPosition(QtCharts.QAbstractBarSeries.LabelsPosition.LabelsOutsideEnd)
        series.setLabelsPrecision(4)
        for name, values in sets:
            bar_set = QtCharts.QBarSet(name)
            bar_set.append([float(v) for v in values])
            series.append(bar_set)
        self.chart.addSeries(series)
        x = QtCharts.QBarCategoryAxis()
        x.append(categories)
        x.setGridLineVisible(False)
        y = QtCharts.QValueAxis()
        top = max((v for _, values in sets for v in values), default=0.0)
        y.setRange(0, _nice_top(top))
        y.setLabelFormat("%.4g")
        y.setTitleText(unit)
        self.chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(y, Qt.AlignmentFlag.AlignLeft)
        series.attachAxis(x)
        series.attachAxis(y)
        self.chart.legend().setVisible(len(sets) > 1)
        if self.colours is not None:
            self.restyle(self.colours)

    def _colour_series(self, c: Colours) -> None:
        palette = series_colours(c)
        for series in self.chart.series():
            for number, bar_set in enumerate(series.barSets()):
                colour = QColor(palette[number % len(palette)])
                bar_set.setColor(colour)
                bar_set.setBorderColor(colour)
                bar_set.setLabelColor(QColor(c.text))


class LineChart(Chart):
    """Values over time: up to two series, each on its own axis (left, then right)."""

    def set_lines(self, lines: list[tuple[str, list[tuple[datetime, float]]]]) -> None:
        """Draw each (name, points) line; points with no value are left out by the caller."""
        self._reset()
        x = QtCharts.QDateTimeAxis()
        x.setFormat("d MMM")
        x.setTickCount(6)
        self.chart.addAxis(x, Qt.AlignmentFlag.AlignBottom)
        moments = [moment for _, points in lines for moment, _ in points]
        if moments:
            first, last = min(moments), max(moments)
            if first == last:
                first = first.replace(hour=0, minute=0)
            x.setRange(first, last)
            x.setFormat("d MMM HH:mm" if (last - first).days < 3 else "d MMM")
        for number, (name, points) in enumerate(lines):
            series = QtCharts.QLineSeries()
            series.setName(name)
            series.setPointsVisible(len(points) <= 40)
            for moment, value in points:
                series.append(moment.timestamp() * 1000, value)
            self.chart.addSeries(series)
            y = QtCharts.QValueAxis()
            y.setLabelFormat("%.0f")
            y.setTitleText(name)
            y.setRange(0, _nice_top(max((v for _, v in points), default=0.0)))
            y.setGridLineVisible(number == 0)
            self.chart.addAxis(y, Qt.AlignmentFlag.AlignLeft if number == 0 else Qt.AlignmentFlag.AlignRight)
            series.attachAxis(x)
            series.attachAxis(y)
        self.chart.legend().setVisible(len(lines) > 1)
        if self.colours is not None:
            self.restyle(self.colours)

    def _colour_series(self, c: Colours) -> None:
        palette = series_colours(c)
        for number, series in enumerate(self.chart.series()):
            pen = QPen(QColor(palette[number % len(palette)]))
            pen.setWidthF(2.5)
            series.setPen(pen)
            series.setColor(QColor(palette[number % len(palette)]))


def _nice_top(value: float) -> float:
    """A round upper bound a little above `value` (1, 2, 2.5 or 5 × a power of ten).

    The tallest bar's label then fits under the top, and the axis ticks read as round numbers.
    """
    if value <= 0:
        return 1.0
    target = value * 1.15
    power = 10 ** len(str(int(target))) / 10 if target >= 1 else 1.0
    while power > target:
        power /= 10
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= target:
            return step * power
    return 10 * power
