"""The fields of a person's own developer app, as Add account and Settings both ask for them.

X and LinkedIn (and later YouTube, TikTok, Pinterest, Meta) need an app the person registers
themselves; both dialogs ask for its client id, secret, redirect port and (LinkedIn) PKCE, next to
the network's setup steps. One place builds those inputs so both ask the same way.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from outpost.auth.providers import DEFAULT_PORT, OAuthProvider
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
    """The setup steps, client id, client secret (masked), redirect port and the PKCE question."""

    steps: QLabel
    client_id: QLineEdit
    client_secret: QLineEdit
    port: QSpinBox
    pkce: QCheckBox

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
        return cls(steps, client_id, client_secret, port, pkce)

    def add_rows(self, form: QFormLayout) -> None:
        """Client id, secret, port and PKCE as rows of `form` (the steps go where each dialog wants)."""
        form.addRow("Client id", self.client_id)
        form.addRow("Client secret", self.client_secret)
        form.addRow("Redirect port", self.port)
        form.addRow("", self.pkce)

    def show_steps(self, provider: OAuthProvider) -> None:
        """The provider's steps for the chosen port; the PKCE question only where it applies."""
        self.steps.setText(setup_steps(provider, self.port.value()))
        self.pkce.setVisible(provider.pkce_optional)
