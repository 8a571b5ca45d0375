"""The settings dialog: pages listed on the left, each page's settings on the right.

The editors are generated from the `Settings` model's fields (a field's description is its help
text), grouped into pages by `PAGES`; a field no page names lands in Advanced, so a new setting
always appears somewhere.
"""

from __future__ import annotations

import types
import typing
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic.fields import FieldInfo

from outpost import service
from outpost.auth.providers import PROVIDERS
from outpost.config.settings import Settings
from outpost.config.zone import local_zone_name
from outpost.domain.enums import MissedPostPolicy, Network
from outpost.domain.errors import Problem, ValidationError
from outpost.domain.slots import WEEKDAYS
from outpost.engine import Engine
from outpost.gui.dialogs import composer_tools
from outpost.gui.dialogs.developer_app import DeveloperAppFields
from outpost.gui.dialogs.hooks import INTRO as HOOKS_INTRO
from outpost.gui.dialogs.hooks import HooksSection
from outpost.gui.dialogs.media_host import INTRO as MEDIA_HOST_INTRO
from outpost.gui.dialogs.media_host import MediaHostSection
from outpost.gui.dialogs.quiet import QuietEditor
from outpost.gui.dialogs.service_switch import ServiceSwitch
from outpost.gui.dialogs.slots_editor import SlotsEditor
from outpost.gui.qt import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDesktopServices,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QStackedWidget,
    QSystemTrayIcon,
    Qt,
    QUrl,
    QVBoxLayout,
    QWidget,
)
from outpost.gui.tasks import run_op
from outpost.gui.theme import Colours, colours, follow_theme

BRING_YOUR_OWN_APP = (
    Network.X,
    Network.LINKEDIN,
    Network.YOUTUBE,
    Network.TIKTOK,
    Network.PINTEREST,
    Network.THREADS,
    Network.INSTAGRAM,
    Network.FACEBOOK,
)
# Not settings a person sets: the schema version, and what the composer remembers by itself
# (`composer_*`: the open draft, the chosen accounts).
HIDDEN = {"version"} | {name for name in Settings.model_fields if name.startswith("composer_")}
LABELS = {
    "default_timezone": "Time zone",
    "missed_post_policy": "Posts missed while closed",
    "reminder_minutes": "Remind me before a post",
    "health_check_minutes": "Check accounts every",
    "close_to_tray": "Keep running in the tray when the window closes",
    "theme": "Theme",
    "posting_schedule": "Posting schedule",
    "missed_grace_minutes": "Still on time if late by up to",
    "notifications_quiet": "Do not disturb",
    "evergreen_min_gap_days": "Evergreen posts again after at least",
    **composer_tools.LABELS,
}
#: Settings the posting schedule's editor changes along with `posting_schedule`.
SCHEDULE_PARTS = ("posting_schedule_timezone", "account_schedules")
#: Help under a field where the model's description speaks the command line's language.
HELP = {
    "default_timezone": "Times you choose in the composer, and your posting schedule, are in this zone.",
    "theme": "",
    "notifications_quiet": "Notices wait while it is on and are summed up after; hooks still get "
    "every event. The times are in your time zone (General).",
    **composer_tools.HELP,
}
EDITOR_WIDTH = 340
#: The page of the media host (the composer's "set up a media host" opens it).
MEDIA_HOST = "Media host"
HOOKS = "Hooks"
NO_TRAY = "This desktop has no system tray: notices appear in a bar at the top of the window."
SUFFIXES = {
    "reminder_minutes": " min",
    "health_check_minutes": " min",
    "missed_grace_minutes": " min",
    "evergreen_min_gap_days": " days",
}
#: How an enum value reads in the window (the command line keeps the values).
CHOICES = {
    "system": "As the system is set",
    "light": "Light",
    "dark": "Dark",
    MissedPostPolicy.HOLD.value: "Hold them for my review",
    MissedPostPolicy.PUBLISH.value: "Publish them late",
}


@dataclass(frozen=True)
class Page:
    """One page of the dialog: its name in the list, a sentence on top, and its settings."""

    title: str
    intro: str
    fields: tuple[str, ...]


