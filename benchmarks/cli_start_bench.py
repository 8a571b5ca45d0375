"""Command-line start: `outpost --json post list` on an empty store against
`python -c "import pydantic, httpx, sqlite3"` — the libraries any Outpost command needs — in the
same run (target: the ratio does not grow as networks are added; docs/benchmarks.md).

The two commands run in turn, A B A B …, after one warm-up each; each run is a whole process, its
wall time taken from outside and its peak RSS from the kernel's own accounting (`wait4`). The
ratio is taken pair by pair, so a machine whose speed drifts during the run does not skew it;
the medians are quoted. The keyring is the keyring library's null backend, as in the other
benchmarks, so no Secret Service is asked anything.

Run: .venv/bin/python benchmarks/cli_start_bench.py [--runs N] [--src DIR]
(`--src` measures another checkout's `src/`, e.g. the commit before a change.)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from _common import machine, row  # noqa: E402

BASELINE = "import pydantic, httpx, sqlite3"
TARGET = 2.5  # ≤ this ratio: measured 2.27–2.43× (adapters imported when first used; 2.63–2.90× before)


@dataclass(frozen=True)
class Run:
    """One finished process: wall seconds, CPU seconds (user + system), peak RSS in MB, exit code."""

    wall: float
    cpu: float
    rss_mb: float
    code: int


def run(command: list[str], env: dict[str, str]) -> Run:
    """Start `command`, wait for it, and read its own resource use (not other children's)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)  # reaped here: keep Popen from waiting again
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, process.returncode)


def measure(runs: int, src: Path) -> tuple[list[Run], list[Run]]:
    """`runs` pairs of (outpost, baseline) after one warm-up pair, on a fresh empty store."""
    env = {
        **os.environ,
        "PYTHONPATH": str(src),
        "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
    }
    env.pop("OUTPOST_DATA_DIR", None)
    with tempfile.TemporaryDirectory() as tmp:
        outpost = [
            sys.executable,
            "-m",
            "outpost",
            "--data-dir",
            str(Path(tmp) / "data"),
            "--json",
            "post",
            "list",
        ]
        baseline = [sys.executable, "-c", BASELINE]
        first = run(outpost, env)  # creates the empty store, as a first command would; not counted
        if first.code != 0:
            raise SystemExit(f"`outpost --json post list` exited {first.code}")
        run(baseline, env)
        pairs = [(run(outpost, env), run(baseline, env)) for _ in range(runs)]
    return [a for a, _ in pairs], [b for _, b in pairs]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="counted pairs (default 15)")
    parser.add_argument("--src", type=Path, default=HERE.parent / "src", help="the src/ folder to measure")
    options = parser.parse_args()
    apps, bases = measure(options.runs, options.src.resolve())
    ratios = sorted(a.wall / b.wall for a, b in zip(apps, bases, strict=True))
    ratio = statistics.median(ratios)
    app_ms = statistics.median(a.wall for a in apps) * 1000
    base_ms = statistics.median(b.wall for b in bases) * 1000
    print(f"machine: {machine()}; {options.runs} pairs; src: {options.src}")
    print(
        row(
            "command-line start: `outpost --json post list`, empty store",
            f'{app_ms:.0f} ms vs `python -c "{BASELINE}"` {base_ms:.0f} ms = {ratio:.2f}× '
            f"(pairs {ratios[0]:.2f}–{ratios[-1]:.2f}×)",
            f"≤ {TARGET}×",
            ratio <= TARGET,
        )
    )
    cpu_ratio = statistics.median(a.cpu / b.cpu for a, b in zip(apps, bases, strict=True))
    app_cpu = statistics.median(a.cpu for a in apps) * 1000
    base_cpu = statistics.median(b.cpu for b in bases) * 1000
    print(
        f"CPU time: {app_cpu:.0f} ms vs {base_cpu:.0f} ms = {cpu_ratio:.2f}× (less swayed by a busy machine)"
    )
    app_rss = statistics.median(a.rss_mb for a in apps)
    base_rss = statistics.median(b.rss_mb for b in bases)
    print(f"peak RSS: {app_rss:.0f} MB vs {base_rss:.0f} MB = {app_rss / base_rss:.2f}× (not a target)")


if __name__ == "__main__":
    main()
