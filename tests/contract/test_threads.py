"""The Threads adapter through the engine, against a strict fake Threads served over loopback.

Media go through a real loopback media host (tests/support/media_host.py) that the fake really
downloads from; every test that attaches a file ends with the host empty.
"""

from __future__ import annotations

import asyncio
import functools
import json
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from outpost.adapters.base import AccountContext, AddAccountRequest, HostedFile, Progress
from outpost.adapters.registry import AdapterRegistry
from outpost.adapters.threads import ThreadsAdapter
from outpost.auth.oauth import AuthorizationError
from outpost.auth.secrets import SecretVault
from outpost.domain.enums import ErrorCode, HealthState, Network, PostStatus
from outpost.domain.errors import ValidationError
from outpost.domain.models import Account, MediaAsset
from outpost.engine import Engine, MediaInput, PostInput, When
from tests import media_fixtures
from tests.contract.fake_threads import (
    API,
    CLIENT_ID,
    CLIENT_SECRET,
    DAY,
    REDIRECT,
    FakeThreads,
    graph_error,
)
from tests.fakes import FakeClock, MemorySecretStore
from tests.support.loopback import LoopbackServer
from tests.support.media_host import LoopbackMediaHost, loopback_media_host

pytestmark = pytest.mark.asyncio
OpenUrl = Callable[[str], Awaitable[None]]
AskPasted = Callable[[str], Awaitable[str]]


@pytest.fixture
def server(clock: FakeClock) -> Iterator[FakeThreads]:
    fake = FakeThreads(now=lambda: clock.now().timestamp())  # Threads and Outpost share one time
    yield fake
    fake.fetch_client.close()


@pytest.fixture
def loopback(server: FakeThreads) -> Iterator[LoopbackServer]:
    with LoopbackServer(server.handle) as running:
        yield running
    assert running.errors == [], running.errors


@pytest.fixture
def host(clock: FakeClock) -> Iterator[LoopbackMediaHost]:
    with loopback_media_host(clock.now) as running:
        yield running
    assert running.objects == {}, "a file was left on the media host"


async def _engine(
    tmp_path: Path, loopback: LoopbackServer, clock: FakeClock, secrets: MemorySecretStore, host: object
) -> Engine:
    registry = AdapterRegistry({Network.THREADS: functools.partial(ThreadsAdapter, poll_s=0.001)})
    engine = Engine.open(
        tmp_path / "data",
        registry=registry,
        secrets=secrets,
        clock=clock,
        transport=loopback.transport(),
        media_host=host,  # type: ignore[arg-type]
        media_in_process=True,  # no worker process to start: these tests are about Threads
    )
    await engine.accounts.set_app(Network.THREADS, CLIENT_ID, CLIENT_SECRET, redirect_url=REDIRECT)
    return engine


@pytest_asyncio.fixture
async def engine(
    tmp_path: Path,
    loopback: LoopbackServer,
    clock: FakeClock,
    secrets: MemorySecretStore,
    host: LoopbackMediaHost,
) -> AsyncIterator[Engine]:
    eng = await _engine(tmp_path, loopback, clock, secrets, host)
    yield eng
    await eng.close()


def browser(loopback: LoopbackServer, *, tamper: bool = False) -> tuple[OpenUrl, AskPasted, list[str]]:
    """A person on Threads' consent page: allows, lands on the https page, copies its address."""
    landed: list[str] = []

    async def open_url(url: str) -> None:
        async with httpx.AsyncClient(transport=loopback.transport()) as web:
            consent = await web.get(url)
        assert consent.status_code == 302, consent.text
        landed.append(consent.headers["location"])

    async def ask_pasted(prompt: str) -> str:
        assert REDIRECT in prompt  # the person is told where the browser ends
        address = landed[-1]
        return address.replace("state=", "state=forged") if tamper else address

    return open_url, ask_pasted, landed


@pytest_asyncio.fixture
async def alice(engine: Engine, loopback: LoopbackServer) -> Account:
    open_url, ask_pasted, _ = browser(loopback)
    return await engine.accounts.connect(Network.THREADS, open_url=open_url, ask_pasted=ask_pasted)


def text(words: str, *accounts: str, **more: object) -> PostInput:
    return PostInput(text=words, accounts=accounts, **more)  # type: ignore[arg-type]


# -- signing in ------------------------------------------------------------------------------


