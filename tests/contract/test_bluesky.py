"""The Bluesky adapter through the engine, against a strict fake PDS served over loopback."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from outpost.adapters.base import AccountContext, AddAccountRequest, PartRequest
from outpost.adapters.bluesky import BlueskyAdapter, tid_for
from outpost.adapters.registry import AdapterRegistry
from outpost.auth.secrets import SecretVault
from outpost.domain.enums import ErrorCode, HealthState, Network, PostStatus
from outpost.domain.models import Account
from outpost.engine import Engine, MediaInput, PostInput, When
from outpost.engine.composer import new_idempotency_key
from tests.contract.fake_bluesky import PDS, FakePds
from tests.contract.fake_bluesky_video import FakeBluesky, FakeVideoService
from tests.fakes import START, FakeClock, MemorySecretStore
from tests.media_fixtures import png_bytes
from tests.support.loopback import served

pytestmark = pytest.mark.asyncio


@pytest.fixture
def pds(clock: FakeClock) -> FakePds:
    return FakePds(now=clock.now)


@pytest_asyncio.fixture
async def engine(
    tmp_path: Path, pds: FakePds, clock: FakeClock, secrets: MemorySecretStore, request: pytest.FixtureRequest
) -> AsyncIterator[Engine]:
    registry = AdapterRegistry({Network.BLUESKY: functools.partial(BlueskyAdapter, fetch_cards=False)})
    in_process = request.node.get_closest_marker("in_process") is not None
    # The health check reads today's video limits from the video service too (test_bluesky_video.py).
    network = FakeBluesky(pds, FakeVideoService(pds))
    with served(network.handle_request, in_process=in_process) as transport:
        eng = Engine.open(
            tmp_path / "data", registry=registry, secrets=secrets, clock=clock, transport=transport
        )
        yield eng
        await eng.close()


@pytest_asyncio.fixture
async def alice(engine: Engine, pds: FakePds) -> Account:
    return await engine.accounts.add(
        Network.BLUESKY,
        AddAccountRequest(handle="@alice.example", app_password=pds.app_password, service_url=PDS),
    )


async def test_sign_in_once_and_keep_the_session(
    engine: Engine, alice: Account, pds: FakePds, secrets: MemorySecretStore
) -> None:
    assert (alice.handle, alice.service_url) == ("alice.example", PDS)
    assert secrets.secrets[alice.secret_ref]["access_jwt"] == pds.access
    await engine.posts.create(PostInput(text="one", accounts=(alice.id,)), When.now())
    await engine.posts.create(PostInput(text="two", accounts=(alice.id,)), When.now())
    await engine.accounts.check()
    assert pds.logins == 1  # createSession is rate-limited: never again while the session works


async def test_expired_access_token_is_refreshed_once_even_under_concurrency(
    engine: Engine, alice: Account, pds: FakePds, secrets: MemorySecretStore
) -> None:
    pds.expired_access.add(pds.access)
    old_refresh = pds.refresh
    posts = await asyncio.gather(
        *(engine.posts.create(PostInput(text=f"p{i}", accounts=(alice.id,)), When.now()) for i in range(4))
    )
    assert all(p.status is PostStatus.PUBLISHED for p in posts)
    assert pds.refreshes == 1 and len(pds.records) == 4
    stored = secrets.secrets[alice.secret_ref]
    assert stored["refresh_jwt"] == pds.refresh != old_refresh and stored["access_jwt"] == pds.access


async def test_expired_refresh_token_signs_in_again_with_the_app_password(
    engine: Engine, alice: Account, pds: FakePds
) -> None:
    pds.expired_access.add(pds.access)
    pds.revoked_refresh.add(pds.refresh)
    post = await engine.posts.create(PostInput(text="hi", accounts=(alice.id,)), When.now())
    assert post.status is PostStatus.PUBLISHED and pds.logins == 2


async def test_revoked_app_password_marks_the_account_broken(
    engine: Engine, alice: Account, pds: FakePds
) -> None:
    pds.expired_access.add(pds.access)
    pds.revoked_refresh.add(pds.refresh)
    pds.app_password = "revoked"
    post = await engine.posts.create(PostInput(text="hi", accounts=(alice.id,)), When.now())
    assert post.targets[0].error is not None and post.targets[0].error.code is ErrorCode.AUTH_EXPIRED
    [account] = await engine.accounts.list()
    assert account.health.state is HealthState.BROKEN


async def test_taken_down_account_is_reported_by_the_health_check(
    engine: Engine, alice: Account, pds: FakePds
) -> None:
    pds.active = False
    [account] = await engine.accounts.check()
    assert account.health.state is HealthState.BROKEN and "takendown" in (account.health.message or "")


async def test_mentions_resolve_to_dids_and_unknown_ones_stay_text(
    engine: Engine, alice: Account, pds: FakePds
) -> None:
    await engine.posts.create(
        PostInput(text="hi @bob.example and @ghost.example", accounts=(alice.id,)), When.now()
    )
    [record] = pds.records.values()
    facets = record["value"]["facets"]
    assert [f["features"][0] for f in facets] == [
        {"$type": "app.bsky.richtext.facet#mention", "did": "did:plc:bob"}
    ]


async def test_long_links_count_as_shown_so_a_post_fits(engine: Engine, alice: Account, pds: FakePds) -> None:
    url = "https://example.com/" + "x" * 400
    text = "y" * 260 + " " + url  # 661 characters typed; 291 shown
    post = await engine.posts.create(PostInput(text=text, accounts=(alice.id,)), When.now())
    assert post.status is PostStatus.PUBLISHED
    [record] = pds.records.values()
    assert record["value"]["facets"][0]["features"][0]["uri"] == url


async def test_images_carry_alt_text_and_aspect_ratio(
    engine: Engine, alice: Account, pds: FakePds, tmp_path: Path
) -> None:
    image = tmp_path / "a.png"
    image.write_bytes(png_bytes(40, 30))
    await engine.posts.create(
        PostInput(text="pic", accounts=(alice.id,), media=(MediaInput(str(image), "Forty by thirty"),)),
        When.now(),
    )
    [record] = pds.records.values()
    [embedded] = record["value"]["embed"]["images"]
    assert embedded["alt"] == "Forty by thirty" and embedded["aspectRatio"] == {"width": 40, "height": 30}
    assert pds.blobs[0][:8] == b"\x89PNG\r\n\x1a\n"


async def test_lost_answer_is_checked_by_record_key_instead_of_posting_twice(
    engine: Engine, alice: Account, pds: FakePds
) -> None:
    real = pds.com_atproto_repo_createRecord
    answers_lost = [True]

    def lost_once(request: httpx.Request) -> httpx.Response:
        response = real(request)  # the record is written...
        if answers_lost and answers_lost.pop():
            raise httpx.ReadTimeout("timed out")  # ...but the answer never arrives
        return response

    pds.com_atproto_repo_createRecord = lost_once  # type: ignore[method-assign]
    post = await engine.posts.create(PostInput(text="once", accounts=(alice.id,)), When.now())
    assert post.status is PostStatus.PUBLISHED and len(pds.records) == 1
    [record] = pds.records.values()
    assert post.targets[0].platform_post_id == record["uri"] and post.targets[0].attempts == 2


async def test_a_part_sent_twice_with_one_key_is_one_record(
    pds: FakePds, alice: Account, secrets: MemorySecretStore
) -> None:
    async with httpx.AsyncClient(transport=pds.transport()) as client:
        adapter = BlueskyAdapter(client, clock=FakeClock(), fetch_cards=False)
        ctx = AccountContext(alice, SecretVault(secrets), asyncio.Lock())
        part = PartRequest(
            index=0, text="once", media=(), options={}, idempotency_key=f"{new_idempotency_key()}-0"
        )
        first = await adapter.publish(ctx, part)
        second = await adapter.publish(ctx, part)
    assert first == second and len(pds.records) == 1


async def test_a_link_gets_a_card_with_the_pages_title_and_picture(
    pds: FakePds, alice: Account, secrets: MemorySecretStore
) -> None:
    page = (
        '<html><head><title>Shop</title><meta property="og:title" content="Spring workshops">'
        '<meta name="description" content="Three Saturdays"><meta property="og:image" content="/pic.png">'
        "</head><body>…</body></html>"
    )

    def network(request: httpx.Request) -> httpx.Response:
        if request.url.host != "shop.example":
            return pds.handle_request(request)
        if request.url.path == "/pic.png":
            return httpx.Response(200, content=png_bytes(40, 30), headers={"content-type": "image/png"})
        return httpx.Response(200, text=page, headers={"content-type": "text/html; charset=utf-8"})

    async with httpx.AsyncClient(transport=httpx.MockTransport(network)) as client:
        adapter = BlueskyAdapter(client, clock=FakeClock())  # cards on, as people use it
        ctx = AccountContext(alice, SecretVault(secrets), asyncio.Lock())
        text = "Spring: https://shop.example/workshops"
        await adapter.publish(
            ctx,
            PartRequest(
                index=0, text=text, media=(), options={}, idempotency_key=f"{new_idempotency_key()}-0"
            ),
        )
    [record] = pds.records.values()
    external = record["value"]["embed"]["external"]
    assert (external["uri"], external["title"], external["description"]) == (
        "https://shop.example/workshops",
        "Spring workshops",
        "Three Saturdays",
    )
    assert external["thumb"]["ref"]["$link"] in pds.blob_store  # the picture, uploaded as a blob


async def test_rate_limit_waits_for_retry_after(
    engine: Engine, alice: Account, pds: FakePds, clock: FakeClock
) -> None:
    pds.fail_next_create.append(
        httpx.Response(
            429,
            json={"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
            headers={"Retry-After": "20", "RateLimit-Reset": "1"},
        )
    )
    post = await engine.posts.create(PostInput(text="hi", accounts=(alice.id,)), When.now())
    assert post.status is PostStatus.PUBLISHED and clock.sleeps == [20.0]


async def test_tids_are_stable_per_part_and_ordered_by_time() -> None:
    tid = functools.partial(tid_for, now=START)  # the key carries its time; `now` is only a fallback
    key = new_idempotency_key()
    assert tid(f"{key}-0") == tid(f"{key}-0") != tid(f"{key}-1")
    later = new_idempotency_key()
    assert tid(f"{key}-0") < tid(f"{later}-0") or key[:14] == later[:14]
    assert len(tid(f"{key}-0")) == 13
    assert tid_for(f"{key}-0", now=START + timedelta(days=1)) == tid(f"{key}-0")


async def test_removing_says_where_to_delete_the_app_password(
    engine: Engine, alice: Account, secrets: MemorySecretStore
) -> None:
    removal = await engine.accounts.remove(alice.id)
    assert "App passwords" in removal.network_access and alice.handle in removal.network_access
    assert secrets.secrets == {}


async def test_the_profile_picture_is_read_at_sign_in_and_missing_one_is_no_problem(
    engine: Engine, pds: FakePds
) -> None:
    pds.avatar = "https://cdn.bsky.example/img/avatar/plain/did:plc:alice/bafkavatar@jpeg"
    alice = await engine.accounts.add(
        Network.BLUESKY,
        AddAccountRequest(handle="alice.example", app_password=pds.app_password, service_url=PDS),
    )
    assert (alice.avatar_url, alice.display_name) == (pds.avatar, "Alice")  # the profile's
    profile = next(r for r in pds.requests if r.url.path.endswith("app.bsky.actor.getProfile"))
    assert profile.url.params["actor"] == pds.did
    await engine.accounts.remove(alice.id)
    pds.avatar = None  # a profile without a picture
    again = await engine.accounts.add(
        Network.BLUESKY,
        AddAccountRequest(handle="alice.example", app_password=pds.app_password, service_url=PDS),
    )
    assert again.avatar_url is None and again.health.state.value == "ok"
    pds.fail_profile = True  # the AppView cannot be reached: named by the handle, no picture
    await engine.accounts.remove(again.id)
    third = await engine.accounts.add(
        Network.BLUESKY,
        AddAccountRequest(handle="alice.example", app_password=pds.app_password, service_url=PDS),
    )
    assert (third.display_name, third.avatar_url) == ("alice.example", None)
