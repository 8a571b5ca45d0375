"""The accounts panel: health in plain words, and Check now / Remove / Add account."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from outpost.adapters.base import AddAccountRequest
from outpost.domain.enums import Network
from outpost.domain.models import Account, HealthReport, QuotaLeft
from outpost.engine import Engine
from outpost.gui.dialogs.add_account import AddAccountDialog
from outpost.gui.health.panel import AccountCard, HealthPanel
from outpost.gui.links import NoBrowserDialog
from outpost.gui.messages import MessageBridge
from outpost.gui.qt import QApplication, QDialogButtonBox, QMessageBox, QPushButton, QWidget
from outpost.gui.tasks import settle_ops
from tests.conftest import until
from tests.contract.fake_mastodon import BASE, FakeMastodon
from tests.fakes import FakeClock, FakeNetwork, MemorySecretStore, fake_registry
from tests.gui.helpers import run_on_qasync
from tests.support.no_keyring import no_keyring


def test_cards_show_health_and_check_now_reports_a_revoked_token(
    qapp, qtbot, tmp_path: Path, monkeypatch
) -> None:
    remote, secrets = FakeNetwork(), MemorySecretStore()

    async def scenario() -> None:
        engine = Engine.open(tmp_path, registry=fake_registry(remote), secrets=secrets, clock=FakeClock())
        panel = HealthPanel(engine, messages=MessageBridge())
        qtbot.addWidget(panel)
        try:
            account = await engine.accounts.add(
                Network.MASTODON, AddAccountRequest(access_token="good-token")
            )
            panel.refresh()
            await settle_ops()
            card = panel.cards[account.id]
            assert "Connected" in card.state.text() and "Token valid: yes" in card.facts.text()
            remote.tokens.clear()
            panel.check(account)
            await settle_ops()
            await settle_ops()
            card = panel.cards[account.id]
            assert "Needs reconnecting" in card.state.text()
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


def test_add_account_dialog_walks_through_the_developer_app_for_x_and_linkedin(qtbot) -> None:
    from outpost.adapters.base import DeveloperApp

    stored = {Network.LINKEDIN: DeveloperApp("li-id", "li-secret", 9000)}
    dialog = AddAccountDialog([Network.MASTODON, Network.X, Network.LINKEDIN], apps=stored)
    qtbot.addWidget(dialog)
    dialog.network.setCurrentIndex(dialog.network.findData("x"))
    dialog.port.setValue(8790)
    steps = dialog.help.text()
    assert "http://127.0.0.1:8790/callback" in steps and "offline.access" in steps and "Native App" in steps
    assert dialog.form.isRowVisible(dialog.client_id) and not dialog.form.isRowVisible(dialog.target)
    assert not dialog.form.isRowVisible(dialog.secret)  # no token box: X signs in through the browser
    dialog.client_id.setText("x-client")
    assert dialog.result_request() == (Network.X, AddAccountRequest(app=DeveloperApp("x-client", "", 8790)))

    dialog.network.setCurrentIndex(dialog.network.findData("linkedin"))
    assert (
        dialog.form.isRowVisible(dialog.target) and "urn:li:organization" in dialog.target.placeholderText()
    )
    dialog.client_id.clear()
    dialog._network_changed()  # a kept app fills the fields in; its secret stays in the keyring
    assert (dialog.client_id.text(), dialog.port.value()) == ("li-id", 9000)
    assert dialog.client_secret.text() == "" and "keyring" in dialog.client_secret.placeholderText()
    dialog.target.setText("urn:li:organization:2414183")
    assert dialog.result_request() == (
        Network.LINKEDIN,
        AddAccountRequest(
            target_id="urn:li:organization:2414183", app=DeveloperApp("li-id", "li-secret", 9000)
        ),
    )


def test_a_card_says_when_the_sign_in_ends_and_to_reconnect_in_the_last_week(
    qapp, qtbot, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    base = Account(id="acc_li", network=Network.LINKEDIN, handle="alice", secret_ref="r", created_at=now)

    async def scenario() -> None:
        engine = Engine.open(
            tmp_path, registry=fake_registry(FakeNetwork()), secrets=MemorySecretStore(), clock=FakeClock()
        )
        try:
            panel = HealthPanel(engine, messages=MessageBridge())
            qtbot.addWidget(panel)

            def card(days_left: int) -> AccountCard:
                health = HealthReport.summarise(
                    checked_at=now, sign_in_ends_at=now + timedelta(days=days_left)
                )
                made = AccountCard(base.model_copy(update={"health": health}), panel)
                qtbot.addWidget(made)
                return made

            later, soon = card(40), card(3)
            assert "Connected" in later.state.text() and "Permissions: all needed" in later.facts.text()
            assert "Sign-in ends: " in later.facts.text() and "reconnect" not in later.facts.text()
            assert "Limited" in soon.state.text() and "Permissions: all needed" in soon.facts.text()
            assert "— reconnect before then" in soon.facts.text()
            advised = AccountCard(
                base.model_copy(
                    update={"health": HealthReport.summarise(checked_at=now, message="No refresh token.")}
                ),
                panel,
            )
            qtbot.addWidget(advised)
            assert "Note: No refresh token." in advised.facts.text() and "problem" not in advised.facts.text()
            quota = QuotaLeft(used=240, limit=250, unit="posts", resets_at=now + timedelta(hours=3))
            limited = AccountCard(
                base.model_copy(
                    update={
                        "health": HealthReport.summarise(
                            checked_at=now,
                            token_has_scopes=False,
                            missing_permissions=("threads_content_publish",),
                            quota=quota,
                        )
                    }
                ),
                panel,
            )
            qtbot.addWidget(limited)
            assert "Missing permissions: threads_content_publish" in limited.facts.text()
            assert "Quota left today: 10 of 250 posts, resets " in limited.facts.text()
            videos = QuotaLeft.remaining(23, "videos", bytes_left=9_600_000_000)  # Bluesky: only what is left
            counted = AccountCard(
                base.model_copy(update={"health": HealthReport.summarise(checked_at=now, quota=videos)}),
                panel,
            )
            qtbot.addWidget(counted)
            assert "Quota left today: 23 videos (9.6 GB)" in counted.facts.text()
        finally:
            await settle_ops()
            await engine.close()

    run_on_qasync(qapp, scenario)


def test_without_a_keyring_add_account_opens_and_shows_commands_to_copy(qapp, qtbot, tmp_path: Path) -> None:
    said: list[str] = []

    async def scenario() -> None:
        engine = Engine.open(tmp_path, clock=FakeClock())  # the real networks and the (missing) keyring
        messages = MessageBridge()
        messages.said.connect(lambda _level, text: said.append(text))
        panel = HealthPanel(engine, messages=messages)
        qtbot.addWidget(panel)
        panel.show()
        try:
            with no_keyring():
                panel.findChild(QPushButton, "add_account").click()
                await settle_ops()
            dialog = panel.findChild(AddAccountDialog)
            assert dialog is not None and dialog.isVisible() and said == []  # a dialog, not a status line
            assert dialog.keyring_help is not None and dialog.keyring_help.isVisible()
            commands = [row.command.text() for row in dialog.keyring_help.commands]
            assert "sudo apt install gnome-keyring" in commands
            assert all("`" not in c and "eval" not in c for c in commands)
            row = next(
                r
                for r in dialog.keyring_help.commands
                if r.command.text() == "sudo apt install gnome-keyring"
            )
            row.copy.click()
            assert QApplication.clipboard().text() == "sudo apt install gnome-keyring"
            assert row.copy.text() == "Copied"
            ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
            assert not ok.isEnabled()  # nothing could be kept
            area = dialog.findChild(QWidget, "keyring_help_area")
            assert dialog.network.geometry().top() > area.geometry().bottom()  # the advice is not squeezed
            dialog.reject()
        finally:
            await settle_ops()
            await engine.close()

    run_on_qasync(qapp, scenario)


def test_with_a_keyring_add_account_shows_no_keyring_advice(qapp, qtbot, tmp_path: Path) -> None:
    async def scenario() -> None:
        engine = Engine.open(tmp_path, secrets=MemorySecretStore(), clock=FakeClock())
        panel = HealthPanel(engine, messages=MessageBridge())
        qtbot.addWidget(panel)
        try:
            panel.add_account()
            await settle_ops()
            dialog = panel.findChild(AddAccountDialog)
            assert dialog is not None and dialog.keyring_help is None
            assert dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).isEnabled()
            dialog.reject()
        finally:
            await settle_ops()
            await engine.close()

    run_on_qasync(qapp, scenario)


@pytest.mark.qt_log_ignore("This plugin does not support QPlatformServices::openUrl")
def test_when_no_browser_opens_the_window_shows_the_sign_in_address_to_copy(
    qapp, qtbot, tmp_path: Path
) -> None:
    server = FakeMastodon()

    async def scenario() -> None:
        engine = Engine.open(
            tmp_path, secrets=MemorySecretStore(), clock=FakeClock(), transport=server.transport()
        )
        messages = MessageBridge()
        said: list[str] = []
        messages.said.connect(lambda _level, text: said.append(text))
        panel = HealthPanel(engine, messages=messages)
        qtbot.addWidget(panel)
        try:
            # The offscreen platform has no browser at all: QDesktopServices.openUrl says False.
            panel.connect_with(Network.MASTODON, AddAccountRequest(service_url=BASE))
            await until(lambda: panel.findChild(NoBrowserDialog) is not None)
            dialog = panel.findChild(NoBrowserDialog)
            assert (
                dialog.isVisible()
                and "could not open a web browser for signing in to Mastodon" in dialog.text.text()
            )
            address = dialog.address.text()
            assert address.startswith(f"{BASE}/oauth/authorize?")
            dialog.copy.click()
            assert QApplication.clipboard().text() == address
            redirect, params = server.authorize(address)  # the person opens it in a browser by hand
            async with httpx.AsyncClient() as browser:
                await browser.get(redirect, params=params)
            await settle_ops()
            [account] = await engine.accounts.list()
            assert account.handle == "alice@masto.example" and said[-1] == "Account added."
        finally:
            await settle_ops()
            await engine.close()

    run_on_qasync(qapp, scenario)
