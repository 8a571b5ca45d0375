"""The main window: Compose (with previews), Queue, Accounts; the engine's state in the status bar.

The window talks to the engine only through the facade and its events (via `EngineBridge`).
"""

from __future__ import annotations

from datetime import datetime

from outpost.domain.models import Post
from outpost.engine import Engine
from outpost.gui.bridge import EngineBridge
from outpost.gui.composer.widget import ComposerWidget
from outpost.gui.health.panel import HealthPanel
from outpost.gui.qt import QCloseEvent, QMainWindow, QTabWidget, Signal
from outpost.gui.queue.view import QueueView
from outpost.gui.tasks import run_op

MESSAGE_MS = 8000


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
        self.composer = ComposerWidget(engine)
        self.queue = QueueView(engine)
        self.health = HealthPanel(engine)
        self.pages = QTabWidget()
        self.pages.addTab(self.composer, "Compose")
        self.pages.addTab(self.queue, "Queue")
        self.pages.addTab(self.health, "Accounts")
        self.setCentralWidget(self.pages)
        self.resize(1180, 760)
        for source in (self.composer, self.queue, self.health):
            source.message.connect(self.say)
        self.queue.edit_requested.connect(self.edit_post)
        self.bridge.post_did_change.connect(self.queue.model.post_did_change)
        self.bridge.account_did_change.connect(self.health.refresh)
        self.bridge.account_did_change.connect(lambda _: self.composer.load_accounts())
        self.bridge.engine_state_did_change.connect(self._show_state)
        self.bridge.posts_were_missed.connect(self._show_missed)
        self.statusBar().showMessage("Starting…")

    def say(self, text: str) -> None:
        """A passing message in the status bar."""
        self.statusBar().showMessage(text, MESSAGE_MS)

    def refresh(self) -> None:
        """Load the queue and the accounts."""
        self.queue.load()
        self.health.refresh()

    async def open_composer(self) -> None:
        """Load accounts into the composer and reopen the draft autosaved last time."""
        await self.composer.reload_accounts()  # the chips must exist before a draft selects them
        draft = await self.engine.open_draft()
        if draft is not None:
            self.composer.load(draft)
            self.say("Your draft from last time is back.")

    def edit_post(self, post_id: str) -> None:
        """Open a post from the queue in the composer."""
        run_op(self.engine.get_post(post_id), on_success=self._edit_loaded)

    def _edit_loaded(self, post: Post) -> None:
        self.composer.load(post)
        self.pages.setCurrentWidget(self.composer)

    def _show_state(self, running: bool, paused: bool, next_due_at: datetime | None) -> None:
        state = "paused" if paused else "running" if running else "stopped"
        upcoming = f" · next post {next_due_at:%Y-%m-%d %H:%M} UTC" if next_due_at else " · nothing scheduled"
        self.statusBar().showMessage(f"Publishing {state}{upcoming}")

    def _show_missed(self, count: int, held: bool) -> None:
        what = "held for your review in the Queue" if held else "being published late"
        self.statusBar().showMessage(f"{count} post(s) came due while Outpost was closed: {what}.")

    def closeEvent(self, event: QCloseEvent) -> None:
        """Save what is in the composer, then tell the app to shut down cleanly."""
        self.composer.save_draft()
        self.closed.emit()
        event.accept()
