"""The Facebook Pages adapter through the engine, against a strict fake Graph API served over loopback."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from outpost.adapters.base import AccountContext, AddAccountRequest, PartRequest
from outpost.adapters.facebook import FacebookAdapter
from outpost.adapters.registry import AdapterRegistry
from outpost.domain.accounts import Credentials
from outpost.domain.enums import ErrorCode, HealthState, Network, PostStatus, TargetStatus
from outpost.domain.errors import Rejected, ValidationError
from outpost.domain.models import Account, PublishedPart
from outpost.engine import Engine, MediaInput, PostInput, When
from tests import media_fixtures
from tests.conftest import until
from tests.contract.fake_facebook import APP_ID, APP_SECRET, BAD_TIME, USER_TOKEN_ON_PAGE, FakeFacebook
from tests.fakes import FakeClock, MemorySecretStore
from tests.support.loopback import LoopbackServer

pytestmark = pytest.mark.asyncio
PAGE = "2001"


@pytest.fixture
def server(clock: FakeClock) -> FakeFacebook:
    fake = FakeFacebook(chunk_size=16 * 1024)  # small chunks: even a short clip takes several
    fake.now = lambda: clock.now().timestamp()  # Facebook and Outpost share one time, as for real
    return fake


@pytest.fixture
def loopback(server: FakeFacebook) -> Iterator[LoopbackServer]:
    with LoopbackServer(server.handle) as running:
        yield running
    assert running.errors == [], running.errors


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest_asyncio.fixture
async def engine(
    tmp_path: Path, loopback: LoopbackServer, clock: FakeClock, secrets: MemorySecretStore
) -> AsyncIterator[Engine]:
    registry = AdapterRegistry({Network.FACEBOOK: FacebookAdapter})
    eng = Engine.open(
        tmp_path / "data", registry=registry, secrets=secrets, clock=clock, transport=loopback.transport()
    )
    await eng.accounts.set_app(Network.FACEBOOK, APP_ID, APP_SECRET, redirect_port=free_port())
    yield eng
    await eng.close()


def browser(loopback: LoopbackServer, seen: list[str] | None = None) -> object:
    """A person on Facebook's Login dialog: agrees, and the browser follows the redirect back."""

    async def open_url(url: str) -> None:
        if seen is not None:
            seen.append(url)

        async def visit() -> None:
            async with httpx.AsyncClient(transport=loopback.transport()) as web:
                consent = await web.get(url)
            location = consent.headers.get("location")
            if consent.status_code == 302 and location:
                async with httpx.AsyncClient() as local:
                    await local.get(location.split("#")[0])

        asyncio.get_running_loop().create_task(visit())

    return open_url


@pytest_asyncio.fixture
async def page(engine: Engine, loopback: LoopbackServer) -> Account:
    return await engine.accounts.connect(Network.FACEBOOK, target=PAGE, open_url=browser(loopback))  # type: ignore[arg-type]


# -- signing in -----------------------------------------------------------------------------------


async def test_sign_in_through_localhost_keeps_the_pages_own_token_made_from_a_long_lived_sign_in(
    engine: Engine, loopback: LoopbackServer, server: FakeFacebook, secrets: MemorySecretStore
) -> None:
    opened: list[str] = []
    account = await engine.accounts.connect(
        Network.FACEBOOK,
        target=PAGE,
        open_url=browser(loopback, opened),  # type: ignore[arg-type]
    )
    assert (account.handle, account.display_name, account.target_id) == ("dyegarden", "Dye Garden", PAGE)
    assert account.health.state is HealthState.OK and account.health.missing_permissions == ()
    [dialog] = opened
    redirect = httpx.URL(dialog).params["redirect_uri"]
    assert redirect.startswith("http://localhost:") and redirect.endswith("/callback")
    kept = secrets.secrets[account.secret_ref]
    page_token, user_token = server.tokens[kept["access_token"]], server.tokens[kept["user_token"]]
    assert (page_token.kind, page_token.subject, page_token.expires_at) == ("page", PAGE, None)
    assert user_token.long_lived and kept["client_secret"] == APP_SECRET
    assert [t.as_dict() for t in await engine.accounts.targets(account.id)] == [
        {"id": "2001", "name": "Dye Garden", "kind": "page"},
        {"id": "2002", "name": "Corner Bakery", "kind": "page"},
    ]


