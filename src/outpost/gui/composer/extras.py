"""Below the post's text: its first comment, the links to tag with UTM, and what it costs on X.

- The first comment field says, under it, which chosen networks will not get the comment and
  why (the adapter's `first_comment_unavailable`), so nothing is dropped silently.
- Each link in the post (text, thread, own texts, first comment) gets a tick box "Add UTM tags";
  only ticked links are tagged, at publish time, for the networks and accounts Settings names.
- The cost line shows what this post will cost on X's pay-per-use API (each part, the first
  comment, alt texts), with the date the prices were read in its tooltip.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from outpost.domain import costs
from outpost.domain.links import has_utm
from outpost.domain.models import QuotaLeft
from outpost.gui.composer.paste import PostTextEdit
from outpost.gui.qt import QCheckBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget, Signal
from outpost.gui.theme import follow_theme

COMMENT_PLACEHOLDER = "Optional: posted right after the post, as a comment or as your own reply under it"


def quota_words(quota: QuotaLeft) -> str:
    """`240 of 250 posts left` (or `12 videos left` where only what is left is known)."""
    amount = f"{quota.left} of {quota.limit}" if quota.limit_known else f"{quota.left}"
    return f"{amount} {quota.unit} left"


class ComposerExtras(QWidget):
    """The first comment, the links' UTM ticks and the cost on X (see the module docstring).

    Signals:
        extras_did_change(): the first comment or a tick changed (the composer saves and checks).
    """

    extras_did_change = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.comment = PostTextEdit()
        self.comment.setObjectName("first_comment")
        self.comment.setPlaceholderText(COMMENT_PLACEHOLDER)
        self.comment.setMaximumHeight(64)
        self.comment.setTabChangesFocus(True)
        self.comment.textChanged.connect(self.extras_did_change)
        self.comment_note = _small(QLabel())
        self.comment_note.setObjectName("first_comment_note")
        self.comment_note.hide()
        self.snippets_button = QPushButton("Snippets…")
        self.snippets_button.setObjectName("snippets")
        self.snippets_button.setToolTip("Insert a snippet at the cursor (Ctrl+Shift+Space)")
        self.links = QWidget()
        self.link_column = QVBoxLayout(self.links)
        self.link_column.setContentsMargins(0, 0, 0, 0)
        self.link_column.setSpacing(0)
        self.link_boxes: dict[str, QCheckBox] = {}
        self._chosen: set[str] = set()
        self.utm_note = _small(QLabel())
        self.utm_note.setObjectName("utm_note")
        self.cost = QLabel()
        self.cost.setObjectName("x_cost")
        self.cost.setWordWrap(True)
        self.cost.hide()
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.comment, 1)
        top.addWidget(self.snippets_button)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        heading = _small(QLabel("First comment"))
        heading.setBuddy(self.comment)
        column.addWidget(heading)
        column.addLayout(top)
        column.addWidget(self.comment_note)
        column.addWidget(self.links)
        column.addWidget(self.utm_note)
        column.addWidget(self.cost)

    # -- state -----------------------------------------------------------------------------------

    def first_comment(self) -> str:
        """The first comment as typed ("" for none)."""
        return self.comment.toPlainText()

    def chosen_links(self) -> tuple[str, ...]:
        """The ticked links that are still in the post, in the post's order."""
        return tuple(link for link in self.link_boxes if link in self._chosen)

    def load(self, comment: str | None, chosen: Iterable[str]) -> None:
        """Show a saved post's first comment and ticks."""
        self.comment.setPlainText(comment or "")
        self._chosen = set(chosen)
        for link, box in self.link_boxes.items():
            box.setChecked(link in self._chosen)

    def clear(self) -> None:
        """Nothing: no comment, no ticks."""
        self.load(None, ())

    # -- what the composer works out -------------------------------------------------------------

    def show_links(self, links: list[str], tagged_for: list[str], examples: Sequence[str] = ()) -> None:
        """One tick box per link (kept ticked across edits); `tagged_for` names who tags.

        `examples`: the ticked links as the first tagging account will publish them.
        """
        if list(self.link_boxes) != links:
            for box in self.link_boxes.values():
                box.deleteLater()
            self.link_boxes = {}
            for link in links:
                box = QCheckBox(f"Add UTM tags to {link}")
                box.setObjectName(f"utm:{link}")
                box.setChecked(link in self._chosen)
                if has_utm(link):
                    box.setEnabled(False)
                    box.setText(f"{link} already has UTM tags")
                box.toggled.connect(lambda on, link=link: self._ticked(link, on))
                self.link_column.addWidget(box)
                self.link_boxes[link] = box
        if not links:
            self.utm_note.hide()
        elif tagged_for:
            shown = "".join(f"\n→ {example}" for example in examples)
            self.utm_note.setText(
                f"Ticked links get UTM tags on {', '.join(tagged_for)} (Settings → Links & costs).{shown}"
            )
            self.utm_note.show()
        else:
            self.utm_note.setText("No account here tags links: choose which do in Settings → Links & costs.")
            self.utm_note.show()

    def _ticked(self, link: str, on: bool) -> None:
        if on:
            self._chosen.add(link)
        else:
            self._chosen.discard(link)
        self.extras_did_change.emit()

    def show_comment_notes(self, notes: list[str]) -> None:
        """Which chosen networks will not get the first comment, and why."""
        self.comment_note.setText("\n".join(notes))
        self.comment_note.setVisible(bool(notes))

    def show_cost(self, cost: costs.PostCost | None) -> None:
        """This post's cost on X (None: no X account chosen)."""
        if cost is None:
            self.cost.hide()
            return
        self.cost.setText(f"<b>Cost on X:</b> {_cost_words(cost)}")
        self.cost.setToolTip(
            f"X bills your developer app per request. Prices read on {costs.PRICES_READ} from "
            f"{costs.PRICES_SOURCE}; change them in Settings → Links & costs."
        )
        self.cost.show()


def _cost_words(cost: costs.PostCost) -> str:
    summary = cost.summary()
    total, _, detail = summary.partition(" on X: ")
    return f"{total} — {detail}" if detail else total


def _small(label: QLabel) -> QLabel:
    label.setWordWrap(True)
    follow_theme(label, lambda c: f"color: {c.muted}; font-size: small;")
    return label
