"""The composer's "Post to:" row: one chip per account, and which of them are chosen.

Which accounts start chosen: at the first load, those chosen last time (the settings remember
them); else the only account, or every sandbox account (so trying the sandbox shows every
simulated network's preview at once, issue #17). Later reloads (a health check, an account added)
keep the person's choice; a new sandbox account joins a choice made only of sandbox accounts.
"""

from __future__ import annotations

from collections.abc import Sequence

from outpost.domain.accounts import is_sandbox
from outpost.domain.models import Account
from outpost.gui.composer.chips import AccountChip
from outpost.gui.flow import FlowLayout
from outpost.gui.qt import QLabel, QPalette, QWidget, Signal

__all__ = ["AccountRow"]


class AccountRow(QWidget):
    """The "Post to:" label and the chips.

    Attributes:
        chips: the chip of each account, by account id, in the accounts' order.

    Signals:
        choice_did_change(): an account was chosen or unchosen (by the person or by `select`).
    """

    choice_did_change = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.accounts: list[Account] = []
        self.chips: dict[str, AccountChip] = {}
        self.label = QLabel("Post to:")
        self.no_accounts = QLabel("No accounts yet — connect one in Accounts first.")
        self.no_accounts.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self._row = FlowLayout(self)  # many accounts wrap onto more lines, never widen the window
        self._row.addWidget(self.label)
        self._row.addWidget(self.no_accounts)

    def show_accounts(self, accounts: Sequence[Account], *, remembered: Sequence[str]) -> None:
        """Rebuild the chips for `accounts`, keeping (or, at first, restoring) the choice."""
        before = {account_id: chip.isChecked() for account_id, chip in self.chips.items()}
        first_load = not before
        self.accounts = list(accounts)
        for chip in self.chips.values():
            self._row.removeWidget(chip)  # out of the row now, not when Qt gets round to deleting it
            chip.hide()
            chip.deleteLater()
        self.chips.clear()
        self.no_accounts.setVisible(not self.accounts)
        chosen = self._first_choice(remembered) if first_load else self._kept_choice(before)
        for account in self.accounts:
            chip = AccountChip(account)
            chip.setChecked(account.id in chosen)
            chip.toggled.connect(self.choice_did_change)
            self._row.insertWidget(self._row.count(), chip)
            self.chips[account.id] = chip

    def select(self, *account_refs: str) -> None:
        """Choose exactly these accounts (by id or `network:handle`)."""
        for account in self.accounts:
            self.chips[account.id].setChecked(account.id in account_refs or account.ref in account_refs)

    @property
    def selected(self) -> list[Account]:
        """The chosen accounts, in chip order."""
        return [a for a in self.accounts if (chip := self.chips.get(a.id)) is not None and chip.isChecked()]

    def tab_before(self, widget: QWidget) -> None:
        """Tab goes through the chips, then to `widget`.

        The chips are built after the rest of the window, so by order of creation they came last.
        """
        previous: QWidget = self.label
        for chip in self.chips.values():
            QWidget.setTabOrder(previous, chip)
            previous = chip
        QWidget.setTabOrder(previous, widget)

    def _first_choice(self, remembered: Sequence[str]) -> set[str]:
        known = {a.id for a in self.accounts}
        again = set(remembered) & known
        if again:
            return again
        if len(self.accounts) == 1 or (self.accounts and all(is_sandbox(a) for a in self.accounts)):
            return known
        return set()

    def _kept_choice(self, before: dict[str, bool]) -> set[str]:
        chosen = {account_id for account_id, checked in before.items() if checked}
        only_sandbox = all(is_sandbox(a) for a in self.accounts if a.id in chosen)
        new = {a.id for a in self.accounts if a.id not in before and is_sandbox(a)}
        return chosen | new if only_sandbox else chosen
