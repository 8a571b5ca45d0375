"""The window's event loop must not wear `None` away (found in session 6 with PySide6 6.12.0).

qasync runs every asyncio callback from a `QObject.timerEvent` override. PySide6 6.12.0 dropped
one reference to `None` each time such an override returned: after a few thousand callbacks
(minutes of a window left open) `None`'s count reached zero and Python aborted ("Fatal Python
error: none_dealloc"). pyproject.toml keeps PySide6 below 6.12; these tests fail on any version
with the leak, whatever the pin says. (Python 3.12 makes None immortal; Outpost supports 3.11.)
"""

from __future__ import annotations

import asyncio
import sys

from PySide6.QtCore import QEventLoop, QObject, QTimerEvent

from tests.gui.helpers import run_on_qasync

CALLS = 1500  # enough to see the leak, few enough not to abort the test run on a leaky version


class Repeating(QObject):
    """A timer event that starts the next one, CALLS times, then stops `loop`."""

    def __init__(self, loop: QEventLoop) -> None:
        super().__init__()
        self.loop = loop
        self.calls = 0

    def timerEvent(self, event: QTimerEvent) -> None:
        self.killTimer(event.timerId())
        self.calls += 1
        if self.calls < CALLS:
            self.startTimer(0)
        else:
            self.loop.quit()


def test_a_timer_event_override_keeps_none_alive(qapp) -> None:
    loop = QEventLoop()
    repeating = Repeating(loop)
    before = sys.getrefcount(None)
    repeating.startTimer(0)
    loop.exec()
    lost = before - sys.getrefcount(None)
    assert repeating.calls == CALLS
    assert lost < CALLS // 10, f"{lost} references to None lost over {CALLS} timer events"


def test_the_asyncio_loop_the_window_runs_on_keeps_none_alive(qapp) -> None:
    async def main() -> None:
        before = sys.getrefcount(None)
        for _ in range(CALLS):
            await asyncio.sleep(0)
        lost = before - sys.getrefcount(None)
        assert lost < CALLS // 10, f"{lost} references to None lost over {CALLS} event-loop callbacks"

    run_on_qasync(qapp, main)
