"""The OS scheduler files `outpost service install` writes, for each operating system, and the command."""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from outpost import service
from tests.support.program import outpost_env, run_outpost

COMMAND = [
    "/opt/outpost/bin/python",
    "-m",
    "outpost",
    "--data-dir",
    "/home/me/Outpost data",
    "run",
    "--until-idle",
]


def test_the_systemd_timer_runs_every_n_minutes_and_catches_up_after_sleep(tmp_path: Path) -> None:
    unit, timer = service.service_files("systemd", COMMAND, 10, tmp_path)
    assert unit.path == tmp_path / ".config/systemd/user/outpost-scheduler.service"
    assert "Type=oneshot" in unit.content
    assert (
        'ExecStart=/opt/outpost/bin/python -m outpost --data-dir "/home/me/Outpost data" run --until-idle'
        in unit.content
    )
    assert "OnCalendar=*:0/10" in timer.content and "Persistent=true" in timer.content
    assert "WantedBy=timers.target" in timer.content


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
def test_systemd_accepts_the_files(tmp_path: Path) -> None:
    files = service.service_files("systemd", ["/bin/true", "run", "--until-idle"], 5, tmp_path)
    for item in files:
        item.path.parent.mkdir(parents=True, exist_ok=True)
        item.path.write_text(item.content)
    checked = subprocess.run(
        ["systemd-analyze", "verify", *(str(f.path) for f in files)],
        capture_output=True,
        text=True,
        check=False,
    )
    complaints = [line for line in checked.stderr.splitlines() if "outpost-scheduler" in line]
    assert checked.returncode == 0 and complaints == [], checked.stderr


def test_the_launchd_agent_runs_at_an_interval_and_at_load(tmp_path: Path) -> None:
    [plist] = service.service_files("launchd", COMMAND, 5, tmp_path)
    assert plist.path == tmp_path / "Library/LaunchAgents/app.outpost.scheduler.plist"
    root = ET.fromstring(plist.content.split("\n", 2)[2])  # past the XML and DOCTYPE lines
    keys = [e.text for e in root.find("dict") if e.tag == "key"]  # type: ignore[union-attr]
    assert keys == ["Label", "ProgramArguments", "StartInterval", "RunAtLoad"]
    assert [e.text for e in root.iter("string")][1:] == COMMAND
    assert root.find("dict/integer").text == "300"  # type: ignore[union-attr]


def test_the_windows_task_starts_as_soon_as_possible_after_a_missed_start(tmp_path: Path) -> None:
    [task] = service.service_files("task_scheduler", COMMAND, 15, tmp_path)
    namespace = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}
    root = ET.fromstring(task.content.split("\n", 1)[1])
    assert root.findtext("t:Settings/t:StartWhenAvailable", namespaces=namespace) == "true"
    assert root.findtext("t:Triggers/t:TimeTrigger/t:Repetition/t:Interval", namespaces=namespace) == "PT15M"
    assert root.findtext("t:Actions/t:Exec/t:Command", namespaces=namespace) == COMMAND[0]
    assert '"/home/me/Outpost data"' in (
        root.findtext("t:Actions/t:Exec/t:Arguments", namespaces=namespace) or ""
    )


def test_install_writes_the_files_even_when_the_os_scheduler_refuses_and_says_why(tmp_path: Path) -> None:
    asked: list[list[str]] = []

    def no_user_manager(command: Sequence[str]) -> subprocess.CompletedProcess[str]:
        asked.append(list(command))
        return subprocess.CompletedProcess(command, 1, "", "Failed to connect to bus: No medium found")

    state = service.install(5, tmp_path / "data", home=tmp_path, kind="systemd", run=no_user_manager)
    assert not state.enabled and all(p.exists() for p in state.files) and len(state.files) == 2
    assert "No medium found" in state.message and asked[0] == ["systemctl", "--user", "daemon-reload"]

    def fine(command: Sequence[str]) -> subprocess.CompletedProcess[str]:
        asked.append(list(command))
        return subprocess.CompletedProcess(command, 0, "", "")

    assert service.install(5, None, home=tmp_path, kind="systemd", run=fine).enabled
    assert ["systemctl", "--user", "enable", "--now", "outpost-scheduler.timer"] in asked
    assert service.status(home=tmp_path, kind="systemd", run=fine).enabled
    removed = service.remove(home=tmp_path, kind="systemd", run=fine)
    assert len(removed.files) == 2 and not any(p.exists() for p in removed.files)
    assert service.status(home=tmp_path, kind="systemd", run=fine).files == []


