"""A published post deleted and edited on its networks from the window (issue #24), offscreen.

A real window over a real engine, whose Mastodon adapter talks to the strict fake Mastodon over
loopback: the queue's menu, the confirmation that names each network, the results, and the
composer's "edit on the networks" mode.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from pathlib import Path

from outpost.adapters.base import AddAccountRequest
from outpost.adapters.mastodon import MastodonAdapter
from outpost.adapters.registry import AdapterRegistry
from outpost.domain.enums import Network
from outpost.engine import Engine, PostInput, When
from outpost.gui.composer.network_edit import ResultsDialog
from outpost.gui.mainwindow import MainWindow
from outpost.gui.qt import QLabel
from outpost.gui.tasks import settle_ops
from tests.contract.fake_mastodon import BASE, FakeMastodon
from tests.fakes import FakeClock, MemorySecretStore
from tests.gui.helpers import run_on_qasync
from tests.support.loopback import served

Scenario = Callable[[MainWindow, Engine, FakeMastodon, str], Awaitable[None]]


def run(qapp: object, qtbot: object, tmp_path: Path, scenario: Scenario) -> None:
    fake = FakeMastodon()

    async def main() -> None:
        registry = AdapterRegistry({Network.MASTODON: functools.partial(MastodonAdapter, media_poll_s=0.001)})
        with served(fake.handle) as transport:
            engine = Engine.open(
                tmp_path / "d",
                registry=registry,
                secrets=MemorySecretStore(),
                clock=FakeClock(),
                transport=transport,
            )
            account = await engine.accounts.add(
                Network.MASTODON, AddAccountRequest(service_url=BASE, access_token="token-alice")
            )
            post = await engine.posts.create(
                PostInput(text="Helo from the studio", accounts=(account.id,)), When.now()
            )
            window = MainWindow(engine, tray=False)
            qtbot.addWidget(window)  # type: ignore[attr-defined]
            window.show()
            try:
                await scenario(window, engine, fake, post.id)
            finally:
                window._quitting = True
                await settle_ops()
                await engine.close()

    run_on_qasync(qapp, main)


async def _select(window: MainWindow, post_id: str) -> None:
    window.queue.load()
    for _ in range(200):
        await settle_ops()
        if window.queue.model.rowCount():
            break
        await asyncio.sleep(0.01)
    row = next(r for r in range(window.queue.model.rowCount()) if window.queue.model.post_at(r).id == post_id)
    window.queue.table.selectRow(row)


def _actions(window: MainWindow, post_id: str) -> dict[str, bool]:
    post = window.queue.current
    assert post is not None and post.id == post_id
    return {a.text(): a.isEnabled() for a in window.queue.context_menu(post).actions() if a.text()}


def test_the_confirmation_names_each_network_then_shows_it_deleted(qapp, qtbot, tmp_path) -> None:
    async def scenario(window: MainWindow, engine: Engine, fake: FakeMastodon, post_id: str) -> None:
        await _select(window, post_id)
        assert _actions(window, post_id)["Delete from the networks…"] is True

        window.queue.delete_from_networks()
        await settle_ops()

        dialog = window.queue.network_dialog
        assert dialog.isVisible() and fake.statuses, "nothing is deleted before the person agrees"
        verdict = dialog.findChild(QLabel, "verdict:mastodon")
        message = dialog.findChild(QLabel, "message:mastodon")
        assert (verdict.text(), message.text()) == ("Will be deleted", "Deletes the post on Mastodon.")
        assert dialog.delete_button.text() == "Delete from 1 network"

        dialog.delete_button.click()
        await settle_ops()

        assert fake.statuses == [] and verdict.text() == "✓ Deleted"
        assert dialog.close_button.text() == "Close" and not dialog.delete_button.isEnabled()
        assert (await engine.posts.get(post_id)).targets[0].deleted_at is not None
        await _select(window, post_id)
        assert _actions(window, post_id)["Delete from the networks…"] is False

    run(qapp, qtbot, tmp_path, scenario)


def test_the_composer_edits_a_published_post_on_its_networks(qapp, qtbot, tmp_path) -> None:
    async def scenario(window: MainWindow, engine: Engine, fake: FakeMastodon, post_id: str) -> None:
        await _select(window, post_id)
        assert _actions(window, post_id)["Edit on the networks…"] is True

        window.queue.edit_on_networks()
        await settle_ops()

        mode, composer = window.network_edit, window.composer
        assert mode.active and mode.isVisible() and window.pages.currentWidget() is composer
        assert not composer.publish_button.isVisible() and not composer.account_row.isEnabled()
        assert mode.findChild(QLabel, "verdict:mastodon").text() == "Edited in place"
        assert not mode.repost.isVisible()  # no network here needs deleting and posting again
        composer.text.setPlainText("Hello from the studio")
        composer.save_draft()  # autosave stays off: a published post is no draft
        await settle_ops()

        mode.save.click()
        await settle_ops()

        assert fake.statuses[0].text == "Hello from the studio" and fake.edits == [fake.statuses[0].id]
        results = mode.results
        assert isinstance(results, ResultsDialog) and results.isVisible()
        assert results.findChild(QLabel, "verdict:mastodon").text() == "✓ Edited"
        assert not mode.active and composer.publish_button.isVisible() and composer.text.toPlainText() == ""
        post = await engine.posts.get(post_id)
        assert post.text == "Hello from the studio" and post.status.value == "published"

    run(qapp, qtbot, tmp_path, scenario)
