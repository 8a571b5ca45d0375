"""Big numbers with their captions, and how the tab names networks and accounts."""

from __future__ import annotations

from outpost.domain.enums import Network
from outpost.domain.models import Account
from outpost.domain.stats import PlatformStats
from outpost.gui.names import account_name
from outpost.gui.qt import QHBoxLayout, QLabel, QSizePolicy, Qt, QVBoxLayout, QWidget
from outpost.gui.stats import numbers
from outpost.gui.stats.panel import Card, muted


class NumberCard(Card):
    """A big number with its caption ("Impressions / 25.4K"); the exact number in the tooltip."""

    def __init__(self, key: str, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"card_{key}")
        self.caption = QLabel(caption)
        self.caption.setObjectName("caption")
        muted(self.caption)
        self.value = QLabel(numbers.DASH)
        self.value.setObjectName("value")
        font = self.value.font()
        font.setPointSizeF(font.pointSizeF() * 2.0)
        font.setBold(True)
        self.value.setFont(font)
        self.value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        column = QVBoxLayout(self)
        column.setContentsMargins(16, 12, 16, 14)
        column.setSpacing(2)
        column.addWidget(self.caption)
        column.addWidget(self.value)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def set_value(self, shown: str, exact: str = "") -> None:
        """Show `shown`; `exact` (if it differs) in the tooltip."""
        self.value.setText(shown)
        self.setToolTip(exact if exact and exact != shown else "")


def cards_row(specs: tuple[tuple[str, str], ...]) -> tuple[QWidget, dict[str, NumberCard]]:
    """A row of number cards, keyed by name."""
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.setSpacing(12)
    cards: dict[str, NumberCard] = {}
    for key, caption in specs:
        cards[key] = NumberCard(key, caption)
        layout.addWidget(cards[key])
    return row, cards


class Labels:
    """Names for networks and accounts as the tab writes them (the accounts loaded so far)."""

    def __init__(self, accounts: dict[str, Account] | None = None) -> None:
        self.accounts = accounts or {}

    def network(self, platform: str) -> str:
        """The network's name ("Mastodon"); one this version does not know, as it is."""
        try:
            return Network(platform).label
        except ValueError:
            return platform

    def account(self, account_id: str) -> str:
        """The account's name (its id if it is not among the accounts, e.g. removed)."""
        account = self.accounts.get(account_id)
        return account_name(account) if account is not None else account_id

    def category(self, stats: PlatformStats, every: list[PlatformStats]) -> str:
        """A chart category: the network, with the account's name where a network has several."""
        network = self.network(stats.platform)
        if sum(1 for other in every if other.platform == stats.platform) > 1:
            return f"{network} · {self.account(stats.account_id)}"
        return network
