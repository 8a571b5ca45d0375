"""One post on Mastodon, Bluesky and Instagram, deleted and edited everywhere through the engine (issue #24).

Three strict fakes behind one loopback server (each answers its own host), a real media host for
Instagram: a network that fails is reported and retried alone, a network without delete says so
with the link, and Bluesky's "edit" deletes and publishes once more, only when the person said yes.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from outpost.adapters.base import AddAccountRequest
from outpost.adapters.bluesky import BlueskyAdapter
from outpost.adapters.instagram import InstagramAdapter
from outpost.adapters.mastodon import MastodonAdapter
from outpost.adapters.registry import AdapterRegistry
from outpost.domain.enums import Network, PostStatus, TargetStatus
from outpost.domain.models import Account, Post
from outpost.engine import Engine, MediaInput, PostChanges, PostInput, When
from tests import media_fixtures
from tests.contract.fake_bluesky import PDS, FakePds
from tests.contract.fake_instagram import FakeInstagram
from tests.contract.fake_mastodon import BASE, FakeMastodon
from tests.fakes import FakeClock, MemorySecretStore
from tests.support.loopback import LoopbackServer
from tests.support.media_host import LoopbackMediaHost

pytestmark = pytest.mark.asyncio


class Networks:
    """The three fakes, each answering its own host."""

    def __init__(self, clock: FakeClock) -> None:
        self.mastodon = FakeMastodon(now=clock.now)
        self.pds = FakePds(now=clock.now)
        self.instagram = FakeInstagram(now=lambda: clock.now().timestamp())

    def handle(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        if host == "masto.example":
            return self.mastodon.handle(request)
        if host == "pds.example":
            return self.pds.handle_request(request)
        return self.instagram.handle(request)


@pytest.fixture
def networks(clock: FakeClock) -> Networks:
    return Networks(clock)


@pytest.fixture
def host(clock: FakeClock) -> Iterator[LoopbackMediaHost]:
    running = LoopbackMediaHost(clock.now)
    running.start()
    try:
        yield running
    finally:
        running.stop()


@pytest_asyncio.fixture
async def engine(
    tmp_path: Path, networks: Networks, clock: FakeClock, secrets: MemorySecretStore, host: LoopbackMediaHost
) -> AsyncIterator[Engine]:
    registry = AdapterRegistry(
        {
            Network.MASTODON: functools.partial(MastodonAdapter, media_poll_s=0.001),
            Network.BLUESKY: BlueskyAdapter,
            Network.INSTAGRAM: functools.partial(InstagramAdapter, poll_s=0.001),
        }
    )
    with LoopbackServer(networks.handle) as running:
        eng = Engine.open(
            tmp_path / "data",
            registry=registry,
            secrets=secrets,
            clock=clock,
            transport=running.transport(),
            media_host=host,  # type: ignore[arg-type]
            media_in_process=True,
        )
        yield eng
        await eng.close()
    assert running.errors == [], running.errors


@pytest_asyncio.fixture
async def accounts(engine: Engine, networks: Networks) -> tuple[Account, Account, Account]:
    masto = await engine.accounts.add(
        Network.MASTODON, AddAccountRequest(service_url=BASE, access_token="token-alice")
    )
    sky = await engine.accounts.add(
        Network.BLUESKY,
        AddAccountRequest(handle="alice.example", app_password=networks.pds.app_password, service_url=PDS),
    )
    insta = await engine.accounts.add(
        Network.INSTAGRAM, AddAccountRequest(access_token=networks.instagram.issue(age_s=3600))
    )
    return masto, sky, insta


async def _published(engine: Engine, accounts: tuple[Account, ...], tmp_path: Path) -> Post:
    photo = media_fixtures.image(tmp_path / "p.jpg", 1080, 1080)
    post = await engine.posts.create(
        PostInput(
            text="The dye garden in June",
            accounts=tuple(a.id for a in accounts),
            media=(MediaInput(str(photo), "Rows of madder"),),
        ),
        When.now(),
    )
    assert post.status is PostStatus.PUBLISHED, post.targets
    return post


def _outcomes(results: object) -> dict[str, str]:
    return {r.network: r.outcome for r in results}  # type: ignore[attr-defined]


async def test_one_network_failing_leaves_the_others_deleted_and_is_retried_alone(
    engine: Engine, networks: Networks, accounts: tuple[Account, Account, Account], tmp_path: Path
) -> None:
    post = await _published(engine, accounts, tmp_path)
    insta = next(t for t in post.targets if t.network is Network.INSTAGRAM)
    plans = {p.network: p for p in await engine.networks.preview_delete(post.id)}
    assert plans["instagram"].action == "unavailable"
    assert "cannot delete" in plans["instagram"].message and plans["instagram"].permalink == insta.permalink
    networks.pds.fail_next_delete.append(
        httpx.Response(500, json={"error": "InternalServerError", "message": "Internal Server Error"})
    )

    work = await engine.networks.delete_everywhere(post.id)

    assert _outcomes(work.results) == {"mastodon": "deleted", "bluesky": "failed", "instagram": "unavailable"}
    assert work.failed and networks.mastodon.statuses == [] and len(networks.pds.records) == 1
    insta_result = next(r for r in work.results if r.network == "instagram")
    assert insta_result.message == "Instagram's API cannot delete posts; delete it in the Instagram app."
    assert insta_result.permalink == insta.permalink and insta.permalink.startswith(
        "https://www.instagram.com/p/"
    )
    sky_result = next(r for r in work.results if r.network == "bluesky")
    assert "HTTP 500" in sky_result.message and sky_result.permalink is not None
    deleted = {t.network.value: t.deleted_at for t in work.post.targets}
    assert deleted["mastodon"] is not None and deleted["bluesky"] is None and deleted["instagram"] is None
    assert work.post.status is PostStatus.PUBLISHED  # the local record stays

    again = await engine.networks.delete_everywhere(post.id)

    assert _outcomes(again.results) == {
        "mastodon": "skipped",
        "bluesky": "deleted",
        "instagram": "unavailable",
    }
    assert networks.pds.records == {} and not again.failed
    assert len(networks.mastodon.deleted) == 1  # Mastodon was not asked again


async def test_bluesky_is_reposted_once_only_when_the_person_agrees_and_mastodon_edits_in_place(
    engine: Engine, networks: Networks, accounts: tuple[Account, Account, Account], tmp_path: Path
) -> None:
    masto, sky, _ = accounts
    post = await _published(engine, (masto, sky), tmp_path)
    [old_key] = networks.pds.records
    old_link = next(t.permalink for t in post.targets if t.network is Network.BLUESKY)
    plans = {p.network: p.action for p in await engine.networks.preview_edit(post.id)}
    assert plans == {"mastodon": "in_place", "bluesky": "repost"}
    creates = lambda: [r for r in networks.pds.requests if r.url.path.endswith("createRecord")]  # noqa: E731
    assert len(creates()) == 1

    asked = await engine.networks.edit_published(post.id, PostChanges(text="The dye garden in July"))

    assert _outcomes(asked.results) == {"mastodon": "edited", "bluesky": "skipped"}
    assert "--repost" in next(r.message for r in asked.results if r.network == "bluesky")
    assert (
        list(networks.pds.records) == [old_key]
        and networks.mastodon.statuses[0].text == "The dye garden in July"
    )

    agreed = await engine.networks.edit_published(
        post.id, PostChanges(text="The dye garden in July!"), repost=True
    )

    assert _outcomes(agreed.results) == {"mastodon": "edited", "bluesky": "reposted"}
    assert networks.pds.deleted == [old_key] and len(creates()) == 2  # one new record, once
    [new_key] = networks.pds.records
    assert networks.pds.records[new_key]["value"]["text"] == "The dye garden in July!"
    assert networks.pds.records[new_key]["value"]["embed"]["$type"] == "app.bsky.embed.images"
    sky_target = next(t for t in agreed.post.targets if t.network is Network.BLUESKY)
    assert sky_target.status is TargetStatus.PUBLISHED and sky_target.deleted_at is None
    assert sky_target.permalink != old_link and sky_target.permalink.endswith(new_key)
    assert agreed.post.status is PostStatus.PUBLISHED and agreed.post.text == "The dye garden in July!"
