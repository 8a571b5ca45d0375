"""The main window: Compose (with previews), Queue, Accounts; the engine's state in the status bar.

The window talks to the engine only through the facade and its events (via `EngineBridge`).
"""

from __future__ import annotations

from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from outpost.config.zone import local_zone_name
from outpost.domain.enums import MissedPostPolicy, PostStatus
from outpost.domain.errors import KnownError
from outpost.domain.models import Post
from outpost.engine import Engine
from outpost.engine.events import PostsWereMissed
from outpost.gui import geometry
from outpost.gui.banner import Banner
from outpost.gui.bridge import EngineBridge
from outpost.gui.calendar.view import CalendarView
from outpost.gui.composer.widget import ComposerWidget
from outpost.gui.dialogs.csv_import import ImportPreview
from outpost.gui.dialogs.help import AboutDialog, ShortcutsDialog
from outpost.gui.dialogs.settings import SettingsDialog
from outpost.gui.health.panel import HealthPanel
from outpost.gui.messages import Level, MessageBridge, show_in
from outpost.gui.notify import Notifier, counted
from outpost.gui.qt import (
    QAbstractButton,
    QAction,
    QApplication,
    QCloseEvent,
    QFileDialog,
    QKeySequence,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
    Signal,
    is_alive,
)
from outpost.gui.queue.view import QueueView
from outpost.gui.stats.source import stats_source
from outpost.gui.stats.tab import StatsTab
from outpost.gui.status import StatusArea
from outpost.gui.tasks import run_op
from outpost.gui.theme import apply_theme
from outpost.gui.welcome import WelcomePanel

if TYPE_CHECKING:
    from outpost.gui.library import LibraryDialog  # opened on first use

