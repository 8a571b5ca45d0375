"""The Stats tab (issue #21) over a stand-in for `engine.stats` that answers with fixed, hand-made numbers.

What a creator would notice: the numbers on screen are the engine's, a metric a network does not
report reads "—" (never 0), every chart's numbers are one click away and export as CSV and PNG,
too little history says so, charts follow the dark theme, and the window does not load QtCharts
until the tab is opened.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PIL import Image

from outpost.config.settings import Theme
from outpost.domain.enums import Network
from outpost.domain.errors import StoreError
from outpost.domain.stats import (
    BestTime,
    BestTimes,
    DayTimes,
    Period,
    PlatformStats,
    PostStats,
    SeriesPoint,
    StatsSummary,
    SummaryTotals,
    TopPost,
    Totals,
)
from outpost.engine import Engine, PostInput, When
from outpost.gui.composer.schedule_dialog import ScheduleDialog
from outpost.gui.mainwindow import MainWindow
from outpost.gui.messages import MessageBridge
from outpost.gui.qt import QApplication, QColor, QDate, QImage, QPoint
from outpost.gui.stats.best_slot import next_best_slot
from outpost.gui.stats.view import BACKFILL_DAYS, StatsView
from outpost.gui.tasks import settle_ops
from outpost.gui.theme import apply_theme, colours
from tests.fakes import FakeClock
from tests.gui.helpers import run_on_qasync
from tests.gui.stats_source import FixedStats, empty_grid
from tests.gui.windows import window_scenario
from tests.support.program import ROOT, outpost_env

TODAY = date(2027, 3, 10)  # a Wednesday
ZONE = "Europe/Berlin"

SUMMARY = StatsSummary(
    period=Period(start=date(2027, 2, 9), end=TODAY),
    summary=SummaryTotals(
        total_posts=12,
        total_impressions=25_400,
        total_engagements=457,
        avg_engagement_rate=1.8,
        followers_gained=None,  # no follower counts recorded in the period
    ),
    by_platform=[
        PlatformStats(
            platform="mastodon",
            account_id="acc-m",
            posts=7,
            impressions=None,
            engagements=212,
            engagement_rate=None,
            followers_gained=40,
        ),
        PlatformStats(
            platform="bluesky",
            account_id="acc-b",
            posts=5,
            impressions=25_400,
            engagements=245,
            engagement_rate=0.96,
            followers_gained=None,
        ),
    ],
    top_posts=[
        TopPost(id="p1", title="Spring workshops are open", impressions=9_000, engagements=301),
        TopPost(id="p2", title="Indigo, day two", impressions=None, engagements=88),
    ],
)
RATES = empty_grid()
RATES[1][9] = 5.8  # Tuesday 09:00
RATES[4][18] = 1.25
COUNTS = [[0] * 24 for _ in range(7)]
COUNTS[1][9], COUNTS[4][18] = 14, 3
BEST = BestTimes(
    recommendations=[
        DayTimes(
            day="tuesday",
            times=[BestTime(time="09:00", score=5.8, reason="your best hour on Mastodon", posts=14)],
        )
    ],
    based_on_posts=40,
)
THIN = BestTimes(
    based_on_posts=3,
    message="Not enough history yet: 3 posts. Best times need at least 20 posts over 2 weeks.",
)
POST = PostStats(
    post_id="p1",
    total=Totals(
        impressions=9_000,
        reach=None,
        engagements=301,
        engagement_rate=3.34,
        likes=250,
        comments=21,
        shares=30,
    ),
    by_platform=[
        PlatformStats(
            platform="mastodon",
            account_id="acc-m",
            impressions=None,
            engagements=120,
            likes=100,
            replies=8,
            reposts=12,
        ),
        PlatformStats(
            platform="bluesky",
            account_id="acc-b",
            impressions=9_000,
            engagements=181,
            likes=150,
            replies=13,
            reposts=18,
            quotes=0,
        ),
    ],
    timeseries=[
        SeriesPoint(timestamp=datetime(2027, 3, 2, 9, 0, tzinfo=UTC), impressions=1_000, engagements=40),
        SeriesPoint(timestamp=datetime(2027, 3, 2, 14, 0, tzinfo=UTC), impressions=None, engagements=150),
        SeriesPoint(timestamp=datetime(2027, 3, 3, 8, 0, tzinfo=UTC), impressions=9_000, engagements=301),
    ],
)


def source(**changes: object) -> FixedStats:
    given: dict[str, object] = {
        "summary_answer": SUMMARY,
        "best": BEST,
        "rates": RATES,
        "counts": COUNTS,
        "posts": {"p1": POST},
    }
    return FixedStats(**(given | changes))  # type: ignore[arg-type]


async def no_accounts() -> list:
    return []


def run_view(qapp, qtbot, stats: FixedStats, scenario: Callable[[StatsView], Awaitable[None]]) -> None:
    async def main() -> None:
        view = StatsView(
            stats, accounts=no_accounts, zone=lambda: ZONE, today=lambda: TODAY, messages=MessageBridge()
        )
        qtbot.addWidget(view)
        view.resize(1200, 900)
        view.show()
        view.load()
        await settle_ops()
        await scenario(view)
        await settle_ops()

    run_on_qasync(qapp, main)


def shown(panel) -> list[list[str]]:
    model = panel.model
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.rowCount())]


def test_the_period_numbers_are_the_engines_and_nulls_read_as_a_dash(qapp, qtbot) -> None:
    stats = source()

    async def scenario(view: StatsView) -> None:
        assert stats.asked[0] == (
            "summary",
            date(2027, 2, 9),
            TODAY,
            None,
            None,
        )  # the last 30 days, both ends
        assert {key: card.value.text() for key, card in view.cards.items()} == {
            "posts": "12",
            "impressions": "25.4K",
            "engagements": "457",
            "rate": "1.80%",
            "followers": "—",
        }
        assert view.cards["impressions"].toolTip() == "25,400"
        assert shown(view.network_panel) == [
            ["Mastodon", "acc-m", "7", "—", "212", "—", "+40"],
            ["Bluesky", "acc-b", "5", "25,400", "245", "0.96%", "—"],
        ]
        assert "Mastodon: not reported" in view.network_panel.note.text()
        assert shown(view.top_panel) == [
            ["Spring workshops are open", "9,000", "301"],
            ["Indigo, day two", "—", "88"],
        ]
        assert view.heatmap.describe(1, 9) == "Tuesday 09:00–10:00: 5.80% engagement, from 14 posts"
        assert view.heatmap.describe(0, 3) == "Monday 03:00–04:00: no posts yet"
        assert view.heatmap.cell_colour(None) is None  # no posts: an outline, not a pale square
        assert view.best_panel.lines == ["Tuesday 09:00 — your best hour on Mastodon (from 14 posts)"]
        view.period.setCurrentIndex(0)  # last 7 days
        await settle_ops()
        last = [asked for asked in stats.asked if asked[0] == "summary"][-1]
        assert last[:3] == ("summary", date(2027, 3, 4), TODAY)

    run_view(qapp, qtbot, stats, scenario)


def test_the_table_toggle_shows_the_same_numbers_and_back(qapp, qtbot) -> None:
    async def scenario(view: StatsView) -> None:
        panel = view.network_panel
        assert panel.stack.currentWidget() is view.network_chart
        panel.table_button.click()
        assert panel.stack.currentWidget() is panel.table_view and panel.table_view.isVisible()
        assert panel.table_view.model().index(0, 3).data() == "—"
        panel.table_button.click()
        assert panel.stack.currentWidget() is view.network_chart

    run_view(qapp, qtbot, source(), scenario)


def test_csv_export_has_the_raw_numbers_with_nulls_as_empty_cells(qapp, qtbot, tmp_path: Path) -> None:
    async def scenario(view: StatsView) -> None:
        view.network_panel.export_csv(tmp_path / "networks.csv")
        view.heatmap_panel.export_csv(tmp_path / "heatmap.csv")

    run_view(qapp, qtbot, source(), scenario)
    with (tmp_path / "networks.csv").open(encoding="utf-8") as opened:
        assert list(csv.reader(opened)) == [
            [
                "Network",
                "Account",
                "Posts",
                "Impressions",
                "Engagements",
                "Engagement rate",
                "Followers gained",
            ],
            ["Mastodon", "acc-m", "7", "", "212", "", "40"],
            ["Bluesky", "acc-b", "5", "25400", "245", "0.96", ""],
        ]
    with (tmp_path / "heatmap.csv").open(encoding="utf-8") as opened:
        rows = list(csv.reader(opened))
    assert len(rows) == 1 + 7 * 24
    assert rows[1 + 24 + 9] == ["Tuesday", "09:00", "5.8", "14"]
    assert rows[1] == ["Monday", "00:00", "", "0"]


def test_png_export_is_a_picture_of_the_chart(qapp, qtbot, tmp_path: Path) -> None:
    async def scenario(view: StatsView) -> None:
        view.network_panel.export_png(tmp_path / "networks.png")
        view.heatmap_panel.export_png(tmp_path / "heatmap.png")

    run_view(qapp, qtbot, source(), scenario)
    for name in ("networks.png", "heatmap.png"):
        with Image.open(tmp_path / name) as picture:
            picture.verify()
        image = QImage(str(tmp_path / name))
        assert not image.isNull() and image.width() > 300 and image.height() > 150
    # The heatmap's best hour is drawn in the accent colour somewhere in the picture.
    heat = QImage(str(tmp_path / "heatmap.png"))
    accent = QColor(colours().accent)
    assert any(
        heat.pixelColor(x, y) == accent for x in range(0, heat.width(), 2) for y in range(0, heat.height(), 2)
    )


def test_too_little_history_says_so_instead_of_recommending(qapp, qtbot) -> None:
    async def scenario(view: StatsView) -> None:
        panel = view.best_panel
        assert panel.message.isVisible() and panel.message.text() == THIN.message
        assert panel.lines == []

    run_view(qapp, qtbot, source(best=THIN), scenario)


def test_nothing_collected_shows_what_will_appear_and_collect_now_backfills(qapp, qtbot) -> None:
    stats = FixedStats()

    async def scenario(view: StatsView) -> None:
        assert view.stack.currentIndex() == 1 and view.empty_text.isVisible()
        assert "1 hour" in view.empty_text.text() and "Collect now" in view.empty_text.text()
        view.empty_collect.click()
        await settle_ops()
        assert stats.collected == [(None, BACKFILL_DAYS)]
        stats.summary_answer, stats.best, stats.rates = SUMMARY, BEST, RATES  # numbers came in
        view.reload()
        await settle_ops()
        view.collect_button.click()  # collected once: now a plain read, no backfill
        await settle_ops()
        assert stats.collected[-1] == (None, None) and view.stack.currentIndex() == 2

    run_view(qapp, qtbot, stats, scenario)


def test_one_post_totals_by_network_and_over_time(qapp, qtbot) -> None:
    async def scenario(view: StatsView) -> None:
        view.top_view.clicked.emit(view.top_model.index(0, 0))
        await settle_ops()
        assert view.stack.currentIndex() == 3 and view.post.title.text() == "Spring workshops are open"
        assert {k: c.value.text() for k, c in view.post.cards.items()} == {
            "impressions": "9,000",
            "reach": "—",
            "engagements": "301",
            "engagement_rate": "3.34%",
            "likes": "250",
            "comments": "21",
            "shares": "30",
            "clicks": "—",
        }
        assert [row[:5] for row in shown(view.post.network_panel)] == [
            ["Mastodon", "acc-m", "—", "120", "—"],
            ["Bluesky", "acc-b", "9,000", "181", "—"],
        ]
        assert shown(view.post.network_panel)[1][8] == "0"  # a real zero stays a zero
        assert shown(view.post.timeseries_panel) == [  # Berlin is UTC+1 in March before the switch
            ["2027-03-02 10:00", "1,000", "40"],
            ["2027-03-02 15:00", "—", "150"],
            ["2027-03-03 09:00", "9,000", "301"],
        ]
        lines = {s.name(): s.count() for s in view.post.timeseries_chart.chart.series()}
        assert lines == {"Impressions": 2, "Engagements": 3}  # the unreported point is left out, not 0
        view.post.back.click()
        assert view.stack.currentIndex() == 2

    run_view(qapp, qtbot, source(), scenario)


def test_charts_take_the_dark_themes_colours(qapp, qtbot) -> None:
    async def scenario(view: StatsView) -> None:
        try:
            apply_theme(QApplication.instance(), Theme.DARK)
            dark = colours()
            assert dark.dark
            chart = view.network_chart.chart
            assert chart.backgroundBrush().color().name() == dark.base
            assert chart.legend().labelColor().name() == dark.text
            for axis in chart.axes():
                assert axis.labelsColor().name() == dark.muted
            bar_set = chart.series()[0].barSets()[0]
            assert bar_set.labelColor().name() == dark.text and bar_set.color().name() == dark.info
            assert view.heatmap.colours.dark
        finally:
            apply_theme(QApplication.instance(), Theme.LIGHT)
        assert view.network_chart.chart.backgroundBrush().color().name() == colours().base == "#ffffff"

    run_view(qapp, qtbot, source(), scenario)


def test_the_next_best_slot_is_the_soonest_recommended_hour_after_now() -> None:
    best = BestTimes(
        recommendations=[
            DayTimes(
                day="tuesday",
                times=[BestTime(time="09:00", score=5.8, reason="your best hour on Mastodon", posts=14)],
            ),
            DayTimes(
                day="wednesday", times=[BestTime(time="18:30", score=3.0, reason="evening replies", posts=6)]
            ),
        ],
        based_on_posts=40,
    )
    # Wednesday 10 March 2027, 18:25 in Berlin: 18:30 is too close; next is Tuesday 16 March 09:00.
    now = datetime(2027, 3, 10, 17, 25, tzinfo=UTC)
    slot = next_best_slot(best, now, ZONE)
    assert slot is not None and slot.at.isoformat() == "2027-03-16T09:00:00+01:00"
    assert slot.reason == "Tue 09:00 — your best hour on Mastodon, from 14 posts"
    earlier = next_best_slot(best, datetime(2027, 3, 10, 12, 0, tzinfo=UTC), ZONE)
    assert earlier is not None and earlier.at.isoformat() == "2027-03-10T18:30:00+01:00"
    assert next_best_slot(THIN, now, ZONE) is None


def test_schedule_offers_the_best_slot_with_its_reason_only_when_there_is_one(qtbot) -> None:
    now = datetime(2027, 3, 10, 12, 0, tzinfo=UTC)
    slot = next_best_slot(BEST, now, ZONE)
    dialog = ScheduleDialog(zone="UTC", now=now, best_slot=slot)
    qtbot.addWidget(dialog)
    assert dialog.best_reason.text() == "Tue 09:00 — your best hour on Mastodon, from 14 posts"
    dialog.best_button.click()
    assert dialog.choice() == ("2027-03-16T09:00", ZONE)
    thin = ScheduleDialog(zone="UTC", now=now, best_slot=None)
    qtbot.addWidget(thin)
    assert thin.best_button.isHidden() and thin.best_reason.parent() is None and not thin.best_reason.text()


def test_the_queues_context_menu_opens_a_published_posts_stats(qapp, qtbot, tmp_path) -> None:
    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        post = await engine.posts.create(
            PostInput(text="Spring workshops are open", accounts=(account,)), When.now()
        )
        stats = source(posts={post.id: POST.model_copy(update={"post_id": post.id})})
        window.stats.source = stats
        window.show_page(window.queue)
        window.queue.load()
        await settle_ops()
        row = window.queue.table.visualRect(window.queue.model.index(0, 0)).center()
        menu = window.queue.context_menu(QPoint(row.x(), row.y()))
        assert menu is not None
        action = next(a for a in menu.actions() if a.text() == "Stats…")
        assert action.isEnabled()
        action.trigger()
        await settle_ops()
        assert window.pages.currentWidget() is window.stats
        view = window.stats.view
        assert view is not None and view.stack.currentIndex() == 3
        assert view.post.title.text() == "Spring workshops are open"
        assert ("post", post.id) in stats.asked
        assert view.post.cards["engagements"].value.text() == "301"
        asked = len([a for a in stats.asked if a[0] == "summary"])
        window.show_page(window.queue)
        window.show_page(window.stats)  # back on the tab: the numbers are read again
        await settle_ops()
        assert len([a for a in stats.asked if a[0] == "summary"]) == asked + 1
        assert window.pages.tabText(window.pages.indexOf(window.stats)) == "Stats"
        assert [window.pages.tabText(i) for i in range(window.pages.count())][2:4] == ["Calendar", "Stats"]
        assert Network.MASTODON.label in [
            view.filter.itemText(i).split(" · ")[0] for i in range(view.filter.count())
        ]

    window_scenario(qapp, qtbot, tmp_path, scenario)


LAZY = """
import asyncio, json, sys
from pathlib import Path
import qasync
from outpost.gui.qt import QApplication
from outpost.engine import Engine
from outpost.gui.mainwindow import MainWindow
from outpost.gui.tasks import settle_ops
from tests.fakes import MemorySecretStore
from tests.gui.stats_source import FixedStats

