"""The window over a real engine (fake network) on a qasync loop, driven like ENVIRONMENT.md §2 A."""

from __future__ import annotations

import asyncio
from pathlib import Path

from outpost.adapters.base import AddAccountRequest
from outpost.domain.enums import Network
from outpost.engine import Engine, PostInput, When
from outpost.gui.mainwindow import MainWindow
from outpost.gui.tasks import settle_ops
from tests.fakes import FakeClock, FakeNetwork, MemorySecretStore, fake_registry
from tests.gui.helpers import run_on_qasync


def test_window_follows_engine_events_in_queue_accounts_and_status_bar(qtbot, qapp, tmp_path: Path) -> None:
    remote = FakeNetwork()

    async def scenario() -> None:
        engine = Engine.open(
            tmp_path, registry=fake_registry(remote), secrets=MemorySecretStore(), clock=FakeClock()
        )
        window = MainWindow(engine)
        qtbot.addWidget(window)
        window.show()
        try:
            assert window.windowTitle() == "Outpost"
            assert [window.pages.tabText(i) for i in range(window.pages.count())] == [
                "Compose",
                "Queue",
                "Calendar",
                "Accounts",
            ]
            await engine.start()
            window.refresh()
            await settle_ops()
            assert not window.health.empty.isHidden() and window.queue.model.rowCount() == 0
            account = await engine.accounts.add(
                Network.MASTODON,
                AddAccountRequest(service_url="https://f.example", access_token="good-token"),
            )
            await engine.posts.create(
                PostInput(text="Hello from the queue", accounts=(account.id,)), When.now()
            )
            for _ in range(100):  # the window updates itself from the engine's events
                await settle_ops()
                if window.queue.model.rowCount() and window.health.cards:
                    break
                await asyncio.sleep(0.01)
            model = window.queue.model
            assert [model.data(model.index(0, c)) for c in (0, 2, 3)] == [
                "published",
                "Hello from the queue",
                "✓ mastodon:alice@fake.example",
            ]
            assert (
                "Connected"
                in window.health.cards[account.id]
                .findChild(object, "facts")
                .parent()
                .findChildren(type(window.health.empty))[0]
                .text()
            )
            assert window.status.state.text().startswith("Publishing running")
        finally:
            await settle_ops()
            await engine.close()

    run_on_qasync(qapp, scenario)
