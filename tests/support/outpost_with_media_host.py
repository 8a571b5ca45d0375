"""`outpost` with the test media host of $OUTPOST_TEST_MEDIA_HOST (tests/support/remote_media_host.py).

Run as `python tests/support/outpost_with_media_host.py ARGS…` with the project on PYTHONPATH
(`tests.support.program.outpost_env` sets it): the real command line, whose engine gets the
loopback media host through `outpost.cli.main(open_engine=…)`.
"""

from __future__ import annotations

import os
from pathlib import Path

from outpost.cli import main
from outpost.engine import Engine
from tests.support.remote_media_host import ENV, HttpMediaHost


def _open_engine(data_dir: Path) -> Engine:
    return Engine.open(data_dir, media_in_process=True, media_host=HttpMediaHost(os.environ[ENV]))


if __name__ == "__main__":
    raise SystemExit(main(open_engine=_open_engine))
