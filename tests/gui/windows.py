"""A main window over a real engine (fake network, one account) on a qasync loop, for window tests."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from outpost.adapters.base import AddAccountRequest
from outpost.domain.enums import Network
from outpost.engine import Engine
from outpost.gui.mainwindow import MainWindow
from outpost.gui.tasks import settle_ops
from tests.fakes import FakeClock, FakeNetwork, MemorySecretStore, fake_registry
from tests.gui.helpers import run_on_qasync

Scenario = Callable[[MainWindow, Engine, str, FakeClock], Awaitable[None]]


def window_scenario(
    qapp: object,
    qtbot: object,
    tmp_path: Path,
    scenario: Scenario,
    *,
    tray: bool | None = False,
    remote: FakeNetwork | None = None,
) -> None:
    """Run `scenario(window, engine, account_id, clock)` with the window shown and the engine started."""
    remote = remote or FakeNetwork()

    async def main() -> None:
        clock = FakeClock()
        engine = Engine.open(
            tmp_path / "d", registry=fake_registry(remote), secrets=MemorySecretStore(), clock=clock
        )
        account = await engine.accounts.add(Network.MASTODON, AddAccountRequest(access_token="good-token"))
        window = MainWindow(engine, tray=tray)
        qtbot.addWidget(window)  # type: ignore[attr-defined]
        window.show()
        try:
            await engine.start()
            await scenario(window, engine, account.id, clock)
        finally:
            window._quitting = True
            await settle_ops()
            await engine.close()

    run_on_qasync(qapp, main)
