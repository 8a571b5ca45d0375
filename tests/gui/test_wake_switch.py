"""Settings → General: "Also wake the computer from sleep for the next scheduled post" (issue #20).

Under the "Publish while Outpost is closed" switch; the real service code writes real files under
a temporary home, and only `systemctl --user` is answered by a stand-in.
"""

from __future__ import annotations

from outpost.engine import Engine, PostInput, When
from outpost.gui.mainwindow import MainWindow
from outpost.gui.tasks import settle_ops
from tests.fakes import FakeClock
from tests.gui.test_service_switch import FakeSystemd, _dialog
from tests.gui.windows import window_scenario


def test_the_wake_box_wakes_the_computer_for_the_next_post_and_only_while_the_service_runs(
    qapp, qtbot, tmp_path
) -> None:
    home = tmp_path / "home"
    wake = home / ".config" / "systemd" / "user" / "outpost-wake.timer"

    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        await engine.posts.create(
            PostInput(text="at nine", accounts=(account,)), When.scheduled("2026-11-26T09:00Z")
        )
        await settle_ops()
        systemd = FakeSystemd()
        dialog = _dialog(window, engine, home, systemd)
        switch = dialog.service_switch
        assert switch is not None
        await settle_ops()
        assert not switch.wake.isEnabled()  # nothing runs Outpost yet: nothing to wake for
        switch.box.click()
        await settle_ops()
        assert switch.wake.isEnabled() and not switch.wake.isChecked() and not wake.exists()
        switch.wake.click()
        await settle_ops()
        assert switch.wake.isChecked() and "WakeSystem=true" in wake.read_text()
        assert "OnCalendar=2026-11-26 09:00:00 UTC" in wake.read_text()
        assert ["systemctl", "--user", "enable", "--now", "outpost-wake.timer"] in systemd.commands
        assert "wakes the computer for the next scheduled post" in switch.message.text()
        switch.wake.click()
        await settle_ops()
        assert not switch.wake.isChecked() and not wake.exists() and switch.box.isChecked()
        assert systemd.commands[-1] == ["systemctl", "--user", "disable", "--now", "outpost-wake.timer"]
        switch.wake.click()
        await settle_ops()
        switch.box.click()  # removing the service removes the wake too
        await settle_ops()
        assert not wake.exists() and not switch.wake.isEnabled()
        dialog.close()

    window_scenario(qapp, qtbot, tmp_path, scenario)
