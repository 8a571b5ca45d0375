"""Issue #22's tools through the real engine: UTM at publish time, first-comment warnings,
snippets in the store, and what this month cost on X."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from outpost.adapters.base import AddAccountRequest
from outpost.domain.enums import Network, PostStatus
from outpost.domain.errors import ValidationError
from outpost.domain.models import Account
from outpost.engine import Engine, PostChanges, PostInput, When
from outpost.store import Store
from outpost.store.migrations import MIGRATIONS
from tests.conftest import EngineFactory
from tests.fakes import FakeClock, FakeNetwork, may_have_published, refused_connection

pytestmark = pytest.mark.asyncio


async def add(engine: Engine, handle: str = "a@x") -> Account:
    return await engine.accounts.add(
        Network.MASTODON,
        AddAccountRequest(service_url="https://fake.example", handle=handle, access_token="good-token"),
    )


async def test_chosen_links_get_utm_tags_at_publish_time_and_the_saved_text_keeps_its_own(
    engine: Engine, remote: FakeNetwork
) -> None:
    account = await add(engine)
    engine.update_settings(utm_for=["mastodon"], utm_campaign="spring")
    text = "New https://shop.example/p and https://other.example/ and https://a.example/?utm_source=me"
    post = await engine.posts.create(
        PostInput(
            text=text,
            accounts=(account.id,),
            utm_links=("https://shop.example/p", "https://a.example/?utm_source=me"),
        ),
        When.now(),
    )
    (sent,) = remote.posts
    assert sent.text == (
        "New https://shop.example/p?utm_source=mastodon&utm_medium=social&utm_campaign=spring and "
        "https://other.example/ and https://a.example/?utm_source=me"
    )
    assert post.text == text  # the creator's text is untouched; tags are added on the way out
    assert post.utm_links == ("https://shop.example/p", "https://a.example/?utm_source=me")


async def test_no_tags_where_the_settings_tag_no_account(engine: Engine, remote: FakeNetwork) -> None:
    account = await add(engine)
    await engine.posts.create(
        PostInput(
            text="https://shop.example/p", accounts=(account.id,), utm_links=("https://shop.example/p",)
        ),
        When.now(),
    )
    assert remote.posts[0].text == "https://shop.example/p"


async def test_a_first_comment_to_a_network_that_takes_none_is_a_warning_naming_it(
    engine: Engine, remote: FakeNetwork
) -> None:
    account = await add(engine)
    post = await engine.posts.create(
        PostInput(text="hi", accounts=(account.id,), first_comment="more below"), When.now()
    )
    (warning,) = await engine.tools.first_comment_warnings(post)
    assert (warning.network, warning.rule, warning.account) == (
        "mastodon",
        "first_comment_unavailable",
        account.ref,
    )
    assert "without its first comment" in warning.message and "Mastodon" in warning.message
    assert post.status is PostStatus.PUBLISHED  # a warning, not a refusal
    assert post.targets[0].first_comment is None
    assert [p.text for p in remote.posts] == ["hi"]


async def test_first_comment_and_chosen_links_survive_an_edit_and_a_restart(
    engine: Engine, data_dir: Path
) -> None:
    account = await add(engine)
    post = await engine.posts.create(
        PostInput(text="a https://x.example/", accounts=(account.id,), first_comment="c")
    )
    edited = await engine.posts.edit(post.id, PostChanges(utm_links=("https://x.example/",)))
    assert (edited.first_comment, edited.utm_links) == ("c", ("https://x.example/",))
    cleared = await engine.posts.edit(post.id, PostChanges(first_comment=""))
    assert cleared.first_comment is None
    store = Store(data_dir)
    try:
        assert store.posts.get(post.id).utm_links == ("https://x.example/",)
        assert store.db.query("PRAGMA user_version")[0][0] == len(MIGRATIONS)
    finally:
        store.close()


async def test_snippets_are_kept_and_a_taken_trigger_is_refused(engine: Engine) -> None:
    sig = await engine.tools.save_snippet(name="Signature", trigger=";sig", text="— Ana", variants={"x": ""})
    assert sig.variants == {}  # an empty variant means the common text
    tags = await engine.tools.save_snippet(name="Tags", trigger=";t", text="#a #b", variants={"x": "#a"})
    assert [s.name for s in await engine.tools.snippets()] == ["Signature", "Tags"]
    with pytest.raises(ValidationError, match="already inserts “Signature”"):
        await engine.tools.save_snippet(name="Other", trigger=";sig", text="x")
    await engine.tools.save_snippet(snippet_id=tags.id, name="Tags", trigger=";t", text="#a #b #c")
    await engine.tools.delete_snippet(sig.id)
    assert [(s.name, s.text) for s in await engine.tools.snippets()] == [("Tags", "#a #b #c")]


async def test_this_months_cost_on_x_counts_what_was_sent(
    make_engine: EngineFactory, clock: FakeClock
) -> None:
    x = FakeNetwork(network=Network.X, max_length=280)
    engine = make_engine(x)
    try:
        account = await engine.accounts.add(
            Network.X, AddAccountRequest(handle="me", access_token="good-token")
        )
        await engine.posts.create(
            PostInput(text="1/ https://a.example/", thread=("2/ plain",), accounts=(account.id,)), When.now()
        )
        await engine.posts.create(PostInput(text="draft https://a.example/", accounts=(account.id,)))
        total, count = await engine.tools.x_month()
        assert (total, count) == (pytest.approx(0.215), 1)  # the draft costs nothing yet
        clock.advance(timedelta(days=40))
        assert await engine.tools.x_month() == (0, 0)  # a new month
        live = engine.tools.x_cost(("https://a.example/",), first_comment_text="c", described_media=0)
        assert live.usd == pytest.approx(0.2)  # X's adapter here takes no first comment: not counted
    finally:
        await engine.close()


async def test_a_comment_whose_answer_was_lost_is_unknown_never_sent_again(
    make_engine: EngineFactory,
) -> None:
    remote = FakeNetwork(first_comment="self_reply")  # no idempotency keys
    engine = make_engine(remote)
    try:
        account = await add(engine)
        remote.fail_next_create = [None, may_have_published()]  # the post lands; the comment's answer is lost
        post = await engine.posts.create(
            PostInput(text="hi", accounts=(account.id,), first_comment="c"), When.now()
        )
        target = post.targets[0]
        assert post.status is PostStatus.PUBLISHED and target.status.value == "published"
        assert target.first_comment is not None and target.first_comment.status == "unknown"
        assert [p.text for p in remote.posts] == ["hi", "c"]  # on the network once; not re-sent
        assert remote.posts[1].reply_to == target.parts[0].platform_post_id
    finally:
        await engine.close()


async def test_a_refused_connection_is_retried_and_the_comment_posted(
    make_engine: EngineFactory, clock: FakeClock
) -> None:
    remote = FakeNetwork(first_comment="comment")
    engine = make_engine(remote)
    try:
        account = await add(engine)
        remote.fail_next_create = [None, None, refused_connection(), refused_connection()]
        post = await engine.posts.create(
            PostInput(text="1/", thread=("2/",), accounts=(account.id,), first_comment="c"), When.now()
        )
        state = post.targets[0].first_comment
        assert state is not None and (state.status, state.attempts) == ("posted", 3)
        # A comment (not a reply) goes on the post itself, the thread's first part.
        assert remote.posts[-1].reply_to == post.targets[0].parts[0].platform_post_id
        assert [p.text for p in remote.posts] == ["1/", "2/", "c"]
    finally:
        await engine.close()
