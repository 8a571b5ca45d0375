"""A published Mastodon post deleted and edited through the engine, against the strict fake (issue #24)."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from outpost.adapters.base import AddAccountRequest
from outpost.adapters.mastodon import MastodonAdapter
from outpost.adapters.registry import AdapterRegistry
from outpost.domain.enums import Network, PostStatus, TargetStatus
from outpost.domain.errors import InvalidStateError, ValidationError
from outpost.domain.models import Account
from outpost.engine import Engine, MediaInput, PostChanges, PostInput, When
from tests.contract.fake_mastodon import BASE, FakeMastodon
from tests.fakes import FakeClock, MemorySecretStore
from tests.media_fixtures import png_bytes
from tests.support.loopback import served

pytestmark = pytest.mark.asyncio


@pytest.fixture
def server() -> FakeMastodon:
    return FakeMastodon()


@pytest_asyncio.fixture
async def engine(
    tmp_path: Path, server: FakeMastodon, clock: FakeClock, secrets: MemorySecretStore
) -> AsyncIterator[Engine]:
    registry = AdapterRegistry({Network.MASTODON: functools.partial(MastodonAdapter, media_poll_s=0.001)})
    server.now = clock.now
    with served(server.handle) as transport:
        eng = Engine.open(
            tmp_path / "data", registry=registry, secrets=secrets, clock=clock, transport=transport
        )
        yield eng
        await eng.close()


@pytest_asyncio.fixture
async def alice(engine: Engine) -> Account:
    return await engine.accounts.add(
        Network.MASTODON, AddAccountRequest(service_url=BASE, access_token="token-alice")
    )


def _image(tmp_path: Path, name: str, width: int) -> Path:
    path = tmp_path / name
    path.write_bytes(png_bytes(width, 4))
    return path


async def test_a_thread_is_deleted_last_part_first_and_the_post_is_kept_marked_deleted(
    engine: Engine, alice: Account, server: FakeMastodon
) -> None:
    post = await engine.posts.create(
        PostInput(text="one", thread=("two", "three"), accounts=(alice.id,)), When.now()
    )
    ids = [p.platform_post_id for p in post.targets[0].parts]
    plan = await engine.networks.preview_delete(post.id)
    assert [(p.action, p.message) for p in plan] == [
        ("delete", "Deletes the post and its 2 other parts on Mastodon.")
    ]

    work = await engine.networks.delete_everywhere(post.id)

    assert [r.outcome for r in work.results] == ["deleted"]
    assert server.deleted == list(reversed(ids)) and server.statuses == []
    kept = await engine.posts.get(post.id)
    assert kept.status is PostStatus.PUBLISHED and kept.targets[0].deleted_at is not None
    again = await engine.networks.delete_everywhere(post.id)
    assert again.results[0].outcome == "skipped" and "Already deleted" in again.results[0].message
    assert len(server.deleted) == 3  # nothing sent the second time


async def test_a_failed_delete_is_reported_and_the_next_try_finishes_it(
    engine: Engine, alice: Account, server: FakeMastodon
) -> None:
    post = await engine.posts.create(PostInput(text="one", thread=("two",), accounts=(alice.id,)), When.now())
    first = post.targets[0].parts[0].platform_post_id
    # the reply goes, then the server fails on the first part
    server.fail(
        "DELETE /api/v1/statuses/:id",
        lambda: server.delete_status(server.requests[-1]),
        lambda: httpx.Response(500, json={"error": "We're sorry, but something went wrong"}),
    )
    work = await engine.networks.delete_everywhere(post.id)
    assert work.failed and work.results[0].outcome == "failed"
    assert "HTTP 500" in work.results[0].message
    assert [s.id for s in server.statuses] == [first]
    assert (await engine.posts.get(post.id)).targets[0].deleted_at is None

    retried = await engine.networks.delete_everywhere(post.id)  # the reply is gone already (404): fine

    assert [r.outcome for r in retried.results] == ["deleted"] and server.statuses == []


async def test_editing_a_typo_with_new_media_and_alt_text_edits_the_status_in_place(
    engine: Engine, alice: Account, server: FakeMastodon, tmp_path: Path
) -> None:
    first = _image(tmp_path, "a.png", 6)
    post = await engine.posts.create(
        PostInput(text="Helo world", accounts=(alice.id,), media=(MediaInput(str(first), "red"),)),
        When.now(),
    )
    [status] = server.statuses
    assert [p.action for p in await engine.networks.preview_edit(post.id)] == ["in_place"]
    second = _image(tmp_path, "b.png", 8)

    work = await engine.networks.edit_published(
        post.id,
        PostChanges(
            text="Hello world",
            media=(MediaInput(str(first), "a red square"), MediaInput(str(second), "a wider one")),
        ),
    )

    assert [r.outcome for r in work.results] == ["edited"], work.results
    assert server.statuses == [status] and server.edits == [status.id]  # the same status, edited
    assert status.text == "Hello world" and len(status.media_ids) == 2
    assert [server.media[m]["description"] for m in status.media_ids] == ["a red square", "a wider one"]
    edit = next(r for r in server.requests if r.method == "PUT")
    assert edit.url.path == f"/api/v1/statuses/{status.id}"
    edited = await engine.posts.get(post.id)
    assert edited.text == "Hello world" and [m.alt_text for m in edited.media] == [
        "a red square",
        "a wider one",
    ]
    assert edited.targets[0].platform_post_id == status.id and edited.status is PostStatus.PUBLISHED


async def test_an_edit_that_breaks_the_rules_sends_nothing(
    engine: Engine, alice: Account, server: FakeMastodon
) -> None:
    post = await engine.posts.create(PostInput(text="short", accounts=(alice.id,)), When.now())
    with pytest.raises(ValidationError, match="500"):
        await engine.networks.edit_published(post.id, PostChanges(text="a" * 501))
    assert server.edits == [] and (await engine.posts.get(post.id)).text == "short"


async def test_a_draft_has_nothing_on_the_networks(engine: Engine, alice: Account) -> None:
    draft = await engine.posts.create(PostInput(text="draft", accounts=(alice.id,)))
    with pytest.raises(InvalidStateError, match="went out nowhere"):
        await engine.networks.delete_everywhere(draft.id)
    assert draft.targets[0].status is TargetStatus.PENDING


async def test_a_typo_fix_keeps_the_media_as_published_without_uploading_again(
    engine: Engine, alice: Account, server: FakeMastodon, tmp_path: Path
) -> None:
    photo = _image(tmp_path, "a.png", 6)
    post = await engine.posts.create(
        PostInput(text="Helo", accounts=(alice.id,), media=(MediaInput(str(photo), "red"),)), When.now()
    )
    [status] = server.statuses
    media_before = list(status.media_ids)
    uploads = lambda: [r for r in server.requests if r.url.path == "/api/v2/media"]  # noqa: E731
    assert len(uploads()) == 1

    work = await engine.networks.edit_published(post.id, PostChanges(text="Hello"))

    assert [r.outcome for r in work.results] == ["edited"] and status.text == "Hello"
    assert status.media_ids == media_before and len(uploads()) == 1  # nothing uploaded, media kept
    edit = next(r for r in server.requests if r.method == "PUT")
    assert b"media_ids" not in edit.content


async def test_a_text_for_this_account_is_edited_too(
    engine: Engine, alice: Account, server: FakeMastodon
) -> None:
    post = await engine.posts.create(
        PostInput(text="For all", accounts=(alice.id,), text_for=((alice.id, "Just Mastodon, typo"),)),
        When.now(),
    )
    assert server.statuses[0].text == "Just Mastodon, typo"

    work = await engine.networks.edit_published(post.id, PostChanges(text_for=((alice.id, "Just Mastodon"),)))

    assert [r.outcome for r in work.results] == ["edited"] and server.statuses[0].text == "Just Mastodon"
    kept = await engine.posts.get(post.id)
    assert kept.text == "For all" and kept.text_for(kept.targets[0]) == "Just Mastodon"


async def test_the_parts_of_a_thread_that_failed_half_way_can_be_deleted_not_edited(
    engine: Engine, alice: Account, server: FakeMastodon
) -> None:
    server.fail(
        "POST /api/v1/statuses",
        lambda: server.create_status(server.requests[-1]),
        lambda: httpx.Response(422, json={"error": "Validation failed: Text can't be blank"}),
    )
    post = await engine.posts.create(PostInput(text="one", thread=("two",), accounts=(alice.id,)), When.now())
    target = post.targets[0]
    assert target.status is TargetStatus.FAILED and len(target.parts) == 1 and len(server.statuses) == 1
    [plan] = await engine.networks.preview_edit(post.id)
    assert plan.action == "skipped" and "Only part of the thread" in plan.message

    work = await engine.networks.delete_everywhere(post.id)

    assert [r.outcome for r in work.results] == ["deleted"] and server.statuses == []
