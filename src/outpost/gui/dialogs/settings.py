"""The settings dialog, generated from the `Settings` model's fields and their descriptions."""

from __future__ import annotations

import types
import typing
from enum import Enum
from typing import Any

from pydantic.fields import FieldInfo

from outpost.config.settings import WEEKDAYS, Settings
from outpost.domain.errors import ValidationError
from outpost.gui.qt import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QWidget,
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

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

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
