"""A killed Outpost leaves nothing running: its media worker process exits with it.

The parent is SIGKILLed (it cannot shut its worker pool down); the worker must notice and go.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.media_fixtures import image
from tests.support.processes import reaped
from tests.support.program import outpost_env

CHILD = """
import asyncio, sys
from pathlib import Path
from outpost.media.pipeline import MediaPipeline

async def main() -> None:
    pipeline = MediaPipeline(Path(sys.argv[1]) / "cache")
    await pipeline.inspect(sys.argv[2])  # starts the worker process
    print(*pipeline._pool._processes, flush=True)  # the worker's pid
    await asyncio.sleep(60)

asyncio.run(main())
"""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat").read_text().split()[2] if Path(f"/proc/{pid}/stat").exists() else "?"
    return state != "Z"  # a zombie has exited; only its entry waits for a parent


def test_the_media_worker_exits_when_outpost_is_killed(tmp_path: Path) -> None:
    photo = image(tmp_path / "photo.png", 64, 48)
    parent = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path), str(photo)],
        stdout=subprocess.PIPE,
        text=True,
        env=outpost_env(),
    )
    assert parent.stdout is not None
    with reaped(parent):
        worker = int(parent.stdout.readline().split()[0])
        assert _alive(worker)
        parent.send_signal(signal.SIGKILL)
        parent.wait(timeout=10)
    deadline = time.monotonic() + 10
    while _alive(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(worker), "the media worker outlived the killed Outpost process"
