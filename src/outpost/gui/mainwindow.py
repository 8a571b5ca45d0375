"""The main window: Compose (with previews), Queue, Accounts; the engine's state in the status bar.

The window talks to the engine only through the facade and its events (via `EngineBridge`).
"""

from __future__ import annotations

from typing import Protocol

from outpost.domain.errors import KnownError, ValidationError
from outpost.domain.models import Post
from outpost.engine import Engine
from outpost.gui.bridge import EngineBridge
from outpost.gui.calendar.view import CalendarView
from outpost.gui.composer.widget import ComposerWidget
from outpost.gui.dialogs.settings import SettingsDialog
from outpost.gui.health.panel import HealthPanel
from outpost.gui.messages import Level, MessageBridge, show_in
from outpost.gui.notify import Notifier
from outpost.gui.qt import (
    QAction,
    QApplication,
    QCloseEvent,
    QDialog,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    Signal,
)
from outpost.gui.queue.view import QueueView
from outpost.gui.status import StatusArea
from outpost.gui.tasks import run_op
from outpost.gui.theme import apply_theme
from outpost.gui.welcome import WelcomePanel


class SandboxSwitch(Protocol):
    """Sandbox mode as the window asks for it; `app.py` hands in one (`outpost.sandbox.mode.Sandbox`).

    The window never imports `outpost.sandbox` (an import contract): the composition root owns
    the simulated network's life, as it owns the engine's.
    """

    async def start(self) -> object:
        """Start the simulated network and connect sandbox accounts to it."""

    async def resume(self) -> bool:
        """Start the network again if sandbox accounts exist; True if so (KnownError if it cannot)."""


