"""First run: the welcome screen, and a sandbox that publishes end to end without leaving the machine."""

from __future__ import annotations

from pathlib import Path

from outpost.domain.accounts import is_sandbox
from outpost.domain.enums import PostStatus
from outpost.engine import Engine
from outpost.gui.mainwindow import MainWindow
from outpost.gui.tasks import settle_ops
from outpost.sandbox.mode import Sandbox
from tests.fakes import FakeClock, MemorySecretStore
from tests.gui.helpers import run_on_qasync


def test_a_newcomer_tries_outpost_in_the_sandbox_and_publishes_a_thread(qapp, qtbot, tmp_path: Path) -> None:
    async def scenario() -> None:
        engine = Engine.open(
            tmp_path / "d", secrets=MemorySecretStore(), clock=FakeClock()
        )  # the real adapters
        sandbox = Sandbox(engine)
        window = MainWindow(engine, tray=False, sandbox=sandbox)
        qtbot.addWidget(window)
        window.show()
        try:
            await window.resume()
            assert window.stack.currentWidget() is window.welcome
            window.welcome.findChild(object, "sandbox").click()
            await settle_ops()
            assert window.stack.currentWidget() is window.pages and sandbox.server is not None
            assert "nothing leaves your machine" in window.banner.text()
            accounts = await engine.accounts.list()
            assert len(accounts) == 2 and all(is_sandbox(a) for a in accounts)
            await window.open_composer()
            composer = window.composer
            assert sorted(c.text() for c in composer.chips.values()) == [
                "Sandbox Bluesky · you",
                "Sandbox Mastodon · you",
            ]
            composer.select(*(a.id for a in accounts))
            composer.text.setPlainText("Hello, sandbox!")
            composer.add_part("A second part")
            composer._check_timer.stop()
            composer._check()
            await settle_ops()
            composer.publish()
            await settle_ops()
            [post] = await engine.posts.list()
            assert post.status is PostStatus.PUBLISHED
            received = sorted((p.network, p.text) for p in sandbox.server.posts)
            assert received == [
                ("bluesky", "A second part"),
                ("bluesky", "Hello, sandbox!"),
                ("mastodon", "A second part"),
                ("mastodon", "Hello, sandbox!"),
            ]
        finally:
            await settle_ops()
            await engine.close()
            await sandbox.stop()

    run_on_qasync(qapp, scenario)


def test_the_sandbox_comes_back_on_its_port_after_a_restart(qapp, qtbot, tmp_path: Path) -> None:
    secrets = MemorySecretStore()
    ports: list[int] = []

    async def first() -> None:
        engine = Engine.open(tmp_path / "d", secrets=secrets, clock=FakeClock())
        sandbox = Sandbox(engine)
        window = MainWindow(engine, tray=False, sandbox=sandbox)
        qtbot.addWidget(window)
        try:
            window.try_sandbox()
            await settle_ops()
            assert sandbox.server is not None
            ports.append(sandbox.server.port)
        finally:
            await settle_ops()
            await engine.close()
            await sandbox.stop()

    async def second() -> None:
        engine = Engine.open(tmp_path / "d", secrets=secrets, clock=FakeClock())
        sandbox = Sandbox(engine)
        window = MainWindow(engine, tray=False, sandbox=sandbox)
        qtbot.addWidget(window)
        try:
            await window.resume()
            assert sandbox.server is not None and sandbox.server.port == ports[0]
            [checked, _] = await engine.accounts.check()
            assert checked.health.state.value == "ok"
        finally:
            await settle_ops()
            await engine.close()
            await sandbox.stop()

    run_on_qasync(qapp, first)
    run_on_qasync(qapp, second)


def test_a_window_offered_no_sandbox_shows_no_way_to_try_one(qapp, qtbot, tmp_path: Path) -> None:
    async def scenario() -> None:
        engine = Engine.open(tmp_path / "d", secrets=MemorySecretStore(), clock=FakeClock())
        window = MainWindow(engine, tray=False)  # as a window built without app.py's composition
        qtbot.addWidget(window)
        window.show()
        try:
            await window.resume()
            assert window.stack.currentWidget() is window.welcome
            assert not window.welcome.findChild(object, "sandbox").isVisible()
            assert window.welcome.findChild(object, "connect").isVisible()
            window.try_sandbox()  # nothing to start: no accounts appear, nothing listens
            await settle_ops()
            assert await engine.accounts.list() == []
        finally:
            await settle_ops()
            await engine.close()

    run_on_qasync(qapp, scenario)
