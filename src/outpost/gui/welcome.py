"""The first-run screen: a picture of what Outpost does, and the two ways to begin."""

from __future__ import annotations

import math
from collections.abc import Sequence

from outpost.domain.enums import Network
from outpost.gui.icons import network_pixmap
from outpost.gui.qt import (
    QByteArray,
    QColor,
    QHBoxLayout,
    QLabel,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QPointF,
    QPushButton,
    QRectF,
    QSize,
    QSizePolicy,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
    svg_renderer_class,
)
from outpost.gui.theme import Colours, colours, follow_theme, on_theme_change
from outpost.paths import resource

SHOWN_NETWORKS = (Network.MASTODON, Network.BLUESKY, Network.X, Network.LINKEDIN)
WIDTH = 620
BADGE = 27  # a network badge's radius


class Illustration(QWidget):
    """One post going out to every network: Outpost's mark in the middle, the networks around it.

    Drawn, not a bitmap: it takes the theme's colours (live) and the networks this version
    supports, and stays sharp at any scale.
    """

    def __init__(self, networks: Sequence[Network], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.networks = list(networks) or list(SHOWN_NETWORKS)
        self.setObjectName("illustration")
        self.setMinimumHeight(190)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        svg = resource("icons/outpost.svg").read_text(encoding="utf-8")
        self._logo = svg_renderer_class()(QByteArray(svg.encode("utf-8")))
        on_theme_change(self, lambda _: self.update())

    def sizeHint(self) -> QSize:
        """As wide as the welcome column, tall enough for the badges' arc."""
        return QSize(WIDTH, 200)

    def badge_centres(self) -> list[QPointF]:
        """Where each network's badge sits: half on each side of the mark, on a gentle arc."""
        centre = QPointF(self.width() / 2, self.height() / 2)
        count = len(self.networks)
        left = (count + 1) // 2
        spots: list[QPointF] = []
        for index in range(count):
            side, rank, total = (-1, index, left) if index < left else (1, index - left, count - left)
            spread = 0 if total == 1 else (rank / (total - 1) - 0.5)  # -0.5 … 0.5 from top to bottom
            reach_x = min(self.width() / 2 - BADGE - 4, 230)
            reach_y = self.height() / 2 - BADGE - 4  # the badges stay whole inside the picture
            spots.append(
                QPointF(
                    centre.x() + side * reach_x * math.cos(spread * math.radians(60)),
                    centre.y() + 2 * spread * reach_y,
                )
            )
        return spots

    def paintEvent(self, event: QPaintEvent) -> None:
        """The backdrop, the paths from the mark to each network, the badges, the mark."""
        c = colours(self.palette())
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        centre = QPointF(self.width() / 2, self.height() / 2)
        self._backdrop(painter, centre, c)
        spots = self.badge_centres()
        for spot in spots:
            self._path(painter, centre, spot, c)
        for network, spot in zip(self.networks, spots, strict=True):
            self._badge(painter, network, spot, c)
        self._logo.render(painter, QRectF(centre.x() - 46, centre.y() - 46, 92, 92))
        painter.end()

    @staticmethod
    def _backdrop(painter: QPainter, centre: QPointF, c: Colours) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        glow = QColor(c.accent)
        for radius, alpha in ((92, 18), (70, 26)):
            glow.setAlpha(alpha)
            painter.setBrush(glow)
            painter.drawEllipse(centre, radius, radius)

    @staticmethod
    def _path(painter: QPainter, start: QPointF, end: QPointF, c: Colours) -> None:
        colour = QColor(c.accent)
        colour.setAlpha(150)
        pen = QPen(colour, 2)
        pen.setStyle(Qt.PenStyle.DashLine)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        path = QPainterPath(start)
        bend = QPointF((start.x() + end.x()) / 2, start.y())
        path.quadTo(bend, end)
        painter.drawPath(path)

    @staticmethod
    def _badge(painter: QPainter, network: Network, spot: QPointF, c: Colours) -> None:
        painter.setPen(QPen(QColor(c.border), 1))
        painter.setBrush(QColor(c.base))
        painter.drawEllipse(spot, BADGE, BADGE)
        icon = network_pixmap(network, text_colour=c.text, size=64)
        painter.drawPixmap(QRectF(spot.x() - 15, spot.y() - 15, 30, 30), icon, QRectF(icon.rect()))


def _primary_style(c: Colours) -> str:
    # The focus ring is the border's colour (Qt's dotted focus rectangle reads as a glitch here).
    hover = QColor(c.accent).darker(115).name()
    return (
        f"QPushButton {{ background: {c.accent}; color: {c.accent_text}; border: 2px solid {c.accent};"
        " border-radius: 6px; padding: 8px 22px; outline: none; }"
        f"QPushButton:hover {{ background: {hover}; border-color: {hover}; }}"
        f"QPushButton:focus {{ border-color: {c.text}; }}"
    )


def _secondary_style(c: Colours) -> str:
    return (
        f"QPushButton {{ background: transparent; color: {c.text}; border: 2px solid {c.border};"
        " border-radius: 6px; padding: 8px 20px; outline: none; }"
        f"QPushButton:hover {{ border-color: {c.accent}; }}"
        f"QPushButton:focus {{ border-color: {c.text}; }}"
    )


class WelcomePanel(QWidget):
    """Shown while no account is connected.

    Signals:
        connect_requested(): "Add your first account".
        sandbox_requested(): "Try it without accounts".
    """

    connect_requested = Signal()
    sandbox_requested = Signal()

    def __init__(self, networks: Sequence[Network] = (), parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("welcome")
        shown = [n for n in networks if n in SHOWN_NETWORKS] or list(SHOWN_NETWORKS)
        self.illustration = Illustration(shown)
        title = QLabel("<h1 style='margin:0'>Write once. Post everywhere.</h1>")
        title.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        text = QLabel(
            "Compose a post, tailor it for each network and see it as each will show it. Publish now "
            "or at the time you choose — Outpost sends it from this computer, no service in between."
        )
        text.setWordWrap(True)
        text.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        connect = QPushButton("Add your first account")
        connect.setObjectName("connect")
        connect.setDefault(True)
        follow_theme(connect, _primary_style)
        sandbox = QPushButton("Try it without accounts")
        sandbox.setObjectName("sandbox")
        follow_theme(sandbox, _secondary_style)
        connect.clicked.connect(self.connect_requested.emit)
        sandbox.clicked.connect(self.sandbox_requested.emit)
        self.hint = QLabel()
        self.hint.setObjectName("hint")
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        follow_theme(self.hint, lambda c: f"color: {c.muted};")
        self._shown = shown
        self._sandbox = sandbox
        self.offer_sandbox(True)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(connect)
        buttons.addSpacing(8)
        buttons.addWidget(sandbox)
        buttons.addStretch(1)
        content = QWidget()
        content.setMaximumWidth(WIDTH)
        column = QVBoxLayout(content)
        column.addWidget(self.illustration)
        column.addSpacing(8)
        for widget in (title, text):
            column.addWidget(widget)
        column.addSpacing(14)
        column.addLayout(buttons)
        column.addSpacing(14)
        column.addWidget(self.hint)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(content, 4)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)

    def offer_sandbox(self, offered: bool) -> None:
        """Show or hide "Try it without accounts" (a window given no sandbox cannot start one)."""
        self._sandbox.setVisible(offered)
        text = (
            f"Outpost posts to {_listed(self._shown)}. Mastodon and Bluesky need no developer app; "
            "the others need your own developer app, and Outpost walks you through it. Your sign-ins stay in "
            "your system's keyring."
        )
        if offered:
            text += (
                "<br><b>Try it without accounts</b> starts a simulated network on this computer: "
                "compose, schedule and publish for real, and nothing leaves your machine."
            )
        self.hint.setText(text)


def _listed(networks: Sequence[Network]) -> str:
    """`Mastodon, Bluesky, X and LinkedIn`."""
    labels = [n.label for n in networks]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + f" and {labels[-1]}"
