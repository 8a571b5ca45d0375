"""File → Import posts from CSV…: a preview of every row, with its problems, before anything is saved.

The engine reads and checks the file (`engine.csv_io`) exactly as `outpost post import --dry-run`
does; the table shows each data row (numbered as the command line numbers them: 1 is the first
row after the header), when it would go out, and what is wrong with it. Import stays disabled
until every row is good, because import is all or nothing.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from outpost.domain.errors import KnownError
from outpost.engine import Engine
from outpost.engine.csv_io import ImportPlan
from outpost.gui.qt import (
    QAbstractItemView,
    QBrush,
    QColor,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)
from outpost.gui.tasks import run_op
from outpost.gui.theme import colours, follow_theme

COLUMNS = ("Row", "Text", "Accounts", "Goes out", "Problems")
READING = "Reading the file and checking every row…"


class ImportPreview(QDialog):
    """The rows of a CSV file, checked, and an Import button that is on only when all are good.

    Signals:
        imported(int): the posts were saved (how many).
    """

    imported = Signal(int)

    def __init__(self, engine: Engine, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.path = path
        self.plan: ImportPlan | None = None
        self.setWindowTitle(f"Import posts — {path.name}")
        self.summary = QLabel(READING)
        self.summary.setObjectName("import_summary")
        self.summary.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setObjectName("import_rows")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(2, 220)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = QPushButton("Import")
        self.import_button.setObjectName("import_posts")
        self.import_button.setEnabled(False)
        self.buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.clicked.connect(self._import)
        self.buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(self.summary)
        column.addWidget(self.table, 1)
        column.addWidget(self.buttons)
        self.resize(1040, 540)
        run_op(engine.csv.plan(path), on_success=self.show_plan, on_failure=self._failed)

    def show_plan(self, plan: ImportPlan) -> None:
        """Fill the table with every row of `plan` and say whether it can be imported."""
        self.plan = plan
        zone = ZoneInfo(self.engine.slots.default_zone())
        numbers = sorted(set(plan.cells) | {p.row for p in plan.problems if p.row})
        self.table.setRowCount(len(numbers))
        bad = QBrush(QColor(colours(self.palette()).bad))
        for index, number in enumerate(numbers):
            cells = plan.cells.get(number, {})
            planned = plan.planned(number)
            problems = plan.problems_of(number)
            when = "draft"
            if planned is not None and planned.at is not None:
                when = _local(planned.at, ZoneInfo(planned.zone) if planned.zone else zone)
            elif planned is None:
                when = "—"
            values = (
                str(number),
                cells.get("text", "").strip(),
                cells.get("accounts", "").strip(),
                when,
                "\n".join(f"{p.column}: {p.reason}" for p in problems) or "ready",
            )
            for col, value in enumerate(values):
                item = QTableWidgetItem(value)
                item.setToolTip(value)
                if problems and col in (0, 4):
                    item.setForeground(bad)
                self.table.setItem(index, col, item)
        self.table.resizeRowsToContents()
        header = [p for p in plan.problems if p.row == 0]
        rows_bad = len({p.row for p in plan.problems if p.row})
        if header:
            text = "The file cannot be imported: " + "; ".join(f"{p.column}: {p.reason}" for p in header)
        elif rows_bad:
            text = (
                f"{rows_bad} of {len(numbers)} rows have problems (below). Nothing is imported until every "
                "row is good: fix the file and open it again."
            )
        elif not numbers:
            text = "The file has no rows to import."
        else:
            text = f"All {len(numbers)} rows are good. Import saves them as posts, in the times shown."
        self.summary.setText(text)
        follow_theme(self.summary, lambda c: f"color: {c.bad if not plan.ok else c.text};")
        self.import_button.setEnabled(plan.ok and bool(numbers))

    def _import(self) -> None:
        self.import_button.setEnabled(False)
        self.summary.setText("Importing…")
        run_op(
            self.engine.csv.import_file(self.path),
            on_success=lambda done: self._done(len(done[1])),
            on_failure=self._failed,
        )

    def _done(self, count: int) -> None:
        self.imported.emit(count)
        self.accept()

    def _failed(self, error: KnownError) -> None:
        self.summary.setText(error.text())
        follow_theme(self.summary, lambda c: f"color: {c.bad};")


def _local(instant: datetime, zone: ZoneInfo) -> str:
    return f"{instant.astimezone(zone):%a %d %b %Y %H:%M} ({zone.key})"
