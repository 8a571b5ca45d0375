"""Icons in one place: each network's logo, in its brand colour, from the SVGs in `resources/`.

Every widget that shows a network (composer chips, preview tabs, queue rows, calendar entries,
account cards) asks here, so a network added later needs one SVG and one colour, nothing else.
The SVGs are Simple Icons' (CC0; `resources/icons/networks/LICENSE.md`). Drawing is lazy and
cached: Qt's SVG module loads with the first icon, not at start-up (the start benchmark).
"""

from __future__ import annotations

import functools

from outpost.domain.enums import Network
from outpost.gui.qt import QByteArray, QColor, QIcon, QPainter, QPixmap, Qt, svg_renderer_class
from outpost.paths import resource

#: Each brand's own colour (Simple Icons' `hex`; LinkedIn's blue from its brand guidelines).
#: Black marks take the theme's text colour instead, so they stay visible on a dark window.
BRAND_COLOURS: dict[Network, str] = {
    Network.MASTODON: "#6364FF",
    Network.BLUESKY: "#1185FE",
    Network.X: "#000000",
    Network.THREADS: "#000000",
    Network.LINKEDIN: "#0A66C2",
    Network.INSTAGRAM: "#FF0069",
    Network.FACEBOOK: "#0866FF",
    Network.TIKTOK: "#000000",
    Network.YOUTUBE: "#FF0000",
    Network.PINTEREST: "#BD081C",
}


def brand_colour(network: Network, *, text_colour: str = "#000000") -> str:
    """The colour to draw `network`'s mark in: its brand colour, or `text_colour` for black marks."""
    colour = BRAND_COLOURS[network]
    return text_colour if colour == "#000000" else colour


def network_icon(network: Network, *, text_colour: str = "#000000", size: int = 32) -> QIcon:
    """`network`'s logo as an icon, drawn at `size` pixels (Qt scales it down for smaller uses)."""
    return QIcon(network_pixmap(network, text_colour=text_colour, size=size))


@functools.cache
def network_pixmap(network: Network, *, text_colour: str = "#000000", size: int = 32) -> QPixmap:
    """`network`'s logo as a square pixmap of `size` pixels in its colour (cached)."""
    svg = resource(f"icons/networks/{network.value}.svg").read_text(encoding="utf-8")
    coloured = svg.replace("<svg ", f'<svg fill="{brand_colour(network, text_colour=text_colour)}" ', 1)
    renderer = svg_renderer_class()(QByteArray(coloured.encode("utf-8")))
    pixmap = QPixmap(size, size)
    pixmap.fill(QColor(Qt.GlobalColor.transparent))
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return pixmap
