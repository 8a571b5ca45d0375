"""What is wrong with the post, listed in the window's words; activating one goes to its field."""

from __future__ import annotations

from collections.abc import Sequence

from outpost.domain.errors import Problem
from outpost.domain.models import Account
from outpost.gui.composer.words import problem_text
from outpost.gui.qt import QListWidget, QListWidgetItem, Qt, QWidget, Signal

__all__ = ["ProblemList"]

_PROBLEM_ROLE = Qt.ItemDataRole.UserRole


class ProblemList(QListWidget):
    """One line per problem, hidden when there is none.

    Signals:
        go_to_requested(Problem): the person activated a problem (Enter or a double click).
    """

    go_to_requested = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problems")
        self.setMaximumHeight(110)
        self.setWordWrap(True)
        self.setVisible(False)
        self.itemActivated.connect(self._activated)

    def show_problems(
        self, problems: Sequence[Problem], accounts: Sequence[Account], files: Sequence[str]
    ) -> None:
        """List `problems`, naming `accounts` as the chips do and files by their names."""
        self.clear()
        for problem in problems:
            item = QListWidgetItem(f"⚠ {problem_text(problem, accounts, files=files)}")
            item.setData(_PROBLEM_ROLE, problem)
            self.addItem(item)
        self.setVisible(bool(problems))

    def texts(self) -> list[str]:
        """The lines as shown."""
        return [self.item(row).text() for row in range(self.count())]

    def _activated(self, item: QListWidgetItem) -> None:
        problem = item.data(_PROBLEM_ROLE)
        if isinstance(problem, Problem):
            self.go_to_requested.emit(problem)
