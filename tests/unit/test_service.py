"""The OS scheduler files `outpost service install` writes, for each operating system, and the command."""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Sequence
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
