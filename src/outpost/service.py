"""Outpost without its window: the operating system's own scheduler runs `outpost run --until-idle`.

A desktop scheduler misses the 9:00 post when the window is closed. `outpost service install`
asks the OS to start Outpost every few minutes instead (issue #20): a systemd user timer on
Linux (`Persistent=true`, so a run missed while the machine slept happens at wake), a launchd
agent on macOS (launchd runs a missed `StartInterval` job at wake), a Task Scheduler task on
Windows ("run as soon as possible after a scheduled start is missed"). Each run publishes what
is due, hands posts over to networks that schedule by themselves, and exits; the window and a
run share the store safely (posts are claimed atomically).

The files are always written; enabling them needs the OS scheduler to be running (a headless
container has no systemd user manager): then `install` says so and the caller exits 1.
"""

from __future__ import annotations

import contextlib
import platform
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

UNIT = "outpost-scheduler"
LAUNCHD_LABEL = "app.outpost.scheduler"
TASK_NAME = "Outpost scheduler"
DEFAULT_EVERY_MINUTES = 5

Runner = Callable[[Sequence[str]], "subprocess.CompletedProcess[str]"]


@dataclass(frozen=True)
class ServiceFile:
    """One file the OS scheduler reads, and what goes in it."""

    path: Path
    content: str


@dataclass
class ServiceState:
    """What `service install|status|remove` found or did (the command's JSON)."""

    system: str
    files: list[Path] = field(default_factory=list)
    enabled: bool = False
    message: str = ""

    def as_dict(self) -> dict[str, object]:
        """The JSON shape: {system, files, enabled, message}."""
        return {
            "system": self.system,
            "files": [str(p) for p in self.files],
            "enabled": self.enabled,
            "message": self.message,
        }


def scheduler_kind(system: str | None = None) -> str:
    """`systemd`, `launchd` or `task_scheduler` for this (or the named) operating system."""
    name = system or platform.system()
    return {"Darwin": "launchd", "Windows": "task_scheduler"}.get(name, "systemd")


def program(data_dir: Path | None) -> list[str]:
    """The command the OS runs: this Outpost, its data folder, `run --until-idle`."""
    frozen = getattr(sys, "frozen", False)
    command = [sys.executable] if frozen else [sys.executable, "-m", "outpost"]
    if data_dir is not None:
        command += ["--data-dir", str(data_dir)]
    return [*command, "run", "--until-idle"]


def service_files(kind: str, command: Sequence[str], every_minutes: int, home: Path) -> list[ServiceFile]:
    """The files that make the OS run `command` every `every_minutes` minutes, and at wake."""
    if not 1 <= every_minutes <= 60:
        raise ValueError("every_minutes must be between 1 and 60")
    if kind == "launchd":
        return [_launchd(command, every_minutes, home)]
    if kind == "task_scheduler":
        return [_task(command, every_minutes, home)]
    return _systemd(command, every_minutes, home)


def _systemd(command: Sequence[str], every_minutes: int, home: Path) -> list[ServiceFile]:
    folder = home / ".config" / "systemd" / "user"
    exec_start = " ".join(_systemd_quote(part) for part in command)
    service = (
        "[Unit]\n"
        "Description=Outpost: publish the scheduled posts that are due\n"
        "After=network-online.target\n\n"
        "[Service]\n"
        "Type=oneshot\n"
        f"ExecStart={exec_start}\n"
    )
    timer = (
        "[Unit]\n"
        f"Description=Run Outpost every {every_minutes} minutes, and at wake if a run was missed\n\n"
        "[Timer]\n"
        f"OnCalendar=*:0/{every_minutes}\n"
        "Persistent=true\n"
        f"Unit={UNIT}.service\n\n"
        "[Install]\n"
        "WantedBy=timers.target\n"
    )
    return [ServiceFile(folder / f"{UNIT}.service", service), ServiceFile(folder / f"{UNIT}.timer", timer)]


def _systemd_quote(part: str) -> str:
    """A word of ExecStart= (systemd's quoting: double quotes, backslash escapes, % doubled)."""
    escaped = part.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%")
    return f'"{escaped}"' if any(c in part for c in ' \t"\\') else escaped


def _launchd(command: Sequence[str], every_minutes: int, home: Path) -> ServiceFile:
    arguments = "".join(f"\n        <string>{escape(part)}</string>" for part in command)
    plist = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" '
        '"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n'
        '<plist version="1.0">\n<dict>\n'
        f"    <key>Label</key>\n    <string>{LAUNCHD_LABEL}</string>\n"
        f"    <key>ProgramArguments</key>\n    <array>{arguments}\n    </array>\n"
        f"    <key>StartInterval</key>\n    <integer>{every_minutes * 60}</integer>\n"
        "    <key>RunAtLoad</key>\n    <true/>\n"
        "</dict>\n</plist>\n"
    )
    return ServiceFile(home / "Library" / "LaunchAgents" / f"{LAUNCHD_LABEL}.plist", plist)