PAGES = (
    Page(
        "General",
        "How Outpost looks, which time zone it plans in, and what happens when you close it.",
        ("theme", "default_timezone", "close_to_tray", "missed_post_policy"),
    ),
    Page(
        "Posting schedule",
        "The times “Add to queue” fills, in order, each week: one schedule for every account, and "
        "one of their own for accounts that post at other times. Type times like 09:00, 17:30; "
        "leave a day empty to skip it.",
        ("posting_schedule", *SCHEDULE_PARTS),
    ),
    Page(
        "Accounts & developer apps",
        "Connect, check and remove accounts in the Accounts tab. Every network but Mastodon and "
        "Bluesky needs a developer app of your own: its client id and secret go to your system's "
        "keyring, never into the settings file.",
        ("health_check_minutes",),
    ),
    Page(MEDIA_HOST, MEDIA_HOST_INTRO, ()),
    Page(
        "Notifications",
        "Reminders before a scheduled post goes out; notices when one is published or fails, when "
        "someone mentions you, and when a post takes off (at most one of each every few minutes).",
        ("reminder_minutes", "notifications_quiet"),
    ),
    Page(HOOKS, HOOKS_INTRO, ()),
    Page(composer_tools.SNIPPETS, composer_tools.SNIPPETS_INTRO, ()),
    Page(composer_tools.LINKS_AND_COSTS, composer_tools.LINKS_INTRO, tuple(composer_tools.LABELS)),
    Page("Advanced", "Rarely needed.", ("missed_grace_minutes",)),
)


class TimeZoneBox(QComboBox):
    """A searchable list of the IANA time zones: the chosen one first, then the computer's.

    Type part of a name ("berlin", "new york") to narrow the list.
    """

    def __init__(self, current: str | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.setMaxVisibleItems(16)
        machine = local_zone_name()
        self.machine_label = f"This computer's zone ({_shown(machine)})"
        if current:
            self.addItem(_shown(current), current)
        self.addItem(self.machine_label, None)
        for name in zones():
            if name != current:
                self.addItem(_shown(name), name)
        self.setCurrentIndex(0)
        completer = QCompleter(self.model(), self)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)
        if (line := self.lineEdit()) is not None:
            line.setPlaceholderText("Type a city or region")

    def zone(self) -> str | None:
        """The chosen zone's name; None for the computer's own.

        Raises:
            ValidationError: the typed text is not a zone in the list.
        """
        text = self.currentText().strip()
        index = self.findText(text, Qt.MatchFlag.MatchFixedString)  # case-insensitive, whole text
        if index < 0:
            index = self.findData(text)  # typed as the IANA name, with its underscore
        if index < 0:
            raise ValidationError.single(
                "default_timezone",
                f"“{text}” is not a time zone Outpost knows. Type part of a city's name and pick "
                "one from the list.",
            )
        data = self.itemData(index)
        return str(data) if data is not None else None


REGIONS = (
    "Africa/",
    "America/",
    "Antarctica/",
    "Asia/",
    "Atlantic/",
    "Australia/",
    "Europe/",
    "Indian/",
    "Pacific/",
)


def zones() -> list[str]:
    """The IANA zones people pick from: regions and cities, and UTC (no legacy aliases)."""
    found = [name for name in zoneinfo.available_timezones() if name.startswith(REGIONS)]
    return [*sorted(found), "UTC"]


def _shown(zone: str) -> str:
    return zone.replace("_", " ")


