"""Light, dark, or as the system is; and the named colours widgets draw with in each.

Fusion with an explicit palette works the same everywhere (some platforms, and the offscreen one,
ignore colour-scheme hints). Both of Outpost's palettes set the Disabled group on purpose: a
palette that gives one colour per role for every group draws a blocked "Publish now" exactly like
a clickable one (issue #17, blocker 6).

Widgets that need a colour the palette has no role for (a notice's yellow, a state's green) ask
`colours()`, which derives them from the current palette, and use `follow_theme` to have their
style sheet rebuilt whenever the theme changes (on `theme_hook().theme_did_change`), so nothing
keeps the previous theme's colours until a restart. Never hard-code a light colour in a widget:

    follow_theme(label, lambda c: f"color: {c.muted};")

`colours()` names (all `#rrggbb` strings, readable on `window` and `base`):

- `window`, `base`, `text`, `muted` (secondary text), `border`, `disabled_text`;
- `accent` (selection, links, focus), `accent_text` (text on `accent`), `accent_soft` (a wash of
  the accent behind checked things, e.g. a chosen account chip), `accent_strong` (text on
  `accent_soft`);
- `good`, `warn`, `bad`, `info`: state colours (GitHub Primer's, AA on the window colour);
- `notice_background`, `notice_text`, `notice_border`: a notice bar (the sandbox banner).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from outpost.config.settings import Theme
from outpost.gui.qt import QApplication, QColor, QObject, QPalette, QStyleFactory, QWidget, Signal, Slot

Role = QPalette.ColorRole
Group = QPalette.ColorGroup

_LIGHT = {
    Role.Window: "#efefef",
    Role.WindowText: "#1f2328",
    Role.Base: "#ffffff",
    Role.AlternateBase: "#f6f8fa",
    Role.Text: "#1f2328",
    Role.Button: "#f3f4f6",
    Role.ButtonText: "#1f2328",
    Role.ToolTipBase: "#ffffff",
    Role.ToolTipText: "#1f2328",
    Role.Highlight: "#0969da",
    Role.HighlightedText: "#ffffff",
    Role.PlaceholderText: "#6e7781",
    Role.Link: "#0969da",
    Role.LinkVisited: "#8250df",
    Role.Light: "#ffffff",
    Role.Midlight: "#e1e4e8",
    Role.Mid: "#c5cad1",
    Role.Dark: "#9ea4ab",
    Role.Shadow: "#767676",
}
_LIGHT_DISABLED = {
    Role.WindowText: "#a4a9ae",
    Role.Text: "#a4a9ae",
    Role.ButtonText: "#a4a9ae",
    Role.Button: "#e8e9eb",
    Role.Base: "#f3f4f6",
    Role.Highlight: "#c5cad1",
    Role.HighlightedText: "#6e7781",
    Role.PlaceholderText: "#c5cad1",
    Role.Link: "#a4a9ae",
}
_DARK = {
    Role.Window: "#202326",
    Role.WindowText: "#e6e6e6",
    Role.Base: "#2a2e33",  # lighter than the window: fields and check boxes stand out
    Role.AlternateBase: "#30343a",
    Role.Text: "#e6e6e6",
    Role.Button: "#353a40",
    Role.ButtonText: "#e6e6e6",
    Role.ToolTipBase: "#2b2f33",
    Role.ToolTipText: "#e6e6e6",
    Role.Highlight: "#2563eb",
    Role.HighlightedText: "#ffffff",
    Role.PlaceholderText: "#8b949e",
    Role.Link: "#58a6ff",
    Role.LinkVisited: "#bc8cff",
    # Fusion draws bevels, frames and the focus ring from these; left at the light palette's
    # values they paint white lines around every dark button.
    Role.Light: "#41464c",
    Role.Midlight: "#363a40",
    Role.Mid: "#4a5057",
    Role.Dark: "#121416",
    Role.Shadow: "#0b0c0d",
}
_DARK_DISABLED = {
    Role.WindowText: "#5f666d",
    Role.Text: "#5f666d",
    Role.ButtonText: "#5f666d",
    Role.Button: "#25282c",
    Role.Base: "#25282c",
    Role.Highlight: "#30363d",
    Role.HighlightedText: "#8b949e",
    Role.PlaceholderText: "#454b52",
    Role.Link: "#5f666d",
    Role.Light: "#2b2f33",
}
PALETTES = {Theme.LIGHT: (_LIGHT, _LIGHT_DISABLED), Theme.DARK: (_DARK, _DARK_DISABLED)}

# State and notice colours per brightness, from GitHub's Primer (AA-readable on the window).
_STATES = {
    False: {
        "good": "#1a7f37",
        "warn": "#9a6700",
        "bad": "#cf222e",
        "info": "#0969da",
        "notice_background": "#fff8c5",
        "notice_text": "#3b2300",
        "notice_border": "#d4a72c",
    },
    True: {
        "good": "#3fb950",
        "warn": "#d29922",
        "bad": "#f85149",
        "info": "#58a6ff",
        "notice_background": "#3b2e0a",
        "notice_text": "#f2cc60",
        "notice_border": "#9e6a03",
    },
}


@dataclass(frozen=True)
class Colours:
    """Named colours for the current theme (see the module docstring for what each is for)."""

    dark: bool
    window: str
    base: str
    text: str
    muted: str
    border: str
    disabled_text: str
    accent: str
    accent_text: str
    accent_soft: str
    accent_strong: str
    good: str
    warn: str
    bad: str
    info: str
    notice_background: str
    notice_text: str
    notice_border: str


def is_dark(palette: QPalette) -> bool:
    """Whether `palette` draws light text on a dark window."""
    return palette.color(Role.Window).lightness() < 128


def colours(palette: QPalette | None = None) -> Colours:
    """The named colours for `palette` (the application's, by default)."""
    palette = palette or QApplication.palette()
    dark = is_dark(palette)
    accent = palette.color(Role.Highlight)
    window = palette.color(Role.Window)
    return Colours(
        dark=dark,
        window=window.name(),
        base=palette.color(Role.Base).name(),
        text=palette.color(Role.WindowText).name(),
        muted=_mix(palette.color(Role.WindowText), window, 0.68).name(),
        border=palette.color(Role.Mid).name(),
        disabled_text=palette.color(Group.Disabled, Role.ButtonText).name(),
        accent=accent.name(),
        accent_text=palette.color(Role.HighlightedText).name(),
        accent_soft=_mix(accent, palette.color(Role.Base), 0.22 if dark else 0.14).name(),
        accent_strong=(accent.lighter(150) if dark else accent.darker(125)).name(),
        **_STATES[dark],
    )


def _mix(front: QColor, back: QColor, amount: float) -> QColor:
    """`front` laid over `back` at `amount` opacity (0…1)."""
    return QColor(
        round(front.red() * amount + back.red() * (1 - amount)),
        round(front.green() * amount + back.green() * (1 - amount)),
        round(front.blue() * amount + back.blue() * (1 - amount)),
    )


def palette_for(theme: Theme, base: QPalette) -> QPalette:
    """`base` with Outpost's colours for `theme` (light or dark), the Disabled group included."""
    palette = QPalette(base)
    normal, disabled = PALETTES[theme]
    for role, colour in normal.items():
        palette.setColor(role, QColor(colour))  # every group; the Disabled group is set after
    for role, colour in disabled.items():
        palette.setColor(Group.Disabled, role, QColor(colour))
    return palette


def apply_theme(app: QApplication, theme: Theme, *, system_style: str | None = None) -> None:
    """Switch the whole app to `theme` (at start and whenever the setting changes).

    Widgets that `follow_theme` (or listen to `theme_hook().theme_did_change`) restyle then.
    """
    if theme is Theme.SYSTEM:
        styles = QStyleFactory.keys()  # a function returning the installed style names
        if system_style and system_style in styles:
            app.setStyle(system_style)
        app.setPalette(app.style().standardPalette())
    else:
        app.setStyle("Fusion")
        app.setPalette(palette_for(theme, app.style().standardPalette()))
    theme_hook().theme_did_change.emit()


class _ThemeNotifier(QObject):
    """The application's one `theme_did_change` hook (a child of the QApplication).

    Qt's own `ApplicationPaletteChange` reaches only top-level windows (Qt 6), and a widget with a
    style sheet of its own stops inheriting palette changes, so followers listen here instead.

    Signals:
        theme_did_change(): `apply_theme` set a new palette.
    """

    theme_did_change = Signal()


def theme_hook() -> _ThemeNotifier:
    """The application's `theme_did_change` hook, made on first use."""
    app = QApplication.instance()
    found = app.findChild(_ThemeNotifier) if app is not None else None
    if found is None:
        found = _ThemeNotifier(app)
    return found


class _ThemeFollower(QObject):
    """Calls back its widget's restyling now and after every theme change, while the widget lives."""

    def __init__(self, widget: QWidget, restyle: Callable[[Colours], None]) -> None:
        super().__init__(widget)  # deleted with the widget, which ends the connection
        self._restyle = restyle
        theme_hook().theme_did_change.connect(self.restyle)
        restyle(colours())

    @Slot()
    def restyle(self) -> None:
        """Apply the current theme's colours."""
        self._restyle(colours())


def on_theme_change(widget: QWidget, restyle: Callable[[Colours], None]) -> None:
    """Call `restyle(colours())` now and whenever the theme changes, for as long as `widget` lives.

    For what a style sheet cannot say (a pixmap drawn in the text colour, rich text with colours).
    """
    _ThemeFollower(widget, restyle)


def follow_theme(widget: QWidget, style: Callable[[Colours], str]) -> None:
    """Give `widget` the style sheet `style(colours())`, rebuilt whenever the theme changes."""

    def restyle(found: Colours) -> None:
        sheet = style(found)
        if widget.styleSheet() != sheet:  # the same sheet again would only repolish for nothing
            widget.setStyleSheet(sheet)

    on_theme_change(widget, restyle)
