"""The Instagram adapter through the engine, against a strict fake Instagram served over loopback.

Files go to a real HTTP media host on loopback (tests/support/media_host.py); the fake downloads
each URL it is given, as Instagram does, and every test that publishes checks that nothing is left
on the host afterwards.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator, Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import pytest_asyncio
from PIL import Image

from outpost.adapters.base import AddAccountRequest, HostedFile, Progress
from outpost.adapters.instagram import InstagramAdapter
from outpost.adapters.registry import AdapterRegistry
from outpost.domain.enums import ErrorCode, HealthState, Network, PostStatus, TargetStatus
from outpost.domain.errors import ValidationError
from outpost.domain.media_rules import RULES
from outpost.domain.models import Account, MediaAsset, Post
from outpost.engine import Engine, MediaInput, PostInput, When
from tests import media_fixtures
from tests.contract.fake_instagram import (
    CLIENT_ID,
    CLIENT_SECRET,
    FakeInstagram,
    throttled,
)
from tests.fakes import FakeClock, MemorySecretStore
from tests.support.loopback import LoopbackServer
from tests.support.media_host import LoopbackMediaHost

pytestmark = pytest.mark.asyncio
DAY = timedelta(days=1)


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A short vertical H.264 clip (made once: encoding is the slow part), long enough for a Reel."""
    return media_fixtures.video(tmp_path_factory.mktemp("clip") / "clip.mp4", 180, 320, seconds=3.2)


@pytest.fixture
def server(clock: FakeClock) -> FakeInstagram:
    return FakeInstagram(now=lambda: clock.now().timestamp())  # Instagram and Outpost share one time


@pytest.fixture
def loopback(server: FakeInstagram) -> Iterator[LoopbackServer]:
    with LoopbackServer(server.handle) as running:
        yield running
    assert running.errors == [], running.errors


class FaultyMediaHost(LoopbackMediaHost):
    """The loopback media host, which can also lose an object or garble its bytes after the upload.

    Attributes:
        lose_next: the next uploads are gone when Instagram comes for them (it gets 404).
        corrupt_next: the next uploads serve bytes that are no picture or video.
    """

    def __init__(self, clock: FakeClock) -> None:
        super().__init__(clock.now)
        self.lose_next = 0
        self.corrupt_next = 0

    async def put(self, asset: MediaAsset, progress: Progress | None = None) -> HostedFile:
        hosted = await super().put(asset, progress)
        if self.lose_next:
            self.lose_next -= 1
            self.objects.pop(hosted.key)
        elif self.corrupt_next:
            self.corrupt_next -= 1
            self.objects[hosted.key] = (b"\x00" * 4096, asset.mime_type)
        return hosted


@pytest.fixture
def host(clock: FakeClock) -> Iterator[FaultyMediaHost]:
    running = FaultyMediaHost(clock)
    running.start()
    try:
        yield running
    finally:
        running.stop()


def open_engine(
    path: Path, loopback: LoopbackServer, clock: FakeClock, secrets: MemorySecretStore, host: object
) -> Engine:
    registry = AdapterRegistry({Network.INSTAGRAM: functools.partial(InstagramAdapter, poll_s=0.001)})
    return Engine.open(
        path,
        registry=registry,
        secrets=secrets,
        clock=clock,
        transport=loopback.transport(),
        media_host=host,  # type: ignore[arg-type]
        media_in_process=True,  # no worker process to start for each test
    )


@pytest_asyncio.fixture
async def engine(
    tmp_path: Path,
    loopback: LoopbackServer,
    clock: FakeClock,
    secrets: MemorySecretStore,
    host: FaultyMediaHost,
) -> AsyncIterator[Engine]:
    eng = open_engine(tmp_path / "data", loopback, clock, secrets, host)
    yield eng
    await eng.close()
    assert host.objects == {}, "files were left on the media host"


