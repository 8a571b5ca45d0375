"""One account's card: who it is, on which network, whether it works, and what to do about it.

The account's picture (or its first letter in the network's colour) and name lead, its @handle
and network (logo and name) below, its state as a coloured pill on the right; the health facts in
the seeds' terms and Check now / Reconnect / Remove follow. Everything is drawn from the card's
palette when painted, so a live theme switch recolours it.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from outpost.config.zone import local_zone_name
from outpost.domain.accounts import is_sandbox
from outpost.domain.enums import HealthState, Network
from outpost.domain.models import Account
from outpost.domain.profiles import KIND_WORDS, account_kind, profile_url
from outpost.gui.decor import Tone, circle, draw_pill, letter_avatar, network_colour, pill_width, tone_colour
from outpost.gui.icons import network_pixmap
from outpost.gui.names import account_handle, account_name, account_tooltip
from outpost.gui.qt import (
    QBrush,
    QColor,
    QFont,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
    QPushButton,
    QRect,
    QRectF,
    QSize,
    Qt,
    QVBoxLayout,
    QWidget,
)

#: Each health state in words and in colour.
STATE = {
    HealthState.OK: ("Connected", Tone.GOOD),
    HealthState.DEGRADED: ("Limited", Tone.WARN),
    HealthState.BROKEN: ("Needs reconnecting", Tone.BAD),
}
AVATAR = 44  # the account's picture, in pixels
#: Networks where one sign-in reaches more than the person: the button that lists them.
REACHES_MORE = {
    Network.LINKEDIN: "Add a page…",
    Network.FACEBOOK: "Add another Page…",
    Network.YOUTUBE: "Add another channel…",
    Network.PINTEREST: "Add another board…",
}
_NEUTRAL = QColor("#6e7781")  # a letter avatar's colour for networks whose mark is black (X, Threads)


class CardActions(Protocol):
    """What a card's buttons ask the accounts panel to do."""

    def check(self, account: Account) -> None:
        """Ask the network about the account now."""

    def reconnect(self, account: Account) -> None:
        """Sign in again."""

    def remove(self, account: Account) -> None:
        """Remove the account (after asking)."""

    def pick_target(self, account: Account) -> None:
        """List what the sign-in can also publish to, and add the chosen one as an account."""


class Pill(QWidget):
    """A state as a rounded, coloured label (colour chosen from the palette at paint time)."""

    def __init__(self, text: str, tone: Tone) -> None:
        super().__init__()
        self.tone = tone
        self._text = text
        self.setAccessibleName(text)
        bold = QFont(self.font())
        bold.setBold(True)
        self.setFont(bold)  # measured as drawn

    def text(self) -> str:
        """What the pill says."""
        return self._text

    def sizeHint(self) -> QSize:
        """As wide as its words, a line and a little high."""
        return QSize(pill_width(self.fontMetrics(), self._text) + 2, self.fontMetrics().height() + 8)

    def paintEvent(self, event: QPaintEvent) -> None:
        """The pill in its tone's colour for this palette."""
        painter = QPainter(self)
        draw_pill(painter, self.rect(), self._text, tone_colour(self.tone, self.palette()))
        painter.end()


