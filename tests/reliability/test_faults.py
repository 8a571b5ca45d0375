"""Fault injection: every network × every fault, through the engine, over real loopback sockets.

The faults sit in the transport between Outpost and each strict fake, so they are the same for
every network and happen where they happen for real: a 503 or a 429 (with the network's own reset
header) instead of an answer; a TLS failure before anything is sent; the network acting and then
the answer being lost, or arriving malformed; a slow answer; an upload endpoint that never
recovers. What must hold everywhere: bounded retries (a hard cap per target), each post on the
network at most once, a review only where the network has no idempotency and a create may have
landed, and an error a person can read.
"""

from __future__ import annotations

import asyncio
import functools
import random
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from outpost.adapters.base import AddAccountRequest, NetworkAdapter
from outpost.adapters.bluesky import BlueskyAdapter
from outpost.adapters.linkedin import LinkedInAdapter
from outpost.adapters.mastodon import MastodonAdapter
from outpost.adapters.registry import AdapterRegistry
from outpost.adapters.x import XAdapter
from outpost.domain.enums import ErrorCode, Network, PostStatus, TargetStatus
from outpost.domain.models import Account
from outpost.engine import Engine, MediaInput, PostInput, When
from outpost.engine.publisher import RETRY_HORIZON
from tests import media_fixtures
from tests.conftest import until
from tests.contract.fake_bluesky import PDS, FakePds
from tests.contract.fake_linkedin import MEMBER_SCOPES, FakeLinkedIn
from tests.contract.fake_mastodon import BASE, FakeMastodon
from tests.contract.fake_x import SCOPES as X_SCOPES
from tests.contract.fake_x import FakeX
from tests.fakes import FakeClock, MemorySecretStore
from tests.support.loopback import LoopbackServer

pytestmark = pytest.mark.asyncio

Matcher = Callable[[httpx.Request], bool]


@dataclass
class Rig:
    """One network: its fake, how to reach and use it, and what a fault looks like there."""

    network: Network
    fake: Any
    handler: Callable[[httpx.Request], httpx.Response]
    adapter: Callable[..., NetworkAdapter]  # (client, *, clock) → adapter, as the registry calls it
    add: Callable[[Engine], Awaitable[Account]]
    is_create: Matcher
    is_upload: Matcher
    posts: Callable[[], list[str]]
    idempotent: bool
    rate_limit_headers: Callable[[datetime], dict[str, str]]