async def test_a_page_is_chosen_by_target_and_a_role_that_cannot_post_is_refused(
    engine: Engine, loopback: LoopbackServer
) -> None:
    with pytest.raises(ValidationError) as several:
        await engine.accounts.connect(Network.FACEBOOK, open_url=browser(loopback))  # type: ignore[arg-type]
    message = several.value.problems[0].message
    assert "manages 2 Facebook Pages" in message and "2001 (Dye Garden)" in message
    with pytest.raises(ValidationError, match="cannot create posts") as bakery:
        await engine.accounts.connect(Network.FACEBOOK, target="2002", open_url=browser(loopback))  # type: ignore[arg-type]
    assert "Create content" in bakery.value.problems[0].message
    assert await engine.accounts.list() == []


async def test_a_live_app_cannot_use_localhost_and_the_sign_in_says_so(
    engine: Engine, loopback: LoopbackServer, server: FakeFacebook
) -> None:
    server.app_mode = "live"
    seen: list[str] = []
    task = asyncio.ensure_future(
        engine.accounts.connect(Network.FACEBOOK, target=PAGE, open_url=browser(loopback, seen))  # type: ignore[arg-type]
    )
    while not seen:
        await asyncio.sleep(0.01)
    async with httpx.AsyncClient(transport=loopback.transport()) as web:
        page = await web.get(seen[0])
    assert page.status_code == 400 and "URL blocked" in page.text
    task.cancel()


async def test_tokens_made_elsewhere_user_or_page(engine: Engine, server: FakeFacebook) -> None:
    user_token = server.issue_user()
    by_user = await engine.accounts.add(
        Network.FACEBOOK, AddAccountRequest(access_token=user_token, target_id=PAGE)
    )
    assert by_user.target_id == PAGE and by_user.handle == "dyegarden"
    page_token = server.page_token("2002")
    with pytest.raises(ValidationError, match="Page token of Corner Bakery"):
        await engine.accounts.add(
            Network.FACEBOOK, AddAccountRequest(access_token=page_token, target_id=PAGE)
        )
    with pytest.raises(ValidationError, match="refused the credentials") as bad:
        await engine.accounts.add(
            Network.FACEBOOK, AddAccountRequest(access_token="EAAnonsense", target_id=PAGE)
        )
    assert "Reconnect" in bad.value.problems[0].message


async def test_missing_permissions_are_named_on_the_health_card(
    engine: Engine, loopback: LoopbackServer, server: FakeFacebook
) -> None:
    server.deny = {"pages_read_engagement"}
    account = await engine.accounts.connect(Network.FACEBOOK, target=PAGE, open_url=browser(loopback))  # type: ignore[arg-type]
    health = account.health
    assert health.state is HealthState.DEGRADED and health.missing_permissions == ("pages_read_engagement",)
    assert "lacks pages_read_engagement" in (health.message or "")
    post = await engine.posts.create(PostInput(text="Can I?", accounts=(account.id,)), When.now())
    error = post.targets[0].error
    assert error is not None and "pages_manage_posts" in error.message and server.posts == []


async def test_the_health_check_reads_the_usage_headers_as_the_budget_used(
    engine: Engine, page: Account, server: FakeFacebook
) -> None:
    server.app_usage = 42
    [checked] = await engine.accounts.check(page.id)
    quota = checked.health.quota
    assert quota is not None and (quota.used, quota.limit, quota.left) == (42, 100, 58)


# -- publishing -------------------------------------------------------------------------------------


async def test_text_and_link_posts(engine: Engine, page: Account, server: FakeFacebook) -> None:
    text = await engine.posts.create(PostInput(text="Open Saturday", accounts=(page.id,)), When.now())
    link = await engine.posts.create(
        PostInput(text="Workshops: https://example.com/workshops", accounts=(page.id,)), When.now()
    )
    assert text.status is link.status is PostStatus.PUBLISHED, [text.targets[0].error, link.targets[0].error]
    first, second = server.published()
    assert (first.kind, first.link) == ("status", None)
    assert (second.kind, second.link) == ("link", "https://example.com/workshops")
    target = link.targets[0]
    assert target.platform_post_id == second.id
    assert target.permalink == f"https://www.facebook.com/2001/posts/{second.id.split('_')[1]}"


async def test_a_photo_post_with_two_photos_uploaded_unpublished_and_attached(
    engine: Engine, page: Account, server: FakeFacebook, tmp_path: Path
) -> None:
    one = media_fixtures.image(tmp_path / "one.jpg", 800, 600)
    two = media_fixtures.image(tmp_path / "two.png", 600, 600)
    post = await engine.posts.create(
        PostInput(
            text="The dye garden in May",
            accounts=(page.id,),
            media=(MediaInput(str(one), "Madder rows"), MediaInput(str(two), "Woad in flower")),
        ),
        When.now(),
    )
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    [made] = server.published()
    assert made.kind == "photo" and len(made.photos) == 2
    photos = [server.photos[p] for p in made.photos]
    assert [p.alt for p in photos] == ["Madder rows", "Woad in flower"]
    assert all(not p.published and p.used_by == made.id for p in photos)


