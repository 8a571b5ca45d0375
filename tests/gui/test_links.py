"""Opening an address from the window: when no browser opens, the window says so (issue #17).

The offscreen platform the tests run on has no browser at all (`QDesktopServices.openUrl` says
False, with a warning), as a fresh desktop without a default browser or `xdg-open` has none.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from outpost.domain.enums import Network
from outpost.engine import AddAccountRequest, Engine, PostInput, When
from outpost.gui.links import NoBrowserDialog
from outpost.gui.messages import MessageBridge
from outpost.gui.qt import QApplication
from outpost.gui.queue.view import QueueView
from outpost.gui.tasks import settle_ops
from tests.fakes import FakeClock, FakeNetwork, MemorySecretStore, fake_registry
from tests.gui.helpers import run_on_qasync

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support QPlatformServices::openUrl")


def test_open_on_a_published_post_without_a_browser_shows_its_address(qapp, qtbot, tmp_path: Path) -> None:
    async def scenario() -> None:
        engine = Engine.open(
            tmp_path, registry=fake_registry(FakeNetwork()), secrets=MemorySecretStore(), clock=FakeClock()
        )
        try:
            account = await engine.accounts.add(
                Network.MASTODON, AddAccountRequest(access_token="good-token")
            )
            post = await engine.posts.create(PostInput(text="hello", accounts=(account.id,)), When.now())
            [link] = [t.permalink for t in post.targets]
            view = QueueView(engine, messages=MessageBridge())
            qtbot.addWidget(view)
            view.load()
            await settle_ops()
            view.table.selectRow(0)
            view.buttons["Open"].click()
            dialog = view.findChild(NoBrowserDialog)
            assert dialog is not None and dialog.isVisible()
            assert "could not open a web browser for the published post" in dialog.text.text()
            assert dialog.address.text() == link and dialog.address.selectedText() == link
            dialog.copy.click()
            assert QApplication.clipboard().text() == link and dialog.copy.text() == "Copied"
        finally:
            await settle_ops()
            await engine.close()

    run_on_qasync(qapp, scenario)