def _rig(name: str) -> Rig:
    if name == "mastodon":
        masto = FakeMastodon()
        return Rig(
            Network.MASTODON,
            masto,
            masto.handle,
            functools.partial(MastodonAdapter, media_poll_s=0.001),
            lambda e: e.accounts.add(
                Network.MASTODON, AddAccountRequest(service_url=BASE, access_token="token-alice")
            ),
            lambda r: r.method == "POST" and r.url.path == "/api/v1/statuses",
            lambda r: r.url.path == "/api/v2/media",
            lambda: [s.text for s in masto.statuses],
            True,
            lambda at: {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": at.isoformat()},
        )
    if name == "bluesky":
        pds = FakePds()
        return Rig(
            Network.BLUESKY,
            pds,
            pds.handle_request,
            functools.partial(BlueskyAdapter, fetch_cards=False),
            lambda e: e.accounts.add(
                Network.BLUESKY,
                AddAccountRequest(handle="@alice.example", app_password=pds.app_password, service_url=PDS),
            ),
            lambda r: r.url.path.endswith("com.atproto.repo.createRecord"),
            lambda r: r.url.path.endswith("com.atproto.repo.uploadBlob"),
            lambda: [rec["value"]["text"] for rec in pds.records.values()],
            True,
            lambda at: {"RateLimit-Remaining": "0", "RateLimit-Reset": str(int(at.timestamp()))},
        )
    if name == "x":
        x = FakeX()
        token = x.oauth.issue("alice", X_SCOPES)[0]
        return Rig(
            Network.X,
            x,
            x.handle,
            functools.partial(XAdapter, poll_scale=0.001),
            lambda e: e.accounts.add(Network.X, AddAccountRequest(access_token=token)),
            lambda r: r.method == "POST" and r.url.path == "/2/tweets",
            lambda r: r.url.path.startswith("/2/media/upload"),
            lambda: [t.text for t in x.tweets],
            False,
            lambda at: {"x-rate-limit-remaining": "0", "x-rate-limit-reset": str(int(at.timestamp()))},
        )
    linkedin = FakeLinkedIn()
    member_token = linkedin.oauth.issue("alice", MEMBER_SCOPES)[0]
    return Rig(
        Network.LINKEDIN,
        linkedin,
        linkedin.handle,
        functools.partial(LinkedInAdapter, poll_s=0.001),
        lambda e: e.accounts.add(Network.LINKEDIN, AddAccountRequest(access_token=member_token)),
        lambda r: r.method == "POST" and r.url.path == "/rest/posts",
        lambda r: r.url.path == "/rest/images",
        lambda: [p.shown for p in linkedin.posts],
        False,
        lambda at: {},  # LinkedIn documents no reset header: Outpost backs off by itself
    )


class FaultyTransport(httpx.AsyncBaseTransport):
    """Sends to the fake, except that requests matching `where` meet `fault` (`times` times)."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.where: Matcher = lambda request: False
        self.fault: Callable[[httpx.Request], Awaitable[httpx.Response]] | None = None
        self.times = 0
        self.hits = 0

    def inject(
        self, where: Matcher, fault: Callable[[httpx.Request], Awaitable[httpx.Response]], times: int
    ) -> None:
        self.where, self.fault, self.times = where, fault, times

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if self.fault is not None and self.times > 0 and self.where(request):
            self.times -= 1
            self.hits += 1
            return await self.fault(request)
        return await self.inner.handle_async_request(request)

    async def forward(self, request: httpx.Request) -> httpx.Response:
        """What the network answers (it acts on the request)."""
        response = await self.inner.handle_async_request(request)
        await response.aread()
        return response

    async def aclose(self) -> None:
        await self.inner.aclose()


NETWORKS = ("mastodon", "bluesky", "x", "linkedin")


@pytest.fixture(params=NETWORKS)
def rig(request: pytest.FixtureRequest) -> Rig:
    return _rig(request.param)


@pytest.fixture
def served(rig: Rig) -> Iterator[FaultyTransport]:
    with LoopbackServer(rig.handler) as server:
        yield FaultyTransport(server.transport())
    assert server.errors == []


@pytest_asyncio.fixture
async def engine(
    tmp_path: Path, rig: Rig, served: FaultyTransport, clock: FakeClock
) -> AsyncIterator[Engine]:
    eng = Engine.open(
        tmp_path / "data",
        registry=AdapterRegistry({rig.network: rig.adapter}),
        secrets=MemorySecretStore(),
        clock=clock,
        transport=served,
    )
    yield eng
    await eng.close()


@pytest_asyncio.fixture
async def account(engine: Engine, rig: Rig) -> Account:
    return await rig.add(engine)


async def publish(engine: Engine, account: Account, text: str, media: Path | None = None) -> Any:
    attached = (MediaInput(str(media), "a test card"),) if media else ()
    return await engine.posts.create(PostInput(text=text, accounts=(account.id,), media=attached), When.now())


async def test_a_server_error_on_create(
    engine: Engine, account: Account, rig: Rig, served: FaultyTransport
) -> None:
    async def unavailable(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503, json={"error": "Service Unavailable"})

    served.inject(rig.is_create, unavailable, times=1)
    post = await publish(engine, account, "after a 503")
    target = post.targets[0]
    if rig.idempotent:  # the same key/record is safe to send again
        assert post.status is PostStatus.PUBLISHED and target.attempts == 2
    else:  # the network may have posted before failing: never sent blindly again
        assert post.status is PostStatus.NEEDS_REVIEW and target.status is TargetStatus.UNKNOWN
        assert target.error is not None and "failed on its side" in target.error.message
    assert rig.posts().count("after a 503") <= 1


async def test_a_rate_limit_waits_for_the_networks_reset_then_publishes_once(
    engine: Engine, account: Account, rig: Rig, served: FaultyTransport, clock: FakeClock
) -> None:
    reset = clock.now() + timedelta(seconds=20)  # the network's time is the engine's here

    async def limited(request: httpx.Request) -> httpx.Response:
        return httpx.Response(429, json={"error": "RateLimitExceeded"}, headers=rig.rate_limit_headers(reset))

    served.inject(rig.is_create, limited, times=1)
    post = await publish(engine, account, "after a 429")
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    assert rig.posts().count("after a 429") == 1
    if rig.rate_limit_headers(reset):
        assert any(15 <= wait <= 21 for wait in clock.sleeps), clock.sleeps  # the network's own reset
    else:
        assert len(clock.sleeps) == 1 and clock.sleeps[0] <= 2  # backoff with jitter, first step


async def test_a_tls_failure_is_retried_a_bounded_number_of_times_and_said_plainly(
    engine: Engine, account: Account, rig: Rig, served: FaultyTransport
) -> None:
    async def bad_certificate(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed")

    served.inject(rig.is_create, bad_certificate, times=100)
    post = await publish(engine, account, "behind a broken proxy")
    target = post.targets[0]
    assert post.status is PostStatus.FAILED and target.attempts == served.hits <= 20  # backed off, no storm
    assert target.error is not None and target.error.code is ErrorCode.NETWORK_UNAVAILABLE
    assert "will not retry on its own" in target.error.message
    assert "cannot connect" in target.error.message and "CERTIFICATE_VERIFY_FAILED" in target.error.message
    assert rig.posts() == []


async def test_the_network_acts_and_the_answer_is_lost(
    engine: Engine, account: Account, rig: Rig, served: FaultyTransport
) -> None:
    async def lost(request: httpx.Request) -> httpx.Response:
        await served.forward(request)
        raise httpx.ReadError("connection reset by peer")

    served.inject(rig.is_create, lost, times=1)
    post = await publish(engine, account, "the answer got lost")
    assert rig.posts().count("the answer got lost") == 1  # never twice
    expected = PostStatus.PUBLISHED if rig.idempotent else PostStatus.NEEDS_REVIEW
    assert post.status is expected, post.targets[0].error


async def test_the_network_acts_and_answers_garbage(
    engine: Engine, account: Account, rig: Rig, served: FaultyTransport
) -> None:
    async def garbage(request: httpx.Request) -> httpx.Response:
        real = await served.forward(request)
        return httpx.Response(real.status_code, text="<html>upstream proxy says hi</html>")

    served.inject(rig.is_create, garbage, times=1)
    post = await publish(engine, account, "a malformed answer")
    assert rig.posts().count("a malformed answer") == 1
    target = post.targets[0]
    if rig.idempotent:
        assert post.status is PostStatus.PUBLISHED, target.error
    else:
        assert post.status is PostStatus.NEEDS_REVIEW and target.error is not None
        assert target.error.code is ErrorCode.UNKNOWN_OUTCOME and rig.network.label in target.error.message


async def test_a_slow_answer_is_waited_for(
    engine: Engine, account: Account, rig: Rig, served: FaultyTransport
) -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(1.0)
        return await served.forward(request)

    served.inject(rig.is_create, slow, times=1)
    post = await publish(engine, account, "slow but fine")
    assert post.status is PostStatus.PUBLISHED and post.targets[0].attempts == 1
    assert rig.posts() == ["slow but fine"]


async def test_an_upload_that_never_recovers_stops_at_the_cap_and_posts_nothing(
    engine: Engine, account: Account, rig: Rig, served: FaultyTransport, tmp_path: Path, clock: FakeClock
) -> None:
    async def broken(request: httpx.Request) -> httpx.Response:
        return httpx.Response(502, text="Bad Gateway")

    served.inject(rig.is_upload, broken, times=1000)
    image = media_fixtures.image(tmp_path / "card.png", 120, 80)
    post = await publish(engine, account, "with a photo", media=image)
    target = post.targets[0]
    assert post.status is PostStatus.FAILED and target.attempts == served.hits <= 20
    assert sum(clock.sleeps) >= RETRY_HORIZON.total_seconds() / 2  # spread over the horizon: no storm
    assert target.error is not None and "failed on its side" in target.error.message
    assert rig.posts() == []


# -- outages: the retry horizon (issue #20) ------------------------------------------------------


@pytest.mark.parametrize("rig", ["mastodon", "bluesky"], indirect=True)  # networks that dedupe creates
async def test_thirty_percent_of_requests_failing_still_publishes_twenty_posts_once_each(
    engine: Engine, account: Account, rig: Rig, served: FaultyTransport, clock: FakeClock
) -> None:
    """Measured before: one post in ten failed within four seconds (three tries, each 429 counted)."""
    dice = random.Random(20)

    async def flaky(request: httpx.Request) -> httpx.Response:
        roll = dice.random()
        if roll < 0.10:
            return httpx.Response(500, json={"error": "Internal Server Error"})
        if roll < 0.20:
            return httpx.Response(503, json={"error": "Service Unavailable"})
        if roll < 0.30:
            reset = clock.now() + timedelta(seconds=20)
            return httpx.Response(
                429, json={"error": "RateLimitExceeded"}, headers=rig.rate_limit_headers(reset)
            )
        return await served.forward(request)

    served.inject(lambda request: True, flaky, times=10**6)
    texts = [f"post number {n}" for n in range(20)]
    posts = [await publish(engine, account, text) for text in texts]
    assert [p.status for p in posts] == [PostStatus.PUBLISHED] * 20, [p.targets[0].error for p in posts]
    assert sorted(rig.posts()) == sorted(texts)  # each exactly once
    assert served.hits > 20  # the faults really happened


async def test_a_ten_minute_outage_during_a_scheduled_publish_ends_published_once(
    engine: Engine, account: Account, rig: Rig, served: FaultyTransport, clock: FakeClock
) -> None:
    due = clock.now() + timedelta(minutes=1)
    back_at = due + timedelta(minutes=10)

    creates: list[datetime] = []

    async def down(request: httpx.Request) -> httpx.Response:
        if rig.is_create(request):
            creates.append(clock.now())
        if clock.now() < back_at:
            raise httpx.ConnectError("[Errno 111] Connection refused")
        return await served.forward(request)

    served.inject(lambda request: True, down, times=10**6)
    post = await engine.posts.create(
        PostInput(text="out at nine, whatever happens", accounts=(account.id,)),
        When.scheduled(due.isoformat()),
    )
    await engine.start()
    clock.advance(timedelta(minutes=1))
    await until(lambda: _settled(engine, post.id), timeout=20)
    done = await engine.posts.get(post.id)
    assert done.status is PostStatus.PUBLISHED, done.targets[0].error
    assert rig.posts() == ["out at nine, whatever happens"]
    assert clock.now() >= back_at and 3 <= len(creates) <= 12  # backed off through the outage, no storm


async def _settled(engine: Engine, post_id: str) -> bool:
    return (await engine.posts.get(post_id)).status not in (PostStatus.SCHEDULED, PostStatus.PUBLISHING)


class _Switch:
    """A machine's connectivity that a test turns off and on."""

    def __init__(self) -> None:
        self.is_online = False
        self.asked = 0

    async def online(self) -> bool:
        self.asked += 1
        return self.is_online


async def test_offline_waits_for_the_network_without_using_up_the_horizon(
    tmp_path: Path, rig: Rig, served: FaultyTransport, clock: FakeClock
) -> None:
    switch = _Switch()
    engine = Engine.open(
        tmp_path / "data",
        registry=AdapterRegistry({rig.network: rig.adapter}),
        secrets=MemorySecretStore(),
        clock=clock,
        transport=served,
        connectivity=switch,
    )
    try:
        account = await rig.add(engine)
        offline_until = clock.now() + timedelta(hours=2)  # a long train ride: far past the horizon
        seen: list[str] = []

        creates: list[datetime] = []

        async def no_network(request: httpx.Request) -> httpx.Response:
            if rig.is_create(request):
                creates.append(clock.now())
            if clock.now() < offline_until:
                switch.is_online = False
                raise httpx.ConnectError("[Errno -3] Temporary failure in name resolution")
            return await served.forward(request)

        async def come_back() -> None:
            while clock.now() < offline_until:
                await asyncio.sleep(0)
            [waiting] = await engine.posts.list()
            error = waiting.targets[0].error
            seen.append(error.message if error else "")
            switch.is_online = True

        served.inject(lambda request: True, no_network, times=10**6)
        back = asyncio.ensure_future(come_back())
        post = await publish(engine, account, "written on the train")
        back.cancel()
        assert post.status is PostStatus.PUBLISHED, post.targets[0].error
        assert rig.posts() == ["written on the train"]
        assert len(creates) == 2  # one that found the machine offline, one once it was back
        assert "This computer is offline" in seen[0]
        stored = await engine.posts.get(post.id)
        assert stored.targets[0].error is None
    finally:
        await engine.close()
