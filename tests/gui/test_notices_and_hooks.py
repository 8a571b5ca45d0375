"""Mentions and take-offs in the tray (rate-limited), "Do not disturb", and Settings → Hooks.

Offscreen, over a real engine on a fake clock: the events come from the engine's bus, as the
mention watcher and the stats collector send them.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from outpost.config.settings import load_settings
from outpost.engine import Engine, PostInput
from outpost.engine.events import EngagementSpike, MentionReceived
from outpost.gui.dialogs.hooks import HooksSection
from outpost.gui.dialogs.quiet import QuietEditor
from outpost.gui.dialogs.settings import HOOKS, SettingsDialog
from outpost.gui.mainwindow import MainWindow
from outpost.gui.qt import QDialogButtonBox, Qt
from outpost.gui.tasks import settle_ops
from tests.conftest import until
from tests.fakes import FakeClock
from tests.gui.windows import window_scenario


def _mention(account: str, author: str, text: str = "Nice post!") -> MentionReceived:
    return MentionReceived(account, "mastodon", author, text, "https://elsewhere.example/@x/1")


def test_mentions_come_one_notice_then_the_rest_together(qapp, qtbot, tmp_path) -> None:
    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        notifier = window.notifier
        for author in ("@bob@elsewhere.example", "@carol", "@dave", "@carol", "@erin", "@frank"):
            engine.events.emit(_mention(account, author))
        engine.events.emit(spike("post_1", account, "42 likes in 1 h, 6× your usual"))
        engine.events.emit(spike("post_2", account, "12 replies in 1 h"))
        assert notifier.shown == [
            ("@bob@elsewhere.example mentioned you on Mastodon", "“Nice post!”"),
            ("A post is taking off on Mastodon", "42 likes in 1 h, 6× your usual"),
        ]
        notifier.flush_notices()
        assert len(notifier.shown) == 2  # the rest waits for the end of the 5 minutes
        clock.advance(timedelta(minutes=5))
        notifier.flush_notices()
        assert notifier.shown[2:] == [
            ("5 more mentions", "From @carol, @dave, @erin and 1 other."),
            ("1 more post is taking off", "See how they do in Outpost."),
        ]
        notifier.flush_notices()
        engine.events.emit(_mention(account, "@gina"))  # within 5 minutes of the "more" notice
        clock.advance(timedelta(minutes=5))
        notifier.flush_notices()
        assert notifier.shown[4:] == [("1 more mention", "From @gina.")]
        clock.advance(timedelta(minutes=6))
        engine.events.emit(_mention(account, "@hal", "a question about the workshop on Saturday morning"))
        assert notifier.shown[-1] == (
            "@hal mentioned you on Mastodon",
            "“a question about the workshop on Saturday morning”",
        )

    window_scenario(qapp, qtbot, tmp_path, scenario)


def test_do_not_disturb_keeps_the_tray_silent_in_its_window_and_sums_up_after(qapp, qtbot, tmp_path) -> None:
    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        notifier = window.notifier
        engine.update_settings(default_timezone="Europe/Berlin", notifications_quiet="22:00-07:00")
        clock.set(datetime(2026, 11, 25, 21, 30, tzinfo=UTC))  # 22:30 in Berlin: quiet
        before = len(notifier.shown)
        engine.events.emit(_mention(account, "@bob"))
        post = await engine.posts.create(PostInput(text="late night", accounts=(account,)))
        notifier.post_changed(post)
        notifier.post_changed(await engine.posts.publish(post.id))
        notifier.flush_notices()
        assert notifier.shown[before:] == [] and window.banner_row.isHidden()
        assert [title for title, _ in notifier.held] == ["@bob mentioned you on Mastodon", "Published"]

        clock.set(datetime(2026, 11, 26, 5, 59, tzinfo=UTC))  # 06:59 in Berlin: still quiet
        notifier.flush_notices()
        assert notifier.shown[before:] == []
        clock.set(datetime(2026, 11, 26, 6, 0, tzinfo=UTC))  # 07:00: the window is over
        notifier.flush_notices()
        assert notifier.shown[before:] == [
            ("While “Do not disturb” was on: 2 notices", "@bob mentioned you on Mastodon; Published."),
        ]
        engine.update_settings(notifications_quiet="on")
        engine.events.emit(_mention(account, "@carol"))
        clock.advance(timedelta(hours=12))
        notifier.flush_notices()
        assert len(notifier.shown) == before + 1  # "on" is quiet all day
        engine.update_settings(notifications_quiet="off")
        notifier.flush_notices()
        assert notifier.shown[-1][0] == "While “Do not disturb” was on: 1 notice"

    window_scenario(qapp, qtbot, tmp_path, scenario)


def test_settings_set_do_not_disturb_and_add_and_remove_hooks(qapp, qtbot, tmp_path) -> None:
    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        window.open_settings()
        [dialog] = [d for d in window.findChildren(SettingsDialog) if d.isVisible()]
        quiet = dialog.widgets["notifications_quiet"]
        assert isinstance(quiet, QuietEditor) and quiet.value() == "off"
        quiet.mode.setCurrentIndex(quiet.mode.findData("window"))
        quiet.start.setCurrentText("22:30")
        quiet.end.setCurrentText("06:00")
        dialog.show_page(HOOKS)
        hooks = dialog.hooks
        assert isinstance(hooks, HooksSection) and hooks.isVisible()
        await settle_ops()
        assert hooks.list.item(0).text() == "No hooks yet."

        hooks.target.setText("example.com/hook")
        hooks.add_button.click()
        await settle_ops()
        assert "is not a web address" in hooks.result.text() and "--url" not in hooks.result.text()
        hooks.target.setText("https://example.com/hook")
        hooks.add_button.click()
        await until(lambda: "shown only now" in hooks.result.text())
        await settle_ops()
        [hook] = await engine.hooks.list()
        assert hook.url == "https://example.com/hook" and hook.event.value == "post_published"
        secret = hooks.result.text().split("\n")[1]
        assert len(secret) == 64 and hooks.copy_button.isVisible()
        hooks.copy_button.click()
        assert qapp.clipboard().text() == secret
        assert (
            hooks.list.item(0).text()
            == "A post is published → POST to https://example.com/hook — not sent yet"
        )

        hooks.event_box.setCurrentIndex(hooks.event_box.findData("mention_received"))
        hooks.kind.setCurrentIndex(hooks.kind.findData("command"))
        hooks.target.setText("notify-me --loud")
        hooks.add_button.click()
        await until(lambda: hooks.list.count() == 2)
        assert not hooks.copy_button.isVisible()
        hooks.list.setCurrentRow(0)
        hooks.remove_button.click()
        await until(lambda: hooks.list.count() == 1)
        assert [h.command for h in await engine.hooks.list()] == ["notify-me --loud"]
        assert hooks.list.item(0).data(Qt.ItemDataRole.UserRole) is not None

        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Save).click()
        await settle_ops()
        assert load_settings(engine.data_dir).notifications_quiet == "22:30-06:00"
        assert secret not in (engine.data_dir / "settings.json").read_text()

    window_scenario(qapp, qtbot, tmp_path, scenario)


def spike(post_id: str, account: str, message: str) -> EngagementSpike:
    """A spike as the stats collector reports one."""
    return EngagementSpike(
        post_id=post_id,
        account_id=account,
        network="mastodon",
        platform_post_id=f"remote-{post_id}",
        permalink=None,
        engagements=42,
        usual=7.0,
        threshold=21.0,
        history=12,
        age="1 h",
        noticed_at=datetime(2026, 11, 25, 13, 0, tzinfo=UTC),
        message=message,
    )
