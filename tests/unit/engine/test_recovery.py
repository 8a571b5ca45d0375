"""Restarting after a crash: nothing lost, nothing sent twice, uncertain outcomes flagged.

A crash is simulated by cancelling the publishing task at a chosen point (the same effect on the
store as the process dying there) and closing the engine, which releases its instance lock;
a new engine over the same data folder then starts.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from outpost.adapters.base import AddAccountRequest
from outpost.domain.enums import ErrorCode, Network, PostStatus, TargetStatus
from outpost.domain.models import Account
from outpost.engine import Engine, MediaInput, PostInput, When
from outpost.store import Store
from tests.conftest import until
from tests.fakes import FakeNetwork
from tests.media_fixtures import png_bytes

pytestmark = pytest.mark.asyncio


async def crash_while(engine: Engine, request: PostInput, reached) -> str:
    """Publish `request` now and 'kill' the engine once `reached()` is true; returns the post id."""
    task = asyncio.create_task(engine.posts.create(request, When.now()))
    await until(reached)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    post_id = (await engine.posts.list())[0].id
    await engine.close()
    return post_id


async def restart(make_engine) -> Engine:
    engine = make_engine()
    await engine.start()
    return engine


async def settled(engine: Engine, post_id: str) -> None:
    await until(lambda: _not_publishing(engine, post_id))


async def _not_publishing(engine: Engine, post_id: str) -> bool:
    return (await engine.posts.get(post_id)).status is not PostStatus.PUBLISHING


@pytest.mark.parametrize("idempotent", [False, True])
async def test_crash_after_the_network_stored_the_post_never_duplicates(
    make_engine, engine: Engine, alice: Account, remote: FakeNetwork, idempotent: bool
) -> None:
    remote.idempotent = idempotent
    remote.gate, remote.gate_after_store = asyncio.Event(), True
    post_id = await crash_while(
        engine, PostInput(text="hi", accounts=(alice.id,)), lambda: len(remote.posts) == 1
    )
    remote.gate = None
    again = await restart(make_engine)
    try:
        await settled(again, post_id)
        post = await again.posts.get(post_id)
        assert len(remote.posts) == 1
        if idempotent:  # re-sent with the same key; the network answered with the post it has
            assert post.status is PostStatus.PUBLISHED and post.targets[0].platform_post_id == "1"
        else:
            assert post.status is PostStatus.NEEDS_REVIEW
            assert post.targets[0].status is TargetStatus.UNKNOWN
            assert (
                post.targets[0].error is not None and post.targets[0].error.code is ErrorCode.UNKNOWN_OUTCOME
            )
    finally:
        await again.close()


async def test_crash_before_the_create_was_sent_is_resumed_and_published_once(
    make_engine, engine: Engine, alice: Account, remote: FakeNetwork, tmp_path: Path
) -> None:
    image = tmp_path / "a.png"
    image.write_bytes(png_bytes(2, 2))
    remote.upload_gate = asyncio.Event()
    request = PostInput(text="hi", accounts=(alice.id,), media=(MediaInput(str(image), "alt"),))
    post_id = await crash_while(engine, request, lambda: remote.upload_calls == 1)
    remote.upload_gate = None
    again = await restart(make_engine)
    try:
        await settled(again, post_id)
        assert (await again.posts.get(post_id)).status is PostStatus.PUBLISHED
        assert len(remote.posts) == 1 and remote.posts[0].media == ("m1",)
    finally:
        await again.close()


async def test_crash_mid_thread_resumes_after_the_last_known_part(
    make_engine, engine: Engine, alice: Account, remote: FakeNetwork
) -> None:
    remote.idempotent = True
    # Part 2 gets stored, then the app dies before its answer arrives.
    remote.gate, remote.gate_after_store, remote.gate_index = asyncio.Event(), True, 1
    request = PostInput(text="1/3", accounts=(alice.id,), thread=("2/3", "3/3"))
    task = asyncio.create_task(engine.posts.create(request, When.now()))
    await until(lambda: len(remote.posts) == 2)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    post_id = (await engine.posts.list())[0].id
    await engine.close()
    remote.gate = None
    again = await restart(make_engine)
    try:
        await settled(again, post_id)
        post = await again.posts.get(post_id)
        assert post.status is PostStatus.PUBLISHED
        assert [p.text for p in remote.posts] == ["1/3", "2/3", "3/3"]
        assert [p.reply_to for p in remote.posts] == [None, "1", "2"]
        assert post.targets[0].thread_post_ids == ["2", "3"]
    finally:
        await again.close()


async def test_a_publish_owned_by_a_live_engine_is_left_alone(
    make_engine, engine: Engine, alice: Account, remote: FakeNetwork
) -> None:
    remote.gate = asyncio.Event()
    task = asyncio.create_task(engine.posts.create(PostInput(text="hi", accounts=(alice.id,)), When.now()))
    await until(lambda: remote.in_flight == 1)
    second = make_engine()  # e.g. `outpost run` started while the window publishes
    try:
        await second.start()
        post = (await second.posts.list())[0]
        assert post.targets[0].status is TargetStatus.PUBLISHING
        remote.gate.set()
        assert (await task).status is PostStatus.PUBLISHED
        assert len(remote.posts) == 1
    finally:
        await second.close()


async def test_post_left_publishing_with_all_targets_done_is_settled(
    make_engine, engine: Engine, alice: Account, data_dir: Path
) -> None:
    post = await engine.posts.create(PostInput(text="hi", accounts=(alice.id,)), When.now())
    await engine.close()
    store = Store(data_dir)  # the app died between the last target and the post's status
    store.posts.set_status(post.id, PostStatus.PUBLISHING, now=post.updated_at)
    store.close()
    again = await restart(make_engine)
    try:
        await settled(again, post.id)
        assert (await again.posts.get(post.id)).status is PostStatus.PUBLISHED
    finally:
        await again.close()


_ = (AddAccountRequest, Network)
