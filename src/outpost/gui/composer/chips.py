"""The composer's account chips: each account by its name, its network's logo and colour.

A chip is a checkable button in the Tab order (Space toggles it). Its style sheet is built from the
theme's colours (`theme.colours()`) and the network's brand colour, and rebuilt whenever the theme
changes (`theme.on_theme_change`), so a live switch to the dark theme recolours it.
"""

from __future__ import annotations

from outpost.domain.models import Account
from outpost.domain.profiles import KIND_WORDS, account_kind
from outpost.gui.composer.extras import quota_words
from outpost.gui.icons import brand_colour, network_icon
from outpost.gui.names import account_label, account_tooltip
from outpost.gui.qt import QColor, QSize, Qt, QToolButton, QWidget
from outpost.gui.theme import Colours, on_theme_change

__all__ = ["AccountChip"]

ICON_PX = 16


class AccountChip(QToolButton):
    """One account to post to, chosen by clicking it or by Space when it has keyboard focus."""

    def __init__(self, account: Account, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.account = account
        self.setObjectName(f"chip:{account.ref}")
        self.setCheckable(True)
        # Tab reaches it, a click does not take the focus from the text being typed.
        self.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setIconSize(QSize(ICON_PX, ICON_PX))
        self.setText(account_label(account))
        self.setToolTip(
            f"{account_tooltip(account)}{_profile_line(account)}\nClick or press Space to post to it."
        )
        self.setAccessibleName(account_label(account))
        quota = account.health.quota
        if quota is not None:  # a quota that ends publishing (issue #22): what is left, at a glance
            self.setText(f"{account_label(account)} · {quota.left} left")
            self.setToolTip(f"{self.toolTip()}\nPublishing quota: {quota_words(quota)}.")
        on_theme_change(self, self.restyle)

    def restyle(self, colours: Colours) -> None:
        """Logo and style sheet in the theme's colours (black marks take its text colour)."""
        brand = QColor(brand_colour(self.account.network, text_colour=colours.text))
        self.setIcon(network_icon(self.account.network, text_colour=colours.text, size=2 * ICON_PX))
        sheet = chip_sheet(brand, colours)
        if sheet != self.styleSheet():  # the same sheet again would only re-polish for nothing
            self.setStyleSheet(sheet)


def chip_sheet(brand: QColor, colours: Colours) -> str:
    """Unchosen: an outline and muted text; chosen: a wash of the network's colour, full text.

    The network's colour is also the chip's thick left edge, chosen or not.
    """
    r, g, b = brand.red(), brand.green(), brand.blue()
    wash = 36 if brand.lightness() < 60 or brand.lightness() > 200 else 56  # black/white marks: less
    return (
        f"QToolButton {{ border: 1px solid {colours.border}; border-left: 4px solid {brand.name()};"
        f" border-radius: 6px; padding: 3px 10px 3px 6px; color: {colours.muted}; background: transparent; }}"
        f" QToolButton:hover {{ background: rgba({r}, {g}, {b}, 24); }}"
        f" QToolButton:checked {{ border-color: {brand.name()}; color: {colours.text};"
        f" background: rgba({r}, {g}, {b}, {wash}); }}"
        f" QToolButton:disabled {{ color: {colours.disabled_text}; border-color: {colours.border};"
        " background: transparent; }"
    )


def _profile_line(account: Account) -> str:
    """The account's kind and followers under its name, as its card says them (issue #24)."""
    parts = []
    kind = account_kind(account)
    if kind != "personal":
        parts.append(KIND_WORDS.get(kind, kind.capitalize()))
    if account.health.followers is not None:
        count = account.health.followers
        parts.append(f"{count:,} follower{'s' if count != 1 else ''}")
    return f"\n{' · '.join(parts)}" if parts else ""
