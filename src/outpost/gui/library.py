"""The media library window: every file a post carried, to find again and reuse (issue #24).

A grid of thumbnails with a search field (name, alt text, tags), and for the chosen file its
picture, size, where it was used, its alt text and tags; "Use in post" hands it to the composer
with the alt text it last went out with. Files also come from a web address (downloaded by the
engine, public addresses only). Every engine call runs in the background.
"""

from __future__ import annotations

from outpost.domain.errors import KnownError
from outpost.domain.library import LibraryItem
from outpost.domain.models import MediaAsset
from outpost.engine import Engine
from outpost.gui.messages import MessageBridge
from outpost.gui.qt import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHideEvent,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPixmap,
    QPushButton,
    QShowEvent,
    QSize,
    Qt,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
    is_alive,
)
from outpost.gui.tasks import run_op
from outpost.gui.theme import follow_theme
from outpost.gui.thumbnails import Thumbnails

TILE = 132


def _size(size: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:,} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return ""


def _asset(item: LibraryItem) -> MediaAsset:
    """The item as the thumbnail cache knows files."""
    return MediaAsset(
        id=f"lib_{item.sha256[:12]}",
        path=item.path,
        mime_type=item.mime_type,
        size=item.size,
        width=item.width,
        height=item.height,
        kind=item.kind,
        sha256=item.sha256,
    )


def _heading(text: str) -> QLabel:
    label = QLabel(text.upper())
    label.setObjectName("heading")
    return label


