"""Choosing a Page, organization, channel or board a sign-in reaches, instead of typing its id (#24)."""

from __future__ import annotations

from outpost.domain.accounts import AccountTarget
from outpost.domain.models import Account
from outpost.gui.qt import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

KIND_WORDS = {
    "page": "Page",
    "organization": "Organization page",
    "channel": "Channel",
    "board": "Board",
    "section": "Board section",
    "profile": "Profile",
}


class TargetPicker(QDialog):
    """A list of what the account can also publish to; the ones already added are shown, not offered.

    Signals:
        chosen(str): the id of the target to add as an account.
    """

    chosen = Signal(str)

    def __init__(
        self,
        account: Account,
        targets: list[AccountTarget],
        known: set[str | None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"Publish to more with {account.network.label}")
        self.resize(460, 380)
        intro = QLabel(
            f"Signed in as {account.ref}, Outpost can also publish to these. Each one you add gets its "
            f"own card and can be chosen in the composer."
            if targets
            else f"{account.network.label} says {account.ref} cannot publish anywhere else. Check that you "
            f"are an admin of the page or channel, then reconnect to grant the access."
        )
        intro.setWordWrap(True)
        self.list = QListWidget()
        for target in targets:
            added = target.id in known
            label = f"{target.name}\n{KIND_WORDS.get(target.kind, target.kind)} · {target.id}"
            item = QListWidgetItem(label + ("  — already added" if added else ""))
            item.setData(Qt.ItemDataRole.UserRole, target.id)
            if added:
                item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEnabled)
            self.list.addItem(item)
        self.list.setVisible(bool(targets))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.add = buttons.addButton("Add", QDialogButtonBox.ButtonRole.AcceptRole)
        self.add.setEnabled(False)
        self.list.currentItemChanged.connect(
            lambda item, _=None: self.add.setEnabled(
                item is not None and bool(item.flags() & Qt.ItemFlag.ItemIsEnabled)
            )
        )
        self.list.itemDoubleClicked.connect(lambda _: self.accept())
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 1)
        layout.addWidget(buttons)

    def accept(self) -> None:
        """Add the chosen target."""
        item = self.list.currentItem()
        if item is None or not self.add.isEnabled():
            return  # a target already added (greyed out) is not added twice
        self.chosen.emit(str(item.data(Qt.ItemDataRole.UserRole)))
        super().accept()
