"""Child processes in tests are always reaped, whatever happens to the test.

A `Popen` that is never waited for warns from `Popen.__del__` when it is garbage-collected —
during whichever test happens to run then, which fails that innocent test under
`filterwarnings = error`. On a loaded machine a timeout is what usually skips the wait.
"""

from __future__ import annotations

import contextlib
import subprocess
from collections.abc import Iterator


@contextlib.contextmanager
def reaped(process: subprocess.Popen[str] | subprocess.Popen[bytes]) -> Iterator[None]:
    """On leaving (normally or by an exception), kill `process` if it still runs, and wait for it."""
    try:
        yield
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        for stream in (process.stdout, process.stderr, process.stdin):
            if stream is not None:
                stream.close()
