"""The first comment (issue #22) through the real engine, against the strict Mastodon and Bluesky fakes.

What a creator notices: the comment appears right after the post, as their own reply (under the
thread's last part); when it cannot be posted the post stays published and the comment alone is
reported; a restart between the post and its comment never posts either of them twice.
"""

from __future__ import annotations

import functools
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from outpost.adapters.base import AddAccountRequest
from outpost.adapters.bluesky import BlueskyAdapter
from outpost.adapters.mastodon import MastodonAdapter
from outpost.adapters.registry import AdapterRegistry
from outpost.cli.render import post_json
from outpost.domain.enums import Network, PostStatus, TargetStatus
from outpost.domain.errors import InvalidStateError, ValidationError
from outpost.domain.models import Account, FirstCommentResult
from outpost.engine import Engine, PostChanges, PostInput, When
from outpost.engine.first_comment import COMMENT_TRIES
from tests.contract.fake_bluesky import PDS, FakePds
from tests.contract.fake_bluesky_video import FakeBluesky, FakeVideoService
from tests.contract.fake_mastodon import BASE, FakeMastodon
from tests.fakes import FakeClock, MemorySecretStore
from tests.support.loopback import served

pytestmark = pytest.mark.asyncio


class _MastodonWithoutKeys(MastodonAdapter):
    """Mastodon as a server that ignores `Idempotency-Key` would be (GoToSocial-like): a lost
    answer then cannot be re-sent safely."""

    idempotent_publish = False


@pytest.fixture
def mastodon(clock: FakeClock) -> FakeMastodon:
    server = FakeMastodon()
    server.now = clock.now
    return server


@pytest.fixture
def pds(clock: FakeClock) -> FakePds:
    return FakePds(now=clock.now)


@pytest_asyncio.fixture
async def served_networks(mastodon: FakeMastodon, pds: FakePds) -> AsyncIterator[httpx.AsyncBaseTransport]:
    bluesky = FakeBluesky(pds, FakeVideoService(pds))

    def handle(request: httpx.Request) -> httpx.Response:
        if request.url.host == httpx.URL(BASE).host:
            return mastodon.handle(request)
        return bluesky.handle_request(request)

    with served(handle) as transport:
        yield transport


def _open(
    tmp_path: Path,
    transport: httpx.AsyncBaseTransport,
    clock: FakeClock,
    secrets: MemorySecretStore,
    *,
    keys: bool = True,
) -> Engine:
    registry = AdapterRegistry(
        {
            Network.MASTODON: functools.partial(
                MastodonAdapter if keys else _MastodonWithoutKeys, media_poll_s=0.001
            ),
            Network.BLUESKY: functools.partial(BlueskyAdapter, fetch_cards=False),
        }
    )
    return Engine.open(
        tmp_path / "data", registry=registry, secrets=secrets, clock=clock, transport=transport
    )


@pytest_asyncio.fixture
async def engine(
    tmp_path: Path, served_networks: httpx.AsyncBaseTransport, clock: FakeClock, secrets: MemorySecretStore
) -> AsyncIterator[Engine]:
    eng = _open(tmp_path, served_networks, clock, secrets)
    yield eng
    await eng.close()


@pytest_asyncio.fixture
async def alice(engine: Engine) -> Account:
    return await engine.accounts.add(
        Network.MASTODON, AddAccountRequest(service_url=BASE, access_token="token-alice")
    )


@pytest_asyncio.fixture
async def sky(engine: Engine, pds: FakePds) -> Account:
    return await engine.accounts.add(
        Network.BLUESKY,
        AddAccountRequest(handle="@alice.example", app_password=pds.app_password, service_url=PDS),
    )


# -- Mastodon -----------------------------------------------------------------------------------------


async def test_mastodon_comment_is_the_authors_reply_with_the_posts_visibility(
    engine: Engine, alice: Account, mastodon: FakeMastodon
) -> None:
    post = await engine.posts.create(
        PostInput(
            text="New video is out",
            accounts=(alice.id,),
            options=(("mastodon", "visibility", "unlisted"),),
            first_comment="Link: https://example.com/v",
        ),
        When.now(),
    )
    assert post.status is PostStatus.PUBLISHED
    status, comment = mastodon.statuses
    assert (comment.text, comment.in_reply_to_id, comment.visibility) == (
        "Link: https://example.com/v",
        status.id,
        "unlisted",
    )
    target = post_json(post)["targets"][0]
    assert target["first_comment_id"] == comment.id
    assert (target["first_comment_status"], target["first_comment_error"]) == ("posted", None)
    assert post_json(post)["first_comment"] == "Link: https://example.com/v"


async def test_mastodon_comment_goes_under_the_last_part_of_a_thread(
    engine: Engine, alice: Account, mastodon: FakeMastodon
) -> None:
    await engine.posts.create(
        PostInput(text="1/ start", thread=("2/ end",), accounts=(alice.id,), first_comment="Sources below"),
        When.now(),
    )
    first, second, comment = mastodon.statuses
    assert second.in_reply_to_id == first.id
    assert comment.in_reply_to_id == second.id  # reads as the thread's end


