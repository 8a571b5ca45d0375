"""One draft, a different thread per network, and a picture on a later part (issue #24).

Driven through the real `Engine` against two strict fakes behind one loopback server (Mastodon and
a Bluesky PDS, routed by host): what each network receives is what a follower would see.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
import pytest_asyncio

from outpost.adapters.base import AddAccountRequest
from outpost.adapters.bluesky import BlueskyAdapter
from outpost.adapters.mastodon import MastodonAdapter
from outpost.adapters.registry import AdapterRegistry
from outpost.domain.enums import Network, PostStatus
from outpost.domain.errors import ValidationError
from outpost.domain.models import Account
from outpost.engine import Engine, MediaInput, PostInput, When
from tests.contract.fake_bluesky import PDS, FakePds
from tests.contract.fake_bluesky_video import FakeBluesky, FakeVideoService
from tests.contract.fake_mastodon import BASE, FakeMastodon
from tests.fakes import FakeClock, MemorySecretStore
from tests.media_fixtures import png_bytes
from tests.support.loopback import served

pytestmark = pytest.mark.asyncio


@pytest_asyncio.fixture
async def world(
    tmp_path: Path, clock: FakeClock, secrets: MemorySecretStore
) -> AsyncIterator[tuple[Engine, FakeMastodon, FakePds, Account, Account]]:
    mastodon, pds = FakeMastodon(now=clock.now), FakePds(now=clock.now)
    bluesky = FakeBluesky(pds, FakeVideoService(pds))
    masto_host = urlsplit(BASE).hostname

    def route(request: httpx.Request) -> httpx.Response:
        if request.url.host == masto_host:
            return mastodon.handle(request)
        return bluesky.handle_request(request)

    registry = AdapterRegistry(
        {
            Network.MASTODON: functools.partial(MastodonAdapter, media_poll_s=0.001),
            Network.BLUESKY: functools.partial(BlueskyAdapter, fetch_cards=False),
        }
    )
    with served(route) as transport:
        engine = Engine.open(
            tmp_path / "data", registry=registry, secrets=secrets, clock=clock, transport=transport
        )
        masto = await engine.accounts.add(
            Network.MASTODON, AddAccountRequest(service_url=BASE, access_token="token-alice")
        )
        sky = await engine.accounts.add(
            Network.BLUESKY,
            AddAccountRequest(handle="@alice.example", app_password=pds.app_password, service_url=PDS),
        )
        yield engine, mastodon, pds, masto, sky
        await engine.close()


def _picture(tmp_path: Path, name: str) -> str:
    path = tmp_path / name
    path.write_bytes(png_bytes(8, 6))
    return str(path)


async def test_three_parts_on_bluesky_one_post_on_mastodon_and_the_chart_on_part_two(
    world: tuple[Engine, FakeMastodon, FakePds, Account, Account], tmp_path: Path
) -> None:
    engine, mastodon, pds, masto, sky = world
    chart = _picture(tmp_path, "chart.png")
    post = await engine.posts.create(
        PostInput(
            text="Our year in numbers",
            accounts=(masto.id, sky.id),
            thread=("Part two", "Part three"),
            thread_media=((MediaInput(chart, "A bar chart"),),),
            thread_for=((masto.ref, ()),),  # Mastodon: one post, the first part only
            title="Year in numbers",
            tags=("recap",),
        ),
        When.now(),
    )
    assert post.status is PostStatus.PUBLISHED
    assert post.title == "Year in numbers" and post.tags == ("recap",)
    [status] = mastodon.statuses
    assert (status.text, status.media_ids) == ("Our year in numbers", [])
    records = sorted(pds.records.values(), key=lambda r: r["value"]["createdAt"])
    assert [r["value"]["text"] for r in records] == ["Our year in numbers", "Part two", "Part three"]
    assert [r["value"].get("embed", {}).get("$type") for r in records] == [
        None,
        "app.bsky.embed.images",
        None,
    ]
    assert records[1]["value"]["embed"]["images"][0]["alt"] == "A bar chart"
    assert records[1]["value"]["reply"]["parent"]["uri"] == records[0]["uri"]
    assert records[2]["value"]["reply"]["parent"]["uri"] == records[1]["uri"]
    assert len(pds.blobs) == 1  # uploaded once, for the one network whose thread has part two
    sky_target = next(t for t in post.targets if t.account_id == sky.id)
    assert len(sky_target.parts) == 3 and len(post.target(post.targets[0].id).parts) == 1


async def test_mastodon_gets_its_own_three_part_thread_with_media_on_part_two(
    world: tuple[Engine, FakeMastodon, FakePds, Account, Account], tmp_path: Path
) -> None:
    engine, mastodon, pds, masto, sky = world
    photo = _picture(tmp_path, "photo.png")
    post = await engine.posts.create(
        PostInput(
            text="One post for everyone",
            accounts=(masto.id, sky.id),
            thread_for=(("mastodon", ("Only on Mastodon 2/3", "Only on Mastodon 3/3")),),
            thread_media=((MediaInput(photo, "The photo"),),),
        ),
        When.now(),
    )
    assert post.status is PostStatus.PUBLISHED
    assert [(s.text, len(s.media_ids)) for s in mastodon.statuses] == [
        ("One post for everyone", 0),
        ("Only on Mastodon 2/3", 1),
        ("Only on Mastodon 3/3", 0),
    ]
    assert mastodon.media[mastodon.statuses[1].media_ids[0]]["description"] == "The photo"
    assert [r["value"]["text"] for r in pds.records.values()] == ["One post for everyone"]
    assert pds.blobs == []  # Bluesky's single post has no part two, so the photo never went there


async def test_too_many_files_on_one_part_is_named_by_part_and_network(
    world: tuple[Engine, FakeMastodon, FakePds, Account, Account], tmp_path: Path
) -> None:
    engine, mastodon, pds, masto, sky = world
    files = tuple(MediaInput(_picture(tmp_path, f"p{i}.png")) for i in range(5))
    with pytest.raises(ValidationError) as refused:
        await engine.posts.create(
            PostInput(
                text="First",
                accounts=(masto.id, sky.id),
                thread=("Second",),
                thread_media=(files,),
                thread_for=(("bluesky", ()),),
            ),
            When.now(),
        )
    [problem] = refused.value.problems  # Bluesky's single post has no part two: only Mastodon's counts
    assert (problem.field, problem.network, problem.rule, problem.actual) == (
        "thread[1].media",
        "mastodon",
        "media_count",
        5,
    )
    assert mastodon.statuses == [] and pds.records == {}
