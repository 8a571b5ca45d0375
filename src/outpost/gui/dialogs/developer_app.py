"""The fields of a person's own developer app, as Add account and Settings both ask for them.

Every network but Mastodon and Bluesky needs an app the person registers
themselves; both dialogs ask for its client id, secret, redirect port and (LinkedIn) PKCE, next to
the network's setup steps. One place builds those inputs so both ask the same way.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from outpost.auth.providers import DEFAULT_PORT, OAuthProvider, Redirect
from outpost.gui.qt import QCheckBox, QFormLayout, QLabel, QLineEdit, QSpinBox, Qt


def setup_steps(provider: OAuthProvider, port: int = DEFAULT_PORT) -> str:
    """The developer-app steps as rich text, with the redirect URI for the chosen port."""
    steps = [s.replace(f":{DEFAULT_PORT}/", f":{port}/") for s in provider.setup]
    items = "".join(f"<li>{html.escape(step)}</li>" for step in steps)
    scopes = html.escape(" ".join(provider.scopes))
    return (
        f"<b>{provider.network.label} needs your own developer app</b> (once):"
        f"<ol style='margin-left:-20px'>{items}</ol>Permissions Outpost asks for: <code>{scopes}</code>"
    )


@dataclass(frozen=True)
class DeveloperAppFields:
    """The setup steps, client id, client secret (masked), redirect port and the PKCE question.

    Networks that redirect only to https addresses (Threads) ask for that address instead of a
    port (`redirect_url`); `show_rows` shows the inputs the chosen network needs.
    """

    steps: QLabel
    client_id: QLineEdit
    client_secret: QLineEdit
    port: QSpinBox
    pkce: QCheckBox
    redirect_url: QLineEdit

    @classmethod
    def build(cls, steps_width: int) -> DeveloperAppFields:
        """Fresh inputs; the steps label wraps at `steps_width` and its text can be copied."""
        steps = QLabel()
        steps.setWordWrap(True)
        steps.setMinimumWidth(steps_width)
        steps.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        client_id = QLineEdit()
        client_id.setObjectName("client_id")
        client_secret = QLineEdit()
        client_secret.setObjectName("client_secret")
        client_secret.setEchoMode(QLineEdit.EchoMode.Password)
        port = QSpinBox()
        port.setRange(1024, 65535)  # a loopback port the person's app registered, never privileged
        port.setValue(DEFAULT_PORT)
        pkce = QCheckBox("The network enabled PKCE for this app")
        redirect_url = QLineEdit()
        redirect_url.setObjectName("redirect_url")
        redirect_url.setPlaceholderText("https://… exactly as registered with the app")
        return cls(steps, client_id, client_secret, port, pkce, redirect_url)

    def add_rows(self, form: QFormLayout) -> None:
        """Client id, secret, port and PKCE as rows of `form` (the steps go where each dialog wants)."""
        form.addRow("Client id", self.client_id)
        form.addRow("Client secret", self.client_secret)
        form.addRow("Redirect port", self.port)
        form.addRow("Redirect URL", self.redirect_url)
        form.addRow("", self.pkce)

    def show_rows(self, form: QFormLayout, provider: OAuthProvider | None) -> None:
        """Only the inputs `provider` needs: a port or an https address, PKCE where optional."""
        pasted = provider is not None and provider.redirect is Redirect.HTTPS_PASTE
        for row in (self.client_id, self.client_secret):
            form.setRowVisible(row, provider is not None)
        form.setRowVisible(self.port, provider is not None and not pasted)
        form.setRowVisible(self.redirect_url, pasted)
        form.setRowVisible(self.pkce, provider is not None and provider.pkce_optional)

    def show_steps(self, provider: OAuthProvider) -> None:
        """The provider's steps for the chosen port; the PKCE question only where it applies."""
        self.steps.setText(setup_steps(provider, self.port.value()))
        self.pkce.setVisible(provider.pkce_optional)