async def test_signing_in_by_pasting_the_address_gives_a_60_day_token_and_no_secret_per_account(
    engine: Engine, alice: Account, server: FakeThreads, secrets: MemorySecretStore, clock: FakeClock
) -> None:
    assert (alice.handle, alice.display_name, alice.target_id) == (
        "alice.makes",
        "Alice Example",
        server.user_id(),
    )
    assert alice.avatar_url == "https://scontent.cdninstagram.com/alice.jpg"
    health = alice.health
    assert health.state is HealthState.OK and health.message is None
    assert health.sign_in_ends_at is not None
    assert abs(health.sign_in_ends_at - (clock.now() + timedelta(days=60))) < timedelta(hours=1)
    assert health.quota is not None and (health.quota.used, health.quota.limit) == (0, 250)
    kept = secrets.secrets[alice.secret_ref]
    assert server.tokens[kept["access_token"]].long_lived  # the short-lived one was traded
    assert "client_secret" not in kept and CLIENT_SECRET not in str(kept)
    exchange = next(r for r in server.requests if r.url.path == "/oauth/access_token")
    assert f"client_secret={CLIENT_SECRET}".encode() in exchange.content
    assert f"redirect_uri={REDIRECT}".replace(":", "%3A").replace("/", "%2F").encode() in exchange.content


async def test_an_address_from_another_sign_in_is_refused_and_nothing_is_saved(
    engine: Engine, loopback: LoopbackServer, server: FakeThreads
) -> None:
    open_url, ask_pasted, _ = browser(loopback, tamper=True)
    with pytest.raises(AuthorizationError, match="state mismatch"):
        await engine.accounts.connect(Network.THREADS, open_url=open_url, ask_pasted=ask_pasted)
    assert await engine.accounts.list() == []
    assert not any(r.url.path == "/oauth/access_token" for r in server.requests)


async def test_without_the_redirect_address_connect_says_how_to_give_it(
    engine: Engine, loopback: LoopbackServer
) -> None:
    await engine.accounts.set_app(Network.THREADS, CLIENT_ID, CLIENT_SECRET)
    open_url, ask_pasted, landed = browser(loopback)
    with pytest.raises(ValidationError, match="--redirect-url https://") as caught:
        await engine.accounts.connect(Network.THREADS, open_url=open_url, ask_pasted=ask_pasted)
    assert caught.value.problems[0].field == "redirect_url" and landed == []


async def test_a_token_is_renewed_once_a_month_old_and_never_when_too_young(
    engine: Engine, alice: Account, server: FakeThreads, secrets: MemorySecretStore, clock: FakeClock
) -> None:
    first = secrets.secrets[alice.secret_ref]["access_token"]
    clock.advance(timedelta(days=10))
    await engine.accounts.check(alice.id)
    assert secrets.secrets[alice.secret_ref]["access_token"] == first  # 50 days left: not yet
    clock.advance(timedelta(days=21))
    [checked] = await engine.accounts.check(alice.id)
    renewed = secrets.secrets[alice.secret_ref]["access_token"]
    assert renewed != first and server.tokens[renewed].long_lived
    assert checked.health.sign_in_ends_at is not None
    assert abs(checked.health.sign_in_ends_at - (clock.now() + timedelta(days=60))) < timedelta(hours=1)
    post = await engine.posts.create(text("Still here", alice.id), When.now())
    assert post.status is PostStatus.PUBLISHED
    refreshes = [r for r in server.requests if r.url.path == "/refresh_access_token"]
    assert len(refreshes) == 1


async def test_a_hand_made_token_learns_its_end_at_the_first_renewal_a_day_later(
    engine: Engine, server: FakeThreads, secrets: MemorySecretStore, clock: FakeClock
) -> None:
    token = server.issue(age_s=0)
    account = await engine.accounts.add(Network.THREADS, AddAccountRequest(access_token=token))
    assert account.health.sign_in_ends_at is None
    for _ in range(2):  # its age is unknown: asked once, refused (too young), not asked again today
        [checked] = await engine.accounts.check(account.id)
        assert checked.health.state is HealthState.OK
    assert len([r for r in server.requests if r.url.path == "/refresh_access_token"]) == 1
    assert secrets.secrets[account.secret_ref]["access_token"] == token
    clock.advance(timedelta(days=2))
    [checked] = await engine.accounts.check(account.id)
    assert secrets.secrets[account.secret_ref]["access_token"] != token
    assert checked.health.sign_in_ends_at is not None and checked.health.state is HealthState.OK


