"""The Stats tab as the main window holds it: an empty page until it is first shown.

Building the content imports QtCharts (`view.py` → `charts.py`), which the window's start must
not pay for (issue #21: start-up and memory benchmarks must not move), so this module imports
neither, and builds the view in its first `showEvent`.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import date
from typing import TYPE_CHECKING, Any

from outpost.domain.models import Account
from outpost.gui.messages import MessageBridge
from outpost.gui.qt import QLabel, QShowEvent, Qt, QVBoxLayout, QWidget
from outpost.gui.stats.source import StatsSource

if TYPE_CHECKING:
    from outpost.gui.stats.view import StatsView

UNAVAILABLE = "Statistics are not available in this version of Outpost."


class StatsTab(QWidget):
    """Holds the `StatsView`, made the first time the tab is shown.

    Args: as `StatsView`'s; `source` None shows why there are no statistics.
    """

    def __init__(
        self,
        source: StatsSource | None,
        *,
        accounts: Callable[[], Coroutine[Any, Any, list[Account]]],
        zone: Callable[[], str],
        today: Callable[[], date],
        messages: MessageBridge,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("stats_tab")
        self.source = source
        self._accounts, self._zone, self._today, self._messages = accounts, zone, today, messages
        self.view: StatsView | None = None
        self._pending_post: tuple[str, str] | None = None
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._note: QLabel | None = None

    def showEvent(self, event: QShowEvent) -> None:
        """Build the view (and import QtCharts) the first time the tab is shown; later, refresh it."""
        super().showEvent(event)
        if self.view is None and self.source is not None:
            self.build()
        elif self.view is not None and not event.spontaneous():
            self.view.reload()  # back on the tab: numbers collected meanwhile show up
        elif self.source is None and self._note is None:
            self._note = QLabel(UNAVAILABLE)
            self._note.setAlignment(Qt.AlignmentFlag.AlignCenter)
            self._layout.addWidget(self._note)

    def build(self) -> StatsView:
        """Make the view now and start loading its numbers."""
        if self.view is None:
            assert self.source is not None
            from outpost.gui.stats.view import StatsView  # imports QtCharts: only now

            self.view = StatsView(
                self.source,
                accounts=self._accounts,
                zone=self._zone,
                today=self._today,
                messages=self._messages,
            )
            self._layout.addWidget(self.view)
            self.view.load()
            if self._pending_post is not None:
                self.view.show_post(*self._pending_post)
                self._pending_post = None
        return self.view

    def show_post(self, post_id: str, title: str = "") -> None:
        """Show one post's numbers (once the view exists, if it does not yet)."""
        if self.view is None:
            self._pending_post = (post_id, title)
        else:
            self.view.show_post(post_id, title)