CSV_FILTER = "CSV files (*.csv);;All files (*)"


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
        self.composer.settings_requested.connect(self.open_settings)
        self.queue = QueueView(engine, messages=self.messages)
        self.health = HealthPanel(engine, messages=self.messages)
        self.pages = QTabWidget()
        self.pages.addTab(self.composer, "Compose")
        self.pages.addTab(self.queue, "Queue")
        self.calendar = CalendarView(engine, messages=self.messages)
        self.pages.addTab(self.calendar, "Calendar")
        # Built (and QtCharts imported) only when first shown: start-up must not pay for charts.
        self.stats = StatsTab(
            stats_source(engine),
            accounts=engine.accounts.list,
            zone=self.creator_zone,
            today=lambda: engine.clock.now().astimezone(ZoneInfo(self.creator_zone())).date(),
            messages=self.messages,
        )
        self.pages.addTab(self.stats, "Stats")
        self.pages.addTab(self.health, "Accounts")
        self.banner_row = Banner()  # its colours follow the theme, live
        self.banner = self.banner_row.label
        self.welcome = WelcomePanel(engine.accounts.networks)
        self.welcome.connect_requested.connect(self._connect_first)
        self.welcome.sandbox_requested.connect(self.try_sandbox)
        self.welcome.offer_sandbox(sandbox is not None)  # no way to try what this window was not given
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
        self._quitting = False
        self._quit_box: QMessageBox | None = None
        self.place()
        self.status = StatusArea(now=engine.clock.now, zone=_zone(engine.settings.default_timezone))
        self.statusBar().addPermanentWidget(self.status)
        self.notifier = Notifier(engine, self, tray=tray)
        self.notifier.banner_did_change.connect(self.show_banner)
        self.notifier.show_window_requested.connect(self.bring_up)
        self.notifier.pause_toggled.connect(self.toggle_pause)
        self.notifier.quit_requested.connect(self.quit)
        self.bridge.post_status_did_change.connect(self.notifier.post_changed)
        self.bridge.posts_were_missed.connect(self.notifier.missed)
        self.bridge.account_did_change.connect(self.notifier.account_changed)
        self.bridge.mention_received.connect(self.notifier.mention)
        self.bridge.engagement_spike.connect(self.notifier.spike)
        self.bridge.upload_did_progress.connect(self.status.upload)
        self.bridge.media_prepare_did_progress.connect(self.status.prepare)
        self._system_style = QApplication.style().name()
        self.bridge.settings_did_change.connect(self._settings_changed)
        apply_theme(QApplication.instance(), engine.settings.theme, system_style=self._system_style)  # type: ignore[arg-type]
        self._library: LibraryDialog | None = None
        self._menus()
        self.queue.edit_requested.connect(self.edit_post)
        self.queue.compose_requested.connect(lambda: self.bring_up("compose"))
        self.queue.stats_requested.connect(self.show_post_stats)
        self.bridge.post_did_change.connect(self.queue.model.post_did_change)
        self.bridge.post_did_change.connect(self.calendar.post_did_change)
        # Another process (the CLI, `outpost run`, an assistant) changed the store: show it at once.
        self.bridge.store_did_change_elsewhere.connect(self.queue.model.store_did_change_elsewhere)
        self.bridge.store_did_change_elsewhere.connect(self.calendar.load)
        self.bridge.account_did_change.connect(self.queue.model.account_did_change)
        self.bridge.account_did_change.connect(self.health.refresh)
        self.bridge.account_did_change.connect(lambda _: self._choose_first_page())
        self.bridge.account_did_change.connect(lambda _: self.composer.load_accounts())
        self.bridge.engine_state_did_change.connect(self.status.engine_state)
        self.bridge.posts_were_missed.connect(self._show_missed)

    def place(self) -> None:
        """Open where the window was last, if that still fits the screen; else as large as fits.

        At 150 % text size a 1440×900 screen offers 960×600: a fixed size would hide Publish and
        Schedule below its edge (issue #17).
        """
        area = self.screen().availableGeometry()
        hint = self.minimumSizeHint()
        box = geometry.placement(
            geometry.load(self.engine.data_dir),
            geometry.Box(area.x(), area.y(), area.width(), area.height()),
            (hint.width(), hint.height()),
        )
        self.setGeometry(box.x, box.y, box.width, box.height)

    def _remember_place(self) -> None:
        if not self.isMaximized() and not self.isFullScreen():
            shape = self.geometry()
            geometry.save(
                self.engine.data_dir, geometry.Box(shape.x(), shape.y(), shape.width(), shape.height())
            )

    def _settings_changed(self, keys: tuple[str, ...]) -> None:
        if "theme" in keys:
            apply_theme(QApplication.instance(), self.engine.settings.theme, system_style=self._system_style)  # type: ignore[arg-type]
        if "default_timezone" in keys:
            self.status.set_zone(_zone(self.engine.settings.default_timezone))

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
        self._action(menu, "&New post", [QKeySequence.StandardKey.New], self.new_post)
        self._action(menu, "Add &media…", [], self.add_media)
        self._action(menu, "&Import posts from CSV…", [], self.import_csv)
        self._action(menu, "E&xport posts to CSV…", [], self.export_csv)
        self._action(menu, "Media &library…", ["Ctrl+Shift+L"], self.open_library)
        menu.addSeparator()
        self.pause_action = self._action(menu, "&Pause publishing", [], self.toggle_pause)
        # Qt's Preferences key is empty on most Linux desktops and on Windows: Ctrl+, everywhere.
        self._action(menu, "&Settings…", [QKeySequence.StandardKey.Preferences, "Ctrl+,"], self.open_settings)
        menu.addSeparator()
        self._action(menu, "&Quit", [QKeySequence.StandardKey.Quit, "Ctrl+Q"], self.quit)
        view = self.menuBar().addMenu("&View")
        for number, (label, page) in enumerate(
            (
                ("&Compose", self.composer),
                ("&Queue", self.queue),
                ("C&alendar", self.calendar),
                ("S&tats", self.stats),
                ("&Accounts", self.health),
            ),
            start=1,
        ):
            self._action(view, label, [f"Ctrl+{number}"], lambda _=False, page=page: self.show_page(page))
        help_menu = self.menuBar().addMenu("&Help")
        self._action(help_menu, "&Keyboard shortcuts", ["Ctrl+/"], self.show_shortcuts)
        self._action(help_menu, "&About Outpost", [], self.show_about)

    def _action(
        self, menu: QMenu, label: str, keys: list[QKeySequence.StandardKey | str], slot: object
    ) -> QAction:
        """A menu item with its keys: a standard key's main binding on this platform, then ours.

        Only the main binding: the others are keyboard media keys ("New") nobody would look up.
        """
        sequences: list[QKeySequence] = []
        for key in keys:
            sequence = QKeySequence(key)
            if not sequence.isEmpty() and sequence not in sequences:
                sequences.append(sequence)
        action = QAction(label, self)
        action.setShortcuts(sequences)
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def open_library(self) -> None:
        """Show the media library (one window, brought to the front if already open)."""
        from outpost.gui.library import LibraryDialog

        if self._library is None or not is_alive(self._library):
            self._library = LibraryDialog(self.engine, self.messages, self)
            self._library.use_requested.connect(self._use_from_library)
        if self._library.isVisible():  # already open, maybe behind: to the front
            self._library.raise_()
            self._library.activateWindow()
        self._library.show()

    def _use_from_library(self, path: str, alt_text: str) -> None:
        self.show_page(self.composer)
        self.composer.attach(path, alt_text)

    def new_post(self) -> None:
        """Show the composer with an empty post (the current draft is kept)."""
        self.bring_up("compose")
        self.composer.new_post()

    def add_media(self) -> None:
        """Outpost → Add media…: the composer, and its file picker."""
        self.bring_up("compose")
        self.composer.choose_media()

    def import_csv(self, path: str | None = None) -> ImportPreview | None:
        """Outpost → Import posts from CSV…: pick a file, then preview every row before saving."""
        if path is None:
            path, _ = QFileDialog.getOpenFileName(self, "Import posts", str(Path.home()), CSV_FILTER)
        if not path:
            return None
        preview = ImportPreview(self.engine, Path(path), self)
        preview.imported.connect(lambda count: self.say(f"Imported {count} post(s) from {Path(path).name}."))
        preview.finished.connect(preview.deleteLater)
        preview.open()
        return preview

    def export_csv(self) -> None:
        """Outpost → Export posts to CSV…: every post, in the columns import reads."""
        path, _ = QFileDialog.getSaveFileName(
            self, "Export posts", str(Path.home() / "posts.csv"), CSV_FILTER
        )
        if path:
            run_op(
                self.engine.csv.export_file(path),
                on_success=lambda posts: self.say(f"Wrote {len(posts)} post(s) to {Path(path).name}."),
                on_failure=lambda error: self.messages.error(error.text()),
            )

    def show_page(self, page: QWidget) -> None:
        """Show one of the window's pages (leaving the welcome screen if it is up)."""
        self.stack.setCurrentWidget(self.pages)
        self.pages.setCurrentWidget(page)

    def creator_zone(self) -> str:
        """The zone the creator works in: the settings' default, else this computer's."""
        name = self.engine.settings.default_timezone
        return name if name and _zone(name) is not None else local_zone_name()

    def show_post_stats(self, post_id: str, title: str) -> None:
        """The queue's "Stats…": the Stats tab, on that post's numbers."""
        self.show_page(self.stats)
        self.stats.show_post(post_id, title)

    def show_shortcuts(self) -> None:
        """Help → Keyboard shortcuts: every key the window answers to."""
        ShortcutsDialog(self).open()

    def show_about(self) -> None:
        """Help → About: version, licence, data folder, documentation."""
        AboutDialog(self.engine.data_dir, self).open()

    def show_banner(self, text: str) -> None:
        """A notice in the window (where there is no system tray)."""
        self.banner_row.show_text(text)

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

    def open_settings(self, page: str | None = None) -> None:
        """The settings dialog (window-modal, not blocking); invalid values keep it open with the reason.

        `page` turns to that page (the composer opens "Media host" when a network needs one).
        """
        if (open_dialog := self.findChild(SettingsDialog)) is not None and open_dialog.isVisible():
            if page:
                open_dialog.show_page(page)
            open_dialog.raise_()
            return
        dialog = SettingsDialog(
            self.engine.settings,
            self,
            engine=self.engine,
            on_save=lambda changes: self.engine.update_settings(**changes),
            data_dir=self.engine.data_dir,
        )
        dialog.accepted.connect(lambda: self.say("Settings saved."))
        dialog.finished.connect(dialog.deleteLater)
        if page:
            dialog.show_page(page)
        dialog.open()

    def quit(self) -> None:
        """Quit (the menu, Ctrl+Q, the tray's Quit): first warn if posts are scheduled."""
        task = run_op(self.engine.posts.list([PostStatus.SCHEDULED]), on_success=self._warn_or_quit)
        if task is None:  # no event loop: Outpost is shutting down already, nothing to ask
            self._quit_now()

    def _warn_or_quit(self, scheduled: list[Post]) -> None:
        if not scheduled:
            self._quit_now()
            return
        if self._quit_box is not None:  # asked already (Ctrl+Q twice, or the tray and the window)
            self._quit_box.raise_()
            return
        box, quit_anyway = quit_warning(
            self, len(scheduled), self.engine.settings.missed_post_policy, tray=self.notifier.tray is not None
        )
        self._quit_box = box

        def answered() -> None:
            self._quit_box = None
            box.deleteLater()
            if box.clickedButton() is quit_anyway:
                self._quit_now()

        box.finished.connect(answered)
        box.open()

    def _quit_now(self) -> None:
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

    def _show_missed(self, event: PostsWereMissed) -> None:
        what = "held for your review in the Queue" if event.held else "being published late"
        where = "the computer was asleep" if event.asleep else "Outpost was closed"
        self.say(f"{counted(len(event.posts), 'post')} came due while {where}: {what}.")

    def closeEvent(self, event: QCloseEvent) -> None:
        """Close to the tray (a setting), or quit as Ctrl+Q does: warning first about scheduled posts."""
        self.composer.save_draft()
        if not self._quitting:
            event.ignore()
            if self.engine.settings.close_to_tray and self.notifier.tray is not None:
                self.hide()
                self.notifier.notify(
                    "Outpost keeps running", "Scheduled posts still go out. Quit from the tray menu."
                )
            else:
                self.quit()
            return
        self._remember_place()
        self.notifier.stop()
        self.closed.emit()
        event.accept()