@pytest_asyncio.fixture
async def alice(engine: Engine, server: FakeInstagram) -> Account:
    """A token from the App Dashboard, two days old, added without saying when it ends."""
    token = server.issue(age_s=2 * 86400)
    return await engine.accounts.add(Network.INSTAGRAM, AddAccountRequest(access_token=token))


async def publish(engine: Engine, account: Account, text: str, *media: MediaInput, **options: str) -> Post:
    post = await engine.posts.create(
        PostInput(
            text=text,
            accounts=(account.id,),
            media=media,
            options=tuple(("instagram", key, value) for key, value in options.items()),
        ),
        When.now(),
    )
    return post


# -- accounts ----------------------------------------------------------------------------------


async def test_a_token_added_by_hand_is_checked_renewed_and_its_health_says_when_it_ends(
    alice: Account, server: FakeInstagram, secrets: MemorySecretStore, clock: FakeClock
) -> None:
    assert (alice.handle, alice.display_name, alice.target_id) == (
        "alice.makes",
        "Alice Makes",
        server.user_id(),
    )
    kept = secrets.secrets[alice.secret_ref]
    assert kept["access_token"] in server.tokens and set(kept) == {"access_token", "expires_at", "user_id"}
    health = alice.health
    assert health.state is HealthState.OK and health.sign_in_ends_at == clock.now() + timedelta(days=60)
    assert health.quota is not None and (health.quota.used, health.quota.limit) == (0, 100)
    assert health.missing_permissions == ()
    assert alice.avatar_url == server.users["alice"]["profile_picture_url"]


async def test_the_sign_in_is_renewed_before_its_60_days_end_and_kept_in_the_keyring(
    alice: Account, engine: Engine, clock: FakeClock, secrets: MemorySecretStore, server: FakeInstagram
) -> None:
    old = secrets.secrets[alice.secret_ref]["access_token"]
    clock.advance(29 * DAY)  # 31 days left: not yet due
    [checked] = await engine.accounts.check(alice.id)
    assert secrets.secrets[alice.secret_ref]["access_token"] == old
    clock.advance(2 * DAY)  # 29 days left: renewed at the next use
    [checked] = await engine.accounts.check(alice.id)
    new = secrets.secrets[alice.secret_ref]["access_token"]
    assert new != old and old not in server.tokens  # the fake retires the old one, as strictly as can be
    assert checked.health.sign_in_ends_at == clock.now() + timedelta(days=60)
    assert checked.health.state is HealthState.OK


async def test_a_revoked_token_breaks_the_account_and_says_reconnect(
    alice: Account, engine: Engine, server: FakeInstagram, secrets: MemorySecretStore, tmp_path: Path
) -> None:
    server.tokens[secrets.secrets[alice.secret_ref]["access_token"]].revoked = True
    photo = media_fixtures.image(tmp_path / "p.jpg", 1080, 1080)
    post = await publish(engine, alice, "after the password change", MediaInput(str(photo)))
    error = post.targets[0].error
    assert error is not None and error.code is ErrorCode.AUTH_EXPIRED and "Reconnect" in error.message
    assert (await engine.accounts.get(alice.id)).health.state is HealthState.BROKEN
    assert server.container_requests() == [] and server.media == []


async def test_an_expired_sign_in_reads_code_190_in_plain_words(
    engine: Engine, server: FakeInstagram, clock: FakeClock
) -> None:
    token = server.issue(lifetime_s=3 * 86400, age_s=2 * 86400)  # ends tomorrow; added without --expires-at
    account = await engine.accounts.add(Network.INSTAGRAM, AddAccountRequest(access_token=token))
    server.tokens.clear()  # Meta forgot it (expired, password changed…): code 190
    [checked] = await engine.accounts.check(account.id)
    assert checked.health.state is HealthState.BROKEN
    message = checked.health.message or ""
    assert "Instagram refused the sign-in" in message and "Reconnect the account" in message
    assert token not in message


