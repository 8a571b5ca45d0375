"""Attached media: thumbnails in a strip you can reorder, an alt-text editor, per-network badges."""

from __future__ import annotations

from dataclasses import dataclass, replace

from outpost.domain.compatibility import Compatibility, Verdict
from outpost.engine import MediaInfo
from outpost.gui.qt import (
    QAbstractItemView,
    QHBoxLayout,
    QIcon,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPixmap,
    QPushButton,
    QSize,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

ICON = QSize(96, 96)
_MARK = {Compatibility.COMPATIBLE: "✓", Compatibility.FIXABLE: "⚙", Compatibility.INCOMPATIBLE: "✗"}
_COLOUR = {
    Compatibility.COMPATIBLE: "#1a7f37",
    Compatibility.FIXABLE: "#9a6700",
    Compatibility.INCOMPATIBLE: "#cf222e",
}


@dataclass(frozen=True)
class Attached:
    """One attached file as the composer holds it."""

    info: MediaInfo
    alt_text: str = ""
    thumbnail: str | None = None


class MediaStrip(QWidget):
    """The strip, the alt-text field for the selected item, and its compatibility badges.

    Signals:
        media_did_change(): files were added, removed, reordered, or an alt text changed.
    """

    media_did_change = Signal()
    fix_requested = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.items: list[Attached] = []
        self.verdicts: dict[str, dict[str, Verdict]] = {}  # sha256 → network label → verdict
        self.list = QListWidget()
        self.list.setObjectName("media")
        self.list.setViewMode(QListWidget.ViewMode.IconMode)
        self.list.setIconSize(ICON)
        self.list.setFixedHeight(ICON.height() + 34)
        self.list.setFlow(QListWidget.Flow.LeftToRight)
        self.list.setWrapping(False)
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setMovement(QListWidget.Movement.Snap)
        self.list.model().rowsMoved.connect(self._reordered)
        self.list.currentRowChanged.connect(self._show_selected)
        self.alt = QLineEdit()
        self.alt.setObjectName("alt_text")
        self.alt.setPlaceholderText("Describe the image for people who cannot see it (alt text)")
        self.alt.textEdited.connect(self._alt_edited)
        self.remove = QPushButton("Remove")
        self.remove.clicked.connect(self.remove_selected)
        self.fix = QPushButton("Fix")
        self.fix.setObjectName("fix")
        self.fix.setToolTip("Make a copy that fits (crop, convert, shrink) and use it instead")
        self.fix.clicked.connect(lambda: self.fix_requested.emit(self.list.currentRow()))
        self.badges = QLabel()
        self.badges.setObjectName("badges")
        self.badges.setWordWrap(True)
        self.badges.setTextFormat(Qt.TextFormat.RichText)
        self.hint = QLabel("Drop images or videos here, or paste an image (Ctrl+V).")
        self.hint.setStyleSheet("color: #667")
        row = QHBoxLayout()
        row.addWidget(self.alt, 1)
        row.addWidget(self.fix)
        row.addWidget(self.remove)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.hint)
        layout.addWidget(self.list)
        layout.addLayout(row)
        layout.addWidget(self.badges)
        self._refresh_controls()

    def add(self, attached: Attached) -> None:
        """Append a file."""
        self.items.append(attached)
        item = QListWidgetItem(self._caption(attached))
        if attached.thumbnail:
            item.setIcon(QIcon(QPixmap(attached.thumbnail)))
        item.setToolTip(attached.info.path)
        self.list.addItem(item)
        self.list.setCurrentRow(len(self.items) - 1)
        self._refresh_controls()
        self.media_did_change.emit()

    def replace_item(self, row: int, attached: Attached) -> None:
        """Swap the file at `row` (after a fix), keeping its place and alt text."""
        self.items[row] = attached
        item = self.list.item(row)
        item.setToolTip(attached.info.path)
        item.setText(self._caption(attached))
        if attached.thumbnail:
            item.setIcon(QIcon(QPixmap(attached.thumbnail)))
        self.media_did_change.emit()

    def set_verdicts(self, verdicts: dict[str, dict[str, Verdict]]) -> None:
        """Compatibility per file (by hash) and network, for the badges."""
        self.verdicts = verdicts
        self._show_selected(self.list.currentRow())

    def remove_selected(self) -> None:
        """Remove the selected file."""
        row = self.list.currentRow()
        if 0 <= row < len(self.items):
            del self.items[row]
            self.list.takeItem(row)
            self._refresh_controls()
            self.media_did_change.emit()

    def clear_all(self) -> None:
        """Remove every file."""
        self.items.clear()
        self.list.clear()
        self._refresh_controls()

    @staticmethod
    def _caption(attached: Attached) -> str:
        return (
            "⚠ no alt text" if not attached.alt_text and attached.info.kind.value != "document" else "alt ✓"
        )

    def _alt_edited(self, text: str) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.items):
            self.items[row] = replace(self.items[row], alt_text=text)
            self.list.item(row).setText(self._caption(self.items[row]))
            self.media_did_change.emit()

    def _reordered(self, *_: object) -> None:
        by_path = {a.info.path: a for a in self.items}
        self.items = [by_path[self.list.item(i).toolTip()] for i in range(self.list.count())]
        self.media_did_change.emit()

    def _show_selected(self, row: int) -> None:
        selected = self.items[row] if 0 <= row < len(self.items) else None
        self.alt.setEnabled(selected is not None)
        self.alt.setText(selected.alt_text if selected else "")
        if selected is None:
            self.badges.setText("")
            self.fix.setEnabled(False)
            return
        parts = []
        for network, verdict in self.verdicts.get(selected.info.sha256, {}).items():
            detail = verdict.fix or verdict.reason or "fits"
            parts.append(
                f"<span style='color:{_COLOUR[verdict.status]}'>{_MARK[verdict.status]} <b>{network}</b>: "
                f"{detail}</span>"
            )
        self.badges.setText("&nbsp;&nbsp; ".join(parts))
        fixable = [
            v
            for v in self.verdicts.get(selected.info.sha256, {}).values()
            if v.status is Compatibility.FIXABLE
        ]
        self.fix.setEnabled(bool(fixable))
        self.badges.setToolTip("⚙: Outpost fixes it on a copy when publishing (your file stays as it is).")

    def _refresh_controls(self) -> None:
        has = bool(self.items)
        self.list.setVisible(has)
        self.remove.setVisible(has)
        self.fix.setVisible(has)
        self.alt.setVisible(has)