async def test_publishing_with_a_user_token_gets_facebooks_own_refusal(
    engine: Engine, page: Account, server: FakeFacebook, secrets: MemorySecretStore
) -> None:
    secrets.secrets[page.secret_ref]["access_token"] = server.issue_user()  # not the Page's token
    post = await engine.posts.create(PostInput(text="As myself?", accounts=(page.id,)), When.now())
    error = post.targets[0].error
    assert post.status is PostStatus.FAILED and error is not None
    assert USER_TOKEN_ON_PAGE[:40] in error.message and "Reconnect and allow" in error.message
    assert server.posts == []


async def test_a_video_goes_up_in_the_chunks_facebook_asks_for(
    engine: Engine, page: Account, server: FakeFacebook, tmp_path: Path
) -> None:
    clip = media_fixtures.video(tmp_path / "clip.mp4", 320, 240, seconds=3.5)
    server.chunk_size = 2048
    post = await engine.posts.create(
        PostInput(text="A minute in the garden", accounts=(page.id,), media=(MediaInput(str(clip)),)),
        When.now(),
    )
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    [made] = server.published()
    video = server.videos[made.video_id or ""]
    assert made.kind == "video" and made.message == "A minute in the garden"
    assert bytes(video.data) == clip.read_bytes() and video.size > 2 * server.chunk_size
    transfers = [r for r in server.requests if b'name="upload_phase"\r\n\r\ntransfer' in r.content]
    assert len(transfers) >= 3
    assert post.targets[0].permalink == f"https://www.facebook.com/2001/videos/{video.id}"


async def test_a_video_upload_cut_by_an_outage_resumes_where_facebook_stopped(
    engine: Engine, page: Account, server: FakeFacebook, tmp_path: Path, clock: FakeClock
) -> None:
    clip = media_fixtures.video(tmp_path / "clip.mp4", 320, 240, seconds=3.5)
    server.chunk_size, server.transfers_before_outage = 2048, 2
    post = await engine.posts.create(
        PostInput(text="Despite the outage", accounts=(page.id,), media=(MediaInput(str(clip)),)), When.now()
    )
    assert post.status is PostStatus.PUBLISHED and post.targets[0].attempts == 2, post.targets[0].error
    [made] = server.published()
    assert bytes(server.videos[made.video_id or ""].data) == clip.read_bytes()
    starts = [r for r in server.requests if b"upload_phase=start" in r.content]
    offsets = [r for r in server.requests if b'name="start_offset"\r\n\r\n4096' in r.content]
    assert len(starts) == 1 and len(offsets) == 2  # one session; the third chunk sent again, not the file


async def test_a_reel_goes_to_the_upload_host_and_needs_one_short_video(
    engine: Engine, page: Account, server: FakeFacebook, tmp_path: Path
) -> None:
    clip = media_fixtures.video(tmp_path / "reel.mp4", 270, 480, seconds=3.5)
    reel = ("facebook", "content_type", "reel")
    post = await engine.posts.create(
        PostInput(text="Dyeing day", accounts=(page.id,), media=(MediaInput(str(clip)),), options=(reel,)),
        When.now(),
    )
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    [made] = server.published()
    assert made.kind == "reel" and bytes(server.videos[made.video_id or ""].data) == clip.read_bytes()
    assert any(r.url.host == "rupload.facebook.com" for r in server.requests)
    assert post.targets[0].permalink == f"https://www.facebook.com/reel/{made.video_id}"
    photo = media_fixtures.image(tmp_path / "p.jpg", 300, 300)
    with pytest.raises(ValidationError, match="a Reel is exactly one video"):
        await engine.posts.create(
            PostInput(
                text="not a reel", accounts=(page.id,), media=(MediaInput(str(photo)),), options=(reel,)
            )
        )


async def test_the_same_text_twice_is_named_a_duplicate(engine: Engine, page: Account) -> None:
    await engine.posts.create(PostInput(text="Same words", accounts=(page.id,)), When.now())
    again = await engine.posts.create(PostInput(text="Same words", accounts=(page.id,)), When.now())
    error = again.targets[0].error
    assert error is not None and error.code is ErrorCode.DUPLICATE and "change the text" in error.message


