"""The composition root of the window: QApplication + qasync loop + Engine + MainWindow.

Start-up shows the window first and loads the rest behind it: the engine's modules (pydantic
models, httpx, the adapters) are imported in a worker thread while the event loop keeps the
window responsive, then the full window replaces the first one in place.
"""

from __future__ import annotations

import importlib
import logging
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

# Only the first window's few classes, straight from PySide6 (not the `gui.qt` shim, whose ~80
# names cost ~27 ms of type setup before the first paint); the shim loads with the full window.
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QMessageBox

from outpost import __version__
from outpost.gui.import_scan import stop_source_caching
from outpost.log import setup_logging
from outpost.paths import APP_ID, log_dir, resource

if TYPE_CHECKING:
    from outpost.gui.mainwindow import MainWindow

log = logging.getLogger("outpost.app")
CORE_MODULES = (
    "outpost.engine",
    "outpost.adapters.mastodon",
    "outpost.adapters.bluesky",
    "outpost.media.pipeline",
)


def run_app(data_dir: Path) -> int:
    """Open the window over the engine for `data_dir`; returns the process exit code."""
    stop = _StopRequest()
    stop.install()  # first of all: a session manager may send SIGTERM at any moment
    stop_source_caching()  # before the engine's ~380 modules load: ~18 MB less memory
    log_file = setup_logging(log_dir(data_dir))
    log.info("starting Outpost %s (signals handled)", __version__)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert isinstance(app, QApplication)
    app.setApplicationName("Outpost")
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)  # Wayland/X11 match the window to the installed .desktop entry
    app.setWindowIcon(QIcon(str(resource("icons/outpost.svg"))))
    app.setQuitOnLastWindowClosed(False)  # the shutdown coroutine decides when Qt stops
    stop.keep_python_responsive(app)
    first = _first_window(data_dir)
    log.info("window shown (data folder %s, log %s)", data_dir, log_file)
    app.processEvents()  # painted, and its first events handled: the person sees a live window
    log.info("window ready")
    import asyncio  # the event loop's modules load after the window is on screen

    import qasync

    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    try:
        with loop:
            return int(loop.run_until_complete(_main(app, first, data_dir, stop)))
    finally:
        asyncio.set_event_loop(None)


def _first_window(data_dir: Path) -> QMainWindow:
    """The window as it appears at once, while the rest loads behind it.

    Placed as the full window will be (`gui.geometry`: last place if it fits, else as large as
    the screen allows), which then takes its place and geometry.
    """
    from outpost.gui import geometry  # Qt-free: costs nothing before the first paint

    window = QMainWindow()
    window.setWindowTitle("Outpost")
    area = window.screen().availableGeometry()
    available = geometry.Box(area.x(), area.y(), area.width(), area.height())
    box = geometry.placement(geometry.load(data_dir), available)
    window.setGeometry(box.x, box.y, box.width, box.height)
    label = QLabel("Opening Outpost…")
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    window.setCentralWidget(label)
    window.show()
    return window


async def _main(app: QApplication, first: QMainWindow, data_dir: Path, stop: _StopRequest) -> int:
    import asyncio

    closing = asyncio.Event()
    loop = asyncio.get_running_loop()
    stop.on_request(lambda: loop.call_soon_threadsafe(closing.set))
    for name in CORE_MODULES:  # import off the GUI thread: the first window stays responsive
        await asyncio.to_thread(importlib.import_module, name)
    from outpost.domain.errors import KnownError
    from outpost.engine import Engine
    from outpost.gui.crash import install_crash_handler
    from outpost.gui.mainwindow import MainWindow
    from outpost.gui.tasks import settle_ops
    from outpost.sandbox.mode import Sandbox

    try:
        engine = Engine.open(data_dir)
    except KnownError as error:
        log.error("cannot start: %s", error)
        QMessageBox.critical(first, "Outpost cannot start", error.text())
        return 1
    sandbox = Sandbox(engine)  # started by the window on request; stopped here, after the engine
    window = MainWindow(engine, sandbox=sandbox)
    # Every bug from here on (a slot, an asyncSlot, an op) opens the crash dialog; known problems
    # reaching the hook go to the status bar.
    install_crash_handler(log_dir(data_dir), messages=window.messages, parent=window)
    window.closed.connect(closing.set)
    _take_place_of(window, first)
    try:
        await engine.start()
        window.refresh()
        await window.resume()
        await window.open_composer()
        engine.media.warm_up()  # the first photo dropped shows without waiting for a new worker
        await closing.wait()
    finally:
        window.hide()
        await settle_ops()  # the last autosave lands before the engine closes
        await engine.close()
        await sandbox.stop()
        log.info("engine closed; quitting")
    return 0


def _take_place_of(window: MainWindow, first: QMainWindow) -> None:
    window.setGeometry(first.geometry())
    window.show()
    first.close()


class _StopRequest:
    """SIGINT/SIGTERM close the app cleanly, as closing the window would.

    Installed before the first window shows, so a signal that arrives while the rest is still
    loading is remembered (not fatal) and acted on as soon as the event loop runs.
    """

    def __init__(self) -> None:
        self.requested = False
        self._callback: Callable[[], object] | None = None

    def install(self) -> None:
        """Catch SIGINT and SIGTERM from now on."""
        for sig in (signal.SIGINT, signal.SIGTERM):
            signal.signal(sig, self._handle)

    @staticmethod
    def keep_python_responsive(app: QApplication) -> None:
        """Let signal handlers run while Qt waits.

        Python runs signal handlers only between bytecodes; while Qt waits in C++ nothing runs,
        so a light timer hands control back to Python a few times a second.
        """
        timer = QTimer(app)
        timer.timeout.connect(lambda: None)
        timer.start(250)

    def _handle(self, *_: object) -> None:
        self.requested = True
        if self._callback is not None:
            self._callback()

    def on_request(self, callback: Callable[[], object]) -> None:
        """Call `callback` on a stop request — at once if one came already."""
        self._callback = callback
        if self.requested:
            callback()
