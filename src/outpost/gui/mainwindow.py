"""The main window: the composer (with previews), the queue and accounts, the engine's state.

The calendar, health panel, tray and settings arrive with their own issue; the window talks to
the engine only through the facade and its events.
"""

from __future__ import annotations

import asyncio
from datetime import datetime

from outpost.domain.models import Account, Post
from outpost.engine import Engine
from outpost.gui.bridge import EngineBridge
from outpost.gui.composer.widget import ComposerWidget
from outpost.gui.qt import (
    QCloseEvent,
    QFont,
    QLabel,
    QListWidget,
    QMainWindow,
    QSplitter,
    Qt,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    Signal,
)
from outpost.gui.tasks import run_op


class MainWindow(QMainWindow):
    """Outpost's window.

    Signals:
        closed(): the person closed the window (the app then shuts the engine down).
    """

    closed = Signal()

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self.engine = engine
        self.bridge = EngineBridge(engine.events, self)
        self.setWindowTitle("Outpost")
        self.posts = QListWidget()
        self.posts.setObjectName("posts")
        self.accounts = QListWidget()
        self.accounts.setObjectName("accounts")
        self._empty = QLabel("No posts yet.\nWrite one in the Compose tab.")
        self._empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._empty.setWordWrap(True)
        self.posts.setVisible(False)  # until the first load says whether there are posts
        self.accounts.setWordWrap(True)
        self.composer = ComposerWidget(engine)
        self.composer.message.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.pages = QTabWidget()
        self.pages.addTab(self.composer, "Compose")
        self.pages.addTab(self._layout(), "Queue")
        self.setCentralWidget(self.pages)
        self.resize(1180, 760)
        self.statusBar().showMessage("Starting…")
        self.bridge.post_did_change.connect(self.refresh)
        self.bridge.account_did_change.connect(self.refresh)
        self.bridge.account_did_change.connect(lambda _: self.composer.load_accounts())
        self.bridge.engine_state_did_change.connect(self._show_state)
        self.bridge.posts_were_missed.connect(self._show_missed)
        self._refreshing: asyncio.Task[None] | None = None

    def _layout(self) -> QWidget:
        splitter = QSplitter()
        splitter.addWidget(self._section("Queue", self.posts, self._empty))
        splitter.addWidget(self._section("Accounts", self.accounts))
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([640, 320])
        splitter.setChildrenCollapsible(False)
        return splitter

    @staticmethod
    def _section(title: str, *widgets: QWidget) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        heading = QLabel(title)
        font = QFont(heading.font())
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        heading.setFont(font)
        layout.addWidget(heading, 0)
        for widget in widgets:
            layout.addWidget(widget, 1)  # the body takes the height; the heading stays on top
        box.setMinimumWidth(260)
        return box

    async def open_composer(self) -> None:
        """Load accounts into the composer and reopen the draft autosaved last time."""
        await self.composer.reload_accounts()  # the chips must exist before a draft selects them
        draft = await self.engine.open_draft()
        if draft is not None:
            self.composer.load(draft)
            self.statusBar().showMessage("Your draft from last time is back.", 8000)

    def refresh(self, *_: object) -> None:
        """Reload posts and accounts from the engine (off the critical path: store thread)."""
        run_op(self._load(), on_success=lambda found: self._fill(*found))

    async def _load(self) -> tuple[list[Post], list[Account]]:
        return await self.engine.list_posts(), await self.engine.list_accounts()

    def _fill(self, posts: list[Post], accounts: list[Account]) -> None:
        self.posts.clear()
        for post in reversed(posts):
            first = post.text.splitlines()[0] if post.text else "(no text)"
            when = f" · {post.scheduled_at:%Y-%m-%d %H:%M} UTC" if post.scheduled_at else ""
            self.posts.addItem(f"{post.status.value}{when} — {first[:80]}")
        self.posts.setVisible(bool(posts))
        self._empty.setVisible(not posts)
        self.accounts.clear()
        for account in accounts:
            self.accounts.addItem(f"{account.ref} · {account.health.state.value}")
        if not accounts:
            self.accounts.addItem("No accounts connected yet.")

    def _show_state(self, running: bool, paused: bool, next_due_at: datetime | None) -> None:
        state = "paused" if paused else "running" if running else "stopped"
        upcoming = f" · next post {next_due_at:%Y-%m-%d %H:%M} UTC" if next_due_at else " · nothing scheduled"
        self.statusBar().showMessage(f"Publishing {state}{upcoming}")

    def _show_missed(self, count: int, held: bool) -> None:
        what = "held for your review" if held else "being published late"
        self.statusBar().showMessage(f"{count} post(s) came due while Outpost was closed: {what}.")

    def closeEvent(self, event: QCloseEvent) -> None:
        """Tell the app to shut down cleanly."""
        self.closed.emit()
        event.accept()
