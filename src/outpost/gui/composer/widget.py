"""The composer: the post, its accounts, per-network text and options, thread, media, and when.

Everything it asks of the engine goes through `run_op` (never blocking the Qt thread). As the
person types it checks the post with `engine.posts.check` (throttled), updates the counters and
previews at once, and autosaves the draft, so a crash or a quit never loses what was typed.
Problems are said in the window's words (`words.py`), accounts by their names; the chosen
accounts are remembered for the next start (`Settings.composer_accounts`). Ctrl+Enter publishes
after a few seconds in which it can be undone (`countdown.py`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Coroutine
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from outpost.config.zone import local_zone_name
from outpost.domain.campaigns import Campaign
from outpost.domain.capabilities import Capabilities
from outpost.domain.compatibility import Compatibility, check
from outpost.domain.enums import Network, PostStatus
from outpost.domain.errors import KnownError, Problem, ValidationError
from outpost.domain.links import links_in, tag_link, tag_text
from outpost.domain.models import Account, Post
from outpost.domain.snippets import Snippet
from outpost.engine import Engine, MediaInput, PostChanges, PostInput, When
from outpost.engine.series import RepeatRequest
from outpost.gui.bridge import EngineBridge
from outpost.gui.composer.accounts_row import AccountRow
from outpost.gui.composer.attach import MEDIA_FILTER, MediaAttacher
from outpost.gui.composer.chips import AccountChip
from outpost.gui.composer.countdown import UNDO_SECONDS, PublishCountdown
from outpost.gui.composer.counting import count_for, show_count
from outpost.gui.composer.customise import NetworkTab
from outpost.gui.composer.extras import ComposerExtras
from outpost.gui.composer.focus import FocusRing
from outpost.gui.composer.media_strip import Attached, MediaStrip
from outpost.gui.composer.organise_row import OrganiseRow
from outpost.gui.composer.paste import MediaPasteFilter, PostTextEdit, pasted_media
from outpost.gui.composer.problems import ProblemList
from outpost.gui.composer.schedule_dialog import ScheduleDialog
from outpost.gui.composer.snippets import SHORTCUT, SnippetExpander, SnippetPicker, insert
from outpost.gui.composer.thread_parts import ThreadParts
from outpost.gui.composer.threading import split_into_thread
from outpost.gui.composer.words import error_text, outcome, together
from outpost.gui.dialogs.campaigns import CampaignsDialog
from outpost.gui.flow import FlowLayout
from outpost.gui.icons import network_icon
from outpost.gui.messages import MessageBridge
from outpost.gui.names import account_label
from outpost.gui.previews.widget import PreviewSource, PreviewTabs
from outpost.gui.qt import (
    QCheckBox,
    QDragEnterEvent,
    QDropEvent,
    QHBoxLayout,
    QKeySequence,
    QLabel,
    QLineEdit,
    QPushButton,
    QShortcut,
    QSplitter,
    Qt,
    QTabWidget,
    QTimer,
    QVBoxLayout,
    QWidget,
    Signal,
)
from outpost.gui.stats.best_slot import BestSlot, next_best_slot
from outpost.gui.stats.source import stats_source
from outpost.gui.tasks import run_op
from outpost.gui.theme import Colours, colours, on_theme_change

CHECK_MS = 300
AUTOSAVE_MS = 1200
PUBLISH_KEYS = QKeySequence("Ctrl+Enter").toString(QKeySequence.SequenceFormat.NativeText)
NO_SCHEDULE = "Set up a posting schedule in Settings first: “Add to queue” fills its time slots in order."


class ComposerWidget(QWidget):
    """Compose one post.

    Signals:
        post_did_save(str): the draft was saved (autosave or Ctrl+S), with its id.
        post_did_go(str): the post was published or scheduled.
        settings_requested(str): a problem is fixed in Settings, at this page (the media host).
    """

    post_did_save = Signal(str)
    post_did_go = Signal(str)
    settings_requested = Signal(str)

    def __init__(self, engine: Engine, *, messages: MessageBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.messages = messages
        self.post_id: str | None = None
        self.accounts: list[Account] = []
        self.caps: dict[str, Capabilities] = {}
        self.counters: dict[str, QLabel] = {}
        self.tabs: dict[Network, NetworkTab] = {}
        self.problems: list[Problem] = []
        self.schedule_dialog: ScheduleDialog | None = None
        self.snippets: list[Snippet] = []  # read with the accounts; Settings → Snippets edits them
        self.snippet_picker: SnippetPicker | None = None
        self._loading = False
        self._generation = 0  # a new post starts a new generation: older saves no longer apply
        #: A published post is open in "edit on the networks" mode (composer/network_edit.py, issue #24):
        #: no autosave, no publishing; the mode's own buttons save it on the networks.
        self.network_editing = False
        self.setAcceptDrops(True)
        self._build()
        self.attacher = MediaAttacher(engine, self.media, messages, self)
        self._paste_filter = MediaPasteFilter(self)
        self._paste_filter.media_pasted.connect(self.attacher.attach_pasted)
        self.media.alt.installEventFilter(self._paste_filter)
        self.text.media_pasted.connect(self.attacher.attach_pasted)
        self.thread_parts.media_pasted.connect(self.attacher.attach_pasted)
        self.thread_parts.save_picture = lambda image: str(self.attacher.saved_picture(image))
        self.thread_parts.media_filter = MEDIA_FILTER
        self.focus_ring = FocusRing(self)
        for edit in (self.text, self.extras.comment):  # ;sig + space becomes the signature
            SnippetExpander(edit, lambda: self.snippets)
        self._events = EngineBridge(engine.events, self)
        self._events.settings_did_change.connect(self._settings_changed)
        self._check_timer = self._timer(CHECK_MS, self._check)
        self._save_timer = self._timer(AUTOSAVE_MS, self.save_draft)
        self._shortcuts()
        self._update_actions()
        on_theme_change(self, self._recolour)
        self.refresh_organising()

    # -- layout ----------------------------------------------------------------------------------

    def _build(self) -> None:
        self.account_row = AccountRow()
        self.account_row.choice_did_change.connect(self._choice_changed)
        self.organise = OrganiseRow()  # title, tags, campaign (issue #24)
        self.organise.organising_did_change.connect(self._changed)
        self.organise.manage_requested.connect(self.manage_campaigns)
        self.text = PostTextEdit()
        self.text.setObjectName("text")
        self.text.setPlaceholderText("What do you want to say?")
        self.text.textChanged.connect(self._post_text_changed)
        counters = QWidget()
        self.counter_row = FlowLayout(counters, spacing=12)  # ten networks wrap instead of widening
        self.custom = QTabWidget()
        self.custom.setObjectName("customise")
        self.custom.currentChanged.connect(self._custom_tab_changed)
        main = QWidget()
        main_layout = QVBoxLayout(main)
        main_layout.setContentsMargins(0, 0, 0, 0)
        main_layout.addWidget(self.text)
        main_layout.addWidget(counters)
        self.custom.addTab(main, "Post")
        self.thread_parts = ThreadParts()
        self.thread_parts.parts_did_change.connect(self._changed)
        self.thread_parts.split.clicked.connect(self.split_into_thread)
        self.split, self.numbering = self.thread_parts.split, self.thread_parts.numbering
        self.extras = ComposerExtras()  # the first comment, UTM ticks, the cost on X (issue #22)
        self.extras.extras_did_change.connect(self._changed)
        self.extras.snippets_button.clicked.connect(self.pick_snippet)
        self.extras.snippets_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # keeps the text's cursor
        self.media = MediaStrip()
        self.media.media_did_change.connect(self._changed)
        self.media.fix_requested.connect(self.fix_media)
        self.media.browse_requested.connect(self.choose_media)
        self.problem_list = ProblemList()
        self.problem_list.go_to_requested.connect(self._go_to_problem)
        self.problem_list.settings_requested.connect(self.settings_requested)
        self.countdown = PublishCountdown()
        self.countdown.elapsed.connect(self._countdown_elapsed)
        self.countdown.undone.connect(self._countdown_undone)
        self.form = QWidget()  # everything but the countdown: locked while it runs
        column = QVBoxLayout(self.form)
        column.setContentsMargins(0, 0, 0, 0)
        for widget, stretch in (
            (self.account_row, 0),
            (self.organise, 0),
            (self.custom, 3),
            (self.thread_parts, 0),
            (self.extras, 0),
            (self.media, 0),
        ):
            column.addWidget(widget, stretch)
        column.addWidget(self.problem_list)
        column.addWidget(self.problem_list.links)
        column.addLayout(self._action_row())
        editor = QWidget()
        editor_column = QVBoxLayout(editor)
        editor_column.addWidget(self.form, 1)
        editor_column.addWidget(self.countdown)
        self.previews = PreviewTabs()
        splitter = QSplitter()
        splitter.addWidget(editor)
        splitter.addWidget(self.previews)
        splitter.setSizes([560, 400])
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(splitter)

    def _action_row(self) -> QHBoxLayout:
        self.save_button = QPushButton("Save draft")
        self.save_button.clicked.connect(self.save_draft)
        self.queue_button = QPushButton("Add to queue")
        self.queue_button.setObjectName("add_to_queue")
        self.queue_button.clicked.connect(self.add_to_queue)
        self.schedule_button = QPushButton("Schedule…")
        self.schedule_button.clicked.connect(self.schedule)
        self.publish_button = QPushButton(f"Publish now  {PUBLISH_KEYS}")
        self.publish_button.setObjectName("publish")
        self.publish_button.setDefault(True)
        self.publish_button.clicked.connect(self.publish)
        self.evergreen_box = QCheckBox("Evergreen")
        self.evergreen_box.setObjectName("evergreen")
        self.evergreen_box.setToolTip(
            "Queue this post again, now and then, into a free slot of an account with nothing queued "
            "(at most every few weeks, see Settings; never the same text twice in a row)."
        )
        self.evergreen_box.toggled.connect(lambda _checked=False: self._changed())
        row = QHBoxLayout()
        row.addWidget(self.evergreen_box)
        row.addStretch(1)
        for button in (self.save_button, self.queue_button, self.schedule_button, self.publish_button):
            row.addWidget(button)
        return row

    def _timer(self, ms: int, slot: object) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(ms)
        timer.timeout.connect(slot)
        return timer

    def _shortcuts(self) -> None:
        """The composer's keys; Ctrl+N is the window's, whose New post action calls `new_post`.

        A second Ctrl+N here made the two ambiguous, so neither worked while typing (issue #17).
        """
        for keys, slot in (
            ("Ctrl+Return", self.publish_soon),
            ("Ctrl+Enter", self.publish_soon),
            (QKeySequence.StandardKey.Save, self.save_draft),
            (QKeySequence.StandardKey.Paste, self.paste),
            (SHORTCUT, self.pick_snippet),
        ):
            self._shortcut(QKeySequence(keys), slot)
        self._escape = self._shortcut(QKeySequence(Qt.Key.Key_Escape), self.countdown.cancel)
        self._escape.setEnabled(False)

    def _shortcut(self, keys: QKeySequence, slot: object) -> QShortcut:
        shortcut = QShortcut(keys, self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(slot)
        return shortcut

    def _recolour(self, _colours: Colours) -> None:
        """Counters and tab logos in the new theme's colours."""
        self._update_counters()
        for network, tab in self.tabs.items():
            self.custom.setTabIcon(
                self.custom.indexOf(tab), network_icon(network, text_colour=colours().text)
            )

    # -- accounts and their rules -------------------------------------------------------------

    def load_accounts(self) -> None:
        """Fetch the accounts and each one's rules, then show them as chips (in the background)."""
        run_op(self.reload_accounts(), on_failure=self._fail)

    async def reload_accounts(self) -> None:
        """Fetch the accounts and each one's rules, then show them as chips."""
        self._show_accounts(await self._fetch_accounts())
        self.snippets = await self.engine.tools.snippets()

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
        """Rebuild the chips; the accounts chosen so far (or, at the start, last time) stay chosen."""
        self.accounts, self.caps = found
        self.account_row.show_accounts(self.accounts, remembered=self.engine.settings.composer_accounts)
        self.account_row.tab_before(self.text)
        self._targets_changed()

    @property
    def chips(self) -> dict[str, AccountChip]:
        """The chip of each account, by account id."""
        return self.account_row.chips

    def select(self, *account_refs: str) -> None:
        """Choose exactly these accounts (by id or `network:handle`)."""
        self.account_row.select(*account_refs)

    @property
    def selected(self) -> list[Account]:
        """The chosen accounts, in chip order."""
        return self.account_row.selected

    def _choice_changed(self) -> None:
        self._targets_changed()
        ids = [a.id for a in self.selected]  # chosen again at the next start (issue #17)
        if ids != self.engine.settings.composer_accounts:
            self.engine.update_settings(composer_accounts=ids)

    def _targets_changed(self) -> None:
        networks = {a.network for a in self.selected}
        for network in [n for n in self.tabs if n not in networks]:
            tab = self.tabs.pop(network)
            self.custom.removeTab(self.custom.indexOf(tab))
            tab.deleteLater()
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
        tab = NetworkTab(network, caps, self._changed)
        tab.override.media_pasted.connect(self.attacher.attach_pasted)
        SnippetExpander(tab.override, lambda: self.snippets, network)  # this network's variant
        tab.reset.clicked.connect(lambda: tab.copy(self.text.toPlainText()))
        for widget in tab.options.values():
            if isinstance(widget, QLineEdit):
                widget.installEventFilter(self._paste_filter)
        self.tabs[network] = tab
        icon = network_icon(network, text_colour=colours().text)
        self.custom.addTab(tab, icon, f"Customise {network.label}")

    def _custom_tab_changed(self, index: int) -> None:
        """A Customise tab starts from the post's text, and its network's preview comes to the front."""
        page = self.custom.widget(index)
        if isinstance(page, NetworkTab):
            self._quietly(lambda: page.start_from(self.text.toPlainText()))
            self.previews.show_network(page.network)
            self._update_counters()

    def _post_text_changed(self) -> None:
        text = self.text.toPlainText()
        self._quietly(lambda: self._follow(text))
        self._changed()

    def _follow(self, text: str) -> None:
        for tab in self.tabs.values():
            tab.follow(text)

    def _quietly(self, change: Callable[[], None]) -> None:
        """Make a change that is not the person's edit (no autosave, no check for it alone)."""
        loading, self._loading = self._loading, True
        try:
            change()
        finally:
            self._loading = loading

    # -- thread parts --------------------------------------------------------------------------

    def add_part(self, text: str) -> PostTextEdit:
        """Append a thread part."""
        return self.thread_parts.add(text)

    @property
    def parts(self) -> list[PostTextEdit]:
        """The thread's parts after the first, in order."""
        return self.thread_parts.parts

    def split_into_thread(self) -> None:
        """Break the post's text into parts that fit every chosen network's limit."""
        caps = [self.caps[a.id] for a in self.selected if a.id in self.caps]
        if not caps:
            self.messages.warning("Choose an account first: its limit decides where the text breaks.")
            return
        text = "\n".join([self.text.toPlainText(), *self.thread_parts.texts()]).strip()
        scale = 10_000  # a part fits when it fits every network: each count as a share of its limit

        def count(part: str) -> int:
            return max(-(-c.count_length(part) * scale // c.max_length) for c in caps)

        pieces = split_into_thread(text, limit=scale, count=count, numbering=self.numbering.isChecked())
        if not pieces:
            return
        self._loading = True
        self.thread_parts.clear()
        self.text.setPlainText(pieces[0])
        for piece in pieces[1:]:
            self.thread_parts.add(piece)
        self._loading = False
        self._changed()

    # -- media -----------------------------------------------------------------------------------

    def choose_media(self) -> None:
        """Choose files to attach in the system's file dialog (the button, the drop zone, the menu)."""
        self.attacher.choose()

    def paste(self) -> None:
        """Ctrl+V outside the text fields: attach the clipboard's files or picture, if any."""
        self.attacher.paste()

    def attach(self, path: str, alt_text: str = "") -> None:
        """Inspect a file off the Qt thread, then add it with its thumbnail."""
        self.attacher.attach_all([path], alt_text)

    def attach_all(self, paths: list[str]) -> None:
        """Attach files in the order given."""
        self.attacher.attach_all(paths)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Accept files dragged from the desktop."""
        if pasted_media(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """Attach the dropped files."""
        found = pasted_media(event.mimeData())
        if found is not None:
            self.attacher.attach_pasted(found)
        event.acceptProposedAction()

    def fix_media(self, row: int) -> None:
        """One click: replace the file with a copy the first network that needs a fix takes."""
        if not 0 <= row < len(self.media.items):
            return
        attached = self.media.items[row]
        for account in self.selected:
            caps = self.caps.get(account.id)
            if caps is None or caps.media is None:
                continue
            if check(attached.info, caps.media).status is Compatibility.FIXABLE:
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

    # -- the post --------------------------------------------------------------------------------

    def request(self) -> PostInput:
        """The post as it stands, for the engine."""
        text = self.text.toPlainText()
        text_for = tuple(
            (network.value, own)
            for network, tab in self.tabs.items()
            if (own := tab.own_text(text)) is not None
        )
        options = tuple(
            (network.value, key, value) for network, tab in self.tabs.items() for key, value in tab.values()
        )
        title, tags, campaign = self.organise.values()
        parts = [  # a part with files but no text yet is still a part (issue #24: media on every part)
            (text, tuple(MediaInput(path, alt) for path, alt in files))
            for text, files in zip(self.thread_parts.texts(), self.thread_parts.part_files(), strict=True)
            if text.strip() or files
        ]
        thread_for = tuple(
            (network.value, network_parts)
            for network, tab in self.tabs.items()
            if (network_parts := tab.own_parts()) is not None
        )
        return PostInput(
            text=text,
            accounts=tuple(a.id for a in self.selected),
            text_for=text_for,
            media=tuple(MediaInput(a.info.path, a.alt_text) for a in self.media.items),
            thread=tuple(text for text, _ in parts),
            thread_media=tuple(files for _, files in parts),
            options=options,
            title=title,
            tags=tags,
            campaign=campaign,
            thread_for=thread_for,
            first_comment=self.extras.first_comment(),
            utm_links=self.extras.chosen_links(),
        )

    def is_empty(self) -> bool:
        """Nothing written or attached yet (an empty post is not scolded with problems)."""
        request = self.request()
        return not (request.text.strip() or request.thread or request.media or request.text_for)

    def _changed(self) -> None:
        if self._loading:
            return
        self._update_counters()
        self._update_extras()
        self._update_previews()
        self._update_badges()
        self._update_actions()
        self._check_timer.start()
        self._save_timer.start()

    def _update_counters(self) -> None:
        request = self.request()
        palette = colours()
        counts = {a.id: count_for(a, self.caps[a.id], request) for a in self.selected if a.id in self.caps}
        for account in self.selected:
            label, count = self.counters.get(account.id), counts.get(account.id)
            if label is not None and count is not None:
                mark = " · own text" if count.own else ""
                label.setText(f"{account.network.label} {count.used}/{count.limit}{mark}")
                show_count(label, count, palette)
        for network, tab in self.tabs.items():
            mine = [(a, counts[a.id]) for a in self.selected if a.network is network and a.id in counts]
            if mine:
                named = len(mine) > 1  # two accounts of one network may have different limits
                tab.counter.setText(
                    "   ".join(
                        f"{account_label(a) if named else network.label} {c.used}/{c.limit}" for a, c in mine
                    )
                )
                show_count(tab.counter, max((c for _, c in mine), key=lambda c: c.used / c.limit), palette)

    def _update_previews(self) -> None:
        thumbs = tuple((a.thumbnail, a.info.kind.value) for a in self.media.items if a.thumbnail)
        request = self.request()
        source = PreviewSource.of(self.selected, request, thumbs)
        shown = []
        for preview in source.posts:  # as published: chosen links tagged, the comment under the post
            account = next(a for a in self.selected if a.network is preview.network)
            tags = self.engine.tools.utm_tags(account)
            parts = tuple(tag_text(p, request.utm_links, tags) for p in preview.parts)
            if request.first_comment.strip() and self.engine.tools.first_comment_kind(preview.network):
                parts = (*parts, tag_text(request.first_comment, request.utm_links, tags))
            shown.append(dataclasses.replace(preview, parts=parts))
        self.previews.show_source(dataclasses.replace(source, posts=tuple(shown)))

    def _update_extras(self) -> None:
        """The links to tick, the networks the first comment misses, and the cost on X."""
        request = self.request()
        texts = [request.text, *request.thread, *(t for _, t in request.text_for), request.first_comment]
        links = list(dict.fromkeys(link for text in texts for link in links_in(text)))
        tagging = [(a, tags) for a in self.selected if (tags := self.engine.tools.utm_tags(a)) is not None]
        examples = (
            [tag_link(link, tagging[0][1]) for link in request.utm_links if link in links] if tagging else []
        )
        self.extras.show_links(links, [account_label(a) for a, _ in tagging], examples)
        notes = []
        if request.first_comment.strip():
            for network in dict.fromkeys(a.network for a in self.selected):
                if self.engine.tools.first_comment_kind(network) is None:
                    why = self.engine.tools.first_comment_unavailable(network).rstrip(".")
                    notes.append(f"{network.label} will get the post without this comment: {why}.")
        self.extras.show_comment_notes(notes)
        on_x = [a for a in self.selected if a.network is Network.X]
        cost = None
        if on_x:
            own = dict(request.text_for).get(Network.X.value, request.text)
            one = self.engine.tools.x_cost(
                (own, *request.thread),
                first_comment_text=request.first_comment.strip() or None,
                described_media=sum(1 for m in request.media if m.alt_text),
            )
            cost = dataclasses.replace(one, lines=one.lines * len(on_x))  # each X account posts it
        self.extras.show_cost(cost)

    def pick_snippet(self) -> None:
        """Ctrl+Shift+Space: search the snippets and insert one where the cursor is."""
        focused = self.focusWidget()
        edit = focused if isinstance(focused, PostTextEdit) else self.text
        tab = next((t for t in self.tabs.values() if t.override is edit), None)
        network = tab.network if tab is not None else None
        picker = SnippetPicker(self.snippets, network, self)

        def chosen() -> None:
            if picker.chosen is not None:
                insert(edit, picker.chosen, network)

        picker.accepted.connect(chosen)
        picker.finished.connect(picker.deleteLater)
        self.snippet_picker = picker
        run_op(self.engine.tools.snippets(), on_success=self._snippets_read, on_failure=self._fail)
        picker.open()  # not exec(): no nested event loop under qasync

    def _snippets_read(self, found: list[Snippet]) -> None:
        self.snippets = found
        if self.snippet_picker is not None and self.snippet_picker.isVisible():
            self.snippet_picker.snippets = found
            self.snippet_picker.refresh()

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
        self.problems = [] if self.is_empty() else problems  # an empty new post is not scolded
        self.problem_list.show_problems(self.problems, self.accounts, [a.info.path for a in self.media.items])
        self._update_actions()

    def _blocked_reason(self) -> str:
        """Why the post cannot go out yet, in a sentence ("" when it can)."""
        if self.countdown.running:
            return "It is about to be published: Undo to change it."
        if self.is_empty():
            return "Write something or attach a file first."
        if not self.selected:
            return "Choose at least one account under “Post to”."
        if self.problems:
            return "Fix the problems listed above first."
        return ""

    def _update_actions(self) -> None:
        reason = self._blocked_reason()
        tips = {
            self.publish_button: f"Publish to the chosen accounts now. {PUBLISH_KEYS} publishes after "
            f"{UNDO_SECONDS} seconds, in which you can undo.",
            self.schedule_button: "Choose a date and time, or a quick choice such as tomorrow 9:00.",
            self.queue_button: "Schedule it into the next slot free for every chosen account "
            "(each account's posting schedule, else the default one).",
        }
        for button, tip in tips.items():
            button.setEnabled(not reason)
            button.setToolTip(reason or tip)
        if not reason and not self.engine.slots.has_any():
            self.queue_button.setEnabled(False)
            self.queue_button.setToolTip(NO_SCHEDULE)

    def _settings_changed(self, keys: tuple[str, ...]) -> None:
        if {"posting_schedule", "account_schedules"} & set(keys):
            self._update_actions()
        if "media_host" in keys:  # set or removed: networks that fetch media judge the post anew
            self._check()

    def _go_to_problem(self, problem: Problem) -> None:
        field = problem.field
        network = next((n for n in self.tabs if n.value == problem.network), None)
        if network is not None and (field.startswith(("--text-for", "--option")) or "." in field):
            self.custom.setCurrentWidget(self.tabs[network])
            self.tabs[network].override.setFocus()
            return
        if field.startswith("thread[") and field.endswith("]") and field[7:-1].isdigit():
            index = int(field[7:-1]) - 1
            if 0 <= index < len(self.parts):
                self.parts[index].setFocus()
                return
        if field.startswith("media"):
            self.media.list.setFocus()
            return
        if field == "--first-comment":
            self.extras.comment.setFocus()
            return
        self.custom.setCurrentIndex(0)
        self.text.setFocus()

    # -- saving and sending -------------------------------------------------------------------------

    def save_draft(self) -> None:
        """Save as a draft now (also what autosave does)."""
        self._save_timer.stop()
        if self.network_editing:
            return
        if not self.request().text.strip() and not self.media.items and self.post_id is None:
            return
        generation = self._generation
        run_op(
            self._save(When.draft(), validate=False),
            on_success=lambda post: self._saved(post, generation),
            on_failure=self._fail,
        )

    def _save(self, when: When, *, validate: bool) -> Coroutine[Any, Any, Post]:
        """Save the post as it stands now (read at once: Ctrl+N may clear the composer first)."""
        return self._store(self.request(), self.post_id, when, validate=validate)

    async def _store(self, request: PostInput, post_id: str | None, when: When, *, validate: bool) -> Post:
        return await self._mark_evergreen(
            await self._store_content(request, post_id, when, validate=validate)
        )

    async def _store_content(
        self, request: PostInput, post_id: str | None, when: When, *, validate: bool
    ) -> Post:
        if post_id is None:
            return await self.engine.posts.create(request, when, validate=validate)
        changes = PostChanges(
            text=request.text,
            accounts=request.accounts,
            text_for=request.text_for,
            media=request.media,
            thread=request.thread,
            options=request.options,
            title=request.title or "",  # "" clears; None would keep the old one
            tags=request.tags,
            campaign=request.campaign or "",
            thread_for=request.thread_for,
            thread_media=request.thread_media,
            first_comment=request.first_comment,
            utm_links=request.utm_links,
        )
        return await self.engine.posts.edit(post_id, changes, when, validate=validate)

    async def _series(
        self, request: PostInput, draft_id: str | None, when: When, repeat: RepeatRequest
    ) -> Post:
        """A recurring post from what the composer holds; the autosaved draft gives way to it."""
        post = await self.engine.series.create(request, when, repeat)
        if draft_id is not None:
            await self.engine.posts.delete(draft_id)
        return await self._mark_evergreen(post)

    async def _mark_evergreen(self, post: Post) -> Post:
        """The Evergreen box, applied to the post just saved (issue #22)."""
        wanted = self.evergreen_box.isChecked()
        return post if post.evergreen == wanted else await self.engine.evergreen.mark(post.id, wanted)

    def _saved(self, post: Post, generation: int) -> None:
        if generation != self._generation:
            return  # the person moved on to a new post while this one was being saved
        self.post_id = post.id
        self.engine.posts.remember_draft(post.id if post.status is PostStatus.DRAFT else None)
        self.post_did_save.emit(post.id)

    def publish(self) -> None:
        """Publish now (to every chosen account at once)."""
        self._save_timer.stop()
        self.messages.info("Publishing…")
        run_op(self._save(When.now(), validate=True), on_success=self._went, on_failure=self._fail)

    def publish_soon(self) -> None:
        """Ctrl+Enter: publish after a few seconds in which Undo (or Esc) takes it back."""
        if self.countdown.running or self.network_editing:
            return
        reason = self._blocked_reason()
        if reason:
            self.messages.warning(f"Not published: {reason[:1].lower()}{reason[1:]}")
            return
        self._save_timer.stop()
        self.form.setEnabled(False)
        self._escape.setEnabled(True)
        self.countdown.start(together([a.network.label for a in self.selected]))
        self._update_actions()

    def _countdown_elapsed(self) -> None:
        self._unlock()
        self.publish()

    def _countdown_undone(self) -> None:
        self._unlock()
        self.text.setFocus()
        self.messages.info("Not published: the post is still here to edit.")

    def _unlock(self) -> None:
        self._escape.setEnabled(False)
        self.form.setEnabled(True)
        self._update_actions()

    def schedule(self) -> None:
        """Ask when (with quick choices), then schedule."""
        run_op(self._when_choices(), on_success=self._ask_with_best, on_failure=self._fail)

    async def _when_choices(self) -> tuple[tuple[tuple[datetime, str] | None, str], BestSlot | None]:
        """The next free slot (or why none), and the next best time from the statistics (or None)."""
        return await self._next_slot(), await self._best_slot()

    async def _best_slot(self) -> BestSlot | None:
        """The soonest recommended hour for the chosen accounts' network (all, if several)."""
        source = stats_source(self.engine)
        if source is None:
            return None
        zone = self.engine.settings.default_timezone or local_zone_name()
        networks = {account.network.value for account in self.selected}
        network = networks.pop() if len(networks) == 1 else None
        try:
            best = await source.best_times(network=network, zone=ZoneInfo(zone))
        except (KnownError, ZoneInfoNotFoundError, ValueError):
            return None  # no suggestion is better than a dialog that does not open
        return next_best_slot(best, self.engine.clock.now(), zone)

    def _ask_with_best(self, found: tuple[tuple[tuple[datetime, str] | None, str], BestSlot | None]) -> None:
        self._ask_when(*found)

    async def _next_slot(self) -> tuple[tuple[datetime, str] | None, str]:
        """The posting schedule's next free slot, or why there is none."""
        if not self.engine.slots.has_any():
            return None, NO_SCHEDULE
        try:
            return await self.engine.slots.next_free(self.request().accounts), ""
        except ValidationError as error:
            return None, error_text(error)

    def _ask_when(self, found: tuple[tuple[datetime, str] | None, str], best: BestSlot | None = None) -> None:
        slot, reason = found
        dialog = ScheduleDialog(
            self,
            zone=self.engine.settings.default_timezone,
            now=self.engine.clock.now(),
            next_slot=slot,
            no_slot_reason=reason or NO_SCHEDULE,
            best_slot=best,
        )
        dialog.accepted.connect(lambda: self._schedule_at(*dialog.choice(), dialog.repeat()))
        dialog.finished.connect(dialog.deleteLater)
        self.schedule_dialog = dialog
        dialog.open()  # not exec(): no nested event loop under qasync

    def _schedule_at(self, at: str, zone: str, repeat: RepeatRequest | None = None) -> None:
        self._save_timer.stop()
        if repeat is not None:
            work = self._series(self.request(), self.post_id, When.scheduled(at, zone), repeat)
            run_op(work, on_success=self._went, on_failure=self._fail)
            return
        run_op(
            self._save(When.scheduled(at, zone), validate=True), on_success=self._went, on_failure=self._fail
        )

    def add_to_queue(self) -> None:
        """Schedule into the next free slot of the posting schedule."""
        self._save_timer.stop()
        run_op(self._queue(self.request(), self.post_id), on_success=self._went, on_failure=self._fail)

    async def _queue(self, request: PostInput, post_id: str | None) -> Post:
        instant, zone = await self.engine.slots.next_free(request.accounts)
        when = When.scheduled(instant.strftime("%Y-%m-%dT%H:%M:%SZ"), zone)
        return await self._store(request, post_id, when, validate=True)

    def _went(self, post: Post) -> None:
        if post.status is PostStatus.FAILED:
            self.messages.error(outcome(post, self.accounts))
        else:
            self.messages.info(outcome(post, self.accounts))
        self.post_did_go.emit(post.id)
        self.engine.posts.remember_draft(None)
        self.clear()

    def new_post(self) -> None:
        """Keep the current draft and start an empty one (Ctrl+N)."""
        if self.post_id is not None or self.request().text.strip():
            self.save_draft()
        self.clear()
        self.custom.setCurrentIndex(0)
        self.text.setFocus()

    def clear(self) -> None:
        """An empty composer."""
        self._loading = True
        self._generation += 1
        self.post_id = None
        self.evergreen_box.setChecked(False)
        self.text.clear()
        self.thread_parts.clear()
        self.media.clear_all()
        self.organise.load(None, (), None)
        self.extras.clear()
        for tab in self.tabs.values():
            tab.load(None)
            tab.load_thread(None)
        self._loading = False
        self._changed()
        self._show_problems([])

    def load(self, post: Post) -> None:
        """Show an existing draft for editing."""
        self._loading = True
        self._generation += 1
        self.post_id = post.id
        self.evergreen_box.setChecked(post.evergreen)
        self.select(*(t.account_id for t in post.targets))
        self.text.setPlainText(post.text)
        self.organise.load(post.title, post.tags, post.campaign_id)
        self.thread_parts.clear()
        for index, part in enumerate(post.thread):
            edit = self.thread_parts.add(part)
            files = post.thread_media[index] if index < len(post.thread_media) else ()
            if files:
                self.thread_parts.set_files(edit, [(m.path, m.alt_text) for m in files])
        for target in post.targets:
            tab = self.tabs.get(target.network)
            if tab is not None:
                tab.load(target.text_override)
                tab.load_thread(target.thread_override)
        self.extras.load(post.first_comment, post.utm_links)
        self._loading = False
        for media in post.media:
            self.attach(media.path, media.alt_text)
        self._changed()

    # -- organising: title, tags, campaign (issue #24) ----------------------------------------------

    def refresh_organising(self) -> None:
        """Offer the campaigns and tags there are now."""
        run_op(self._organising(), on_success=self._offer_organising)

    async def _organising(self) -> tuple[list[Campaign], list[str]]:
        return await self.engine.campaigns.list(), await self.engine.campaigns.tags()

    def _offer_organising(self, found: tuple[list[Campaign], list[str]]) -> None:
        campaigns, tags = found
        self.organise.offer_campaigns(campaigns)
        self.organise.offer_tags(tags)

    def manage_campaigns(self) -> None:
        """Open the Campaigns dialog; the picker offers what it leaves."""
        dialog = CampaignsDialog(self.engine, self)
        dialog.campaigns_did_change.connect(self.refresh_organising)
        dialog.finished.connect(dialog.deleteLater)
        self.campaigns_dialog = dialog
        dialog.open()

    def _fail(self, error: KnownError) -> None:
        self.messages.error(error_text(error, self.accounts, files=[a.info.path for a in self.media.items]))
