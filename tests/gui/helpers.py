"""Driving widgets on a real qasync loop (ENVIRONMENT.md §2, style A): no nested Qt waits."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import Awaitable, Callable

import qasync


def run_on_qasync(qapp: object, scenario: Callable[[], Awaitable[None]], timeout: float = 30) -> None:
    qapp.setQuitOnLastWindowClosed(False)  # as app.py does: the shutdown coroutine decides when Qt stops
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(asyncio.wait_for(scenario(), timeout))
    finally:
        asyncio.set_event_loop(None)
        loop.close()
        # qasync's timers and notifiers sit in reference cycles; collect them here, on the Qt
        # thread, or a later collection on a worker thread makes Qt warn about foreign threads.
        gc.collect()
