"""A chart's numbers as a table: the same values the chart draws, shown and exported as CSV.

`Table` keeps the raw values (None where a network does not report a metric) and how to write
each column; `TableModel` shows it in a `QTableView`; `write_csv` saves it with nulls as empty
cells, so a spreadsheet sees "no value", not 0.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from outpost.gui.qt import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt
from outpost.gui.stats import numbers
from outpost.gui.stats.numbers import Format, Value

_Index = QModelIndex | QPersistentModelIndex
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
_DISPLAY, _RAW, _TIP, _ALIGN = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.UserRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.TextAlignmentRole,
)


@dataclass(frozen=True)
class Column:
    """A column's heading and how its values are written on screen."""

    heading: str
    format: Format = numbers.text


@dataclass(frozen=True)
class Table:
    """Rows of raw values under `columns` (each row as long as `columns`)."""

    columns: tuple[Column, ...]
    rows: list[tuple[Value, ...]] = field(default_factory=list)

    def shown(self, row: int, column: int) -> str:
        """A cell as the screen shows it ("—" for None)."""
        return self.columns[column].format(self.rows[row][column])


def write_csv(table: Table, path: Path) -> None:
    """Save `table` as CSV (UTF-8, a heading row; None as an empty cell)."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([column.heading for column in table.columns])
        for row in table.rows:
            writer.writerow(["" if value is None else value for value in row])


class TableModel(QAbstractTableModel):
    """A `Table` for a `QTableView`; numbers align right, the raw value is under `UserRole`."""

    def __init__(self, table: Table | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.table = table or Table(())

    def set_table(self, table: Table) -> None:
        """Show other numbers."""
        self.beginResetModel()
        self.table = table
        self.endResetModel()

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """The table's rows (none under a parent: it is flat)."""
        return 0 if parent.isValid() else len(self.table.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        """The table's columns."""
        return 0 if parent.isValid() else len(self.table.columns)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """The shown text ("—" for None), the raw value (`UserRole`), text whole as a tooltip."""
        if not index.isValid():
            return None
        value = self.table.rows[index.row()][index.column()]
        if role == _DISPLAY:
            return self.table.shown(index.row(), index.column())
        if role == _RAW:
            return value
        if role == _TIP and isinstance(value, str):
            return value  # a post's whole title, where the column cuts it short
        if role == _ALIGN and (value is None or isinstance(value, int | float)):
            return _RIGHT
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        """The column headings."""
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.table.columns[section].heading
        return None
