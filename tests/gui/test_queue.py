"""The queue: a checked Qt model, lazy pages, filters, search, live updates, and the actions."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from outpost.adapters.base import AddAccountRequest
from outpost.domain.enums import Network, PostStatus
from outpost.engine import Engine, PostChanges, PostInput, When
from outpost.engine.events import Event, PostDidChange
from outpost.gui.bridge import EngineBridge
from outpost.gui.messages import MessageBridge
from outpost.gui.qt import QObject
from outpost.gui.queue.model import PAGE, QueueModel
from outpost.gui.queue.view import QueueView
from outpost.gui.tasks import settle_ops
from tests.fakes import FakeClock, FakeNetwork, MemorySecretStore, fake_registry
from tests.gui.helpers import run_on_qasync


@pytest.fixture
def remote() -> FakeNetwork:
    return FakeNetwork()


def run(qapp, tmp_path: Path, remote: FakeNetwork, scenario) -> None:
    async def main() -> None:
        engine = Engine.open(
            tmp_path / "d", registry=fake_registry(remote), secrets=MemorySecretStore(), clock=FakeClock()
        )
        try:
            account = await engine.accounts.add(
                Network.MASTODON, AddAccountRequest(access_token="good-token")
            )
            await scenario(engine, account.id)
        finally:
            await settle_ops()
            await engine.close()

    run_on_qasync(qapp, main)


def follow_events(engine: Engine, model: QueueModel, owner: QObject) -> EngineBridge:
    """Wire the model to the engine's events as the window does (the bridge lives with `owner`)."""
    bridge = EngineBridge(engine.events, owner)
    bridge.post_did_change.connect(model.post_did_change)
    bridge.account_did_change.connect(model.account_did_change)
    return bridge


class Counted:
    """One of the real engine's services, counting the calls made through it (reads stay real)."""

    def __init__(self, service: object) -> None:
        self._service = service
        self.calls: Counter[str] = Counter()

    def __getattr__(self, name: str) -> Callable[..., object]:
        method = getattr(self._service, name)

        def counted(*args: object, **kwargs: object) -> object:
            self.calls[name] += 1
            return method(*args, **kwargs)

        return counted


class EngineSeenByTheQueue:
    """The real engine as the queue model reaches it, counting what the model reads."""

    def __init__(self, engine: Engine) -> None:
        self.settings = engine.settings
        self.posts = Counted(engine.posts)
        self.accounts = Counted(engine.accounts)

    def reads(self) -> dict[str, int]:
        return {f"posts.{k}": n for k, n in self.posts.calls.items()} | {
            f"accounts.{k}": n for k, n in self.accounts.calls.items()
        }


def test_model_passes_qtmodeltester_and_loads_pages_lazily(qapp, qtmodeltester, tmp_path, remote) -> None:
    async def scenario(engine: Engine, account: str) -> None:
        for i in range(PAGE + 30):
            await engine.posts.create(PostInput(text=f"post {i}", accounts=(account,)), When.draft())
        model = QueueModel(engine)
        model.reload()
        await settle_ops()
        assert model.rowCount() == PAGE and model.canFetchMore()
        qtmodeltester.check(model)
        model.fetchMore()
        await settle_ops()
        assert model.rowCount() == PAGE + 30 and not model.canFetchMore()
        assert model.data(model.index(0, 2)) == f"post {PAGE + 29}"  # newest first
        qtmodeltester.check(model)

    run(qapp, tmp_path, remote, scenario)


def test_filters_search_and_live_updates(qapp, qtbot, tmp_path, remote) -> None:
    async def scenario(engine: Engine, account: str) -> None:
        view = QueueView(engine, messages=MessageBridge())
        qtbot.addWidget(view)
        draft = await engine.posts.create(PostInput(text="a quiet draft", accounts=(account,)))
        await engine.posts.create(
            PostInput(text="scheduled hello", accounts=(account,)), When.scheduled("2026-12-01T09:00Z")
        )
        view.load()
        await settle_ops()
        assert view.model.rowCount() == 2
        view.filters["Scheduled"].click()
        await settle_ops()
        assert [p.text for p in view.model.posts] == ["scheduled hello"]
        view.filters["All"].click()
        view.model.reload(search="quiet")
        await settle_ops()
        assert [p.id for p in view.model.posts] == [draft.id]
        follow_events(engine, view.model, view)
        await engine.posts.edit(draft.id, PostChanges(text="a quiet draft, edited"))
        assert [p.text for p in view.model.posts] == ["a quiet draft, edited"]
        await engine.posts.create(PostInput(text="a loud draft", accounts=(account,)))
        await engine.posts.create(PostInput(text="another quiet one", accounts=(account,)))
        assert [p.text for p in view.model.posts] == ["another quiet one", "a quiet draft, edited"]
        await engine.posts.edit(draft.id, PostChanges(text="a loud draft now"))  # leaves the search
        assert [p.text for p in view.model.posts] == ["another quiet one"]
        view.model.reload(statuses=(PostStatus.SCHEDULED,), search="")
        await settle_ops()
        assert [p.text for p in view.model.posts] == ["scheduled hello"]
        await engine.posts.create(PostInput(text="quiet, not scheduled", accounts=(account,)))
        assert [p.text for p in view.model.posts] == ["scheduled hello"]  # a draft: filtered out
        await engine.posts.delete(view.model.posts[0].id)
        assert view.model.rowCount() == 0

    run(qapp, tmp_path, remote, scenario)


