"""Edit and delete per network (issue #24): each real adapter over loopback against its strict fake.

X deletes (no edit), LinkedIn deletes and partially updates the commentary, Pinterest deletes and
patches a Pin, YouTube deletes and updates the snippet (each counted in the project's quota); a
part already gone counts as deleted everywhere; Instagram and TikTok say they cannot.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from outpost.adapters.base import AccountContext, MemoryCheckpoints, NetworkAdapter, PartRequest
from outpost.adapters.instagram import InstagramAdapter
from outpost.adapters.linkedin import LinkedInAdapter
from outpost.adapters.pinterest import PinterestAdapter
from outpost.adapters.tiktok import TikTokAdapter
from outpost.adapters.x import XAdapter
from outpost.adapters.youtube import YouTubeAdapter
from outpost.domain.enums import Network
from outpost.domain.errors import InvalidStateError, Rejected
from outpost.domain.models import Account, PublishedPart
from tests.contract import fake_linkedin, fake_pinterest, fake_x, fake_youtube
from tests.fakes import FakeClock
from tests.support.loopback import LoopbackServer

pytestmark = pytest.mark.asyncio


class _Vault:
    def __init__(self, credentials: dict[str, str]) -> None:
        self.kept = {"ref": credentials}

    async def read(self, ref: str) -> dict[str, str] | None:
        return self.kept.get(ref)

    async def write(self, ref: str, credentials: dict[str, str]) -> None:
        self.kept[ref] = dict(credentials)


@asynccontextmanager
async def serving(
    handler: Callable[[httpx.Request], httpx.Response], make: Callable[[httpx.AsyncClient], NetworkAdapter]
) -> AsyncIterator[NetworkAdapter]:
    with LoopbackServer(handler) as running:
        async with httpx.AsyncClient(transport=running.transport()) as client:
            yield make(client)
    assert running.errors == [], running.errors


def context(
    network: Network, credentials: dict[str, str], clock: FakeClock, target: str | None
) -> AccountContext:
    account = Account(id=f"acc_{network.value}", network=network, handle="alice", secret_ref="ref",
                      created_at=clock.now(), target_id=target)  # fmt: skip
    return AccountContext(account, _Vault(credentials), asyncio.Lock(), MemoryCheckpoints())


def edit(text: str, **options: Any) -> PartRequest:
    return PartRequest(index=0, text=text, media=(), options=options, idempotency_key="k-edit-0")


async def test_x_deletes_a_post_a_gone_one_is_deleted_and_there_is_no_edit(clock: FakeClock) -> None:
    server = fake_x.FakeX()
    server.now = server.oauth.now = lambda: clock.now().timestamp()
    mine = fake_x.Tweet("3000001", "alice", "typo here", [], None, None, created=clock.now().timestamp())
    theirs = fake_x.Tweet("3000002", "bob", "not yours", [], None, None, created=clock.now().timestamp())
    server.tweets += [mine, theirs]
    access, _ = server.oauth.issue("alice", fake_x.SCOPES, fake_x.CLIENT_ID)
    ctx = context(Network.X, {"access_token": access, "client_id": fake_x.CLIENT_ID}, clock, "1001")
    async with serving(server.handle, lambda c: XAdapter(c, clock=clock, poll_scale=0.001)) as adapter:
        assert (
            adapter.can_delete
            and adapter.edit_kind is None
            and "cannot edit" in (adapter.edit_unavailable or "")
        )
        await adapter.delete_published(ctx, PublishedPart(platform_post_id="3000001"))
        await adapter.delete_published(ctx, PublishedPart(platform_post_id="3000001"))  # gone: fine
        with pytest.raises(Rejected, match="HTTP 403"):
            await adapter.delete_published(ctx, PublishedPart(platform_post_id="3000002"))
        with pytest.raises(InvalidStateError, match="cannot edit"):
            await adapter.edit_published(ctx, PublishedPart(platform_post_id="3000002"), edit("x"))
    assert server.deleted == ["3000001"] and server.tweets == [theirs]


async def test_linkedin_edits_the_commentary_with_a_partial_update_and_deletes(clock: FakeClock) -> None:
    server = fake_linkedin.FakeLinkedIn()
    server.oauth.now = lambda: clock.now().timestamp()
    page = "urn:li:organization:2414183"
    post = server.add_post(page, "Our spring workshop is on Saterday", clock.now().timestamp())
    scopes = (*fake_linkedin.MEMBER_SCOPES, *fake_linkedin.ORG_SCOPES)
    access, _ = server.oauth.issue("alice", scopes, fake_linkedin.CLIENT_ID)
    ctx = context(
        Network.LINKEDIN, {"access_token": access, "client_id": fake_linkedin.CLIENT_ID}, clock, page
    )
    part = PublishedPart(
        platform_post_id=post.urn, permalink=f"https://www.linkedin.com/feed/update/{post.urn}"
    )
    async with serving(server.handle, lambda c: LinkedInAdapter(c, clock=clock, poll_s=0.001)) as adapter:
        assert adapter.edit_kind == "in_place" and not adapter.edit_takes_media
        assert (
            await adapter.edit_published(ctx, part, edit("Our spring workshop is on Saturday (room 2)"))
            == part
        )
        update = next(
            r for r in server.requests if r.method == "POST" and r.url.path.startswith("/rest/posts/")
        )
        assert update.headers["x-restli-method"] == "PARTIAL_UPDATE"
        assert update.headers["linkedin-version"] and update.headers["x-restli-protocol-version"] == "2.0.0"
        assert post.commentary == "Our spring workshop is on Saturday \\(room 2\\)"  # little text, escaped
        assert server.updates == [post.urn]
        await adapter.delete_published(ctx, part)
        await adapter.delete_published(ctx, part)  # LinkedIn's DELETE is idempotent: 204 again
    assert server.posts == [] and server.deleted == [post.urn]


async def test_pinterest_patches_the_pin_words_and_deletes_it(clock: FakeClock) -> None:
    server = fake_pinterest.FakePinterest()
    server.now = server.oauth.now = lambda: clock.now().timestamp()
    pin = server.add_pin("alice", "900100200", "Indgo dye", clock.now().timestamp())
    access, refresh = server.token_for("alice")
    credentials = {"access_token": access, "refresh_token": refresh, "client_id": fake_pinterest.CLIENT_ID,
                   "client_secret": fake_pinterest.CLIENT_SECRET}  # fmt: skip
    ctx = context(Network.PINTEREST, credentials, clock, "900100200")
    part = PublishedPart(platform_post_id=pin.id)
    async with serving(server.handle, lambda c: PinterestAdapter(c, clock=clock, poll_s=0.001)) as adapter:
        await adapter.edit_published(
            ctx, part, edit("Indigo dye, step by step", title="Indigo", link="https://example.com/indigo")
        )
        assert pin.fields == {"description": "Indigo dye, step by step", "title": "Indigo",
                              "link": "https://example.com/indigo"}  # fmt: skip
        with pytest.raises(Rejected, match="invalid URL"):
            await adapter.edit_published(ctx, part, edit("x", link="not a link"))
        await adapter.delete_published(ctx, part)
        await adapter.delete_published(ctx, part)  # 404 "Pin not found.": deleted already
    assert server.deleted == [pin.id] and server.updates == [pin.id]


async def test_youtube_updates_the_snippet_and_deletes_counting_each_in_the_quota(clock: FakeClock) -> None:
    server = fake_youtube.FakeYouTube()
    server.oauth.now = lambda: clock.now().timestamp()
    video = server.add_video("alice", "Dye day", "Frist batch", clock.now().timestamp())
    access, refresh = server.issue("alice")
    credentials = {"access_token": access, "refresh_token": refresh, "client_id": fake_youtube.CLIENT_ID,
                   "client_secret": fake_youtube.CLIENT_SECRET}  # fmt: skip
    ctx = context(Network.YOUTUBE, credentials, clock, "UCalice0000000000000000")
    part = PublishedPart(platform_post_id=video.id)
    async with serving(server.handle, lambda c: YouTubeAdapter(c, clock=clock, retry_s=0.01)) as adapter:
        await adapter.edit_published(ctx, part, edit("First batch", title="Dye day 1", tags=["dye"]))
        assert video.snippet == {"title": "Dye day 1", "description": "First batch", "categoryId": "22",
                                 "tags": ["dye"]}  # fmt: skip
        assert server.units_spent() == 50
        await adapter.delete_published(ctx, part)
        await adapter.delete_published(ctx, part)  # videoNotFound: deleted already
    assert video.id not in server.videos and server.units_spent() == 150


async def test_instagram_and_tiktok_say_they_cannot_delete_or_edit(clock: FakeClock) -> None:
    async with httpx.AsyncClient() as client:
        for adapter in (InstagramAdapter(client, clock=clock), TikTokAdapter(client, clock=clock)):
            label = adapter.network.label
            assert not adapter.can_delete and adapter.edit_kind is None
            ctx = context(adapter.network, {}, clock, None)
            with pytest.raises(InvalidStateError, match=f"{label}'s API cannot delete"):
                await adapter.delete_published(ctx, PublishedPart(platform_post_id="1"))
            with pytest.raises(InvalidStateError, match=f"{label}'s API cannot"):
                await adapter.edit_published(ctx, PublishedPart(platform_post_id="1"), edit("x"))
