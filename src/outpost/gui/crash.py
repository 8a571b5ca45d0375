"""The crash handler: an unexpected exception becomes an apology, a report, and a file in `logs/`.

`install_crash_handler()` makes a `CrashHandler` the process's `sys.excepthook`. Every bug in the
window reaches it: a Qt slot or virtual method that raises (PySide6 hands the exception to the hook),
an `asyncSlot` coroutine (qasync calls the hook), and an op whose coroutine raised anything but a
`KnownError` (`gui/tasks.py` `run_op` calls the hook). A `KnownError` that gets here anyway is not a
crash: the person can act on it, so it goes to the message bridge like every other known problem.

The report carries the versions and the traceback, redacted by the same `outpost.log.redact` that
keeps secrets out of the log file, and is saved as `logs/crash-YYYYmmdd-HHMMSS.txt` (mode 0600).

Learned from qutebrowser `misc/crashsignal.py` (`exception_hook`: the hook must never raise or
recurse) and Anki `qt/aqt/errors.py` (`show_exception`: one dialog for a burst of errors).
"""

from __future__ import annotations

import logging
import os
import platform
import sys
import traceback
from collections.abc import Callable
from datetime import datetime
from itertools import count
from pathlib import Path
from types import TracebackType

from outpost import __version__
from outpost.domain.errors import KnownError
from outpost.gui.messages import MessageBridge
from outpost.gui.qt import (
    PYSIDE_VERSION,
    QApplication,
    QDesktopServices,
    QDialog,
    QFontDatabase,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    Qt,
    QUrl,
    QVBoxLayout,
    QWidget,
    qVersion,
)
from outpost.log import redact

log = logging.getLogger("outpost.gui.crash")
ExceptHook = Callable[[type[BaseException], BaseException, TracebackType | None], object]

APOLOGY = "Sorry — Outpost ran into a problem it did not expect."
ADVICE = (
    "This is a bug in Outpost, not something you did. Your posts are safe: Outpost keeps drafts, "
    "scheduled posts and the queue in its store on this computer as you go.\n\n"
    "What you can do: carry on if the window still works, or quit and start Outpost again if it "
    "does not. Please report the bug: copy the report below and send it to the Outpost developers "
    "with a line about what you were doing. Passwords and tokens are taken out of it."
)


def _local_now() -> datetime:
    return datetime.now().astimezone()


def crash_report(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None, *, when: datetime
) -> str:
    """The text a developer needs: versions, platform and the traceback, secrets redacted."""
    header = (
        f"Outpost {__version__} crash report\n"
        f"When: {when:%Y-%m-%d %H:%M:%S %z}\n"
        f"Platform: {platform.platform()}\n"
        f"Python: {platform.python_version()} ({platform.python_implementation()})\n"
        f"Qt: {qVersion()} (PySide6 {PYSIDE_VERSION})\n"
    )
    return redact(header + "\n" + "".join(traceback.format_exception(exc_type, exc, tb)))


