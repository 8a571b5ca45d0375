"""The queue's "Check now" (issue #20): read a post back from Mastodon at once, and say what it saw."""

from __future__ import annotations

import functools
from pathlib import Path

from outpost.adapters.base import AddAccountRequest
from outpost.adapters.mastodon import MastodonAdapter
from outpost.adapters.registry import AdapterRegistry
from outpost.domain.enums import Network, PostStatus
from outpost.engine import Engine, PostInput, When
from outpost.gui.messages import MessageBridge
from outpost.gui.queue.model import TEXT
from outpost.gui.queue.view import QueueView
from outpost.gui.tasks import settle_ops
from tests.contract.fake_mastodon import BASE, FakeMastodon
from tests.fakes import FakeClock, MemorySecretStore
from tests.gui.helpers import run_on_qasync
from tests.support.loopback import served


def test_check_now_in_the_context_menu_reads_the_post_back_and_the_row_says_what_it_saw(
    qapp, qtbot, tmp_path: Path
) -> None:
    server = FakeMastodon()
    clock = FakeClock()
    server.now = clock.now
    registry = AdapterRegistry({Network.MASTODON: functools.partial(MastodonAdapter, media_poll_s=0.001)})

    async def main() -> None:
        with served(server.handle, in_process=True) as transport:
            engine = Engine.open(
                tmp_path / "d",
                registry=registry,
                secrets=MemorySecretStore(),
                clock=clock,
                transport=transport,
            )
            try:
                await scenario(engine)
            finally:
                await settle_ops()
                await engine.close()

    async def scenario(engine: Engine) -> None:
        alice = await engine.accounts.add(
            Network.MASTODON, AddAccountRequest(service_url=BASE, access_token="token-alice")
        )
        view = QueueView(engine, messages=MessageBridge())
        qtbot.addWidget(view)
        said: list[str] = []
        view.messages.said.connect(lambda _level, text: said.append(text))
        draft = await engine.posts.create(PostInput(text="not yet", accounts=(alice.id,)), When.draft())
        post = await engine.posts.create(PostInput(text="is it there?", accounts=(alice.id,)), When.now())
        assert post.status is PostStatus.PUBLISHED
        view.load()
        await settle_ops()
        row = next(r for r in range(view.model.rowCount()) if view.model.post_at(r).id == post.id)
        view.table.selectRow(row)

        def check_action():  # type: ignore[no-untyped-def]
            rows = view.table.selectionModel().selectedRows()
            at = view.table.visualRect(view.model.index(rows[0].row(), TEXT)).center()
            menu = view.context_menu(at)
            assert menu is not None
            return next(a for a in menu.actions() if a.text() == "Check now")

        assert check_action().isEnabled()
        check_action().trigger()
        await settle_ops()
        assert said[-1] == "Checked: the post is on every network."
        view.load()
        await settle_ops()
        row = next(r for r in range(view.model.rowCount()) if view.model.post_at(r).id == post.id)
        assert "✓ Seen on the network at" in view.model.index(row, TEXT).data()

        server.statuses.clear()  # deleted on Mastodon
        view.table.selectRow(row)
        check_action().trigger()
        await settle_ops()
        assert "Mastodon no longer shows the post" in said[-1] and "will not post it again" in said[-1]
        view.load()
        await settle_ops()
        row = next(r for r in range(view.model.rowCount()) if view.model.post_at(r).id == post.id)
        assert "No longer on Mastodon" in view.model.index(row, TEXT).data()
        creates = [r for r in server.requests if r.method == "POST" and r.url.path == "/api/v1/statuses"]
        assert len(creates) == 1

        # A draft was never sent: nothing to check.
        view.table.selectRow(
            next(r for r in range(view.model.rowCount()) if view.model.post_at(r).id == draft.id)
        )
        assert not check_action().isEnabled()

    run_on_qasync(qapp, main)
