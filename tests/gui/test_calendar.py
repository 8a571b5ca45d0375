"""The calendar: posts on their days, week and month, and moving a post to another day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from outpost.adapters.base import AddAccountRequest
from outpost.domain.enums import Network
from outpost.engine import Engine, PostInput, When
from outpost.gui.bridge import EngineBridge
from outpost.gui.calendar.cards import MIME
from outpost.gui.calendar.view import PER_DAY, CalendarView
from outpost.gui.calendar.week import HOUR, WeekGrid
from outpost.gui.messages import MessageBridge
from outpost.gui.qt import QColor, QDropEvent, QMimeData, QPoint, QPointF, Qt
from outpost.gui.tasks import settle_ops
from tests.fakes import FakeClock, FakeNetwork, MemorySecretStore, fake_registry
from tests.gui.helpers import run_on_qasync


def test_posts_sit_on_their_days_and_a_moved_post_keeps_its_time(qapp, qtbot, tmp_path: Path) -> None:
    async def scenario() -> None:
        engine = _open_engine(tmp_path)
        try:
            account = await engine.accounts.add(
                Network.MASTODON, AddAccountRequest(access_token="good-token")
            )
            post = await engine.posts.create(
                PostInput(text="Thursday post", accounts=(account.id,)),
                When.scheduled("2026-11-26T09:30", "Europe/Berlin"),
            )
            view = _this_week(engine, qtbot)
            await settle_ops()
            assert view.first_day == date(2026, 11, 23)  # the week starts on Monday
            thursday = view.days[date(2026, 11, 26)]
            assert thursday.lines() == ["09:30 Thursday post"] and thursday.cards[0].draggable
            view.set_month(True)
            await settle_ops()
            in_month = view.days[date(2026, 11, 26)]
            assert in_month.lines() == ["09:30 Thursday post"]
            assert in_month.item(0).flags() & Qt.ItemFlag.ItemIsDragEnabled
            view.move_post(post.id, date(2026, 11, 28))
            await settle_ops()
            moved = await engine.posts.get(post.id)
            assert moved.scheduled_at == datetime(
                2026, 11, 28, 8, 30, tzinfo=UTC
            )  # 09:30 in Berlin, two days on
            assert view.days[date(2026, 11, 28)].lines() == ["09:30 Thursday post"]
            assert view.days[date(2026, 11, 26)].lines() == []
            view.set_month(False)
            await settle_ops()
            assert len(view.days) == 7 and view.days[date(2026, 11, 28)].lines() == ["09:30 Thursday post"]
        finally:
            await settle_ops()
            await engine.close()

    run_on_qasync(qapp, scenario)


def _open_engine(tmp_path: Path) -> Engine:
    engine = Engine.open(
        tmp_path, registry=fake_registry(FakeNetwork()), secrets=MemorySecretStore(), clock=FakeClock()
    )
    engine.update_settings(default_timezone="Europe/Berlin")
    return engine


def _this_week(engine: Engine, qtbot, *, shown: bool = True) -> CalendarView:
    """The calendar on the week of 2026-11-25 (the fake clock's today), on screen or hidden.

    It follows the engine's post events as in the window.
    """
    view = CalendarView(engine, messages=MessageBridge())
    qtbot.addWidget(view)
    EngineBridge(engine.events, view).post_did_change.connect(view.post_did_change)
    if shown:
        view.show()
    view.anchor = date(2026, 11, 25)
    view.set_month(False)
    return view


def test_a_hidden_calendar_shows_what_changed_when_it_is_opened(qapp, qtbot, tmp_path: Path) -> None:
    """While on another tab the calendar reads nothing; opened, it has every change."""

    async def scenario() -> None:
        engine = _open_engine(tmp_path)
        try:
            account = await engine.accounts.add(
                Network.MASTODON, AddAccountRequest(access_token="good-token")
            )
            view = _this_week(engine, qtbot, shown=False)
            await engine.posts.create(
                PostInput(text="Written while the calendar was hidden", accounts=(account.id,)),
                When.scheduled("2026-11-26T09:30", "Europe/Berlin"),
            )
            await settle_ops()
            assert sum(len(day.lines()) for day in view.days.values()) == 0  # nothing read while hidden
            view.show()
            await settle_ops()
            assert view.days[date(2026, 11, 26)].lines() == ["09:30 Written while the calendar was hidden"]
        finally:
            await settle_ops()
            await engine.close()

    run_on_qasync(qapp, scenario)


def test_a_busy_day_lists_its_first_posts_and_says_how_many_more(qapp, qtbot, tmp_path: Path) -> None:
    async def scenario() -> None:
        engine = _open_engine(tmp_path)
        try:
            account = await engine.accounts.add(
                Network.MASTODON, AddAccountRequest(access_token="good-token")
            )
            posts = [
                await engine.posts.create(
                    PostInput(text=f"Post {minute}", accounts=(account.id,)),
                    When.scheduled(f"2026-11-27T{8 + minute // 60:02d}:{minute % 60:02d}", "Europe/Berlin"),
                )
                for minute in range(PER_DAY + 12)
            ]
            view = _this_week(engine, qtbot)
            await settle_ops()
            friday = view.days[date(2026, 11, 27)]
            lines = friday.lines()
            assert len(lines) == PER_DAY + 1 and lines[0] == "08:00 Post 0"
            assert lines[PER_DAY - 1] == f"08:{PER_DAY - 1:02d} Post {PER_DAY - 1}"
            assert lines[PER_DAY] == "… and 12 more (the Queue lists every post)"
            # A minute apart, the cards cannot all be drawn: two side by side, the rest behind "+N".
            shown = [card for card in friday.cards if card.isVisibleTo(view)]
            assert len(shown) >= 2 and sum(len(chip.hidden) for chip in friday.chips) == PER_DAY - len(shown)
            view.set_month(True)
            await settle_ops()
            in_month = view.days[date(2026, 11, 27)]
            last = in_month.item(PER_DAY)
            assert last.text() == "… and 12 more (the Queue lists every post)"
            assert last.flags() == Qt.ItemFlag.NoItemFlags  # cannot be dragged, selected or opened
            await engine.posts.delete(posts[-1].id)  # one the day does not list
            await settle_ops()
            assert in_month.count() == PER_DAY + 1
            assert in_month.item(PER_DAY).text() == "… and 11 more (the Queue lists every post)"
        finally:
            await settle_ops()
            await engine.close()

    run_on_qasync(qapp, scenario)


def test_a_changed_post_rereads_only_the_days_it_left_and_joined(qapp, qtbot, tmp_path: Path) -> None:
    """Every other day keeps its lines (it once re-read the whole view on every change).

    Posts that another process writes reach this window without an event, so they show on a day
    only once that day is read: here, when the whole week is read again.
    """

    async def scenario() -> None:
        engine = _open_engine(tmp_path)
        try:
            account = await engine.accounts.add(
                Network.MASTODON, AddAccountRequest(access_token="good-token")
            )
            post = await engine.posts.create(
                PostInput(text="Thursday post", accounts=(account.id,)),
                When.scheduled("2026-11-26T09:30", "Europe/Berlin"),
            )
            await engine.posts.create(
                PostInput(text="Friday post", accounts=(account.id,)),
                When.scheduled("2026-11-27T10:00", "Europe/Berlin"),
            )
            view = _this_week(engine, qtbot)
            await settle_ops()
            friday_card = view.days[date(2026, 11, 27)].cards[0]
            other = _open_engine(tmp_path)  # e.g. `outpost post create` while the window is open
            try:
                for day, text in ((25, "Wednesday, from elsewhere"), (27, "Friday, from elsewhere")):
                    await other.posts.create(
                        PostInput(text=text, accounts=(account.id,)),
                        When.scheduled(f"2026-11-{day}T18:00", "Europe/Berlin"),
                    )
            finally:
                await other.close()

            await engine.posts.schedule(post.id, "2026-11-28T09:30", "Europe/Berlin")  # to Saturday
            await settle_ops()
            assert _lines(view, 26) == [] and _lines(view, 28) == ["09:30 Thursday post"]
            assert _lines(view, 25) == []  # not read again
            assert _lines(view, 27) == ["10:00 Friday post"]
            assert view.days[date(2026, 11, 27)].cards[0] is friday_card  # the very same card

            view.load()
            await settle_ops()
            assert _lines(view, 25) == ["18:00 Wednesday, from elsewhere"]
            assert _lines(view, 27) == ["10:00 Friday post", "18:00 Friday, from elsewhere"]
        finally:
            await settle_ops()
            await engine.close()

    run_on_qasync(qapp, scenario)


def _lines(view: CalendarView, day: int) -> list[str]:
    return view.days[date(2026, 11, day)].lines()


def _drop(grid: WeekGrid, post_id: str, point: QPoint, grab: int = 0) -> None:
    """A post dropped on the grid, as Qt delivers it at the end of a drag."""
    data = QMimeData()
    data.setData(MIME, f"{post_id}\n{grab}".encode())
    grid.dropEvent(
        QDropEvent(
            QPointF(point),
            Qt.DropAction.MoveAction,
            data,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
    )


def test_the_week_is_a_time_grid_with_open_slots_to_drop_posts_on(qapp, qtbot, tmp_path: Path) -> None:
    async def scenario() -> None:
        engine = _open_engine(tmp_path)
        engine.update_settings(posting_schedule={"friday": ["09:00", "17:30"], "monday": ["09:00"]})
        try:
            account = await engine.accounts.add(
                Network.MASTODON, AddAccountRequest(access_token="good-token")
            )
            post = await engine.posts.create(
                PostInput(text="Thursday post", accounts=(account.id,)),
                When.scheduled("2026-11-26T14:30", "Europe/Berlin"),
            )
            await engine.posts.create(
                PostInput(text="Friday morning", accounts=(account.id,)),
                When.scheduled("2026-11-27T09:00", "Europe/Berlin"),
            )
            view = _this_week(engine, qtbot)
            view.resize(1200, 700)
            await settle_ops()
            grid = view.week
            assert grid is not None
            thursday, friday = date(2026, 11, 26), date(2026, 11, 27)
            card = view.days[thursday].cards[0]
            # In Thursday's column, at 14:30 down the hours.
            assert grid.column(thursday).contains(card.geometry().center().x(), 0)
            assert card.geometry().top() == round(14.5 * HOUR)
            assert card.isVisibleTo(view) and card.width() > 60
            # Open slots: Friday 17:30 (09:00 is taken); Monday's is in the past (now: Wed 13:00).
            berlin = ZoneInfo("Europe/Berlin")
            assert grid.free_slots(friday) == [datetime(2026, 11, 27, 17, 30, tzinfo=berlin)]
            assert grid.free_slots(date(2026, 11, 23)) == []
            _drop(grid, post.id, grid.slot_rect(grid.free_slots(friday)[0]).center(), grab=20)
            await settle_ops()
            moved = await engine.posts.get(post.id)
            assert moved.scheduled_at == datetime(2026, 11, 27, 16, 30, tzinfo=UTC)  # 17:30 in Berlin
            assert view.days[friday].lines() == ["09:00 Friday morning", "17:30 Thursday post"]
            assert view.days[thursday].lines() == [] and grid.free_slots(friday) == []  # now taken
            # Anywhere else in a day: that time, to the quarter hour.
            _drop(grid, post.id, QPoint(grid.column(thursday).center().x(), round(11.1 * HOUR)))
            await settle_ops()
            assert (await engine.posts.get(post.id)).scheduled_at == datetime(2026, 11, 26, 10, 0, tzinfo=UTC)
            assert view.days[thursday].lines() == ["11:00 Thursday post"]
            assert grid.free_slots(friday) == [datetime(2026, 11, 27, 17, 30, tzinfo=berlin)]  # open again
        finally:
            await settle_ops()
            await engine.close()

    run_on_qasync(qapp, scenario)


def test_today_is_marked_and_cards_show_logos_text_cut_at_words_and_the_picture(
    qapp, qtbot, tmp_path: Path
) -> None:
    from outpost.engine import MediaInput
    from tests.media_fixtures import image

    photo = image(tmp_path / "red.png", 400, 300)
    text = "Our spring workshop schedule is out: three Saturdays of natural dyeing with everything provided"

    async def scenario() -> None:
        engine = _open_engine(tmp_path / "data")
        try:
            account = await engine.accounts.add(
                Network.MASTODON, AddAccountRequest(access_token="good-token")
            )
            await engine.posts.create(
                PostInput(text=text, accounts=(account.id,), media=(MediaInput(str(photo), "red"),)),
                When.scheduled("2026-11-25T15:00", "Europe/Berlin"),
            )
            view = _this_week(engine, qtbot)
            view.resize(1100, 700)
            await settle_ops()
            card = view.days[date(2026, 11, 25)].cards[0]
            assert card.entry.networks == (Network.MASTODON,)
            assert card.thumbnail is not None and not card.thumbnail.isNull()  # the picture, read
            lines = card.text_lines()
            assert lines and lines[-1].endswith("…")
            shown = " ".join(lines)[:-1].split(" ")
            assert shown == text.split(" ")[: len(shown)]  # whole words only, never "worksh…"
            picture = card.grab().toImage()
            assert any(  # Mastodon's logo on the card
                _near(picture.pixelColor(x, y), "#6364FF") for x in range(card.width()) for y in range(24)
            )
            grid = view.week
            assert grid is not None
            painted = grid.grab().toImage()
            y = round(20.5 * HOUR)  # an empty hour: only the column's own colour
            today = painted.pixelColor(grid.column(date(2026, 11, 25)).center().x(), y)
            other = painted.pixelColor(grid.column(date(2026, 11, 27)).center().x(), y)
            assert today != other  # today's column is tinted
        finally:
            await settle_ops()
            await engine.close()

    run_on_qasync(qapp, scenario)


def _near(colour: QColor, hex_colour: str, tolerance: int = 40) -> bool:
    wanted = QColor(hex_colour)
    return all(
        abs(a - b) <= tolerance
        for a, b in (
            (colour.red(), wanted.red()),
            (colour.green(), wanted.green()),
            (colour.blue(), wanted.blue()),
        )
    )
