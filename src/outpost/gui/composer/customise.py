"""One "Customise <network>" tab: that network's own text, its counter, and its options.

The tab's text starts as a copy of the post's text, to tweak (issue #17). Until the person changes
it, the copy follows the post's text; a text equal to the post's is no text of its own, so the
network simply gets the post.
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import JsonValue

from outpost.domain.capabilities import Capabilities, OptionKind, OptionSpec
from outpost.domain.enums import Network
from outpost.gui.composer.paste import PostTextEdit
from outpost.gui.qt import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

__all__ = ["THREAD_SEPARATOR", "NetworkTab"]

THREAD_SEPARATOR = "---"  # as in `--thread-file` (cli/text_input.py)


class NetworkTab(QWidget):
    """The page of one network in the composer's Customise tabs.

    Attributes:
        override: the network's own text (a copy of the post's until changed).
        counter: how long that text is for each chosen account of the network.
        options: the network's option widgets by key.
    """

    def __init__(self, network: Network, caps: Capabilities, changed: Callable[[], None]) -> None:
        super().__init__()
        self.network = network
        self.setObjectName(f"customise:{network.value}")
        self._copied: str | None = None  # the post's text this tab's copy was taken from
        self.override = PostTextEdit()
        self.override.setObjectName(f"override:{network.value}")
        self.override.setPlaceholderText(
            f"What {network.label} gets: the post's text unless you change it here."
        )
        self.override.textChanged.connect(changed)
        self.counter = QLabel()
        self.counter.setObjectName(f"tab_counter:{network.value}")
        self.reset = QPushButton("Use the post's text")
        self.reset.setObjectName(f"reset:{network.value}")
        self.reset.setToolTip(f"Forget {network.label}'s own text and send it the post's text")
        self.options: dict[str, QWidget] = {}
        form = QFormLayout()
        for spec in caps.options:
            widget = _option_widget(spec, changed)
            widget.setObjectName(f"option:{network.value}.{spec.key}")
            label = QLabel(spec.description)
            label.setWordWrap(True)  # long descriptions (TikTok's) wrap instead of widening the window
            form.addRow(label, widget)
            self.options[spec.key] = widget
        below = QHBoxLayout()
        below.addWidget(self.reset)
        below.addStretch(1)
        below.addWidget(self.counter)
        column = QVBoxLayout(self)
        column.addWidget(
            QLabel(f"Starts as the post's text; what you change here goes to {network.label} only.")
        )
        column.addWidget(self.override, 1)
        column.addLayout(below)
        self._own_thread_box(column, changed)
        column.addLayout(form)

    def own_text(self, post_text: str) -> str | None:
        """The network's own text, or None when it gets the post's text."""
        text = self.override.toPlainText()
        return text if text.strip() and text != post_text else None

    def start_from(self, post_text: str) -> None:
        """Fill an empty tab with a copy of the post's text, to tweak."""
        if not self.override.toPlainText():
            self.copy(post_text)

    def copy(self, post_text: str) -> None:
        """Take the post's text again (the Reset button)."""
        self._copied = post_text
        self.override.setPlainText(post_text)

    def follow(self, post_text: str) -> None:
        """While the copy is untouched, keep it equal to the post's text."""
        if self._copied is not None and self.override.toPlainText() == self._copied:
            self.copy(post_text)

    def load(self, text: str | None) -> None:
        """Show a saved post's own text (or none)."""
        self._copied = None
        self.override.setPlainText(text or "")

    # -- the network's own thread (issue #24) -------------------------------------------------------

    def _own_thread_box(self, column: QVBoxLayout, changed: Callable[[], None]) -> None:
        """The "own thread" box: parts 2, 3, … for this network only, or none (a single post)."""
        self.own_thread_on = QCheckBox(f"{self.network.label} gets its own thread")
        self.own_thread_on.setObjectName(f"own_thread_on:{self.network.value}")
        self.own_thread_on.setToolTip(
            f"Instead of the post's thread parts, {self.network.label} gets these (none: a single post)."
        )
        self.own_thread = PostTextEdit()
        self.own_thread.setObjectName(f"own_thread:{self.network.value}")
        self.own_thread.setPlaceholderText(
            f"Parts 2, 3, … for {self.network.label}, separated by a line with only {THREAD_SEPARATOR}. "
            "Leave it empty for a single post."
        )
        self.own_thread.setMaximumHeight(90)
        self.own_thread.setVisible(False)
        self.own_thread_on.toggled.connect(self.own_thread.setVisible)
        self.own_thread_on.toggled.connect(lambda _: changed())
        self.own_thread.textChanged.connect(changed)
        column.addWidget(self.own_thread_on)
        column.addWidget(self.own_thread)

    def own_parts(self) -> tuple[str, ...] | None:
        """The network's own further parts (() for a single post), or None when it gets the post's."""
        if not self.own_thread_on.isChecked():
            return None
        parts: list[list[str]] = [[]]
        for line in self.own_thread.toPlainText().split("\n"):
            if line.strip() == THREAD_SEPARATOR:
                parts.append([])
            else:
                parts[-1].append(line)
        return tuple(text for lines in parts if (text := "\n".join(lines).strip()))

    def load_thread(self, parts: tuple[str, ...] | None) -> None:
        """Show a saved post's own thread for this network (or none)."""
        self.own_thread_on.setChecked(parts is not None)
        self.own_thread.setPlainText(f"\n{THREAD_SEPARATOR}\n".join(parts or ()))

    def values(self) -> list[tuple[str, JsonValue]]:
        """The options that are set, as (key, value)."""
        return [
            (key, value)
            for key, widget in self.options.items()
            if (value := _option_value(widget)) is not None
        ]


def _option_widget(spec: OptionSpec, changed: Callable[[], None]) -> QWidget:
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
