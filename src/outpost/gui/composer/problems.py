"""What is wrong with the post, listed in the window's words; activating one goes to its field.

Some problems are fixed in Settings, not in the post (`SETTINGS_PAGES`: a network that fetches
media needs a media host): those come with a button that opens Settings at the right page, and
activating the problem opens it too.
"""

from __future__ import annotations

from collections.abc import Sequence

from outpost.domain.errors import Problem
from outpost.domain.models import Account
from outpost.gui.composer.words import problem_text
from outpost.gui.qt import QHBoxLayout, QListWidget, QListWidgetItem, QPushButton, Qt, QWidget, Signal

__all__ = ["SETTINGS_PAGES", "ProblemList", "SettingsLinks"]

_PROBLEM_ROLE = Qt.ItemDataRole.UserRole

#: Problems fixed in Settings: the problem's field → the Settings page and the button's words.
SETTINGS_PAGES: dict[str, tuple[str, str]] = {
    "media_host": ("Media host", "Set up a media host in Settings…"),
}


class SettingsLinks(QWidget):
    """Buttons that open Settings at the page fixing a listed problem (one per page; hidden if none).

    Signals:
        settings_requested(str): the page to open.
    """

    settings_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problem_settings_links")
        self._row = QHBoxLayout(self)
        self._row.setContentsMargins(0, 0, 0, 0)
        self._row.addStretch(1)
        self.buttons: dict[str, QPushButton] = {}
        self.setVisible(False)

    def show_for(self, problems: Sequence[Problem]) -> None:
        """One button per Settings page that `problems` need, in the order they first appear."""
        pages = list(dict.fromkeys(SETTINGS_PAGES[p.field] for p in problems if p.field in SETTINGS_PAGES))
        for button in self.buttons.values():
            self._row.removeWidget(button)
            button.deleteLater()
        self.buttons = {}
        for page, words in pages:
            button = QPushButton(words)
            button.setObjectName(f"open_settings:{page}")
            button.clicked.connect(lambda _=False, page=page: self.settings_requested.emit(page))
            self._row.insertWidget(self._row.count() - 1, button)
            self.buttons[page] = button
        self.setVisible(bool(pages))


class ProblemList(QListWidget):
    """One line per problem, hidden when there is none.

    Attributes:
        links: the buttons to Settings for problems fixed there (the composer places them).

    Signals:
        go_to_requested(Problem): the person activated a problem (Enter or a double click).
        settings_requested(str): the person asked for the Settings page that fixes a problem.
    """

    go_to_requested = Signal(object)
    settings_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("problems")
        self.setMaximumHeight(110)
        self.setWordWrap(True)
        self.setVisible(False)
        self.itemActivated.connect(self._activated)
        self.links = SettingsLinks()
        self.links.settings_requested.connect(self.settings_requested)

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
        self.links.show_for(problems)

    def texts(self) -> list[str]:
        """The lines as shown."""
        return [self.item(row).text() for row in range(self.count())]

    def _activated(self, item: QListWidgetItem) -> None:
        problem = item.data(_PROBLEM_ROLE)
        if isinstance(problem, Problem) and problem.field in SETTINGS_PAGES:
            self.settings_requested.emit(SETTINGS_PAGES[problem.field][0])
        elif isinstance(problem, Problem):
            self.go_to_requested.emit(problem)
