"""Drawing helpers the queue, the calendar and the account cards share.

State colours that read in both themes (chosen from the widget's own palette at paint time, so a
live theme switch recolours them), status pills, rounded thumbnails and letter avatars, and text
elided at word boundaries: "Our spring workshop…", never "Our spring works…".
"""

from __future__ import annotations

import enum

from outpost.domain.enums import Network, PostStatus
from outpost.gui.icons import brand_colour
from outpost.gui.qt import (
    QBrush,
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPainterPath,
    QPalette,
    QPixmap,
    QRect,
    QRectF,
    Qt,
)

ELLIPSIS = "…"


class Tone(enum.Enum):
    """What a colour says: all good, look at this, broken, on its way, or nothing much."""

    GOOD = "good"
    WARN = "warn"
    BAD = "bad"
    INFO = "info"
    MUTED = "muted"


# GitHub's Primer colours: the light set on white, the dark set on near-black, both AA-readable.
_LIGHT = {
    Tone.GOOD: "#1a7f37",
    Tone.WARN: "#9a6700",
    Tone.BAD: "#cf222e",
    Tone.INFO: "#0969da",
    Tone.MUTED: "#57606a",
}
_DARK = {
    Tone.GOOD: "#3fb950",
    Tone.WARN: "#d29922",
    Tone.BAD: "#f85149",
    Tone.INFO: "#58a6ff",
    Tone.MUTED: "#8b949e",
}

STATUS_TONE = {
    PostStatus.DRAFT: Tone.MUTED,
    PostStatus.SCHEDULED: Tone.INFO,
    PostStatus.PUBLISHING: Tone.INFO,
    PostStatus.PUBLISHED: Tone.GOOD,
    PostStatus.PARTIALLY_PUBLISHED: Tone.WARN,
    PostStatus.FAILED: Tone.BAD,
    PostStatus.CANCELLED: Tone.MUTED,
    PostStatus.NEEDS_REVIEW: Tone.WARN,
}


def is_dark(palette: QPalette) -> bool:
    """Whether the palette draws light text on a dark window."""
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def tone_colour(tone: Tone, palette: QPalette) -> QColor:
    """The colour of `tone` that reads on this palette's background."""
    return QColor((_DARK if is_dark(palette) else _LIGHT)[tone])


def network_colour(network: Network, palette: QPalette) -> QColor:
    """A network's brand colour; black marks (X, Threads) take the palette's text colour."""
    return QColor(brand_colour(network, text_colour=palette.color(QPalette.ColorRole.Text).name()))


def status_label(status: PostStatus) -> str:
    """A post status as a person says it: "Needs review", "Partially published"."""
    return status.value.replace("_", " ").capitalize()


# -- pills -----------------------------------------------------------------------------------------

PILL_PADDING = 8  # pixels left and right of a pill's text


def pill_width(metrics: QFontMetrics, text: str) -> int:
    """How wide a pill with `text` is drawn."""
    return metrics.horizontalAdvance(text) + 2 * PILL_PADDING


def draw_pill(painter: QPainter, rect: QRect, text: str, colour: QColor) -> None:
    """A rounded label: `text` in `colour` on a faint wash of it, centred vertically in `rect`."""
    metrics = painter.fontMetrics()
    height = metrics.height() + 4
    pill = QRectF(rect.left(), rect.center().y() - height / 2 + 1, pill_width(metrics, text), height)
    wash = QColor(colour)
    wash.setAlpha(40)
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(wash))
    painter.drawRoundedRect(pill, height / 2, height / 2)
    painter.setPen(colour)
    painter.drawText(pill, int(Qt.AlignmentFlag.AlignCenter), text)
    painter.restore()


def pill_style(colour: QColor) -> str:
    """A style sheet that draws a QLabel as a pill in `colour` (the account cards' state)."""
    return (
        f"color: {colour.name()}; background: rgba({colour.red()}, {colour.green()}, {colour.blue()}, 40);"
        " border-radius: 9px; padding: 1px 8px; font-weight: 600;"
    )


# -- pictures --------------------------------------------------------------------------------------


def rounded(pixmap: QPixmap, size: int, radius: float = 6) -> QPixmap:
    """`pixmap` cropped to a centred square of `size` pixels with rounded corners."""
    scaled = pixmap.scaled(
        size,
        size,
        Qt.AspectRatioMode.KeepAspectRatioByExpanding,
        Qt.TransformationMode.SmoothTransformation,
    )
    result = QPixmap(size, size)
    result.fill(QColor(Qt.GlobalColor.transparent))
    painter = QPainter(result)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    path = QPainterPath()
    path.addRoundedRect(QRectF(0, 0, size, size), radius, radius)
    painter.setClipPath(path)
    painter.drawPixmap((size - scaled.width()) // 2, (size - scaled.height()) // 2, scaled)
    painter.end()
    return result


def letter_avatar(name: str, colour: QColor, size: int) -> QPixmap:
    """A round avatar with the name's first letter, for accounts whose picture is not known."""
    result = QPixmap(size, size)
    result.fill(QColor(Qt.GlobalColor.transparent))
    painter = QPainter(result)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(colour))
    painter.drawEllipse(0, 0, size, size)
    font = QFont(painter.font())
    font.setPixelSize(max(8, size * 9 // 20))
    font.setBold(True)
    painter.setFont(font)
    painter.setPen(QColor("#ffffff"))
    painter.drawText(
        QRect(0, 0, size, size), int(Qt.AlignmentFlag.AlignCenter), (name.strip() or "?")[:1].upper()
    )
    painter.end()
    return result


def circle(pixmap: QPixmap, size: int) -> QPixmap:
    """`pixmap` cropped to a circle of `size` pixels (an account's avatar)."""
    return rounded(pixmap, size, size / 2)


# -- text ------------------------------------------------------------------------------------------


def elide_words(text: str, metrics: QFontMetrics, width: int) -> str:
    """`text` on one line of `width` pixels, cut after the last whole word that fits, with "…".

    Whitespace (line breaks too) becomes single spaces. A first word wider than the line is cut
    where it must be (nothing better fits).
    """
    flat = " ".join(text.split())
    if metrics.horizontalAdvance(flat) <= width:
        return flat
    kept = ""
    for word in flat.split(" "):
        candidate = f"{kept} {word}" if kept else word
        if metrics.horizontalAdvance(candidate.rstrip(",;:.-–—") + ELLIPSIS) > width:
            break
        kept = candidate
    if not kept:
        return metrics.elidedText(flat, Qt.TextElideMode.ElideRight, width)
    return kept.rstrip(",;:.-–— ") + ELLIPSIS


def wrap_words(text: str, metrics: QFontMetrics, width: int, lines: int) -> list[str]:
    """`text` wrapped at word boundaries into at most `lines` lines; the last elided at a word."""
    words = " ".join(text.split()).split(" ")
    result: list[str] = []
    while words and words != [""] and len(result) < lines - 1:
        line = words[0]
        taken = 1
        while taken < len(words) and metrics.horizontalAdvance(f"{line} {words[taken]}") <= width:
            line = f"{line} {words[taken]}"
            taken += 1
        if metrics.horizontalAdvance(line) > width:  # one word wider than the line: the last line cuts it
            break
        result.append(line)
        words = words[taken:]
    rest = " ".join(words)
    if rest:
        result.append(elide_words(rest, metrics, width))
    return result