async def test_a_transient_comment_failure_is_retried_without_posting_the_post_again(
    engine: Engine, alice: Account, mastodon: FakeMastodon, clock: FakeClock
) -> None:
    unavailable = lambda: httpx.Response(503, json={"error": "unavailable"})  # noqa: E731
    mastodon.fail("GET /api/v1/statuses/:id", unavailable, unavailable)
    post = await engine.posts.create(
        PostInput(text="hello", accounts=(alice.id,), first_comment="c"), When.now()
    )
    assert [s.text for s in mastodon.statuses] == ["hello", "c"]
    state = post.targets[0].first_comment
    assert state is not None and (state.status, state.attempts) == ("posted", 3)
    assert len(clock.sleeps) >= 2  # the publisher's backoff between tries


async def test_a_comment_that_keeps_failing_leaves_the_post_published_and_reports_the_comment(
    engine: Engine, alice: Account, mastodon: FakeMastodon
) -> None:
    mastodon.fail(
        "GET /api/v1/statuses/:id", *[lambda: httpx.Response(503, json={"error": "down"})] * COMMENT_TRIES
    )
    post = await engine.posts.create(
        PostInput(text="hello", accounts=(alice.id,), first_comment="c"), When.now()
    )
    assert post.status is PostStatus.PUBLISHED
    target = post.targets[0]
    assert target.status is TargetStatus.PUBLISHED and target.error is None
    assert [s.text for s in mastodon.statuses] == ["hello"]  # the post once, no comment
    shown = post_json(post)["targets"][0]
    assert shown["first_comment_id"] is None and shown["first_comment_status"] == "failed"
    assert "only its first comment is missing" in shown["first_comment_error"]["message"]


async def test_post_retry_sends_only_the_failed_comment_again(
    engine: Engine, alice: Account, mastodon: FakeMastodon
) -> None:
    mastodon.fail("GET /api/v1/statuses/:id", lambda: httpx.Response(404, json={"error": "Record not found"}))
    post = await engine.posts.create(
        PostInput(text="hello", accounts=(alice.id,), first_comment="c"), When.now()
    )
    assert post.targets[0].first_comment is not None and post.targets[0].first_comment.status == "failed"
    again = await engine.posts.retry(post.id)
    assert again.status is PostStatus.PUBLISHED
    state = again.targets[0].first_comment
    assert state is not None and state.status == "posted" and state.attempts == 2
    assert [s.text for s in mastodon.statuses] == ["hello", "c"]  # the post once, the comment once
    with pytest.raises(InvalidStateError, match="no failed first comment"):
        await engine.posts.retry(post.id)


async def test_a_refused_comment_is_reported_at_once(
    engine: Engine, alice: Account, mastodon: FakeMastodon
) -> None:
    mastodon.fail("GET /api/v1/statuses/:id", lambda: httpx.Response(404, json={"error": "Record not found"}))
    post = await engine.posts.create(
        PostInput(text="hello", accounts=(alice.id,), first_comment="c"), When.now()
    )
    state = post.targets[0].first_comment
    assert post.status is PostStatus.PUBLISHED
    assert state is not None and (state.status, state.attempts) == ("failed", 1)


async def test_a_comment_longer_than_the_network_takes_is_refused_before_anything_is_sent(
    engine: Engine, alice: Account, mastodon: FakeMastodon
) -> None:
    with pytest.raises(ValidationError) as caught:
        await engine.posts.create(
            PostInput(text="hello", accounts=(alice.id,), first_comment="x" * 501), When.now()
        )
    (problem,) = caught.value.problems
    assert (problem.field, problem.network, problem.limit, problem.actual) == (
        "--first-comment",
        "mastodon",
        500,
        501,
    )
    assert mastodon.statuses == []


async def _stopped_between_post_and_comment(engine: Engine, alice: Account, mastodon: FakeMastodon) -> str:
    """A post whose status went out and whose comment was on the wire when Outpost died."""
    post = await engine.posts.create(PostInput(text="hello", accounts=(alice.id,), first_comment="c"))
    await engine.posts.publish(post.id)  # publishes post + comment; then rewind to the crash
    done = await engine.posts.get(post.id)
    target = done.targets[0]
    posted = target.first_comment
    assert posted is not None and posted.part is not None
    # The moment before the comment's answer arrived: the status exists, the comment too (the
    # server stored it), the target still says publishing with its comment `sending`.
    crashed = target.model_copy(
        update={
            "status": TargetStatus.PUBLISHING,
            "claimed_by": "dead-engine",
            "first_comment": FirstCommentResult(status="sending", attempts=1),
        }
    )
    store = engine._core.store  # the crashed state, written as a dead process left it
    store.posts.save_target(post.id, crashed, now=done.updated_at)
    store.posts.set_status(post.id, PostStatus.PUBLISHING, now=done.updated_at)
    return post.id


