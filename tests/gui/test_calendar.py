"""The calendar: posts on their days, week and month, and moving a post to another day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from outpost.adapters.base import AddAccountRequest
from outpost.domain.enums import Network
from outpost.engine import Engine, PostInput, When
from outpost.gui.calendar.view import CalendarView
from outpost.gui.qt import Qt
from outpost.gui.tasks import settle_ops
from tests.fakes import FakeClock, FakeNetwork, MemorySecretStore, fake_registry
from tests.gui.helpers import run_on_qasync


def test_posts_sit_on_their_days_and_a_moved_post_keeps_its_time(qapp, qtbot, tmp_path: Path) -> None:
    async def scenario() -> None:
        engine = Engine.open(
            tmp_path, registry=fake_registry(FakeNetwork()), secrets=MemorySecretStore(), clock=FakeClock()
        )
        try:
            engine.update_settings(default_timezone="Europe/Berlin")
            account = await engine.add_account(Network.MASTODON, AddAccountRequest(access_token="good-token"))
            post = await engine.create_post(
                PostInput(text="Thursday post", accounts=(account.id,)),
                When.scheduled("2026-11-26T09:30", "Europe/Berlin"),
            )
            view = CalendarView(engine)
            qtbot.addWidget(view)
            view.anchor = date(2026, 11, 25)
            view.set_month(False)
            await settle_ops()
            assert view.first_day == date(2026, 11, 23)  # the week starts on Monday
            thursday = view.days[date(2026, 11, 26)]
            assert thursday.count() == 1 and thursday.item(0).text() == "⏰ 09:30 Thursday post"
            assert thursday.item(0).flags() & Qt.ItemFlag.ItemIsDragEnabled
            view.move_post(post.id, date(2026, 11, 28))
            await settle_ops()
            await settle_ops()
            moved = await engine.get_post(post.id)
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