async def test_missing_permissions_are_named_on_the_health_card(
    engine: Engine, server: FakeInstagram
) -> None:
    token = server.issue(permissions=("instagram_business_basic",), age_s=2 * 86400)
    account = await engine.accounts.add(Network.INSTAGRAM, AddAccountRequest(access_token=token))
    health = account.health
    assert health.missing_permissions == ("instagram_business_content_publish",)
    assert health.state is HealthState.DEGRADED and health.quota is None
    assert "instagram_business_content_publish" in (health.message or "")


async def test_a_token_for_another_account_than_target_is_refused(
    engine: Engine, server: FakeInstagram
) -> None:
    with pytest.raises(ValidationError, match=r"publishes as @alice\.makes"):
        await engine.accounts.add(
            Network.INSTAGRAM, AddAccountRequest(access_token=server.issue(), target_id="1784149999")
        )


async def test_signing_in_through_the_browser_with_the_pasted_address(
    engine: Engine, server: FakeInstagram, loopback: LoopbackServer, secrets: MemorySecretStore
) -> None:
    """Meta sends the browser to https://localhost:PORT/callback (nothing answers): the person
    copies that address into Outpost, which trades the code for a 60-day token."""
    server.token_shape = "data"  # as Meta documents it: the answer wrapped in `data`
    server.declined = {"instagram_business_manage_comments", "instagram_business_manage_insights"}
    await engine.accounts.set_app(Network.INSTAGRAM, CLIENT_ID, CLIENT_SECRET)
    landed: list[str] = []

    async def browser(url: str) -> None:
        async with httpx.AsyncClient(transport=loopback.transport()) as web:
            consent = await web.get(url)
        assert consent.status_code == 302, consent.text
        landed.append(consent.headers["location"])

    async def paste(prompt: str) -> str:
        return landed[0]

    account = await engine.accounts.connect(Network.INSTAGRAM, open_url=browser, ask_pasted=paste)
    assert landed[0].startswith("https://localhost:8765/callback?code=") and landed[0].endswith("#_")
    kept = secrets.secrets[account.secret_ref]
    assert server.tokens[kept["access_token"]].long_lived and "client_secret" not in kept
    assert kept["scope"] == "instagram_business_basic,instagram_business_content_publish"
    assert account.health.state is HealthState.OK and account.health.missing_permissions == ()
    exchange = next(r for r in server.requests if r.url.path == "/oauth/access_token")
    assert b"client_secret=ig-app-secret-do-not-leak" in exchange.content


async def test_without_a_way_to_paste_the_sign_in_says_where_it_works(
    engine: Engine, server: FakeInstagram
) -> None:
    await engine.accounts.set_app(Network.INSTAGRAM, CLIENT_ID, CLIENT_SECRET)

    async def browser(url: str) -> None:
        raise AssertionError("no browser should open when the address cannot be pasted back")

    with pytest.raises(Exception, match="outpost accounts connect instagram"):
        await engine.accounts.connect(Network.INSTAGRAM, open_url=browser)


# -- publishing --------------------------------------------------------------------------------


async def test_a_png_becomes_a_jpeg_copy_instagram_really_fetches_and_the_host_ends_empty(
    engine: Engine, alice: Account, server: FakeInstagram, host: FaultyMediaHost, tmp_path: Path
) -> None:
    png = media_fixtures.image(tmp_path / "garden.png", 1200, 1200)
    prepared = await engine.media.prepare(
        engine.media.asset(await engine.media.inspect(str(png))), RULES[Network.INSTAGRAM]
    )
    assert prepared.mime_type == "image/jpeg" and Path(prepared.path).read_bytes()[:3] == b"\xff\xd8\xff"
    post = await publish(engine, alice, "The dye garden #plants", MediaInput(str(png), "Rows of madder"))
    target = post.targets[0]
    assert post.status is PostStatus.PUBLISHED, target.error
    [media] = server.media
    assert (media.caption, media.kind, media.alt_texts) == (
        "The dye garden #plants",
        "IMAGE",
        ["Rows of madder"],
    )
    assert (target.platform_post_id, target.permalink) == (media.id, media.permalink)
    [created] = server.container_requests()
    assert created["image_url"] in server.fetched and created["image_url"].startswith(host.base_url)
    assert host.objects == {} and len(host.deleted) == 1


