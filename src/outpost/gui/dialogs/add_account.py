"""Adding an account: each network's own way (browser sign-in, token, or app password)."""

from __future__ import annotations

from outpost.auth.providers import PROVIDERS
from outpost.domain.enums import Network
from outpost.engine import AddAccountRequest, DeveloperApp
from outpost.gui.dialogs.developer_app import DeveloperAppFields, setup_steps
from outpost.gui.qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QWidget,
)

HELP = {
    Network.MASTODON: "Outpost opens your server's sign-in page in the browser. Or paste an access token "
    "from Preferences → Development → New application.",
    Network.BLUESKY: "Create an app password in Bluesky: Settings → Privacy and security → App passwords. "
    "Never use your main password.",
}
#: Networks that can have pages besides the member (the `target` field).
WITH_PAGES = {Network.LINKEDIN: "urn:li:organization:… (a page you administer; empty: yourself)"}


class AddAccountDialog(QDialog):
    """Choose a network and give what it needs; `result_request()` says what to do.

    For Mastodon without a token the app runs the browser sign-in; otherwise it verifies the
    token or app password with the network before saving anything.
    """

    def __init__(
        self,
        networks: list[Network],
        parent: QWidget | None = None,
        *,
        apps: dict[Network, DeveloperApp] | None = None,
    ) -> None:
        """`apps`: the developer apps already in the keyring, to fill in their fields."""
        super().__init__(parent)
        self._apps = apps or {}
        self.setWindowTitle("Add account")
        self.network = QComboBox()
        for network in Network:
            self.network.addItem(
                network.label if network in networks else f"{network.label} (not available yet)",
                network.value,
            )
            if network not in networks:
                index = self.network.count() - 1
                self.network.model().item(index).setEnabled(False)  # type: ignore[attr-defined]
        self.server = QLineEdit()
        self.server.setObjectName("server")
        self.handle = QLineEdit()
        self.handle.setObjectName("handle")
        self.secret = QLineEdit()
        self.secret.setObjectName("secret")
        self.secret.setEchoMode(QLineEdit.EchoMode.Password)
        self.app = DeveloperAppFields.build(steps_width=460)
        self.client_id, self.client_secret, self.port, self.pkce = (
            self.app.client_id,
            self.app.client_secret,
            self.app.port,
            self.app.pkce,
        )
        self.target = QLineEdit()
        self.target.setObjectName("target")
        self.help = self.app.steps  # a developer app's steps, or how to get a token / app password
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.form = QFormLayout(self)
        self.form.addRow("Network", self.network)
        self.form.addRow("Server", self.server)
        self.form.addRow("Handle", self.handle)
        self.form.addRow("Token or app password", self.secret)
        self.form.addRow(self.help)
        self.app.add_rows(self.form)
        self.form.addRow("Page", self.target)
        self.form.addRow(self.buttons)
        self.network.currentIndexChanged.connect(self._network_changed)
        self.port.valueChanged.connect(self._network_changed)
        self._network_changed()

    @property
    def chosen(self) -> Network:
        """The network picked."""
        return Network(self.network.currentData())

    def _network_changed(self, *_: object) -> None:
        network = self.chosen
        mastodon = network is Network.MASTODON
        provider = PROVIDERS.get(network)
        for row in (self.client_id, self.client_secret, self.port):
            self.form.setRowVisible(row, provider is not None)
        self.form.setRowVisible(self.target, network in WITH_PAGES)
        self.form.setRowVisible(self.pkce, provider is not None and provider.pkce_optional)
        self.form.setRowVisible(self.secret, provider is None)
        self.form.setRowVisible(self.server, network in (Network.MASTODON, Network.BLUESKY))
        self.form.setRowVisible(self.handle, network is Network.BLUESKY)
        self.server.setPlaceholderText(
            "https://mastodon.social" if mastodon else "https://bsky.social (default)"
        )
        self.secret.setPlaceholderText(
            "leave empty to sign in with the browser" if mastodon else "xxxx-xxxx-xxxx-xxxx"
        )
        if provider is not None:
            stored = self._apps.get(network)
            if stored is not None and not self.client_id.text():
                self.client_id.setText(stored.client_id)
                self.port.setValue(stored.redirect_port)
                self.pkce.setChecked(stored.pkce)
            self.client_secret.setPlaceholderText(
                "kept in the keyring"
                if stored and stored.client_secret
                else "required"
                if provider.client_secret_required
                else "none for a Native App"
            )
            self.target.setPlaceholderText(WITH_PAGES.get(network, ""))
            self.help.setText(setup_steps(provider, self.port.value()))
        else:
            self.help.setText(HELP.get(network, ""))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        browser = provider is not None or (mastodon and not self.secret.text())
        ok.setText("Sign in with browser" if browser else "Add")
        self.secret.textChanged.connect(
            lambda _: ok.setText("Add" if self.secret.text() or not mastodon else "Sign in with browser")
        )
        self.adjustSize()

    def result_request(self) -> tuple[Network, AddAccountRequest | None]:
        """What to do: a request to verify, or one without a token for the browser sign-in.

        For networks with a developer app the request carries the app's fields (`app`, None when
        the keyring already has it and nothing was typed) and the page (`target_id`).
        """
        network = self.chosen
        if network in PROVIDERS:
            client_id = self.client_id.text().strip()
            stored = self._apps.get(network)
            app = None
            if client_id:
                secret = self.client_secret.text().strip()
                if not secret and stored is not None and stored.client_id == client_id:
                    secret = stored.client_secret
                app = DeveloperApp(client_id, secret, self.port.value(), self.pkce.isChecked())
            return network, AddAccountRequest(target_id=self.target.text().strip() or None, app=app)
        server = self.server.text().strip() or None
        secret = self.secret.text().strip()
        if network is Network.MASTODON:
            if not secret:
                return network, AddAccountRequest(service_url=server)
            return network, AddAccountRequest(service_url=server, access_token=secret)
        return network, AddAccountRequest(
            service_url=server, handle=self.handle.text().strip(), app_password=secret
        )