def test_actions_follow_the_selected_post(qapp, qtbot, tmp_path, remote) -> None:
    async def scenario(engine: Engine, account: str) -> None:
        view = QueueView(engine, messages=MessageBridge())
        qtbot.addWidget(view)
        follow_events(engine, view.model, view)
        remote.tokens.discard("good-token")
        failed = await engine.posts.create(PostInput(text="will fail", accounts=(account,)), When.now())
        view.load()
        await settle_ops()
        view.table.selectRow(0)
        assert view.buttons["Retry failed"].isEnabled() and not view.buttons["Open"].isEnabled()
        remote.tokens.add("good-token")
        view.retry()
        await settle_ops()
        assert (await engine.posts.get(failed.id)).status is PostStatus.PUBLISHED
        view.table.selectRow(0)
        assert view.buttons["Open"].isEnabled() and not view.buttons["Edit"].isEnabled()
        view.duplicate()
        await settle_ops()
        copies = await engine.posts.list([PostStatus.DRAFT])
        assert [p.text for p in copies] == ["will fail"]

    run(qapp, tmp_path, remote, scenario)


def test_look_for_it_is_offered_for_an_unknown_outcome_and_says_what_it_found(
    qapp, qtbot, tmp_path, remote
) -> None:
    from outpost.domain.errors import NetworkUnavailable

    async def scenario(engine: Engine, account: str) -> None:
        view = QueueView(engine, messages=MessageBridge())
        qtbot.addWidget(view)
        said: list[str] = []
        view.messages.said.connect(lambda _level, text: said.append(text))
        remote.fail_next_create.append(lambda: NetworkUnavailable("answer lost", may_have_taken_effect=True))
        post = await engine.posts.create(PostInput(text="where did it go", accounts=(account,)), When.now())
        assert post.status is PostStatus.NEEDS_REVIEW
        view.load()
        await settle_ops()
        view.table.selectRow(0)
        assert view.buttons["Look for it"].isEnabled() and not view.buttons["Retry failed"].isEnabled()
        view.look_for_it()
        await settle_ops()
        # This network cannot be searched: the person is told where to look instead.
        assert "offers Outpost no way to look" in said[-1] and "check the account" in said[-1]

    run(qapp, tmp_path, remote, scenario)


def test_events_carry_the_post_and_the_account_so_the_queue_reads_neither_again(
    qapp, qtmodeltester, tmp_path, remote
) -> None:
    """Each post event used to re-read the post and every account: a publish read them all per part."""

    async def scenario(engine: Engine, alice: str) -> None:
        first = await engine.posts.create(PostInput(text="first", accounts=(alice,)))
        second = await engine.posts.create(PostInput(text="second", accounts=(alice,)))
        seen = EngineSeenByTheQueue(engine)
        model = QueueModel(seen)  # type: ignore[arg-type]  # the real engine, reads counted
        follow_events(engine, model, model)
        model.reload()
        await settle_ops()
        qtmodeltester.check(model)  # it stays attached and checks every change below
        assert [p.text for p in model.posts] == ["second", "first"]
        assert seen.reads() == {"posts.list": 1, "accounts.list": 1}

        await engine.posts.edit(first.id, PostChanges(text="first, edited"))
        # Applied as the event arrived: the row changed before anything could be read.
        assert model.data(model.index(1, 2)) == "first, edited"
        bob = await engine.accounts.add(
            Network.MASTODON, AddAccountRequest(handle="bob@fake.example", access_token="good-token")
        )
        await engine.posts.create(
            PostInput(text="for bob", accounts=(bob.id,)), When.scheduled("2026-12-01T09:00Z")
        )
        assert [model.data(model.index(0, c)) for c in (0, 2, 3)] == [
            "scheduled",
            "for bob",
            "· mastodon:bob@fake.example",  # named from the account's own event
        ]
        await engine.posts.delete(second.id)
        assert [p.text for p in model.posts] == ["for bob", "first, edited"]
        await settle_ops()
        assert seen.reads() == {"posts.list": 1, "accounts.list": 1}  # nothing read again

    run(qapp, tmp_path, remote, scenario)


def test_an_event_without_its_post_reads_only_that_post(qapp, qtmodeltester, tmp_path, remote) -> None:
    """The publisher reports each part sent before it settles the post, without the post."""

    async def scenario(engine: Engine, alice: str) -> None:
        seen = EngineSeenByTheQueue(engine)
        model = QueueModel(seen)  # type: ignore[arg-type]
        follow_events(engine, model, model)
        model.reload()
        await settle_ops()
        qtmodeltester.check(model)
        bare: list[Event] = []
        engine.events.subscribe(
            lambda e: bare.append(e) if isinstance(e, PostDidChange) and e.post is None else None
        )
        await engine.posts.create(PostInput(text="one", thread=("two",), accounts=(alice,)), When.now())
        await settle_ops()
        assert len(bare) >= 2  # a part sent, twice, before the post settled
        assert seen.reads() == {"posts.list": 1, "accounts.list": 1, "posts.get": len(bare)}
        assert [model.data(model.index(0, c)) for c in (0, 2)] == ["published", "one  (+1 in thread)"]

    run(qapp, tmp_path, remote, scenario)
