"""The composer: the post, its accounts, per-network text and options, thread, media, and when.

Everything it asks of the engine goes through `run_op` (never blocking the Qt thread). As the
person types it checks the post with `engine.posts.check` (throttled), updates the counters and
previews at once, and autosaves the draft, so a crash or a quit never loses what was typed.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import JsonValue

from outpost.domain.accounts import is_sandbox
from outpost.domain.capabilities import Capabilities, OptionKind, OptionSpec
from outpost.domain.compatibility import check
from outpost.domain.enums import Network, PostStatus
from outpost.domain.errors import KnownError, Problem
from outpost.domain.models import Account, Post
from outpost.engine import Engine, MediaInfo, MediaInput, PostChanges, PostInput, When
from outpost.gui.composer.media_strip import Attached, MediaStrip
from outpost.gui.composer.schedule_dialog import ScheduleDialog
from outpost.gui.composer.threading import split_into_thread
from outpost.gui.messages import MessageBridge
from outpost.gui.previews.renderers import PreviewPost
from outpost.gui.previews.widget import PreviewSource, PreviewTabs
from outpost.gui.qt import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDragEnterEvent,
    QDropEvent,
    QFormLayout,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QShortcut,
    QSplitter,
    Qt,
    QTabWidget,
    QTimer,
    QToolButton,
    QVBoxLayout,
    QWidget,
    Signal,
)
from outpost.gui.tasks import run_op
from outpost.private_files import private_dir, tighten

CHECK_MS = 300
AUTOSAVE_MS = 1200
NEAR = 0.9  # counters turn amber at 90 % of a limit
CHIP_STYLE = (
    "QToolButton { border: 1px solid #c5cad1; border-radius: 11px; padding: 3px 12px; color: #57606a; }"
    "QToolButton:checked { background: #ddf4ff; border-color: #0969da; color: #0550ae; }"
)


@dataclass
class _NetworkTab:
    page: QWidget
    override: QPlainTextEdit
    options: dict[str, QWidget] = field(default_factory=dict)


class ComposerWidget(QWidget):
    """Compose one post.

    Signals:
        post_did_save(str): the draft was saved (autosave or Ctrl+S), with its id.
        post_did_go(str): the post was published or scheduled.
    """

    post_did_save = Signal(str)
    post_did_go = Signal(str)

    def __init__(self, engine: Engine, *, messages: MessageBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.messages = messages
        self.post_id: str | None = None
        self.accounts: list[Account] = []
        self.caps: dict[str, Capabilities] = {}
        self.chips: dict[str, QToolButton] = {}
        self.counters: dict[str, QLabel] = {}
        self.tabs: dict[Network, _NetworkTab] = {}
        self.parts: list[QPlainTextEdit] = []
        self.problems: list[Problem] = []
        self._loading = False
        self.setAcceptDrops(True)
        self._build()
        self._check_timer = self._timer(CHECK_MS, self._check)
        self._save_timer = self._timer(AUTOSAVE_MS, self.save_draft)
        self._shortcuts()

    # -- layout ----------------------------------------------------------------------------------

    def _build(self) -> None:
        self.chip_row = QHBoxLayout()
        self.chip_row.addWidget(QLabel("Post to:"))
        self.no_accounts = QLabel("No accounts yet — connect one first.")
        self.chip_row.addWidget(self.no_accounts)
        self.chip_row.addStretch(1)
        self.text = QPlainTextEdit()
        self.text.setObjectName("text")
        self.text.setPlaceholderText("What do you want to say?")
        self.text.textChanged.connect(self._changed)
        self.counter_row = QHBoxLayout()
        self.counter_row.addStretch(1)
        self.custom = QTabWidget()
        self.custom.setObjectName("customise")
        main = QWidget()
        main_layout = QVBoxLayout(main)
        main_layout.setContentsMargins(0, 0, 0, 0)
        main_layout.addWidget(self.text)
        main_layout.addLayout(self.counter_row)
        self.custom.addTab(main, "Post")
        self.media = MediaStrip()
        self.media.media_did_change.connect(self._changed)
        self.media.fix_requested.connect(self.fix_media)
        self.thread_box = QVBoxLayout()
        add_part = QPushButton("+ Add thread part")
        add_part.clicked.connect(lambda: self.add_part(""))
        self.split = QPushButton("Split into a thread")
        self.split.setObjectName("split")
        self.split.clicked.connect(self.split_into_thread)
        self.numbering = QCheckBox("Number the parts (1/3)")
        thread_row = QHBoxLayout()
        for widget in (add_part, self.split, self.numbering):
            thread_row.addWidget(widget)
        thread_row.addStretch(1)
        self.problem_list = QListWidget()
        self.problem_list.setObjectName("problems")
        self.problem_list.setMaximumHeight(110)
        self.problem_list.setWordWrap(True)
        self.problem_list.setVisible(False)
        self.problem_list.itemActivated.connect(self._go_to_problem)
        self.save_button = QPushButton("Save draft")
        self.schedule_button = QPushButton("Schedule…")
        self.queue_button = QPushButton("Add to queue")
        self.queue_button.setToolTip(
            "Schedule it into the next free slot of your posting schedule (Settings)"
        )
        self.queue_button.clicked.connect(self.add_to_queue)
        self.publish_button = QPushButton("Publish now")
        self.publish_button.setDefault(True)
        self.save_button.clicked.connect(self.save_draft)
        self.schedule_button.clicked.connect(self.schedule)
        self.publish_button.clicked.connect(self.publish)
        actions = QHBoxLayout()
        actions.addStretch(1)
        for button in (self.save_button, self.queue_button, self.schedule_button, self.publish_button):
            actions.addWidget(button)
        editor = QWidget()
        column = QVBoxLayout(editor)
        column.addLayout(self.chip_row)
        column.addWidget(self.custom, 3)
        column.addLayout(self.thread_box)
        column.addLayout(thread_row)
        column.addWidget(self.media)
        column.addWidget(self.problem_list)
        column.addLayout(actions)
        self.previews = PreviewTabs()
        splitter = QSplitter()
        splitter.addWidget(editor)
        splitter.addWidget(self.previews)
        splitter.setSizes([560, 400])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(splitter)

    def _timer(self, ms: int, slot: object) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(ms)
        timer.timeout.connect(slot)
        return timer

    def _shortcuts(self) -> None:
        for keys, slot in (
            ("Ctrl+Return", self._publish_or_schedule),
            ("Ctrl+Enter", self._publish_or_schedule),
            (QKeySequence.StandardKey.Save, self.save_draft),
            (QKeySequence.StandardKey.New, self.new_post),
            (QKeySequence.StandardKey.Paste, self.paste_image),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)

    # -- accounts and their rules -------------------------------------------------------------

    def load_accounts(self) -> None:
        """Fetch the accounts and each one's rules, then show them as chips (in the background)."""
        run_op(self.reload_accounts(), on_failure=self._fail)

    async def reload_accounts(self) -> None:
        """Fetch the accounts and each one's rules, then show them as chips."""
        self._show_accounts(await self._fetch_accounts())

    async def _fetch_accounts(self) -> tuple[list[Account], dict[str, Capabilities]]:
        accounts = await self.engine.accounts.list()
        caps = {}
        for account in accounts:
            try:
                caps[account.id] = await self.engine.accounts.capabilities(account)
            except KnownError:
                continue
        return accounts, caps

    def _show_accounts(self, found: tuple[list[Account], dict[str, Capabilities]]) -> None:
        """Rebuild the chips; the accounts chosen so far stay chosen.

        A health check or a newly added account must not undo the person's choice.
        """
        chosen = {account_id for account_id, chip in self.chips.items() if chip.isChecked()}
        first_load = not self.chips
        self.accounts, self.caps = found
        for chip in self.chips.values():
            self.chip_row.removeWidget(chip)  # out of the row now, not when Qt gets round to deleting it
            chip.hide()
            chip.deleteLater()
        self.chips.clear()
        self.no_accounts.setVisible(not self.accounts)
        for account in self.accounts:
            chip = QToolButton()
            chip.setObjectName(f"chip:{account.ref}")
            sandbox = is_sandbox(account)
            chip.setText(
                f"Sandbox {account.network.label} · you"
                if sandbox
                else f"{account.network.label} · {account.handle}"
            )
            chip.setMinimumWidth(
                chip.fontMetrics().horizontalAdvance(chip.text()) + 32
            )  # room for the padding
            if sandbox:
                chip.setToolTip(f"{account.ref} — a simulated account: nothing leaves this computer")
            chip.setCheckable(True)
            chip.setStyleSheet(CHIP_STYLE)
            chip.setChecked(account.id in chosen or (first_load and len(self.accounts) == 1))
            if not sandbox:
                chip.setToolTip(account.ref)
            chip.toggled.connect(self._targets_changed)
            self.chip_row.insertWidget(self.chip_row.count() - 1, chip)
            self.chips[account.id] = chip
        self._targets_changed()

    def select(self, *account_refs: str) -> None:
        """Choose exactly these accounts (by id or `network:handle`)."""
        for account in self.accounts:
            self.chips[account.id].setChecked(account.id in account_refs or account.ref in account_refs)

    @property
    def selected(self) -> list[Account]:
        """The chosen accounts, in chip order."""
        return [a for a in self.accounts if self.chips.get(a.id) and self.chips[a.id].isChecked()]

    def _targets_changed(self) -> None:
        networks = {a.network for a in self.selected}
        for network in [n for n in self.tabs if n not in networks]:
            tab = self.tabs.pop(network)
            self.custom.removeTab(self.custom.indexOf(tab.page))
        for account in self.selected:
            if account.network not in self.tabs and account.id in self.caps:
                self._add_network_tab(account.network, self.caps[account.id])
        for label in self.counters.values():
            label.deleteLater()
        self.counters.clear()
        for account in self.selected:
            label = QLabel()
            label.setObjectName(f"counter:{account.ref}")
            self.counter_row.addWidget(label)
            self.counters[account.id] = label
        self._changed()

    def _add_network_tab(self, network: Network, caps: Capabilities) -> None:
        page = QWidget()
        form = QFormLayout(page)
        override = QPlainTextEdit()
        override.setObjectName(f"override:{network.value}")
        override.setPlaceholderText(f"Same as the post. Type here to give {network.label} its own text.")
        override.textChanged.connect(self._changed)
        form.addRow(f"Text for {network.label}", override)
        tab = _NetworkTab(page, override)
        for spec in caps.options:
            widget = _option_widget(spec, self._changed)
            widget.setObjectName(f"option:{network.value}.{spec.key}")
            form.addRow(spec.description, widget)
            tab.options[spec.key] = widget
        self.tabs[network] = tab
        self.custom.addTab(page, f"Customise {network.label}")

    # -- thread parts --------------------------------------------------------------------------

    def add_part(self, text: str) -> QPlainTextEdit:
        """Append a thread part."""
        edit = QPlainTextEdit(text)
        edit.setObjectName(f"part:{len(self.parts) + 1}")
        edit.setMaximumHeight(70)
        edit.setPlaceholderText(f"Thread part {len(self.parts) + 2}")
        edit.textChanged.connect(self._changed)
        remove = QPushButton("✕")
        remove.setToolTip("Remove this part")
        up = QPushButton("↑")
        up.setToolTip("Move up")
        row = QHBoxLayout()
        row.addWidget(edit, 1)
        row.addWidget(up)
        row.addWidget(remove)
        holder = QWidget()
        holder.setLayout(row)
        self.thread_box.addWidget(holder)
        self.parts.append(edit)
        remove.clicked.connect(lambda: self._remove_part(edit, holder))
        up.clicked.connect(lambda: self._move_part_up(edit))
        self._changed()
        return edit

    def _remove_part(self, edit: QPlainTextEdit, holder: QWidget) -> None:
        self.parts.remove(edit)
        holder.deleteLater()
        self._changed()

    def _move_part_up(self, edit: QPlainTextEdit) -> None:
        index = self.parts.index(edit)
        if index > 0:
            above = self.parts[index - 1]
            text = above.toPlainText()
            above.setPlainText(edit.toPlainText())
            edit.setPlainText(text)

    def _clear_parts(self) -> None:
        for edit in list(self.parts):
            holder = edit.parentWidget()
            self.parts.remove(edit)
            if holder is not None:
                holder.deleteLater()

    def split_into_thread(self) -> None:
        """Break the post's text into parts that fit every chosen network's limit."""
        caps = [self.caps[a.id] for a in self.selected if a.id in self.caps]
        if not caps:
            self.messages.warning("Choose an account first: its limit decides where the text breaks.")
            return
        text = "\n".join([self.text.toPlainText(), *(p.toPlainText() for p in self.parts)]).strip()
        scale = 10_000  # a part fits when it fits every network: each count as a share of its limit

        def count(part: str) -> int:
            return max(-(-c.count_length(part) * scale // c.max_length) for c in caps)

        pieces = split_into_thread(text, limit=scale, count=count, numbering=self.numbering.isChecked())
        if not pieces:
            return
        self._loading = True
        self._clear_parts()
        self.text.setPlainText(pieces[0])
        for piece in pieces[1:]:
            self.add_part(piece)
        self._loading = False
        self._changed()

    # -- media -----------------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Accept files dragged from the desktop."""
        if event.mimeData().hasUrls() or event.mimeData().hasImage():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """Attach the dropped files."""
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.attach(url.toLocalFile())
        event.acceptProposedAction()

    def attach(self, path: str, alt_text: str = "") -> None:
        """Inspect a file off the Qt thread, then add it with its thumbnail."""
        run_op(
            self._inspect(path),
            on_success=lambda found: self.media.add(
                Attached(found[0], alt_text, str(found[1]) if found[1] else None)
            ),
            on_failure=self._fail,
        )

    async def _inspect(self, path: str) -> tuple[MediaInfo, Path | None]:
        info = await self.engine.media.inspect(path)
        return info, await self.engine.media.thumbnail(info)

    def fix_media(self, row: int) -> None:
        """One click: replace the file with a copy the first network that needs a fix takes."""
        if not 0 <= row < len(self.media.items):
            return
        attached = self.media.items[row]
        for account in self.selected:
            caps = self.caps.get(account.id)
            if caps is None or caps.media is None:
                continue
            if check(attached.info, caps.media).status.value == "fixable":
                run_op(
                    self._fixed(attached, caps),
                    on_success=lambda new: self.media.replace_item(row, new),
                    on_failure=self._fail,
                )
                self.messages.info(f"Making a copy that fits {account.network.label}…")
                return

    async def _fixed(self, attached: Attached, caps: Capabilities) -> Attached:
        assert caps.media is not None
        folder = self.engine.data_dir / "fixed"
        path = await self.engine.media.fixed_copy(attached.info, caps.media, folder, focus=(0.5, 0.5))
        info = await self.engine.media.inspect(str(path))
        thumbnail = await self.engine.media.thumbnail(info)
        return Attached(info, attached.alt_text, str(thumbnail) if thumbnail else None)

    def paste_image(self) -> None:
        """Attach an image from the clipboard (saved in the data folder), or paste text as usual."""
        clipboard = QApplication.clipboard()
        image = clipboard.image()
        focus = QApplication.focusWidget()
        if image.isNull():
            if isinstance(focus, QPlainTextEdit | QLineEdit):
                focus.paste()
            return
        folder = self.engine.data_dir / "pasted"  # pasted images need a file, like dropped ones
        private_dir(folder)
        scratch = folder / ".pasting.png"
        image.save(str(scratch))
        tighten(scratch)  # Qt saves with the umask's leave; the data folder is private (#25)
        path = folder / f"{hashlib.sha256(scratch.read_bytes()).hexdigest()[:20]}.png"
        scratch.replace(path)
        self.attach(str(path))

    # -- the post --------------------------------------------------------------------------------

    def request(self) -> PostInput:
        """The post as it stands, for the engine."""
        text_for = tuple(
            (network.value, tab.override.toPlainText())
            for network, tab in self.tabs.items()
            if tab.override.toPlainText().strip()
        )
        options = tuple(
            (network.value, key, value)
            for network, tab in self.tabs.items()
            for key, widget in tab.options.items()
            if (value := _option_value(widget)) is not None
        )
        return PostInput(
            text=self.text.toPlainText(),
            accounts=tuple(a.id for a in self.selected),
            text_for=text_for,
            media=tuple(MediaInput(a.info.path, a.alt_text) for a in self.media.items),
            thread=tuple(p.toPlainText() for p in self.parts if p.toPlainText().strip()),
            options=options,
        )

    def _changed(self) -> None:
        if self._loading:
            return
        self._update_counters()
        self._update_previews()
        self._update_badges()
        self._check_timer.start()
        self._save_timer.start()

    def _update_counters(self) -> None:
        request = self.request()
        overrides = dict(request.text_for)
        for account in self.selected:
            label = self.counters.get(account.id)
            caps = self.caps.get(account.id)
            if label is None or caps is None:
                continue
            text = overrides.get(account.network.value, request.text)
            options = {k: v for n, k, v in request.options if n == account.network.value}
            used, limit = caps.count_length(text), caps.length_limit(options)
            colour = "#cf222e" if used > limit else "#9a6700" if used >= limit * NEAR else "#57606a"
            label.setText(f"{account.network.label} {used}/{limit}")
            label.setStyleSheet(f"color: {colour}; font-weight: {'bold' if used > limit else 'normal'}")
            label.setToolTip(
                f"{used} of {limit} {caps.length_unit} for {account.ref}"
                + (
                    f" — {used - limit} over: shorten it, split it into a thread, or customise it."
                    if used > limit
                    else ""
                )
            )

    def _update_previews(self) -> None:
        request = self.request()
        overrides = dict(request.text_for)
        posts: list[PreviewPost] = []
        for account in self.selected:
            if account.network in {p.network for p in posts}:
                continue
            options = {k: v for n, k, v in request.options if n == account.network.value}
            first = overrides.get(account.network.value, request.text)
            posts.append(
                PreviewPost(
                    account.network,
                    account.display_name or account.handle,
                    account.handle,
                    (first, *request.thread),
                    options=options,
                )
            )
        thumbs = tuple((a.thumbnail, a.info.kind.value) for a in self.media.items if a.thumbnail)
        self.previews.show_source(PreviewSource(tuple(posts), thumbs))

    def _update_badges(self) -> None:
        verdicts = {}
        for attached in self.media.items:
            verdicts[attached.info.sha256] = {
                a.network.label: check(attached.info, caps.media)
                for a in self.selected
                if (caps := self.caps.get(a.id)) is not None and caps.media is not None
            }
        self.media.set_verdicts(verdicts)

    def _check(self) -> None:
        run_op(self.engine.posts.check(self.request()), on_success=self._show_problems, on_failure=self._fail)

    def _show_problems(self, problems: list[Problem]) -> None:
        self.problems = problems
        self.problem_list.clear()
        for problem in problems:
            item = QListWidgetItem(f"⚠ {_in_gui_words(problem.message)}")
            item.setData(Qt.ItemDataRole.UserRole, problem.field)
            self.problem_list.addItem(item)
        self.problem_list.setVisible(bool(problems))
        blocked = bool(problems)
        reason = "Fix the problems listed above first." if blocked else ""
        for button in (self.publish_button, self.schedule_button, self.queue_button):
            button.setEnabled(not blocked)
            button.setToolTip(reason)

    def _go_to_problem(self, item: QListWidgetItem) -> None:
        target = str(item.data(Qt.ItemDataRole.UserRole))
        if target.startswith("--text-for"):
            network = next((n for n in self.tabs if n.value in target or n.label in target), None)
            if network is not None:
                self.custom.setCurrentWidget(self.tabs[network].page)
                self.tabs[network].override.setFocus()
                return
        if target.startswith("thread["):
            index = int(target[7:-1]) - 1
            if 0 <= index < len(self.parts):
                self.parts[index].setFocus()
                return
        if target.startswith("media"):
            self.media.list.setFocus()
            return
        self.custom.setCurrentIndex(0)
        self.text.setFocus()

    # -- actions ---------------------------------------------------------------------------------

    def save_draft(self) -> None:
        """Save as a draft now (also what autosave does)."""
        self._save_timer.stop()
        if not self.request().text.strip() and not self.media.items and self.post_id is None:
            return
        run_op(self._save(When.draft(), validate=False), on_success=self._saved, on_failure=self._fail)

    async def _save(self, when: When, *, validate: bool) -> Post:
        request = self.request()
        if self.post_id is None:
            return await self.engine.posts.create(request, when, validate=validate)
        changes = PostChanges(
            text=request.text,
            accounts=request.accounts,
            text_for=request.text_for,
            media=request.media,
            thread=request.thread,
            options=request.options,
        )
        return await self.engine.posts.edit(self.post_id, changes, when, validate=validate)

    def _saved(self, post: Post) -> None:
        self.post_id = post.id
        self.engine.posts.remember_draft(post.id if post.status is PostStatus.DRAFT else None)
        self.post_did_save.emit(post.id)

    def publish(self) -> None:
        """Publish now (to every chosen account at once)."""
        self._save_timer.stop()
        self.messages.info("Publishing…")
        run_op(self._save(When.now(), validate=True), on_success=self._went, on_failure=self._fail)

    def schedule(self) -> None:
        """Ask when, then schedule."""
        dialog = ScheduleDialog(self, zone=self.engine.settings.default_timezone)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        at, zone = dialog.choice()
        self._save_timer.stop()
        run_op(
            self._save(When.scheduled(at, zone), validate=True), on_success=self._went, on_failure=self._fail
        )

    def add_to_queue(self) -> None:
        """Schedule into the next free slot of the posting schedule."""
        self._save_timer.stop()
        run_op(self._queue(), on_success=self._went, on_failure=self._fail)

    async def _queue(self) -> Post:
        instant, zone = await self.engine.slots.next_free()
        return await self._save(When.scheduled(instant.strftime("%Y-%m-%dT%H:%M:%SZ"), zone), validate=True)

    def _publish_or_schedule(self) -> None:
        if self.publish_button.isEnabled():
            self.publish()

    def _went(self, post: Post) -> None:
        self.messages.info(f"Post {post.status.value.replace('_', ' ')}.")
        self.post_did_go.emit(post.id)
        self.engine.posts.remember_draft(None)
        self.clear()

    def new_post(self) -> None:
        """Keep the current draft and start an empty one."""
        if self.post_id is not None or self.request().text.strip():
            self.save_draft()
        self.clear()

    def clear(self) -> None:
        """An empty composer."""
        self._loading = True
        self.post_id = None
        self.text.clear()
        self._clear_parts()
        self.media.clear_all()
        for tab in self.tabs.values():
            tab.override.clear()
        self._loading = False
        self._changed()

    def load(self, post: Post) -> None:
        """Show an existing draft for editing."""
        self._loading = True
        self.post_id = post.id
        self.select(*(t.account_id for t in post.targets))
        self.text.setPlainText(post.text)
        self._clear_parts()
        for part in post.thread:
            self.add_part(part)
        for target in post.targets:
            tab = self.tabs.get(target.network)
            if tab is not None and target.text_override is not None:
                tab.override.setPlainText(target.text_override)
        self._loading = False
        for media in post.media:
            self.attach(media.path, media.alt_text)
        self._changed()

    def _fail(self, error: KnownError) -> None:
        self.messages.failed(error)


def _in_gui_words(message: str) -> str:
    """Problems are worded for the command line; say where to click instead of which flag."""
    message = re.sub(
        r"^--account: choose at least one account to publish to \(connected: [^)]*\)\.",
        "Choose at least one account under “Post to”.",
        message,
    )
    message = re.sub(
        r"give (\w+) its own text with --text-for", r"give \1 its own text in its Customise tab", message
    )
    message = re.sub(r"--option (\w+)\.(\w+)", r"\1 option '\2'", message)
    message = re.sub(r"^--[\w-]+: ", "", message)  # the flag is only the command line's name for the field
    if re.match(r"[a-z]+(?![\w:@.])", message):  # a sentence's first word, not an account like x:alice
        message = message[:1].upper() + message[1:]
    return message


def _option_widget(spec: OptionSpec, changed: object) -> QWidget:
    if spec.kind is OptionKind.CHOICE:
        box = QComboBox()
        box.addItem("(network default)", None)
        for choice in spec.choices:
            box.addItem(choice, choice)
        box.currentIndexChanged.connect(changed)
        return box
    if spec.kind is OptionKind.BOOL:
        check_box = QCheckBox()
        check_box.toggled.connect(changed)
        return check_box
    line = QLineEdit()
    line.setPlaceholderText("comma-separated" if spec.kind is OptionKind.LIST else "")
    line.textChanged.connect(changed)
    return line


def _option_value(widget: QWidget) -> JsonValue:
    if isinstance(widget, QComboBox):
        data = widget.currentData()
        return str(data) if data is not None else None
    if isinstance(widget, QCheckBox):
        return True if widget.isChecked() else None
    if isinstance(widget, QLineEdit):
        text = widget.text().strip()
        return text or None
    return None