async def test_a_token_threads_expired_breaks_the_account_and_fails_the_post_with_auth_expired(
    engine: Engine, server: FakeThreads, clock: FakeClock, secrets: MemorySecretStore
) -> None:
    token = server.issue()
    account = await engine.accounts.add(
        Network.THREADS, AddAccountRequest(access_token=token, expires_at=clock.now() + timedelta(days=59))
    )
    server.tokens[token].expires_at = clock.now().timestamp() - 1  # revoked or expired on Threads' side
    post = await engine.posts.create(text("Hello?", account.id), When.now())
    error = post.targets[0].error
    assert post.status is PostStatus.FAILED and error is not None and error.code is ErrorCode.AUTH_EXPIRED
    assert "sign-in expired" in error.message and "code 190/463" in error.message
    assert "Reconnect" in error.message
    assert (await engine.accounts.get(account.id)).health.state is HealthState.BROKEN
    assert server.posts == [] and token not in error.message


async def test_a_bad_token_is_refused_when_added(engine: Engine) -> None:
    with pytest.raises(ValidationError, match="Threads refused the credentials") as caught:
        await engine.accounts.add(Network.THREADS, AddAccountRequest(access_token="THAAnot-a-token"))
    assert "190" in str(caught.value)


async def test_without_the_publishing_permission_the_card_names_it(
    engine: Engine, server: FakeThreads
) -> None:
    token = server.issue(scopes=("threads_basic",))
    account = await engine.accounts.add(Network.THREADS, AddAccountRequest(access_token=token))
    assert account.health.state is HealthState.DEGRADED
    assert account.health.missing_permissions == ("threads_content_publish",)
    assert account.health.message is not None and "threads_content_publish" in account.health.message


# -- text and threads ------------------------------------------------------------------------


async def test_a_thread_is_a_reply_chain_with_reply_control_and_the_topic_on_its_first_post(
    engine: Engine, alice: Account, server: FakeThreads
) -> None:
    server.text_polls = 3  # Threads takes a while: Outpost must wait for FINISHED every time
    post = await engine.posts.create(
        text(
            "Part one 🧵",
            alice.id,
            thread=("Part two", "Part three"),
            options=(
                ("threads", "reply_control", "accounts_you_follow"),
                ("threads", "topic_tag", "Weaving"),
            ),
        ),
        When.now(),
    )
    target = post.targets[0]
    assert post.status is PostStatus.PUBLISHED, target.error
    first, second, third = server.posts
    assert (second.reply_to, third.reply_to) == (first.id, second.id)
    assert {p.reply_control for p in server.posts} == {"accounts_you_follow"}
    assert (first.topic_tag, second.topic_tag) == ("Weaving", None)
    assert target.platform_post_id == first.id and target.thread_post_ids == [second.id, third.id]
    assert target.permalink == f"https://www.threads.net/@alice.makes/post/{first.shortcode}"
    assert server.early_publishes == 0
    quota_reads = [r for r in server.requests if r.url.path.endswith("/threads_publishing_limit")]
    assert len(quota_reads) == 2  # once when connecting, once before the post (replies have their own)


async def test_length_counts_emoji_as_utf8_bytes_and_links_are_capped_at_five_before_sending(
    engine: Engine, alice: Account, server: FakeThreads
) -> None:
    with pytest.raises(ValidationError) as caught:
        await engine.posts.create(text("x" * 497 + "👍", alice.id), When.now())
    [problem] = caught.value.problems
    assert (problem.field, problem.limit, problem.actual, problem.network) == ("text", 500, 501, "threads")
    links = " ".join(f"https://site{n}.example.com" for n in range(6))
    with pytest.raises(ValidationError) as caught:
        await engine.posts.create(text("ok", alice.id, thread=(links,)), When.now())
    [problem] = caught.value.problems
    assert (problem.field, problem.rule, problem.limit, problem.actual) == ("thread[1]", "max_links", 5, 6)
    with pytest.raises(ValidationError, match="topic_tag"):
        await engine.posts.create(
            text("ok", alice.id, options=(("threads", "topic_tag", "a.b"),)), When.now()
        )
    assert server.containers == {}  # nothing was sent
    fits = await engine.posts.create(text("x" * 496 + "👍", alice.id), When.now())
    assert fits.status is PostStatus.PUBLISHED and server.posts[0].text.endswith("👍")


