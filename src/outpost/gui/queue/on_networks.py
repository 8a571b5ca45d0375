"""Delete a published post from its networks: a confirmation that names what happens on each, then results.

The dialog shows one row per account: what deleting will do there ("Deletes the post on
Mastodon", "Instagram cannot delete posts through its API" with the link to open it). After the
person agrees, the same rows show what happened; a network that failed can be tried again from
here (issue #24). The work runs on the engine's event loop (`run_op`): the window stays live.
"""

from __future__ import annotations

from collections.abc import Sequence

from outpost.domain.enums import Network
from outpost.domain.errors import KnownError
from outpost.engine import Engine, NetworkPlan, NetworkResult, NetworkWork
from outpost.gui.icons import network_icon
from outpost.gui.links import open_link
from outpost.gui.qt import (
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QLabel,
    QPushButton,
    QResizeEvent,
    Qt,
    QVBoxLayout,
    QWidget,
)
from outpost.gui.tasks import run_op

#: What each planned action and each outcome is called on its row.
_ACTION_WORDS = {
    "delete": "Will be deleted",
    "in_place": "Edited in place",
    "repost": "Deleted and posted again",
    "unavailable": "Not possible",
    "skipped": "Nothing to do",
}
_OUTCOME_WORDS = {
    "deleted": "✓ Deleted",
    "edited": "✓ Edited",
    "reposted": "✓ Posted again",
    "unavailable": "! Not possible",
    "failed": "✗ Failed",
    "skipped": "– Skipped",
}


class NetworkRows(QWidget):
    """One row per account: the network's logo, the account, what happens there, a link to the post."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(10)
        self.grid.setVerticalSpacing(2)
        self.grid.setColumnStretch(2, 1)
        self.verdicts: dict[str, QLabel] = {}  # account id → its "what happens" label
        self.messages: dict[str, QLabel] = {}

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keep each wrapped message as tall as its lines at the width it got (never clipped)."""
        super().resizeEvent(event)
        self._fit()

    def _fit(self) -> None:
        for label in self.messages.values():
            width = label.width() or label.sizeHint().width()
            label.setMinimumHeight(label.heightForWidth(width))

    def show_plans(self, plans: Sequence[NetworkPlan]) -> None:
        """What will happen on each network."""
        self._clear()
        for row, plan in enumerate(plans):
            self._row(row, plan.account_id, plan.network, plan.account_ref, plan.permalink)
            self._set(plan.account_id, _ACTION_WORDS[plan.action], plan.message, plan.action)

    def show_results(self, results: Sequence[NetworkResult]) -> None:
        """What happened on each network."""
        for result in results:
            self._set(result.account_id, _OUTCOME_WORDS[result.outcome], result.message, result.outcome)

    def _clear(self) -> None:
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item is not None and (widget := item.widget()) is not None:
                widget.deleteLater()
        self.verdicts.clear()
        self.messages.clear()

    def _row(self, row: int, account_id: str, network: str, ref: str, permalink: str | None) -> None:
        logo = QLabel()
        logo.setPixmap(network_icon(Network(network)).pixmap(20, 20))
        name = QLabel(f"<b>{Network(network).label}</b><br><small>{ref}</small>")
        verdict = QLabel()
        verdict.setObjectName(f"verdict:{network}")
        message = QLabel()
        message.setObjectName(f"message:{network}")
        message.setWordWrap(True)
        message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        message.setContentsMargins(0, 0, 0, 6)  # the space before the next account
        # Two grid rows per account (the verdict, then its words): a wrapped label placed straight
        # in the grid gets the height its lines need, where one inside a nested layout was clipped.
        top = 2 * row
        self.grid.addWidget(logo, top, 0, 2, 1, Qt.AlignmentFlag.AlignTop)
        self.grid.addWidget(name, top, 1, 2, 1, Qt.AlignmentFlag.AlignTop)
        self.grid.addWidget(verdict, top, 2)
        self.grid.addWidget(message, top + 1, 2)
        if permalink:
            link = QPushButton("Open")
            link.setObjectName(f"open:{network}")
            link.setToolTip(permalink)
            link.clicked.connect(lambda _=False, url=permalink: open_link(url, parent=self, what="the post"))
            self.grid.addWidget(link, top, 3, 2, 1, Qt.AlignmentFlag.AlignTop)
        self.verdicts[account_id], self.messages[account_id] = verdict, message

    def _set(self, account_id: str, verdict: str, message: str, kind: str) -> None:
        if account_id not in self.verdicts:
            return
        bold = "font-weight: 600;"
        colour = {"failed": "#c62828", "unavailable": "#a15c00", "deleted": "#2e7d32", "edited": "#2e7d32",
                  "reposted": "#2e7d32", "delete": "#c62828", "repost": "#a15c00"}.get(kind, "")  # fmt: skip
        self.verdicts[account_id].setStyleSheet(bold + (f"color: {colour};" if colour else ""))
        self.verdicts[account_id].setText(verdict)
        self.messages[account_id].setText(message)
        self._fit()


class DeleteOnNetworksDialog(QDialog):
    """Asks before deleting a published post from its networks, then shows what happened."""

    def __init__(
        self, engine: Engine, post_id: str, plans: Sequence[NetworkPlan], parent: QWidget | None = None
    ):
        super().__init__(parent)
        self.engine = engine
        self.post_id = post_id
        self.work: NetworkWork | None = None
        self.setWindowTitle("Delete from the networks")
        self.setMinimumWidth(560)
        deletable = [p for p in plans if p.action == "delete"]
        self.intro = QLabel(
            "Delete this post from the networks? It is gone for everyone there, with its likes and "
            "replies. Outpost keeps its own copy, marked deleted."
            if deletable
            else "None of these networks lets Outpost delete the post: open each and delete it there."
        )
        self.intro.setWordWrap(True)
        self.rows = NetworkRows()
        self.rows.show_plans(plans)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        self.buttons = QDialogButtonBox()
        self.delete_button = self.buttons.addButton(
            f"Delete from {_count(len(deletable))}", QDialogButtonBox.ButtonRole.DestructiveRole
        )
        self.delete_button.setObjectName("delete_on_networks")
        self.delete_button.setEnabled(bool(deletable))
        self.delete_button.clicked.connect(self.delete)
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.close_button.clicked.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addSpacing(6)
        layout.addWidget(self.rows)
        layout.addWidget(line)
        layout.addWidget(self.buttons)

    def delete(self) -> None:
        """Delete on every network that allows it (off the window's thread), then show each result."""
        self.delete_button.setEnabled(False)
        self.intro.setText("Deleting…")
        run_op(
            self.engine.networks.delete_everywhere(self.post_id),
            on_success=self._done,
            on_failure=self._failed,
        )

    def _done(self, work: NetworkWork) -> None:
        self.work = work
        self.rows.show_results(work.results)
        failed = [r for r in work.results if r.outcome == "failed"]
        self.intro.setText(
            f"{_count(len(failed)).capitalize()} failed: try again, or later from the queue."
            if failed
            else "Done. Outpost keeps its copy of the post, marked deleted where it was deleted."
        )
        self.delete_button.setText("Try again")
        self.delete_button.setEnabled(bool(failed))
        self.close_button.setText("Close")

    def _failed(self, error: KnownError) -> None:
        self.intro.setText(error.text())
        self.delete_button.setEnabled(True)


def _count(n: int) -> str:
    return f"{n} network" if n == 1 else f"{n} networks"