def write_report(report: str, folder: Path, when: datetime) -> Path:
    """Save `report` as `folder/crash-YYYYmmdd-HHMMSS.txt` (a `-2`… suffix if taken), readable by us only.

    Raises:
        OSError: the folder cannot be made or written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"crash-{when:%Y%m%d-%H%M%S}"
    for number in count(1):
        path = folder / (f"{stem}.txt" if number == 1 else f"{stem}-{number}.txt")
        try:
            # Created with 0600 at once (never chmod afterwards): a report may still hold something private.
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            continue
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(report)
        return path
    raise AssertionError("unreachable: count() never ends")


def _signature(exc_type: type[BaseException], tb: TracebackType | None) -> tuple[object, ...]:
    """What makes two exceptions "the same bug": their type and where they were raised from."""
    frames = tuple((f.filename, f.lineno, f.name) for f in traceback.extract_tb(tb))
    return (exc_type.__module__, exc_type.__qualname__, frames)


class CrashDialog(QDialog):
    """The apology, what to do, and the report with Copy report / Open logs folder / Close.

    Not modal: the window may still work, and the person may want to copy what they typed.
    """

    def __init__(self, report: str, saved: Path | None, folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folder = folder
        self.setWindowTitle("Outpost — something went wrong")
        self.heading = QLabel(APOLOGY)
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.heading.setFont(font)
        self.advice = QLabel(ADVICE)
        self.advice.setWordWrap(True)
        self.saved = QLabel(self._where(saved))
        self.saved.setWordWrap(True)
        self.saved.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.report = QPlainTextEdit(report)
        self.report.setReadOnly(True)
        self.report.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.report.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.copy_button = QPushButton("Copy report")
        self.copy_button.clicked.connect(self.copy_report)
        self.logs_button = QPushButton("Open logs folder")
        self.logs_button.clicked.connect(self.open_logs)
        close = QPushButton("Close")
        close.setDefault(True)
        close.clicked.connect(self.accept)
        self._lay_out(close)
        self.resize(780, 560)

    def _lay_out(self, close: QPushButton) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.logs_button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        column = QVBoxLayout(self)
        column.setContentsMargins(16, 16, 16, 16)
        column.setSpacing(10)
        column.addWidget(self.heading)
        column.addWidget(self.advice)
        column.addWidget(self.saved)
        column.addWidget(self.report, 1)
        column.addLayout(buttons)

    @staticmethod
    def _where(saved: Path | None) -> str:
        if saved is None:
            return "The report could not be saved in the logs folder; copy it from here instead."
        return f"A copy is saved as {saved}."

    def add(self, report: str, saved: Path | None) -> None:
        """Another, different bug while this dialog is open: it joins the report (no second dialog)."""
        self.report.appendPlainText(f"\n{'-' * 72}\nThen another error:\n\n{report}")
        if saved is not None:
            self.saved.setText(f"{self.saved.text()} The next one as {saved.name}.")

    def copy_report(self) -> None:
        """Put the whole report on the clipboard."""
        QApplication.clipboard().setText(self.report.toPlainText())
        self.copy_button.setText("Copied")

    def open_logs(self) -> None:
        """Open the logs folder in the file manager, or say where it is if there is none."""
        if not QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder))):
            self.saved.setText(f"No file manager could open the folder. It is {self.folder}")


class CrashHandler:
    """The `sys.excepthook` of the window: bugs open the crash dialog, known problems a message.

    Guarantees: the hook never raises and never recurses (an error while reporting one is only
    logged); a burst of the same bug opens one dialog and writes one report; while the dialog is
    open a different bug joins it instead of stacking another dialog. It runs on the Qt thread, as
    every caller above does.

    Attributes:
        folder: where reports are saved (the data folder's `logs/`).
        dialog: the crash dialog on screen, if any.
    """

    def __init__(
        self,
        folder: Path,
        *,
        messages: MessageBridge | None = None,
        parent: QWidget | None = None,
        now: Callable[[], datetime] = _local_now,
    ) -> None:
        self.folder = folder
        self.messages = messages
        self.parent = parent
        self.now = now
        self.dialog: CrashDialog | None = None
        self._seen: set[tuple[object, ...]] = set()
        self._busy = False
        self._previous: ExceptHook = sys.excepthook

    def install(self) -> None:
        """Become `sys.excepthook` (the one before is kept for `uninstall`)."""
        self._previous = sys.excepthook
        sys.excepthook = self.handle

    def uninstall(self) -> None:
        """Give `sys.excepthook` back to whoever had it before `install`."""
        if sys.excepthook == self.handle:
            sys.excepthook = self._previous

    def handle(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        """The hook itself: report `exc`, never raise."""
        if not issubclass(exc_type, Exception):  # KeyboardInterrupt, SystemExit: not a bug to report
            self._previous(exc_type, exc, tb)
            return
        if self._busy:
            log.error("Another error while reporting one (not shown)", exc_info=(exc_type, exc, tb))
            return
        self._busy = True
        try:
            self._report(exc_type, exc, tb)
        except Exception:
            log.exception("The crash dialog itself failed")
        finally:
            self._busy = False

    def _report(self, exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if isinstance(exc, KnownError):
            log.warning("%s", exc)
            if self.messages is not None:
                self.messages.failed(exc)
            return
        log.error("Unexpected error", exc_info=(exc_type, exc, tb))
        signature = _signature(exc_type, tb)
        if signature in self._seen:  # the same bug again (a timer, a repaint): reported once
            return
        self._seen.add(signature)
        when = self.now()
        report = crash_report(exc_type, exc, tb, when=when)
        saved = self._save(report, when)
        if self.dialog is not None:
            self.dialog.add(report, saved)
            return
        self.dialog = CrashDialog(report, saved, self.folder, self.parent)
        self.dialog.finished.connect(self._closed)
        self.dialog.show()

    def _save(self, report: str, when: datetime) -> Path | None:
        try:
            return write_report(report, self.folder, when)
        except OSError as error:
            log.warning("Could not save the crash report in %s: %s", self.folder, error)
            return None

    def _closed(self) -> None:
        if self.dialog is not None:
            self.dialog.deleteLater()
        self.dialog = None


def install_crash_handler(
    folder: Path,
    *,
    messages: MessageBridge | None = None,
    parent: QWidget | None = None,
    now: Callable[[], datetime] = _local_now,
) -> CrashHandler:
    """Make a `CrashHandler` saving into `folder` the process's `sys.excepthook`; returns it."""
    handler = CrashHandler(folder, messages=messages, parent=parent, now=now)
    handler.install()
    return handler