async def test_a_feed_picture_outside_4_5_to_1_91_is_cropped_and_a_story_keeps_its_9_16(
    engine: Engine, alice: Account, server: FakeInstagram, tmp_path: Path
) -> None:
    tall = media_fixtures.image(tmp_path / "tall.jpg", 1080, 1920)
    feed = await publish(engine, alice, "tall in the feed", MediaInput(str(tall)))
    story = await publish(engine, alice, "", MediaInput(str(tall)), content_type="story")
    for post in (feed, story):
        assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    sizes = [_fetched_size(server, fields["image_url"]) for fields in server.container_requests()]
    assert sizes[0][0] / sizes[0][1] == pytest.approx(4 / 5, abs=0.01)  # the crop a feed needs
    assert sizes[1][0] / sizes[1][1] == pytest.approx(9 / 16, abs=0.01)  # a story's whole picture
    assert [m.product for m in server.media] == ["FEED", "STORY"]
    assert server.container_requests()[1] == {"image_url": server.container_requests()[1]["image_url"],
                                              "media_type": "STORIES"}  # fmt: skip


def _fetched_size(server: FakeInstagram, url: str) -> tuple[int, int]:
    """The size of the picture Instagram downloaded (the fake keeps the URL; we fetch the record)."""
    return server.fetched_sizes[url]


async def test_a_carousel_mixes_pictures_and_a_video_with_alt_text_and_collaborators(
    engine: Engine, alice: Account, server: FakeInstagram, host: FaultyMediaHost, tmp_path: Path, clip: Path
) -> None:
    one = media_fixtures.image(tmp_path / "one.jpg", 1080, 1350)
    two = media_fixtures.image(tmp_path / "two.png", 1080, 1080)
    post = await publish(
        engine,
        alice,
        "Three looks at the studio #studio @bob.weaves",
        MediaInput(str(one), "A loom, front"),
        MediaInput(str(two), "Yarn on shelves"),
        MediaInput(str(clip), "ignored on videos"),
        collaborators="bob.weaves,carol_dyes",
    )
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    [carousel] = server.media
    assert carousel.kind == "CAROUSEL_ALBUM" and len(carousel.children) == 3
    assert carousel.alt_texts == ["A loom, front", "Yarn on shelves", ""]
    assert carousel.collaborators == ["bob.weaves", "carol_dyes"]
    children = server.container_requests()[:3]
    assert all(c["is_carousel_item"] == "true" and "caption" not in c for c in children)
    assert children[2]["media_type"] == "VIDEO" and children[2]["video_url"] in server.fetched
    assert len(server.publish_requests()) == 1 and host.objects == {} and len(host.deleted) == 3


async def test_a_reel_with_its_cover_picture_and_one_kept_out_of_the_feed(
    engine: Engine, alice: Account, server: FakeInstagram, tmp_path: Path, clip: Path
) -> None:
    cover = media_fixtures.image(tmp_path / "cover.png", 720, 1280)
    with_cover = await publish(engine, alice, "Spinning", MediaInput(str(clip)), MediaInput(str(cover)),
                               content_type="reels")  # fmt: skip
    no_feed = await publish(engine, alice, "Only in Reels", MediaInput(str(clip)), content_type="reels",
                            share_to_feed="false", thumb_offset="1500")  # fmt: skip
    for post in (with_cover, no_feed):
        assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    first, second = server.container_requests()
    assert first["media_type"] == "REELS" and first["share_to_feed"] == "true"
    assert first["cover_url"] in server.fetched and "thumb_offset" not in first
    assert (second["share_to_feed"], second["thumb_offset"]) == ("false", "1500")
    assert [m.product for m in server.media] == ["REELS", "REELS"]
    assert (
        with_cover.targets[0].permalink == server.media[0].permalink and "/reel/" in server.media[0].permalink
    )


