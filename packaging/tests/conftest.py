"""The bundle's smoke tests share `tests/support` with the main suite (one way to run the program).

This folder is not a package: a second top-level `tests` package would hide the main one. So the
checkout's root goes on `sys.path` here, whichever folder pytest is started from.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
