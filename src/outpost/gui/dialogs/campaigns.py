"""The Campaigns dialog: add, change and remove campaigns (a name, a colour, optional dates).

The same as `outpost campaigns add|edit|remove` (INTERFACE.md), through `engine.campaigns`. A
removed campaign's posts stay, without a campaign; the dialog says how many. Everything runs
through `run_op`, and the dialog is opened with `open()` (no nested event loop under qasync).
"""

from __future__ import annotations

from datetime import date

from outpost.domain.campaigns import PALETTE, Campaign
from outpost.domain.errors import KnownError
from outpost.engine import Engine
from outpost.gui.qt import (
    QCheckBox,
    QColor,
    QColorDialog,
    QDate,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QIcon,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPixmap,
    QPushButton,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from outpost.gui.tasks import run_op


def swatch(colour: str, size: int = 14) -> QIcon:
    """A small square of `colour`, for lists and menus."""
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(colour))
    return QIcon(pixmap)


def _day(edit: QDateEdit, enabled: QCheckBox) -> date | None:
    if not enabled.isChecked():
        return None
    picked = edit.date()
    return date(picked.year(), picked.month(), picked.day())


class CampaignsDialog(QDialog):
    """Every campaign in a list; the chosen one's name, colour and dates below it.

    Signals:
        campaigns_did_change(): a campaign was added, changed or removed.
    """

    campaigns_did_change = Signal()

    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Campaigns")
        self.setObjectName("campaigns_dialog")
        self.engine = engine
        self.campaigns: list[Campaign] = []
        self.list = QListWidget()
        self.list.setObjectName("campaign_list")
        self.list.currentRowChanged.connect(self._show)
        self.name = QLineEdit()
        self.name.setObjectName("campaign_name")
        self.name.setPlaceholderText("e.g. Winter launch")
        self.colour = PALETTE[0]
        self.colour_button = QPushButton()
        self.colour_button.setObjectName("campaign_colour")
        self.colour_button.clicked.connect(self._pick_colour)
        self.starts, self.starts_on = self._date_row("Starts")
        self.ends, self.ends_on = self._date_row("Ends")
        form = QFormLayout()
        form.addRow("Name", self.name)
        form.addRow("Colour", self.colour_button)
        form.addRow(self._row(self.starts_on, self.starts))
        form.addRow(self._row(self.ends_on, self.ends))
        self.add_button = QPushButton("Add as new")
        self.add_button.setObjectName("campaign_add")
        self.add_button.clicked.connect(self.add)
        self.save_button = QPushButton("Save changes")
        self.save_button.clicked.connect(self.save)
        self.remove_button = QPushButton("Remove")
        self.remove_button.clicked.connect(self.remove)
        actions = QHBoxLayout()
        for button in (self.add_button, self.save_button, self.remove_button):
            actions.addWidget(button)
        actions.addStretch(1)
        self.note = QLabel(
            "A campaign groups posts: the calendar marks them in its colour, and the queue "
            "filters by it. Removing one keeps its posts."
        )
        self.note.setWordWrap(True)
        self.note.setObjectName("campaign_note")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list, 1)
        layout.addLayout(form)
        layout.addLayout(actions)
        layout.addWidget(self.note)
        layout.addWidget(close)
        self.resize(440, 460)
        self._paint_colour()
        self.reload()

    def _date_row(self, label: str) -> tuple[QDateEdit, QCheckBox]:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("ddd d MMM yyyy")
        edit.setDate(QDate.currentDate())
        edit.setEnabled(False)
        box = QCheckBox(label)
        box.toggled.connect(edit.setEnabled)
        return edit, box

    @staticmethod
    def _row(box: QCheckBox, edit: QDateEdit) -> QHBoxLayout:
        row = QHBoxLayout()
        box.setMinimumWidth(70)
        row.addWidget(box)
        row.addWidget(edit, 1)
        return row

    def reload(self, select: str | None = None) -> None:
        """Read the campaigns again (and choose the one with id `select`)."""
        run_op(self.engine.campaigns.list(), on_success=lambda found: self._listed(found, select))

    def _listed(self, campaigns: list[Campaign], select: str | None) -> None:
        self.campaigns = campaigns
        self.list.blockSignals(True)
        self.list.clear()
        for campaign in campaigns:
            dates = ""
            if campaign.starts_on or campaign.ends_on:
                dates = f"   {campaign.starts_on or '…'} – {campaign.ends_on or '…'}"
            item = QListWidgetItem(swatch(campaign.colour), campaign.name + dates)
            item.setData(Qt.ItemDataRole.UserRole, campaign.id)
            self.list.addItem(item)
        self.list.blockSignals(False)
        row = next((i for i, c in enumerate(campaigns) if c.id == select), -1)
        self.list.setCurrentRow(row)
        self._show(row)

    def _show(self, row: int) -> None:
        chosen = self.campaigns[row] if 0 <= row < len(self.campaigns) else None
        self.save_button.setEnabled(chosen is not None)
        self.remove_button.setEnabled(chosen is not None)
        if chosen is None:
            self.name.clear()
            self.colour = PALETTE[len(self.campaigns) % len(PALETTE)]
            self.starts_on.setChecked(False)
            self.ends_on.setChecked(False)
        else:
            self.name.setText(chosen.name)
            self.colour = chosen.colour
            for box, edit, day in (
                (self.starts_on, self.starts, chosen.starts_on),
                (self.ends_on, self.ends, chosen.ends_on),
            ):
                box.setChecked(day is not None)
                if day is not None:
                    edit.setDate(QDate(day.year, day.month, day.day))
        self._paint_colour()

    @property
    def chosen(self) -> Campaign | None:
        """The campaign chosen in the list."""
        row = self.list.currentRow()
        return self.campaigns[row] if 0 <= row < len(self.campaigns) else None

    def _pick_colour(self) -> None:
        picker = QColorDialog(QColor(self.colour), self)
        picker.colorSelected.connect(lambda colour: self._set_colour(colour.name()))
        picker.finished.connect(picker.deleteLater)
        picker.open()

    def _set_colour(self, colour: str) -> None:
        self.colour = colour
        self._paint_colour()

    def _paint_colour(self) -> None:
        self.colour_button.setIcon(swatch(self.colour, 16))
        self.colour_button.setText(self.colour)

    def add(self) -> None:
        """Add what the form says as a new campaign."""
        run_op(
            self.engine.campaigns.add(
                self.name.text(),
                colour=self.colour,
                starts_on=_day(self.starts, self.starts_on),
                ends_on=_day(self.ends, self.ends_on),
            ),
            on_success=self._changed,
            on_failure=self._refused,
        )

    def save(self) -> None:
        """Save the form into the chosen campaign."""
        if self.chosen is None:
            return
        run_op(
            self.engine.campaigns.edit(
                self.chosen.id,
                name=self.name.text(),
                colour=self.colour,
                dates=(_day(self.starts, self.starts_on), _day(self.ends, self.ends_on)),
            ),
            on_success=self._changed,
            on_failure=self._refused,
        )

    def remove(self) -> None:
        """Remove the chosen campaign; its posts stay."""
        if self.chosen is None:
            return
        run_op(
            self.engine.campaigns.remove(self.chosen.id),
            on_success=lambda removal: self._removed(removal.campaign.name, removal.posts),
            on_failure=self._refused,
        )

    def _changed(self, campaign: Campaign) -> None:
        self.note.setText(f"Saved {campaign.name}.")
        self.reload(select=campaign.id)
        self.campaigns_did_change.emit()

    def _removed(self, name: str, posts: int) -> None:
        self.note.setText(f"Removed {name}; its {posts} post(s) stay, without a campaign.")
        self.reload()
        self.campaigns_did_change.emit()

    def _refused(self, error: KnownError) -> None:
        self.note.setText(error.text())