async def test_instagram_rules_are_checked_before_anything_is_sent_all_at_once(
    engine: Engine, alice: Account, server: FakeInstagram, host: FaultyMediaHost, tmp_path: Path, clip: Path
) -> None:
    photo = media_fixtures.image(tmp_path / "p.jpg", 1080, 1080)
    tags = " ".join(f"#tag{i}" for i in range(31))
    mentions = " ".join(f"@friend{i}" for i in range(21))
    with pytest.raises(ValidationError) as caught:
        await engine.posts.create(
            PostInput(
                text=f"{tags} {mentions}",
                accounts=(alice.id,),
                media=(MediaInput(str(photo)),),
                options=(
                    ("instagram", "share_to_feed", "true"),
                    ("instagram", "collaborators", "a,b,c,d"),
                ),
            )
        )
    rules = {p.rule for p in caught.value.problems}
    assert {"max_hashtags", "max_mentions", "reels_only", "max_collaborators"} <= rules
    with pytest.raises(ValidationError, match="limit of 2200 by 1"):
        await engine.posts.create(
            PostInput(text="x" * 2201, accounts=(alice.id,), media=(MediaInput(str(photo)),))
        )
    with pytest.raises(ValidationError, match="need a picture or a video"):
        await engine.posts.create(PostInput(text="just words", accounts=(alice.id,)))
    with pytest.raises(ValidationError, match="a Reel is one video"):
        await engine.posts.create(
            PostInput(
                text="r",
                accounts=(alice.id,),
                media=(MediaInput(str(photo)),),
                options=(("instagram", "content_type", "reels"),),
            )
        )
    with pytest.raises(ValidationError, match="at most 1"):
        await engine.posts.create(
            PostInput(
                text="",
                accounts=(alice.id,),
                media=(MediaInput(str(photo)), MediaInput(str(clip))),
                options=(("instagram", "content_type", "story"),),
            )
        )
    assert server.container_requests() == [] and host.objects == {} and host.fetched == []


async def test_without_a_media_host_the_post_is_refused_saying_how_to_set_one(
    tmp_path: Path,
    loopback: LoopbackServer,
    clock: FakeClock,
    secrets: MemorySecretStore,
    server: FakeInstagram,
) -> None:
    eng = open_engine(tmp_path / "bare", loopback, clock, secrets, None)
    try:
        account = await eng.accounts.add(Network.INSTAGRAM, AddAccountRequest(access_token=server.issue()))
        photo = media_fixtures.image(tmp_path / "p.jpg", 1080, 1080)
        with pytest.raises(ValidationError) as caught:
            await eng.posts.create(
                PostInput(text="hi", accounts=(account.id,), media=(MediaInput(str(photo)),))
            )
        [problem] = caught.value.problems
        assert problem.field == "media_host" and "outpost media-host set" in problem.message
    finally:
        await eng.close()


async def test_when_the_24_hour_quota_is_used_up_the_post_waits_for_a_free_slot(
    engine: Engine, alice: Account, server: FakeInstagram, clock: FakeClock, tmp_path: Path
) -> None:
    server.quota_total = 1
    photo = media_fixtures.image(tmp_path / "p.jpg", 1080, 1080)
    first = await publish(engine, alice, "the day's one post", MediaInput(str(photo)))
    assert first.status is PostStatus.PUBLISHED
    published_at = clock.now()
    clock.advance(timedelta(hours=3))
    second = await publish(engine, alice, "one too many", MediaInput(str(photo)))
    error = second.targets[0].error
    assert second.status is PostStatus.FAILED and error is not None and error.code is ErrorCode.RATE_LIMITED
    assert error.retry_at == published_at + DAY and "limit of 1 posts in 24 hours" in error.message
    assert len(server.container_requests()) == 1  # nothing was made for the refused post
    [checked] = await engine.accounts.check(alice.id)
    assert checked.health.quota is not None and checked.health.quota.left == 0