async def test_the_fake_refuses_what_threads_refuses(server: FakeThreads, loopback: LoopbackServer) -> None:
    """The fake is as strict as Threads: too long, too many links, publishing before FINISHED."""
    token = server.issue()
    user = server.user_id()
    async with httpx.AsyncClient(
        transport=loopback.transport(), headers={"Authorization": f"Bearer {token}"}
    ) as api:
        long = await api.post(f"{API}/v1.0/{user}/threads", data={"media_type": "TEXT", "text": "😀" * 126})
        assert long.status_code == 400 and "at most 500 characters" in long.text
        links = " ".join(f"https://a{n}.com" for n in range(6))
        many = await api.post(f"{API}/v1.0/{user}/threads", data={"media_type": "TEXT", "text": links})
        assert "THREADS_API__LINK_LIMIT_EXCEEDED" in many.text
        made = await api.post(f"{API}/v1.0/{user}/threads", data={"media_type": "TEXT", "text": "hi"})
        early = await api.post(f"{API}/v1.0/{user}/threads_publish", data={"creation_id": made.json()["id"]})
        assert early.status_code == 400 and early.json()["error"]["code"] == 9007
    assert server.posts == [] and server.early_publishes == 1


# -- media -----------------------------------------------------------------------------------


async def test_an_image_is_fetched_from_the_media_host_with_its_alt_text_then_deleted(
    engine: Engine, alice: Account, server: FakeThreads, host: LoopbackMediaHost, tmp_path: Path
) -> None:
    photo = media_fixtures.image(tmp_path / "dye.jpg", 1200, 900)
    post = await engine.posts.create(
        text("Fresh indigo", alice.id, media=(MediaInput(str(photo), "Blue skeins drying"),)), When.now()
    )
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    [published] = server.posts
    assert (published.media_type, published.alt_texts, published.text) == (
        "IMAGE",
        ("Blue skeins drying",),
        "Fresh indigo",
    )
    assert len(server.fetched) == 1 and len(host.fetched) == 1 and host.deleted == host.fetched


async def test_a_carousel_mixes_images_and_a_video_and_leaves_nothing_on_the_host(
    engine: Engine, alice: Account, server: FakeThreads, host: LoopbackMediaHost, tmp_path: Path
) -> None:
    files = [
        MediaInput(str(media_fixtures.image(tmp_path / "a.jpg", 800, 800)), "first"),
        MediaInput(str(media_fixtures.image(tmp_path / "b.png", 640, 800)), "second"),
        MediaInput(str(media_fixtures.video(tmp_path / "c.mp4", 320, 240, seconds=1.0)), "a clip"),
    ]
    post = await engine.posts.create(text("Three views", alice.id, media=tuple(files)), When.now())
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    [carousel] = server.posts
    assert (carousel.media_type, carousel.children) == ("CAROUSEL_ALBUM", 3)
    assert carousel.alt_texts == ("first", "second", "a clip")
    assert len(host.fetched) == 3 and sorted(host.deleted) == sorted(host.fetched)
    assert server.early_publishes == 0


class Breaking:
    """A media host whose links do not work: deleted at once (404) or already expired (403)."""

    def __init__(self, inner: LoopbackMediaHost, how: str) -> None:
        self.inner, self.how = inner, how

    @property
    def configured(self) -> bool:
        return True

    async def put(self, asset: MediaAsset, progress: Progress | None = None) -> HostedFile:
        hosted = await self.inner.put(asset, progress)
        if self.how == "404":
            self.inner.objects.pop(hosted.key)
        else:
            self.inner.expiry[hosted.key] = self.inner._now() - timedelta(seconds=1)
        return hosted

    async def delete(self, hosted: HostedFile) -> None:
        await self.inner.delete(hosted)


