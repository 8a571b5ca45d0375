"""The crash dialog: a bug in the window becomes an apology, a redacted report and a file in logs/.

Each test installs the hook with `install_crash_handler`, the function `app.py` uses, and gives
pytest-qt's own hook back at the end (pytest-qt fails a test on exceptions that reach its hook).
"""

from __future__ import annotations

import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from outpost import __version__
from outpost.domain.errors import NotFoundError
from outpost.gui.crash import CrashDialog, CrashHandler, install_crash_handler
from outpost.gui.messages import Level, MessageBridge
from outpost.gui.qt import QApplication, QObject, QPushButton, Qt
from outpost.gui.tasks import run_op, settle_ops
from tests.gui.helpers import run_on_qasync

TOKEN = "eyJhbGciOiJFUzI1NiJ9.c2VjcmV0LXNlc3Npb24"  # looks like a Bluesky access JWT
WHEN = datetime(2027, 3, 1, 9, 30, 5, tzinfo=UTC)


@pytest.fixture
def logs(tmp_path: Path) -> Path:
    return tmp_path / "data" / "logs"


@pytest.fixture
def crash(logs: Path) -> Iterator[CrashHandler]:
    handler = install_crash_handler(logs, now=lambda: WHEN)
    yield handler
    handler.uninstall()
    if handler.dialog is not None:
        handler.dialog.close()


def refresh_session() -> None:
    raise RuntimeError(f"session refresh failed: access_token={TOKEN}")


def button_that_runs(slot: object, qtbot: object) -> QPushButton:
    button = QPushButton("Refresh")
    qtbot.addWidget(button)  # type: ignore[attr-defined]
    button.clicked.connect(slot)
    return button


def crash_dialogs() -> list[CrashDialog]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, CrashDialog) and w.isVisible()]


@pytest.mark.allow_error_logs  # the bug is logged at ERROR, as every bug is
def test_a_bug_in_a_slot_opens_the_crash_dialog_with_a_redacted_report_saved_in_logs(
    qtbot, crash: CrashHandler, logs: Path
) -> None:
    button = button_that_runs(refresh_session, qtbot)
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)  # a real signal into a slot that raises

    dialog = crash.dialog
    assert dialog is not None and crash_dialogs() == [dialog]
    assert dialog.heading.text() == "Sorry — Outpost ran into a problem it did not expect."
    assert "Your posts are safe" in dialog.advice.text() and "start Outpost again" in dialog.advice.text()
    report = dialog.report.toPlainText()
    assert report.startswith(f"Outpost {__version__} crash report\nWhen: 2027-03-01 09:30:05 +0000\n")
    assert "\nPython: " in report and "\nQt: " in report and "\nPlatform: " in report
    assert "Traceback (most recent call last):" in report and ", in refresh_session\n" in report
    assert "RuntimeError: session refresh failed: access_token=[redacted]" in report
    assert TOKEN not in report
    saved = logs / "crash-20270301-093005.txt"
    assert sorted(logs.glob("crash-*")) == [saved]
    assert saved.read_text(encoding="utf-8") == report
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert str(saved) in dialog.saved.text()

    for _ in range(3):  # a burst of the same bug: still one dialog and one report
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert crash_dialogs() == [dialog] and sorted(logs.glob("crash-*")) == [saved]

    dialog.copy_button.click()
    assert QApplication.clipboard().text() == report
    assert dialog.copy_button.text() == "Copied"
    close = next(b for b in dialog.findChildren(QPushButton) if b.text() == "Close")
    qtbot.mouseClick(close, Qt.MouseButton.LeftButton)
    assert crash_dialogs() == [] and crash.dialog is None


