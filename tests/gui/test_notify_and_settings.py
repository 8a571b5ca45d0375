"""Notices (tray or banner), reminders, the status area, settings, and quitting with posts scheduled."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from outpost.adapters.base import DeveloperApp
from outpost.config.settings import Settings, load_settings
from outpost.domain.enums import Network
from outpost.engine import Engine, PostInput, When
from outpost.engine.events import MediaPrepareDidProgress
from outpost.gui.dialogs.settings import SettingsDialog, TimeZoneBox
from outpost.gui.mainwindow import MainWindow
from outpost.gui.qt import QDialogButtonBox, QLabel, QPushButton, QSystemTrayIcon, is_alive
from outpost.gui.status import StatusArea, countdown
from outpost.gui.tasks import settle_ops
from tests.conftest import until
from tests.fakes import START, FakeClock, FakeNetwork
from tests.gui.windows import window_scenario


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


def test_an_account_that_breaks_is_said_at_once_with_the_posts_it_puts_at_risk(qapp, qtbot, tmp_path) -> None:
    remote = FakeNetwork()

    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        await engine.accounts.check(account)  # healthy: the window knows the account as working
        await settle_ops()
        for at in ("2026-11-26T09:00:00Z", "2026-11-27T09:00:00Z"):
            await engine.posts.create(PostInput(text="later", accounts=(account,)), When.scheduled(at))
        remote.tokens.clear()  # the token was revoked on the network
        await engine.accounts.check(account)  # the health monitor's next look
        await settle_ops()
        title, text = window.notifier.shown[-1]
        assert title.endswith("needs reconnecting")
        assert "2 scheduled posts will fail unless you reconnect it (the first Thu 26 Nov 09:00 UTC)" in text
        await engine.accounts.check(account)
        await settle_ops()
        assert len([n for n in window.notifier.shown if n[0].endswith("needs reconnecting")]) == 1  # once

    window_scenario(qapp, qtbot, tmp_path, scenario, remote=remote)


def test_reminder_before_a_scheduled_post(qapp, qtbot, tmp_path) -> None:
    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        await engine.posts.create(
            PostInput(text="soon", accounts=(account,)), When.scheduled("2026-11-25T12:10:00Z")
        )
        window.notifier.check_reminders()
        await settle_ops()
        assert window.notifier.shown[-1] == ("Going out in 10 min", "“soon” to 1 account")
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


def test_status_area_says_the_day_the_time_and_how_long_until_the_next_post(qtbot) -> None:
    now = datetime(2026, 12, 1, 9, 45, tzinfo=UTC)  # a Tuesday
    area = StatusArea(now=lambda: now, zone=ZoneInfo("Europe/Berlin"))
    qtbot.addWidget(area)
    area.engine_state(True, False, datetime(2026, 12, 24, 7, 0, tzinfo=UTC))
    assert area.state.text() == "Publishing running · next post Thu 24 Dec, 08:00 (in 22 days)"
    area.engine_state(True, False, now + timedelta(hours=2, minutes=5, seconds=30))
    assert area.state.text() == "Publishing running · next post today, 12:50 (in 2 h 05 min)"
    area.engine_state(True, True, datetime(2026, 12, 2, 8, 0, tzinfo=UTC))
    assert area.state.text() == "Publishing paused · next post tomorrow, 09:00 (in 22 h 15 min)"
    area.engine_state(True, False, datetime(2027, 1, 5, 8, 0, tzinfo=UTC))
    assert "next post Tue 5 Jan 2027, 09:00 (in 34 days)" in area.state.text()
    area.set_zone(ZoneInfo("America/New_York"))
    assert "next post Tue 5 Jan 2027, 03:00" in area.state.text()
    area.engine_state(True, False, None)
    assert area.state.text() == "Publishing running · nothing scheduled"


def test_countdown_words() -> None:
    now = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    assert countdown(now + timedelta(days=22, hours=6), now) == "in 22 days"
    assert countdown(now + timedelta(days=1, hours=6), now) == "in 1 day 6 h"
    assert countdown(now + timedelta(days=1), now) == "in 1 day"
    assert countdown(now + timedelta(minutes=4, seconds=10), now) == "in 4 min 10 s"
    assert countdown(now + timedelta(seconds=45), now) == "in 45 s"
    assert countdown(now - timedelta(seconds=5), now) == "now"


def test_status_area_shows_uploads(qtbot) -> None:
    area = StatusArea()
    qtbot.addWidget(area)
    area.upload("p", "a", 250_000_000, 1_000_000_000)
    assert not area.progress.isHidden() and area.progress.value() == 25
    area.upload("p", "a", 1_000_000_000, 1_000_000_000)
    assert area.progress.isHidden()


def test_the_window_shows_a_video_being_prepared_before_it_uploads(qapp, qtbot, tmp_path) -> None:
    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        engine.events.emit(MediaPrepareDidProgress("p", account, "m", 30, 120))  # as the publisher does
        await settle_ops()
        bar = window.status.progress
        assert not bar.isHidden() and bar.value() == 25 and bar.format() == "Preparing video 25 %"
        engine.events.emit(MediaPrepareDidProgress("p", account, "m", 120, 120))
        await settle_ops()
        assert bar.isHidden()

    window_scenario(qapp, qtbot, tmp_path, scenario)


def test_the_window_shows_times_in_the_settings_time_zone(qapp, qtbot, tmp_path) -> None:
    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        await engine.posts.create(
            PostInput(text="later", accounts=(account,)), When.scheduled("2026-11-26T09:00:00Z")
        )
        engine.update_settings(default_timezone="Asia/Tokyo")
        for _ in range(50):
            await settle_ops()
            if "next post" in window.status.state.text():
                break
            await asyncio.sleep(0.01)
        # The engine's clock says 25 Nov 12:00 UTC: in Tokyo the post goes out tomorrow at 18:00.
        assert "next post tomorrow, 18:00 (in 21 h 00 min)" in window.status.state.text()

    window_scenario(qapp, qtbot, tmp_path, scenario)


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


# -- settings as pages ---------------------------------------------------------------------------------


def _open_settings(window: MainWindow) -> SettingsDialog:
    window.open_settings()
    [dialog] = [d for d in window.findChildren(SettingsDialog) if d.isVisible()]
    return dialog


def _save(dialog: SettingsDialog) -> None:
    dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()


def test_settings_are_pages_listed_on_the_left(qapp, qtbot, tmp_path) -> None:
    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        dialog = _open_settings(window)
        titles = [dialog.list.item(i).text() for i in range(dialog.list.count())]
        assert titles == [
            "General",
            "Posting schedule",
            "Accounts & developer apps",
            "Media host",
            "Notifications",
            "Hooks",
            "Snippets",
            "Links & costs",
            "Advanced",
        ]
        # Every setting a person may change is on exactly one page; none is left out.
        kept = {"version"} | {name for name in Settings.model_fields if name.startswith("composer_")}
        assert set(dialog.page_of) == set(Settings.model_fields) - kept
        assert dialog.page_of["theme"] == dialog.page_of["default_timezone"] == 0
        dialog.list.setCurrentRow(3)
        page = dialog.stack.currentWidget()
        assert page.isVisible() and dialog.media_host is not None and dialog.media_host.isVisible()
        shown = " ".join(label.text() for label in page.findChildren(QLabel))
        assert "Threads and Instagram" in shown and "expires within the hour" in shown
        # The window names settings in words, never by their keys.
        words = " ".join(label.text() for label in dialog.findChildren(QLabel))
        for key in (name for name in Settings.model_fields if "_" in name):
            assert key not in words, key
        assert not re.search(r"(^|\s)--[a-z]", words)  # nor command-line flags
        combo = dialog.widgets["missed_post_policy"]
        assert [combo.itemText(i) for i in range(combo.count())] == [
            "Hold them for my review",
            "Publish them late",
        ]
        assert "Open folder" in [b.text() for b in dialog.findChildren(QPushButton)]  # the data folder
        dialog.reject()

    window_scenario(qapp, qtbot, tmp_path, scenario)


def test_the_time_zone_is_picked_from_a_searchable_list(qapp, qtbot, tmp_path) -> None:
    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        dialog = _open_settings(window)
        picker = dialog.widgets["default_timezone"]
        assert isinstance(picker, TimeZoneBox)
        assert picker.itemText(0).startswith("This computer's zone") and picker.zone() is None
        assert picker.findData("Europe/Berlin") > 0 and picker.findData("America/New_York") > 0
        completer = picker.completer()
        completer.setCompletionPrefix("new york")  # part of a name, any case
        assert completer.currentCompletion() == "America/New York"
        picker.setEditText("America/New York")
        assert picker.zone() == "America/New_York"
        _save(dialog)
        await settle_ops()
        assert not (is_alive(dialog) and dialog.isVisible())  # closed, and deleted later
        assert load_settings(engine.data_dir).default_timezone == "America/New_York"
        again = _open_settings(window)
        chosen = again.widgets["default_timezone"]
        assert chosen.itemText(0) == "America/New York" and chosen.itemData(1) is None  # current first
        chosen.setEditText("Atlantis/Lost City")
        _save(again)
        assert again.isVisible() and "is not a time zone Outpost knows" in again.error.text()
        assert again.list.currentRow() == 0
        again.reject()

    window_scenario(qapp, qtbot, tmp_path, scenario)


def test_a_wrong_slot_keeps_the_dialog_open_on_its_page_and_names_the_setting_in_words(
    qapp, qtbot, tmp_path
) -> None:
    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        dialog = _open_settings(window)
        dialog.slots["monday"].setText("09:00, 17:30")
        dialog.findChild(QPushButton, "copy_monday").click()
        assert dialog.slots["friday"].text() == "09:00, 17:30" and dialog.slots["saturday"].text() == ""
        dialog.slots["tuesday"].setText("25:00")
        dialog.list.setCurrentRow(0)
        _save(dialog)
        assert dialog.isVisible()
        assert dialog.list.currentItem().text() == "Posting schedule"
        assert dialog.error.text().startswith("Posting schedule: tuesday: '25:00' is not a time like 09:30")
        assert "posting_schedule" not in dialog.error.text() and "Value error" not in dialog.error.text()
        dialog.slots["tuesday"].setText("10:00")
        _save(dialog)
        await settle_ops()
        assert not (is_alive(dialog) and dialog.isVisible())  # closed, and deleted later
        assert load_settings(engine.data_dir).posting_schedule["tuesday"] == ["10:00"]
        assert window.statusBar().currentMessage() == "Settings saved."

    window_scenario(qapp, qtbot, tmp_path, scenario)


def test_posts_missed_while_asleep_are_named_with_how_late(qapp, qtbot, tmp_path) -> None:
    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        texts = ["Spring workshop: registrations open for the April session", "Hi"] + [
            f"Post {n}" for n in range(5)
        ]
        for minutes, text in enumerate(texts, start=10):
            await engine.posts.create(
                PostInput(text=text, accounts=(account,)), When.scheduled(f"2026-11-25T12:{minutes}Z")
            )
        await until(lambda: START + timedelta(minutes=10) in clock.waiting_until)  # naps till 12:10
        clock.suspend(timedelta(hours=2, minutes=24))  # the lid is closed 12:00–14:24
        await until(lambda: len(window.notifier.shown) > 0)
        assert window.notifier.shown[-1] == (
            "Missed while the computer slept",
            "“Spring workshop: registrations…” 2 h 14 min late, “Hi” 2 h 13 min late, "
            "“Post 0” 2 h 12 min late and 4 more. They wait for your review in the Queue.",
        )
        assert window.statusBar().currentMessage() == (
            "7 posts came due while the computer was asleep: held for your review in the Queue."
        )

    window_scenario(qapp, qtbot, tmp_path, scenario)