class LibraryDialog(QDialog):
    """Browse, search, tag, reuse and delete the library's files.

    Signals:
        use_requested(str, str): attach this path with this alt text to the post being written.
    """

    use_requested = Signal(str, str)

    def __init__(self, engine: Engine, messages: MessageBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.messages = messages
        self.items: list[LibraryItem] = []
        self.thumbnails = Thumbnails(engine, self)
        self.thumbnails.did_load.connect(self._thumbnail_ready)
        self.setWindowTitle("Media library")
        self.resize(960, 620)

        self.search = QLineEdit(placeholderText="Search by file name, alt text or tag")
        self.search.setClearButtonEnabled(True)
        self._search_later = QTimer(self, singleShot=True, interval=200)
        self._search_later.timeout.connect(self.reload)
        self.search.textChanged.connect(lambda _: self._search_later.start())
        add_url = QPushButton("Add from a web address…")
        add_url.clicked.connect(self.ask_url)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(add_url)

        self.grid = QListWidget()
        self.grid.setViewMode(QListWidget.ViewMode.IconMode)
        self.grid.setIconSize(QSize(TILE, TILE))
        self.grid.setGridSize(QSize(TILE + 24, TILE + 40))
        self.grid.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.grid.setMovement(QListWidget.Movement.Static)
        self.grid.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.grid.setWordWrap(True)
        self.grid.currentRowChanged.connect(self._show)
        self.grid.itemDoubleClicked.connect(lambda _: self.use())
        self.empty = QLabel(
            "Nothing here yet.\nEvery photo and video you attach to a post is kept here, to find and reuse."
        )
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setObjectName("libraryEmpty")

        self.preview = QLabel()
        self.preview.setFixedSize(300, 220)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setObjectName("libraryPreview")
        self.name = QLabel()
        self.name.setObjectName("libraryName")
        self.name.setWordWrap(True)
        self.facts = QLabel()
        self.facts.setObjectName("muted")
        self.facts.setWordWrap(True)
        self.alt = QLabel()
        self.alt.setWordWrap(True)
        self.tags = QLineEdit(placeholderText="Tags, separated by commas")
        self.tags.editingFinished.connect(self.save_tags)
        self.use_button = QPushButton("Use in post")
        self.use_button.setDefault(True)
        self.use_button.setObjectName("primary")
        self.use_button.clicked.connect(self.use)
        self.delete_button = QPushButton("Delete from library")
        self.delete_button.clicked.connect(self.delete)

        details = QVBoxLayout()
        details.addWidget(self.preview)
        details.addWidget(self.name)
        details.addWidget(self.facts)
        details.addSpacing(6)
        details.addWidget(_heading("Alt text"))
        details.addWidget(self.alt)
        details.addSpacing(6)
        details.addWidget(_heading("Tags"))
        details.addWidget(self.tags)
        details.addStretch(1)
        details.addWidget(self.use_button)
        details.addWidget(self.delete_button)
        self.details = QWidget()
        self.details.setLayout(details)
        self.details.setFixedWidth(320)

        body = QHBoxLayout()
        body.addWidget(self.grid, 1)
        body.addWidget(self.empty, 1)
        body.addWidget(self.details)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(body, 1)
        follow_theme(
            self,
            lambda c: (
                f"QListWidget {{ background: {c.base}; border: 1px solid {c.border}; border-radius: 8px;"
                " padding: 6px; }"
                f"QListWidget::item {{ border-radius: 8px; padding: 4px; color: {c.text}; }}"
                f"QListWidget::item:hover {{ background: {c.accent_soft}; }}"
                f"QListWidget::item:selected {{ background: {c.accent_soft}; color: {c.text};"
                f" border: 2px solid {c.accent}; }}"
                f"QPushButton#primary {{ background: {c.accent}; color: {c.accent_text}; border: none;"
                " border-radius: 6px; padding: 7px 16px; font-weight: 600; }"
                f"QPushButton#primary:disabled {{ background: {c.border}; color: {c.disabled_text}; }}"
                f"QLabel#heading {{ color: {c.muted}; font-size: 11px; font-weight: 600;"
                " text-transform: uppercase; }"
                f"QLabel#libraryName {{ font-size: 15px; font-weight: 600; }}"
                f"QLabel#muted {{ color: {c.muted}; }}"
                f"QLabel#libraryEmpty {{ color: {c.muted}; font-size: 14px; }}"
                f"QLabel#libraryPreview {{ background: {c.base}; border: 1px solid {c.border};"
                f" border-radius: 8px; }}"
            ),
        )
        self._show(-1)

    def showEvent(self, event: QShowEvent) -> None:
        """Read the library each time the window opens (a post saved since may have added files)."""
        super().showEvent(event)
        self.reload()

    def hideEvent(self, event: QHideEvent) -> None:
        """A search typed just before closing is not run after it."""
        self._search_later.stop()
        super().hideEvent(event)

    # -- loading --------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the library again (as searched) in the background; nothing while the window is closed."""
        if not self.isVisible():
            return
        run_op(self.engine.library.list(self.search.text().strip() or None), on_success=self._loaded)

    def _loaded(self, items: list[LibraryItem]) -> None:
        if not is_alive(self):
            return
        chosen = self.current()
        self.items = items
        self.grid.clear()
        for item in items:
            tile = QListWidgetItem(item.name)
            tile.setToolTip(item.alt_text or item.name)
            tile.setSizeHint(QSize(TILE + 20, TILE + 36))
            pixmap = self.thumbnails.get(_asset(item))
            if pixmap is not None:
                tile.setIcon(pixmap.scaled(TILE, TILE, Qt.AspectRatioMode.KeepAspectRatio))
            self.grid.addItem(tile)
        nothing = not items
        self.grid.setVisible(not nothing)
        self.empty.setVisible(nothing)
        if nothing and self.search.text().strip():
            self.empty.setText(f"No file matches “{self.search.text().strip()}”.")
        keep = next((i for i, item in enumerate(items) if chosen and item.sha256 == chosen.sha256), 0)
        self.grid.setCurrentRow(keep if items else -1)
        self._show(self.grid.currentRow())

    def _thumbnail_ready(self, sha: str) -> None:
        for row, item in enumerate(self.items):
            if item.sha256 == sha:
                pixmap = self.thumbnails.get(_asset(item))
                if pixmap is not None and self.grid.item(row) is not None:
                    self.grid.item(row).setIcon(pixmap.scaled(TILE, TILE, Qt.AspectRatioMode.KeepAspectRatio))
                if row == self.grid.currentRow():
                    self._show(row)

    # -- the chosen file ------------------------------------------------------------------------

    def current(self) -> LibraryItem | None:
        """The file chosen in the grid, if any."""
        row = self.grid.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def _show(self, row: int) -> None:
        item = self.items[row] if 0 <= row < len(self.items) else None
        self.details.setEnabled(item is not None)
        if item is None:
            self.preview.setPixmap(QPixmap())
            self.preview.setText("")
            self.name.setText("")
            self.facts.setText("")
            self.alt.setText("")
            self.tags.setText("")
            return
        pixmap = self.thumbnails.get(_asset(item))
        if pixmap is not None:
            self.preview.setPixmap(
                pixmap.scaled(
                    296, 216, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
                )
            )
        else:
            self.preview.setText(item.kind.capitalize())
        self.name.setText(item.name)
        shape = f"{item.width} × {item.height} · " if item.width else ""
        length = f"{item.duration_s:.0f} s · " if item.duration_s else ""
        used = (
            f"on {len(item.used_by)} post{'s' if len(item.used_by) != 1 else ''}"
            if item.used_by
            else "on no post yet"
        )
        source = f"\nFrom {item.source_url}" if item.source_url else ""
        self.facts.setText(f"{shape}{length}{_size(item.size)}\nUsed {used}{source}")
        self.alt.setText(item.alt_text or "No alt text yet: add it when you use the file.")
        self.tags.setText(", ".join(item.tags))

    # -- actions --------------------------------------------------------------------------------

    def use(self) -> None:
        """Attach the chosen file to the post being written, with its alt text."""
        item = self.current()
        if item is not None:
            self.use_requested.emit(item.path, item.alt_text)

    def save_tags(self) -> None:
        """Save the tags as typed."""
        item = self.current()
        if item is None:
            return
        tags = [t.strip() for t in self.tags.text().split(",")]
        if tuple(t for t in tags if t) == item.tags:
            return
        run_op(
            self.engine.library.tag(item.sha256, tags),
            on_success=lambda _: self.reload(),
            on_failure=self._failed,
        )

    def delete(self) -> None:
        """Delete the chosen file from the library (refused, in words, while a post needs it)."""
        item = self.current()
        if item is not None:
            name = item.name

            def deleted(_: None) -> None:
                self.messages.info(f"Deleted {name} from the library.")
                if is_alive(self):
                    self.reload()

            run_op(self.engine.library.forget(item.sha256), on_success=deleted, on_failure=self._failed)

    def ask_url(self) -> None:
        """Ask for a web address and download the file into the library."""
        url, ok = QInputDialog.getText(
            self, "Add from a web address", "Address of an image or video (https://…):"
        )
        if ok and url.strip():
            self.messages.info("Downloading…")
            run_op(
                self.engine.library.add_url(url.strip(), field="address"),
                on_success=self._added,
                on_failure=self._failed,
            )

    def _added(self, item: LibraryItem) -> None:
        self.messages.info(f"Added {item.name} to the library.")
        if is_alive(self):
            self.search.clear()
            self.reload()

    def _failed(self, error: KnownError) -> None:
        self.messages.error(error.text())
