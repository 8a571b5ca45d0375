"""Cold start to a visible, interactive window with 10,000 posts, and RSS after start, against an
empty PySide6 window started the same way in the same run (targets: ≤ 1.5× each).

"Interactive" is the first event-loop turn after the window is shown (the app logs "window
ready"; the baseline prints "ready" from a zero-delay timer). Offscreen, median of 5 starts.
Run: .venv/bin/python benchmarks/startup_bench.py
"""

from __future__ import annotations

import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
sys.path.insert(0, str(HERE))

from _common import row  # noqa: E402

from outpost.domain.enums import Network, PostStatus  # noqa: E402
from outpost.domain.models import Account, Post, Target  # noqa: E402
from outpost.store import Store  # noqa: E402

N = 10_000
ENV = {
    **os.environ,
    "QT_QPA_PLATFORM": "offscreen",
    "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring",
}
BASELINE = (
    "import sys\nfrom PySide6.QtWidgets import QApplication, QMainWindow\nfrom PySide6.QtCore import QTimer\n"
    "app = QApplication([]); w = QMainWindow(); w.setWindowTitle('baseline'); w.resize(1180, 760); w.show()\n"
    "QTimer.singleShot(0, lambda: (print('ready', flush=True)))\napp.exec()\n"
)
# Not a target, a reference for the RSS miss: the same window with a line of text and the design
# card's libraries loaded and used once (qasync's loop, SQLite, a pydantic model, an httpx client,
# the keyring), with PySide6's source caching switched off as Outpost does (gui/import_scan.py).
LIBRARIES = (
    "import sys\nfrom PySide6.QtWidgets import QApplication, QMainWindow, QLabel\n"
    "from outpost.gui.import_scan import stop_source_caching\nstop_source_caching()\n"
    "app = QApplication([]); w = QMainWindow(); w.resize(1180, 760); w.setCentralWidget(QLabel('text'))\n"
    "w.show(); app.processEvents()\n"
    "import asyncio, sqlite3, qasync, httpx, keyring\nfrom pydantic import BaseModel\n"
    "class Row(BaseModel):\n    id: str\n    text: str | None = None\n"
    "loop = qasync.QEventLoop(app); db = sqlite3.connect(':memory:'); Row(id='a')\n"
    "client = httpx.AsyncClient(); keyring.get_keyring(); print('ready', flush=True)\napp.exec()\n"
)


def fill(data: Path) -> None:
    now = datetime.now(UTC)
    store = Store(data)
    for name, network in (("acc_a", Network.MASTODON), ("acc_b", Network.BLUESKY)):
        store.accounts.insert(
            Account(id=name, network=network, handle=f"{name}@bench", secret_ref=name, created_at=now)
        )
    with store.db.transaction():
        for i in range(N):
            store.posts.insert(
                Post(
                    id=f"post_{i:06d}",
                    status=PostStatus.SCHEDULED if i % 2 else PostStatus.PUBLISHED,
                    text=f"Post number {i}: a sentence or two of the kind creators write.",
                    scheduled_at=now + timedelta(hours=i + 1) if i % 2 else None,
                    timezone="UTC",
                    created_at=now,
                    updated_at=now,
                    targets=(
                        Target(
                            id=f"t{i}a",
                            account_id="acc_a",
                            network=Network.MASTODON,
                            idempotency_key=f"k{i}a",
                        ),
                        Target(
                            id=f"t{i}b", account_id="acc_b", network=Network.BLUESKY, idempotency_key=f"k{i}b"
                        ),
                    ),
                )
            )
    store.close()


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS"):
            return int(line.split()[1]) / 1024
    return 0.0


def start_app(data: Path) -> tuple[float, float]:
    log = data / "logs" / "outpost.log"
    if log.exists():
        log.unlink()
    start = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "outpost", "--data-dir", str(data)],
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        while not (log.exists() and "window ready" in log.read_text()):
            if process.poll() is not None:
                raise RuntimeError("outpost exited early")
            time.sleep(0.005)
        elapsed = time.perf_counter() - start
        time.sleep(2.0)  # settle: first page of the queue, calendar week, accounts loaded
        return elapsed, rss_mb(process.pid)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def start_baseline(script: str = BASELINE) -> tuple[float, float]:
    start = time.perf_counter()
    env = {**ENV, "PYTHONPATH": str(HERE.parent / "src")}
    process = subprocess.Popen([sys.executable, "-c", script], env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        process.stdout.readline()
        elapsed = time.perf_counter() - start
        time.sleep(2.0)
        return elapsed, rss_mb(process.pid)
    finally:
        process.kill()
        process.wait()


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        fill(data)
        start_app(data)  # first start migrates nothing but warms the OS file cache, as for the baseline
        apps = [start_app(data) for _ in range(5)]
        bases = [start_baseline() for _ in range(5)]
        libraries = statistics.median(start_baseline(LIBRARIES)[1] for _ in range(3))
    app_time, base_time = statistics.median(a[0] for a in apps), statistics.median(b[0] for b in bases)
    app_rss, base_rss = statistics.median(a[1] for a in apps), statistics.median(b[1] for b in bases)
    print(
        row(
            f"cold start to an interactive window, {N:,} posts",
            f"{app_time * 1000:.0f} ms vs empty PySide6 window "
            f"{base_time * 1000:.0f} ms = {app_time / base_time:.2f}×",
            "≤ 1.5×",
            app_time / base_time <= 1.5,
        )
    )
    print(
        row(
            f"RSS after start, {N:,} posts",
            f"{app_rss:.0f} MB vs empty PySide6 window {base_rss:.0f} MB = {app_rss / base_rss:.2f}×",
            "≤ 1.5×",
            app_rss / base_rss <= 1.5,
        )
    )
    print(
        f"reference: that window with text and the design card's libraries loaded: {libraries:.0f} MB "
        f"= {libraries / base_rss:.2f}× the empty window; Outpost = {app_rss / libraries:.2f}× of it"
    )


if __name__ == "__main__":
    main()
