"""`engine.media_host` over a real data folder, a keyring (in memory) and a real S3 server on loopback."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from outpost.domain.enums import Network
from outpost.domain.errors import InvalidStateError, NotFoundError, ValidationError
from outpost.domain.models import MediaAsset
from outpost.engine import Engine
from outpost.engine.events import Event, SettingsDidChange
from tests import media_fixtures
from tests.conftest import until
from tests.fakes import FakeClock, FakeNetwork, MemorySecretStore, fake_registry
from tests.support.s3 import S3Server

pytestmark = pytest.mark.asyncio


@pytest.fixture
def world_clock(s3: S3Server) -> Iterator[FakeClock]:
    """Outpost's clock at the real time, shared with the server (the world has one time)."""
    clock = FakeClock(datetime.now(UTC).replace(microsecond=0))
    with s3.clock(clock.now):
        yield clock


def _open(data: Path, clock: FakeClock, secrets: MemorySecretStore) -> Engine:
    return Engine.open(data, registry=fake_registry(FakeNetwork()), secrets=secrets, clock=clock)


@pytest_asyncio.fixture
async def engine(tmp_path: Path, world_clock: FakeClock, secrets: MemorySecretStore) -> AsyncIterator[Engine]:
    eng = _open(tmp_path / "data", world_clock, secrets)
    yield eng
    await eng.close()


def _asset(path: Path) -> MediaAsset:
    return MediaAsset(id="med_1", path=str(path), mime_type="image/jpeg", size=path.stat().st_size)


async def test_setting_the_host_reaches_every_adapter_keeps_the_secret_in_the_keyring_and_survives_a_restart(
    engine: Engine, s3: S3Server, secrets: MemorySecretStore, world_clock: FakeClock, tmp_path: Path
) -> None:
    events: list[Event] = []
    engine.events.subscribe(events.append)
    adapter = engine._core.connections.adapter(Network.MASTODON)  # made before the host is set
    assert not adapter.media_host.configured
    bucket = s3.new_bucket()

    await engine.media_host.set(s3.settings(bucket), s3.outpost.secret)

    assert adapter.media_host.configured
    assert SettingsDidChange(("media_host",)) in events
    assert secrets.secrets["mediahost/s3"] == {"secret_access_key": s3.outpost.secret}
    stored = (engine.data_dir / "media-host.json").read_text()
    assert s3.outpost.secret not in stored and json.loads(stored)["bucket"] == bucket
    hosted = await adapter.media_host.put(_asset(media_fixtures.image(tmp_path / "p.jpg", 60, 40)))
    assert s3.keys(bucket) == [hosted.key]
    await adapter.media_host.delete(hosted)

    await engine.close()
    reopened = _open(engine.data_dir, world_clock, secrets)
    try:
        assert reopened._core.connections.adapter(Network.MASTODON).media_host.configured
        assert await reopened.media_host.show() == s3.settings(bucket)
        assert (await reopened.media_host.test()).bucket == bucket
    finally:
        await reopened.close()
    assert s3.keys(bucket) == []


async def test_a_first_setting_needs_the_secret_and_a_later_one_may_keep_it(
    engine: Engine, s3: S3Server, secrets: MemorySecretStore
) -> None:
    bucket = s3.new_bucket()
    with pytest.raises(ValidationError) as refused:
        await engine.media_host.set(s3.settings(bucket))
    assert refused.value.problems[0].field == "secret_access_key"
    assert await engine.media_host.show() is None
    await engine.media_host.set(s3.settings(bucket), s3.outpost.secret)
    await engine.media_host.set(
        s3.settings(bucket, region="us-east-1", public_base_url="https://cdn.example")
    )
    assert secrets.secrets["mediahost/s3"] == {"secret_access_key": s3.outpost.secret}
    assert (await engine.media_host.show()).public_base_url == "https://cdn.example"  # type: ignore[union-attr]


async def test_removing_the_host_forgets_it_and_networks_refuse_with_how_to_set_one(
    engine: Engine, s3: S3Server, secrets: MemorySecretStore, tmp_path: Path
) -> None:
    with pytest.raises(InvalidStateError, match="No media host is set"):
        await engine.media_host.test()
    with pytest.raises(NotFoundError):
        await engine.media_host.remove()
    await engine.media_host.set(s3.settings(s3.new_bucket()), s3.outpost.secret)
    adapter = engine._core.connections.adapter(Network.MASTODON)

    await engine.media_host.remove()

    assert "mediahost/s3" not in secrets.secrets
    assert not (engine.data_dir / "media-host.json").exists()
    assert not adapter.media_host.configured
    with pytest.raises(ValidationError) as refused:
        await adapter.media_host.put(_asset(media_fixtures.image(tmp_path / "p.jpg", 60, 40)))
    assert refused.value.problems[0].field == "media_host" and "outpost media-host set" in str(refused.value)


async def test_a_secret_gone_from_the_keyring_is_said_plainly(
    engine: Engine, s3: S3Server, secrets: MemorySecretStore
) -> None:
    await engine.media_host.set(s3.settings(s3.new_bucket()), s3.outpost.secret)
    secrets.secrets.clear()  # another computer, or the keyring was reset
    with pytest.raises(Exception, match="secret access key is not in the keyring") as failed:
        await engine.media_host.test()
    assert failed.value.cause == "no_secret"  # type: ignore[attr-defined]


async def test_start_sweeps_leftovers_in_the_background_without_waiting_for_the_bucket(
    tmp_path: Path, s3: S3Server, secrets: MemorySecretStore
) -> None:
    then = FakeClock(datetime.now(UTC).replace(microsecond=0))
    bucket = s3.new_bucket()
    with s3.clock(then.now):
        first = _open(tmp_path / "data", then, secrets)
        await first.media_host.set(s3.settings(bucket), s3.outpost.secret)
        host = first._core.connections.media_host
        left = await host.put(
            _asset(media_fixtures.image(tmp_path / "p.jpg", 60, 40))
        )  # a crash before delete
        s3.put(bucket, "outpost/creators-own-file.txt")
        await first.close()

    later = FakeClock(then.now() + timedelta(days=1, minutes=5))
    released = threading.Event()
    s3.hold_listings = released  # the bucket answers slowly
    with s3.clock(later.now):
        engine = _open(tmp_path / "data", later, secrets)
        try:
            await asyncio.wait_for(engine.start(), timeout=5)  # start is not held up by the bucket
            assert left.key in s3.keys(bucket)
            released.set()
            await until(lambda: left.key not in s3.keys(bucket))
            assert s3.keys(bucket) == ["outpost/creators-own-file.txt"]
        finally:
            s3.hold_listings = None
            released.set()
            await engine.close()
