"""Sandbox mode: a simulation for every network Outpost supports, and no keyring needed for it."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from outpost.adapters.registry import default_registry
from outpost.domain.accounts import is_sandbox
from outpost.domain.enums import Network, PostStatus
from outpost.domain.errors import InvalidStateError
from outpost.engine import AddAccountRequest, Engine, MediaInput, PostInput, When
from outpost.sandbox.mode import Sandbox
from outpost.sandbox.networks import SIMULATIONS
from tests import media_fixtures
from tests.fakes import FakeClock, FakeNetwork, MemorySecretStore, fake_registry
from tests.media_fixtures import png_bytes


def test_every_network_outpost_supports_has_a_sandbox_simulation() -> None:
    """A new network must come with its simulation, or a newcomer cannot try it (issue #17)."""
    missing = [n.label for n in default_registry().networks if n not in SIMULATIONS]
    assert not missing, f"add a simulation to outpost/sandbox/networks.py for: {', '.join(missing)}"


def test_one_server_can_tell_the_simulated_networks_apart() -> None:
    prefixes = [(n, p) for n, s in SIMULATIONS.items() for p in s.prefixes]
    for network, prefix in prefixes:
        assert not [other for other, p in prefixes if other is not network and p.startswith(prefix)], prefix


@pytest.mark.asyncio
async def test_sandbox_accounts_leave_the_real_secret_store_untouched(tmp_path: Path) -> None:
    real = MemorySecretStore()
    engine = Engine.open(tmp_path, secrets=real, clock=FakeClock())
    sandbox = Sandbox(engine)
    try:
        added = await sandbox.start()
        assert sorted(a.network for a in added) == sorted(engine.accounts.networks)
        assert all(is_sandbox(a) and a.secret_ref.startswith("sandbox/") for a in added)
        assert await sandbox.start() == []  # started twice: no second set of accounts
        checked = await engine.accounts.check()
        assert all(a.health.state.value == "ok" for a in checked), [a.health.message for a in checked]
        for account in added:
            await engine.accounts.remove(account.id)
        assert real.secrets == {}  # nothing went to (or was asked of) the keyring
        assert json.loads((tmp_path / "sandbox" / "secrets.json").read_text()) == {}
    finally:
        await engine.close()
        await sandbox.stop()


@pytest.mark.asyncio
async def test_only_an_account_on_the_simulated_network_is_added_as_a_sandbox_one(tmp_path: Path) -> None:
    real = MemorySecretStore()
    engine = Engine.open(tmp_path, registry=fake_registry(FakeNetwork()), secrets=real, clock=FakeClock())
    try:
        request = AddAccountRequest(service_url="https://fake.example", access_token="good-token")
        with pytest.raises(InvalidStateError, match="not on the sandbox network"):
            await engine.accounts.add(Network.MASTODON, request, sandbox=True)
        assert await engine.accounts.list() == [] and real.secrets == {}
    finally:
        await engine.close()


@pytest.mark.asyncio
async def test_x_and_linkedin_take_an_own_api_address_only_on_this_computer(tmp_path: Path) -> None:
    """The sandbox gives X and LinkedIn accounts its address; any other address is ignored, so a
    real token only ever goes to the network itself."""
    hosts: list[str] = []

    def network(request: httpx.Request) -> httpx.Response:
        hosts.append(request.url.host)
        if request.url.path == "/v2/userinfo":
            return httpx.Response(200, json={"sub": "m1", "name": "Alice"})
        return httpx.Response(200, json={"data": {"id": "1", "username": "alice", "name": "Alice"}})

    engine = Engine.open(
        tmp_path, secrets=MemorySecretStore(), clock=FakeClock(), transport=httpx.MockTransport(network)
    )
    try:
        elsewhere = "https://api.elsewhere.example"
        x = await engine.accounts.add(Network.X, AddAccountRequest(service_url=elsewhere, access_token="t1"))
        linkedin = await engine.accounts.add(
            Network.LINKEDIN, AddAccountRequest(service_url=elsewhere, access_token="t2")
        )
        assert hosts == ["api.x.com", "api.linkedin.com"]
        assert x.service_url is None and linkedin.service_url is None
    finally:
        await engine.close()


#: Networks that take neither a text-only post nor (without a media host) photos: their own
#: sandbox tests send them a video (TikTok: tests/unit/sandbox/test_sim_tiktok.py).
VIDEO_ONLY = frozenset({Network.TIKTOK})
#: Networks that take no post without a picture (a Pin is a picture; an Instagram post needs a
#: picture or a video).
PICTURE_ONLY = frozenset({Network.PINTEREST, Network.INSTAGRAM})


class LoopbackOnly(httpx.AsyncBaseTransport):
    """The engine's way out: requests to this computer go through, anything else is noted and refused."""

    def __init__(self) -> None:
        self._real = httpx.AsyncHTTPTransport()
        self.elsewhere: list[str] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.host == "127.0.0.1":
            return await self._real.handle_async_request(request)
        self.elsewhere.append(str(request.url))
        return httpx.Response(503)

    async def aclose(self) -> None:
        await self._real.aclose()


@pytest.mark.asyncio
async def test_a_post_with_a_link_and_a_picture_reaches_every_simulated_network_and_nothing_else(
    tmp_path: Path,
) -> None:
    picture = tmp_path / "picture.png"
    picture.write_bytes(png_bytes(64, 48))
    way_out = LoopbackOnly()
    engine = Engine.open(tmp_path / "d", secrets=MemorySecretStore(), clock=FakeClock(), transport=way_out)
    sandbox = Sandbox(engine)
    try:
        accounts = await sandbox.start()
        # Networks whose posts need more than words and a picture (YouTube: a video and its
        # title) have their own test below.
        plain = [
            a
            for a in accounts
            if not any(o.required for o in (await engine.accounts.capabilities(a)).options)
        ]
        everywhere = tuple(a.id for a in plain)
        text_takers = tuple(a.id for a in plain if a.network not in PICTURE_ONLY)
        link = await engine.posts.create(
            PostInput(text="Spring workshops: https://example.com/workshops", accounts=text_takers),
            When.now(),
        )
        photo = await engine.posts.create(
            PostInput(
                text="The dye garden",
                accounts=everywhere,
                media=(MediaInput(str(picture), alt_text="A square"),),
            ),
            When.now(),
        )
        for post in (link, photo):
            assert post.status is PostStatus.PUBLISHED, [t.error for t in post.targets]
        assert sandbox.server is not None
        got = sorted((p.network, p.media) for p in sandbox.server.posts)
        assert got == sorted(
            (a.network.value, m) for a in plain for m in (0, 1) if m or a.network not in PICTURE_ONLY
        )
        assert way_out.elsewhere == []  # not even the linked page was asked for a card
    finally:
        await engine.close()
        await sandbox.stop()


@pytest.mark.asyncio
async def test_a_video_reaches_the_simulated_bluesky_through_its_video_service_and_nothing_else(
    tmp_path: Path,
) -> None:
    from tests.media_fixtures import video

    clip = video(tmp_path / "clip.mp4", 64, 48, seconds=0.4, fps=10)
    way_out = LoopbackOnly()
    engine = Engine.open(tmp_path / "d", secrets=MemorySecretStore(), clock=FakeClock(), transport=way_out)
    sandbox = Sandbox(engine)
    try:
        bluesky = next(a for a in await sandbox.start() if a.network is Network.BLUESKY)
        post = await engine.posts.create(
            PostInput(
                text="A moving square", accounts=(bluesky.id,), media=(MediaInput(str(clip), "A square"),)
            ),
            When.now(),
        )
        assert post.status is PostStatus.PUBLISHED, post.targets[0].error
        [checked] = await engine.accounts.check(bluesky.id)
        assert checked.health.quota is not None and checked.health.quota.left == 25  # the sandbox's limits
        assert sandbox.server is not None
        assert [(p.network, p.media) for p in sandbox.server.posts] == [("bluesky", 1)]
        assert way_out.elsewhere == []  # the real video service was never asked
    finally:
        await engine.close()
        await sandbox.stop()


@pytest.mark.asyncio
async def test_a_video_with_its_title_reaches_the_simulated_youtube_and_nothing_else(tmp_path: Path) -> None:
    clip = media_fixtures.video(tmp_path / "clip.mp4", 160, 120, seconds=0.5)
    way_out = LoopbackOnly()
    engine = Engine.open(
        tmp_path / "d",
        secrets=MemorySecretStore(),
        clock=FakeClock(),
        transport=way_out,
        media_in_process=True,
    )
    sandbox = Sandbox(engine)
    try:
        [youtube] = [a for a in await sandbox.start() if a.network is Network.YOUTUBE]
        post = await engine.posts.create(
            PostInput(
                text="How the dye garden grows",
                accounts=(youtube.id,),
                media=(MediaInput(str(clip)),),
                options=(("youtube", "title", "The dye garden"), ("youtube", "made_for_kids", "false")),
            ),
            When.now(),
        )
        assert post.status is PostStatus.PUBLISHED, [t.error for t in post.targets]
        assert sandbox.server is not None
        assert [(p.network, p.text, p.media) for p in sandbox.server.posts] == [
            ("youtube", "How the dye garden grows", 1)
        ]
        assert way_out.elsewhere == []
    finally:
        await engine.close()
        await sandbox.stop()
