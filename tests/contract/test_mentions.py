"""Mentions through the engine, against the strict Mastodon and Bluesky fakes served over loopback.

What a creator notices: the first start tells nothing old, later mentions are told once each and
in order, a restart neither repeats nor loses them, and a Mastodon sign-in without the
notifications scope is said in words (and leaves the account's health alone).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio

from outpost.adapters.base import AddAccountRequest
from outpost.adapters.bluesky import BlueskyAdapter
from outpost.adapters.mastodon import SCOPES_CLASSIC, SCOPES_MODERN, MastodonAdapter
from outpost.adapters.registry import AdapterRegistry
from outpost.domain.enums import HealthState, Network
from outpost.engine import Engine
from outpost.engine.events import Event, MentionReceived
from tests.conftest import until
from tests.contract.fake_bluesky import PDS, FakePds
from tests.contract.fake_mastodon import BASE, FakeMastodon
from tests.fakes import FakeClock, MemorySecretStore
from tests.support.loopback import served

pytestmark = pytest.mark.asyncio


@pytest.fixture
def mastodon(clock: FakeClock) -> FakeMastodon:
    server = FakeMastodon()
    server.now = clock.now
    return server


@pytest.fixture
def pds(clock: FakeClock) -> FakePds:
    return FakePds(now=clock.now)


def _route(mastodon: FakeMastodon, pds: FakePds):  # type: ignore[no-untyped-def]
    def handle(request):  # type: ignore[no-untyped-def]
        return (
            mastodon.handle(request) if request.url.host == "masto.example" else pds.handle_request(request)
        )

    return handle


@pytest.fixture
def transport(mastodon: FakeMastodon, pds: FakePds) -> Iterator[object]:
    with served(_route(mastodon, pds)) as loopback:
        yield loopback


def _open(data: Path, transport: object, clock: FakeClock, secrets: MemorySecretStore) -> Engine:
    registry = AdapterRegistry(
        {
            Network.MASTODON: MastodonAdapter,
            Network.BLUESKY: functools.partial(BlueskyAdapter, fetch_cards=False),
        }
    )
    return Engine.open(data, registry=registry, secrets=secrets, clock=clock, transport=transport)  # type: ignore[arg-type]


@pytest_asyncio.fixture
async def engine(
    tmp_path: Path, transport: object, clock: FakeClock, secrets: MemorySecretStore
) -> AsyncIterator[Engine]:
    eng = _open(tmp_path / "data", transport, clock, secrets)
    yield eng
    await eng.close()


def _told(engine: Engine) -> list[MentionReceived]:
    told: list[MentionReceived] = []

    def keep(event: Event) -> None:
        if isinstance(event, MentionReceived):
            told.append(event)

    engine.events.subscribe(keep)
    return told


async def _alice_mastodon(engine: Engine) -> str:
    account = await engine.accounts.add(
        Network.MASTODON, AddAccountRequest(service_url=BASE, access_token="token-alice")
    )
    return account.id


async def _alice_bluesky(engine: Engine, pds: FakePds) -> str:
    account = await engine.accounts.add(
        Network.BLUESKY,
        AddAccountRequest(handle="alice.example", app_password=pds.app_password, service_url=PDS),
    )
    return account.id


async def test_mastodon_first_poll_tells_nothing_old_then_each_new_mention_once_in_order(
    tmp_path: Path, engine: Engine, mastodon: FakeMastodon, transport: object, clock: FakeClock,
    secrets: MemorySecretStore,
) -> None:  # fmt: skip
    alice = await _alice_mastodon(engine)
    told = _told(engine)
    for i in range(3):
        mastodon.mention("old@elsewhere.example", f"an old reply {i}")
    assert await engine.mentions.poll() == []  # first start: no flood of old replies
    assert told == []

    mastodon.mention("bob@elsewhere.example", "Loved this <post> & the photo")
    mastodon.mention("carol", "me too", kind="favourite")  # not a mention: not told
    mastodon.mention("carol", "question?")
    events = await engine.mentions.poll()
    assert [(e.author, e.text) for e in events] == [
        ("@bob@elsewhere.example", "@alice Loved this <post> & the photo"),
        ("@carol", "@alice question?"),
    ]
    assert told == events
    assert events[0].account_id == alice and events[0].network == "mastodon"
    assert events[0].url is not None and events[0].url.startswith("https://elsewhere.example/@bob/")
    assert await engine.mentions.poll() == []  # told once

    # The cursor is in the store: a restart (another engine on the same data) repeats nothing.
    await engine.close()
    again = _open(tmp_path / "data", transport, clock, secrets)
    try:
        assert await again.mentions.poll() == []
        mastodon.mention("dave@x.example", "after the restart")
        assert [e.text for e in await again.mentions.poll()] == ["@alice after the restart"]
    finally:
        await again.close()


async def test_mastodon_burst_larger_than_a_page_is_caught_up_not_skipped(
    engine: Engine, mastodon: FakeMastodon
) -> None:
    await _alice_mastodon(engine)
    await engine.mentions.poll()
    for i in range(45):
        mastodon.mention("fan@example.social", f"n{i}")
    first = await engine.mentions.poll()
    second = await engine.mentions.poll()
    texts = [e.text.removeprefix("@alice ") for e in first + second]
    assert texts == [f"n{i}" for i in range(45)]
    assert len(first) == 40  # one page a poll (min_id pages forward from the cursor)


async def test_mastodon_without_the_notifications_scope_says_so_and_keeps_the_account_healthy(
    engine: Engine, mastodon: FakeMastodon, caplog: pytest.LogCaptureFixture
) -> None:
    alice = await _alice_mastodon(engine)
    mastodon.token_scopes["token-alice"] = {"write:statuses", "write:media", "profile"}
    mastodon.mention("bob@elsewhere.example", "hello")
    with caplog.at_level(logging.WARNING, logger="outpost.engine.mentions"):
        assert await engine.mentions.poll() == []
        assert await engine.mentions.poll() == []
    said = [r.getMessage() for r in caplog.records if r.name == "outpost.engine.mentions"]
    assert len(said) == 1, said  # said once, not at every poll
    assert "read:notifications" in said[0] and "alice@masto.example" in said[0]
    assert (await engine.accounts.get(alice)).health.state is not HealthState.BROKEN
    # Granted again (a new sign-in): watching starts from then on.
    mastodon.token_scopes.pop("token-alice")
    assert await engine.mentions.poll() == []
    mastodon.mention("bob@elsewhere.example", "now you see me")
    assert [e.text for e in await engine.mentions.poll()] == ["@alice now you see me"]


async def test_outpost_asks_mastodon_for_the_notifications_scope_when_signing_in() -> None:
    assert "read:notifications" in SCOPES_MODERN.split()
    assert "read:notifications" in SCOPES_CLASSIC.split()


async def test_bluesky_mentions_replies_and_quotes_but_not_likes_after_the_first_poll(
    engine: Engine, pds: FakePds
) -> None:
    alice = await _alice_bluesky(engine, pds)
    told = _told(engine)
    pds.notify("mention", "old.example", "old news")
    assert await engine.mentions.poll() == []
    assert told == []
    pds.notify("like", "bob.example")
    pds.notify("mention", "bob.example", "hey @alice.example")
    pds.notify("follow", "carol.example")
    pds.notify("reply", "carol.example", "good point")
    pds.notify("quote", "dave.example", "look at this")
    events = await engine.mentions.poll()
    assert [(e.author, e.text) for e in events] == [
        ("@bob.example", "hey @alice.example"),
        ("@carol.example", "good point"),
        ("@dave.example", "look at this"),
    ]
    assert all(e.account_id == alice and e.network == "bluesky" for e in events)
    assert events[1].url is not None and events[1].url.startswith(
        "https://bsky.app/profile/carol.example/post/"
    )
    assert await engine.mentions.poll() == []
    listed = [r for r in pds.requests if r.url.path.endswith("listNotifications")]
    assert all(r.url.params.get_list("reasons") == ["mention", "reply", "quote"] for r in listed)
    assert not any(r.url.path.endswith("updateSeen") for r in pds.requests)  # never marks them read


async def test_bluesky_pages_back_to_the_cursor(engine: Engine, pds: FakePds) -> None:
    await _alice_bluesky(engine, pds)
    await engine.mentions.poll()
    for i in range(120):
        pds.notify("reply", "fan.example", f"r{i}")
    events = await engine.mentions.poll()
    assert [e.text for e in events] == [f"r{i}" for i in range(120)]  # three pages of 50, in order


async def test_a_running_engine_polls_every_few_minutes(
    engine: Engine, mastodon: FakeMastodon, clock: FakeClock
) -> None:
    await _alice_mastodon(engine)
    told = _told(engine)
    mastodon.mention("old@elsewhere.example", "before Outpost ran")
    await engine.start()

    def polls() -> int:
        return sum(r.url.path == "/api/v1/notifications" for r in mastodon.requests)

    first = clock.now() + timedelta(minutes=1)
    await until(lambda: first in clock.waiting_until)
    assert polls() == 0  # start-up sends nothing for mentions
    clock.advance(timedelta(minutes=1))
    await until(lambda: polls() == 1 and clock.now() + timedelta(minutes=5) in clock.waiting_until)
    mastodon.mention("bob@elsewhere.example", "while running")
    clock.advance(timedelta(minutes=5))
    await until(lambda: len(told) == 1)
    assert told[0].text == "@alice while running"
