"""The Stats tab over the real `engine.stats` and a seeded store (issue #21): what the window shows
is what the engine computes from the readings, with nulls as dashes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from outpost.domain.enums import Network
from outpost.domain.metrics import MetricReading, RemotePost
from outpost.domain.models import Account
from outpost.engine import Engine
from outpost.gui.messages import MessageBridge
from outpost.gui.stats.view import StatsView
from outpost.gui.tasks import settle_ops
from outpost.store import Store
from outpost.store.metrics import TrackedItem
from tests.fakes import FakeClock, MemorySecretStore
from tests.gui.helpers import run_on_qasync

TODAY = date(2026, 11, 30)
ZONE = "Europe/Berlin"


def seed(data: Path) -> Account:
    store = Store(data)
    masto = Account(
        id="acc_m",
        network=Network.MASTODON,
        handle="studio@masto.example",
        secret_ref="acc_m",
        created_at=datetime(2026, 1, 1, tzinfo=UTC),
    )
    store.accounts.insert(masto)
    for day, likes in ((10, 12), (17, 30), (24, 9)):
        at = datetime(2026, 11, day, 8, 0, tzinfo=UTC)  # Tuesdays, 09:00 in Berlin
        pid = f"m{day}"
        store.metrics.import_posts(
            masto.id, masto.network, [RemotePost(platform_post_id=pid, text=pid, created_at=at)], at
        )
        item = TrackedItem(masto.id, masto.network, pid, at, None, None, None)
        reading = MetricReading(
            platform_post_id=pid, read_at=at + timedelta(days=2), likes=likes, reposts=2, replies=1
        )
        store.metrics.record(item, reading, 200)
    store.close()
    return masto


def test_the_tab_shows_what_the_engine_computes_from_the_store(qapp, qtbot, tmp_path: Path) -> None:
    data = tmp_path / "data"
    masto = seed(data)

    async def main() -> None:
        engine = Engine.open(data, secrets=MemorySecretStore(), clock=FakeClock())
        try:

            async def accounts() -> list[Account]:
                return await engine.accounts.list()

            view = StatsView(
                engine.stats,
                accounts=accounts,
                zone=lambda: ZONE,
                today=lambda: TODAY,
                messages=MessageBridge(),
            )
            qtbot.addWidget(view)
            view.resize(1200, 900)
            view.show()
            view.load()
            await settle_ops()
            summary = await engine.stats.summary(date(2026, 10, 31), TODAY)
            assert summary.summary.total_posts == 3 and summary.summary.total_engagements == 60
            cards = {key: card.value.text() for key, card in view.cards.items()}
            assert cards["posts"] == "3" and cards["engagements"] == "60"
            assert cards["impressions"] == "—"  # Mastodon reports none: a dash, never 0
            rate = summary.summary.avg_engagement_rate
            assert rate is not None and cards["rate"] == f"{rate:.2f}%"  # a percent, as seed 004
            assert view.heatmap.describe(1, 9).startswith("Tuesday 09:00–10:00:")
            assert "from 3 posts" in view.heatmap.describe(1, 9)
            assert view.heatmap.describe(0, 9) == "Monday 09:00–10:00: no posts yet"
            assert masto.id in {a.id for a in await engine.accounts.list()}
        finally:
            await settle_ops()
            await engine.close()

    run_on_qasync(qapp, main)
