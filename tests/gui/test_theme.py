"""Both themes, switched live: disabled controls look disabled, notices and named colours recolour.

Colours are read from what Qt actually paints (`grab()`), as a person sees them, and compared by
WCAG contrast ratio: readable text is 4.5:1 or more; a disabled label should fall well below.
"""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from outpost.config.settings import Theme
from outpost.engine import Engine
from outpost.gui.mainwindow import MainWindow
from outpost.gui.qt import QApplication, QColor, QLabel, QPalette, QPushButton, QWidget
from outpost.gui.tasks import settle_ops
from outpost.gui.theme import apply_theme, colours, follow_theme
from tests.fakes import FakeClock
from tests.gui.windows import window_scenario

READABLE = 4.5


def luminance(colour: QColor) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(colour.red()) + 0.7152 * channel(colour.green()) + 0.0722 * channel(colour.blue())


def contrast(a: QColor, b: QColor) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def painted(widget: QWidget) -> tuple[QColor, float]:
    """The background a widget is painted in and the contrast of its strongest mark (its text)."""
    image = widget.grab().toImage()
    inset = 3  # leave the border out: the text is what a person reads
    pixels = [
        image.pixelColor(x, y).rgb()
        for x in range(inset, image.width() - inset)
        for y in range(inset, image.height() - inset)
    ]
    background = QColor.fromRgb(collections.Counter(pixels).most_common(1)[0][0])
    strongest = max(contrast(QColor.fromRgb(p), background) for p in set(pixels))
    return background, strongest


@pytest.fixture
def themed(qapp):
    """Switch themes in a test; the app gets its system look back afterwards."""
    yield lambda theme: apply_theme(qapp, theme)
    apply_theme(qapp, Theme.SYSTEM)


@pytest.mark.parametrize("theme", [Theme.DARK, Theme.LIGHT])
def test_a_disabled_button_looks_disabled(qtbot, themed, theme) -> None:
    themed(theme)
    buttons = {}
    for enabled in (True, False):
        button = QPushButton("Publish now")
        button.setEnabled(enabled)
        button.resize(160, 34)
        qtbot.addWidget(button)
        buttons[enabled] = painted(button)[1]
    assert buttons[True] >= READABLE, f"{theme}: an enabled button's label is hard to read"
    assert buttons[False] < 2.6, f"{theme}: a disabled button looks clickable"
    palette = QApplication.palette()
    for role in (QPalette.ColorRole.ButtonText, QPalette.ColorRole.WindowText, QPalette.ColorRole.Text):
        active = palette.color(QPalette.ColorGroup.Active, role)
        disabled = palette.color(QPalette.ColorGroup.Disabled, role)
        assert contrast(active, disabled) > 2, f"{theme}: {role} is the same when disabled"


@pytest.mark.parametrize("theme", [Theme.DARK, Theme.LIGHT])
def test_named_colours_are_readable_on_the_window(themed, theme) -> None:
    themed(theme)
    c = colours()
    window = QColor(c.window)
    assert c.dark is (theme is Theme.DARK)
    assert contrast(QColor(c.text), window) >= 7
    assert contrast(QColor(c.muted), window) >= READABLE
    for name in ("good", "warn", "bad", "info"):
        assert contrast(QColor(getattr(c, name)), window) >= 3.5, name
    assert contrast(QColor(c.notice_text), QColor(c.notice_background)) >= 7
    assert contrast(QColor(c.accent_strong), QColor(c.accent_soft)) >= READABLE
    assert contrast(QColor(c.accent_text), QColor(c.accent)) >= READABLE


def test_a_widget_that_follows_the_theme_is_restyled_on_every_switch(qtbot, themed) -> None:
    label = QLabel("Saved")
    qtbot.addWidget(label)
    follow_theme(label, lambda c: f"color: {c.good}; background: {c.window};")
    themed(Theme.DARK)
    assert colours().good in label.styleSheet()
    dark_sheet = label.styleSheet()
    themed(Theme.LIGHT)
    assert label.styleSheet() != dark_sheet and colours().good in label.styleSheet()


def test_switching_themes_live_recolours_the_banner_and_disabled_buttons(qapp, qtbot, tmp_path: Path) -> None:
    async def scenario(window: MainWindow, engine: Engine, account: str, clock: FakeClock) -> None:
        try:
            window.show_banner("Sandbox mode: nothing leaves your machine.")
            blocked = window.composer.publish_button
            blocked.setEnabled(False)
            looks: dict[str, tuple[QColor, float, float]] = {}
            for theme in ("dark", "light", "dark", "light"):  # back and forth, never restarted
                engine.update_settings(theme=theme)
                await settle_ops()
                background, text = painted(window.banner_row)  # the bar as it shows, text and all
                looks[theme] = (background, text, painted(blocked)[1])
                assert text >= READABLE, f"banner text unreadable after switching to {theme}"
                assert painted(blocked)[1] < 2.6, f"a blocked Publish now looks clickable in {theme}"
            assert looks["dark"][0].lightness() < 90 and looks["light"][0].lightness() > 200
        finally:
            engine.update_settings(theme="system")

    window_scenario(qapp, qtbot, tmp_path, scenario)
