"""One thread owns the store: every database call runs there, off the GUI's event loop.

Learned from Anki `taskman.py` (`_collection_executor`, `max_workers=1`): one worker serialises
database access, and the event loop never waits on disk.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import ParamSpec, TypeVar

from outpost.domain.errors import StoreError

P = ParamSpec("P")
R = TypeVar("R")


class StoreWorker:
    """Runs store calls one at a time on a dedicated thread."""

    def __init__(self) -> None:
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="outpost-store")
        self._closed = False

    async def run(self, fn: Callable[P, R], /, *args: P.args, **kwargs: P.kwargs) -> R:
        """`fn(*args, **kwargs)` on the store thread.

        Raises:
            StoreError: the engine has closed (e.g. a late timer while Outpost quits).
        """
        if self._closed:
            raise StoreError(
                "Outpost is closing; that was not done. It will be possible after the next start."
            )
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, functools.partial(fn, *args, **kwargs))

    def close(self) -> None:
        """Finish queued calls and stop the thread."""
        self._closed = True
        self._executor.shutdown(wait=True)
