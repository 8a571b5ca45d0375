"""Posts in the store: whole round trips, scheduling queries, and the claims engines rely on."""

from __future__ import annotations

from datetime import UTC, date, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from outpost.domain.enums import ErrorCode, Network, PostStatus, TargetStatus
from outpost.domain.errors import InvalidStateError, NotFoundError
from outpost.domain.models import Account, MediaAsset, Post, PublishedPart, Target, TargetError
from outpost.store import Store
from tests.fakes import START


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store(tmp_path)
    s.accounts.insert(
        Account(
            id="acc_1", network=Network.MASTODON, handle="alice@x.example", secret_ref="r1", created_at=START
        )
    )
    s.accounts.insert(
        Account(id="acc_2", network=Network.BLUESKY, handle="bob.test", secret_ref="r2", created_at=START)
    )
    yield s
    s.close()


def make_post(
    post_id: str = "post_1", *, status: PostStatus = PostStatus.DRAFT, at_minutes: int | None = None
) -> Post:
    return Post(
        id=post_id,
        status=status,
        text="Hello 👋 world",
        thread=("second", "third"),
        media=(
            MediaAsset(
                id=f"{post_id}_m",
                path="/p/a.png",
                mime_type="image/png",
                size=10,
                width=4,
                height=3,
                alt_text="a",
            ),
        ),
        scheduled_at=None if at_minutes is None else START + timedelta(minutes=at_minutes),
        timezone=None if at_minutes is None else "Europe/Berlin",
        created_at=START,
        updated_at=START,
        targets=(
            Target(
                id=f"{post_id}_t1",
                account_id="acc_1",
                network=Network.MASTODON,
                idempotency_key="k1",
                options={"visibility": "unlisted"},
            ),
            Target(
                id=f"{post_id}_t2",
                account_id="acc_2",
                network=Network.BLUESKY,
                idempotency_key="k2",
                text_override="short",
            ),
        ),
    )


def test_post_round_trips_with_media_thread_and_targets(store: Store) -> None:
    post = make_post()
    store.posts.insert(post)
    assert store.posts.get("post_1") == post


def test_missing_post_is_a_not_found_error_that_says_what_to_do(store: Store) -> None:
    with pytest.raises(NotFoundError, match="post list"):
        store.posts.get("post_nope")


def test_target_results_are_saved_and_read_back(store: Store) -> None:
    store.posts.insert(make_post())
    target = (
        store.posts.get("post_1")
        .targets[0]
        .model_copy(
            update={
                "status": TargetStatus.FAILED,
                "parts": (PublishedPart(platform_post_id="1", permalink="https://x/1", extra={"cid": "c"}),),
                "attempts": 2,
                "error": TargetError(code=ErrorCode.RATE_LIMITED, message="wait", retry_at=START),
            }
        )
    )
    store.posts.save_target("post_1", target, now=START)
    assert store.posts.get("post_1").targets[0] == target


def test_due_and_next_due_follow_schedule_order(store: Store) -> None:
    store.posts.insert(make_post("post_b", status=PostStatus.SCHEDULED, at_minutes=30))
    store.posts.insert(make_post("post_a", status=PostStatus.SCHEDULED, at_minutes=10))
    store.posts.insert(make_post("post_draft"))
    assert store.posts.next_due_at() == START + timedelta(minutes=10)
    assert store.posts.due_post_ids(START + timedelta(minutes=9)) == []
    assert store.posts.due_post_ids(START + timedelta(minutes=10)) == ["post_a"]
    assert store.posts.due_post_ids(START + timedelta(hours=1)) == ["post_a", "post_b"]


def test_only_one_claim_of_a_post_or_target_succeeds(store: Store) -> None:
    store.posts.insert(make_post(status=PostStatus.SCHEDULED, at_minutes=1))
    first = store.posts.set_status(
        "post_1", PostStatus.PUBLISHING, now=START, expected=[PostStatus.SCHEDULED]
    )
    second = store.posts.set_status(
        "post_1", PostStatus.PUBLISHING, now=START, expected=[PostStatus.SCHEDULED]
    )
    assert (first, second) == (True, False)
    claims = [
        store.posts.claim_target("post_1_t1", owner=o, now=START, expected=[TargetStatus.PENDING])
        for o in ("a", "b")
    ]
    assert claims == [True, False]
    assert store.posts.get("post_1").targets[0].claimed_by == "a"


def test_two_store_objects_on_one_file_see_each_others_writes(tmp_path: Path, store: Store) -> None:
    store.posts.insert(make_post())
    other = Store(tmp_path)
    assert other.posts.get("post_1").text == "Hello 👋 world"
    other.close()