def _task(command: Sequence[str], every_minutes: int, home: Path) -> ServiceFile:
    executable, *arguments = command
    joined = " ".join(f'"{a}"' if " " in a else a for a in arguments)
    xml = (
        '<?xml version="1.0" encoding="UTF-16"?>\n'
        '<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">\n'
        "  <RegistrationInfo><Description>Outpost: publish the scheduled posts that are due"
        "</Description></RegistrationInfo>\n"
        "  <Triggers>\n    <TimeTrigger>\n"
        f"      <Repetition><Interval>PT{every_minutes}M</Interval><StopAtDurationEnd>false"
        "</StopAtDurationEnd></Repetition>\n"
        "      <StartBoundary>2026-01-01T00:00:00</StartBoundary>\n"
        "      <Enabled>true</Enabled>\n    </TimeTrigger>\n  </Triggers>\n"
        "  <Settings>\n"
        "    <StartWhenAvailable>true</StartWhenAvailable>\n"
        "    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>\n"
        "    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>\n"
        "    <ExecutionTimeLimit>PT30M</ExecutionTimeLimit>\n"
        "  </Settings>\n"
        "  <Actions>\n    <Exec>\n"
        f"      <Command>{escape(executable)}</Command>\n"
        f"      <Arguments>{escape(joined)}</Arguments>\n"
        "    </Exec>\n  </Actions>\n</Task>\n"
    )
    return ServiceFile(home / "AppData" / "Local" / "Outpost" / "outpost-scheduler-task.xml", xml)


def run_command(command: Sequence[str]) -> subprocess.CompletedProcess[str]:
    """Run an OS scheduler command (the default `Runner`; tests pass one that stands in for the OS)."""
    return subprocess.run(list(command), capture_output=True, text=True, timeout=30, check=False)


def _enable_commands(kind: str, files: list[ServiceFile]) -> list[list[str]]:
    if kind == "launchd":
        return [["launchctl", "load", "-w", str(files[0].path)]]
    if kind == "task_scheduler":
        return [["schtasks", "/Create", "/TN", TASK_NAME, "/XML", str(files[0].path), "/F"]]
    return [
        ["systemctl", "--user", "daemon-reload"],
        ["systemctl", "--user", "enable", "--now", f"{UNIT}.timer"],
    ]


def install(
    every_minutes: int,
    data_dir: Path | None,
    *,
    home: Path,
    kind: str | None = None,
    run: Runner = run_command,
) -> ServiceState:
    """Write the files and ask the OS to enable them; `enabled` says whether it could."""
    kind = kind or scheduler_kind()
    files = service_files(kind, program(data_dir), every_minutes, home)
    for item in files:
        item.path.parent.mkdir(parents=True, exist_ok=True)
        encoding = "utf-16" if kind == "task_scheduler" else "utf-8"
        item.path.write_text(item.content, encoding=encoding)
    state = ServiceState(kind, [f.path for f in files])
    for command in _enable_commands(kind, files):
        try:
            done = run(command)
        except (OSError, subprocess.SubprocessError) as exc:
            state.message = f"The files are written, but `{' '.join(command)}` could not run ({exc})."
            return state
        if done.returncode != 0:
            said = (done.stderr or done.stdout).strip().splitlines()
            state.message = (
                f"The files are written, but {kind} could not enable them: `{' '.join(command)}` said "
                f"{said[-1] if said else f'exit {done.returncode}'!r}. Is it running for your user?"
            )
            return state
    state.enabled = True
    state.message = f"Outpost now runs every {every_minutes} minutes, also while the window is closed."
    return state


def status(*, home: Path, kind: str | None = None, run: Runner = run_command) -> ServiceState:
    """Whether the files are there, and whether the OS says the job is enabled."""
    kind = kind or scheduler_kind()
    files = [f.path for f in service_files(kind, ["outpost"], DEFAULT_EVERY_MINUTES, home) if f.path.exists()]
    state = ServiceState(kind, files)
    if not files:
        state.message = (
            "Not installed: `outpost service install` makes the OS run Outpost while it is closed."
        )
        return state
    query = {
        "systemd": ["systemctl", "--user", "is-enabled", f"{UNIT}.timer"],
        "launchd": ["launchctl", "list", LAUNCHD_LABEL],
        "task_scheduler": ["schtasks", "/Query", "/TN", TASK_NAME],
    }[kind]
    try:
        state.enabled = run(query).returncode == 0
    except (OSError, subprocess.SubprocessError):
        state.enabled = False
    state.message = (
        "Installed and enabled." if state.enabled else "Installed, but the OS scheduler has not enabled it."
    )
    return state


def remove(*, home: Path, kind: str | None = None, run: Runner = run_command) -> ServiceState:
    """Disable the job (best effort) and delete its files."""
    kind = kind or scheduler_kind()
    files = service_files(kind, ["outpost"], DEFAULT_EVERY_MINUTES, home)
    disable = {
        "systemd": [["systemctl", "--user", "disable", "--now", f"{UNIT}.timer"]],
        "launchd": [["launchctl", "unload", "-w", str(files[0].path)]],
        "task_scheduler": [["schtasks", "/Delete", "/TN", TASK_NAME, "/F"]],
    }[kind]
    for command in disable:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            run(command)  # the files go anyway: nothing is left to start Outpost
    removed = [f.path for f in files if f.path.exists()]
    for path in removed:
        path.unlink()
    message = "Removed: Outpost runs only while its window is open." if removed else "Nothing was installed."
    return ServiceState(kind, removed, False, message)
