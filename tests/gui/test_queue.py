"""The queue: a checked Qt model, lazy pages, filters, search, live updates, and the actions."""

from __future__ import annotations

from pathlib import Path

import pytest

from outpost.adapters.base import AddAccountRequest
from outpost.domain.enums import Network, PostStatus
from outpost.engine import Engine, PostInput, When
from outpost.gui.messages import MessageBridge
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
        await engine.posts.edit(
            draft.id,
            __import__("outpost.engine", fromlist=["PostChanges"]).PostChanges(text="a quiet draft, edited"),
        )
        view.model.post_did_change(draft.id)
        await settle_ops()
        assert view.model.posts[0].text == "a quiet draft, edited"
        await engine.posts.delete(draft.id)
        view.model.post_did_change(draft.id)
        await settle_ops()
        assert view.model.rowCount() == 0

    run(qapp, tmp_path, remote, scenario)


def test_actions_follow_the_selected_post(qapp, qtbot, tmp_path, remote) -> None:
    async def scenario(engine: Engine, account: str) -> None:
        view = QueueView(engine, messages=MessageBridge())
        qtbot.addWidget(view)
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
        view.model.post_did_change(failed.id)
        await settle_ops()
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
