"""A layout that lines widgets up like words: left to right, wrapping onto the next line.

The composer's "Post to:" row holds one chip per account; with ten networks in a row the window
could not be narrower than all of them side by side. Wrapped, the row grows downwards instead.
(Qt ships no flow layout; its documentation has one as an example, written here our own way.)
"""

from __future__ import annotations

from outpost.gui.qt import QLayout, QLayoutItem, QPoint, QRect, QSize, Qt, QWidget, QWidgetItem


class FlowLayout(QLayout):
    """Items left to right at their size hints, wrapping when the next one does not fit."""

    def __init__(self, parent: QWidget | None = None, *, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gap = spacing
        self.setContentsMargins(0, 0, 0, 0)

    # -- QLayout's interface ---------------------------------------------------------------------

    def addItem(self, item: QLayoutItem) -> None:
        """Append an item (QLayout.addWidget comes here)."""
        self._items.append(item)

    def insertWidget(self, index: int, widget: QWidget) -> None:
        """Put `widget` at `index` (the end when `index` is past it)."""
        self.addChildWidget(widget)
        self._items.insert(max(0, min(index, len(self._items))), QWidgetItem(widget))
        self.invalidate()

    def count(self) -> int:
        """How many items."""
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        """The item at `index`, or None."""
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        """Remove and return the item at `index` (QLayout.removeWidget comes here)."""
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        """Never wider than its items ask."""
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        """The height depends on how many lines the width allows."""
        return True

    def heightForWidth(self, width: int) -> int:
        """The height the items need at `width`."""
        return self._arrange(QRect(0, 0, width, 0), place=False)

    def setGeometry(self, rect: QRect) -> None:
        """Place the items inside `rect`."""
        super().setGeometry(rect)
        self._arrange(rect, place=True)

    def sizeHint(self) -> QSize:
        """As small as its widest item: everything else wraps."""
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        """The widest item's minimum size (plus margins)."""
        size = QSize()
        for item in self._items:
            if not item.isEmpty():
                size = size.expandedTo(item.minimumSize())
        margins = self.contentsMargins()
        return size + QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    # -- placing -----------------------------------------------------------------------------------

    def _arrange(self, rect: QRect, *, place: bool) -> int:
        """Lay the visible items out in lines within `rect`; the height used."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        x, y, line = area.x(), area.y(), 0
        for item in self._items:
            if item.isEmpty():  # a hidden widget takes no room
                continue
            hint = item.sizeHint()
            if x > area.x() and x + hint.width() > area.right() + 1:
                x, y, line = area.x(), y + line + self._gap, 0
            if place:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._gap
            line = max(line, hint.height())
        return y + line - rect.y() + margins.bottom()
