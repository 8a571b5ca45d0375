"""One post's numbers: its totals, each network's numbers, and how they grew over time.

Shown when the creator picks a post (from the period's top posts, or "Stats…" in the queue).
Times are in the creator's zone; a point a network did not report is left off the line, not
drawn at 0.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from outpost.domain.stats import PostStats
from outpost.gui.qt import QHBoxLayout, QPushButton, QVBoxLayout, QWidget, Signal
from outpost.gui.stats import numbers
from outpost.gui.stats.cards import Labels, cards_row
from outpost.gui.stats.charts import BarChart, LineChart
from outpost.gui.stats.numbers import Value
from outpost.gui.stats.panel import ChartPanel, heading
from outpost.gui.stats.table import Column, Table

NETWORK_COLUMNS = (
    Column("Network"),
    Column("Account"),
    Column("Impressions", numbers.count),
    Column("Engagements", numbers.count),
    Column("Engagement rate", numbers.rate),
    Column("Likes", numbers.count),
    Column("Replies", numbers.count),
    Column("Reposts", numbers.count),
    Column("Quotes", numbers.count),
    Column("Saves", numbers.count),
    Column("Clicks", numbers.count),
    Column("Video views", numbers.count),
)
TOTALS = (
    ("impressions", "Impressions", numbers.compact),
    ("reach", "Reach", numbers.compact),
    ("engagements", "Engagements", numbers.compact),
    ("engagement_rate", "Engagement rate", numbers.rate),
    ("likes", "Likes", numbers.compact),
    ("comments", "Comments", numbers.compact),
    ("shares", "Shares", numbers.compact),
    ("clicks", "Clicks", numbers.compact),
)


class PostPage(QWidget):
    """A post's title, its totals as cards, engagements per network, and its time series.

    Signals:
        back_requested(): "← All posts" was clicked.
    """

    back_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.stats: PostStats | None = None
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 4, 0)
        column.setSpacing(16)
        self.back = QPushButton("← All posts")
        self.back.setObjectName("back")
        self.back.clicked.connect(self.back_requested)
        self.title = heading("")
        self.title.setObjectName("post_title")
        self.title.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.back)
        top.addWidget(self.title, 1)
        column.addLayout(top)
        row, self.cards = cards_row(tuple((key, caption) for key, caption, _ in TOTALS))
        column.addWidget(row)
        self.network_chart = BarChart()
        self.network_panel = ChartPanel("post-by-network", "Engagements by network", self.network_chart)
        self.timeseries_chart = LineChart()
        self.timeseries_panel = ChartPanel("post-over-time", "Over time", self.timeseries_chart)
        pair = QHBoxLayout()
        pair.setSpacing(16)
        pair.addWidget(self.network_panel, 1)
        pair.addWidget(self.timeseries_panel, 1)
        column.addLayout(pair, 1)

    @property
    def panels(self) -> list[ChartPanel]:
        """The page's charts (each with its table and exports)."""
        return [self.network_panel, self.timeseries_panel]

    def set_title(self, title: str) -> None:
        """The post's text, as the creator knows it (whole in the tooltip)."""
        self.title.setText(title or "Post")
        self.title.setToolTip(title)

    def show_stats(self, stats: PostStats, zone_name: str, labels: Labels) -> None:
        """Fill the cards, the per-network chart and table, and the time series (in `zone_name`)."""
        self.stats = stats
        for key, _, fmt in TOTALS:
            value = getattr(stats.total, key)
            self.cards[key].set_value(fmt(value), numbers.count(value) if fmt is numbers.compact else "")
        every = stats.by_platform
        rows: list[tuple[Value, ...]] = [
            (
                labels.network(p.platform),
                labels.account(p.account_id),
                p.impressions,
                p.engagements,
                p.engagement_rate,
                p.likes,
                p.replies,
                p.reposts,
                p.quotes,
                p.saves,
                p.clicks,
                p.video_views,
            )
            for p in every
        ]
        self.network_panel.set_table(Table(NETWORK_COLUMNS, rows))
        self.network_chart.set_bars(
            [labels.category(p, every) + (" (—)" if p.engagements is None else "") for p in every],
            [("Engagements", [float(p.engagements or 0) for p in every])],
            unit="engagements",
        )
        silent = [labels.category(p, every) for p in every if p.engagements is None]
        self.network_panel.set_note(
            f"{', '.join(silent)}: not reported by the network (no bar, “—” in the table)." if silent else ""
        )
        zone = ZoneInfo(zone_name)
        series = stats.timeseries
        self.timeseries_panel.set_table(
            Table(
                (
                    Column(f"Time ({zone_name})"),
                    Column("Impressions", numbers.count),
                    Column("Engagements", numbers.count),
                ),
                [
                    (f"{p.timestamp.astimezone(zone):%Y-%m-%d %H:%M}", p.impressions, p.engagements)
                    for p in series
                ],
            )
        )
        lines = []
        for name, field in (("Impressions", "impressions"), ("Engagements", "engagements")):
            # Wall-clock times in the creator's zone, naive: the chart's axis shows them as they are.
            points = [
                (p.timestamp.astimezone(zone).replace(tzinfo=None), float(getattr(p, field)))
                for p in series
                if getattr(p, field) is not None
            ]
            if points:
                lines.append((name, points))
        self.timeseries_chart.set_lines(lines)
        self.timeseries_panel.set_note("" if series else "No readings of this post yet.")
