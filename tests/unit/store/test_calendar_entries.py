"""What a calendar entry carries for its card: the networks it goes to and its first picture."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, timedelta
from pathlib import Path

import pytest

from outpost.domain.enums import Network, PostStatus
from outpost.domain.models import Account, MediaAsset, Post, Target
from outpost.store import Store
from tests.fakes import START


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path)
    for account_id, network in (
        ("acc_m", Network.MASTODON),
        ("acc_b", Network.BLUESKY),
        ("acc_m2", Network.MASTODON),
    ):
        s.accounts.insert(
            Account(
                id=account_id, network=network, handle=account_id, secret_ref=account_id, created_at=START
            )
        )
    yield s
    s.close()


def _post(post_id: str, minutes: int, accounts: tuple[tuple[str, Network], ...], *media: MediaAsset) -> Post:
    return Post(
        id=post_id,
        status=PostStatus.SCHEDULED,
        text="Hello",
        media=media,
        scheduled_at=START + timedelta(minutes=minutes),
        timezone="UTC",
        created_at=START,
        updated_at=START,
        targets=tuple(
            Target(id=f"{post_id}_{a}", account_id=a, network=n, idempotency_key=f"{post_id}_{a}")
            for a, n in accounts
        ),
    )


def _picture(name: str) -> MediaAsset:
    return MediaAsset(id=name, path=f"/p/{name}.png", mime_type="image/png", size=5, sha256=name * 64)


def test_an_entry_names_its_networks_once_each_and_carries_its_first_picture(store: Store) -> None:
    three = (("acc_m", Network.MASTODON), ("acc_b", Network.BLUESKY), ("acc_m2", Network.MASTODON))
    store.posts.insert(_post("post_pics", 30, three, _picture("a"), _picture("b")))
    store.posts.insert(_post("post_plain", 60, three[1:2]))
    found = store.posts.calendar(START, START + timedelta(days=1), [PostStatus.SCHEDULED], UTC, 50)
    pics, text_only = found.entries
    assert pics.networks == (Network.MASTODON, Network.BLUESKY)  # two Mastodon accounts: one logo
    assert pics.picture is not None and (pics.picture.path, pics.picture.sha256) == ("/p/a.png", "a" * 64)
    assert (text_only.networks, text_only.picture) == ((Network.BLUESKY,), None)
