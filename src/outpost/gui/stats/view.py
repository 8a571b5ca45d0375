"""The Stats tab's content: a period's numbers, per-network comparison, heatmap and best times.

Also the empty state before anything was collected, and the switch to one post (`post.py`).
Built by `tab.StatsTab` when the tab is first shown (it imports QtCharts through `charts.py`).
Every engine call runs off the GUI thread through `run_op`; an answer that arrives after the
person changed the period or filter again is dropped (each load has a number, the last wins).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast
from zoneinfo import ZoneInfo

from outpost.domain.enums import Network
from outpost.domain.errors import KnownError
from outpost.domain.models import Account
from outpost.domain.stats import BestTimes, PostStats, StatsSummary
from outpost.gui.messages import MessageBridge
from outpost.gui.names import account_label
from outpost.gui.qt import (
    QAbstractItemView,
    QComboBox,
    QDate,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPalette,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from outpost.gui.stats import numbers
from outpost.gui.stats.best_times import BestTimesPanel
from outpost.gui.stats.cards import Labels, cards_row
from outpost.gui.stats.charts import BarChart
from outpost.gui.stats.heatmap import DAYS, Heatmap
from outpost.gui.stats.numbers import Format, Value
from outpost.gui.stats.panel import ChartPanel, muted, retint
from outpost.gui.stats.post import PostPage
from outpost.gui.stats.source import Counts, Grid, StatsSource
from outpost.gui.stats.table import Column, Table, TableModel
from outpost.gui.tasks import run_op
from outpost.gui.theme import Colours, on_theme_change

PERIODS = (("Last 7 days", 7), ("Last 30 days", 30), ("Last 90 days", 90), ("Custom…", 0))
BACKFILL_DAYS = 90  # what "Collect now" imports when nothing was collected yet
# The per-network chart's metrics: (label, field of PlatformStats, format, axis title)
METRICS: tuple[tuple[str, str, Format, str], ...] = (
    ("Engagement rate", "engagement_rate", numbers.rate, "engagement rate (%)"),
    ("Engagements", "engagements", numbers.count, "engagements"),
    ("Impressions", "impressions", numbers.count, "impressions"),
    ("Posts", "posts", numbers.count, "posts"),
    ("Followers gained", "followers_gained", numbers.signed, "followers gained"),
)
NETWORK_COLUMNS = (
    Column("Network"),
    Column("Account"),
    Column("Posts", numbers.count),
    Column("Impressions", numbers.count),
    Column("Engagements", numbers.count),
    Column("Engagement rate", numbers.rate),
    Column("Followers gained", numbers.signed),
)
EMPTY_TITLE = "No statistics yet"
EMPTY_TEXT = (
    "Outpost reads how each of your posts does — impressions, likes, replies, reposts — 1 hour, "
    "6 hours, 1 day, 7 days and 30 days after it goes out, and keeps the numbers on this computer. "
    "Charts, your best posting times and a heatmap of your best hours appear here once the first "
    f"numbers are in. “Collect now” reads them at once and imports your posts of the last "
    f"{BACKFILL_DAYS} days, including those you made outside Outpost."
)


@dataclass(frozen=True)
class Overview:
    """Everything the overview shows for one period and filter, fetched together."""

    summary: StatsSummary
    best: BestTimes
    rates: Grid
    counts: Counts

    @property
    def empty(self) -> bool:
        """Nothing was ever collected: no posts in the period and no history at all."""
        return (
            self.summary.summary.total_posts == 0
            and self.best.based_on_posts == 0
            and all(v is None for row in self.rates for v in row)
        )


def _scrolling(page: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(page)
    # The view's window colour shows through, so the cards (base colour) stand out on it.
    area.setStyleSheet("QScrollArea, QScrollArea > QWidget > QWidget { background: transparent; }")
    return area


class StatsView(QWidget):
    """The period's overview, one post's numbers, and the empty state before anything was collected.

    Args:
        source: the engine's statistics (`engine.stats`) or a test's.
        accounts: loads the accounts, for the filter and for naming accounts.
        zone: the creator's time zone name (the settings' default, else the machine's), asked
            each time: the heatmap and best times are in it.
        today: today's date in that zone (the engine's clock).
        messages: the window's message channel (exports, collection).
    """

    def __init__(
        self,
        source: StatsSource,
        *,
        accounts: Callable[[], Coroutine[Any, Any, list[Account]]],
        zone: Callable[[], str],
        today: Callable[[], date],
        messages: MessageBridge,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("stats_view")
        self.setAutoFillBackground(True)  # the window colour, under the cards, in both themes
        self.setBackgroundRole(QPalette.ColorRole.Window)
        self.source = source
        self._accounts_loader = accounts
        self._zone = zone
        self._today = today
        self.messages = messages
        self.labels = Labels()
        self.overview: Overview | None = None
        self._load_number = 0
        self._post_number = 0
        self.top_post_ids: list[str] = []
        self._header()
        self.stack = QStackedWidget()
        self.loading = QLabel("Reading your numbers…")
        self.loading.setAlignment(Qt.AlignmentFlag.AlignCenter)
        muted(self.loading)
        self.stack.addWidget(self.loading)
        self.stack.addWidget(self._empty_page())
        self.overview_page = self._overview_page()
        self.stack.addWidget(_scrolling(self.overview_page))
        self.post: PostPage | None = None  # made when a post is first shown (first paint)
        column = QVBoxLayout(self)
        column.setContentsMargins(16, 12, 16, 8)
        column.setSpacing(12)
        column.addWidget(self.bar)
        column.addWidget(self.stack, 1)
        for panel in self.panels:
            self._announce(panel)
        on_theme_change(self, self._restyle)

    def _restyle(self, c: Colours) -> None:
        """A new theme: muted labels take its secondary colour; cards repaint in its colours."""
        retint(self, c)
        self.update()

    # -- building -----------------------------------------------------------------------------------

    def _header(self) -> None:
        self.period = QComboBox()
        self.period.setObjectName("period")
        for label, days in PERIODS:
            self.period.addItem(label, days)
        self.period.setCurrentIndex(1)  # 30 days: enough to compare, recent enough to act on
        self.start = QDateEdit()
        self.start.setObjectName("start")
        self.end = QDateEdit()
        self.end.setObjectName("end")
        for edit in (self.start, self.end):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("d MMM yyyy")
            edit.setVisible(False)
            edit.dateChanged.connect(lambda _: self._custom_changed())
        self.dash = QLabel("to")
        self.dash.setVisible(False)
        self.filter = QComboBox()
        self.filter.setObjectName("filter")
        self.filter.addItem("All accounts", (None, None))
        self.filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.collect_button = QPushButton("Collect now")
        self.collect_button.setObjectName("collect")
        self.collect_button.setToolTip("Read the latest numbers of your posts from the networks now")
        self.collect_button.clicked.connect(self.collect)
        self.period_label = QLabel()
        self.period_label.setObjectName("period_label")
        muted(self.period_label)
        self.bar = QWidget()
        row = QHBoxLayout(self.bar)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(8)
        for widget in (self.period, self.start, self.dash, self.end, self.filter, self.period_label):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.collect_button)
        self.period.currentIndexChanged.connect(lambda _: self._period_changed())
        self.filter.currentIndexChanged.connect(lambda _: self.reload())

    def _empty_page(self) -> QWidget:
        page = QWidget()
        page.setObjectName("stats_empty")
        title = QLabel(EMPTY_TITLE)
        title.setObjectName("empty_title")
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        title.setFont(font)
        self.empty_text = QLabel(EMPTY_TEXT)
        self.empty_text.setObjectName("empty")
        self.empty_text.setWordWrap(True)
        self.empty_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_text.setFixedWidth(560)  # a fixed width lets the wrapped text take its height
        self.empty_text.setMinimumHeight(self.empty_text.heightForWidth(560))
        self.empty_collect = QPushButton("Collect now")
        self.empty_collect.setObjectName("empty_collect")
        self.empty_collect.clicked.connect(self.collect)
        column = QVBoxLayout(page)
        column.addStretch(1)
        column.addWidget(title)
        column.addWidget(self.empty_text, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addSpacing(12)
        column.addWidget(self.empty_collect, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(2)
        return page

    def _overview_page(self) -> QWidget:
        page = QWidget()
        grid = QGridLayout(page)
        grid.setContentsMargins(0, 0, 4, 0)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(16)
        row, self.cards = cards_row(
            (
                ("posts", "Posts"),
                ("impressions", "Impressions"),
                ("engagements", "Engagements"),
                ("rate", "Avg engagement rate"),
                ("followers", "Followers gained"),
            )
        )
        grid.addWidget(row, 0, 0, 1, 2)
        self.network_chart = BarChart()
        self.network_panel = ChartPanel("per-network", "By network", self.network_chart)
        self.metric_choice = QComboBox()
        self.metric_choice.setObjectName("metric")
        for label, *_ in METRICS:
            self.metric_choice.addItem(label)
        self.metric_choice.currentIndexChanged.connect(lambda _: self._draw_networks())
        self.network_panel.add_control(self.metric_choice)
        grid.addWidget(self.network_panel, 1, 0)
        self.top_model = TableModel(parent=self)
        self.top_view = QTableView()
        self.top_view.setObjectName("top_posts")
        self.top_view.setModel(self.top_model)
        self.top_view.verticalHeader().setVisible(False)
        self.top_view.setShowGrid(False)
        self.top_view.setWordWrap(False)
        self.top_view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.top_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.top_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.top_view.setCursor(Qt.CursorShape.PointingHandCursor)
        self.top_view.setToolTip("Click a post to see how it did on each network, over time")
        self.top_view.clicked.connect(lambda index: self._open_top(index.row()))
        self.top_panel = ChartPanel("top-posts", "Top posts", self.top_view)
        self.top_panel.table_button.setVisible(False)  # it is a table already
        grid.addWidget(self.top_panel, 1, 1)
        self.heatmap = Heatmap()
        self.heatmap_panel = ChartPanel("heatmap", "Engagement rate by weekday and hour", self.heatmap)
        grid.addWidget(self.heatmap_panel, 2, 0)
        self.best_panel = BestTimesPanel()
        grid.addWidget(self.best_panel, 2, 1)
        grid.setColumnStretch(0, 3)
        grid.setColumnStretch(1, 2)
        grid.setRowStretch(3, 1)
        return page

    def _announce(self, panel: ChartPanel) -> None:
        panel.exported.connect(lambda path: self.messages.info(f"Saved {path}"))

    @property
    def panels(self) -> list[ChartPanel]:
        """Every chart's panel made so far (each with its table and exports)."""
        found = [self.network_panel, self.top_panel, self.heatmap_panel]
        if self.post is not None:
            found += self.post.panels
        return found

    def _post_page(self) -> PostPage:
        if self.post is None:
            self.post = PostPage()
            self.post.back_requested.connect(self.show_overview)
            self.stack.addWidget(_scrolling(self.post))
            for panel in self.post.panels:
                self._announce(panel)
        return self.post

    # -- choosing what to show ----------------------------------------------------------------------

    def zone(self) -> str:
        """The creator's zone now (the settings may have changed it)."""
        return self._zone()

    def period_dates(self) -> tuple[date, date]:
        """The chosen days, both included."""
        days = self.period.currentData()
        if days:
            today = self._today()
            return today - timedelta(days=days - 1), today
        start = cast(date, self.start.date().toPython())
        end = cast(date, self.end.date().toPython())
        return (start, end) if start <= end else (end, start)

    def filter_choice(self) -> tuple[str | None, str | None]:
        """(account id, network): at most one is set."""
        chosen = self.filter.currentData()
        return chosen if chosen else (None, None)

    def _period_changed(self) -> None:
        custom = not self.period.currentData()
        if custom and not self.start.isVisible():
            start, end = self._today() - timedelta(days=29), self._today()
            for edit, day in ((self.start, start), (self.end, end)):
                edit.blockSignals(True)
                edit.setDate(QDate(day.year, day.month, day.day))
                edit.blockSignals(False)
        for widget in (self.start, self.dash, self.end):
            widget.setVisible(custom)
        self.reload()

    def _custom_changed(self) -> None:
        if not self.period.currentData():
            self.reload()

    # -- loading ------------------------------------------------------------------------------------

    def load(self) -> None:
        """Load the accounts (for the filter), then the overview."""
        run_op(self._accounts_loader(), on_success=self._accounts_loaded, on_failure=self._failed)
        self.reload()

    def _accounts_loaded(self, accounts: list[Account]) -> None:
        self.labels = Labels({account.id: account for account in accounts})
        chosen = self.filter.currentData()
        self.filter.blockSignals(True)
        self.filter.clear()
        self.filter.addItem("All accounts", (None, None))
        live = [a for a in accounts if a.removed_at is None]
        for network in Network:
            mine = [a for a in live if a.network is network]
            if len(mine) > 1:
                self.filter.addItem(f"All on {network.label}", (None, network.value))
            for account in mine:
                self.filter.addItem(account_label(account), (account.id, None))
        found = self.filter.findData(chosen)
        self.filter.setCurrentIndex(max(found, 0))
        self.filter.blockSignals(False)

    def reload(self) -> None:
        """Fetch the overview for the chosen period and filter (the newest request wins)."""
        self._load_number += 1
        number = self._load_number
        start, end = self.period_dates()
        self.period_label.setText(f"{start:%-d %b %Y} – {end:%-d %b %Y}")
        if self.overview is None:
            self.stack.setCurrentIndex(0)
        account, network = self.filter_choice()
        run_op(
            self._fetch(start, end, account, network),
            on_success=lambda found: self._loaded(number, found),
            on_failure=self._failed,
        )

    async def _fetch(self, start: date, end: date, account: str | None, network: str | None) -> Overview:
        zone = ZoneInfo(self.zone())
        summary, best, rates, counts = await asyncio.gather(
            self.source.summary(start, end, account, network),
            self.source.best_times(account, network, zone=zone),
            self.source.heatmap(zone, account, network),
            self.source.heatmap_counts(zone, account, network),
        )
        return Overview(summary, best, rates, counts)

    def _loaded(self, number: int, found: Overview) -> None:
        if number != self._load_number:
            return  # the person asked for something else since
        self.overview = found
        nothing = found.empty and self.filter_choice() == (None, None)
        self.bar.setVisible(not nothing)  # no period or filter to choose before there are numbers
        if nothing:
            self.stack.setCurrentIndex(1)
            return
        self.show_summary(found)
        if self.stack.currentIndex() != 3:
            self.stack.setCurrentIndex(2)

    def _failed(self, error: KnownError) -> None:
        self.messages.failed(error)
        if self.overview is None:  # still on "Reading your numbers…": say why it stopped
            self.loading.setText(f"Could not read your numbers: {error.text()}")
        for button in (self.collect_button, self.empty_collect):
            button.setEnabled(True)
        self.collect_button.setText("Collect now")

    # -- showing ------------------------------------------------------------------------------------

    def show_summary(self, found: Overview) -> None:
        """Fill the cards, the per-network chart, top posts, heatmap and best times."""
        totals = found.summary.summary
        self.cards["posts"].set_value(numbers.count(totals.total_posts))
        self.cards["impressions"].set_value(
            numbers.compact(totals.total_impressions), numbers.count(totals.total_impressions)
        )
        self.cards["engagements"].set_value(
            numbers.compact(totals.total_engagements), numbers.count(totals.total_engagements)
        )
        self.cards["rate"].set_value(numbers.rate(totals.avg_engagement_rate))
        self.cards["followers"].set_value(numbers.signed(totals.followers_gained))
        rows: list[tuple[Value, ...]] = [
            (
                self.labels.network(p.platform),
                self.labels.account(p.account_id),
                p.posts,
                p.impressions,
                p.engagements,
                p.engagement_rate,
                p.followers_gained,
            )
            for p in found.summary.by_platform
        ]
        self.network_panel.set_table(Table(NETWORK_COLUMNS, rows))
        self._draw_networks()
        self.top_post_ids = [post.id for post in found.summary.top_posts]
        self.top_model.set_table(
            Table(
                (Column("Post"), Column("Impressions", numbers.count), Column("Engagements", numbers.count)),
                [(post.title, post.impressions, post.engagements) for post in found.summary.top_posts],
            )
        )
        self.top_panel.set_table(self.top_model.table)
        header = self.top_view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.top_panel.set_note("" if found.summary.top_posts else "No posts in this period.")
        self.heatmap.set_grid(found.rates, found.counts)
        self.heatmap_panel.set_table(
            Table(
                (
                    Column("Day"),
                    Column("Hour"),
                    Column("Engagement rate", numbers.rate),
                    Column("Posts", numbers.count),
                ),
                [
                    (DAYS[day], f"{hour:02d}:00", found.rates[day][hour], found.counts[day][hour])
                    for day in range(7)
                    for hour in range(24)
                ],
            )
        )
        self.heatmap_panel.set_note(f"All your posts, in {self.zone()} time. Hover a square for its numbers.")
        self.best_panel.show_times(found.best, self.zone())

    def _draw_networks(self) -> None:
        if self.overview is None:
            return
        label, field, _, unit = METRICS[self.metric_choice.currentIndex()]
        stats = self.overview.summary.by_platform
        categories, values = [], []
        missing = []
        for p in stats:
            value = getattr(p, field)
            name = self.labels.category(p, stats)
            if value is None:
                missing.append(name)
                name = f"{name} (—)"
            categories.append(name)
            values.append(float(value or 0))
        self.network_chart.set_bars(categories, [(label, values)], unit=unit)
        note = f"{', '.join(missing)}: not reported by the network (no bar, “—” in the table)."
        self.network_panel.set_note(note if missing else "")

    # -- one post -----------------------------------------------------------------------------------

    def _open_top(self, row: int) -> None:
        if 0 <= row < len(self.top_post_ids):
            self.show_post(self.top_post_ids[row], str(self.top_model.table.rows[row][0]))

    def show_post(self, post_id: str, title: str = "") -> None:
        """Fetch one post's numbers and show them (totals, by network, over time)."""
        self._post_number += 1
        number = self._post_number
        self._post_page().set_title(title)
        self.stack.setCurrentIndex(3)
        run_op(
            self.source.post(post_id),
            on_success=lambda stats: self._post_loaded(number, stats),
            on_failure=self._failed,
        )

    def _post_loaded(self, number: int, stats: PostStats) -> None:
        if number == self._post_number:  # else the person picked another post since
            self._post_page().show_stats(stats, self.zone(), self.labels)

    def show_overview(self) -> None:
        """Back from one post to the period's overview."""
        self.stack.setCurrentIndex(2 if self.overview is not None and not self.overview.empty else 1)

    # -- collecting ---------------------------------------------------------------------------------

    def collect(self) -> None:
        """Read the numbers now (importing recent posts too when nothing was collected yet)."""
        backfill = BACKFILL_DAYS if self.overview is None or self.overview.empty else None
        for button in (self.collect_button, self.empty_collect):
            button.setEnabled(False)
        self.collect_button.setText("Collecting…")
        account, _ = self.filter_choice()
        run_op(
            self.source.collect(account_id=account, backfill_days=backfill),
            on_success=lambda _: self._collected(),
            on_failure=self._failed,
        )

    def _collected(self) -> None:
        for button in (self.collect_button, self.empty_collect):
            button.setEnabled(True)
        self.collect_button.setText("Collect now")
        self.messages.info("Numbers collected.")
        self.reload()
