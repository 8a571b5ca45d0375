"""Settings → Hooks: send Outpost's events to the creator's own web address or command.

The same as `outpost hooks add|list|remove` (INTERFACE.md "Events and hooks"), through
`engine.hooks`. A URL hook's signing secret is shown once, right after it is added, with a Copy
button; Outpost keeps it in the keyring and never shows it again. Each hook says how its latest
delivery went.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from outpost.domain.errors import KnownError, ValidationError
from outpost.domain.hooks import Hook, HookEvent
from outpost.engine import Engine
from outpost.engine.hooks import NewHook
from outpost.gui.qt import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QShowEvent,
    Qt,
    QVBoxLayout,
    QWidget,
    is_alive,
)
from outpost.gui.tasks import run_op
from outpost.gui.theme import Colours, colours, follow_theme

INTRO = (
    "Send what happens to your own tools: Outpost POSTs the event as JSON to a web address of "
    "yours, signed so your receiver can tell it came from this Outpost, and tries again for about "
    "half an hour if it fails; or runs a command with the JSON on its input. Hooks are sent while "
    "Outpost runs."
)
EVENTS = {
    HookEvent.POST_PUBLISHED: "A post is published",
    HookEvent.POST_FAILED: "A post could not be published",
    HookEvent.ACCOUNT_DISCONNECTED: "An account needs reconnecting",
    HookEvent.MENTION_RECEIVED: "Someone mentions you",
    HookEvent.ENGAGEMENT_SPIKE: "A post is taking off",
}
KINDS = (("url", "POST to"), ("command", "Run"))
PLACEHOLDERS = {"url": "https://example.com/outpost-hook", "command": "/path/to/script --flag"}
NEITHER_CLI = "Give a hook either --url URL (a signed JSON POST) or --command CMD (JSON on stdin)."
T = TypeVar("T")


class HooksSection(QWidget):
    """The hooks there are (with their last delivery), a row to add one, Remove, and what happened."""

    def __init__(self, engine: Engine, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("hooks")
        self.engine = engine
        self._kind = "ok"
        self.secret = ""
        self.list = QListWidget()
        self.list.setObjectName("hook_list")
        self.list.setMinimumHeight(90)
        self.list.setMaximumHeight(160)
        self.list.itemSelectionChanged.connect(self._selection)
        self.event_box = QComboBox()
        self.event_box.setObjectName("hook_event")
        for event, label in EVENTS.items():
            self.event_box.addItem(label, event.value)
        self.kind = QComboBox()
        self.kind.setObjectName("hook_kind")
        for data, label in KINDS:
            self.kind.addItem(label, data)
        self.target = QLineEdit()
        self.target.setObjectName("hook_target")
        self.target.setPlaceholderText(PLACEHOLDERS["url"])
        self.target.setMinimumWidth(260)
        self.kind.currentIndexChanged.connect(
            lambda _: self.target.setPlaceholderText(PLACEHOLDERS[self._kind_now()])
        )
        self.add_button = QPushButton("Add hook")
        self.add_button.setObjectName("hook_add")
        self.add_button.clicked.connect(self.add)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setObjectName("hook_remove")
        self.remove_button.setEnabled(False)
        self.remove_button.clicked.connect(self.remove)
        self.copy_button = QPushButton("Copy secret")
        self.copy_button.setObjectName("hook_copy")
        self.copy_button.setVisible(False)
        self.copy_button.clicked.connect(self._copy)
        self.result = QLabel()
        self.result.setObjectName("hook_result")
        self.result.setWordWrap(True)
        self.result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        follow_theme(self.result, self._result_style)
        self._layout()
        self._loaded = False

    def _layout(self) -> None:
        when = QHBoxLayout()
        when.addWidget(QLabel("When"))
        when.addWidget(self.event_box)
        when.addStretch(1)
        adding = QHBoxLayout()
        adding.addWidget(self.kind)
        adding.addWidget(self.target, 1)
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.copy_button)
        buttons.addStretch(1)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.list)
        column.addLayout(when)
        column.addLayout(adding)
        column.addLayout(buttons)
        column.addWidget(self.result)

    def showEvent(self, event: QShowEvent) -> None:
        """Read the hooks when the page is first shown (opening Settings never waits on the store)."""
        super().showEvent(event)
        if not self._loaded:
            self._loaded = True
            self.load()

    def _kind_now(self) -> str:
        return str(self.kind.currentData())

    def _run(self, coro: Coroutine[Any, Any, T], on_success: Callable[[T], None]) -> None:
        run_op(
            coro,
            on_success=lambda result: on_success(result) if is_alive(self.result) else None,
            on_failure=lambda error: self._failed(error) if is_alive(self.result) else None,
        )

    def load(self) -> None:
        """Show the hooks there are."""
        self._run(self.engine.hooks.list(), self._fill)

    def _fill(self, hooks: list[Hook]) -> None:
        self.list.clear()
        for hook in hooks:
            item = QListWidgetItem(describe(hook))
            item.setData(Qt.ItemDataRole.UserRole, hook.id)
            self.list.addItem(item)
        if not hooks:
            empty = QListWidgetItem("No hooks yet.")
            empty.setFlags(Qt.ItemFlag.NoItemFlags)
            self.list.addItem(empty)
        self._selection()

    def _selection(self) -> None:
        chosen = self.list.selectedItems()
        self.remove_button.setEnabled(bool(chosen) and chosen[0].data(Qt.ItemDataRole.UserRole) is not None)

    def add(self) -> None:
        """Add the hook in the row; a URL hook's secret is shown once, with Copy."""
        text = self.target.text().strip()
        kind = self._kind_now()
        url, command = (text, None) if kind == "url" else (None, text)
        self.say("busy", "Adding…")
        self._run(
            self.engine.hooks.add(str(self.event_box.currentData()), url=url, command=command), self._added
        )

    def _added(self, made: NewHook) -> None:
        self.target.clear()
        self.load()
        if made.secret is None:
            self.secret = ""
            self.copy_button.setVisible(False)
            self.say("ok", f"Added. Outpost runs {made.hook.command} with the JSON on its input.")
            return
        self.secret = made.secret
        self.copy_button.setVisible(True)
        self.say(
            "ok",
            "Added. Its signing secret — shown only now; Outpost keeps it in your keyring:\n"
            f"{made.secret}\nYour receiver checks X-Outpost-Signature against it (docs/hooks.md).",
        )

    def _copy(self) -> None:
        if self.secret:
            QApplication.clipboard().setText(self.secret)

    def remove(self) -> None:
        """Remove the chosen hook (and its secret)."""
        chosen = self.list.selectedItems()
        if not chosen:
            return
        hook_id = str(chosen[0].data(Qt.ItemDataRole.UserRole))
        self._run(self.engine.hooks.remove(hook_id), self._removed)

    def _removed(self, hook: Hook) -> None:
        self.secret = ""
        self.copy_button.setVisible(False)
        self.say("ok", f"Removed the hook for “{EVENTS[hook.event].lower()}”.")
        self.load()

    def _failed(self, error: KnownError) -> None:
        if isinstance(error, ValidationError):
            text = "\n".join(
                p.message.replace("--url: ", "").replace("--command: ", "") for p in error.problems
            )
            text = text.replace(NEITHER_CLI, "Type a web address or a command first.")
            self.say("error", text)
        else:
            self.say("error", error.text())

    def say(self, kind: str, text: str) -> None:
        """Show `text` under the buttons: `ok` (green), `error` (red) or `busy` (muted)."""
        self._kind = kind
        self.result.setStyleSheet(self._result_style(colours()))
        self.result.setText(text)

    def _result_style(self, c: Colours) -> str:
        colour = {"ok": c.good, "error": c.bad}.get(self._kind, c.muted)
        return f"color: {colour};"


def describe(hook: Hook) -> str:
    """One hook in a line: when, where, and how its latest delivery went."""
    where = f"POST to {hook.url}" if hook.url else f"Run {hook.command}"
    last = hook.last_delivery
    if last is None:
        said = "not sent yet"
    elif last.ok:
        said = f"last sent {last.at:%d %b %H:%M} UTC ({last.status})"
    else:
        said = f"last FAILED {last.at:%d %b %H:%M} UTC: {last.status}"
    return f"{EVENTS[hook.event]} → {where} — {said}"