@pytest.mark.parametrize(("how", "kind"), [("404", "image"), ("403", "video")])
async def test_a_file_threads_cannot_fetch_fails_in_plain_words(
    tmp_path: Path,
    loopback: LoopbackServer,
    clock: FakeClock,
    secrets: MemorySecretStore,
    host: LoopbackMediaHost,
    server: FakeThreads,
    how: str,
    kind: str,
) -> None:
    engine = await _engine(tmp_path, loopback, clock, secrets, Breaking(host, how))
    try:
        account = await engine.accounts.add(Network.THREADS, AddAccountRequest(access_token=server.issue()))
        path = (
            media_fixtures.image(tmp_path / "x.jpg", 800, 600)
            if kind == "image"
            else media_fixtures.video(tmp_path / "x.mp4", seconds=1.0)
        )
        post = await engine.posts.create(text("Look", account.id, media=(MediaInput(str(path)),)), When.now())
    finally:
        await engine.close()
    error = post.targets[0].error
    assert post.status is PostStatus.FAILED and error is not None and error.code is ErrorCode.MEDIA_REJECTED
    assert "could not" in error.message and "media host" in error.message
    assert server.posts == [] and server.refused_fetches and host.objects == {}


async def test_without_a_media_host_a_photo_is_refused_naming_media_host_and_text_still_goes(
    tmp_path: Path,
    loopback: LoopbackServer,
    clock: FakeClock,
    secrets: MemorySecretStore,
    server: FakeThreads,
) -> None:
    engine = await _engine(tmp_path, loopback, clock, secrets, None)
    try:
        account = await engine.accounts.add(Network.THREADS, AddAccountRequest(access_token=server.issue()))
        photo = media_fixtures.image(tmp_path / "p.jpg", 800, 600)
        with pytest.raises(ValidationError) as caught:
            await engine.posts.create(text("Photo", account.id, media=(MediaInput(str(photo)),)), When.now())
        [problem] = caught.value.problems
        assert problem.field == "media_host" and "outpost media-host set" in problem.message
        plain = await engine.posts.create(text("Just words", account.id), When.now())
        assert plain.status is PostStatus.PUBLISHED
    finally:
        await engine.close()


# -- limits and errors -----------------------------------------------------------------------


async def test_a_used_up_daily_quota_is_refused_before_anything_is_made_with_when_to_retry(
    engine: Engine, alice: Account, server: FakeThreads, clock: FakeClock
) -> None:
    server.quota_total = 2
    first = await engine.posts.create(text("one", alice.id), When.now())
    clock.advance(timedelta(hours=3))
    await engine.posts.create(text("two", alice.id), When.now())
    made = len(server.containers)
    third = await engine.posts.create(text("three", alice.id), When.now())
    error = third.targets[0].error
    assert third.status is PostStatus.FAILED and error is not None and error.code is ErrorCode.RATE_LIMITED
    assert error.retry_at == first.targets[0].published_at + timedelta(days=1)  # the oldest drops out
    assert "all 2 posts" in error.message and len(server.containers) == made
    [checked] = await engine.accounts.check(alice.id)
    assert checked.health.quota is not None and checked.health.quota.left == 0
    assert checked.health.message is not None and "All 2 posts" in checked.health.message


async def test_graph_rate_limits_say_when_to_retry(
    engine: Engine, alice: Account, server: FakeThreads, clock: FakeClock
) -> None:
    def limited() -> httpx.Response:
        answer = graph_error(400, 17, "(#17) User request limit reached")
        usage = {str(alice.target_id): [{"type": "threads", "estimated_time_to_regain_access": 42}]}
        answer.headers["x-business-use-case-usage"] = json.dumps(usage)
        return answer

    server.fail("POST /v1.0/{user}/threads", limited)
    post = await engine.posts.create(text("busy", alice.id), When.now())
    error = post.targets[0].error
    assert post.status is PostStatus.FAILED and error is not None and error.code is ErrorCode.RATE_LIMITED
    assert (
        error.retry_at == clock.now() + timedelta(minutes=42)
        and "this account made too many calls" in error.message
    )


async def test_a_blocked_action_is_told_plainly_and_not_retried(
    engine: Engine, alice: Account, server: FakeThreads
) -> None:
    server.fail(
        "POST /v1.0/{user}/threads",
        lambda: graph_error(
            400, 368, "The action attempted has been deemed abusive or is otherwise disallowed"
        ),
    )
    post = await engine.posts.create(text("hello", alice.id), When.now())
    error = post.targets[0].error
    assert post.status is PostStatus.FAILED and error is not None and post.targets[0].attempts == 1
    assert "blocked this action" in error.message and "code 368" in error.message


# -- never twice -----------------------------------------------------------------------------


