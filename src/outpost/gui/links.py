"""Opening web addresses from the window, and saying so in the window when no browser opens.

A desktop without a default browser (or without `xdg-open`) makes `QDesktopServices.openUrl`
return False: the person clicked Open, or waits for a sign-in page, and nothing happens. Every
address the window opens goes through `open_link`, which then shows the address to copy
instead (issue #17).
"""

from __future__ import annotations

import asyncio

from outpost.auth.oauth import AskAddress, OpenUrl
from outpost.domain.errors import InvalidStateError
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


class PastedAddressDialog(QDialog):
    """Asks for the address the browser ended on, for sign-ins that end on an https address.

    Instagram sends the browser to an address nothing on this computer answers; the person pastes
    it here. Window-modal without a nested event loop (the engine keeps running).
    """

    def __init__(self, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("pasted_address")
        self.setWindowTitle(f"Finish {what}")
        text = QLabel(
            "After you allow Outpost, your browser shows an error page: nothing answers at that "
            "address, on purpose. Copy the whole address from the browser's address bar and paste it here."
        )
        text.setWordWrap(True)
        self.address = QLineEdit()
        self.address.setObjectName("address")
        self.address.setPlaceholderText("https://localhost:8765/callback?code=…")
        self.address.setMinimumWidth(420)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(text)
        layout.addWidget(self.address)
        layout.addWidget(buttons)
        self.setWindowModality(Qt.WindowModality.WindowModal)


def address_asker(parent: QWidget, what: str) -> AskAddress:
    """An `ask_address` for the engine's sign-ins that paste the address back (Instagram)."""

    async def ask() -> str:
        answer: asyncio.Future[str] = asyncio.get_running_loop().create_future()
        dialog = PastedAddressDialog(what, parent)

        def accepted() -> None:
            if not answer.done():
                answer.set_result(dialog.address.text())

        def rejected() -> None:
            if not answer.done():
                answer.set_exception(InvalidStateError(f"{what[:1].upper() + what[1:]} was cancelled."))

        dialog.accepted.connect(accepted)
        dialog.rejected.connect(rejected)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return await answer

    return ask
