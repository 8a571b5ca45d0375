"""The thread under the post: its further parts, and the buttons that add them or split the text."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from outpost.gui.composer.paste import Pasted, PostTextEdit
from outpost.gui.qt import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QImage,
    QPushButton,
    QVBoxLayout,
    QWidget,
    Signal,
)

#: One part's files: (path, alt text), in order.
PartFiles = list[tuple[str, str]]

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
        #: Each part's own files (issue #24: media on every part), and the button that shows them.
        self.files: dict[PostTextEdit, PartFiles] = {}
        self._file_buttons: dict[PostTextEdit, QPushButton] = {}
        #: Saves a pasted picture that has no file yet (the composer's attacher); None: refuse it.
        self.save_picture: Callable[[QImage], str] | None = None
        self.media_filter = ""
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
        edit.media_pasted.connect(lambda found: self._pasted(edit, found))
        attach = QPushButton("+ Media")
        attach.setObjectName(f"part_attach:{len(self.parts) + 1}")
        attach.setToolTip("Attach pictures or videos to this part (or paste or drop them on it)")
        attach.clicked.connect(lambda: self._choose(edit))
        files = QPushButton()
        files.setObjectName(f"part_files:{len(self.parts) + 1}")
        files.setFlat(True)
        files.setVisible(False)
        files.clicked.connect(lambda: self.set_files(edit, []))
        self.files[edit] = []
        self._file_buttons[edit] = files
        remove = QPushButton("✕")
        remove.setToolTip("Remove this part")
        up = QPushButton("↑")
        up.setToolTip("Move up")
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(edit, 1)
        row.addWidget(files)
        row.addWidget(attach)
        row.addWidget(up)
        row.addWidget(remove)
        self._box.addWidget(holder)
        self.parts.append(edit)
        remove.clicked.connect(lambda: self._remove(edit, holder))
        up.clicked.connect(lambda: self._move_up(edit))
        self.parts_did_change.emit()
        return edit

    # -- each part's files ------------------------------------------------------------------------

    def part_files(self) -> list[PartFiles]:
        """Every part's files, in the parts' order."""
        return [list(self.files.get(part, [])) for part in self.parts]

    def set_files(self, edit: PostTextEdit, files: PartFiles) -> None:
        """Give part `edit` these files (none: take them off)."""
        self.files[edit] = list(files)
        button = self._file_buttons[edit]
        names = [Path(path).name for path, _ in files]
        button.setVisible(bool(files))
        button.setText(f"{len(files)} file{'s' if len(files) > 1 else ''} ✕")
        button.setToolTip("This part's files: " + ", ".join(names) + ". Click to take them off.")
        self.parts_did_change.emit()

    def _pasted(self, edit: PostTextEdit, found: Pasted) -> None:
        paths = list(found.files)
        if found.image is not None and self.save_picture is not None:
            paths.append(self.save_picture(found.image))
        if paths:
            self.set_files(edit, [*self.files[edit], *((p, "") for p in paths)])

    def _choose(self, edit: PostTextEdit) -> None:
        chosen, _ = QFileDialog.getOpenFileNames(self, "Add media to this part", "", self.media_filter)
        if chosen:
            self.set_files(edit, [*self.files[edit], *((p, "") for p in chosen)])

    def texts(self) -> list[str]:
        """Every part's text, in order."""
        return [part.toPlainText() for part in self.parts]

    def clear(self) -> None:
        """No parts (the post alone)."""
        for edit in list(self.parts):
            holder = edit.parentWidget()
            self.parts.remove(edit)
            self.files.pop(edit, None)
            self._file_buttons.pop(edit, None)
            if holder is not None:
                holder.deleteLater()

    def _remove(self, edit: PostTextEdit, holder: QWidget) -> None:
        self.parts.remove(edit)
        self.files.pop(edit, None)
        self._file_buttons.pop(edit, None)
        holder.deleteLater()
        self.parts_did_change.emit()

    def _move_up(self, edit: PostTextEdit) -> None:
        index = self.parts.index(edit)
        if index > 0:
            above = self.parts[index - 1]
            text = above.toPlainText()
            above.setPlainText(edit.toPlainText())
            edit.setPlainText(text)
            files = self.files[above]
            self.set_files(above, self.files[edit])  # a part's files move with its text
            self.set_files(edit, files)
