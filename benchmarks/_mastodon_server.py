"""A strict fake Mastodon in its own process (so it does not share the window's GIL), with N posts
the account made elsewhere over the last year. Writes its port to PORT_FILE, serves until killed.

Usage: python benchmarks/_mastodon_server.py PORT_FILE N
"""

from __future__ import annotations

import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from tests.contract.fake_mastodon import BASE, FakeMastodon  # noqa: E402
from tests.support.loopback import LoopbackServer  # noqa: E402


def main() -> None:
    port_file, count = Path(sys.argv[1]), int(sys.argv[2])
    now = datetime.now(UTC)
    fake = FakeMastodon(now=lambda: datetime.now(UTC))
    for i in range(count):
        fake.post_elsewhere(f"Post number {i} from the phone", now - timedelta(hours=8 * (i + 1)))
    with LoopbackServer(fake.handle, origin=BASE) as server:
        port_file.write_text(str(server.port))
        while True:
            time.sleep(3600)


if __name__ == "__main__":
    main()
