"""Opening web addresses from the window, and saying so in the window when no browser opens.

A desktop without a default browser (or without `xdg-open`) makes `QDesktopServices.openUrl`
return False: the person clicked Open, or waits for a sign-in page, and nothing happens. Every
address the window opens goes through `open_link`, which then shows the address to copy
instead (issue #17).
"""

from __future__ import annotations

import asyncio

from outpost.auth.oauth import AskPasted, AuthorizationError, OpenUrl
from outpost.gui.qt import (
    QApplication,
    QDesktopServices,
    QDialog,
    QDialogButtonBox,
    QFontDatabase,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QUrl,
    QVBoxLayout,
    QWidget,
)


class NoBrowserDialog(QDialog):
    """The "No browser opened" dialog: the address, selected and ready to copy, and a Copy button.

    Not modal: a sign-in keeps waiting for the browser behind it.
    """

    def __init__(self, url: str, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("no_browser")
        self.setWindowTitle("No browser opened")
        self.text = QLabel(
            f"Outpost could not open a web browser for {what}. Copy this address and open it in your browser:"
        )
        self.text.setWordWrap(True)
        self.address = QLineEdit(url)
        self.address.setObjectName("address")
        self.address.setReadOnly(True)
        self.address.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.address.setMinimumWidth(420)
        self.address.setSelection(len(url), -len(url))  # all selected, its start in view
        self.copy = QPushButton("Copy address")
        self.copy.setObjectName("copy")
        self.copy.clicked.connect(self._copy)
        row = QHBoxLayout()
        row.addWidget(self.address, 1)
        row.addWidget(self.copy)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addLayout(row)
        layout.addWidget(buttons)
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)

    def _copy(self) -> None:
        QApplication.clipboard().setText(self.address.text())
        self.copy.setText("Copied")


def open_link(url: str, *, parent: QWidget, what: str) -> bool:
    """Open `url` in the browser; when none opens, show the address to copy. True if one opened.

    Args:
        url: the address.
        parent: the window to show the address over.
        what: what the address is for, to finish "could not open a web browser for …"
            ("the published post", "signing in to X").
    """
    if QDesktopServices.openUrl(QUrl(url)):
        return True
    NoBrowserDialog(url, what, parent).show()
    return False


def browser_opener(parent: QWidget, what: str) -> OpenUrl:
    """An `open_url` for the engine's browser sign-ins that goes through `open_link`."""

    async def open_url(url: str) -> None:
        open_link(url, parent=parent, what=what)

    return open_url


class PasteDialog(QDialog):
    """The “Paste the address” dialog, for sign-ins that end on an https page (Threads).

    Not modal in the blocking sense (`open()`): the engine keeps running behind it.
    """

    def __init__(self, prompt: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("paste_address")
        self.setWindowTitle("Paste the address")
        self.text = QLabel(prompt.rstrip(": ") + ".")
        self.text.setWordWrap(True)
        self.address = QLineEdit()
        self.address.setObjectName("address")
        self.address.setPlaceholderText("https://…?code=…&state=…")
        self.address.setMinimumWidth(460)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.text)
        layout.addWidget(self.address)
        layout.addWidget(buttons)


def paste_asker(parent: QWidget, label: str) -> AskPasted:
    """An `ask_pasted` for the engine's sign-ins: a dialog the person pastes the address into.

    Cancelling ends the sign-in with an `AuthorizationError` (shown like any refused sign-in).
    """

    async def ask(prompt: str) -> str:
        answered: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
        dialog = PasteDialog(prompt, parent)

        def finished(result: int) -> None:
            if not answered.done():
                accepted = result == QDialog.DialogCode.Accepted
                answered.set_result(dialog.address.text() if accepted else None)

        dialog.finished.connect(finished)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        pasted = await answered
        if not pasted or not pasted.strip():
            raise AuthorizationError(f"Signing in to {label} was cancelled: no address was pasted.")
        return pasted

    return ask