# -- failures ------------------------------------------------------------------------------------------


async def test_a_changed_password_breaks_the_account_and_says_why(
    engine: Engine, page: Account, server: FakeFacebook
) -> None:
    server.change_password()
    post = await engine.posts.create(PostInput(text="after the change", accounts=(page.id,)), When.now())
    error = post.targets[0].error
    assert error is not None and error.code is ErrorCode.AUTH_EXPIRED
    assert "password was changed" in error.message and "Reconnect" in error.message
    account = await engine.accounts.get(page.id)
    assert account.health.state is HealthState.BROKEN and server.posts == []


async def test_an_expired_sign_in_shows_on_the_health_card(
    engine: Engine, server: FakeFacebook, clock: FakeClock
) -> None:
    short = (
        server.issue_user()
    )  # from Graph Explorer, and no app to make it long-lived: the Page token ends with it
    await engine.accounts.remove_app(Network.FACEBOOK)
    account = await engine.accounts.add(
        Network.FACEBOOK, AddAccountRequest(access_token=short, target_id=PAGE)
    )
    assert "could not make this sign-in long-lived" in (account.health.message or "")
    clock.advance(timedelta(hours=3))
    [checked] = await engine.accounts.check(account.id)
    assert checked.health.state is HealthState.BROKEN and "expired" in (checked.health.message or "")


async def test_a_throttled_page_waits_until_facebook_says(
    engine: Engine, page: Account, server: FakeFacebook, clock: FakeClock
) -> None:
    server.throttled[PAGE] = 45  # past the 30 minutes Outpost waits within one publish
    post = await engine.posts.create(PostInput(text="too fast", accounts=(page.id,)), When.now())
    error = post.targets[0].error
    assert error is not None and error.code is ErrorCode.RATE_LIMITED
    assert error.retry_at == clock.now() + timedelta(minutes=45)
    assert "100 % used" in error.message and server.posts == []


async def test_a_lost_answer_is_unknown_then_found_on_the_page_never_sent_twice(
    engine: Engine, page: Account, server: FakeFacebook
) -> None:
    server.store_then_fail.append(0)
    post = await engine.posts.create(PostInput(text="did it land?", accounts=(page.id,)), When.now())
    assert post.status is PostStatus.NEEDS_REVIEW and post.targets[0].status is TargetStatus.UNKNOWN
    settled = await engine.posts.look_for_unknown(post.id)
    [made] = server.published()
    assert settled.status is PostStatus.PUBLISHED and settled.targets[0].platform_post_id == made.id
    assert len(server.creates()) == 1


async def test_a_server_error_on_the_create_ends_in_review(
    engine: Engine, page: Account, server: FakeFacebook
) -> None:
    server.store_then_fail.append(500)
    post = await engine.posts.create(PostInput(text="half a failure", accounts=(page.id,)), When.now())
    assert post.targets[0].status is TargetStatus.UNKNOWN and len(server.creates()) == 1


# -- Facebook's own scheduler (the adapter's side of issue #20) -------------------------------------


class _Vault:
    def __init__(self, store: MemorySecretStore) -> None:
        self.store = store

    async def read(self, ref: str) -> Credentials | None:
        return self.store.get(ref)

    async def write(self, ref: str, credentials: Credentials) -> None:
        self.store.set(ref, credentials)


@pytest_asyncio.fixture
async def direct(
    page: Account, loopback: LoopbackServer, clock: FakeClock, secrets: MemorySecretStore
) -> AsyncIterator[tuple[FacebookAdapter, AccountContext]]:
    async with httpx.AsyncClient(transport=loopback.transport()) as client:
        yield FacebookAdapter(client, clock=clock), AccountContext(page, _Vault(secrets), asyncio.Lock())


def _part(text: str, media: tuple[object, ...] = ()) -> PartRequest:
    return PartRequest(index=0, text=text, media=media, options={}, idempotency_key="k")  # type: ignore[arg-type]