async def test_throttling_waits_as_long_as_meta_says_then_goes_out_once(
    engine: Engine, alice: Account, server: FakeInstagram, clock: FakeClock, tmp_path: Path
) -> None:
    server.fail("POST /:id/media", lambda: throttled(code=4, minutes=15))
    photo = media_fixtures.image(tmp_path / "p.jpg", 1080, 1080)
    started = clock.now()
    post = await publish(engine, alice, "during a busy hour", MediaInput(str(photo)))
    assert post.status is PostStatus.PUBLISHED, post.targets[0].error
    assert clock.now() - started >= timedelta(minutes=15)  # the wait Meta's usage header asked for
    assert len(server.media) == 1


async def test_a_file_instagram_cannot_fetch_fails_in_plain_words_and_leaves_nothing(
    engine: Engine, alice: Account, server: FakeInstagram, host: FaultyMediaHost, tmp_path: Path
) -> None:
    host.lose_next = 3  # the bucket "loses" the object: Instagram's download gets 404, on every try
    photo = media_fixtures.image(tmp_path / "p.jpg", 1080, 1080)
    post = await publish(engine, alice, "lost on the way", MediaInput(str(photo)))
    error = post.targets[0].error
    assert error is not None and error.code is ErrorCode.MEDIA_REJECTED
    assert error.message.startswith("Instagram could not fetch the file from your media host")
    assert "media host is reachable" in error.message and server.media == []


async def test_a_video_instagram_cannot_process_ends_its_container_in_error_in_plain_words(
    engine: Engine, alice: Account, server: FakeInstagram, host: FaultyMediaHost, tmp_path: Path, clip: Path
) -> None:
    host.corrupt_next = 1  # the bytes Instagram gets are not a video
    post = await publish(engine, alice, "a broken clip", MediaInput(str(clip)), content_type="reels")
    error = post.targets[0].error
    assert (
        error is not None
        and error.code is ErrorCode.MEDIA_REJECTED
        and "does not take this video" in error.message
    )
    assert server.media == [] and host.objects == {}


async def test_a_failed_upload_to_the_media_host_is_retried_and_goes_out_once(
    engine: Engine, alice: Account, server: FakeInstagram, host: FaultyMediaHost, tmp_path: Path
) -> None:
    host.fail_puts = 1
    photo = media_fixtures.image(tmp_path / "p.jpg", 1080, 1080)
    post = await publish(engine, alice, "second time lucky", MediaInput(str(photo)))
    assert post.status is PostStatus.PUBLISHED and post.targets[0].attempts == 2
    assert len(server.media) == 1 and host.objects == {}


async def test_a_lost_media_publish_answer_is_settled_by_the_container_never_published_twice(
    engine: Engine, alice: Account, server: FakeInstagram, tmp_path: Path
) -> None:
    server.publish_then_drop = 1
    photo = media_fixtures.image(tmp_path / "p.jpg", 1080, 1080)
    post = await publish(engine, alice, "did it land?", MediaInput(str(photo)))
    target = post.targets[0]
    assert post.status is PostStatus.PUBLISHED, target.error
    [media] = server.media
    assert target.platform_post_id == media.id and len(server.publish_requests()) == 1
    server.publish_then_drop = 1  # a story has no caption: it is found among the account's stories
    story = await publish(engine, alice, "", MediaInput(str(photo)), content_type="story")
    assert story.status is PostStatus.PUBLISHED, story.targets[0].error
    assert story.targets[0].platform_post_id == server.media[1].id and server.media[1].product == "STORY"
    assert len(server.publish_requests()) == 2


