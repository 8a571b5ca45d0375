"""The window's passing messages: every page says things on one bridge, the status bar shows them."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from outpost.adapters.base import AddAccountRequest
from outpost.domain.enums import Network
from outpost.domain.errors import NotFoundError
from outpost.engine import Engine, PostInput, When
from outpost.gui.mainwindow import MainWindow
from outpost.gui.messages import Level, MessageBridge
from outpost.gui.tasks import settle_ops
from tests.fakes import FakeClock, FakeNetwork, MemorySecretStore, fake_registry
from tests.gui.helpers import run_on_qasync


def test_messages_from_the_pages_reach_the_status_bar_coloured_by_level(qapp, qtbot, tmp_path: Path) -> None:
    async def scenario() -> None:
        engine = Engine.open(
            tmp_path, registry=fake_registry(FakeNetwork()), secrets=MemorySecretStore(), clock=FakeClock()
        )
        window = MainWindow(engine, tray=False)
        qtbot.addWidget(window)
        window.show()
        status = window.statusBar()
        try:
            window.composer.split_into_thread()  # no account chosen: a warning, at once
            assert (
                status.currentMessage() == "Choose an account first: its limit decides where the text breaks."
            )
            warned = status.styleSheet()
            assert "color" in warned
            account = await engine.accounts.add(
                Network.MASTODON, AddAccountRequest(access_token="good-token")
            )
            post = await engine.posts.create(
                PostInput(text="Thursday post", accounts=(account.id,)),
                When.scheduled("2026-11-26T09:30", "Europe/Berlin"),
            )
            window.calendar.move_post(post.id, date(2026, 11, 27))
            await settle_ops()
            assert status.currentMessage() == "Rescheduled."
            assert status.styleSheet() == ""  # an info line in the ordinary colour
            window.calendar.move_post("no-such-post", date(2026, 11, 27))
            await settle_ops()
            assert status.currentMessage() == "No post 'no-such-post'. See `outpost post list`."
            assert status.styleSheet() not in ("", warned)  # an error, in its own colour
            window.queue.load()
            await settle_ops()
            window.queue.table.selectRow(0)
            window.queue.cancel()
            await settle_ops()
            assert status.currentMessage() == "Cancelled."
        finally:
            await settle_ops()
            window.composer.clear()
            window._quitting = True
            window.close()
            await settle_ops()
            await engine.close()

    run_on_qasync(qapp, scenario)


def test_a_known_error_is_said_by_its_first_line_as_an_error(qapp) -> None:
    bridge = MessageBridge()
    said: list[tuple[Level, str]] = []
    bridge.said.connect(lambda level, text: said.append((level, text)))
    bridge.failed(NotFoundError("No post abc.\nList posts with `outpost post list`."))
    bridge.info("Saved.")
    assert said == [(Level.ERROR, "No post abc."), (Level.INFO, "Saved.")]
