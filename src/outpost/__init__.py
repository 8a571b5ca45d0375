"""Outpost: write a post once, publish it everywhere, from the creator's own machine."""

import sys

__version__ = "0.1.0"

# httpx imports its command-line client (click, pygments, rich) whenever those happen to be
# installed — pytest and pipx put them in a developer's environment, PyInstaller then bundles
# them — and Outpost never runs it: ~2.3 MB and ~12 ms of every start. A None entry makes that
# one import fail, which httpx handles (`except ImportError` in httpx/__init__.py: `main` then
# only explains how to install the CLI).
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
