"""The first-run screen: what Outpost does, and the two ways to begin."""

from __future__ import annotations

from outpost.gui.qt import QHBoxLayout, QLabel, QPushButton, Qt, QVBoxLayout, QWidget, Signal


class WelcomePanel(QWidget):
    """Shown while no account is connected.

    Signals:
        connect_requested(): "Connect an account".
        sandbox_requested(): "Try it without accounts".
    """

    connect_requested = Signal()
    sandbox_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("<h1>Welcome to Outpost</h1>")
        text = QLabel(
            "<p>Write a post once, tailor it for each network, see it as each network will show it, "
            "and let Outpost publish it — now or at the time you choose — from this computer.</p>"
            "<p><b>Connect an account</b> to begin: Mastodon and Bluesky need no developer app; "
            "X and LinkedIn need your own, and Outpost shows you how to create it. "
            "Your tokens stay in your system's keyring.</p>"
            "<p>Or <b>try it without accounts</b>: Outpost starts a simulated network on this computer, so "
            "you can compose, schedule and publish a post end to end. Nothing leaves your machine.</p>"
        )
        text.setWordWrap(True)
        connect = QPushButton("Connect an account")
        connect.setObjectName("connect")
        connect.setDefault(True)
        sandbox = QPushButton("Try it without accounts")
        sandbox.setObjectName("sandbox")
        connect.clicked.connect(self.connect_requested.emit)
        sandbox.clicked.connect(self.sandbox_requested.emit)
        content = QWidget()
        content.setFixedWidth(640)
        column = QVBoxLayout(content)
        for widget in (title, text, connect, sandbox):
            column.addWidget(widget)
        title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(content)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
