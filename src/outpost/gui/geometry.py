"""Where the window opens: the last place and size if they still fit the screen, else a size that fits.

At 150 % text size on a 1440×900 screen the available area is 960×600 logical pixels, smaller than
the window's natural size: a window opened at that size hides Publish and Schedule below the
screen's edge (issue #17, blocker 7). So the size is always capped by the screen's available
geometry, and a remembered geometry is used only if it lies inside it (a laptop unplugged from a
large monitor must not open the window off screen).

Qt-free on purpose: `app.py` places its first window with it before the Qt shim loads (start-up).
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

from outpost.private_files import write_private

log = logging.getLogger("outpost.gui")

GEOMETRY_FILE = "window.json"
NATURAL_SIZE = (1180, 760)
# Room for the window manager's frame around the content (left, top, right, bottom): Qt places
# the content, and the screen's available area must hold the title bar and borders too.
FRAME = (8, 32, 8, 8)


@dataclass(frozen=True)
class Box:
    """A rectangle in logical pixels."""

    x: int
    y: int
    width: int
    height: int

    def contains(self, other: Box) -> bool:
        """Whether `other` lies wholly inside this box."""
        return (
            other.x >= self.x
            and other.y >= self.y
            and other.x + other.width <= self.x + self.width
            and other.y + other.height <= self.y + self.height
        )


def framed(content: Box) -> Box:
    """The window with its frame, for a window whose content is `content`."""
    left, top, right, bottom = FRAME
    return Box(content.x - left, content.y - top, content.width + left + right, content.height + top + bottom)


def fitted(available: Box, minimum: tuple[int, int] = (0, 0)) -> Box:
    """The natural size capped by `available` (frame included), centred in it.

    Never smaller than `minimum` (the window's own minimum): Qt would grow it back anyway.
    """
    left, top, right, bottom = FRAME
    width = max(minimum[0], min(NATURAL_SIZE[0], available.width - left - right))
    height = max(minimum[1], min(NATURAL_SIZE[1], available.height - top - bottom))
    x = available.x + max(0, (available.width - width - left - right) // 2) + left
    y = available.y + max(0, (available.height - height - top - bottom) // 2) + top
    return Box(x, y, width, height)


def placement(saved: Box | None, available: Box, minimum: tuple[int, int] = (0, 0)) -> Box:
    """`saved` if it still fits `available` with its frame, else a fitted box."""
    big_enough = saved is not None and saved.width >= minimum[0] and saved.height >= minimum[1]
    if saved is not None and big_enough and available.contains(framed(saved)):
        return saved
    return fitted(available, minimum)


def load(data_dir: Path) -> Box | None:
    """The window's last geometry in `data_dir`, or None (none yet, or unreadable: not worth a word)."""
    try:
        raw = json.loads((data_dir / GEOMETRY_FILE).read_text(encoding="utf-8"))
        return Box(int(raw["x"]), int(raw["y"]), int(raw["width"]), int(raw["height"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def save(data_dir: Path, box: Box) -> None:
    """Remember the window's geometry for the next start (a few bytes; a failure is only logged)."""
    try:
        write_private(data_dir / GEOMETRY_FILE, json.dumps(asdict(box)).encode("utf-8"))
    except OSError as error:
        log.warning("could not remember the window's size: %s", error)