@pytest.mark.parametrize("failure", [0, 500, 10], ids=["answer-lost", "http-500", "code-10"])
async def test_an_unclear_publish_answer_ends_published_once(
    engine: Engine, alice: Account, server: FakeThreads, failure: int
) -> None:
    server.publish_then_fail.append(failure)
    post = await engine.posts.create(
        text(f"Did it land? {failure}", alice.id, thread=("Part two",)), When.now()
    )
    target = post.targets[0]
    assert post.status is PostStatus.PUBLISHED, target.error
    assert server.texts() == [f"Did it land? {failure}", "Part two"]
    assert target.platform_post_id == server.posts[0].id and target.permalink is not None
    assert server.posts[1].reply_to == server.posts[0].id


async def test_a_lost_reply_answer_is_found_among_the_replies(
    engine: Engine, alice: Account, server: FakeThreads
) -> None:
    original = server.publish
    calls = []

    def second_lost(request: httpx.Request, grant: object, user: str) -> httpx.Response:
        calls.append(request)
        if len(calls) == 2:
            server.publish_then_fail.append(0)
        return original(request, grant, user)  # type: ignore[arg-type]

    server.publish = second_lost  # type: ignore[method-assign]
    post = await engine.posts.create(text("root", alice.id, thread=("the reply",)), When.now())
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    assert server.texts() == ["root", "the reply"]
    assert post.targets[0].thread_post_ids == [server.posts[1].id]
    assert any(r.url.path == "/v1.0/me/replies" for r in server.requests)


async def test_a_published_post_threads_does_not_list_yet_is_never_sent_again(
    engine: Engine, alice: Account, server: FakeThreads
) -> None:
    server.publish_then_fail.append(0)
    for _ in range(100):  # Threads keeps failing to list for the whole retry horizon
        server.fail("GET /v1.0/me/threads", lambda: graph_error(500, 2, "Service temporarily unavailable"))
    post = await engine.posts.create(text("Slow to show", alice.id), When.now())
    error = post.targets[0].error
    assert (
        post.status is PostStatus.FAILED
        and error is not None
        and "will not publish it again" in error.message
    )
    server.faults.clear()  # Threads lists it again
    retried = await engine.posts.retry(post.id)
    assert retried.status is PostStatus.PUBLISHED and server.texts() == ["Slow to show"]
    assert len(server.publishes()) == 1


async def test_an_expired_container_is_made_again_on_retry(
    engine: Engine, alice: Account, server: FakeThreads, clock: FakeClock
) -> None:
    server.fail(
        "POST /v1.0/{user}/threads_publish", lambda: graph_error(400, 100, "(#100) Invalid parameter")
    )
    post = await engine.posts.create(text("Tomorrow then", alice.id), When.now())
    assert post.status is PostStatus.FAILED
    clock.advance(timedelta(seconds=DAY + 60))
    retried = await engine.posts.retry(post.id)
    assert retried.status is PostStatus.PUBLISHED, retried.targets[0].error
    assert len(server.containers) == 2 and server.texts() == ["Tomorrow then"]


async def test_removing_the_account_says_where_to_remove_access_on_threads(
    engine: Engine, alice: Account
) -> None:
    removal = await engine.accounts.remove(alice.id)
    assert "Website permissions" in removal.network_access


async def test_find_published_looks_through_recent_threads_and_replies_by_text(
    engine: Engine,
    alice: Account,
    server: FakeThreads,
    secrets: MemorySecretStore,
    loopback: LoopbackServer,
    clock: FakeClock,
) -> None:
    """What `engine.posts.look_for_unknown` asks of the adapter (used when an outcome is unknown)."""
    since = clock.now() - timedelta(minutes=1)
    await engine.posts.create(text("Café  opens at nine", alice.id, thread=("Bring a mug",)), When.now())
    async with httpx.AsyncClient(transport=loopback.transport()) as client:
        adapter = ThreadsAdapter(client, clock=clock)
        ctx = AccountContext(alice, SecretVault(secrets), asyncio.Lock())
        root = await adapter.find_published(ctx, "Café opens at nine", since)  # spacing does not matter
        reply = await adapter.find_published(ctx, "Bring a mug", since)
        missing = await adapter.find_published(ctx, "Never written", since)
        later = await adapter.find_published(ctx, "Café opens at nine", clock.now() + timedelta(minutes=1))
    first, second = server.posts
    assert root is not None and root.platform_post_id == first.id and root.permalink is not None
    assert reply is not None and reply.platform_post_id == second.id
    assert missing is None and later is None
    assert ThreadsAdapter.can_find_posts and ThreadsAdapter.idempotent_publish
