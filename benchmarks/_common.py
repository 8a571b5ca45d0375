"""Shared bits of the benchmarks: the machine, timing, and a result row."""

from __future__ import annotations

import os
import platform
import statistics
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {platform.system()}"


def best_of(runs: int, fn: Callable[[], float]) -> float:
    """The median of `runs` measurements (seconds), for noisy machines."""
    return statistics.median(fn() for _ in range(runs))


def clock() -> float:
    return time.perf_counter()


def row(what: str, result: str, target: str, ok: bool) -> str:
    return f"| {what} | {result} | {target} | {'✅ met' if ok else '❌ missed'} |"
