"""The composer's organising row (issue #24): a title, tags and a campaign, under the accounts.

One compact line: the title (only for the creator's lists, never published), tags separated by
commas (offered as they are typed from the tags posts already carry) and a campaign picker whose
last entry opens the Campaigns dialog. It only holds values; the composer reads and loads them.
"""

from __future__ import annotations

from collections.abc import Sequence

from outpost.domain.campaigns import Campaign, clean_tags
from outpost.gui.dialogs.campaigns import swatch
from outpost.gui.qt import QComboBox, QCompleter, QHBoxLayout, QLineEdit, Qt, QWidget, Signal

MANAGE = "__manage__"  # the campaign picker's "Manage campaigns…" entry


class OrganiseRow(QWidget):
    """Title, tags and campaign.

    Signals:
        organising_did_change(): the person changed one of them.
        manage_requested(): "Manage campaigns…" was chosen.
    """

    organising_did_change = Signal()
    manage_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLineEdit()
        self.title.setObjectName("title")
        self.title.setPlaceholderText("Title (only for you)")
        self.title.setToolTip("A name for this post in the queue and the calendar; it is never published.")
        self.tags = QLineEdit()
        self.tags.setObjectName("tags")
        self.tags.setPlaceholderText("Tags, separated by commas")
        self.tags.setToolTip("Tags to find this post by in the queue, e.g. launch, video")
        self._completer = QCompleter([], self)
        self._completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self._completer.setWidget(self.tags)
        self._completer.activated.connect(self._complete)
        self.tags.textEdited.connect(self._offer)
        self.campaign = QComboBox()
        self.campaign.setObjectName("campaign")
        self.campaign.setToolTip("The campaign this post belongs to")
        self.campaign.setMinimumContentsLength(12)
        self.campaign.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.campaign.activated.connect(self._campaign_chosen)
        self._chosen_campaign: str | None = None
        self._known_tags: list[str] = []
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.title, 3)
        row.addWidget(self.tags, 2)
        row.addWidget(self.campaign, 2)
        self.title.textEdited.connect(lambda _: self.organising_did_change.emit())
        self.tags.textEdited.connect(lambda _: self.organising_did_change.emit())
        self.offer_campaigns([])

    # -- values ----------------------------------------------------------------------------------

    def values(self) -> tuple[str | None, tuple[str, ...], str | None]:
        """The title (None when blank), the tags, and the campaign's id (None for none)."""
        title = self.title.text().strip() or None
        return title, clean_tags(self.tags.text().split(",")), self._chosen_campaign

    def load(self, title: str | None, tags: Sequence[str], campaign_id: str | None) -> None:
        """Show a post's title, tags and campaign."""
        self.title.setText(title or "")
        self.tags.setText(", ".join(tags))
        self._chosen_campaign = campaign_id
        self._select(campaign_id)

    # -- offers ----------------------------------------------------------------------------------

    def offer_campaigns(self, campaigns: Sequence[Campaign]) -> None:
        """The campaigns to choose from (the chosen one stays chosen if it is still there)."""
        self.campaign.blockSignals(True)
        self.campaign.clear()
        self.campaign.addItem("No campaign", None)
        for c in campaigns:
            self.campaign.addItem(swatch(c.colour), c.name, c.id)
        self.campaign.insertSeparator(self.campaign.count())
        self.campaign.addItem("Manage campaigns…", MANAGE)
        if self._chosen_campaign not in {c.id for c in campaigns}:
            self._chosen_campaign = None
        self._select(self._chosen_campaign)
        self.campaign.blockSignals(False)

    def offer_tags(self, tags: Sequence[str]) -> None:
        """The tags posts already carry, offered as the person types."""
        self._known_tags = list(tags)

    def _select(self, campaign_id: str | None) -> None:
        index = self.campaign.findData(campaign_id) if campaign_id else 0
        self.campaign.setCurrentIndex(max(0, index))

    def _campaign_chosen(self, index: int) -> None:
        data = self.campaign.itemData(index)
        if data == MANAGE:
            self._select(self._chosen_campaign)  # the picker shows the post's campaign, not the entry
            self.manage_requested.emit()
            return
        self._chosen_campaign = data
        self.organising_did_change.emit()

    def _offer(self, text: str) -> None:
        typed = text.rsplit(",", 1)[-1].strip().lstrip("#")
        taken = {t.casefold() for t in clean_tags(text.split(",")[:-1])}
        known = [t for t in self._known_tags if t.casefold() not in taken]
        matches = [t for t in known if typed and t.casefold().startswith(typed.casefold())]
        if not matches:
            if (popup := self._completer.popup()) is not None:
                popup.hide()
            return
        self._completer.model().setStringList(matches)  # type: ignore[attr-defined]
        self._completer.setCompletionPrefix("")
        self._completer.complete()

    def _complete(self, tag: str) -> None:
        head = self.tags.text().rsplit(",", 1)[0] if "," in self.tags.text() else ""
        self.tags.setText(f"{head}, {tag}, " if head else f"{tag}, ")
        self.organising_did_change.emit()
