"""A card around one chart: its title, a "Table" toggle with the same numbers, and Export (CSV, PNG).

Every chart of the Stats tab sits in one, so its numbers are one click away and it leaves the
machine only as the creator chooses. The file dialog opens window-modal with `open()`, never
`exec()` (no nested event loop under qasync); `export_csv`/`export_png` do the work.
"""

from __future__ import annotations

from pathlib import Path

from outpost.gui.qt import (
    QAbstractItemView,
    QColor,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPushButton,
    QRectF,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
    Signal,
)
from outpost.gui.stats.table import Table, TableModel, write_csv
from outpost.gui.theme import Colours, colours


class Card(QFrame):
    """A rounded box in the base colour with a thin border, painted in the current theme.

    Painted, not styled: a style sheet per card (or one for the whole tab, which polishes every
    child under it) cost a third of the tab's first paint.
    """

    def paintEvent(self, event: QPaintEvent) -> None:
        """The rounded box; the children paint themselves on top."""
        c = colours()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(c.border), 1))
        painter.setBrush(QColor(c.base))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5), 8, 8)
        painter.end()


def muted(label: QLabel, c: Colours | None = None) -> None:
    """Write `label` in the secondary text colour (again after a theme change: `retint`)."""
    label.setProperty("muted", True)
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor((c or colours()).muted))
    label.setPalette(palette)


def retint(root: QWidget, c: Colours) -> None:
    """The theme changed: every muted label under `root` takes the new secondary colour."""
    for label in root.findChildren(QLabel):
        if label.property("muted"):
            muted(label, c)


def heading(text: str) -> QLabel:
    """A card's title: bold, a little larger than the text."""
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.1)
    label.setFont(font)
    return label


class ChartPanel(Card):
    """`content` (a chart or the heatmap) or its numbers as a table, with Export.

    Args:
        slug: the panel's name in object names and suggested file names ("per-network").
        title: shown at the top.
        content: what draws the numbers.

    Signals:
        exported(str): a file was written (its path), for the window's messages.
    """

    exported = Signal(str)

    def __init__(self, slug: str, title: str, content: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.slug = slug
        self.setObjectName(f"panel_{slug.replace('-', '_')}")
        self.content = content
        self.title = heading(title)
        self.model = TableModel(parent=self)
        self.table_view = QTableView()
        self.table_view.setObjectName("numbers")
        self.table_view.setModel(self.model)
        self.table_view.verticalHeader().setVisible(False)
        self.table_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table_view.setAlternatingRowColors(True)
        # Sized to its contents when shown, not on every change: a hidden 168-row table measured
        # at each load cost more than drawing the charts.
        self.table_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table_view.horizontalHeader().setStretchLastSection(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(content)
        self.stack.addWidget(self.table_view)
        self.table_button = QPushButton("Table")
        self.table_button.setObjectName("table_toggle")
        self.table_button.setCheckable(True)
        self.table_button.setToolTip("Show the numbers behind the chart")
        self.table_button.toggled.connect(self.show_table)
        self.export_button = QPushButton("Export")
        self.export_button.setObjectName("export")
        self.export_button.setToolTip("Save the numbers as CSV, or the chart as a picture")
        menu = QMenu(self.export_button)
        menu.addAction("CSV (numbers)…", lambda: self._ask_path("csv"))
        menu.addAction("PNG (picture)…", lambda: self._ask_path("png"))
        self.export_button.setMenu(menu)
        self.note = QLabel()
        self.note.setObjectName("panel_note")
        self.note.setWordWrap(True)
        self.note.setVisible(False)
        muted(self.note)
        self._top = QHBoxLayout()
        self._top.addWidget(self.title)
        self._top.addStretch(1)
        self._top.addWidget(self.table_button)
        self._top.addWidget(self.export_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(16, 12, 16, 16)
        column.setSpacing(8)
        column.addLayout(self._top)
        column.addWidget(self.note)
        column.addWidget(self.stack, 1)

    def add_control(self, widget: QWidget) -> None:
        """A control of the chart's own (which metric it draws), left of "Table"."""
        self._top.insertWidget(self._top.count() - 2, widget)

    def set_table(self, table: Table) -> None:
        """The numbers the chart draws (the table view and CSV export show these)."""
        self.model.set_table(table)
        if self.stack.currentWidget() is self.table_view:
            self.table_view.resizeColumnsToContents()

    def set_note(self, text: str) -> None:
        """A muted line under the title (what the chart rests on, or why it is empty)."""
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def show_table(self, on: bool) -> None:
        """Show the numbers instead of the chart (or the chart again)."""
        if on:
            self.table_view.resizeColumnsToContents()
        self.stack.setCurrentWidget(self.table_view if on else self.content)
        if self.table_button.isChecked() != on:
            self.table_button.setChecked(on)

    def export_csv(self, path: Path) -> None:
        """Write the numbers to `path`."""
        write_csv(self.model.table, path)
        self.exported.emit(str(path))

    def export_png(self, path: Path) -> None:
        """Save what the panel shows now (chart or table) as a picture."""
        shown = self.stack.currentWidget()
        assert shown is not None
        if not shown.grab().save(str(path), "PNG"):
            raise OSError(f"Could not write {path}")
        self.exported.emit(str(path))

    def _ask_path(self, kind: str) -> None:
        dialog = QFileDialog(self.window(), f"Export {self.title.text()}")
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(kind)
        dialog.setNameFilter("CSV files (*.csv)" if kind == "csv" else "PNG pictures (*.png)")
        dialog.selectFile(f"outpost-{self.slug}.{kind}")
        dialog.fileSelected.connect(lambda name: self._write(kind, Path(name)))
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    def _write(self, kind: str, path: Path) -> None:
        try:
            (self.export_csv if kind == "csv" else self.export_png)(path)
        except OSError as error:
            self.set_note(f"Could not save {path.name}: {error.strerror or error}")
