"""The settings dialog, generated from the `Settings` model's fields and their descriptions."""

from __future__ import annotations

import types
import typing
from enum import Enum
from typing import Any

from pydantic.fields import FieldInfo

from outpost.auth.providers import PROVIDERS
from outpost.config.settings import Settings
from outpost.domain.enums import Network
from outpost.domain.errors import KnownError, ValidationError
from outpost.domain.slots import WEEKDAYS
from outpost.engine import Engine
from outpost.gui.dialogs.developer_app import DeveloperAppFields
from outpost.gui.qt import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)
from outpost.gui.tasks import run_op

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
HIDDEN = {"version", "composer_draft_id", "missed_grace_minutes"}
LABELS = {
    "default_timezone": "Default time zone",
    "missed_post_policy": "Posts missed while closed",
    "reminder_minutes": "Remind me before a post (minutes)",
    "close_to_tray": "Keep running in the tray when the window closes",
    "theme": "Theme",
    "posting_schedule": "Posting schedule",
    "media_host_url": "Media host (S3-compatible URL)",
}


class SettingsDialog(QDialog):
    """One row per setting (help text from the field's description); `changes()` gives new values."""

    def __init__(
        self, settings: Settings, parent: QWidget | None = None, *, engine: Engine | None = None
    ) -> None:
        super().__init__(parent)
        self.engine = engine
        self.setWindowTitle("Settings")
        self.settings = settings
        self.widgets: dict[str, QWidget] = {}
        self.slots: dict[str, QLineEdit] = {}
        self.error = QLabel()
        self.error.setStyleSheet("color: #cf222e")
        self.error.setWordWrap(True)
        form = QFormLayout(self)
        for name, info in Settings.model_fields.items():
            if name in HIDDEN:
                continue
            widget = self._editor(name, info, getattr(settings, name))
            widget.setToolTip(info.description or "")
            form.addRow(LABELS.get(name, name.replace("_", " ").capitalize()), widget)
            self.widgets[name] = widget
        if engine is not None:
            form.addRow(
                QLabel("<b>Developer apps</b> (X, LinkedIn and others need your own; kept in the keyring)")
            )
            form.addRow(self._developer_apps())
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def _developer_apps(self) -> QWidget:
        """Client id and secret of the person's own app, for networks that require one (keyring only)."""
        holder = QWidget()
        row = QFormLayout(holder)
        row.setContentsMargins(0, 0, 0, 0)
        self.app_network = QComboBox()
        for network in BRING_YOUR_OWN_APP:
            self.app_network.addItem(network.label, network.value)
        self.app = DeveloperAppFields.build(steps_width=520)
        self.client_id, self.client_secret = self.app.client_id, self.app.client_secret
        self.redirect_port, self.app_pkce, self.app_steps = self.app.port, self.app.pkce, self.app.steps
        self.client_id.setPlaceholderText("client id")
        self.client_secret.setPlaceholderText("client secret (if the network gives one)")
        save = QPushButton("Save in keyring")
        save.clicked.connect(self._save_app)
        row.addRow("Network", self.app_network)
        row.addRow(self.app_steps)
        self.app.add_rows(row)
        row.addRow("", save)
        self.app_network.currentIndexChanged.connect(lambda _: self._show_steps())
        self.redirect_port.valueChanged.connect(lambda _: self._show_steps())
        self._show_steps()
        return holder

    def _show_steps(self) -> None:
        """The chosen network's setup steps, with the redirect URI for the chosen port."""
        self.app.show_steps(PROVIDERS[Network(self.app_network.currentData())])
        # A wrapped rich-text label in a nested form gets too little height unless told its own.
        self.app_steps.setMinimumHeight(self.app_steps.heightForWidth(self.app_steps.minimumWidth()))

    def _save_app(self) -> None:
        assert self.engine is not None
        network = Network(self.app_network.currentData())

        def saved(_: object) -> None:
            self.client_secret.clear()
            self.error.setStyleSheet("color: #1a7f37")
            self.error.setText(f"{network.label} app saved in the keyring.")

        def failed(error: KnownError) -> None:
            self.error.setStyleSheet("color: #cf222e")
            self.error.setText(error.text())

        run_op(
            self.engine.accounts.set_app(
                network,
                self.client_id.text(),
                self.client_secret.text(),
                self.redirect_port.value(),
                pkce=PROVIDERS[network].pkce_optional and self.app_pkce.isChecked(),
            ),
            on_success=saved,
            on_failure=failed,
        )

    def _editor(self, name: str, info: FieldInfo, value: Any) -> QWidget:
        kind = _plain(info.annotation)
        if name == "posting_schedule":
            holder = QWidget()
            rows = QFormLayout(holder)
            for day in WEEKDAYS:
                line = QLineEdit(", ".join(value.get(day, [])))
                line.setPlaceholderText("e.g. 09:00, 17:30")
                rows.addRow(day.capitalize(), line)
                self.slots[day] = line
            return holder
        if kind is bool:
            box = QCheckBox()
            box.setChecked(bool(value))
            return box
        if kind is int:
            spin = QSpinBox()
            bounds = {type(m).__name__: m for m in info.metadata}
            spin.setRange(getattr(bounds.get("Ge"), "ge", 0), getattr(bounds.get("Le"), "le", 10_000))
            spin.setValue(int(value))
            return spin
        if isinstance(kind, type) and issubclass(kind, Enum):
            combo = QComboBox()
            for member in kind:
                combo.addItem(str(member.value), member.value)
            combo.setCurrentIndex(combo.findData(value.value))
            return combo
        line = QLineEdit("" if value is None else str(value))
        return line

    def changes(self) -> dict[str, object]:
        """The values in the dialog, as `Engine.update_settings` takes them."""
        values: dict[str, object] = {}
        for name, widget in self.widgets.items():
            if name == "posting_schedule":
                values[name] = {
                    day: [slot.strip() for slot in line.text().split(",") if slot.strip()]
                    for day, line in self.slots.items()
                }
            elif isinstance(widget, QCheckBox):
                values[name] = widget.isChecked()
            elif isinstance(widget, QSpinBox):
                values[name] = widget.value()
            elif isinstance(widget, QComboBox):
                values[name] = widget.currentData()
            elif isinstance(widget, QLineEdit):
                values[name] = widget.text().strip() or None
        return values

    def show_error(self, error: ValidationError) -> None:
        """Say what is wrong, keeping the dialog open."""
        self.error.setText("\n".join(p.message for p in error.problems))


def _plain(annotation: Any) -> Any:
    """`int | None` → `int`; other annotations as they are."""
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation
