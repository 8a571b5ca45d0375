"""The queue as a Qt table model: pages of posts loaded on demand, kept current by engine events.

Learned from qutebrowser's `DownloadModel` (events → beginInsertRows/dataChanged) and checked with
`qtmodeltester`. Rows are loaded a page at a time (`canFetchMore`/`fetchMore`), so 10,000 posts
cost one page of queries at first paint. All loading goes through `run_op`.

After that, events keep the rows current: a changed post arrives with the event and is applied as
it is (only an event without its post makes the model read that one post), and account names come
from a cache that account events update, so a busy publish does not read every account per event.

What a row says is in its display data, so it is there for tests and screen readers alike: the
post's text with, on a second line, why it waits for a person or what went wrong (issue #17: the
reason was only in a tooltip); the accounts by name (`gui/names.py`). The delegates in
`delegates.py` draw the same data with the network logos, a status pill and the first picture's
thumbnail, which is read through `engine.media` the first time a row with media is painted.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from outpost.domain.campaigns import Campaign
from outpost.domain.enums import Network, PostStatus, TargetStatus, VerificationState
from outpost.domain.media_info import MediaKind
from outpost.domain.models import Account, Post
from outpost.engine import Engine
from outpost.engine.events import PostDidChange
from outpost.gui.decor import STATUS_TONE, Tone, status_label
from outpost.gui.names import account_name, account_tooltip
from outpost.gui.qt import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPixmap,
    Qt,
    Signal,
)
from outpost.gui.tasks import run_op
from outpost.gui.thumbnails import Thumbnails

PAGE = 200
COLUMNS = ("Status", "When", "Post", "Accounts")
STATUS, WHEN, TEXT, ACCOUNTS = range(len(COLUMNS))
MARK = {
    TargetStatus.PENDING: "",  # waiting to go out: the status column says so already
    TargetStatus.SCHEDULED_ON_NETWORK: "☁",  # the network holds it: it goes out with Outpost closed
    TargetStatus.PUBLISHING: "…",
    TargetStatus.PUBLISHED: "✓",
    TargetStatus.FAILED: "✗",
    TargetStatus.UNKNOWN: "?",
    TargetStatus.CANCELLED: "–",
}
TARGET_TONE = {
    TargetStatus.PENDING: Tone.MUTED,
    TargetStatus.SCHEDULED_ON_NETWORK: Tone.GOOD,
    TargetStatus.PUBLISHING: Tone.INFO,
    TargetStatus.PUBLISHED: Tone.GOOD,
    TargetStatus.FAILED: Tone.BAD,
    TargetStatus.UNKNOWN: Tone.WARN,
    TargetStatus.CANCELLED: Tone.MUTED,
}
#: Custom roles the delegates draw from (the display role says the same in words).
TONE_ROLE = Qt.ItemDataRole.UserRole + 1  # the status column's Tone
MARKS_ROLE = Qt.ItemDataRole.UserRole + 2  # the accounts column's list[AccountMark]
NOTE_ROLE = Qt.ItemDataRole.UserRole + 3  # the post column's second line: (text, Tone) or None
#: The post column's chips (issue #24): its campaign (name, colour) first, then its tags (name, None).
CHIPS_ROLE = Qt.ItemDataRole.UserRole + 4
ModelIndex = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class AccountMark:
    """One account of a row: its network (for the logo), its name, and how it went there."""

    network: Network
    name: str
    status: TargetStatus

    @property
    def mark(self) -> str:
        """How it went: ✓ published, ✗ failed, ? unknown, … on its way (nothing while waiting)."""
        return MARK[self.status]

    @property
    def text(self) -> str:
        """The mark and the name, as the display role says it."""
        return f"{self.mark} {self.name}".strip()


class QueueModel(QAbstractTableModel):
    """Posts matching a filter (statuses + search), newest first.

    Signals:
        page_did_load(): a page arrived (the view then knows whether the filter found nothing).
    """

    page_did_load = Signal()

    def __init__(self, engine: Engine, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.posts: list[Post] = []
        self.accounts: dict[str, Account] = {}
        self.statuses: tuple[PostStatus, ...] = ()
        self.search = ""
        self.tag: str | None = None  # only posts with this tag (issue #24)
        self.campaign_id: str | None = None  # only posts in this campaign
        self.campaigns: dict[str, Campaign] = {}  # by id, read with each page (names, colours)
        self.zone = ZoneInfo(engine.settings.default_timezone or _local())
        self._accounts_read = False  # once read, account events keep `accounts` current
        self._exhausted = False
        self._loading = False
        self.thumbnails = Thumbnails(engine, self)
        self.thumbnails.did_load.connect(self._thumbnail_read)

    @property
    def loading(self) -> bool:
        """A page is on its way."""
        return self._loading

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
        """Text, tooltips (errors in plain words), tones, account marks and thumbnails of one cell."""
        if not index.isValid() or not 0 <= index.row() < len(self.posts):
            return None
        post = self.posts[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(post, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(post)
        if role == Qt.ItemDataRole.UserRole:
            return post.id
        if role == TONE_ROLE and column == STATUS:
            return STATUS_TONE[post.status]
        if role == MARKS_ROLE and column == ACCOUNTS:
            return self.marks(post)
        if role == NOTE_ROLE and column == TEXT:
            return self.note(post)
        if role == CHIPS_ROLE and column == TEXT:
            return self.chips(post)
        if role == Qt.ItemDataRole.DecorationRole and column == TEXT:
            return self._thumbnail(post)
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

    def reload(
        self,
        *,
        statuses: tuple[PostStatus, ...] | None = None,
        search: str | None = None,
        tag: str | None = None,
        campaign_id: str | None = None,
    ) -> None:
        """Start again from the first page (a new filter, search, tag or campaign).

        Each argument left None keeps what it was; a tag or campaign of "" means any.
        """
        if statuses is not None:
            self.statuses = statuses
        if search is not None:
            self.search = search
        if tag is not None:
            self.tag = tag or None
        if campaign_id is not None:
            self.campaign_id = campaign_id or None
        self.beginResetModel()
        self.posts = []
        self._exhausted = False
        self._loading = False
        self.endResetModel()
        self.fetchMore()

    async def _page(self, offset: int) -> tuple[int, list[Post], list[Account] | None]:
        posts = await self._list(limit=PAGE, offset=offset)
        self.campaigns = {c.id: c for c in await self.engine.campaigns.list()}
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
        self.page_did_load.emit()

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

    def store_did_change_elsewhere(self) -> None:
        """Another process (the CLI, `outpost run`, an assistant) changed the store: catch up.

        The loaded rows are read again and applied one by one (new posts appear, changed ones
        change, gone ones go), so the selection and the scroll position stay where they were.
        """
        count = max(PAGE, len(self.posts))
        run_op(
            self._list(limit=count, offset=0),
            on_success=self._caught_up,
        )

    async def _list(self, *, limit: int, offset: int) -> list[Post]:
        """A page of the posts the filter, search, tag and campaign choose."""
        return await self.engine.posts.list(
            self.statuses,
            limit=limit,
            offset=offset,
            search=self.search,
            newest_first=True,
            tag=self.tag,
            campaign=self.campaign_id,
        )

    def _caught_up(self, fresh: list[Post]) -> None:
        known = {p.id: p for p in fresh}
        for post in list(self.posts):
            if post.id not in known:
                self._apply(post.id, None)
        for post in reversed(fresh):  # oldest first, so new ones end up in their order at the top
            current = next((p for p in self.posts if p.id == post.id), None)
            if current is None or current != post:
                self._apply(post.id, post)

    def account_did_change(self, account: Account) -> None:
        """Keep an account's name current on the rows that show it (a removed one keeps its name)."""
        known = self.accounts.get(account.id)
        self.accounts[account.id] = account
        if known is not None and (known.ref, known.display_name) == (account.ref, account.display_name):
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
        if self.tag is not None and self.tag.casefold() not in {t.casefold() for t in post.tags}:
            return False
        if self.campaign_id is not None and post.campaign_id != self.campaign_id:
            return False
        needle = self.search.lower()
        texts = (post.title or "", post.text, *post.thread)
        return not needle or any(needle in text.lower() for text in texts)

    # -- cells ---------------------------------------------------------------------------------------

    def post_at(self, row: int) -> Post | None:
        """The post shown in `row`."""
        return self.posts[row] if 0 <= row < len(self.posts) else None

    def _display(self, post: Post, column: int) -> str:
        if column == STATUS:
            return status_label(post.status)
        if column == WHEN:
            when = post.scheduled_at or post.updated_at
            return when.astimezone(self.zone).strftime("%a %d %b %Y, %H:%M")
        if column == TEXT:
            first = post.title or (post.text.splitlines()[0] if post.text else "(no text)")
            extra = f"  (+{len(post.thread)} in thread)" if post.thread else ""
            note = self.note(post)
            return first[:120] + extra + (f"\n{note[0]}" if note else "")
        return "  ".join(mark.text for mark in self.marks(post))

    def chips(self, post: Post) -> list[tuple[str, str | None]]:
        """The post's campaign (name, colour) and tags (name, None), as the post column draws them."""
        campaign = self.campaigns.get(post.campaign_id or "")
        return ([(campaign.name, campaign.colour)] if campaign else []) + [(f"#{t}", None) for t in post.tags]

    def marks(self, post: Post) -> list[AccountMark]:
        """Each account of `post` by name, with its network and how it went there."""
        return [AccountMark(t.network, self._name(t.account_id, t.network), t.status) for t in post.targets]

    def note(self, post: Post) -> tuple[str, Tone] | None:
        """A row's second line: why the post waits for a person, or what went wrong where."""
        if post.status is PostStatus.NEEDS_REVIEW:
            return (
                post.review_reason or "Waiting for you: look at it, then publish or cancel it."
            ), Tone.WARN
        failed = [t for t in post.targets if t.error is not None and t.status is not TargetStatus.PUBLISHED]
        if failed and post.status in {PostStatus.FAILED, PostStatus.PARTIALLY_PUBLISHED}:
            first = failed[0]
            assert first.error is not None
            where = self._name(first.account_id, first.network)
            more = f" (and {len(failed) - 1} more)" if len(failed) > 1 else ""
            return f"{where}: {first.error.message}{more}", Tone.BAD  # the message names the network
        if post.status is PostStatus.PUBLISHING:
            waiting = [t for t in post.targets if t.status is TargetStatus.PUBLISHING and t.error is not None]
            if waiting and waiting[0].error is not None:  # a retry ahead: the message says when
                return (
                    f"{self._name(waiting[0].account_id, waiting[0].network)}: {waiting[0].error.message}",
                    Tone.WARN,
                )
        if post.status is PostStatus.SCHEDULED:
            return self._who_needs_outpost(post)
        if post.status in {PostStatus.PUBLISHED, PostStatus.PARTIALLY_PUBLISHED}:
            return self._read_back(post)
        return None

    def _read_back(self, post: Post) -> tuple[str, Tone] | None:
        """What the networks showed when Outpost last read the post back (#20)."""
        published = [t for t in post.targets if t.status is TargetStatus.PUBLISHED and t.verification]
        by_state: dict[VerificationState, list[str]] = {}
        for t in published:
            assert t.verification is not None
            by_state.setdefault(t.verification.state, []).append(t.network.label)
        if gone := by_state.get(VerificationState.NOT_ON_NETWORK):
            return f"No longer on {', '.join(gone)} (deleted there?)", Tone.BAD
        seen = by_state.get(VerificationState.VERIFIED, [])
        unsure = by_state.get(VerificationState.UNKNOWN, [])
        if not seen:
            return None
        last = max(t.verification.checked_at for t in published if t.verification)
        when = f"{last.astimezone():%H:%M}"
        if not unsure and len(published) == len(
            [t for t in post.targets if t.status is TargetStatus.PUBLISHED]
        ):
            return f"✓ Seen on the network at {when}", Tone.GOOD
        return (
            f"✓ Seen at {when} on {', '.join(seen)} · cannot check {', '.join(unsure) or 'the others yet'}",
            Tone.INFO,
        )

    def _who_needs_outpost(self, post: Post) -> tuple[str, Tone] | None:
        """Which accounts the networks hold (safe with the computer off) and which need Outpost."""
        held = [
            self._name(t.account_id, t.network)
            for t in post.targets
            if t.status is TargetStatus.SCHEDULED_ON_NETWORK
        ]
        ours = [self._name(t.account_id, t.network) for t in post.targets if t.status is TargetStatus.PENDING]
        if not held:
            return None
        if not ours:
            return "☁ On the network: goes out even with this computer off", Tone.GOOD
        return f"☁ On the network: {', '.join(held)} · needs Outpost running: {', '.join(ours)}", Tone.INFO

    def _name(self, account_id: str, network: Network) -> str:
        account = self.accounts.get(account_id)
        return account_name(account) if account else network.label

    def _tooltip(self, post: Post) -> str:
        lines = []
        for t in post.targets:
            account = self.accounts.get(t.account_id)
            who = account_tooltip(account) if account else t.network.label
            lines.append(f"{who}: {t.status.value}" + (f" — {t.error.message}" if t.error else ""))
        if post.review_reason:
            lines.append(post.review_reason)
        return "\n".join(lines)

    # -- thumbnails ----------------------------------------------------------------------------------

    def _thumbnail(self, post: Post) -> QPixmap | None:
        """The first picture's thumbnail, once read (asking for it the first time it is wanted)."""
        return self.thumbnails.get(next((m for m in post.media if m.kind != MediaKind.DOCUMENT), None))

    def _thumbnail_read(self, sha: str) -> None:
        for row, post in enumerate(self.posts):
            if any(m.sha256 == sha for m in post.media):
                self.dataChanged.emit(
                    self.index(row, TEXT), self.index(row, TEXT), [Qt.ItemDataRole.DecorationRole]
                )


def _local() -> str:
    from outpost.config.zone import local_zone_name

    return local_zone_name()
