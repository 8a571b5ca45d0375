"""The account and connection health panel: one card per account, and what to do about it."""

from __future__ import annotations

from collections.abc import Coroutine
from typing import Any

from outpost.auth.providers import PROVIDERS
from outpost.auth.secrets import is_no_keyring
from outpost.domain.accounts import AccountTarget
from outpost.domain.enums import Network
from outpost.domain.errors import KnownError
from outpost.domain.models import Account
from outpost.engine import AddAccountRequest, DeveloperApp, Engine, Removal
from outpost.gui.avatars import Avatars
from outpost.gui.dialogs.add_account import AddAccountDialog
from outpost.gui.health.card import AccountCard
from outpost.gui.links import browser_opener, paste_asker
from outpost.gui.messages import MessageBridge
from outpost.gui.qt import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)
from outpost.gui.tasks import run_op


class HealthPanel(QWidget):
    """Cards for every connected account, refreshed by engine events."""

    def __init__(self, engine: Engine, *, messages: MessageBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.messages = messages
        self.engine = engine
        self.cards: dict[str, AccountCard] = {}
        self._accounts: list[Account] = []
        self.avatars = Avatars(engine, self)  # each picture fetched once, kept by the engine
        self.avatars.did_load.connect(self._picture_ready)
        add = QPushButton("Add account…")
        add.setObjectName("add_account")
        add.clicked.connect(self.add_account)
        check_all = QPushButton("Check all")
        check_all.clicked.connect(lambda: self._run(self.engine.accounts.check(), "Checked every account."))
        top = QHBoxLayout()
        top.addWidget(QLabel("<b>Accounts</b>"))
        top.addStretch(1)
        top.addWidget(check_all)
        top.addWidget(add)
        self.list = QVBoxLayout()
        self.list.addStretch(1)
        holder = QWidget()
        holder.setLayout(self.list)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        self.empty = QLabel(
            "No accounts yet. Add one to start publishing: Mastodon and Bluesky need no developer app; "
            "the others need your own developer app (Add account shows the steps)."
        )
        self.empty.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.empty)
        layout.addWidget(scroll, 1)

    def refresh(self, *_: object) -> None:
        """Reload the cards."""
        run_op(self.engine.accounts.list(), on_success=self._show)

    def _show(self, accounts: list[Account]) -> None:
        self._accounts = accounts
        for card in self.cards.values():
            card.deleteLater()
        self.cards.clear()
        for account in accounts:
            card = AccountCard(account, self)
            card.avatar.set_picture(self.avatars.get(account))
            self.list.insertWidget(self.list.count() - 1, card)
            self.cards[account.id] = card
        self.empty.setVisible(not accounts)

    def _picture_ready(self, account_id: str) -> None:
        """An account's picture arrived: show it on its card (if the card is still there)."""
        if (card := self.cards.get(account_id)) is not None:
            card.avatar.set_picture(self.avatars.get(card.account))

    def _run(self, coro: Coroutine[Any, Any, object], done: str) -> None:
        def succeeded(_: object) -> None:
            self.messages.info(done)
            self.refresh()

        run_op(coro, on_success=succeeded, on_failure=self._fail)

    def _fail(self, error: KnownError) -> None:
        self.messages.failed(error)
        self.refresh()

    async def _sign_in(self, network: Network, request: AddAccountRequest) -> Account:
        """Keep the developer app typed in (keyring), then the browser sign-in with it."""
        if request.app is not None:
            app = request.app
            await self.engine.accounts.set_app(
                network,
                app.client_id,
                app.client_secret,
                app.redirect_port,
                pkce=app.pkce,
                redirect_url=app.redirect_url,
            )
        return await self.engine.accounts.connect(
            network,
            target=request.target_id,
            open_url=browser_opener(self, f"signing in to {network.label}"),
            ask_pasted=paste_asker(self, network.label),
        )

    def pick_target(self, account: Account) -> None:
        """List the Pages/organizations/channels/boards the sign-in reaches; add the one chosen."""
        self.messages.info(f"Asking {account.network.label} what {account.ref} can publish to…")
        run_op(
            self.engine.accounts.targets(account.id),
            on_success=lambda found: self._offer_targets(account, found),
            on_failure=self._fail,
        )

    def _offer_targets(self, account: Account, found: list[AccountTarget]) -> None:
        from outpost.gui.dialogs.targets import TargetPicker

        known = {a.target_id for a in self._accounts if a.network is account.network}
        picker = TargetPicker(account, [t for t in found if t.id != account.target_id], known, self)
        picker.chosen.connect(
            lambda target_id: self._run(
                self.engine.accounts.add_target(account.id, target_id), "Added. It has its own card now."
            )
        )
        picker.open()

    def check(self, account: Account) -> None:
        """Ask the network about this account now."""
        self._run(self.engine.accounts.check(account.id), f"Checked {account.ref}.")

    def reconnect(self, account: Account) -> None:
        """Sign in again (browser for Mastodon; a new app password for Bluesky)."""
        if account.network is Network.MASTODON or account.network in PROVIDERS:
            self.messages.info("Finish signing in in your browser…")
            opener = browser_opener(self, f"signing in to {account.network.label}")
            asker = paste_asker(self, account.network.label)
            self._run(
                self.engine.accounts.reconnect(account.id, open_url=opener, ask_pasted=asker),
                f"Reconnected {account.ref}.",
            )
            return
        dialog = AddAccountDialog(self.engine.accounts.networks, self)
        dialog.network.setCurrentIndex(dialog.network.findData(account.network.value))
        dialog.handle.setText(account.handle)
        dialog.server.setText(account.service_url or "")

        def accepted() -> None:
            _, request = dialog.result_request()
            self._run(self.engine.accounts.reconnect(account.id, request), f"Reconnected {account.ref}.")

        dialog.accepted.connect(accepted)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()  # window-modal without a nested event loop: the engine keeps running

    def remove(self, account: Account) -> None:
        """Remove after asking; its posts keep their history, its secrets leave the keyring."""
        answer = QMessageBox.question(
            self,
            "Remove account",
            f"Remove {account.ref} from Outpost? Its "
            "published posts stay on the network; its secrets are deleted.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return

        def removed(removal: Removal) -> None:
            self.messages.info(f"Removed {account.ref}. {removal.network_access}")
            self.refresh()

        run_op(self.engine.accounts.remove(account.id), on_success=removed, on_failure=self._fail)

    def add_account(self) -> None:
        """Choose a network and connect it (developer apps already kept fill in their fields).

        Without a keyring the dialog opens all the same, saying how to get one (issue #17).
        """

        def failed(error: KnownError) -> None:
            if is_no_keyring(error):
                self.ask_for_account({}, keyring_missing=True)
            else:
                self._fail(error)

        # Reading the kept apps always asks the keyring, so a missing one is found here, first.
        run_op(self.engine.accounts.apps(), on_success=self.ask_for_account, on_failure=failed)

    def ask_for_account(self, apps: dict[Network, DeveloperApp], *, keyring_missing: bool = False) -> None:
        """Open the Add account dialog (window-modal, not blocking); Add connects the account."""
        dialog = AddAccountDialog(
            self.engine.accounts.networks, self, apps=apps, keyring_missing=keyring_missing
        )
        dialog.accepted.connect(lambda: self.connect_with(*dialog.result_request()))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def connect_with(self, network: Network, request: AddAccountRequest | None) -> None:
        """Add an account from what the dialog gathered."""
        if network in PROVIDERS and request is not None and not request.access_token:
            self.messages.info("Finish signing in in your browser…")
            self._run(self._sign_in(network, request), "Account added.")
        elif network is Network.MASTODON and request is not None and not request.access_token:
            self.messages.info("Finish signing in in your browser…")
            opener = browser_opener(self, f"signing in to {network.label}")
            self._run(
                self.engine.accounts.connect(network, instance=request.service_url, open_url=opener),
                "Account added.",
            )
        elif request is not None:
            self._run(self.engine.accounts.add(network, request), "Account added.")