@pytest.mark.allow_error_logs
def test_a_different_bug_while_the_dialog_is_open_joins_its_report(
    qtbot, crash: CrashHandler, logs: Path
) -> None:
    def open_calendar() -> None:
        raise KeyError("2027-02-30")

    qtbot.mouseClick(button_that_runs(refresh_session, qtbot), Qt.MouseButton.LeftButton)
    qtbot.mouseClick(button_that_runs(open_calendar, qtbot), Qt.MouseButton.LeftButton)

    dialog = crash.dialog
    assert dialog is not None and crash_dialogs() == [dialog]
    report = dialog.report.toPlainText()
    assert report.index("RuntimeError: session refresh") < report.index("Then another error")
    assert report.index("Then another error") < report.index("KeyError: '2027-02-30'")
    assert [p.name for p in sorted(logs.glob("crash-*"))] == [
        "crash-20270301-093005-2.txt",
        "crash-20270301-093005.txt",
    ]


@pytest.mark.allow_error_logs
def test_a_bug_in_an_op_opens_the_crash_dialog(qapp, qtbot, crash: CrashHandler) -> None:
    async def publish() -> None:
        raise ZeroDivisionError("division by zero while counting characters")

    async def scenario() -> None:
        run_op(publish())  # tasks.run_op hands anything but a KnownError to sys.excepthook
        await settle_ops()

    run_on_qasync(qapp, scenario)
    assert crash.dialog is not None and crash_dialogs() == [crash.dialog]
    assert "ZeroDivisionError: division by zero while counting" in crash.dialog.report.toPlainText()


def test_a_known_error_reaching_the_hook_goes_to_the_status_bar_not_the_crash_dialog(
    qtbot, logs: Path
) -> None:
    messages = MessageBridge()
    said: list[tuple[Level, str]] = []
    messages.said.connect(lambda level, text: said.append((level, text)))
    handler = install_crash_handler(logs, messages=messages, now=lambda: WHEN)
    try:

        def open_post() -> None:
            raise NotFoundError("No post 'abc'. See `outpost post list`.")

        qtbot.mouseClick(button_that_runs(open_post, qtbot), Qt.MouseButton.LeftButton)
    finally:
        handler.uninstall()
    assert said == [(Level.ERROR, "No post 'abc'. See `outpost post list`.")]
    assert handler.dialog is None and crash_dialogs() == [] and not logs.exists()


class _BrokenOnShow(QObject):
    """Raises whenever a crash dialog is shown: a bug inside the crash path itself."""

    def eventFilter(self, watched: QObject, event: object) -> bool:
        if isinstance(watched, CrashDialog) and event.type() == event.Type.Show:  # type: ignore[attr-defined]
            raise RuntimeError("broken while showing the crash dialog")
        return False


@pytest.mark.allow_error_logs
def test_an_error_while_showing_the_dialog_is_only_logged(
    qapp, qtbot, crash: CrashHandler, caplog: pytest.LogCaptureFixture
) -> None:
    broken = _BrokenOnShow()
    qapp.installEventFilter(broken)
    try:
        qtbot.mouseClick(button_that_runs(refresh_session, qtbot), Qt.MouseButton.LeftButton)
    finally:
        qapp.removeEventFilter(broken)
    assert crash.dialog is not None and crash_dialogs() == [crash.dialog]  # shown once, no recursion
    assert "broken while showing" not in crash.dialog.report.toPlainText()
    # PySide6 raises the filter's error out of dialog.show() (or, without a Python caller, hands it
    # to the hook again): either way it ends in the log, never in a second dialog or a loop.
    assert [
        r.getMessage() for r in caplog.records if r.exc_info and "broken while showing" in str(r.exc_info[1])
    ] in (
        ["The crash dialog itself failed"],
        ["Another error while reporting one (not shown)"],
    )


@pytest.mark.allow_error_logs
def test_a_report_that_cannot_be_saved_is_still_shown(qtbot, tmp_path: Path) -> None:
    blocked = tmp_path / "logs"
    blocked.write_text("a file where the logs folder should be")
    handler = install_crash_handler(blocked, now=lambda: WHEN)
    try:
        qtbot.mouseClick(button_that_runs(refresh_session, qtbot), Qt.MouseButton.LeftButton)
    finally:
        handler.uninstall()
    dialog = handler.dialog
    assert dialog is not None and crash_dialogs() == [dialog]
    assert "could not be saved" in dialog.saved.text()
    assert "RuntimeError: session refresh failed" in dialog.report.toPlainText()
    dialog.close()