async def test_a_restart_after_the_comment_was_sent_does_not_comment_twice_where_keys_dedupe(
    tmp_path: Path,
    served_networks: httpx.AsyncBaseTransport,
    clock: FakeClock,
    secrets: MemorySecretStore,
    mastodon: FakeMastodon,
) -> None:
    engine = _open(tmp_path, served_networks, clock, secrets)
    alice = await engine.accounts.add(
        Network.MASTODON, AddAccountRequest(service_url=BASE, access_token="token-alice")
    )
    post_id = await _stopped_between_post_and_comment(engine, alice, mastodon)
    await engine.close()
    again = _open(tmp_path, served_networks, clock, secrets)
    try:
        await again.start()
        await again.wait_idle()
        post = await again.posts.get(post_id)
    finally:
        await again.close()
    assert [s.text for s in mastodon.statuses] == [
        "hello",
        "c",
    ]  # same key: Mastodon answered the same status
    state = post.targets[0].first_comment
    assert post.status is PostStatus.PUBLISHED and state is not None and state.status == "posted"


async def test_a_restart_after_the_comment_was_sent_leaves_it_unknown_where_nothing_dedupes(
    tmp_path: Path,
    served_networks: httpx.AsyncBaseTransport,
    clock: FakeClock,
    secrets: MemorySecretStore,
    mastodon: FakeMastodon,
) -> None:
    engine = _open(tmp_path, served_networks, clock, secrets, keys=False)
    alice = await engine.accounts.add(
        Network.MASTODON, AddAccountRequest(service_url=BASE, access_token="token-alice")
    )
    post_id = await _stopped_between_post_and_comment(engine, alice, mastodon)
    await engine.close()
    again = _open(tmp_path, served_networks, clock, secrets, keys=False)
    try:
        await again.start()
        await again.wait_idle()
        post = await again.posts.get(post_id)
    finally:
        await again.close()
    assert [s.text for s in mastodon.statuses] == ["hello", "c"]  # neither sent again
    target = post.targets[0]
    assert post.status is PostStatus.PUBLISHED and target.status is TargetStatus.PUBLISHED
    assert target.first_comment is not None and target.first_comment.status == "unknown"


# -- Bluesky ------------------------------------------------------------------------------------------


async def test_bluesky_comment_replies_to_the_last_part_with_the_threads_root(
    engine: Engine, sky: Account, pds: FakePds
) -> None:
    post = await engine.posts.create(
        PostInput(
            text="1/ a thread", thread=("2/ its end",), accounts=(sky.id,), first_comment="Thanks for reading"
        ),
        When.now(),
    )
    first, second = post.targets[0].parts
    state = post.targets[0].first_comment
    assert state is not None and state.status == "posted" and state.part is not None
    comment = pds.records[state.part.platform_post_id.rsplit("/", 1)[1]]["value"]
    assert comment["text"] == "Thanks for reading"
    assert comment["reply"]["root"] == {"uri": first.platform_post_id, "cid": first.extra["cid"]}
    assert comment["reply"]["parent"] == {"uri": second.platform_post_id, "cid": second.extra["cid"]}
    assert len(pds.records) == 3


async def test_bluesky_comment_on_a_single_post_has_it_as_root_and_parent(
    engine: Engine, sky: Account, pds: FakePds
) -> None:
    post = await engine.posts.create(
        PostInput(text="solo", accounts=(sky.id,), first_comment="c"), When.now()
    )
    (part,) = post.targets[0].parts
    state = post.targets[0].first_comment
    assert state is not None and state.part is not None
    reply = pds.records[state.part.platform_post_id.rsplit("/", 1)[1]]["value"]["reply"]
    assert reply["root"] == reply["parent"] == {"uri": part.platform_post_id, "cid": part.extra["cid"]}


async def test_bluesky_comment_failure_leaves_the_post_published(
    engine: Engine, sky: Account, pds: FakePds
) -> None:
    post = await engine.posts.create(PostInput(text="solo", accounts=(sky.id,)))
    await engine.posts.edit(post.id, PostChanges(first_comment="c"))  # added by an edit
    bad = httpx.Response(
        400, json={"error": "InvalidRequest", "message": "Invalid app.bsky.feed.post record"}
    )
    # The post's create succeeds; the comment's create is refused.
    original = pds.com_atproto_repo_createRecord
    calls = []

    def second_refused(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return bad if len(calls) == 2 else original(request)

    pds.com_atproto_repo_createRecord = second_refused  # type: ignore[method-assign]
    done = await engine.posts.publish(post.id)
    assert done.status is PostStatus.PUBLISHED and len(pds.records) == 1
    state = done.targets[0].first_comment
    assert state is not None and state.status == "failed"
    assert json.dumps(post_json(done))  # the JSON stays serialisable with the comment's error