app = QApplication([])
app.setQuitOnLastWindowClosed(False)
loop = qasync.QEventLoop(app)
asyncio.set_event_loop(loop)

async def main():
    engine = Engine.open(Path(sys.argv[1]), secrets=MemorySecretStore())
    window = MainWindow(engine, tray=False)
    window.show()
    await asyncio.sleep(0.2)
    await settle_ops()
    before = "PySide6.QtCharts" in sys.modules
    window.stats.source = FixedStats()
    window.show_page(window.stats)
    await asyncio.sleep(0.2)
    await settle_ops()
    after = "PySide6.QtCharts" in sys.modules
    built = window.stats.view is not None
    window._quitting = True
    window.close()
    await settle_ops()
    await engine.close()
    print(json.dumps({"before": before, "after": after, "built": built}))

with loop:
    loop.run_until_complete(main())
"""


def test_qtcharts_loads_only_when_the_stats_tab_is_first_shown(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", LAZY, str(tmp_path / "data")],
        capture_output=True,
        text=True,
        env=outpost_env(QT_QPA_PLATFORM="offscreen", PYTHON_KEYRING_BACKEND="keyring.backends.null.Keyring"),
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"before": False, "after": True, "built": True}


def test_the_composers_schedule_offers_the_best_slot_for_the_chosen_network(qapp, qtbot, tmp_path) -> None:
    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        stats = source()
        engine.stats = stats  # type: ignore[attr-defined]  # stands in for engine.stats (issue #21)
        engine.update_settings(default_timezone=ZONE)
        composer = window.composer
        await window.open_composer()
        composer.select(account)
        composer.text.setPlainText("When do people read this?")
        composer.schedule()
        await settle_ops()
        dialog = composer.schedule_dialog
        assert dialog is not None and not dialog.best_button.isHidden()
        assert ("best_times", None, "mastodon", ZONE) in stats.asked  # the chosen account's network
        assert dialog.best_reason.text() == "Tue 09:00 — your best hour on Mastodon, from 14 posts"
        dialog.best_button.click()
        at, zone = dialog.choice()
        assert zone == ZONE and datetime.fromisoformat(at).strftime("%A %H:%M") == "Tuesday 09:00"
        assert datetime.fromisoformat(at).replace(tzinfo=ZoneInfo(ZONE)) > clock.now()  # the next one, ahead
        dialog.reject()
        stats.best = THIN  # too little history: no suggestion at all
        composer.schedule()
        await settle_ops()
        thin = composer.schedule_dialog
        assert thin is not None and thin is not dialog and thin.best_button.isHidden()
        thin.reject()

    window_scenario(qapp, qtbot, tmp_path, scenario)


def test_the_filter_and_a_custom_period_go_to_the_engine(qapp, qtbot) -> None:
    from outpost.domain.models import Account

    made = datetime(2027, 1, 1, tzinfo=UTC)
    accounts = [
        Account(
            id="acc-m",
            network=Network.MASTODON,
            handle="studio@m.example",
            display_name="Studio",
            secret_ref="s1",
            created_at=made,
        ),
        Account(
            id="acc-m2",
            network=Network.MASTODON,
            handle="shop@m.example",
            display_name="Shop",
            secret_ref="s2",
            created_at=made,
        ),
        Account(
            id="acc-b",
            network=Network.BLUESKY,
            handle="studio.b.example",
            display_name="Studio",
            secret_ref="s3",
            created_at=made,
        ),
    ]
    stats = source()

    async def listed() -> list[Account]:
        return accounts

    async def main() -> None:
        view = StatsView(
            stats, accounts=listed, zone=lambda: ZONE, today=lambda: TODAY, messages=MessageBridge()
        )
        qtbot.addWidget(view)
        view.show()
        view.load()
        await settle_ops()
        items = [view.filter.itemText(i) for i in range(view.filter.count())]
        assert items == [
            "All accounts",
            "All on Mastodon",
            "Mastodon · Studio",
            "Mastodon · Shop",
            "Bluesky · Studio",
        ]
        assert shown(view.network_panel)[0][1] == "Studio"  # accounts named, not by id
        view.filter.setCurrentIndex(1)
        await settle_ops()
        assert [a for a in stats.asked if a[0] == "summary"][-1][3:] == (None, "mastodon")
        assert [a for a in stats.asked if a[0] == "heatmap"][-1] == ("heatmap", ZONE, None, "mastodon")
        view.filter.setCurrentIndex(4)
        await settle_ops()
        assert [a for a in stats.asked if a[0] == "summary"][-1][3:] == ("acc-b", None)
        view.period.setCurrentIndex(3)  # custom: the last 30 days to start from, then the person's dates
        await settle_ops()
        assert view.start.isVisible() and view.end.isVisible()
        view.start.setDate(QDate(2027, 1, 1))
        view.end.setDate(QDate(2027, 1, 31))
        await settle_ops()
        assert [a for a in stats.asked if a[0] == "summary"][-1] == (
            "summary",
            date(2027, 1, 1),
            date(2027, 1, 31),
            "acc-b",
            None,
        )

    run_on_qasync(qapp, main)


class Broken(FixedStats):
    async def summary(
        self, start: date, end: date, account_id: str | None = None, network: str | None = None
    ) -> StatsSummary:
        raise StoreError("The statistics could not be read: the database is locked by another program.")


def test_a_failed_read_says_why_instead_of_loading_forever(qapp, qtbot) -> None:
    said: list[str] = []

    async def main() -> None:
        messages = MessageBridge()
        messages.said.connect(lambda level, text: said.append(text))
        view = StatsView(
            Broken(), accounts=no_accounts, zone=lambda: ZONE, today=lambda: TODAY, messages=messages
        )
        qtbot.addWidget(view)
        view.show()
        view.load()
        await settle_ops()
        assert view.stack.currentIndex() == 0
        assert view.loading.text() == (
            "Could not read your numbers: The statistics could not be read: the database is locked by another program."
        )
        assert any("database is locked" in text for text in said)

    run_on_qasync(qapp, main)