def test_edit_refuses_when_the_status_moved_on(store: Store) -> None:
    store.posts.insert(make_post(status=PostStatus.SCHEDULED, at_minutes=1))
    store.posts.set_status("post_1", PostStatus.PUBLISHING, now=START)
    edited = make_post(status=PostStatus.SCHEDULED, at_minutes=1).model_copy(update={"text": "changed"})
    assert store.posts.save_content(edited, expected=PostStatus.SCHEDULED) is False
    assert store.posts.get("post_1").text == "Hello 👋 world"


def test_same_account_cannot_be_connected_twice(store: Store) -> None:
    with pytest.raises(InvalidStateError, match="already connected"):
        store.accounts.insert(
            Account(
                id="acc_3",
                network=Network.MASTODON,
                handle="alice@x.example",
                secret_ref="r3",
                created_at=START,
            )
        )


def test_removed_account_keeps_its_history_and_can_be_added_again(store: Store) -> None:
    store.posts.insert(make_post())
    store.accounts.mark_removed("acc_1", START)
    assert [a.id for a in store.accounts.all()] == ["acc_2"]
    assert store.accounts.get("acc_1").removed_at == START
    assert store.posts.get("post_1").targets[0].account_id == "acc_1"
    store.accounts.insert(
        Account(
            id="acc_4", network=Network.MASTODON, handle="alice@x.example", secret_ref="r4", created_at=START
        )
    )


def test_accounts_are_found_by_id_or_network_handle(store: Store) -> None:
    assert store.accounts.find("mastodon:alice@x.example").id == "acc_1"
    assert store.accounts.find("acc_2").handle == "bob.test"
    with pytest.raises(
        NotFoundError, match=r"Connected accounts: mastodon:alice@x\.example, bluesky:bob\.test"
    ):
        store.accounts.find("x:carol")


def test_no_secret_is_stored_in_the_database(store: Store, tmp_path: Path) -> None:
    columns = {r[1] for r in store.db.query("PRAGMA table_info(accounts)")}
    assert "secret_ref" in columns
    assert not {"token", "access_token", "password", "app_password"} & columns


def test_calendar_lists_the_posts_of_a_time_window_in_order(store: Store) -> None:
    store.posts.insert(make_post("post_in2", status=PostStatus.SCHEDULED, at_minutes=60))
    store.posts.insert(make_post("post_in1", status=PostStatus.SCHEDULED, at_minutes=30))
    store.posts.insert(make_post("post_late", status=PostStatus.SCHEDULED, at_minutes=60 * 24 * 8))
    store.posts.insert(make_post("post_draft"))
    found = store.posts.calendar(START, START + timedelta(days=7), [PostStatus.SCHEDULED], UTC, 50)
    assert [(e.post_id, e.moment, e.text) for e in found.entries] == [
        ("post_in1", START + timedelta(minutes=30), "Hello 👋 world"),
        ("post_in2", START + timedelta(minutes=60), "Hello 👋 world"),
    ]
    assert found.more == {}


def test_calendar_lists_a_busy_day_up_to_its_limit_and_counts_the_rest(store: Store) -> None:
    """Days are the person's days: 23:30 UTC is already the next day in Berlin."""
    berlin = ZoneInfo("Europe/Berlin")
    for minute in range(0, 50, 10):  # 12:00 … 12:40 UTC on the 25th
        store.posts.insert(make_post(f"post_{minute:02d}", status=PostStatus.SCHEDULED, at_minutes=minute))
    store.posts.insert(make_post("post_night", status=PostStatus.SCHEDULED, at_minutes=11 * 60 + 30))
    found = store.posts.calendar(START, START + timedelta(days=7), [PostStatus.SCHEDULED], berlin, 3)
    assert [e.post_id for e in found.entries] == ["post_00", "post_10", "post_20", "post_night"]
    assert found.more == {date(2026, 11, 25): 2}


def test_calendar_places_a_post_published_at_once_at_its_first_publish(store: Store) -> None:
    published = START + timedelta(minutes=5)
    post = make_post("post_now", status=PostStatus.PUBLISHED)
    first, second = post.targets
    post = post.model_copy(
        update={
            "updated_at": START + timedelta(minutes=9),
            "targets": (
                first.model_copy(update={"status": TargetStatus.PUBLISHED, "published_at": published}),
                second.model_copy(
                    update={
                        "status": TargetStatus.PUBLISHED,
                        "published_at": published + timedelta(minutes=3),
                    }
                ),
            ),
        }
    )
    store.posts.insert(post)
    found = store.posts.calendar(START, START + timedelta(days=1), [PostStatus.PUBLISHED], UTC, 50)
    assert [(e.post_id, e.status, e.moment) for e in found.entries] == [
        ("post_now", PostStatus.PUBLISHED, published)
    ]
