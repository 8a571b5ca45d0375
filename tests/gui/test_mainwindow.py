"""The window over a real engine (fake network) on a qasync loop, driven like ENVIRONMENT.md §2 A."""

from __future__ import annotations

import asyncio
from pathlib import Path

from outpost.adapters.base import AddAccountRequest
from outpost.domain.enums import Network
from outpost.engine import Engine, PostInput, When
from outpost.gui.mainwindow import MainWindow
from tests.fakes import FakeClock, FakeNetwork, MemorySecretStore, fake_registry
from tests.gui.helpers import run_on_qasync


def test_window_shows_posts_and_accounts_and_follows_engine_events(qtbot, qapp, tmp_path: Path) -> None:
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
            await engine.start()
            window.refresh()
            while window.accounts.count() == 0:
                await asyncio.sleep(0.01)
            assert window.accounts.item(0).text() == "No accounts connected yet."
            account = await engine.add_account(
                Network.MASTODON,
                AddAccountRequest(service_url="https://f.example", access_token="good-token"),
            )
            await engine.create_post(
                PostInput(text="Hello from the queue", accounts=(account.id,)), When.now()
            )
            while window.posts.count() == 0 or "published" not in window.posts.item(0).text():
                await asyncio.sleep(0.01)  # the window refreshed itself from the engine's events
            assert "Hello from the queue" in window.posts.item(0).text()
            assert window.accounts.item(0).text() == "mastodon:alice@fake.example · ok"
            assert "Publishing running" in window.statusBar().currentMessage()
        finally:
            await engine.close()

    run_on_qasync(qapp, scenario)
