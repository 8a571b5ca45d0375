"""The composer's "edit on the networks" mode: change a published post where it stands (issue #24).

The composer shows the published post with a banner that says, per network, what saving does:
edited in place (Mastodon, LinkedIn, Facebook, Pinterest, YouTube), deleted and posted again
(Bluesky, Threads: only with the box ticked, as the post loses its likes, replies and link), or
not possible (X, Instagram, TikTok: with the link to do it there). The composer's draft buttons
give way to "Save on the networks" and "Stop editing"; autosave and Ctrl+Enter stay off.
"""

from __future__ import annotations

from collections.abc import Sequence

from outpost.domain.errors import KnownError
from outpost.domain.models import Post
from outpost.engine import NetworkPlan, NetworkWork, PostChanges
from outpost.gui.composer.widget import ComposerWidget
from outpost.gui.qt import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
    Signal,
)
from outpost.gui.queue.on_networks import NetworkRows
from outpost.gui.tasks import run_op

#: The composer's own buttons, hidden while a published post is edited.
_DRAFT_BUTTONS = ("save_button", "queue_button", "schedule_button", "publish_button")


class NetworkEditMode(QFrame):
    """The banner and buttons of the mode, placed into a `ComposerWidget` (see `attach`).

    Signals:
        finished(str): the edit went to the networks (the post's id); the results were shown.
    """

    finished = Signal(str)

    def __init__(self, composer: ComposerWidget) -> None:
        super().__init__(composer)
        self.composer = composer
        self.post: Post | None = None
        self.plans: list[NetworkPlan] = []
        self.results: QDialog | None = None
        self.setObjectName("network_edit")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # Never squeezed below what its rows need: the composer's text box gives way instead.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        title = QLabel("<b>Editing a published post on the networks</b>")
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.rows = NetworkRows()
        self.repost = QCheckBox()
        self.repost.setObjectName("repost")
        column = QVBoxLayout(self)
        column.addWidget(title)
        column.addWidget(self.explain)
        column.addWidget(self.rows)
        column.addWidget(self.repost)
        self.save = QPushButton("Save on the networks")
        self.save.setObjectName("save_on_networks")
        self.save.setDefault(True)
        self.save.clicked.connect(self.send)
        self.stop_button = QPushButton("Stop editing")
        self.stop_button.clicked.connect(self.stop)
        self.button_row = QHBoxLayout()
        self.button_row.addStretch(1)
        self.button_row.addWidget(self.stop_button)
        self.button_row.addWidget(self.save)
        self.button_holder = QWidget(composer)
        self.button_holder.setLayout(self.button_row)
        self.setVisible(False)
        self.button_holder.setVisible(False)

    @classmethod
    def attach(cls, composer: ComposerWidget) -> NetworkEditMode:
        """Put the banner above the composer's accounts and the buttons under its own."""
        mode = cls(composer)
        form_layout = composer.form.layout()
        assert isinstance(form_layout, QVBoxLayout)  # the composer's column (widget.py `_build`)
        form_layout.insertWidget(0, mode)
        form_layout.addWidget(mode.button_holder)
        return mode

    @property
    def active(self) -> bool:
        """Whether a published post is open for editing."""
        return self.post is not None

    def start(self, post: Post, plans: Sequence[NetworkPlan]) -> None:
        """Open `post` in the composer in this mode, saying per network what saving will do."""
        composer = self.composer
        composer.clear()  # nothing of a draft that was open stays (its media, its text)
        composer.load(post)
        self.post, self.plans = post, list(plans)
        composer.network_editing = True
        reposting = [p.network_label for p in plans if p.action == "repost"]
        editable = [p for p in plans if p.action in ("in_place", "repost")]
        self.explain.setText(
            "Change the words (and, on Mastodon, the media and alt text), then save: each network "
            "below does what it allows."
            if editable
            else "None of these networks lets Outpost change a published post: open each to edit it there."
        )
        self.rows.show_plans(plans)
        self.repost.setVisible(bool(reposting))
        self.repost.setChecked(False)
        self.repost.setText(
            f"Delete and post again on {', '.join(reposting)} "
            "(a new post: its likes, replies and link are lost)"
        )
        self.save.setEnabled(bool(editable))
        composer.account_row.setEnabled(False)
        for name in _DRAFT_BUTTONS:
            getattr(composer, name).setVisible(False)
        self.setVisible(True)
        self.button_holder.setVisible(True)

    def stop(self) -> None:
        """Leave the mode: the composer is empty again, with its own buttons."""
        composer = self.composer
        self.post = None
        composer.network_editing = False
        composer.account_row.setEnabled(True)
        for name in _DRAFT_BUTTONS:
            getattr(composer, name).setVisible(True)
        self.setVisible(False)
        self.button_holder.setVisible(False)
        composer.clear()

    def changes(self) -> PostChanges:
        """What the composer holds now, as an edit of the published post (its accounts stay)."""
        request = self.composer.request()
        return PostChanges(
            text=request.text, text_for=request.text_for, media=request.media, thread=request.thread
        )

    def send(self) -> None:
        """Edit on the networks (off the window's thread), then show each network's result."""
        if self.post is None:
            return
        self.save.setEnabled(False)
        self.explain.setText("Saving on the networks…")
        work = self.composer.engine.networks.edit_published(
            self.post.id, self.changes(), repost=self.repost.isChecked()
        )
        run_op(work, on_success=self._done, on_failure=self._failed)

    def _done(self, work: NetworkWork) -> None:
        self.rows.show_results(work.results)
        self.results = ResultsDialog(work, self.plans, self.composer)
        self.results.open()
        self.stop()
        self.finished.emit(work.post.id)

    def _failed(self, error: KnownError) -> None:
        self.save.setEnabled(True)
        self.explain.setText(error.text())


class ResultsDialog(QDialog):
    """What happened on each network after an edit."""

    def __init__(
        self, work: NetworkWork, plans: Sequence[NetworkPlan], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edited on the networks")
        self.setMinimumWidth(520)
        failed = [r for r in work.results if r.outcome == "failed"]
        intro = QLabel(
            "Some networks failed; open the post from the queue to try again."
            if failed
            else "Done: each network did what it allows."
        )
        intro.setWordWrap(True)
        rows = NetworkRows()
        rows.show_plans(plans)
        rows.show_results(work.results)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(rows)
        layout.addWidget(buttons)
