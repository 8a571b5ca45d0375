"""Snippets in the composer: a trigger typed becomes its snippet, and a picker inserts one.

The expander watches a text field: when a space or line break is typed right after a snippet's
trigger (`;sig`), the trigger is replaced by the snippet — its variant for the network whose
Customise tab the field belongs to, else the common text. The replacement is one edit, so Ctrl+Z
brings the trigger back. The picker (Ctrl+Shift+Space, or the Snippets button) searches by
name, trigger or text and inserts at the cursor of the field last typed in.
"""

from __future__ import annotations

from collections.abc import Callable

from outpost.domain.enums import Network
from outpost.domain.snippets import Snippet, find_trigger, search
from outpost.gui.qt import (
    QDialog,
    QDialogButtonBox,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QObject,
    QPlainTextEdit,
    Qt,
    QVBoxLayout,
    QWidget,
)

SHORTCUT = "Ctrl+Shift+Space"


class SnippetExpander(QObject):
    """Replaces a trigger typed in `edit` with its snippet (for `network`, if the field has one)."""

    def __init__(
        self,
        edit: QPlainTextEdit,
        snippets: Callable[[], list[Snippet]],
        network: Network | None = None,
    ) -> None:
        super().__init__(edit)
        self.edit = edit
        self.network = network
        self._snippets = snippets
        self._busy = False
        edit.textChanged.connect(self._changed)

    def _changed(self) -> None:
        if self._busy:
            return
        cursor = self.edit.textCursor()
        if cursor.hasSelection():
            return
        position = cursor.position()
        found = find_trigger(self.edit.toPlainText(), position, self._snippets())
        if found is None:
            return
        start, end, snippet = found
        snippet_text = snippet.text_for(self.network)
        self._busy = True
        try:
            edit_cursor = self.edit.textCursor()
            edit_cursor.beginEditBlock()
            edit_cursor.setPosition(start)
            edit_cursor.setPosition(end, edit_cursor.MoveMode.KeepAnchor)
            edit_cursor.insertText(snippet_text)
            edit_cursor.endEditBlock()
            edit_cursor.setPosition(start + len(snippet_text) + 1)
            self.edit.setTextCursor(edit_cursor)
        finally:
            self._busy = False


class SnippetPicker(QDialog):
    """Search the snippets and choose one (Enter or a double click inserts it)."""

    def __init__(
        self, snippets: list[Snippet], network: Network | None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("snippet_picker")
        self.setWindowTitle("Insert a snippet")
        self.snippets = snippets
        self.network = network
        self.chosen: Snippet | None = None
        self.search = QLineEdit()
        self.search.setObjectName("snippet_search")
        self.search.setPlaceholderText("Search snippets by name, trigger or text")
        self.search.textChanged.connect(self._filter)
        self.list = QListWidget()
        self.list.setObjectName("snippet_choices")
        self.list.itemActivated.connect(lambda _item: self.accept())
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(self.search)
        column.addWidget(self.list)
        column.addWidget(buttons)
        self.search.returnPressed.connect(self.accept)
        self.resize(420, 320)
        self.refresh()

    def refresh(self) -> None:
        """Show the snippets matching the search again (after they were read anew)."""
        self._filter(self.search.text())

    def _filter(self, query: str) -> None:
        self.list.clear()
        if not self.snippets:
            self.list.addItem("No snippets yet: add them in Settings → Snippets.")
            return
        for snippet in search(self.snippets, query):
            shown = snippet.text_for(self.network).replace("\n", " ")
            item = QListWidgetItem(f"{snippet.name}  {snippet.trigger}\n{shown[:80]}")
            item.setData(Qt.ItemDataRole.UserRole, snippet.id)
            self.list.addItem(item)
        if self.list.count():
            self.list.setCurrentRow(0)

    def accept(self) -> None:
        """Take the highlighted snippet."""
        item = self.list.currentItem()
        wanted = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        self.chosen = next((s for s in self.snippets if s.id == wanted), None)
        super().accept()


def insert(edit: QPlainTextEdit, snippet: Snippet, network: Network | None) -> None:
    """Put the snippet's text (for `network`) at the cursor, as one edit."""
    edit.insertPlainText(snippet.text_for(network))
    edit.setFocus()