class Avatar(QWidget):
    """The account's picture in a circle, or its first letter on the network's colour."""

    def __init__(self, account: Account) -> None:
        super().__init__()
        self.account = account
        self.picture: QPixmap | None = None
        self.setFixedSize(AVATAR, AVATAR)

    def set_picture(self, pixmap: QPixmap | None) -> None:
        """Show the account's own picture (once fetched)."""
        self.picture = pixmap if pixmap is not None and not pixmap.isNull() else None
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        """Picture or letter, with the network's logo as a badge at the bottom right."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        if self.picture is not None:
            painter.drawPixmap(0, 0, circle(self.picture, AVATAR))
        else:
            colour = network_colour(self.account.network, self.palette())
            if colour == self.palette().color(QPalette.ColorRole.Text):
                colour = _NEUTRAL
            painter.drawPixmap(0, 0, letter_avatar(account_name(self.account), colour, AVATAR))
        badge = 18
        spot = QRect(AVATAR - badge, AVATAR - badge, badge, badge)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(self.palette().color(QPalette.ColorRole.Base)))
        painter.drawEllipse(spot)
        text = self.palette().color(QPalette.ColorRole.Text).name()
        logo = network_pixmap(self.account.network, text_colour=text)
        painter.drawPixmap(spot.adjusted(3, 3, -3, -3), logo)
        painter.end()


class AccountCard(QFrame):
    """One account: who and where, its health in the seeds' terms, Check now / Reconnect / Remove.

    Attributes:
        name: the account's name, large (`gui/names.py`).
        state: the health state as a pill ("Connected", "Limited", "Needs reconnecting").
        facts: the health facts in words.
        avatar: the picture (or letter) beside the name.
    """

    def __init__(self, account: Account, panel: CardActions) -> None:
        super().__init__()
        self.account = account
        self.setObjectName(f"card:{account.ref}")
        self.setToolTip(account_tooltip(account))
        label, tone = STATE[account.health.state]
        self.avatar = Avatar(account)
        self.name = QLabel(account_name(account))
        self.name.setObjectName("name")
        name_font = QFont(self.name.font())
        name_font.setPointSizeF(name_font.pointSizeF() * 1.2)
        name_font.setBold(True)
        self.name.setFont(name_font)
        handle = account_handle(account)
        self.where = QLabel(self._where(handle))
        self.where.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.where.setTextFormat(Qt.TextFormat.RichText)
        self.where.setOpenExternalLinks(True)  # the profile on its network, in the browser
        self.state = Pill(label, tone)
        self.facts = QLabel(self._facts())
        self.facts.setObjectName("facts")
        self.facts.setWordWrap(True)
        self.facts.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        who = QVBoxLayout()
        who.setSpacing(0)
        who.addWidget(self.name)
        who.addWidget(self.where)
        top = QHBoxLayout()
        top.setSpacing(12)
        top.addWidget(self.avatar)
        top.addLayout(who, 1)
        top.addWidget(self.state, 0, Qt.AlignmentFlag.AlignTop)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        actions: list[tuple[str, Callable[[Account], None]]] = [
            ("Check now", panel.check),
            ("Reconnect", panel.reconnect),
            ("Remove", panel.remove),
        ]
        if account.network in REACHES_MORE and not (
            account.network is Network.LINKEDIN and account.target_id
        ):
            actions.insert(0, (REACHES_MORE[account.network], panel.pick_target))
        for text, action in actions:
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, act=action: act(account))
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(18, 12, 12, 10)
        layout.addLayout(top)
        layout.addWidget(self.facts)
        layout.addLayout(buttons)

    def paintEvent(self, event: QPaintEvent) -> None:
        """A rounded card with a stripe in the network's colour down its left edge."""
        palette = self.palette()
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        border = QColor(palette.color(QPalette.ColorRole.Text))
        border.setAlpha(45)
        painter.setPen(QPen(border, 1))
        painter.setBrush(QBrush(palette.color(QPalette.ColorRole.Base)))
        body = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        painter.drawRoundedRect(body, 8, 8)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QBrush(network_colour(self.account.network, palette)))
        painter.drawRoundedRect(QRectF(1, 8, 4, self.height() - 16), 2, 2)
        painter.end()

    def _where(self, handle: str) -> str:
        """Handle, network, kind, followers and a link to the profile, in one line."""
        account = self.account
        parts = [html.escape(handle)] if handle else []
        parts.append(account.network.label)
        kind = account_kind(account)
        if kind != "personal":
            parts.append(KIND_WORDS.get(kind, kind.capitalize()))
        followers = account.health.followers
        if followers is not None:
            parts.append(f"{followers:,} follower{'s' if followers != 1 else ''}")
        link = None if is_sandbox(account) else profile_url(account)
        if link:
            parts.append(f'<a href="{html.escape(link, quote=True)}">Profile ↗</a>')
        return " · ".join(parts)

    def _facts(self) -> str:
        health = self.account.health
        zone = ZoneInfo(local_zone_name())

        def when(moment: datetime | None) -> str:
            return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M") if moment else "never"

        yes_no = {True: "yes", False: "no"}
        rate = "no"
        if health.rate_limited:
            rate = f"yes, until {when(health.rate_limit_reset_at)}" if health.rate_limit_reset_at else "yes"
        lines = [
            f"Token valid: {yes_no[health.token_is_valid]} · "
            f"Permissions: {'all needed' if health.token_has_scopes else 'missing some'} · "
            f"Rate limited: {rate} · Active account: {yes_no[health.is_active_user]}",
            f"Last checked: {when(health.checked_at)}",
        ]
        if health.sign_in_ends_at is not None:
            soon = " — reconnect before then" if health.sign_in_ending else ""
            lines[1] += f" · Sign-in ends: {health.sign_in_ends_at.astimezone(zone):%Y-%m-%d}{soon}"
        if health.missing_permissions:
            lines.append(f"Missing permissions: {', '.join(health.missing_permissions)}")
        if health.granted_permissions:
            lines.append(f"Permissions granted: {', '.join(health.granted_permissions)}")
        if health.quota is not None:
            quota = health.quota
            resets = f", resets {when(quota.resets_at)}" if quota.resets_at else ""
            amount = f"{quota.left} of {quota.limit}" if quota.limit_known else f"{quota.left}"
            size = f" ({quota.bytes_left / 1e9:.1f} GB)" if quota.bytes_left is not None else ""
            lines.append(f"Quota left today: {amount} {quota.unit}{size}{resets}")
        if health.message:
            # A healthy account's message is advice (X without a refresh token), not a problem.
            heading = "Note" if health.state is HealthState.OK else "Last problem"
            lines.append(f"{heading}: {health.message}")
        return "\n".join(lines)
