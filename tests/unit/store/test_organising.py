"""Titles, tags, campaigns and media on every part in the store (issue #24)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from outpost.domain.campaigns import Campaign, clean_tags
from outpost.domain.enums import Network
from outpost.domain.errors import InvalidStateError, NotFoundError
from outpost.domain.models import Account, MediaAsset
from outpost.store import Store
from outpost.store.migrations import MIGRATIONS
from tests.fakes import START
from tests.unit.store.test_posts import make_post


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store(tmp_path)
    for account_id, network, handle in (
        ("acc_1", Network.MASTODON, "a@x.example"),
        ("acc_2", Network.BLUESKY, "b.test"),
    ):
        s.accounts.insert(
            Account(id=account_id, network=network, handle=handle, secret_ref=account_id, created_at=START)
        )
    yield s
    s.close()


def _asset(asset_id: str, path: str) -> MediaAsset:
    return MediaAsset(id=asset_id, path=path, mime_type="image/png", size=10, width=4, height=3)


def test_a_post_keeps_its_title_tags_campaign_and_each_parts_files(store: Store) -> None:
    campaign = Campaign(
        id="cmp_1", name="Winter launch", colour="#f97316", starts_on=date(2026, 12, 1), created_at=START
    )
    store.campaigns.save(campaign)
    post = make_post().model_copy(
        update={
            "title": "Teaser",
            "tags": ("launch", "Video"),
            "campaign_id": "cmp_1",
            "thread_media": ((), (_asset("m3", "/p/c.png"),)),  # part 2 none, part 3 one
        }
    )
    store.posts.insert(post)
    again = store.posts.get(post.id)
    assert (again.title, again.tags, again.campaign_id) == ("Teaser", ("launch", "Video"), "cmp_1")
    assert [m.path for m in again.media] == ["/p/a.png"]
    assert [[m.path for m in part] for part in again.thread_media] == [[], ["/p/c.png"]]
    assert again.media_for_part(2)[0].id == "m3" and again.media_for_part(1) == ()
    assert [p.id for p in store.posts.all(tag="VIDEO")] == [post.id]
    assert [p.id for p in store.posts.all(campaign_id="cmp_1")] == [post.id]
    assert [p.id for p in store.posts.all(search="tease")] == [post.id]
    assert store.posts.all(tag="cats") == []
    assert store.campaigns.tags() == ["launch", "Video"]
    assert store.campaigns.find("winter LAUNCH") == campaign
    assert store.campaigns.delete("cmp_1") == 1
    kept = store.posts.get(post.id)
    assert (kept.campaign_id, kept.tags, kept.text) == (None, ("launch", "Video"), post.text)
    with pytest.raises(NotFoundError, match="No campaign 'Winter launch'"):
        store.campaigns.find("Winter launch")


def test_campaign_names_are_unique_without_case(store: Store) -> None:
    store.campaigns.save(Campaign(id="cmp_1", name="Spring", colour="#10b981", created_at=START))
    with pytest.raises(InvalidStateError, match="already"):
        store.campaigns.save(Campaign(id="cmp_2", name="SPRING", colour="#10b981", created_at=START))


def test_posts_written_before_the_step_read_back_untitled_untagged(tmp_path: Path) -> None:
    raw = sqlite3.connect(tmp_path / "outpost.sqlite3")
    for number, step in enumerate(MIGRATIONS[:-1], start=1):
        raw.executescript(f"BEGIN;\n{step}\nPRAGMA user_version = {number};\nCOMMIT;")
    raw.execute(
        "INSERT INTO posts (id, status, text, created_at, updated_at) VALUES "
        "('post_old', 'draft', 'old', '2026-01-01T00:00:00.000000Z', '2026-01-01T00:00:00.000000Z')"
    )
    raw.commit()
    raw.close()
    reopened = Store(tmp_path)
    try:
        old = reopened.posts.get("post_old")
        assert (old.title, old.tags, old.campaign_id, old.thread_media) == (None, (), None, ())
    finally:
        reopened.close()


def test_tags_lose_their_hash_space_and_repeats() -> None:
    assert clean_tags(["#Launch", " launch ", "", "big  day", "Video"]) == ("Launch", "big day", "Video")
