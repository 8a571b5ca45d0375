"""Threads and Facebook Pages after publishing (issue #24), through the engine against the strict fakes.

Threads deletes each part of a thread (last first, with `threads_delete`) and edits by deleting and
publishing once more; a Facebook Page post's words are edited in place, then it is deleted.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from outpost.adapters.base import AddAccountRequest
from outpost.adapters.facebook import FacebookAdapter
from outpost.adapters.registry import AdapterRegistry
from outpost.adapters.threads import ThreadsAdapter
from outpost.domain.enums import Network, PostStatus
from outpost.engine import Engine, PostChanges, PostInput, When
from tests.contract.fake_facebook import FakeFacebook
from tests.contract.fake_threads import ALL_SCOPES, CLIENT_ID, CLIENT_SECRET, REDIRECT, FakeThreads
from tests.fakes import FakeClock, MemorySecretStore
from tests.support.loopback import LoopbackServer

pytestmark = pytest.mark.asyncio
PAGE = "2001"


class Meta:
    def __init__(self, clock: FakeClock) -> None:
        self.threads = FakeThreads(now=lambda: clock.now().timestamp())
        self.facebook = FakeFacebook(now=lambda: clock.now().timestamp())

    def handle(self, request):  # type: ignore[no-untyped-def]
        if request.url.host == "graph.threads.net":
            return self.threads.handle(request)
        return self.facebook.handle(request)


@pytest.fixture
def meta(clock: FakeClock) -> Iterator[Meta]:
    fakes = Meta(clock)
    yield fakes
    fakes.threads.fetch_client.close()


@pytest_asyncio.fixture
async def engine(
    tmp_path: Path, meta: Meta, clock: FakeClock, secrets: MemorySecretStore
) -> AsyncIterator[Engine]:
    registry = AdapterRegistry(
        {Network.THREADS: functools.partial(ThreadsAdapter, poll_s=0.001), Network.FACEBOOK: FacebookAdapter}
    )
    with LoopbackServer(meta.handle) as running:
        eng = Engine.open(
            tmp_path / "data", registry=registry, secrets=secrets, clock=clock, transport=running.transport(),
            media_in_process=True,
        )  # fmt: skip
        await eng.accounts.set_app(Network.THREADS, CLIENT_ID, CLIENT_SECRET, redirect_url=REDIRECT)
        yield eng
        await eng.close()
    assert running.errors == [], running.errors


async def test_a_threads_thread_is_deleted_part_by_part_and_an_edit_posts_it_again_once(
    engine: Engine, meta: Meta
) -> None:
    account = await engine.accounts.add(
        Network.THREADS, AddAccountRequest(access_token=meta.threads.issue(scopes=ALL_SCOPES))
    )
    post = await engine.posts.create(
        PostInput(text="Dye day one", thread=("and two",), accounts=(account.id,)), When.now()
    )
    assert post.status is PostStatus.PUBLISHED
    old = [p.platform_post_id for p in post.targets[0].parts]
    [plan] = await engine.networks.preview_edit(post.id)
    assert plan.action == "repost" and "cannot edit" in plan.message
    publishes = lambda: [r for r in meta.threads.requests if r.url.path.endswith("threads_publish")]  # noqa: E731
    assert len(publishes()) == 2

    work = await engine.networks.edit_published(post.id, PostChanges(text="Dye day 1"), repost=True)

    assert [r.outcome for r in work.results] == ["reposted"], work.results
    assert meta.threads.deleted == list(reversed(old)) and len(publishes()) == 4  # the two parts, once
    assert [p.text for p in meta.threads.posts] == ["Dye day 1", "and two"]
    assert work.post.targets[0].platform_post_id not in old

    gone = await engine.networks.delete_everywhere(post.id)

    assert [r.outcome for r in gone.results] == ["deleted"] and meta.threads.posts == []


async def test_a_threads_sign_in_without_threads_delete_is_told_what_to_do(
    engine: Engine, meta: Meta
) -> None:
    scopes = tuple(s for s in ALL_SCOPES if s != "threads_delete")
    account = await engine.accounts.add(
        Network.THREADS, AddAccountRequest(access_token=meta.threads.issue(scopes=scopes))
    )
    post = await engine.posts.create(PostInput(text="Dye day", accounts=(account.id,)), When.now())
    [result] = (await engine.networks.delete_everywhere(post.id)).results
    assert result.outcome == "failed" and "#10" in result.message and len(meta.threads.posts) == 1


async def test_a_facebook_page_post_is_edited_in_place_then_deleted(engine: Engine, meta: Meta) -> None:
    page = await engine.accounts.add(
        Network.FACEBOOK, AddAccountRequest(access_token=meta.facebook.page_token(PAGE), target_id=PAGE)
    )
    post = await engine.posts.create(
        PostInput(text="Open studio on Saterday", accounts=(page.id,)), When.now()
    )
    [fb_post] = meta.facebook.posts
    assert [p.action for p in await engine.networks.preview_edit(post.id)] == ["in_place"]

    edited = await engine.networks.edit_published(post.id, PostChanges(text="Open studio on Saturday"))

    assert [r.outcome for r in edited.results] == ["edited"] and fb_post.message == "Open studio on Saturday"
    assert meta.facebook.edits == [fb_post.id] and edited.post.targets[0].platform_post_id == fb_post.id
    gone = await engine.networks.delete_everywhere(post.id)
    assert [r.outcome for r in gone.results] == ["deleted"] and meta.facebook.posts == []


async def test_a_repost_whose_answer_is_lost_still_goes_out_once(engine: Engine, meta: Meta) -> None:
    """Reposting publishes through the publisher, with its care: an answer lost is not a second post."""
    account = await engine.accounts.add(Network.THREADS, AddAccountRequest(access_token=meta.threads.issue()))
    post = await engine.posts.create(PostInput(text="Dye day", accounts=(account.id,)), When.now())
    meta.threads.publish_then_fail.append(0)  # the new post goes up, its answer is lost

    work = await engine.networks.edit_published(post.id, PostChanges(text="Dye day!"), repost=True)

    assert [p.text for p in meta.threads.posts] == ["Dye day!"], work.results  # once, never twice
    [result] = work.results
    # Threads' container checkpoint finds the post the lost answer made: published, once.
    assert result.outcome == "reposted" and work.post.targets[0].platform_post_id == meta.threads.posts[0].id
