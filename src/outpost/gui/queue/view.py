"""The queue view: filters, search, the table, and what can be done with the selected post."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from outpost.domain.enums import PostStatus, TargetStatus
from outpost.domain.errors import KnownError
from outpost.domain.models import Post
from outpost.engine import Engine, MediaInput, PostInput, When
from outpost.engine.composer import input_of
from outpost.gui.composer.schedule_dialog import ScheduleDialog
from outpost.gui.messages import MessageBridge
from outpost.gui.qt import (
    QAbstractItemView,
    QDesktopServices,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableView,
    QTimer,
    QUrl,
    QVBoxLayout,
    QWidget,
    Signal,
)
from outpost.gui.queue.model import QueueModel
from outpost.gui.tasks import run_op

FILTERS: tuple[tuple[str, tuple[PostStatus, ...]], ...] = (
    ("All", ()),
    ("Drafts", (PostStatus.DRAFT,)),
    ("Scheduled", (PostStatus.SCHEDULED,)),
    ("Published", (PostStatus.PUBLISHED, PostStatus.PARTIALLY_PUBLISHED)),
    ("Failed", (PostStatus.FAILED, PostStatus.PARTIALLY_PUBLISHED)),
    ("Needs review", (PostStatus.NEEDS_REVIEW,)),
)
_EDITABLE = {PostStatus.DRAFT, PostStatus.SCHEDULED, PostStatus.FAILED, PostStatus.NEEDS_REVIEW}


class QueueView(QWidget):
    """Every post with its status per account.

    Signals:
        edit_requested(str): open this post in the composer.
    """

    edit_requested = Signal(str)

    def __init__(self, engine: Engine, *, messages: MessageBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.messages = messages
        self.engine = engine
        self.model = QueueModel(engine, self)
        self.filters: dict[str, QPushButton] = {}
        bar = QHBoxLayout()
        for label, statuses in FILTERS:
            button = QPushButton(label)
            button.setCheckable(True)
            button.setChecked(label == "All")
            button.setObjectName(f"filter:{label}")
            button.clicked.connect(lambda _=False, s=statuses, name=label: self._filter(name, s))
            bar.addWidget(button)
            self.filters[label] = button
        bar.addStretch(1)
        self.search = QLineEdit()
        self.search.setObjectName("search")
        self.search.setPlaceholderText("Search posts")
        self.search.setClearButtonEnabled(True)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(200)
        self._search_timer.timeout.connect(lambda: self.model.reload(search=self.search.text().strip()))
        self.search.textChanged.connect(lambda _: self._search_timer.start())
        bar.addWidget(self.search)
        self.table = QTableView()
        self.table.setObjectName("queue")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)  # one line per post: long account lists are elided, not wrapped
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        # Dates differ in width by weekday and month: size the column for the widest, not the first.
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(1, self.table.fontMetrics().horizontalAdvance("Wed 28 May 2026, 00:00") + 24)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda _: self.edit())
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        self.model.modelReset.connect(self._update_actions)
        self.model.dataChanged.connect(lambda *_: self._update_actions())
        self.buttons: dict[str, QPushButton] = {}
        row = QHBoxLayout()
        for name, slot in (
            ("Edit", self.edit),
            ("Reschedule…", self.reschedule),
            ("Publish now", self.publish_now),
            ("Cancel", self.cancel),
            ("Retry failed", self.retry),
            ("Look for it", self.look_for_it),
            ("Duplicate", self.duplicate),
            ("Delete", self.delete),
            ("Open", self.open_published),
        ):
            button = QPushButton(name)
            button.clicked.connect(slot)
            row.addWidget(button)
            self.buttons[name] = button
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.table)
        layout.addLayout(row)
        self._update_actions()

    def load(self) -> None:
        """First page."""
        self.model.reload()

    def _filter(self, name: str, statuses: tuple[PostStatus, ...]) -> None:
        for label, button in self.filters.items():
            button.setChecked(label == name)
        self.model.reload(statuses=statuses)

    @property
    def current(self) -> Post | None:
        """The selected post."""
        rows = self.table.selectionModel().selectedRows()
        return self.model.post_at(rows[0].row()) if rows else None

    def _update_actions(self) -> None:
        post = self.current
        status = post.status if post else None
        targets = post.targets if post else ()
        enabled = {
            "Edit": status in _EDITABLE,
            "Reschedule…": status in _EDITABLE,
            "Publish now": status in {PostStatus.DRAFT, PostStatus.SCHEDULED, PostStatus.NEEDS_REVIEW},
            "Cancel": status in {PostStatus.DRAFT, PostStatus.SCHEDULED, PostStatus.NEEDS_REVIEW},
            "Retry failed": any(t.status is TargetStatus.FAILED for t in targets),
            "Look for it": any(t.status is TargetStatus.UNKNOWN for t in targets),
            "Duplicate": post is not None,
            "Delete": post is not None and status is not PostStatus.PUBLISHING,
            "Open": any(t.permalink for t in targets),
        }
        for name, button in self.buttons.items():
            button.setEnabled(bool(enabled[name]))

    # -- actions -----------------------------------------------------------------------------------

    def _do(self, coro: Coroutine[Any, Any, object], done: str) -> None:
        run_op(coro, on_success=lambda _: self.messages.info(done), on_failure=self._fail)

    def _fail(self, error: KnownError) -> None:
        self.messages.failed(error)

    def _with_post(self, action: Callable[[Post], None]) -> None:
        post = self.current
        if post is not None:
            action(post)

    def look_for_it(self) -> None:
        """Ask the networks whether a post whose outcome is unknown went out (X can say)."""
        post = self.current
        if post is None:
            return

        def looked(result: Post) -> None:
            if result.status is PostStatus.PUBLISHED:
                self.messages.info("Found it on the network: the post is published.")
                return
            notes = [
                t.error.message for t in result.targets if t.error and t.status is not TargetStatus.PUBLISHED
            ]
            if notes:
                self.messages.warning(notes[0])
            else:
                self.messages.info(f"The post is {result.status.value}.")

        self.messages.info("Looking through the account's recent posts…")
        run_op(self.engine.posts.look_for_unknown(post.id), on_success=looked, on_failure=self._fail)

    def edit(self) -> None:
        """Open the selected post in the composer."""
        self._with_post(lambda post: self.edit_requested.emit(post.id) if post.status in _EDITABLE else None)

    def reschedule(self) -> None:
        """Pick a new time for the selected post."""
        post = self.current
        if post is None:
            return
        dialog = ScheduleDialog(self, zone=post.timezone or self.engine.settings.default_timezone)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            at, zone = dialog.choice()
            self._do(self.engine.posts.schedule(post.id, at, zone), "Rescheduled.")

    def publish_now(self) -> None:
        """Publish the selected post now."""
        self._with_post(lambda post: self._do(self.engine.posts.publish(post.id), "Published."))

    def cancel(self) -> None:
        """Cancel the selected post."""
        self._with_post(lambda post: self._do(self.engine.posts.cancel(post.id), "Cancelled."))

    def retry(self) -> None:
        """Publish the failed accounts of the selected post again."""
        self._with_post(lambda post: self._do(self.engine.posts.retry(post.id), "Retried."))

    def duplicate(self) -> None:
        """A new draft with the same content and accounts."""

        def copy(post: Post) -> None:
            request = input_of(post)
            fresh = PostInput(
                request.text,
                request.accounts,
                request.text_for,
                tuple(MediaInput(m.path, m.alt_text, m.focus) for m in request.media),
                request.thread,
                request.options,
            )
            self._do(self.engine.posts.create(fresh, When.draft(), validate=False), "Duplicated as a draft.")

        self._with_post(copy)

    def delete(self) -> None:
        """Forget the selected post (after asking); published copies stay on the networks."""
        post = self.current
        if post is None:
            return
        answer = QMessageBox.question(
            self,
            "Delete post",
            "Delete this post from Outpost? Copies already published stay on the networks.",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._do(self.engine.posts.delete(post.id), "Deleted.")

    def open_published(self) -> None:
        """Open the published post in the browser."""
        post = self.current
        link = next((t.permalink for t in post.targets if t.permalink), None) if post else None
        if link:
            QDesktopServices.openUrl(QUrl(link))
