"""Settings → General: "Publish while Outpost is closed", the switch for `outpost service`.

The same as `outpost service install|status|remove` (`outpost.service`): ticked, the operating
system's own scheduler (systemd user timer, launchd agent, Task Scheduler task) runs
`outpost run --until-idle` every five minutes, so posts go out with the window closed. The box
shows what `service.status` finds when the page opens, and acts at once (not on Save): the files
are on disk or not, whatever the dialog's other fields become. The OS commands (`systemctl`,
`launchctl`, `schtasks`) can take seconds, so they run in a worker thread through `run_op`; the
outcome is said under the box in the service's own words, including "the files are written, but
… could not enable them".
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from datetime import datetime
from pathlib import Path
from typing import Any

from outpost import service
from outpost.gui.qt import QCheckBox, QLabel, QVBoxLayout, QWidget, is_alive
from outpost.gui.tasks import run_op
from outpost.gui.theme import Colours, colours, follow_theme

LABEL = "Publish while Outpost is closed (the system runs Outpost every 5 minutes)"
WAKE_LABEL = "Also wake the computer from sleep for the next scheduled post"
CHECKING = "Checking whether the system runs Outpost…"
OFF = "Off: scheduled posts go out only while Outpost is open."


class ServiceSwitch(QWidget):
    """A check box that installs or removes the OS scheduler's job, and a line saying how it stands.

    Args:
        data_dir: the data folder the scheduled runs use (this window's).
        home: where the OS scheduler's files go (the person's home; tests pass a temporary one).
        run: runs an OS command (`outpost.service`'s default; tests pass a stub for the OS only).
    """

    def __init__(
        self,
        data_dir: Path | None,
        parent: QWidget | None = None,
        *,
        home: Path | None = None,
        run: service.Runner | None = None,
        next_due: Callable[[], datetime | None] = lambda: None,
    ) -> None:
        super().__init__(parent)
        self._data_dir = data_dir
        self._next_due = next_due
        self._home = home or Path.home()
        self._run = run or service.run_command
        self.box = QCheckBox(LABEL)
        self.box.setObjectName("service_switch")
        self.box.setEnabled(False)  # until the status is known
        self.box.clicked.connect(self._switched)  # the person's click only, not setChecked
        self.message = QLabel(CHECKING)
        self.message.setObjectName("service_message")
        self.message.setWordWrap(True)
        self._ok = True
        follow_theme(self.message, self._style)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        # Opt-in (issue #20): a one-shot wake for the post due next, moved by each run.
        self.wake = QCheckBox(WAKE_LABEL)
        self.wake.setObjectName("service_wake")
        self.wake.setEnabled(False)  # only while the service is installed
        if service.scheduler_kind() == "launchd":
            self.wake.setToolTip(service.PMSET_HINT)
        self.wake.clicked.connect(self._wake_switched)
        column.addWidget(self.box)
        column.addWidget(self.wake)
        column.addWidget(self.message)
        self._start(asyncio.to_thread(service.status, home=self._home, run=self._run))

    def _switched(self, on: bool) -> None:
        if on:
            self.message.setText("Asking the system to run Outpost every 5 minutes…")
            self._start(asyncio.to_thread(self._install))
        else:
            self.message.setText("Asking the system to stop running Outpost…")
            self._start(asyncio.to_thread(service.remove, home=self._home, run=self._run), removing=True)

    def _wake_switched(self, on: bool) -> None:
        if on:
            self.message.setText("Asking the system to wake the computer for the next post…")
            self._start(asyncio.to_thread(self._install, wake=True))
        else:
            self._start(asyncio.to_thread(service.stop_waking, home=self._home, run=self._run), keeps=True)

    def _install(self, *, wake: bool = False) -> service.ServiceState:
        """`service.install`, with a file that cannot be written said like any other outcome."""
        try:
            return service.install(
                service.DEFAULT_EVERY_MINUTES,
                self._data_dir,
                home=self._home,
                run=self._run,
                wake=wake or self.wake.isChecked(),
                wake_at=self._next_due(),
            )
        except OSError as exc:
            return service.ServiceState(service.scheduler_kind(), message=f"Could not write the files: {exc}")

    def _start(
        self, work: Coroutine[Any, Any, service.ServiceState], *, removing: bool = False, keeps: bool = False
    ) -> None:
        """Run the OS commands in a worker thread; the boxes wait, disabled, for the answer.

        `keeps`: the service stays installed whatever the answer lists (the wake was switched off).
        """
        self.box.setEnabled(False)
        self.wake.setEnabled(False)
        run_op(
            work,
            on_success=lambda state: self._show(
                state, installed=keeps or (not removing and bool(state.files))
            ),
        )

    def _show(self, state: service.ServiceState, *, installed: bool) -> None:
        """Reflect what the service found or did: ticked while its files are there."""
        if not is_alive(self):
            return  # the dialog closed while the OS answered
        self.box.setEnabled(True)
        self.box.setChecked(installed)
        self.wake.setEnabled(installed)
        self.wake.setChecked(installed and service.wakes(home=self._home))
        self._ok = state.enabled or not installed  # written but not enabled is the one problem
        self.message.setStyleSheet(self._style(colours()))
        never = not installed and not state.message.startswith("Removed")  # the CLI's "Not installed: `…`"
        self.message.setText(OFF if never else state.message)

    def _style(self, c: Colours) -> str:
        return f"color: {c.muted if self._ok else c.bad}; font-size: small;"