def test_the_command_installs_reports_and_removes(tmp_path: Path) -> None:
    env = outpost_env() | {"HOME": str(tmp_path / "home"), "XDG_RUNTIME_DIR": str(tmp_path / "no-bus")}
    data = tmp_path / "data"
    installed = run_outpost(data, "service", "install", "--every-minutes", "10", env=env)
    document = json.loads(installed.stdout)
    timer = tmp_path / "home/.config/systemd/user/outpost-scheduler.timer"
    assert timer.exists() and "OnCalendar=*:0/10" in timer.read_text()
    if not document["enabled"]:  # no systemd user manager here: the files stay, exit 1 says why
        assert installed.returncode == 1 and document["message"] in installed.stderr + installed.stdout
    unit = (tmp_path / "home/.config/systemd/user/outpost-scheduler.service").read_text()
    assert f"--data-dir {data}" in unit and "run --until-idle" in unit
    assert json.loads(run_outpost(data, "service", "status", env=env).stdout)["files"] != []
    assert run_outpost(data, "service", "install", "--every-minutes", "0", env=env).returncode == 2
    removed = json.loads(run_outpost(data, "service", "remove", env=env).stdout)
    assert removed["files"] and not timer.exists()


# -- waking the machine for the next post (`install --wake`, issue #20) ----------------------------

NINE = datetime(2026, 12, 3, 8, 0, tzinfo=UTC)


def test_the_wake_timer_wakes_the_machine_once_for_the_next_post_not_every_few_minutes(
    tmp_path: Path,
) -> None:
    [wake] = service.wake_files("systemd", COMMAND, NINE, tmp_path)
    assert wake.path == tmp_path / ".config/systemd/user/outpost-wake.timer"
    assert "WakeSystem=true" in wake.content and "OnCalendar=2026-12-03 08:00:00 UTC" in wake.content
    assert "Unit=outpost-scheduler.service" in wake.content and "Persistent" not in wake.content
    _, every_few_minutes = service.service_files("systemd", COMMAND, 5, tmp_path)
    assert "WakeSystem" not in every_few_minutes.content  # a laptop would never stay asleep


def test_the_windows_wake_task_has_wake_to_run_at_the_post_time(tmp_path: Path) -> None:
    [task] = service.wake_files("task_scheduler", COMMAND, NINE, tmp_path)
    namespace = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}
    root = ET.fromstring(task.content.split("\n", 1)[1])
    assert root.findtext("t:Settings/t:WakeToRun", namespaces=namespace) == "true"
    assert (
        root.findtext("t:Triggers/t:TimeTrigger/t:StartBoundary", namespaces=namespace)
        == "2026-12-03T08:00:00Z"
    )
    assert root.find("t:Triggers/t:TimeTrigger/t:Repetition", namespaces=namespace) is None
    assert root.findtext("t:Actions/t:Exec/t:Command", namespaces=namespace) == COMMAND[0]