async def test_an_unsettled_lost_answer_is_unknown_until_outpost_looks_for_it(
    engine: Engine, alice: Account, server: FakeInstagram, tmp_path: Path
) -> None:
    server.publish_then_drop = 1
    unknown_error = {"error": {"message": "An unknown error occurred", "code": 1, "type": "OAuthException"}}
    server.on_publish = lambda: server.fail("GET /:id", lambda: httpx.Response(500, json=unknown_error))
    photo = media_fixtures.image(tmp_path / "p.jpg", 1080, 1080)
    post = await publish(engine, alice, "landed, unseen", MediaInput(str(photo)))
    assert post.status is PostStatus.NEEDS_REVIEW and post.targets[0].status is TargetStatus.UNKNOWN
    settled = await engine.posts.look_for_unknown(post.id)
    target = settled.targets[0]
    assert settled.status is PostStatus.PUBLISHED and target.platform_post_id == server.media[0].id
    assert len(server.publish_requests()) == 1


async def test_a_refused_media_publish_with_no_post_is_found_not_to_exist(
    engine: Engine, alice: Account, server: FakeInstagram, tmp_path: Path
) -> None:
    server.fail("POST /:id/media_publish", lambda: httpx.Response(502, text="Bad Gateway"))
    photo = media_fixtures.image(tmp_path / "p.jpg", 1080, 1080)
    post = await publish(engine, alice, "a 502 at the worst moment", MediaInput(str(photo)))
    assert post.targets[0].status is TargetStatus.UNKNOWN and server.media == []
    looked = await engine.posts.look_for_unknown(post.id)
    error = looked.targets[0].error
    assert looked.targets[0].status is TargetStatus.UNKNOWN and error is not None
    assert "did not find" in error.message and len(server.publish_requests()) == 1


async def test_the_adapter_comments_under_its_own_post(
    engine: Engine, alice: Account, server: FakeInstagram, tmp_path: Path
) -> None:
    photo = media_fixtures.image(tmp_path / "p.jpg", 1080, 1080)
    post = await publish(engine, alice, "with a first comment", MediaInput(str(photo)))
    connections = engine._core.connections  # the first-comment feature will call this (issue #22)
    adapter = connections.adapter(Network.INSTAGRAM)
    assert isinstance(adapter, InstagramAdapter)
    media_id = post.targets[0].platform_post_id
    assert media_id is not None
    comment = await adapter.post_comment(
        connections.context(alice), post.targets[0].parts[0], "Links in bio #studio", "comment-1"
    )
    assert comment.platform_post_id and server.media[0].comments == ["Links in bio #studio"]


# -- the fake is as strict as Instagram --------------------------------------------------------


async def test_the_fake_refuses_publishing_a_container_before_it_is_finished(
    server: FakeInstagram, loopback: LoopbackServer, host: FaultyMediaHost, tmp_path: Path, clip: Path
) -> None:
    hosted = await host.put(_asset(clip, "video/mp4"))
    token, user = server.issue(), server.user_id()
    async with httpx.AsyncClient(
        transport=loopback.transport(), headers={"Authorization": f"Bearer {token}"}
    ) as api:
        made = await api.post(f"https://graph.instagram.com/v25.0/{user}/media",
                              data={"media_type": "REELS", "video_url": hosted.url})  # fmt: skip
        early = await api.post(f"https://graph.instagram.com/v25.0/{user}/media_publish",
                               data={"creation_id": made.json()["id"]})  # fmt: skip
        png = await api.post(f"https://graph.instagram.com/v25.0/{user}/media",
                             data={"image_url": (await host.put(_png(tmp_path))).url})  # fmt: skip
    assert early.status_code == 400 and early.json()["error"]["error_subcode"] == 2207027
    assert png.json()["error"]["error_subcode"] == 2207005  # JPEG only
    assert server.media == []
    await host.delete(hosted)


def _asset(path: Path, mime: str) -> MediaAsset:
    return MediaAsset(id="med_x", path=str(path), mime_type=mime, size=path.stat().st_size, kind="video")


def _png(tmp_path: Path) -> MediaAsset:
    path = tmp_path / "x.png"
    Image.new("RGB", (400, 400)).save(path)
    return MediaAsset(id="med_p", path=str(path), mime_type="image/png", size=path.stat().st_size)
