"""The composition root of the window: QApplication + qasync loop + Engine + MainWindow."""

from __future__ import annotations

import asyncio
import logging
import signal
import sys
from pathlib import Path

import qasync

from outpost import __version__
from outpost.domain.errors import KnownError
from outpost.engine import Engine
from outpost.gui.mainwindow import MainWindow
from outpost.gui.qt import QApplication, QIcon, QMessageBox, QTimer
from outpost.gui.tasks import settle_ops
from outpost.log import setup_logging
from outpost.paths import APP_ID, log_dir, resource

log = logging.getLogger("outpost.app")


def run_app(data_dir: Path) -> int:
    """Open the window over the engine for `data_dir`; returns the process exit code."""
    log_file = setup_logging(log_dir(data_dir))
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Outpost")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)  # Wayland/X11 match the window to the installed .desktop entry
    app.setWindowIcon(QIcon(str(resource("icons/outpost.svg"))))
    app.setQuitOnLastWindowClosed(False)  # the shutdown coroutine decides when Qt stops
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        with loop:
            return int(loop.run_until_complete(_main(app, data_dir, log_file)))
    finally:
        asyncio.set_event_loop(None)


async def _main(app: QApplication, data_dir: Path, log_file: Path) -> int:
    try:
        engine = Engine.open(data_dir)
    except KnownError as error:
        log.error("cannot start: %s", error)
        QMessageBox.critical(None, "Outpost cannot start", error.text())
        return 1
    closing = asyncio.Event()
    _stop_on_signals(closing)
    window = MainWindow(engine)
    window.closed.connect(closing.set)
    window.show()
    log.info("window shown (data folder %s, log %s)", data_dir, log_file)
    # The first turn of the event loop after showing: the window paints and takes input from here.
    QTimer.singleShot(0, lambda: log.info("window ready"))
    try:
        await engine.start()
        window.refresh()
        await window.resume()
        await window.open_composer()
        await closing.wait()
    finally:
        window.hide()
        await settle_ops()  # the last autosave lands before the engine closes
        await engine.close()
        if window.sandbox is not None:
            await window.sandbox.stop()
        log.info("engine closed; quitting")
    return 0


def _stop_on_signals(closing: asyncio.Event) -> None:
    """SIGINT/SIGTERM close the app cleanly, as closing the window would."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: loop.call_soon_threadsafe(closing.set))
    # Python runs signal handlers only between bytecodes; while Qt waits in C++ nothing runs, so a
    # light timer hands control back to Python a few times a second.
    timer = QTimer(QApplication.instance())
    timer.timeout.connect(lambda: None)
    timer.start(250)