async def test_facebook_holds_a_post_between_ten_minutes_and_thirty_days_ahead(
    direct: tuple[FacebookAdapter, AccountContext], server: FakeFacebook, clock: FakeClock
) -> None:
    adapter, ctx = direct
    assert adapter.native_schedule is not None
    assert (adapter.native_schedule.min_ahead, adapter.native_schedule.max_ahead) == (
        timedelta(minutes=10),
        timedelta(days=30),
    )
    for too in (timedelta(minutes=5), timedelta(days=31)):
        with pytest.raises(Rejected, match=r"scheduled publish time is invalid") as caught:
            await adapter.schedule_on_network(ctx, _part("not now"), clock.now() + too)
        assert not caught.value.may_have_taken_effect and BAD_TIME[6:40] in str(caught.value)
    scheduled = await adapter.schedule_on_network(ctx, _part("At nine"), clock.now() + timedelta(hours=1))
    assert server.published() == [] and await adapter.confirm_on_network(ctx, scheduled) is None
    await adapter.reschedule_on_network(ctx, scheduled, clock.now() + timedelta(hours=2))
    clock.advance(timedelta(hours=1, minutes=30))
    assert await adapter.confirm_on_network(ctx, scheduled) is None
    clock.advance(timedelta(minutes=31))
    confirmed = await adapter.confirm_on_network(ctx, scheduled)
    [made] = server.published()
    assert confirmed == PublishedPart(
        platform_post_id=made.id, permalink=f"https://www.facebook.com/2001/posts/{made.id.split('_')[1]}"
    )


async def test_a_scheduled_photo_post_is_withdrawn_and_a_published_one_is_left_alone(
    direct: tuple[FacebookAdapter, AccountContext], server: FakeFacebook, clock: FakeClock, tmp_path: Path
) -> None:
    adapter, ctx = direct
    from outpost.domain.models import MediaAsset

    path = media_fixtures.image(tmp_path / "a.jpg", 400, 300)
    asset = MediaAsset(
        id="med_1", path=str(path), mime_type="image/jpeg", size=path.stat().st_size, alt_text="A"
    )
    uploaded = await adapter.upload_media(ctx, asset)
    scheduled = await adapter.schedule_on_network(
        ctx, _part("Later", (uploaded,)), clock.now() + timedelta(days=2)
    )
    assert server.photos[uploaded.remote_id].used_by == scheduled.platform_post_id
    await adapter.cancel_on_network(ctx, scheduled)
    assert server.posts == []
    await adapter.cancel_on_network(ctx, scheduled)  # already gone: fine
    with pytest.raises(Rejected, match="no longer on the Page"):
        await adapter.confirm_on_network(ctx, scheduled)
    out = await adapter.publish(ctx, _part("Out already"))
    with pytest.raises(Rejected, match="already out on Facebook"):
        await adapter.cancel_on_network(ctx, out)
    assert len(server.published()) == 1


async def test_a_scheduled_reel_goes_out_by_itself(
    direct: tuple[FacebookAdapter, AccountContext], server: FakeFacebook, clock: FakeClock, tmp_path: Path
) -> None:
    adapter, ctx = direct
    from outpost.domain.models import MediaAsset

    clip = media_fixtures.video(tmp_path / "r.mp4", 270, 480, seconds=3.2)
    asset = MediaAsset(
        id="med_r", path=str(clip), mime_type="video/mp4", size=clip.stat().st_size, kind="video"
    )
    uploaded = await adapter.upload_media(ctx, asset)
    part = PartRequest(
        index=0, text="Reel later", media=(uploaded,), options={"content_type": "reel"}, idempotency_key="r"
    )
    scheduled = await adapter.schedule_on_network(ctx, part, clock.now() + timedelta(hours=3))
    assert await adapter.confirm_on_network(ctx, scheduled) is None
    clock.advance(timedelta(hours=3))
    confirmed = await adapter.confirm_on_network(ctx, scheduled)
    assert confirmed is not None and confirmed.platform_post_id == scheduled.platform_post_id
    assert confirmed.permalink == f"https://www.facebook.com/2001/videos/{scheduled.platform_post_id}/"
    assert [p.kind for p in server.published()] == ["reel"]


async def test_a_scheduled_page_post_is_handed_to_facebook_through_the_engine_and_confirmed(
    engine: Engine, page: Account, server: FakeFacebook, clock: FakeClock
) -> None:
    at = (clock.now() + timedelta(hours=2)).isoformat()
    post = await engine.posts.create(
        PostInput(text="Doors open at eight", accounts=(page.id,)), When.scheduled(at)
    )
    assert post.targets[0].status is TargetStatus.SCHEDULED_ON_NETWORK and server.published() == []
    await engine.start()
    clock.advance(timedelta(hours=2, seconds=1))
    await until(lambda: _published(engine, post.id), timeout=10)
    done = await engine.posts.get(post.id)
    [made] = server.published()
    assert done.targets[0].platform_post_id == made.id and done.targets[0].permalink


async def _published(engine: Engine, post_id: str) -> bool:
    return (await engine.posts.get(post_id)).status is PostStatus.PUBLISHED
