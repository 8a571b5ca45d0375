"""The composer inside the real window, on a real engine with two fake networks (Mastodon, Bluesky).

Shared by the composer's test modules: `open_window(...)` runs a scenario on a qasync loop with
the accounts connected, then lets go of everything (timers stopped, engine closed).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from outpost.domain.enums import Network
from outpost.engine import AddAccountRequest, Engine
from outpost.gui.composer.widget import ComposerWidget
from outpost.gui.mainwindow import MainWindow
from outpost.gui.messages import Level
from outpost.gui.tasks import settle_ops
from tests.fakes import FakeClock, FakeNetwork, MemorySecretStore, fake_registry
from tests.gui.helpers import run_on_qasync

Scenario = Callable[[MainWindow, Engine], Awaitable[None]]
ACCOUNTS = ((Network.MASTODON, "alice@m.example"), (Network.BLUESKY, "alice.b.example"))


def networks() -> tuple[FakeNetwork, FakeNetwork]:
    """A Mastodon that takes 500 characters and a Bluesky that takes 300."""
    return FakeNetwork(network=Network.MASTODON, max_length=500), FakeNetwork(
        network=Network.BLUESKY, max_length=300
    )


def open_window(
    qapp: object,
    qtbot: object,
    scenario: Scenario,
    *,
    data: Path,
    remotes: tuple[FakeNetwork, ...],
    secrets: MemorySecretStore,
    add_accounts: bool = True,
    clock: FakeClock | None = None,
) -> None:
    """Run `scenario(window, engine)` in a shown window whose composer has loaded its accounts."""

    async def main() -> None:
        engine = Engine.open(
            data, registry=fake_registry(*remotes), secrets=secrets, clock=clock or FakeClock()
        )
        if add_accounts:
            for network, handle in ACCOUNTS:
                await engine.accounts.add(
                    network, AddAccountRequest(handle=handle, access_token="good-token")
                )
        window = MainWindow(engine, tray=False)
        qtbot.addWidget(window)  # type: ignore[attr-defined]
        window.show()
        try:
            await window.open_composer()
            await settle_ops()  # the chips' reloads for the accounts just added are over
            await scenario(window, engine)
        finally:
            await settle_ops()
            window.composer._check_timer.stop()
            window.composer._save_timer.stop()
            await engine.close()

    run_on_qasync(qapp, main)


async def checked(composer: ComposerWidget) -> None:
    """Wait until the throttled check of what was typed has come back."""
    composer._check_timer.stop()
    composer._check()
    await settle_ops()


def said(window: MainWindow) -> list[tuple[Level, str]]:
    """Start collecting what the window's pages say on its message bridge."""
    heard: list[tuple[Level, str]] = []
    window.messages.said.connect(lambda level, text: heard.append((level, text)))
    return heard