class MainWindow(QMainWindow):
    """Outpost's window.

    Attributes:
        messages: the one channel for passing messages; every page says things on it and the
            status bar shows them (STYLE.md §5a).

    Signals:
        closed(): the person closed the window (the app then shuts the engine down).
    """

    closed = Signal()

    def __init__(
        self, engine: Engine, *, tray: bool | None = None, sandbox: SandboxSwitch | None = None
    ) -> None:
        super().__init__()
        self.engine = engine
        self._sandbox = sandbox
        self.bridge = EngineBridge(engine.events, self)
        self.setWindowTitle("Outpost")
        self.messages = MessageBridge(self)
        self.messages.said.connect(self._show_message)
        self.composer = ComposerWidget(engine, messages=self.messages)
        self.queue = QueueView(engine, messages=self.messages)
        self.health = HealthPanel(engine, messages=self.messages)
        self.pages = QTabWidget()
        self.pages.addTab(self.composer, "Compose")
        self.pages.addTab(self.queue, "Queue")
        self.calendar = CalendarView(engine, messages=self.messages)
        self.pages.addTab(self.calendar, "Calendar")
        self.pages.addTab(self.health, "Accounts")
        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner.setStyleSheet("background: #fff8c5; border-bottom: 1px solid #d4a72c; padding: 6px;")
        dismiss = QPushButton("Dismiss")
        self.banner_row = QWidget()
        dismiss.clicked.connect(lambda: self.banner_row.setVisible(False))
        row = QHBoxLayout(self.banner_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.banner, 1)
        row.addWidget(dismiss)
        self.banner_row.setVisible(False)
        self.welcome = WelcomePanel()
        self.welcome.connect_requested.connect(self._connect_first)
        self.welcome.sandbox_requested.connect(self.try_sandbox)
        if (offer := self.welcome.findChild(QPushButton, "sandbox")) is not None:
            offer.setVisible(sandbox is not None)  # no way to try what this window was not given
        self.stack = QStackedWidget()
        self.stack.addWidget(self.welcome)
        self.stack.addWidget(self.pages)
        self.stack.setCurrentWidget(self.pages)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.banner_row)
        column.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.resize(1180, 760)
        self.status = StatusArea()
        self.statusBar().addPermanentWidget(self.status)
        self.notifier = Notifier(engine, self, tray=tray)
        self.notifier.banner_did_change.connect(self.show_banner)
        self.notifier.show_window_requested.connect(self.bring_up)
        self.notifier.pause_toggled.connect(self.toggle_pause)
        self.notifier.quit_requested.connect(self.quit)
        self.bridge.post_status_did_change.connect(self.notifier.post_changed)
        self.bridge.posts_were_missed.connect(self.notifier.missed)
        self.bridge.upload_did_progress.connect(self.status.upload)
        self._system_style = QApplication.style().name()
        self.bridge.settings_did_change.connect(self._settings_changed)
        apply_theme(QApplication.instance(), engine.settings.theme, system_style=self._system_style)  # type: ignore[arg-type]
        self._menus()
        self.queue.edit_requested.connect(self.edit_post)
        self.queue.compose_requested.connect(lambda: self.bring_up("compose"))
        self.bridge.post_did_change.connect(self.queue.model.post_did_change)
        self.bridge.post_did_change.connect(self.calendar.post_did_change)
        self.bridge.account_did_change.connect(self.queue.model.account_did_change)
        self.bridge.account_did_change.connect(self.health.refresh)
        self.bridge.account_did_change.connect(lambda _: self._choose_first_page())
        self.bridge.account_did_change.connect(lambda _: self.composer.load_accounts())
        self.bridge.engine_state_did_change.connect(self.status.engine_state)
        self.bridge.posts_were_missed.connect(self._show_missed)
        self._quitting = False

    def _settings_changed(self, keys: tuple[str, ...]) -> None:
        if "theme" in keys:
            apply_theme(QApplication.instance(), self.engine.settings.theme, system_style=self._system_style)  # type: ignore[arg-type]

    def _choose_first_page(self) -> None:
        run_op(
            self.engine.accounts.list(),
            on_success=lambda accounts: self.stack.setCurrentWidget(self.pages if accounts else self.welcome),
        )

    def _connect_first(self) -> None:
        self.stack.setCurrentWidget(self.pages)
        self.pages.setCurrentWidget(self.health)
        self.health.add_account()

    def try_sandbox(self) -> None:
        """Start the simulated networks and a sandbox account on each (if this window offers it)."""
        if self._sandbox is None:
            return
        run_op(
            self._sandbox.start(),
            on_success=lambda _: self._sandbox_ready(),
            on_failure=lambda error: self.show_banner(error.text()),
        )

    def _sandbox_ready(self) -> None:
        self.stack.setCurrentWidget(self.pages)
        self.pages.setCurrentWidget(self.composer)
        self.show_banner(
            "Sandbox mode: a simulated account on every network, all running on this computer. "
            "Compose, schedule and publish as you like — nothing leaves your machine. Remove them in "
            "Accounts."
        )

    async def resume(self) -> None:
        """At start: restart the sandbox network if sandbox accounts exist; welcome a newcomer."""
        try:
            if self._sandbox is not None:
                await self._sandbox.resume()
        except KnownError as error:
            self.show_banner(error.text())
        self.stack.setCurrentWidget(self.pages if await self.engine.accounts.list() else self.welcome)

    def _menus(self) -> None:
        menu = self.menuBar().addMenu("&Outpost")
        for label, keys, slot in (
            ("&New post", QKeySequence.StandardKey.New, lambda: self.bring_up("compose")),
            ("&Settings…", QKeySequence.StandardKey.Preferences, self.open_settings),
            ("&Pause publishing", None, self.toggle_pause),
            ("&Quit", QKeySequence.StandardKey.Quit, self.quit),
        ):
            action = QAction(label, self)
            if keys is not None:
                action.setShortcut(QKeySequence(keys))
            action.triggered.connect(slot)
            menu.addAction(action)
            if label == "&Pause publishing":
                self.pause_action = action

    def show_banner(self, text: str) -> None:
        """A notice in the window (where there is no system tray)."""
        self.banner.setText(text)
        self.banner_row.setVisible(True)

    def bring_up(self, page: str) -> None:
        """Show the window on a page ("compose" or "queue")."""
        self.show()
        self.raise_()
        self.activateWindow()
        self.pages.setCurrentWidget(self.queue if page == "queue" else self.composer)

    def toggle_pause(self) -> None:
        """Pause or resume publishing of due posts."""
        if self.engine.paused:
            self.engine.resume()
        else:
            self.engine.pause()
        label = "Resume publishing" if self.engine.paused else "Pause publishing"
        self.pause_action.setText(f"&{label}")
        self.notifier.paused(self.engine.paused)

    def open_settings(self) -> None:
        """The settings dialog; invalid values keep it open with the reason."""
        dialog = SettingsDialog(self.engine.settings, self, engine=self.engine)
        while dialog.exec() == QDialog.DialogCode.Accepted:
            try:
                self.engine.update_settings(**dialog.changes())
            except ValidationError as error:
                dialog.show_error(error)
                continue
            self.say("Settings saved.")
            return

    def quit(self) -> None:
        """Quit for real (the tray menu's Quit, or the menu)."""
        self._quitting = True
        self.close()

    def say(self, text: str) -> None:
        """A passing message in the status bar (the window's own, on the pages' channel)."""
        self.messages.info(text)

    def _show_message(self, level: Level, text: str) -> None:
        show_in(self.statusBar(), level, text)

    def refresh(self) -> None:
        """Load the queue and the accounts."""
        self.queue.load()
        self.health.refresh()

    async def open_composer(self) -> None:
        """Load accounts into the composer and reopen the draft autosaved last time."""
        await self.composer.reload_accounts()  # the chips must exist before a draft selects them
        draft = await self.engine.posts.open_draft()
        if draft is not None:
            self.composer.load(draft)
            self.say("Your draft from last time is back.")

    def edit_post(self, post_id: str) -> None:
        """Open a post from the queue in the composer."""
        run_op(self.engine.posts.get(post_id), on_success=self._edit_loaded)

    def _edit_loaded(self, post: Post) -> None:
        self.composer.load(post)
        self.pages.setCurrentWidget(self.composer)

    def _show_missed(self, count: int, held: bool) -> None:
        what = "held for your review in the Queue" if held else "being published late"
        self.statusBar().showMessage(f"{count} post(s) came due while Outpost was closed: {what}.")

    def closeEvent(self, event: QCloseEvent) -> None:
        """Close to the tray (a setting), or warn that scheduled posts will not go out, then quit."""
        self.composer.save_draft()
        if not self._quitting and self.engine.settings.close_to_tray and self.notifier.tray is not None:
            self.hide()
            self.notifier.notify(
                "Outpost keeps running", "Scheduled posts still go out. Quit from the tray menu."
            )
            event.ignore()
            return
        if not self._quitting and self.status.has_scheduled:
            answer = QMessageBox.question(
                self,
                "Quit Outpost?",
                "Scheduled posts will not go out while Outpost is closed. They will wait for you (or go out "
                "late, as the settings say) when you open it again. Quit anyway?",
            )
            if answer != QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self.notifier.stop()
        self.closed.emit()
        event.accept()
