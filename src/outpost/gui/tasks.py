"""Running engine calls from the GUI without blocking it (STYLE.md §6).

`run_op(coro, on_success=…, on_failure=…)` schedules the coroutine on the qasync loop, keeps a
strong reference to the task (asyncio only keeps weak ones), sends a `KnownError` to
`on_failure` (the person can act on it) and anything else to `sys.excepthook` (a bug: the crash
path). Callbacks run on the Qt thread. Never touch widgets inside the coroutine itself.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from outpost.domain.errors import KnownError

log = logging.getLogger("outpost.gui")
T = TypeVar("T")
_running: set[asyncio.Task[Any]] = set()


def run_op(
    coro: Coroutine[Any, Any, T],
    *,
    on_success: Callable[[T], None] | None = None,
    on_failure: Callable[[KnownError], None] | None = None,
) -> asyncio.Task[T] | None:
    """Run `coro` in the background and route its outcome to the callbacks.

    Returns None, dropping the work, when no event loop runs: that only happens while the app
    shuts down (a timer firing after the loop stopped), when nothing can complete anyway.
    """
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        coro.close()
        return None
    task = loop.create_task(coro)
    _running.add(task)

    def finished(done: asyncio.Task[T]) -> None:
        _running.discard(done)
        if done.cancelled():
            return
        error = done.exception()
        if error is None:
            if on_success is not None:
                on_success(done.result())
        elif isinstance(error, KnownError):
            if on_failure is not None:
                on_failure(error)
            else:
                log.warning("%s", error)  # a known problem nobody asked about: not a bug
        else:
            sys.excepthook(type(error), error, error.__traceback__)

    task.add_done_callback(finished)
    return task


async def settle_ops() -> None:
    """Wait for every running op (tests, and a clean shutdown)."""
    while _running:
        await asyncio.gather(*list(_running), return_exceptions=True)
