"""Settings → General's "Publish while Outpost is closed": `outpost service` from the window.

The service's real code writes real files under a temporary home; only the OS commands
(`systemctl --user …`) are answered by a stand-in, as a user systemd manager would answer them.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from pathlib import Path

from outpost.engine import Engine
from outpost.gui.dialogs.service_switch import OFF
from outpost.gui.dialogs.settings import SettingsDialog
from outpost.gui.mainwindow import MainWindow
from outpost.gui.tasks import settle_ops
from outpost.service import UNIT, scheduler_kind
from tests.fakes import FakeClock
from tests.gui.windows import window_scenario


class FakeSystemd:
    """Answers `systemctl --user` as a running user manager does, or as one that is not there."""

    def __init__(self, *, running: bool = True) -> None:
        self.running = running
        self.commands: list[list[str]] = []

    def __call__(self, command: Sequence[str]) -> subprocess.CompletedProcess[str]:
        self.commands.append(list(command))
        if not self.running:
            return subprocess.CompletedProcess(command, 1, "", "Failed to connect to bus: No medium found\n")
        return subprocess.CompletedProcess(command, 0, "enabled\n" if "is-enabled" in command else "", "")


def _dialog(window: MainWindow, engine: Engine, home: Path, systemd: FakeSystemd) -> SettingsDialog:
    dialog = SettingsDialog(engine.settings, window, engine=engine, service_home=home, service_run=systemd)
    dialog.show()
    return dialog


def test_the_switch_installs_reflects_and_removes_the_timer(qapp, qtbot, tmp_path) -> None:
    assert scheduler_kind() == "systemd"  # the suite runs on Linux
    home = tmp_path / "home"
    timer = home / ".config" / "systemd" / "user" / f"{UNIT}.timer"
    unit = timer.with_suffix(".service")

    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        systemd = FakeSystemd()
        dialog = _dialog(window, engine, home, systemd)
        switch = dialog.service_switch
        assert switch is not None and dialog.list.currentItem().text() == "General"
        await settle_ops()
        assert switch.box.isEnabled() and not switch.box.isChecked()
        assert switch.message.text() == OFF and systemd.commands == []  # nothing installed: nothing asked
        switch.box.click()
        await settle_ops()
        assert switch.box.isChecked() and timer.exists() and "Persistent=true" in timer.read_text()
        assert f"--data-dir {engine.data_dir} run --until-idle" in unit.read_text()
        assert systemd.commands[-1] == ["systemctl", "--user", "enable", "--now", f"{UNIT}.timer"]
        assert switch.message.text() == ("Outpost now runs every 5 minutes, also while the window is closed.")
        dialog.close()
        again = _dialog(window, engine, home, systemd)  # opened later: shows what the system says
        assert again.service_switch is not None
        await settle_ops()
        assert again.service_switch.box.isChecked()
        assert again.service_switch.message.text() == "Installed and enabled."
        assert systemd.commands[-1] == ["systemctl", "--user", "is-enabled", f"{UNIT}.timer"]
        again.service_switch.box.click()
        await settle_ops()
        assert not again.service_switch.box.isChecked() and not timer.exists() and not unit.exists()
        assert systemd.commands[-1] == ["systemctl", "--user", "disable", "--now", f"{UNIT}.timer"]
        assert again.service_switch.message.text() == "Removed: Outpost runs only while its window is open."
        again.close()

    window_scenario(qapp, qtbot, tmp_path, scenario)


def test_files_written_but_not_enabled_are_said_in_red(qapp, qtbot, tmp_path) -> None:
    home = tmp_path / "home"

    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        dialog = _dialog(window, engine, home, FakeSystemd(running=False))
        switch = dialog.service_switch
        assert switch is not None
        await settle_ops()
        switch.box.click()
        await settle_ops()
        assert switch.box.isChecked()  # the files are there: unticking removes them
        assert switch.message.text() == (
            "The files are written, but systemd could not enable them: `systemctl --user daemon-reload` "
            "said 'Failed to connect to bus: No medium found'. Is it running for your user?"
        )
        assert "#cf222e" in switch.message.styleSheet() or "#f85149" in switch.message.styleSheet()
        dialog.close()

    window_scenario(qapp, qtbot, tmp_path, scenario)
