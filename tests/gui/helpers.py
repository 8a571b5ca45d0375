"""Driving widgets on a real qasync loop (ENVIRONMENT.md §2, style A), and letting go of them after."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Awaitable, Callable

import qasync
import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication


def run_on_qasync(qapp: object, scenario: Callable[[], Awaitable[None]], timeout: float = 30) -> None:
    qapp.setQuitOnLastWindowClosed(False)  # as app.py does: the shutdown coroutine decides when Qt stops
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(asyncio.wait_for(scenario(), timeout))
    finally:
        asyncio.set_event_loop(None)
        loop.close()
        # The loop's timers and notifiers sit in reference cycles: the last reference goes here,
        # and `release_qt_objects` collects them at teardown, on the Qt thread.
        del loop


def release_qt_objects() -> None:
    """Delete what a GUI test left of Qt, now and on the Qt thread (tests/conftest.py calls it).

    pytest-qt closes the widgets a test registered and calls `deleteLater()`, but a deferred
    deletion waits for an event loop, which may next run in the next GUI test; and Qt objects in
    reference cycles (qasync's timers, widgets whose slots are lambdas over themselves) wait for
    the garbage collector, which runs on whichever thread allocates next: e.g. a loopback fake
    server's thread in a later test, where Qt warns "QObject::~QObject: Timers cannot be stopped
    from another thread" (or crashes). Windows a test did not register are closed too.
    """
    # Mime data a test put on the clipboard (QMimeData made in Python) crashes the interpreter
    # when the application is destroyed at exit (PySide6 6.12, offscreen): empty it after each test.
    QApplication.clipboard().clear()
    _close_windows()  # its own function: a loop variable here would keep the last window alive
    for _ in range(10):  # collecting a cycle can post deletions, and deleting can free cycles
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        if not gc.collect():
            break


def _close_windows() -> None:
    for widget in QApplication.topLevelWidgets():
        if shiboken6.createdByPython(widget):  # leave Qt's own (tooltips, popups) to Qt
            widget.close()
            widget.deleteLater()
