"""The calendar: posts on their days, week and month, and moving a post to another day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from outpost.adapters.base import AddAccountRequest
from outpost.domain.enums import Network
from outpost.engine import Engine, PostInput, When
from outpost.gui.bridge import EngineBridge
from outpost.gui.calendar.view import PER_DAY, CalendarView
from outpost.gui.messages import MessageBridge
from outpost.gui.qt import Qt
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
            assert thursday.count() == 1 and thursday.item(0).text() == "⏰ 09:30 Thursday post"
            assert thursday.item(0).flags() & Qt.ItemFlag.ItemIsDragEnabled
            view.move_post(post.id, date(2026, 11, 28))
            await settle_ops()
            moved = await engine.posts.get(post.id)
            assert moved.scheduled_at == datetime(
                2026, 11, 28, 8, 30, tzinfo=UTC
            )  # 09:30 in Berlin, two days on
            assert view.days[date(2026, 11, 28)].count() == 1 and thursday.count() == 0
            view.set_month(True)
            await settle_ops()
            assert len(view.days) == 42 and view.days[date(2026, 11, 28)].count() == 1
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
            assert sum(day.count() for day in view.days.values()) == 0  # nothing read while hidden
            view.show()
            await settle_ops()
            thursday = view.days[date(2026, 11, 26)]
            assert [thursday.item(i).text() for i in range(thursday.count())] == [
                "⏰ 09:30 Written while the calendar was hidden"
            ]
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
            assert friday.count() == PER_DAY + 1
            assert friday.item(0).text() == "⏰ 08:00 Post 0"
            assert friday.item(PER_DAY - 1).text() == f"⏰ 08:{PER_DAY - 1:02d} Post {PER_DAY - 1}"
            last = friday.item(PER_DAY)
            assert last.text() == "… and 12 more (the Queue lists every post)"
            assert last.flags() == Qt.ItemFlag.NoItemFlags  # cannot be dragged, selected or opened
            await engine.posts.delete(posts[-1].id)  # one the day does not list
            await settle_ops()
            assert friday.count() == PER_DAY + 1
            assert friday.item(PER_DAY).text() == "… and 11 more (the Queue lists every post)"
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
            friday_line = view.days[date(2026, 11, 27)].item(0)
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
            assert _lines(view, 26) == [] and _lines(view, 28) == ["⏰ 09:30 Thursday post"]
            assert _lines(view, 25) == []  # not read again
            assert _lines(view, 27) == ["⏰ 10:00 Friday post"]
            assert view.days[date(2026, 11, 27)].item(0) is friday_line  # the very same line

            view.load()
            await settle_ops()
            assert _lines(view, 25) == ["⏰ 18:00 Wednesday, from elsewhere"]
            assert _lines(view, 27) == ["⏰ 10:00 Friday post", "⏰ 18:00 Friday, from elsewhere"]
        finally:
            await settle_ops()
            await engine.close()

    run_on_qasync(qapp, scenario)


def _lines(view: CalendarView, day: int) -> list[str]:
    listing = view.days[date(2026, 11, day)]
    return [listing.item(i).text() for i in range(listing.count())]
