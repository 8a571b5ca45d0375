"""Adding an account: each network's own way (browser sign-in, token, or app password)."""

from __future__ import annotations

from outpost.adapters.base import AddAccountRequest
from outpost.domain.enums import Network
from outpost.gui.qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

HELP = {
    Network.MASTODON: "Outpost opens your server's sign-in page in the browser. Or paste an access token "
    "from Preferences → Development → New application.",
    Network.BLUESKY: "Create an app password in Bluesky: Settings → Privacy and security → App passwords. "
    "Never use your main password.",
}


class AddAccountDialog(QDialog):
    """Choose a network and give what it needs; `result_request()` says what to do.

    For Mastodon without a token the app runs the browser sign-in; otherwise it verifies the
    token or app password with the network before saving anything.
    """

    def __init__(self, networks: list[Network], parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
        self.help = QLabel()
        self.help.setWordWrap(True)
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
        self.form.addRow(self.buttons)
        self.network.currentIndexChanged.connect(self._network_changed)
        self._network_changed()

    @property
    def chosen(self) -> Network:
        """The network picked."""
        return Network(self.network.currentData())

    def _network_changed(self, *_: object) -> None:
        network = self.chosen
        mastodon = network is Network.MASTODON
        self.form.setRowVisible(self.server, network in (Network.MASTODON, Network.BLUESKY))
        self.form.setRowVisible(self.handle, network is Network.BLUESKY)
        self.server.setPlaceholderText(
            "https://mastodon.social" if mastodon else "https://bsky.social (default)"
        )
        self.secret.setPlaceholderText(
            "leave empty to sign in with the browser" if mastodon else "xxxx-xxxx-xxxx-xxxx"
        )
        self.help.setText(HELP.get(network, ""))
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText("Sign in with browser" if mastodon and not self.secret.text() else "Add")
        self.secret.textChanged.connect(
            lambda _: ok.setText("Add" if self.secret.text() or not mastodon else "Sign in with browser")
        )

    def result_request(self) -> tuple[Network, AddAccountRequest | None]:
        """What to do: a request to verify, or None for the browser sign-in (Mastodon)."""
        network = self.chosen
        server = self.server.text().strip() or None
        secret = self.secret.text().strip()
        if network is Network.MASTODON:
            if not secret:
                return network, AddAccountRequest(service_url=server)
            return network, AddAccountRequest(service_url=server, access_token=secret)
        return network, AddAccountRequest(
            service_url=server, handle=self.handle.text().strip(), app_password=secret
        )
