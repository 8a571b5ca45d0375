"""The queue as a Qt table model: pages of posts loaded on demand, kept current by engine events.

Learned from qutebrowser's `DownloadModel` (events → beginInsertRows/dataChanged) and checked with
`qtmodeltester`. Rows are loaded a page at a time (`canFetchMore`/`fetchMore`), so 10,000 posts
cost one page of queries at first paint. All loading goes through `run_op`.

After that, events keep the rows current: a changed post arrives with the event and is applied as
it is (only an event without its post makes the model read that one post), and account names come
from a cache that account events update, so a busy publish does not read every account per event.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from outpost.domain.enums import PostStatus, TargetStatus
from outpost.domain.models import Account, Post
from outpost.engine import Engine
from outpost.engine.events import PostDidChange
from outpost.gui.qt import QAbstractTableModel, QColor, QModelIndex, QObject, QPersistentModelIndex, Qt
from outpost.gui.tasks import run_op

PAGE = 200
COLUMNS = ("Status", "When", "Post", "Accounts")
MARK = {
    TargetStatus.PENDING: "·",
    TargetStatus.PUBLISHING: "…",
    TargetStatus.PUBLISHED: "✓",
    TargetStatus.FAILED: "✗",
    TargetStatus.UNKNOWN: "?",
    TargetStatus.CANCELLED: "–",
}
STATUS_COLOUR = {
    PostStatus.FAILED: "#cf222e",
    PostStatus.NEEDS_REVIEW: "#9a6700",
    PostStatus.PARTIALLY_PUBLISHED: "#9a6700",
    PostStatus.PUBLISHED: "#1a7f37",
    PostStatus.SCHEDULED: "#0969da",
}
ModelIndex = QModelIndex | QPersistentModelIndex


class QueueModel(QAbstractTableModel):
    """Posts matching a filter (statuses + search), newest first."""

    def __init__(self, engine: Engine, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.posts: list[Post] = []
        self.accounts: dict[str, Account] = {}
        self.statuses: tuple[PostStatus, ...] = ()
        self.search = ""
        self.zone = ZoneInfo(engine.settings.default_timezone or _local())
        self._accounts_read = False  # once read, account events keep `accounts` current
        self._exhausted = False
        self._loading = False

    # -- Qt model API -----------------------------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt API
        """Rows loaded so far (none under a parent: it is a flat table)."""
        return 0 if parent.isValid() else len(self.posts)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt API
        """Status, when, text, accounts."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        """Column titles."""
        if (
            orientation is Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section]
        return None

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        """Text, tooltips (errors in plain words) and colours for one cell."""
        if not index.isValid() or not 0 <= index.row() < len(self.posts):
            return None
        post = self.posts[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(post, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(post)
        if role == Qt.ItemDataRole.ForegroundRole and column == 0 and post.status in STATUS_COLOUR:
            return QColor(STATUS_COLOUR[post.status])
        if role == Qt.ItemDataRole.UserRole:
            return post.id
        return None

    def canFetchMore(self, parent: ModelIndex = QModelIndex()) -> bool:  # noqa: B008 - Qt API
        """More pages may follow."""
        return not parent.isValid() and not self._exhausted and not self._loading

    def fetchMore(self, parent: ModelIndex = QModelIndex()) -> None:  # noqa: B008 - Qt API
        """Load the next page in the background."""
        if self.canFetchMore(parent):
            self._loading = True
            run_op(self._page(len(self.posts)), on_success=self._append)

    # -- loading -----------------------------------------------------------------------------------

    def reload(self, *, statuses: tuple[PostStatus, ...] | None = None, search: str | None = None) -> None:
        """Start again from the first page (a new filter or search)."""
        if statuses is not None:
            self.statuses = statuses
        if search is not None:
            self.search = search
        self.beginResetModel()
        self.posts = []
        self._exhausted = False
        self._loading = False
        self.endResetModel()
        self.fetchMore()

    async def _page(self, offset: int) -> tuple[int, list[Post], list[Account] | None]:
        posts = await self.engine.posts.list(
            self.statuses, limit=PAGE, offset=offset, search=self.search, newest_first=True
        )
        accounts = None if self._accounts_read else await self.engine.accounts.list()
        return offset, posts, accounts

    def _append(self, page: tuple[int, list[Post], list[Account] | None]) -> None:
        offset, posts, accounts = page
        self._loading = False
        if accounts is not None:
            self._accounts_read = True
            self.accounts.update({a.id: a for a in accounts})
        if offset != len(self.posts):
            return  # a reload happened meanwhile
        self._exhausted = len(posts) < PAGE
        if posts:
            self.beginInsertRows(QModelIndex(), len(self.posts), len(self.posts) + len(posts) - 1)
            self.posts.extend(posts)
            self.endInsertRows()

    # -- engine events -----------------------------------------------------------------------------

    def post_did_change(self, change: PostDidChange) -> None:
        """Bring one post's row up to date, drop it, or add it if it is new and matches the filter.

        The post the event carries is applied as it is; only an event without it (the publisher
        reports a part sent before it settles the post) makes the model read that one post.
        """
        if change.post is not None or change.deleted:
            self._apply(change.post_id, change.post)
        else:
            post_id = change.post_id
            run_op(self._fetch_one(post_id), on_success=lambda found: self._apply(post_id, found))

    def account_did_change(self, account: Account) -> None:
        """Keep an account's name current on the rows that show it (a removed one keeps its name)."""
        known = self.accounts.get(account.id)
        self.accounts[account.id] = account
        if known is not None and known.ref == account.ref:
            return  # a health check: nothing the queue shows changed
        rows = [i for i, p in enumerate(self.posts) if any(t.account_id == account.id for t in p.targets)]
        if rows:
            self.dataChanged.emit(self.index(rows[0], 0), self.index(rows[-1], len(COLUMNS) - 1))

    async def _fetch_one(self, post_id: str) -> Post | None:
        try:
            return await self.engine.posts.get(post_id)
        except LookupError:
            return None

    def _apply(self, post_id: str, post: Post | None) -> None:
        row = next((i for i, p in enumerate(self.posts) if p.id == post_id), None)
        matches = post is not None and self._matches(post)
        if row is not None and not matches:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.posts[row]
            self.endRemoveRows()
        elif row is not None and post is not None:
            self.posts[row] = post
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        elif row is None and post is not None and matches:
            self.beginInsertRows(QModelIndex(), 0, 0)
            self.posts.insert(0, post)
            self.endInsertRows()

    def _matches(self, post: Post) -> bool:
        if self.statuses and post.status not in self.statuses:
            return False
        needle = self.search.lower()
        return (
            not needle or needle in post.text.lower() or any(needle in part.lower() for part in post.thread)
        )

    # -- cells ---------------------------------------------------------------------------------------

    def post_at(self, row: int) -> Post | None:
        """The post shown in `row`."""
        return self.posts[row] if 0 <= row < len(self.posts) else None

    def _display(self, post: Post, column: int) -> str:
        if column == 0:
            return post.status.value.replace("_", " ")
        if column == 1:
            when = post.scheduled_at or post.updated_at
            return when.astimezone(self.zone).strftime("%a %d %b %Y, %H:%M")
        if column == 2:
            first = post.text.splitlines()[0] if post.text else "(no text)"
            extra = f"  (+{len(post.thread)} in thread)" if post.thread else ""
            return first[:120] + extra
        return "  ".join(f"{MARK[t.status]} {self._name(t.account_id)}" for t in post.targets)

    def _name(self, account_id: str) -> str:
        account = self.accounts.get(account_id)
        return account.ref if account else account_id

    def _tooltip(self, post: Post) -> str:
        lines = [
            f"{self._name(t.account_id)}: {t.status.value}" + (f" — {t.error.message}" if t.error else "")
            for t in post.targets
        ]
        if post.review_reason:
            lines.append(post.review_reason)
        return "\n".join(lines)


def _local() -> str:
    from outpost.config.zone import local_zone_name

    return local_zone_name()
