"""Attached media: a drop zone, thumbnails in a strip you can reorder, alt text, per-network badges.

Clicking the drop zone (or its "Add media…" button) asks the composer to open the file dialog.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from outpost.domain.compatibility import Compatibility, Verdict
from outpost.engine import MediaInfo
from outpost.gui.qt import (
    QAbstractItemView,
    QColor,
    QFrame,
    QHBoxLayout,
    QIcon,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QPushButton,
    QRectF,
    QSize,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)
from outpost.gui.theme import Colours, colours, on_theme_change

ICON = QSize(96, 96)
_MARK = {Compatibility.COMPATIBLE: "✓", Compatibility.FIXABLE: "⚙", Compatibility.INCOMPATIBLE: "✗"}
_TONE = {Compatibility.COMPATIBLE: "good", Compatibility.FIXABLE: "warn", Compatibility.INCOMPATIBLE: "bad"}


class DropZone(QFrame):
    """Where files are dropped; a click (or its "Add media…" button) opens the file dialog.

    Signals:
        browse_requested(): the person wants to choose files.
    """

    browse_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("drop_zone")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip("Click to choose images, videos or PDFs, or drop them here")
        self.hint = QLabel("Drop images or videos here, paste one (Ctrl+V), or")
        self.hint.setObjectName("drop_hint")
        self.hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.button = QPushButton("Add media…")
        self.button.setObjectName("add_media")
        self.button.setToolTip("Choose images, videos or PDFs to attach")
        self.button.clicked.connect(self.browse_requested)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 6, 6, 6)
        row.addWidget(self.hint, 1)
        row.addWidget(self.button)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """A click anywhere in the zone chooses files, as its words promise."""
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.browse_requested.emit()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        """A dashed border in the theme's line colour (painted: a style sheet would restyle the button)."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        line = QColor(colours().muted)  # the theme's border colour is too faint for a dashed line
        line.setAlpha(150)
        painter.setPen(QPen(line, 1, Qt.PenStyle.DashLine))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 6, 6)
        painter.end()


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
    browse_requested = Signal()

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
        self.drop_zone = DropZone()
        self.drop_zone.browse_requested.connect(self.browse_requested)
        row = QHBoxLayout()
        row.addWidget(self.alt, 1)
        row.addWidget(self.fix)
        row.addWidget(self.remove)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.drop_zone)
        layout.addWidget(self.list)
        layout.addLayout(row)
        layout.addWidget(self.badges)
        self._refresh_controls()
        on_theme_change(self, self._recolour)

    def _recolour(self, _colours: Colours) -> None:
        """Badges in the new theme's colours."""
        self._show_selected(self.list.currentRow())

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
            detail = verdict.fix or verdict.reason or verdict.note or "fits"
            colour = getattr(colours(), _TONE[verdict.status])
            parts.append(
                f"<span style='color:{colour}'>{_MARK[verdict.status]} <b>{network}</b>: {detail}</span>"
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
