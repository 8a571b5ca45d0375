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

Waking the machine (`install --wake`, opt-in): a timer that fires every few minutes must not
wake a sleeping laptop every few minutes (systemd does not suspend it again afterwards), so the
wake is a second, one-shot timer for the *next due post* only: `outpost-wake.timer` with
`WakeSystem=true` (systemd), the task "Outpost wake" with `WakeToRun` (Windows). Each `outpost
run` moves it to the post due next (`refresh_wake`). launchd cannot wake the machine for a job;
`pmset` can, and `install` says how.
"""

from __future__ import annotations

import contextlib
import platform
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from xml.sax.saxutils import escape

UNIT = "outpost-scheduler"
LAUNCHD_LABEL = "app.outpost.scheduler"
TASK_NAME = "Outpost scheduler"
DEFAULT_EVERY_MINUTES = 5
WAKE_UNIT = "outpost-wake"
WAKE_TASK_NAME = "Outpost wake"
#: The wake timer's time when no post is due: in the past, so it never fires (and never catches up).
NOTHING_DUE = datetime(2000, 1, 1, tzinfo=UTC)
PMSET_HINT = (
    "launchd cannot wake a sleeping Mac for a job. To wake it for a post, schedule a wake with "
    'pmset, e.g. `sudo pmset schedule wake "12/01/26 08:58:00"` (or `sudo pmset repeat wakeorpoweron '
    "MTWRFSU 08:58:00` for a daily time); see `man pmset`."
)

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
        return [
            ["schtasks", "/Create", "/TN", WAKE_TASK_NAME if "wake" in f.path.name else TASK_NAME,
             "/XML", str(f.path), "/F"]
            for f in files
        ]  # fmt: skip
    timers = [f.path.name for f in files if f.path.suffix == ".timer"]
    return [
        ["systemctl", "--user", "daemon-reload"],
        *(["systemctl", "--user", "enable", "--now", name] for name in timers),
    ]


def install(
    every_minutes: int,
    data_dir: Path | None,
    *,
    home: Path,
    kind: str | None = None,
    run: Runner = run_command,
    wake_at: datetime | None = None,
    wake: bool = False,
) -> ServiceState:
    """Write the files and ask the OS to enable them; `enabled` says whether it could.

    `wake`: also wake the machine for the post due next (`wake_at`; None: nothing is due yet).
    """
    kind = kind or scheduler_kind()
    files = service_files(kind, program(data_dir), every_minutes, home)
    if wake and kind != "launchd":
        files += wake_files(kind, program(data_dir), wake_at or NOTHING_DUE, home)
    _write(kind, files)
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
    if wake and kind == "launchd":
        state.message += f" {PMSET_HINT}"
    elif wake:
        state.message += " It wakes the computer for the next scheduled post" + (
            f" ({wake_at:%Y-%m-%d %H:%M} UTC)." if wake_at else " (none is scheduled yet)."
        )
        if kind == "systemd":
            state.message += (
                " (systemd wakes it from a user timer where the session may set wake alarms, "
                "CAP_WAKE_ALARM: local sessions from systemd 254 on.)"
            )
    return state


def _write(kind: str, files: Sequence[ServiceFile]) -> None:
    for item in files:
        item.path.parent.mkdir(parents=True, exist_ok=True)
        encoding = "utf-16" if kind == "task_scheduler" else "utf-8"
        item.path.write_text(item.content, encoding=encoding)


# -- waking the machine for the next post (opt-in) -------------------------------------------------


def wake_files(kind: str, command: Sequence[str], at: datetime, home: Path) -> list[ServiceFile]:
    """The one-shot timer (systemd) or task (Windows) that wakes the machine at `at` to run `command`.

    Raises:
        ValueError: launchd, which cannot wake the machine (`PMSET_HINT` says what can).
    """
    when = at.astimezone(UTC)
    if kind == "systemd":
        timer = (
            "[Unit]\n"
            "Description=Wake the computer for Outpost's next scheduled post\n\n"
            "[Timer]\n"
            f"OnCalendar={when:%Y-%m-%d %H:%M:%S} UTC\n"
            "WakeSystem=true\n"
            "AccuracySec=1s\n"
            f"Unit={UNIT}.service\n\n"
            "[Install]\n"
            "WantedBy=timers.target\n"
        )
        return [ServiceFile(home / ".config" / "systemd" / "user" / f"{WAKE_UNIT}.timer", timer)]
    if kind == "task_scheduler":
        executable, *arguments = command
        joined = " ".join(f'"{a}"' if " " in a else a for a in arguments)
        xml = (
            '<?xml version="1.0" encoding="UTF-16"?>\n'
            '<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">\n'
            "  <RegistrationInfo><Description>Outpost: wake the computer for the next scheduled post"
            "</Description></RegistrationInfo>\n"
            "  <Triggers>\n    <TimeTrigger>\n"
            f"      <StartBoundary>{when:%Y-%m-%dT%H:%M:%S}Z</StartBoundary>\n"
            "      <Enabled>true</Enabled>\n    </TimeTrigger>\n  </Triggers>\n"
            "  <Settings>\n"
            "    <WakeToRun>true</WakeToRun>\n"
            "    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>\n"
            "    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>\n"
            "    <ExecutionTimeLimit>PT30M</ExecutionTimeLimit>\n"
            "  </Settings>\n"
            "  <Actions>\n    <Exec>\n"
            f"      <Command>{escape(executable)}</Command>\n"
            f"      <Arguments>{escape(joined)}</Arguments>\n"
            "    </Exec>\n  </Actions>\n</Task>\n"
        )
        return [ServiceFile(home / "AppData" / "Local" / "Outpost" / "outpost-wake-task.xml", xml)]
    raise ValueError(PMSET_HINT)


def stop_waking(*, home: Path, kind: str | None = None, run: Runner = run_command) -> ServiceState:
    """Stop waking the machine (the every-few-minutes runs stay): disable and delete the wake file."""
    kind = kind or scheduler_kind()
    if kind == "launchd":
        return ServiceState(kind, message="Nothing wakes the computer (launchd cannot).")
    [wake] = wake_files(kind, ["outpost"], NOTHING_DUE, home)
    command = (
        ["schtasks", "/Delete", "/TN", WAKE_TASK_NAME, "/F"]
        if kind == "task_scheduler"
        else ["systemctl", "--user", "disable", "--now", f"{WAKE_UNIT}.timer"]
    )
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        run(command)
    removed = [wake.path] if wake.path.exists() else []
    for path in removed:
        path.unlink()
    return ServiceState(kind, removed, False, "Outpost no longer wakes the computer for posts.")


def refresh_wake(
    at: datetime | None,
    data_dir: Path | None,
    *,
    home: Path,
    kind: str | None = None,
    run: Runner = run_command,
) -> bool:
    """Move the wake timer to the post due next, if the person opted in (its file exists).

    Returns whether anything changed. Called at the end of each `outpost run`.
    """
    kind = kind or scheduler_kind()
    if kind == "launchd":
        return False
    files = wake_files(kind, program(data_dir), at or NOTHING_DUE, home)
    path = files[0].path
    encoding = "utf-16" if kind == "task_scheduler" else "utf-8"
    if not path.exists() or path.read_text(encoding=encoding) == files[0].content:
        return False
    _write(kind, files)
    for command in _enable_commands(kind, files):
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            run(command)
    return True


def status(*, home: Path, kind: str | None = None, run: Runner = run_command) -> ServiceState:
    """Whether the files are there, and whether the OS says the job is enabled."""
    kind = kind or scheduler_kind()
    files = [f.path for f in service_files(kind, ["outpost"], DEFAULT_EVERY_MINUTES, home) if f.path.exists()]
    if files and wakes(home=home, kind=kind):
        files += [f.path for f in wake_files(kind, ["outpost"], NOTHING_DUE, home)]
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
    if wakes(home=home, kind=kind):
        state.message += " It wakes the computer for the next scheduled post."
    return state


def wakes(*, home: Path, kind: str | None = None) -> bool:
    """Whether the person opted in to waking the machine for the next post (the wake file is there)."""
    kind = kind or scheduler_kind()
    return kind != "launchd" and wake_files(kind, ["outpost"], NOTHING_DUE, home)[0].path.exists()


def remove(*, home: Path, kind: str | None = None, run: Runner = run_command) -> ServiceState:
    """Disable the job (best effort) and delete its files."""
    kind = kind or scheduler_kind()
    files = service_files(kind, ["outpost"], DEFAULT_EVERY_MINUTES, home)
    woke = stop_waking(home=home, kind=kind, run=run).files if wakes(home=home, kind=kind) else []
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
    removed += woke
    message = "Removed: Outpost runs only while its window is open." if removed else "Nothing was installed."
    return ServiceState(kind, removed, False, message)