class SettingsDialog(QDialog):
    """Settings as pages: a list on the left, the chosen page on the right; `changes()` gives new values.

    Args:
        settings: the values to show.
        engine: for the developer-app fields (saved to the keyring at once); none in a bare dialog.
        on_save: called with `changes()` when the person presses Save; a `ValidationError` it
            raises keeps the dialog open with the reason.
        data_dir: the data folder, shown on the Advanced page.
        service_home: where "Publish while Outpost is closed" writes the OS scheduler's files
            (the home folder; tests pass a temporary one).
        service_run: runs the OS scheduler's commands (the real ones; tests pass a stand-in).
    """

    def __init__(
        self,
        settings: Settings,
        parent: QWidget | None = None,
        *,
        engine: Engine | None = None,
        on_save: Callable[[dict[str, object]], object] | None = None,
        data_dir: Path | None = None,
        service_home: Path | None = None,
        service_run: service.Runner | None = None,
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self._service = (service_home, service_run)
        self.service_switch: ServiceSwitch | None = None  # on General, given an engine
        self.settings = settings
        self._on_save = on_save
        self.setWindowTitle("Settings")
        self.widgets: dict[str, QWidget] = {}
        self.slots: dict[str, QLineEdit] = {}
        self.slots_editor: SlotsEditor
        self.page_of: dict[str, int] = {}
        self.media_host: MediaHostSection | None = None  # built with its page, given an engine
        self.hooks: HooksSection | None = None  # likewise
        self.snippets: composer_tools.SnippetsSection | None = None  # likewise
        self.error = QLabel()
        self.error.setObjectName("settings_message")
        self.error.setWordWrap(True)
        self._message_kind = "error"
        follow_theme(self.error, self._message_style)
        self.list = QListWidget()
        self.list.setObjectName("pages")
        self.stack = QStackedWidget()
        for page in self._pages():
            self._add_page(page, data_dir)
        self.list.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.list.setCurrentRow(0)
        self.list.setFixedWidth(max(210, self.list.sizeHintForColumn(0) + 40))
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        follow_theme(self.list, _list_style)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self._layout(buttons)

    def show_page(self, title: str) -> None:
        """Turn to the page named `title` (e.g. `MEDIA_HOST`), if there is one."""
        titles = [self.list.item(row).text() for row in range(self.list.count())]
        if title in titles:
            self.list.setCurrentRow(titles.index(title))

    def _layout(self, buttons: QDialogButtonBox) -> None:
        body = QHBoxLayout()
        body.setSpacing(0)
        body.addWidget(self.list)
        body.addWidget(self.stack, 1)
        footer = QHBoxLayout()
        footer.setContentsMargins(12, 6, 12, 10)
        footer.addWidget(self.error, 1)
        footer.addWidget(buttons)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addLayout(body, 1)
        column.addLayout(footer)
        self.resize(860, 560)

    def _pages(self) -> list[Page]:
        """`PAGES`, with every field no page names added to Advanced."""
        named = {name for page in PAGES for name in page.fields}
        rest = tuple(n for n in Settings.model_fields if n not in named and n not in HIDDEN)
        return [Page(p.title, p.intro, p.fields + rest) if p.title == "Advanced" else p for p in PAGES]

    def _add_page(self, page: Page, data_dir: Path | None) -> None:
        content = QWidget()
        column = QVBoxLayout(content)
        column.setContentsMargins(24, 18, 24, 18)
        title = QLabel(f"<h2 style='margin:0'>{page.title}</h2>")
        intro = QLabel(page.intro)
        intro.setWordWrap(True)
        follow_theme(intro, lambda c: f"color: {c.muted};")
        column.addWidget(title)
        column.addWidget(intro)
        column.addSpacing(8)
        # A grid, not a form: the help under a field may use the page's whole width.
        grid = QGridLayout()
        grid.setColumnStretch(1, 1)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(4)
        index = self.stack.count()
        for name in page.fields:
            self._add_field(grid, name)
            self.page_of[name] = index
        column.addLayout(grid)
        if page.title == "General" and self.engine is not None:
            home, run = self._service
            self.service_switch = ServiceSwitch(self.engine.data_dir, home=home, run=run)
            column.addSpacing(6)
            column.addWidget(self.service_switch)
        if page.title == "Accounts & developer apps" and self.engine is not None:
            column.addSpacing(12)
            column.addWidget(QLabel("<b>Your developer apps</b>"))
            column.addWidget(self._developer_apps())
        if page.title == MEDIA_HOST and self.engine is not None:
            self.media_host = MediaHostSection(self.engine)
            column.addWidget(self.media_host)
        if page.title == HOOKS and self.engine is not None:
            self.hooks = HooksSection(self.engine)
            column.addWidget(self.hooks)
        if page.title == "Notifications" and not QSystemTrayIcon.isSystemTrayAvailable():
            column.addWidget(_note(NO_TRAY))
        if page.title == composer_tools.SNIPPETS and self.engine is not None:
            self.snippets = composer_tools.SnippetsSection(self.engine)
            column.addWidget(self.snippets)
        if page.title == composer_tools.LINKS_AND_COSTS and self.engine is not None:
            column.addSpacing(8)
            column.addWidget(composer_tools.MonthOnX(self.engine))
        if page.title == "Advanced" and data_dir is not None:
            column.addSpacing(12)
            column.addWidget(self._data_folder(data_dir))
        column.addStretch(1)
        scroll = QScrollArea()  # a page taller than a small (or 150 %) screen scrolls, the buttons stay
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        self.stack.addWidget(scroll)
        self.list.addItem(page.title)

    def _add_field(self, grid: QGridLayout, name: str) -> None:
        """A setting's row: its label, its editor (never stretched wide), its help below."""
        if name in SCHEDULE_PARTS:
            return  # edited by the posting schedule's editor
        info = Settings.model_fields[name]
        widget = self._editor(name, info, getattr(self.settings, name))
        widget.setToolTip(info.description or "")
        self.widgets[name] = widget
        label = LABELS.get(name, name.replace("_", " ").capitalize())
        row = grid.rowCount()
        if name == "posting_schedule":
            grid.addWidget(widget, row, 0, 1, 2)
            return
        if isinstance(widget, QCheckBox):
            widget.setText(label)
            grid.addWidget(widget, row, 0, 1, 2)
        else:
            grid.addWidget(QLabel(label), row, 0)
            widget.setMaximumWidth(EDITOR_WIDTH)
            if isinstance(widget, QLineEdit | TimeZoneBox):  # addresses and zone names are long
                widget.setMinimumWidth(EDITOR_WIDTH)
            grid.addWidget(widget, row, 1, Qt.AlignmentFlag.AlignLeft)
        help_text = HELP.get(name, info.description or "")
        if help_text:
            grid.addWidget(_note(help_text), row + 1, 0 if isinstance(widget, QCheckBox) else 1, 1, -1)
        grid.setRowMinimumHeight(grid.rowCount(), 10)  # air between settings

    def _data_folder(self, data_dir: Path) -> QWidget:
        holder = QWidget()
        row = QHBoxLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        where = QLabel(f"Data folder (posts, settings, media, logs):<br><code>{data_dir}</code>")
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        where.setWordWrap(True)
        show = QPushButton("Open folder")
        show.setObjectName("open_data_folder")
        show.clicked.connect(lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(data_dir))))
        row.addWidget(where, 1)
        row.addWidget(show, 0, Qt.AlignmentFlag.AlignTop)
        return holder

    def _developer_apps(self) -> QWidget:
        """Client id and secret of the person's own app, for networks that require one (keyring only)."""
        holder = QWidget()
        row = QFormLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        self.app_network = QComboBox()
        for network in BRING_YOUR_OWN_APP:
            self.app_network.addItem(network.label, network.value)
        self.app = DeveloperAppFields.build(steps_width=420)
        self.client_id, self.client_secret = self.app.client_id, self.app.client_secret
        self.redirect_port, self.app_pkce, self.app_steps = self.app.port, self.app.pkce, self.app.steps
        self.client_id.setPlaceholderText("client id")
        self.client_secret.setPlaceholderText("client secret (if the network gives one)")
        save = QPushButton("Save in keyring")
        save.clicked.connect(self._save_app)
        # Fields at their own width (ids are long, a port is short), not stretched across the page.
        row.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        for field in (self.client_id, self.client_secret):
            field.setMinimumWidth(EDITOR_WIDTH)
        row.addRow("Network", self.app_network)
        row.addRow(self.app_steps)
        self.app.add_rows(row)
        self._app_form = row
        row.addRow("", save)
        self.app_network.currentIndexChanged.connect(lambda _: self._show_steps())
        self.redirect_port.valueChanged.connect(lambda _: self._show_steps())
        self._show_steps()
        return holder

    def _show_steps(self) -> None:
        """The chosen network's setup steps, with the redirect URI for the chosen port."""
        provider = PROVIDERS[Network(self.app_network.currentData())]
        self.app.show_steps(provider)
        self.app.show_rows(self._app_form, provider)
        # A wrapped rich-text label in a nested form gets too little height unless told its own.
        self.app_steps.setMinimumHeight(self.app_steps.heightForWidth(self.app_steps.minimumWidth()))

    def _say(self, kind: str, text: str) -> None:
        """A line beside the buttons: an error (red) or a success (green) in the theme's colours."""
        self._message_kind = kind
        self.error.setStyleSheet(self._message_style(colours()))
        self.error.setText(text)

    def _message_style(self, c: Colours) -> str:
        return f"color: {c.bad if self._message_kind == 'error' else c.good};"

    def _save_app(self) -> None:
        assert self.engine is not None
        network = Network(self.app_network.currentData())

        def saved(_: object) -> None:
            self.client_secret.clear()
            self._say("ok", f"{network.label} app saved in the keyring.")

        run_op(
            self.engine.accounts.set_app(
                network,
                self.client_id.text(),
                self.client_secret.text(),
                self.redirect_port.value(),
                pkce=PROVIDERS[network].pkce_optional and self.app_pkce.isChecked(),
                redirect_url=self.app.redirect_url.text(),
            ),
            on_success=saved,
            on_failure=lambda error: self._say("error", error.text()),
        )

    def _editor(self, name: str, info: FieldInfo, value: Any) -> QWidget:
        kind = _plain(info.annotation)
        own = composer_tools.editor(name, value)
        if own is not None:
            return own
        if name == "posting_schedule":
            return self._schedule_editor()
        if name == "default_timezone":
            return TimeZoneBox(value)
        if name == "notifications_quiet":
            return QuietEditor(str(value))
        if kind is bool:
            box = QCheckBox()
            box.setChecked(bool(value))
            return box
        if kind is int:
            spin = QSpinBox()
            bounds = {type(m).__name__: m for m in info.metadata}
            spin.setRange(getattr(bounds.get("Ge"), "ge", 0), getattr(bounds.get("Le"), "le", 10_000))
            spin.setValue(int(value))
            spin.setSuffix(SUFFIXES.get(name, ""))
            if name == "reminder_minutes":
                spin.setSpecialValueText("Off")  # 0 means no reminders
            return spin
        if isinstance(kind, type) and issubclass(kind, Enum):
            combo = QComboBox()
            for member in kind:
                combo.addItem(CHOICES.get(str(member.value), str(member.value).capitalize()), member.value)
            combo.setCurrentIndex(combo.findData(value.value))
            return combo
        return QLineEdit("" if value is None else str(value))

    def _schedule_editor(self) -> QWidget:
        holder = QWidget()
        rows = QVBoxLayout(holder)
        rows.setContentsMargins(0, 0, 0, 0)
        zone = TimeZoneBox(self.settings.posting_schedule_timezone)
        self.slots_editor = SlotsEditor(self.settings, zone, zone.zone)
        self.slots = self.slots_editor.lines
        rows.addWidget(self.slots_editor)
        same = QPushButton("Use Monday's times on every weekday")
        same.setObjectName("copy_monday")
        same.clicked.connect(self._copy_monday)
        button_row = QHBoxLayout()
        button_row.addWidget(same)
        button_row.addStretch(1)
        rows.addLayout(button_row)
        holder.setMaximumWidth(EDITOR_WIDTH + 220)  # times are short; a wide field reads as empty
        if self.engine is not None:
            run_op(self.engine.accounts.list(), on_success=self.slots_editor.set_accounts)
        return holder

    def _copy_monday(self) -> None:
        for day in WEEKDAYS[1:5]:
            self.slots[day].setText(self.slots["monday"].text())

    def changes(self) -> dict[str, object]:
        """The values in the dialog, as `Engine.update_settings` takes them.

        Raises:
            ValidationError: the typed time zone is not one Outpost knows.
        """
        values: dict[str, object] = {}
        for name, widget in self.widgets.items():
            if isinstance(widget, composer_tools.EDITORS):
                values[name] = widget.setting_value()
            elif name == "posting_schedule":
                values.update(self.slots_editor.values())
            elif isinstance(widget, TimeZoneBox):
                values[name] = widget.zone()
            elif isinstance(widget, QuietEditor):
                values[name] = widget.value()
            elif isinstance(widget, QCheckBox):
                values[name] = widget.isChecked()
            elif isinstance(widget, QSpinBox):
                values[name] = widget.value()
            elif isinstance(widget, QComboBox):
                values[name] = widget.currentData()
            elif isinstance(widget, QLineEdit):
                values[name] = widget.text().strip() or None
        return values

    def accept(self) -> None:
        """Save through `on_save`; a problem keeps the dialog open, on its page, with the reason."""
        if self._on_save is not None:
            try:
                self._on_save(self.changes())
            except ValidationError as error:
                self.show_error(error)
                return
        super().accept()

    def show_error(self, error: ValidationError) -> None:
        """Say what is wrong in the window's words, on the page of the first setting at fault."""
        self._say("error", "\n".join(self.problem_text(p) for p in error.problems))
        first = error.problems[0].field.split(".")[0]
        if first in self.page_of:
            self.list.setCurrentRow(self.page_of[first])
            self.widgets[first].setFocus()

    @staticmethod
    def problem_text(problem: Problem) -> str:
        """A problem as the settings name it: "Posting schedule: tuesday: '25:00' is not a time…".

        The engine's messages start with the setting's key (`posting_schedule: …`), which is how
        the command line names it; the window uses the label the person sees.
        """
        key = problem.field.split(".")[0]
        message = problem.message
        for prefix in (f"{problem.field}: ", f"{key}: "):
            message = message.removeprefix(prefix)
        message = message.removeprefix("Value error, ")
        label = LABELS.get(key)
        return f"{label}: {message}" if label else message


def _note(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    follow_theme(label, lambda c: f"color: {c.muted}; font-size: small;")
    return label


def _list_style(c: Colours) -> str:
    return (
        f"QListWidget {{ border: none; border-right: 1px solid {c.border}; background: {c.window};"
        " padding: 10px 6px; outline: none; }"
        "QListWidget::item { padding: 7px 10px; border-radius: 5px; }"
        f"QListWidget::item:selected {{ background: {c.accent_soft}; color: {c.accent_strong}; }}"
    )


def _plain(annotation: Any) -> Any:
    """`int | None` → `int`; other annotations as they are."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation
