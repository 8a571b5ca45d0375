"""`engine.stats` on a seeded history with known answers: summaries, best times, export, opt-in."""

from __future__ import annotations

import csv
from collections.abc import AsyncIterator, Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio

from outpost.adapters.base import AccountContext, AddAccountRequest
from outpost.adapters.registry import AdapterRegistry
from outpost.adapters.x import XAdapter
from outpost.domain.enums import Network
from outpost.domain.metrics import MetricReading, RemotePost
from outpost.domain.models import Account, PublishedPart
from outpost.engine import Engine, PostInput, When
from outpost.store import Store
from outpost.store.metrics import TrackedItem
from tests.fakes import FakeAdapter, FakeClock, FakeNetwork, MemorySecretStore

pytestmark = pytest.mark.asyncio

NOV = datetime(2026, 11, 1, tzinfo=UTC)


def account(account_id: str, network: Network) -> Account:
    return Account(
        id=account_id, network=network, handle=f"{account_id}@example", secret_ref=account_id, created_at=NOV
    )


def seed_post(
    store: Store,
    acc: Account,
    pid: str,
    at: datetime,
    *,
    text: str = "",
    followers: int | None = None,
    **metrics: int,
) -> None:
    store.metrics.import_posts(
        acc.id, acc.network, [RemotePost(platform_post_id=pid, text=text or pid, created_at=at)], at
    )
    item = TrackedItem(acc.id, acc.network, pid, at, None, None, None)
    store.metrics.record(
        item, MetricReading(platform_post_id=pid, read_at=at + timedelta(days=2), **metrics), followers
    )


@pytest_asyncio.fixture
async def seeded(tmp_path: Path, clock: FakeClock, secrets: MemorySecretStore) -> AsyncIterator[Engine]:
    data = tmp_path / "data"
    store = Store(data)
    masto, x = account("acc_m", Network.MASTODON), account("acc_x", Network.X)
    store.accounts.insert(masto)
    store.accounts.insert(x)
    # Mastodon: no impressions; rates per follower at post time (100 followers).
    seed_post(store, masto, "m1", NOV + timedelta(days=2), followers=100, likes=2, reposts=1, replies=0)
    store.metrics.record(  # a later reading of m1 replaces the earlier in every total
        TrackedItem(masto.id, masto.network, "m1", NOV + timedelta(days=2), None, None, None),
        MetricReading(platform_post_id="m1", read_at=NOV + timedelta(days=9), likes=10, reposts=2, replies=1),
        100,
    )
    seed_post(
        store,
        masto,
        "m2",
        NOV + timedelta(days=5),
        text="Second\nmore",
        followers=100,
        likes=15,
        reposts=4,
        replies=1,
    )
    seed_post(store, masto, "m3", NOV + timedelta(days=20), followers=100, likes=5, reposts=0, replies=0)
    seed_post(
        store, masto, "m0", NOV - timedelta(days=3), followers=100, likes=900, reposts=0, replies=0
    )  # October
    # X: impressions, so rates per impression.
    seed_post(store, x, "x1", NOV + timedelta(days=3), impressions=1000, likes=40, reposts=5, replies=5)
    seed_post(
        store, x, "x2", NOV + timedelta(days=29, hours=23), impressions=500, likes=10, reposts=0, replies=0
    )
    for who, day, count in (("acc_m", 1, 100), ("acc_m", 15, 130), ("acc_m", 30, 150), ("acc_x", 10, 1000)):
        store.metrics.record_followers(who, count, NOV + timedelta(days=day - 1, hours=6))
    store.metrics.record_followers("acc_m", 90, NOV - timedelta(days=10))
    store.close()
    clock.set(datetime(2026, 12, 2, 12, tzinfo=UTC))
    engine = Engine.open(data, registry=AdapterRegistry({}), secrets=secrets, clock=clock)
    engine.update_settings(default_timezone="UTC")
    yield engine
    await engine.close()


async def test_a_summary_adds_up_the_latest_numbers_and_keeps_unreported_ones_null(seeded: Engine) -> None:
    result = await seeded.stats.summary(date(2026, 11, 1), date(2026, 11, 30))
    totals = result.summary
    assert (totals.total_posts, totals.total_engagements, totals.total_impressions) == (
        5,
        13 + 20 + 5 + 50 + 10,
        1500,
    )
    assert totals.avg_engagement_rate == pytest.approx(100 * (0.13 + 0.20 + 0.05 + 0.05 + 0.02) / 5)
    assert totals.followers_gained == 50  # Mastodon 100 → 150 (the October count is outside); X one count
    assert [p.id for p in result.top_posts] == [
        "imported:acc_x:x1",
        "imported:acc_m:m2",
        "imported:acc_m:m1",
        "imported:acc_x:x2",
        "imported:acc_m:m3",
    ]
    assert result.top_posts[1].title == "Second" and result.top_posts[1].impressions is None
    mastodon = next(p for p in result.by_platform if p.platform == "mastodon")
    assert (mastodon.posts, mastodon.impressions, mastodon.likes, mastodon.followers_gained) == (
        3,
        None,
        30,
        50,
    )
    only = await seeded.stats.summary(date(2026, 11, 1), date(2026, 11, 30), network="mastodon")
    assert (only.summary.total_posts, only.summary.total_impressions, only.summary.followers_gained) == (
        3,
        None,
        50,
    )
    one_day = await seeded.stats.summary(date(2026, 11, 30), date(2026, 11, 30), account_id="x:acc_x@example")
    assert [p.id for p in one_day.top_posts] == ["imported:acc_x:x2"]  # 23:00 on the 30th: included


async def test_one_post_keeps_its_series_and_its_nulls(seeded: Engine) -> None:
    stats = await seeded.stats.post("imported:acc_m:m1")
    assert [p.engagements for p in stats.timeseries] == [3, 13]
    assert stats.total.impressions is None and stats.total.engagement_rate == 13.0  # a percent, as seed 004
    document = stats.model_dump(mode="json")
    assert document["total"]["impressions"] is None and document["by_platform"][0]["quotes"] is None


async def test_export_writes_every_reading_with_empty_cells_for_unreported_metrics(
    seeded: Engine, tmp_path: Path
) -> None:
    path = tmp_path / "stats.csv"
    assert await seeded.stats.export(path, date(2026, 11, 1), date(2026, 11, 30)) == 6
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    first = rows[0]
    assert (first["post_id"], first["age"], first["likes"], first["impressions"]) == (
        "imported:acc_m:m1",
        "24 h",
        "2",
        "",
    )
    assert {r["network"] for r in rows} == {"mastodon", "x"}


async def test_best_times_on_a_history_with_a_known_answer(
    tmp_path: Path, clock: FakeClock, secrets: MemorySecretStore
) -> None:
    data = tmp_path / "data"
    store = Store(data)
    masto = account("acc_m", Network.MASTODON)
    store.accounts.insert(masto)
    berlin = ZoneInfo("Europe/Berlin")
    start = datetime(2026, 9, 7, tzinfo=berlin)  # a Monday
    tuesdays = 0
    for week in range(8):
        for weekday, hour, likes in ((1, 9, 30), (3, 18, 10), (5, 12, 9), (6, 20, 10)):
            at = (start + timedelta(weeks=week, days=weekday)).replace(hour=hour).astimezone(UTC)
            seed_post(store, masto, f"p{week}-{weekday}", at, followers=1000, likes=likes)
            tuesdays += weekday == 1
    store.close()
    clock.set(datetime(2026, 12, 2, tzinfo=UTC))
    engine = Engine.open(data, registry=AdapterRegistry({}), secrets=secrets, clock=clock)
    try:
        best = await engine.stats.best_times(zone="Europe/Berlin")
        assert best.based_on_posts == 32
        [top] = best.recommendations
        assert (top.day, [t.time for t in top.times], top.times[0].posts) == ("tuesday", ["09:00"], tuesdays)
        assert top.times[0].score == pytest.approx(3.0)  # 30 likes against the usual 10
        assert "8 of your posts made on Tuesdays at 09:00 (Europe/Berlin)" in top.times[0].reason
        assert best.avoid == []
        too_few = await engine.stats.best_times(network="x")
        assert too_few.recommendations == [] and too_few.based_on_posts == 0
        assert too_few.message and "Too little history" in too_few.message
    finally:
        await engine.close()


class MeteredX(FakeAdapter):
    """X as the collector sees it: it reads metrics, and each read costs money (`metrics_cost`)."""

    can_read_metrics = True
    metrics_cost = XAdapter.metrics_cost or "X bills every post read on its pay-per-use API"

    async def read_metrics(self, ctx: AccountContext, parts: list[PublishedPart]) -> list[MetricReading]:  # type: ignore[override]
        self.remote.uploads.append("read_metrics")  # what the network received: a paid read
        return [
            MetricReading(
                platform_post_id=p.platform_post_id, read_at=self.clock.now(), likes=1, impressions=10
            )
            for p in parts
        ]


async def test_a_network_that_charges_for_reads_is_not_read_until_the_person_opts_in(
    tmp_path: Path, clock: FakeClock, secrets: MemorySecretStore
) -> None:
    remote = FakeNetwork(network=Network.X)
    registry = AdapterRegistry({Network.X: lambda client, **kw: MeteredX(client, remote, **kw)})
    engine = Engine.open(tmp_path / "data", registry=registry, secrets=secrets, clock=clock)
    try:
        x = await engine.accounts.add(Network.X, AddAccountRequest(handle="alice", access_token="good-token"))
        post = await engine.posts.create(PostInput(text="hello X", accounts=(x.id,)), When.now())
        clock.advance(timedelta(hours=1))
        await engine.stats.collector.read_due()
        [result] = await engine.stats.collect()
        assert remote.uploads == []  # not one paid read
        assert (
            result.skipped
            and MeteredX.metrics_cost in result.skipped
            and "stats_paid_networks" in result.skipped
        )
        assert engine.stats.paid_networks() == [(Network.X, MeteredX.metrics_cost)]
        engine.update_settings(stats_paid_networks=True)
        await engine.stats.collector.read_due()
        assert remote.uploads == ["read_metrics"]
        assert (await engine.stats.post(post.id)).total.impressions == 10
    finally:
        await engine.close()


async def test_a_period_is_the_creators_days_not_utcs(seeded: Engine) -> None:
    seeded.update_settings(default_timezone="Pacific/Auckland")  # UTC+13 in November
    # x2 went out on 30 November at 23:00 UTC: 1 December, noon, in Auckland.
    december = await seeded.stats.summary(date(2026, 12, 1), date(2026, 12, 1))
    assert (december.summary.total_posts, december.summary.total_engagements) == (1, 10)
    november = await seeded.stats.summary(date(2026, 11, 1), date(2026, 11, 30))
    assert november.summary.total_posts == 4 and november.summary.total_engagements == 88


async def test_a_summary_keeps_to_one_tag_or_one_campaign(
    make_engine: Callable[..., Engine], clock: FakeClock
) -> None:
    """Issue #24: the stats filter by the tags and campaigns the queue filters by."""
    engine = make_engine()
    try:
        alice = await engine.accounts.add(
            Network.MASTODON, AddAccountRequest(service_url="https://fake.example", access_token="good-token")
        )
        await engine.campaigns.add("Spring workshops")
        made = {}
        for text, tags, campaign, likes in (
            ("Indigo day", ("indigo", "workshop"), "Spring workshops", 10),
            ("Madder day", ("madder",), "Spring workshops", 4),
            ("Studio news", ("indigo",), None, 7),
        ):
            post = await engine.posts.create(
                PostInput(text=text, accounts=(alice.id,), tags=tags, campaign=campaign), When.now()
            )
            target = post.targets[0]
            item = TrackedItem(
                alice.id,
                Network.MASTODON,
                target.parts[0].platform_post_id,
                clock.now(),
                post.id,
                target.id,
                None,
            )
            reading = MetricReading(
                platform_post_id=item.platform_post_id,
                read_at=clock.now() + timedelta(hours=2),
                likes=likes,
                reposts=0,
                replies=0,
            )
            await engine._core.db.run(engine._core.store.metrics.record, item, reading, 100)
            made[text] = post.id
        day = clock.now().date()

        indigo = await engine.stats.summary(day, day, tag="INDIGO")
        spring = await engine.stats.summary(day, day, campaign="spring workshops")
        everything = await engine.stats.summary(day, day)
    finally:
        await engine.close()
    assert (indigo.summary.total_posts, indigo.summary.total_engagements) == (2, 17)
    assert {p.id for p in indigo.top_posts} == {made["Indigo day"], made["Studio news"]}
    assert (spring.summary.total_posts, spring.summary.total_engagements) == (2, 14)
    assert (everything.summary.total_posts, everything.summary.total_engagements) == (3, 21)
