"""The thread under the post: its further parts, and the buttons that add them or split the text."""

from __future__ import annotations

from outpost.gui.composer.paste import PostTextEdit
from outpost.gui.qt import QCheckBox, QHBoxLayout, QPushButton, QVBoxLayout, QWidget, Signal

__all__ = ["ThreadParts"]


class ThreadParts(QWidget):
    """Parts 2, 3, … of a thread, each with Move up and Remove; "+ Add thread part" and "Split".

    Attributes:
        parts: the parts' text fields, in order.
        split: the button that splits the post's text into parts (the composer does the split).
        numbering: whether split parts end in "1/3".

    Signals:
        parts_did_change(): a part was added, removed, moved or edited.
        media_pasted(Pasted): media was pasted or dropped into a part (the composer attaches it).
    """

    parts_did_change = Signal()
    media_pasted = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.parts: list[PostTextEdit] = []
        self._box = QVBoxLayout()
        self._box.setContentsMargins(0, 0, 0, 0)
        add_part = QPushButton("+ Add thread part")
        add_part.clicked.connect(lambda: self.add(""))
        self.split = QPushButton("Split into a thread")
        self.split.setObjectName("split")
        self.numbering = QCheckBox("Number the parts (1/3)")
        row = QHBoxLayout()
        for widget in (add_part, self.split, self.numbering):
            row.addWidget(widget)
        row.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addLayout(self._box)
        column.addLayout(row)

    def add(self, text: str) -> PostTextEdit:
        """Append a part."""
        edit = PostTextEdit(text)
        edit.setObjectName(f"part:{len(self.parts) + 1}")
        edit.setMaximumHeight(70)
        edit.setPlaceholderText(f"Thread part {len(self.parts) + 2}")
        edit.textChanged.connect(self.parts_did_change)
        edit.media_pasted.connect(self.media_pasted)
        remove = QPushButton("✕")
        remove.setToolTip("Remove this part")
        up = QPushButton("↑")
        up.setToolTip("Move up")
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit, 1)
        row.addWidget(up)
        row.addWidget(remove)
        self._box.addWidget(holder)
        self.parts.append(edit)
        remove.clicked.connect(lambda: self._remove(edit, holder))
        up.clicked.connect(lambda: self._move_up(edit))
        self.parts_did_change.emit()
        return edit

    def texts(self) -> list[str]:
        """Every part's text, in order."""
        return [part.toPlainText() for part in self.parts]

    def clear(self) -> None:
        """No parts (the post alone)."""
        for edit in list(self.parts):
            holder = edit.parentWidget()
            self.parts.remove(edit)
            if holder is not None:
                holder.deleteLater()

    def _remove(self, edit: PostTextEdit, holder: QWidget) -> None:
        self.parts.remove(edit)
        holder.deleteLater()
        self.parts_did_change.emit()

    def _move_up(self, edit: PostTextEdit) -> None:
        index = self.parts.index(edit)
        if index > 0:
            above = self.parts[index - 1]
            text = above.toPlainText()
            above.setPlainText(edit.toPlainText())
            edit.setPlainText(text)
