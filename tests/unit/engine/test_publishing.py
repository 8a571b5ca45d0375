"""Publishing: fan-out, results saved as they come, retries, threads, and never twice."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path

import pytest

from outpost.adapters.base import AddAccountRequest
from outpost.domain.enums import ErrorCode, HealthState, Network, PostStatus, TargetStatus
from outpost.domain.errors import InvalidStateError, ValidationError
from outpost.domain.models import Account
from outpost.engine import Engine, PostInput, When
from outpost.engine.events import AccountHealthDidChange, Event
from outpost.store import Store
from tests.conftest import until
from tests.fakes import (
    FakeClock,
    FakeNetwork,
    MemorySecretStore,
    may_have_published,
    rate_limited,
    refused_connection,
    server_error,
)

pytestmark = pytest.mark.asyncio


async def add(engine: Engine, handle: str, token: str = "good-token") -> Account:
    return await engine.accounts.add(
        Network.MASTODON,
        AddAccountRequest(service_url="https://fake.example", handle=handle, access_token=token),
    )


async def test_publish_now_sends_every_target_at_the_same_time(engine: Engine, remote: FakeNetwork) -> None:
    a, b = await add(engine, "a@x"), await add(engine, "b@x")
    remote.gate = asyncio.Event()
    task = asyncio.create_task(engine.posts.create(PostInput(text="hi", accounts=(a.id, b.id)), When.now()))
    await until(lambda: remote.in_flight == 2)  # both creates are on the wire before either returns
    remote.gate.set()
    post = await task
    assert post.status is PostStatus.PUBLISHED
    assert sorted(p.account for p in remote.posts) == ["a@x", "b@x"]
    assert all(t.platform_post_id and t.permalink and t.published_at for t in post.targets)


async def test_each_result_is_saved_the_moment_it_is_known(
    engine: Engine, remote: FakeNetwork, data_dir: Path
) -> None:
    a, b = await add(engine, "a@x"), await add(engine, "b@x")
    remote.gate, remote.gated_handles = asyncio.Event(), {"b@x"}
    task = asyncio.create_task(engine.posts.create(PostInput(text="hi", accounts=(a.id, b.id)), When.now()))
    await until(lambda: remote.in_flight == 1 and len(remote.posts) == 1)  # b waits at the gate
    await until(lambda: a_is_published(engine))
    other = Store(data_dir)  # what another process (or a restart) would read right now
    seen = {t.account_id: t for t in other.posts.all()[0].targets}
    other.close()
    assert seen[a.id].status is TargetStatus.PUBLISHED and seen[a.id].platform_post_id == "1"
    assert seen[b.id].status is TargetStatus.PUBLISHING and seen[b.id].sending_part == 0
    remote.gate.set()
    assert (await task).status is PostStatus.PUBLISHED


async def a_is_published(engine: Engine) -> bool:
    [post] = await engine.posts.list()
    return post.targets[0].status is TargetStatus.PUBLISHED


async def test_lost_answer_on_a_non_idempotent_network_is_never_resent(
    engine: Engine, alice: Account, remote: FakeNetwork
) -> None:
    remote.fail_next_create = [may_have_published("read timeout")]
    post = await engine.posts.create(PostInput(text="hi", accounts=(alice.id,)), When.now())
    [target] = post.targets
    assert post.status is PostStatus.NEEDS_REVIEW and post.review_reason
    assert target.status is TargetStatus.UNKNOWN
    assert target.error is not None and target.error.code is ErrorCode.UNKNOWN_OUTCOME
    assert "will not send it again" in target.error.message
    with pytest.raises(InvalidStateError, match="only with --account"):
        await engine.posts.retry(post.id)
    assert len(remote.posts) == 1  # the network got it exactly once


async def test_unknown_target_is_resent_only_when_the_person_names_it(
    engine: Engine, alice: Account, remote: FakeNetwork
) -> None:
    remote.fail_next_create = [may_have_published()]
    post = await engine.posts.create(PostInput(text="hi", accounts=(alice.id,)), When.now())
    remote.posts.clear()  # the person checked: the network does not have it
    retried = await engine.posts.retry(post.id, account=alice.ref)
    assert retried.status is PostStatus.PUBLISHED and len(remote.posts) == 1


async def test_idempotent_network_is_retried_with_the_same_key_and_publishes_once(
    make_engine, remote: FakeNetwork
) -> None:
    remote.idempotent = True
    engine = make_engine()
    try:
        alice = await add(engine, "a@x")
        remote.fail_next_create = [may_have_published(), server_error()]
        post = await engine.posts.create(PostInput(text="hi", accounts=(alice.id,)), When.now())
        assert post.status is PostStatus.PUBLISHED
        assert len(remote.posts) == 1
        assert post.targets[0].attempts == 3
    finally:
        await engine.close()


async def test_request_that_never_left_is_retried_with_bounded_jittered_backoff(
    engine: Engine, alice: Account, remote: FakeNetwork, clock: FakeClock
) -> None:
    remote.fail_next_create = [refused_connection(), refused_connection()]
    post = await engine.posts.create(PostInput(text="hi", accounts=(alice.id,)), When.now())
    assert post.status is PostStatus.PUBLISHED and post.targets[0].attempts == 3
    assert len(clock.sleeps) == 2 and 1 <= clock.sleeps[0] <= 2 and 2 <= clock.sleeps[1] <= 4
    assert len(remote.posts) == 1


async def test_ten_failures_in_a_row_are_an_outage_outpost_rides_out(
    engine: Engine, alice: Account, remote: FakeNetwork, clock: FakeClock
) -> None:
    remote.fail_next_create = [refused_connection() for _ in range(10)]
    post = await engine.posts.create(PostInput(text="hi", accounts=(alice.id,)), When.now())
    assert post.status is PostStatus.PUBLISHED and post.targets[0].attempts == 11
    assert len(remote.posts) == 1 and sum(clock.sleeps) < 30 * 60


async def test_retries_stop_after_the_horizon_and_the_post_says_nothing_retries_it(
    engine: Engine, alice: Account, remote: FakeNetwork, clock: FakeClock
) -> None:
    remote.fail_next_create = [refused_connection() for _ in range(100)]
    started = clock.now()
    post = await engine.posts.create(PostInput(text="hi", accounts=(alice.id,)), When.now())
    [target] = post.targets
    assert post.status is PostStatus.FAILED and target.error is not None
    assert target.error.code is ErrorCode.NETWORK_UNAVAILABLE
    assert (
        "Outpost kept trying for 3" in target.error.message
        and "will not retry on its own" in target.error.message
    )
    assert clock.now() - started >= timedelta(minutes=30)
    assert target.attempts == 100 - len(remote.fail_next_create) <= 20  # backed off: no retry storm
    assert remote.posts == []


async def test_short_rate_limit_is_waited_out(
    engine: Engine, alice: Account, remote: FakeNetwork, clock: FakeClock, pixel: Path
) -> None:
    remote.fail_next_upload = [rate_limited(clock, 30)]
    image = pixel
    post = await engine.posts.create(
        PostInput(text="hi", accounts=(alice.id,), media=(media_input(image),)), When.now()
    )
    assert post.status is PostStatus.PUBLISHED and clock.sleeps == [30.0]


async def test_a_ten_minute_rate_limit_is_waited_out_and_is_not_a_failed_try(
    engine: Engine, alice: Account, remote: FakeNetwork, clock: FakeClock
) -> None:
    remote.fail_next_create = [rate_limited(clock, 600), rate_limited(clock, 600), rate_limited(clock, 600)]
    post = await engine.posts.create(PostInput(text="hi", accounts=(alice.id,)), When.now())
    assert post.status is PostStatus.PUBLISHED and clock.sleeps == [600.0, 600.0, 600.0]


async def test_long_rate_limit_fails_with_the_time_to_retry(
    engine: Engine, alice: Account, remote: FakeNetwork, clock: FakeClock, pixel: Path
) -> None:
    remote.fail_next_upload = [rate_limited(clock, 3600)]
    post = await engine.posts.create(
        PostInput(text="hi", accounts=(alice.id,), media=(media_input(pixel),)),
        When.now(),
    )
    error = post.targets[0].error
    assert post.status is PostStatus.FAILED and clock.sleeps == []
    assert error is not None and error.code is ErrorCode.RATE_LIMITED and error.retry_at is not None
    assert "will not retry on its own" in error.message


async def test_refusal_is_not_retried(engine: Engine, alice: Account, remote: FakeNetwork) -> None:
    remote.server_max_length = 3  # the server's rule is stricter than the one it announced
    post = await engine.posts.create(PostInput(text="hello", accounts=(alice.id,)), When.now())
    [target] = post.targets
    assert target.status is TargetStatus.FAILED and target.attempts == 1
    assert target.error is not None and "character limit of 3" in target.error.message


async def test_expired_token_fails_the_target_and_marks_the_account_broken(
    engine: Engine, alice: Account, remote: FakeNetwork
) -> None:
    events: list[Event] = []
    engine.events.subscribe(events.append)
    remote.tokens.clear()
    post = await engine.posts.create(PostInput(text="hi", accounts=(alice.id,)), When.now())
    assert post.targets[0].error is not None and post.targets[0].error.code is ErrorCode.AUTH_EXPIRED
    [account] = await engine.accounts.list()
    assert account.health.state is HealthState.BROKEN and account.health.message
    assert any(isinstance(e, AccountHealthDidChange) for e in events)


async def test_thread_is_published_as_a_reply_chain(
    engine: Engine, alice: Account, remote: FakeNetwork
) -> None:
    post = await engine.posts.create(
        PostInput(text="1/3", accounts=(alice.id,), thread=("2/3", "3/3")), When.now()
    )
    assert [(p.text, p.reply_to) for p in remote.posts] == [("1/3", None), ("2/3", "1"), ("3/3", "2")]
    assert post.targets[0].platform_post_id == "1" and post.targets[0].thread_post_ids == ["2", "3"]


async def test_failed_thread_resumes_after_the_last_part_that_exists(
    engine: Engine, alice: Account, remote: FakeNetwork
) -> None:
    # Part 1 goes out; part 2 cannot connect for the whole horizon: the target fails with one part done.
    remote.fail_next_create = [None] + [refused_connection() for _ in range(100)]
    failed = await engine.posts.create(
        PostInput(text="1/3", accounts=(alice.id,), thread=("2/3", "3/3")), When.now()
    )
    assert failed.status is PostStatus.FAILED and len(failed.targets[0].parts) == 1
    remote.fail_next_create = []  # the network is back
    done = await engine.posts.retry(failed.id)
    assert done.status is PostStatus.PUBLISHED
    assert [p.text for p in remote.posts] == ["1/3", "2/3", "3/3"]
    assert [p.reply_to for p in remote.posts] == [None, "1", "2"]


async def test_one_failure_among_several_is_partially_published_and_retry_finishes_it(
    engine: Engine, remote: FakeNetwork
) -> None:
    remote.tokens.add("b-token")
    a, b = await add(engine, "a@x"), await add(engine, "b@x", token="b-token")
    remote.tokens.discard("b-token")  # b's token was revoked after connecting
    post = await engine.posts.create(PostInput(text="hi", accounts=(a.id, b.id)), When.now())
    assert post.status is PostStatus.PARTIALLY_PUBLISHED
    remote.tokens.add("b-token")  # reconnected
    done = await engine.posts.retry(post.id)
    assert done.status is PostStatus.PUBLISHED
    assert sorted(p.account for p in remote.posts) == ["a@x", "b@x"]


async def test_invalid_post_reports_every_problem_and_saves_nothing(
    engine: Engine, alice: Account, tmp_path: Path
) -> None:
    not_media = tmp_path / "notes.txt"
    not_media.write_text("hello")
    request = PostInput(
        text="x" * 501,
        accounts=(alice.id, "bluesky:nobody"),
        media=(media_input(not_media),),
        options=(("mastodon", "visibility", "everyone"), ("x", "reply_settings", "following")),
    )
    with pytest.raises(ValidationError) as caught:
        await engine.posts.create(request, When.scheduled("2026-12-01T09:00", "Mars/Olympus"))
    fields = sorted(p.field for p in caught.value.problems)
    assert fields == sorted(
        [
            "--account",
            "media[1]",
            "--option mastodon.visibility",
            "--option x.reply_settings",
            "--tz",
            "text",
        ]
    )
    assert await engine.posts.list() == []


async def test_options_are_converted_to_the_networks_types(
    engine: Engine, alice: Account, remote: FakeNetwork
) -> None:
    await engine.posts.create(
        PostInput(text="hi", accounts=(alice.id,), options=(("mastodon", "sensitive", "yes"),)), When.now()
    )
    assert remote.posts[0].options == {"sensitive": True}


async def test_text_override_per_network_and_per_account(engine: Engine, remote: FakeNetwork) -> None:
    a, b = await add(engine, "a@x"), await add(engine, "b@x")
    request = PostInput(text="long", accounts=(a.id, b.id), text_for=(("mastodon", "net"), (b.ref, "just b")))
    post = await engine.posts.create(request, When.now())
    assert sorted((p.account, p.text) for p in remote.posts) == [("a@x", "net"), ("b@x", "just b")]
    assert {post.text_for(t) for t in post.targets} == {"net", "just b"}


async def test_editing_changes_content_and_gives_targets_a_new_idempotency_key(
    engine: Engine, alice: Account
) -> None:
    from outpost.engine import PostChanges

    post = await engine.posts.create(
        PostInput(text="v1", accounts=(alice.id,)), When.scheduled("2026-12-01T09:00Z")
    )
    edited = await engine.posts.edit(post.id, PostChanges(text="v2"))
    assert edited.text == "v2" and edited.status is PostStatus.SCHEDULED
    assert edited.scheduled_at == post.scheduled_at
    assert edited.targets[0].id == post.targets[0].id
    assert edited.targets[0].idempotency_key != post.targets[0].idempotency_key


async def test_published_posts_cannot_be_edited_or_cancelled(engine: Engine, alice: Account) -> None:
    from outpost.engine import PostChanges

    post = await engine.posts.create(PostInput(text="hi", accounts=(alice.id,)), When.now())
    with pytest.raises(InvalidStateError, match="cannot be edited"):
        await engine.posts.edit(post.id, PostChanges(text="changed"))
    with pytest.raises(InvalidStateError, match="cannot be cancelled"):
        await engine.posts.cancel(post.id)


async def test_adding_an_account_with_a_bad_token_saves_nothing(
    engine: Engine, secrets: MemorySecretStore
) -> None:
    with pytest.raises(ValidationError, match="refused the credentials: The access token is invalid"):
        await add(engine, "a@x", token="wrong")
    assert await engine.accounts.list() == [] and secrets.secrets == {}


async def test_token_lives_in_the_secret_store_only(
    engine: Engine, alice: Account, secrets: MemorySecretStore, data_dir: Path
) -> None:
    assert secrets.secrets[alice.secret_ref] == {"access_token": "good-token"}
    await engine.posts.create(PostInput(text="hi", accounts=(alice.id,)), When.now())
    for path in data_dir.rglob("*"):
        if path.is_file():
            assert b"good-token" not in path.read_bytes(), path


async def test_removing_an_account_deletes_its_secret_and_keeps_history(
    engine: Engine, alice: Account, secrets: MemorySecretStore
) -> None:
    sent = await engine.posts.create(PostInput(text="hi", accounts=(alice.id,)), When.now())
    waiting = await engine.posts.create(PostInput(text="later", accounts=(alice.id,)))
    await engine.accounts.remove(alice.ref)
    assert secrets.secrets == {} and await engine.accounts.list() == []
    assert (await engine.posts.get(sent.id)).targets[0].status is TargetStatus.PUBLISHED
    with pytest.raises(ValidationError, match="was removed from Outpost"):
        await engine.posts.publish(waiting.id)


async def test_check_reports_a_revoked_token_as_broken(
    engine: Engine, alice: Account, remote: FakeNetwork
) -> None:
    remote.tokens.clear()
    [checked] = await engine.accounts.check()
    assert checked.health.state is HealthState.BROKEN and not checked.health.token_is_valid
    assert checked.health.checked_at is not None


def media_input(path: Path):
    from outpost.engine import MediaInput

    return MediaInput(str(path), "a pixel")


@pytest.fixture
def pixel(tmp_path: Path) -> Path:
    """A one-pixel PNG of the test's own (tests running side by side never share it)."""
    from tests.media_fixtures import png_bytes

    path = tmp_path / "pixel.png"
    path.write_bytes(png_bytes(1, 1))
    return path


_ = timedelta


async def test_reconnecting_replaces_the_secret_and_keeps_the_account(
    engine: Engine, alice: Account, remote: FakeNetwork, secrets: MemorySecretStore
) -> None:
    remote.tokens = {"new-token"}
    with pytest.raises(ValidationError, match=r"not alice@fake\.example"):
        await engine.accounts.reconnect(
            alice.id, AddAccountRequest(handle="bob@fake.example", access_token="new-token")
        )
    again = await engine.accounts.reconnect(alice.id, AddAccountRequest(access_token="new-token"))
    assert again.id == alice.id and secrets.secrets[alice.secret_ref] == {"access_token": "new-token"}
    assert len(await engine.accounts.list()) == 1
