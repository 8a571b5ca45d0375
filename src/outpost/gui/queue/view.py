"""The queue view: filters, search, the table, and what can be done with the selected post.

When a filter finds nothing, the table gives way to a sentence that says what would put posts
there and, where it helps, a button that does it (issue #17: empty states that say what to do).
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from outpost.domain.campaigns import Campaign
from outpost.domain.enums import PostStatus, TargetStatus, VerificationState
from outpost.domain.errors import KnownError
from outpost.domain.models import Post
from outpost.engine import Engine, MediaInput, NetworkPlan, PostInput, When
from outpost.engine.composer import input_of
from outpost.gui.composer.schedule_dialog import ScheduleDialog
from outpost.gui.decor import pill_width, status_label
from outpost.gui.dialogs.campaigns import CampaignsDialog, swatch
from outpost.gui.links import open_link
from outpost.gui.messages import MessageBridge
from outpost.gui.qt import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPoint,
    QPushButton,
    QStackedWidget,
    Qt,
    QTableView,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from outpost.gui.queue.delegates import AccountsDelegate, PostDelegate, StatusDelegate
from outpost.gui.queue.model import ACCOUNTS, STATUS, TEXT, WHEN, QueueModel
from outpost.gui.queue.on_networks import DeleteOnNetworksDialog
from outpost.gui.tasks import run_op

FILTERS: tuple[tuple[str, tuple[PostStatus, ...]], ...] = (
    ("All", ()),
    ("Drafts", (PostStatus.DRAFT,)),
    ("Scheduled", (PostStatus.SCHEDULED,)),
    ("Published", (PostStatus.PUBLISHED, PostStatus.PARTIALLY_PUBLISHED)),
    ("Failed", (PostStatus.FAILED, PostStatus.PARTIALLY_PUBLISHED)),
    ("Needs review", (PostStatus.NEEDS_REVIEW,)),
)
#: What each filter says when it finds nothing: what puts posts there, and what to do.
EMPTY: dict[str, tuple[str, str]] = {
    "All": (
        "Nothing here yet",
        "Write a post in Compose, then Publish now, Schedule… or Add to queue.",
    ),
    "Drafts": (
        "No drafts",
        "A post you write in Compose stays a draft here until you schedule or publish it.",
    ),
    "Scheduled": (
        "Nothing scheduled yet",
        "Write a post in Compose and choose Schedule… or Add to queue: it waits here until its time.",
    ),
    "Published": ("Nothing published yet", "Posts show here once they are out, with a link to each."),
    "Failed": ("No failed posts", "If a network refuses a post, it shows here with the reason and Retry."),
    "Needs review": (
        "Nothing needs your review",
        "Posts wait here when Outpost cannot tell whether they went out, or when they came due "
        "while Outpost was closed.",
    ),
}
_WRITE = {"All", "Drafts", "Scheduled"}  # filters whose empty state offers "Write a post"
_EDITABLE = {PostStatus.DRAFT, PostStatus.SCHEDULED, PostStatus.FAILED, PostStatus.NEEDS_REVIEW}


class QueueView(QWidget):
    """Every post with its status per account.

    Signals:
        edit_requested(str): open this post in the composer.
        compose_requested(): the empty queue's "Write a post" was clicked (open the composer).
        stats_requested(str, str): "Stats…" in a post's context menu: its id and a title.
    """

    edit_requested = Signal(str)
    compose_requested = Signal()
    stats_requested = Signal(str, str)
    #: Open this published post in the composer's "edit on the networks" mode (issue #24).
    edit_on_networks_requested = Signal(str)

    def __init__(self, engine: Engine, *, messages: MessageBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.messages = messages
        self.engine = engine
        self.model = QueueModel(engine, self)
        self.filters: dict[str, QPushButton] = {}
        self.filter_name = "All"
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
        self._organising_bar(bar)
        self.table = QTableView()
        self.table.setObjectName("queue")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.setWordWrap(False)  # a post takes two lines: its text, and why it waits or failed
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        self.table.setItemDelegateForColumn(STATUS, StatusDelegate(self.table))
        self.table.setItemDelegateForColumn(TEXT, PostDelegate(self.table))
        self.table.setItemDelegateForColumn(ACCOUNTS, AccountsDelegate(self.table))
        self._size_columns()
        self.table.doubleClicked.connect(lambda _: self.edit())
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
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
            ("Cancel series", self.cancel_series),
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
        self.empty_title = QLabel()
        self.empty_title.setObjectName("empty_title")
        self.empty_title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        title_font = self.empty_title.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.4)
        title_font.setBold(True)
        self.empty_title.setFont(title_font)
        self.empty = QLabel()
        self.empty.setObjectName("empty")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.write = QPushButton("Write a post")
        self.write.setObjectName("write")
        self.write.clicked.connect(self.compose_requested)
        empty_page = QWidget()
        empty_column = QVBoxLayout(empty_page)
        empty_column.addStretch(1)
        empty_column.addWidget(self.empty_title)
        empty_column.addWidget(self.empty)
        empty_column.addSpacing(8)
        empty_column.addWidget(self.write, 0, Qt.AlignmentFlag.AlignHCenter)
        empty_column.addStretch(2)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.table)
        self.stack.addWidget(empty_page)
        for signal in (self.model.page_did_load, self.model.rowsInserted, self.model.rowsRemoved):
            signal.connect(self._show_empty)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)
        layout.addLayout(row)
        self._update_actions()

    def _context_menu(self, at: QPoint) -> None:
        """The row's actions (as the buttons below), and "Stats…" for a published post (issue #21)."""
        menu = self.context_menu(at)
        if menu is not None:
            menu.popup(self.table.viewport().mapToGlobal(at))

    def context_menu(self, at: QPoint | Post) -> QMenu | None:
        """The menu for the row at `at` (selected first) or for a post, or None off the rows."""
        if isinstance(at, Post):
            post: Post | None = at
        else:
            index = self.table.indexAt(at)
            if not index.isValid():
                return None
            self.table.selectRow(index.row())
            post = self.current
        if post is None:
            return None
        menu = QMenu(self)
        menu.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        stats = menu.addAction("Stats…")
        stats.setObjectName("stats")
        published = any(t.status is TargetStatus.PUBLISHED for t in post.targets)
        stats.setEnabled(published)
        if not published:
            stats.setToolTip("Numbers come in once the post is published")
        title = " ".join(post.text.split())
        stats.triggered.connect(
            lambda _=False, pid=post.id, t=title: self.stats_requested.emit(
                pid, t[:80] + ("…" if len(t) > 80 else "")
            )
        )
        menu.addSeparator()
        for name, button in self.buttons.items():
            action = menu.addAction(name)
            action.setEnabled(button.isEnabled())
            action.triggered.connect(button.click)
        menu.addSeparator()
        check = menu.addAction("Check now")  # read the post back from each network (issue #20)
        check.setObjectName("check_now")
        check.setToolTip("Ask the networks whether this post is there")
        check.setEnabled(
            any(t.status in (TargetStatus.PUBLISHED, TargetStatus.UNKNOWN) for t in post.targets)
        )
        check.triggered.connect(self.check_now)
        out = any(t.parts and t.deleted_at is None for t in post.targets)  # issue #24
        menu.addSeparator()
        menu.addAction("Edit on the networks…", self.edit_on_networks).setEnabled(out)
        menu.addAction("Delete from the networks…", self.delete_from_networks).setEnabled(out)
        return menu

    # -- organising: tag and campaign filters (issue #24) ---------------------------------------------

    def _organising_bar(self, bar: QHBoxLayout) -> None:
        """A tag and a campaign to filter by, and the Campaigns dialog, after the search."""
        self.tag_filter = QComboBox()
        self.tag_filter.setObjectName("tag_filter")
        self.tag_filter.setToolTip("Only posts with this tag")
        self.tag_filter.addItem("All tags", "")
        self.tag_filter.currentIndexChanged.connect(
            lambda _: self.model.reload(tag=str(self.tag_filter.currentData() or ""))
        )
        self.campaign_filter = QComboBox()
        self.campaign_filter.setObjectName("campaign_filter")
        self.campaign_filter.setToolTip("Only posts in this campaign")
        self.campaign_filter.addItem("All campaigns", "")
        self.campaign_filter.currentIndexChanged.connect(
            lambda _: self.model.reload(campaign_id=str(self.campaign_filter.currentData() or ""))
        )
        self.campaigns_button = QPushButton("Campaigns…")
        self.campaigns_button.setObjectName("campaigns")
        self.campaigns_button.setToolTip("Add, change or remove campaigns (a name, a colour and dates)")
        self.campaigns_button.clicked.connect(self.manage_campaigns)
        # The accounts column is sized to its rows; rows that arrive for a tag or campaign filter
        # while the table was hidden behind the empty page left it at its header's width.
        self.model.page_did_load.connect(lambda: QTimer.singleShot(0, self._fit_accounts))
        for combo in (self.tag_filter, self.campaign_filter):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        for widget in (self.tag_filter, self.campaign_filter, self.campaigns_button):
            bar.addWidget(widget)
        self.model.page_did_load.connect(self.refresh_organising)

    def _fit_accounts(self) -> None:
        if self.model.rowCount():
            self.table.resizeColumnToContents(ACCOUNTS)

    def refresh_organising(self, *, reload: bool = False) -> None:
        """Offer the tags and campaigns there are now (the chosen ones stay chosen).

        With `reload`, the rows are read again too (a campaign's name or colour changed).
        """
        run_op(self._organising(), on_success=lambda found: self._offer(found, reload=reload))

    async def _organising(self) -> tuple[list[str], list[Campaign]]:
        return await self.engine.campaigns.tags(), await self.engine.campaigns.list()

    def _offer(self, found: tuple[list[str], list[Campaign]], *, reload: bool = False) -> None:
        tags, campaigns = found
        gone = False
        offers = (
            (self.tag_filter, "All tags", [(f"#{t}", t, None) for t in tags]),
            (self.campaign_filter, "All campaigns", [(c.name, c.id, c.colour) for c in campaigns]),
        )
        for combo, everything, items in offers:
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(everything, "")
            for label, data, colour in items:
                if colour:
                    combo.addItem(swatch(colour), label, data)
                else:
                    combo.addItem(label, data)
            index = combo.findData(chosen)
            combo.setCurrentIndex(max(0, index))
            combo.blockSignals(False)
            if chosen and index < 0:  # the chosen tag or campaign is gone: show every post again
                gone = True
                combo.currentIndexChanged.emit(0)
        if reload and not gone:
            self.model.reload()

    def manage_campaigns(self) -> None:
        """Open the Campaigns dialog; the filters and rows follow what it changes."""
        dialog = CampaignsDialog(self.engine, self)
        dialog.campaigns_did_change.connect(lambda: self.refresh_organising(reload=True))
        dialog.finished.connect(dialog.deleteLater)
        self.campaigns_dialog = dialog
        dialog.open()

    def _size_columns(self) -> None:
        """Status and date never cut short, the accounts as wide as their names, the text the rest."""
        metrics = self.table.fontMetrics()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(STATUS, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(STATUS, max(pill_width(metrics, status_label(s)) for s in PostStatus) + 20)
        # Dates differ in width by weekday and month: size the column for the widest, not the first.
        header.setSectionResizeMode(WHEN, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(WHEN, metrics.horizontalAdvance("Wed 28 May 2026, 00:00") + 24)
        header.setSectionResizeMode(TEXT, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(ACCOUNTS, QHeaderView.ResizeMode.ResizeToContents)
        rows = self.table.verticalHeader()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(max(48, 2 * metrics.lineSpacing() + 14))

    @property
    def empty_text(self) -> tuple[str, str]:
        """What the queue says when the filter (and search) finds nothing: a title, what to do."""
        search = self.model.search
        if search:
            return f"No posts match “{search}”", "Clear the search to see every post."
        if self.model.tag or self.model.campaign_id:
            return (
                "No posts with this tag or campaign",
                "Choose “All tags” and “All campaigns” to see every post.",
            )
        return EMPTY[self.filter_name]

    def _show_empty(self, *_: object) -> None:
        nothing = self.model.rowCount() == 0 and not self.model.loading
        if nothing:
            title, detail = self.empty_text
            self.empty_title.setText(title)
            self.empty.setText(detail)
            self.write.setVisible(self.filter_name in _WRITE and not self.model.search)
        self.stack.setCurrentIndex(1 if nothing else 0)

    def load(self) -> None:
        """First page."""
        self.model.reload()

    def _filter(self, name: str, statuses: tuple[PostStatus, ...]) -> None:
        self.filter_name = name
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
            "Cancel series": post is not None
            and post.repeat is not None
            and status in {PostStatus.DRAFT, PostStatus.SCHEDULED, PostStatus.NEEDS_REVIEW},
            "Retry failed": any(t.status is TargetStatus.FAILED for t in targets),
            "Look for it": any(t.status is TargetStatus.UNKNOWN for t in targets),
            "Duplicate": post is not None,
            "Delete": post is not None and status is not PostStatus.PUBLISHING,
            "Open": any(t.permalink for t in targets),
        }
        for name, button in self.buttons.items():
            button.setEnabled(bool(enabled[name]))

    # -- actions -----------------------------------------------------------------------------------

    def check_now(self) -> None:
        """Ask each network now whether the selected post is there (the engine's read-back)."""
        post = self.current
        if post is None:
            return

        def checked(result: Post) -> None:
            seen = [t.verification for t in result.targets if t.verification is not None]
            gone = [v for v in seen if v.state is VerificationState.NOT_ON_NETWORK]
            doubtful = [v for v in seen if v.state is VerificationState.UNKNOWN]
            if gone:
                self.messages.warning(gone[0].message or "The post is no longer on a network.")
            elif doubtful:
                self.messages.warning(
                    doubtful[0].message or "Outpost could not tell whether the post is there."
                )
            else:
                self.messages.info("Checked: the post is on every network.")

        self.messages.info("Asking the networks…")
        run_op(self.engine.verify.check_post(post.id), on_success=checked, on_failure=self._fail)

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
        dialog = ScheduleDialog(
            self, zone=post.timezone or self.engine.settings.default_timezone, repeatable=False
        )
        if dialog.exec() == QDialog.DialogCode.Accepted:
            at, zone = dialog.choice()
            self._do(self.engine.posts.schedule(post.id, at, zone), "Rescheduled.")

    def publish_now(self) -> None:
        """Publish the selected post now."""
        self._with_post(lambda post: self._do(self.engine.posts.publish(post.id), "Published."))

    def cancel(self) -> None:
        """Cancel the selected post."""
        self._with_post(lambda post: self._do(self.engine.posts.cancel(post.id), "Cancelled."))

    def cancel_series(self) -> None:
        """End the selected post's recurring series: every occurrence not gone out is cancelled (#22)."""
        self._with_post(
            lambda post: self._do(self.engine.series.cancel_series(post.id), "Cancelled the whole series.")
        )

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
            "Delete this post from Outpost? Copies already published stay on the networks "
            "(right-click → Delete from the networks… removes them there).",
        )
        if answer == QMessageBox.StandardButton.Yes:
            self._do(self.engine.posts.delete(post.id), "Deleted.")

    # -- a published post on its networks (issue #24) ----------------------------------------------

    def edit_on_networks(self) -> None:
        """Open the selected published post in the composer's "edit on the networks" mode."""
        self._with_post(lambda post: self.edit_on_networks_requested.emit(post.id))

    def delete_from_networks(self) -> None:
        """Ask (naming what happens on each network), then delete the selected post from its networks."""
        post = self.current
        if post is None:
            return

        def ask(plans: list[NetworkPlan]) -> None:
            self.network_dialog = DeleteOnNetworksDialog(self.engine, post.id, plans, self)
            self.network_dialog.open()  # not exec(): no nested event loop under qasync

        run_op(self.engine.networks.preview_delete(post.id), on_success=ask, on_failure=self._fail)

    def open_published(self) -> None:
        """Open the published post in the browser."""
        post = self.current
        link = next((t.permalink for t in post.targets if t.permalink), None) if post else None
        if link:
            open_link(link, parent=self, what="the published post")  # says so if no browser opens
