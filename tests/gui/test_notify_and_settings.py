"""Notices (tray or banner), reminders, the status area, settings, and quitting with posts scheduled."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from outpost.adapters.base import AddAccountRequest, DeveloperApp
from outpost.config.settings import load_settings
from outpost.domain.enums import Network
from outpost.engine import Engine, PostInput, When
from outpost.gui.dialogs.settings import SettingsDialog
from outpost.gui.mainwindow import MainWindow
from outpost.gui.qt import QMessageBox, QSystemTrayIcon
from outpost.gui.status import StatusArea, countdown
from outpost.gui.tasks import settle_ops
from tests.fakes import FakeClock, FakeNetwork, MemorySecretStore, fake_registry
from tests.gui.helpers import run_on_qasync


def window_scenario(
    qapp, qtbot, tmp_path: Path, scenario, *, tray: bool | None = False, remote: FakeNetwork | None = None
) -> None:
    remote = remote or FakeNetwork()

    async def main() -> None:
        clock = FakeClock()
        engine = Engine.open(
            tmp_path / "d", registry=fake_registry(remote), secrets=MemorySecretStore(), clock=clock
        )
        account = await engine.accounts.add(Network.MASTODON, AddAccountRequest(access_token="good-token"))
        window = MainWindow(engine, tray=tray)
        qtbot.addWidget(window)
        window.show()
        try:
            await engine.start()
            await scenario(window, engine, account.id, clock)
        finally:
            window._quitting = True
            await settle_ops()
            await engine.close()

    run_on_qasync(qapp, main)


def test_without_a_tray_notices_appear_in_the_window(qapp, qtbot, tmp_path) -> None:
    remote = FakeNetwork()

    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        assert window.notifier.tray is None
        remote.tokens.clear()
        post = await engine.posts.create(PostInput(text="doomed", accounts=(account,)))
        window.notifier.post_changed(post)
        failed = await engine.posts.publish(post.id)
        window.notifier.post_changed(failed)
        assert not window.banner_row.isHidden()
        assert window.banner.text().startswith("Could not publish: “doomed” — ")

    window_scenario(qapp, qtbot, tmp_path, scenario, remote=remote)


def test_reminder_before_a_scheduled_post(qapp, qtbot, tmp_path) -> None:
    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        await engine.posts.create(
            PostInput(text="soon", accounts=(account,)), When.scheduled("2026-11-25T12:10:00Z")
        )
        window.notifier.check_reminders()
        await settle_ops()
        assert window.notifier.shown[-1] == ("Going out in 10 min", "“soon” to 1 account(s)")
        window.notifier.check_reminders()
        await settle_ops()
        assert len([n for n in window.notifier.shown if n[0].startswith("Going out")]) == 1  # once per post

    window_scenario(qapp, qtbot, tmp_path, scenario)


def test_with_a_tray_there_is_a_menu_and_closing_can_keep_running(qapp, qtbot, tmp_path, monkeypatch) -> None:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QSystemTrayIcon, "showMessage", lambda self, title, text, *a: shown.append((title, text))
    )

    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        tray = window.notifier.tray
        assert tray is not None
        assert [a.text() for a in tray.contextMenu().actions()] == [
            "New post",
            "Show queue",
            "Pause publishing",
            "Quit",
        ]
        engine.update_settings(close_to_tray=True)
        window.close()
        assert window.isHidden() and shown[-1][0] == "Outpost keeps running"
        tray.contextMenu().actions()[2].trigger()
        assert engine.paused and tray.contextMenu().actions()[2].text() == "Resume publishing"

    window_scenario(qapp, qtbot, tmp_path, scenario, tray=True)


def test_closing_with_scheduled_posts_warns_and_can_be_called_off(qapp, qtbot, tmp_path, monkeypatch) -> None:
    asked: list[str] = []

    def answer(parent, title, text, *args):
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", answer)

    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        await engine.posts.create(
            PostInput(text="later", accounts=(account,)), When.scheduled("2026-11-26T09:00:00Z")
        )
        for _ in range(50):
            await settle_ops()
            if window.status.has_scheduled:
                break
            await __import__("asyncio").sleep(0.01)
        window.close()
        assert window.isVisible() and "will not go out while Outpost is closed" in asked[0]

    window_scenario(qapp, qtbot, tmp_path, scenario)


def test_status_area_counts_down_and_shows_uploads(qtbot) -> None:
    area = StatusArea()
    qtbot.addWidget(area)
    now = datetime.now(UTC)
    area.engine_state(True, False, now + timedelta(hours=2, minutes=5, seconds=30))
    assert "Publishing running · next post" in area.state.text() and "in 2 h 05 min" in area.state.text()
    area.upload("p", "a", 250_000_000, 1_000_000_000)
    assert not area.progress.isHidden() and area.progress.value() == 25
    area.upload("p", "a", 1_000_000_000, 1_000_000_000)
    assert area.progress.isHidden()
    assert countdown(now + timedelta(seconds=45), now) == "in 45 s"
    assert countdown(now - timedelta(seconds=5), now) == "now"


def test_settings_dialog_is_generated_from_the_model_and_saves_atomically(qapp, qtbot, tmp_path) -> None:
    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        dialog = SettingsDialog(engine.settings)
        qtbot.addWidget(dialog)
        assert set(dialog.widgets) >= {
            "default_timezone",
            "missed_post_policy",
            "reminder_minutes",
            "theme",
            "posting_schedule",
            "close_to_tray",
            "media_host_url",
        }
        dialog.widgets["reminder_minutes"].setValue(30)  # type: ignore[attr-defined]
        dialog.slots["monday"].setText("17:30, 09:00")
        engine.update_settings(**dialog.changes())
        saved = load_settings(engine.data_dir)
        assert saved.reminder_minutes == 30 and saved.posting_schedule == {"monday": ["09:00", "17:30"]}
        dialog.slots["tuesday"].setText("25:00")
        with pytest.raises(Exception, match="25:00"):
            engine.update_settings(**dialog.changes())

    window_scenario(qapp, qtbot, tmp_path, scenario)


def test_the_theme_setting_switches_the_whole_app(qapp, qtbot, tmp_path) -> None:
    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        engine.update_settings(theme="dark")
        assert qapp.palette().window().color().lightness() < 60
        engine.update_settings(theme="light")
        assert qapp.palette().window().color().lightness() > 200
        engine.update_settings(theme="system")

    window_scenario(qapp, qtbot, tmp_path, scenario)


def test_developer_app_credentials_go_to_the_keyring_not_the_settings_file(qapp, qtbot, tmp_path) -> None:
    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        dialog = SettingsDialog(engine.settings, engine=engine)
        qtbot.addWidget(dialog)
        dialog.app_network.setCurrentIndex(dialog.app_network.findData("x"))
        dialog.client_id.setText("my-client-id")
        dialog.client_secret.setText("my-client-secret")
        dialog.redirect_port.setValue(8790)
        assert "http://127.0.0.1:8790/callback" in dialog.app_steps.text()  # the steps follow the port
        dialog._save_app()
        await settle_ops()
        assert await engine.accounts.app(Network.X) == DeveloperApp("my-client-id", "my-client-secret", 8790)
        assert "saved in the keyring" in dialog.error.text() and dialog.client_secret.text() == ""
        engine.update_settings(**dialog.changes())
        assert "my-client-secret" not in (engine.data_dir / "settings.json").read_text()

    window_scenario(qapp, qtbot, tmp_path, scenario)
