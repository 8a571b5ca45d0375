"""First run: the welcome screen, and a sandbox that publishes end to end without leaving the machine."""

from __future__ import annotations

import json
import re
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest

from outpost.domain.accounts import is_sandbox
from outpost.domain.enums import Network, PostStatus
from outpost.engine import Engine
from outpost.gui.mainwindow import MainWindow
from outpost.gui.tasks import settle_ops
from outpost.sandbox.mode import Sandbox
from outpost.sandbox.server import Received
from outpost.sandbox.sim_pinterest import BOARDS as PINTEREST_BOARDS
from tests.fakes import FakeClock, MemorySecretStore
from tests.gui.helpers import run_on_qasync
from tests.media_fixtures import png_bytes
from tests.support.no_keyring import no_keyring


@pytest.fixture
def without_keyring() -> Iterator[None]:
    with no_keyring():
        yield


def test_a_newcomer_without_a_keyring_tries_every_network_in_the_sandbox_and_publishes(
    qapp, qtbot, tmp_path: Path, without_keyring: None
) -> None:
    data = tmp_path / "d"

    async def scenario() -> None:
        engine = Engine.open(data, clock=FakeClock())  # the real adapters and the real (missing) keyring
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
            # One sandbox account per network Outpost supports: X and LinkedIn too (issue #17).
            assert sorted(a.network for a in accounts) == sorted(engine.accounts.networks)
            assert all(is_sandbox(a) for a in accounts)
            kept = json.loads((data / "sandbox" / "secrets.json").read_text())  # not in any keyring
            assert set(kept) == {a.secret_ref for a in accounts}
            assert stat.S_IMODE((data / "sandbox" / "secrets.json").stat().st_mode) == 0o600
            await window.open_composer()
            composer = window.composer
            # (a chip adds the quota left where the network reports one: "· 100 left")
            assert sorted(
                re.sub(r" · [\d,]+ left$", "", c.text()) for c in composer.chips.values()
            ) == sorted(f"Sandbox {n.label} · you" for n in engine.accounts.networks)
            composer.select(*(a.id for a in accounts))
            composer.text.setPlainText("Hello, sandbox!")
            # A picture, which every network takes and a Pin needs, and the Pin's board (issue #19).
            picture = tmp_path / "square.png"
            picture.write_bytes(png_bytes(64, 64))
            composer.attach(str(picture), "A black square")
            await settle_ops()
            composer.tabs[Network.PINTEREST].options["board_id"].setText(next(iter(PINTEREST_BOARDS)))
            composer._check_timer.stop()
            composer._check()
            await settle_ops()
            composer.previews.flush()
            for network in engine.accounts.networks:  # every network's preview, with its own rules
                preview = composer.previews.browser(network)
                assert preview is not None and "Hello, sandbox!" in preview.toPlainText(), network
            # Words alone go to the networks that take them (a YouTube post needs a video and a title).
            plain = [
                a
                for a in accounts
                if not any(o.required for o in (await engine.accounts.capabilities(a)).options)
            ]
            composer.select(*(a.id for a in plain))
            composer._check_timer.stop()
            composer._check()
            await settle_ops()
            composer.publish()
            await settle_ops()
            [post] = await engine.posts.list()
            assert post.status is PostStatus.PUBLISHED
            received = sorted((p.network, p.text) for p in sandbox.server.posts)
            assert received == sorted((a.network.value, "Hello, sandbox!") for a in plain)
        finally:
            await settle_ops()
            await engine.close()
            await sandbox.stop()

    run_on_qasync(qapp, scenario)


def test_a_sandbox_thread_goes_out_as_a_reply_chain_on_every_network_with_threads(
    qapp, qtbot, tmp_path: Path
) -> None:
    async def scenario() -> None:
        engine = Engine.open(tmp_path / "d", secrets=MemorySecretStore(), clock=FakeClock())
        sandbox = Sandbox(engine)
        window = MainWindow(engine, tray=False, sandbox=sandbox)
        qtbot.addWidget(window)
        try:
            window.try_sandbox()
            await settle_ops()
            threaded = [
                a
                for a in await engine.accounts.list()
                if (await engine.accounts.capabilities(a)).supports_threads
            ]
            assert {a.network for a in threaded} == {
                Network.MASTODON,
                Network.BLUESKY,
                Network.X,
                Network.THREADS,
            }
            await window.open_composer()
            composer = window.composer
            composer.select(*(a.id for a in threaded))
            composer.text.setPlainText("Hello, sandbox!")
            composer.add_part("A second part")
            composer._check_timer.stop()
            composer._check()
            await settle_ops()
            composer.publish()
            await settle_ops()
            [post] = await engine.posts.list()
            assert post.status is PostStatus.PUBLISHED
            assert sandbox.server is not None
            by_network: dict[str, list[Received]] = {}
            for received in sandbox.server.posts:
                by_network.setdefault(received.network, []).append(received)
            for network in ("mastodon", "bluesky", "x", "threads"):
                first, second = by_network[network]
                assert (first.text, second.text) == ("Hello, sandbox!", "A second part")
                assert first.reply_to is None and second.reply_to is not None  # a reply to the first
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
            checked = await engine.accounts.check()
            assert len(checked) == len(engine.accounts.networks)
            assert all(a.health.state.value == "ok" for a in checked), [a.health for a in checked]
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
