"""The accounts panel: health in plain words, and Check now / Remove / Add account."""

from __future__ import annotations

from pathlib import Path

from outpost.adapters.base import AddAccountRequest
from outpost.domain.enums import Network
from outpost.engine import Engine
from outpost.gui.dialogs.add_account import AddAccountDialog
from outpost.gui.health.panel import HealthPanel
from outpost.gui.qt import QMessageBox
from outpost.gui.tasks import settle_ops
from tests.fakes import FakeClock, FakeNetwork, MemorySecretStore, fake_registry
from tests.gui.helpers import run_on_qasync


def test_cards_show_health_and_check_now_reports_a_revoked_token(
    qapp, qtbot, tmp_path: Path, monkeypatch
) -> None:
    remote, secrets = FakeNetwork(), MemorySecretStore()

    async def scenario() -> None:
        engine = Engine.open(tmp_path, registry=fake_registry(remote), secrets=secrets, clock=FakeClock())
        panel = HealthPanel(engine)
        qtbot.addWidget(panel)
        try:
            account = await engine.add_account(Network.MASTODON, AddAccountRequest(access_token="good-token"))
            panel.refresh()
            await settle_ops()
            card = panel.cards[account.id]
            assert "Connected" in card.title.text() and "Token valid: yes" in card.facts.text()
            remote.tokens.clear()
            panel.check(account)
            await settle_ops()
            await settle_ops()
            card = panel.cards[account.id]
            assert "Needs reconnecting" in card.title.text()
            assert (
                "Token valid: no" in card.facts.text()
                and "Last problem: The access token was revoked" in card.facts.text()
            )
            monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
            panel.remove(account)
            await settle_ops()
            await settle_ops()
            assert panel.cards == {} and secrets.secrets == {} and not panel.empty.isHidden()
        finally:
            await settle_ops()
            await engine.close()

    run_on_qasync(qapp, scenario)


def test_add_account_dialog_asks_each_network_for_what_it_needs(qtbot) -> None:
    dialog = AddAccountDialog([Network.MASTODON, Network.BLUESKY])
    qtbot.addWidget(dialog)
    x_index = dialog.network.findData("x")
    assert not dialog.network.model().item(x_index).isEnabled()  # no adapter yet: not offered
    dialog.server.setText("https://social.example")
    assert dialog.result_request() == (
        Network.MASTODON,
        AddAccountRequest(service_url="https://social.example"),
    )
    dialog.secret.setText("tok")
    assert dialog.result_request()[1] == AddAccountRequest(
        service_url="https://social.example", access_token="tok"
    )
    dialog.network.setCurrentIndex(dialog.network.findData("bluesky"))
    dialog.handle.setText("me.bsky.social")
    dialog.secret.setText("aaaa-bbbb-cccc-dddd")
    dialog.server.clear()
    assert dialog.result_request() == (
        Network.BLUESKY,
        AddAccountRequest(handle="me.bsky.social", app_password="aaaa-bbbb-cccc-dddd"),
    )