def quit_warning(
    parent: QWidget, count: int, policy: MissedPostPolicy, *, tray: bool
) -> tuple[QMessageBox, QAbstractButton]:
    """The warning before quitting: "3 posts are scheduled", "Quit anyway" or "Keep running".

    Returns the box and its "Quit anyway" button; "Keep running" is the default and what Esc
    chooses.
    """
    box = QMessageBox(parent)
    box.setObjectName("quit_warning")
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Quit Outpost?")
    box.setText(f"{counted(count, 'post')} {'is' if count == 1 else 'are'} scheduled.")
    later = (
        "held for your review in the Queue"
        if policy is MissedPostPolicy.HOLD
        else "published late, as soon as Outpost is open"
    )
    them = "It goes" if count == 1 else "They go"
    info = (
        f"{them} out only while Outpost runs. If you quit, {'it waits' if count == 1 else 'they wait'} "
        f"until you open Outpost again, and {'is' if count == 1 else 'are'} then {later}."
    )
    if tray:
        info += " To keep posting with the window closed, turn on “Keep running in the tray” in Settings."
    box.setInformativeText(info)
    for label in box.findChildren(QLabel):  # QMessageBox wraps at a narrow width of its own
        if label.objectName() in {"qt_msgbox_label", "qt_msgbox_informativelabel"}:
            label.setMinimumWidth(380)
    quit_anyway = box.addButton("Quit anyway", QMessageBox.ButtonRole.DestructiveRole)
    keep = box.addButton("Keep running", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(keep)
    box.setEscapeButton(keep)
    return box, quit_anyway


def _zone(name: str | None) -> tzinfo | None:
    """The settings' time zone; None (the machine's) if unset or unknown."""
    if not name:
        return None
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
