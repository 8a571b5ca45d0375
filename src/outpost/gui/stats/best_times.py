"""Best times: the panel that lists them with their reasons and post counts.

The engine recommends hours from the creator's own history, each with a reason and the number of
posts it rests on; with too little history it gives a message instead, which is shown as it is
(no guessing).
"""

from __future__ import annotations

from outpost.domain.stats import BestTime, BestTimes
from outpost.gui.qt import QLabel, QVBoxLayout, QWidget
from outpost.gui.stats.panel import Card, heading, muted


class BestTimesPanel(Card):
    """The recommendations, one line each with its reason and post count; or why there are none."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("panel_best_times")
        self.title = heading("Best times to post")
        self.basis = QLabel()
        self.basis.setObjectName("best_times_basis")
        self.basis.setWordWrap(True)
        muted(self.basis)
        self.message = QLabel()
        self.message.setObjectName("best_times_message")
        self.message.setWordWrap(True)
        self.rows = QVBoxLayout()
        self.rows.setSpacing(10)
        column = QVBoxLayout(self)
        column.setContentsMargins(16, 12, 16, 16)
        column.setSpacing(8)
        column.addWidget(self.title)
        column.addWidget(self.basis)
        column.addWidget(self.message)
        column.addLayout(self.rows)
        column.addStretch(1)
        self.lines: list[str] = []

    def show_times(self, best: BestTimes, zone: str) -> None:
        """Show `best` (times are in `zone`)."""
        while self.rows.count():
            item = self.rows.takeAt(0)
            if item is not None and (widget := item.widget()) is not None:
                widget.deleteLater()
        self.lines = []
        if not best.recommendations:
            self.basis.setText("")
            self.basis.setVisible(False)
            self.message.setText(
                best.message
                or "Not enough history yet to say when your posts do best. Keep posting: "
                "recommendations appear once there are enough posts to compare hours."
            )
            self.message.setVisible(True)
            return
        self.message.setVisible(False)
        self.basis.setVisible(True)
        self.basis.setText(f"From your own {best.based_on_posts:,} posts, in {zone} time.")
        for day in best.recommendations:
            for time in day.times:
                self._add(f"{day.day.capitalize()} {time.time}", time, good=True)
        avoid = [(day, time) for day in best.avoid for time in day.times]
        if avoid:
            label = QLabel("Quieter hours")
            label.setObjectName("avoid_heading")
            muted(label)
            font = label.font()
            font.setBold(True)
            label.setFont(font)
            label.setContentsMargins(0, 6, 0, 0)
            self.rows.addWidget(label)
            for day, time in avoid:
                self._add(f"{day.day.capitalize()} {time.time}", time, good=False)

    def _add(self, when: str, time: BestTime, *, good: bool) -> None:
        posts = f"{time.posts} post{'s' if time.posts != 1 else ''}"
        line = QLabel(
            f"<b>{when}</b>&nbsp;&nbsp;<span>{_escape(time.reason)}</span><br>"
            f"<span style='font-size: small'>from {posts} · score {time.score:.2f}</span>"
        )
        line.setObjectName("best_time" if good else "avoid_time")
        line.setWordWrap(True)
        if not good:
            muted(line)
        self.lines.append(f"{when} — {time.reason} (from {posts})")
        self.rows.addWidget(line)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