def test_launchd_cannot_wake_the_mac_and_install_points_to_pmset(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="pmset"):
        service.wake_files("launchd", COMMAND, NINE, tmp_path)
    state = service.install(5, None, home=tmp_path, kind="launchd", run=_fine([]), wake=True, wake_at=NINE)
    assert state.enabled and "launchd cannot wake" in state.message and "pmset schedule wake" in state.message
    assert len(state.files) == 1  # the agent only


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
def test_systemd_accepts_the_wake_timer(tmp_path: Path) -> None:
    files = service.service_files("systemd", ["/bin/true", "run", "--until-idle"], 5, tmp_path)
    files += service.wake_files("systemd", ["/bin/true"], NINE, tmp_path)
    for item in files:
        item.path.parent.mkdir(parents=True, exist_ok=True)
        item.path.write_text(item.content)
    checked = subprocess.run(
        ["systemd-analyze", "verify", *(str(f.path) for f in files)],
        capture_output=True,
        text=True,
        check=False,
    )
    complaints = [line for line in checked.stderr.splitlines() if "outpost-" in line]
    assert checked.returncode == 0 and complaints == [], checked.stderr


def test_install_wake_enables_both_timers_and_each_run_moves_the_wake_to_the_next_post(
    tmp_path: Path,
) -> None:
    asked: list[list[str]] = []
    state = service.install(5, None, home=tmp_path, kind="systemd", run=_fine(asked), wake=True, wake_at=NINE)
    assert (
        state.enabled
        and "wakes the computer for the next scheduled post (2026-12-03 08:00 UTC)" in state.message
    )
    assert ["systemctl", "--user", "enable", "--now", "outpost-wake.timer"] in asked
    wake = tmp_path / ".config/systemd/user/outpost-wake.timer"
    assert "OnCalendar=2026-12-03 08:00:00 UTC" in wake.read_text()
    assert service.wakes(home=tmp_path, kind="systemd")
    assert "wakes the computer" in service.status(home=tmp_path, kind="systemd", run=_fine([])).message
    asked.clear()
    later = NINE.replace(hour=17)
    assert service.refresh_wake(later, None, home=tmp_path, kind="systemd", run=_fine(asked))
    assert (
        "OnCalendar=2026-12-03 17:00:00 UTC" in wake.read_text()
        and ["systemctl", "--user", "daemon-reload"] in asked
    )
    assert not service.refresh_wake(later, None, home=tmp_path, kind="systemd", run=_fine(asked))  # unchanged
    assert service.refresh_wake(None, None, home=tmp_path, kind="systemd", run=_fine(asked))
    assert "OnCalendar=2000-01-01 00:00:00 UTC" in wake.read_text()  # nothing due: a time that never comes
    removed = service.remove(home=tmp_path, kind="systemd", run=_fine(asked))
    assert wake in removed.files and not wake.exists()
    assert not service.refresh_wake(NINE, None, home=tmp_path, kind="systemd", run=_fine(asked))  # opted out


def test_without_wake_nothing_wakes_the_machine(tmp_path: Path) -> None:
    state = service.install(5, None, home=tmp_path, kind="systemd", run=_fine([]), wake_at=NINE)
    assert not (tmp_path / ".config/systemd/user/outpost-wake.timer").exists() and len(state.files) == 2
    assert not service.refresh_wake(NINE, None, home=tmp_path, kind="systemd", run=_fine([]))


def test_the_command_installs_the_wake_timer(tmp_path: Path) -> None:
    env = outpost_env() | {"HOME": str(tmp_path / "home"), "XDG_RUNTIME_DIR": str(tmp_path / "no-bus")}
    data = tmp_path / "data"
    document = json.loads(run_outpost(data, "service", "install", "--wake", env=env).stdout)
    wake = tmp_path / "home/.config/systemd/user/outpost-wake.timer"
    assert str(wake) in document["files"] and "WakeSystem=true" in wake.read_text()
    run_outpost(data, "service", "remove", env=env)
    assert not wake.exists()


def _fine(asked: list[list[str]]) -> service.Runner:
    def run(command: Sequence[str]) -> subprocess.CompletedProcess[str]:
        asked.append(list(command))
        return subprocess.CompletedProcess(command, 0, "", "")

    return run
