"""The settings model: every field has a default and a description; saved atomically, versioned.

Learned from Picard `options.py` / `config_upgrade.py` (declared options, numbered upgrades) and
qutebrowser `configdata.yml` (every option documented).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from outpost.domain.enums import MissedPostPolicy, NativeScheduling
from outpost.domain.errors import StoreError
from outpost.domain.slots import WEEKDAYS
from outpost.private_files import private_dir

SETTINGS_FILE = "settings.json"
SETTINGS_VERSION = 1

Upgrade = Callable[[dict[str, Any]], dict[str, Any]]
_UPGRADES: dict[int, Upgrade] = {}


def upgrade_settings(to_version: int) -> Callable[[Upgrade], Upgrade]:
    """Register the step that turns version `to_version - 1` settings into `to_version`."""

    def register(step: Upgrade) -> Upgrade:
        _UPGRADES[to_version] = step
        return step

    return register


class Theme(StrEnum):
    """How the window looks."""

    SYSTEM = "system"
    LIGHT = "light"
    DARK = "dark"


class Settings(BaseModel):
    """Everything a person can set; widgets and the engine read settings only through this."""

    # Removed keys are ignored when an older file is read (`extra="ignore"`), and dropped at the
    # next save: `media_host_url` (0.1's placeholder; the media host is `outpost media-host` now,
    # in its own private file with the secret in the keyring).
    model_config = ConfigDict(extra="ignore", validate_assignment=True)

    version: int = Field(default=SETTINGS_VERSION, description="Schema version of this file.")
    default_timezone: str | None = Field(
        default=None,
        description="IANA zone for times typed without one; empty means the machine's zone.",
    )
    missed_post_policy: MissedPostPolicy = Field(
        default=MissedPostPolicy.HOLD,
        description="Posts that came due while Outpost was closed or the computer slept: hold them "
        "for review, or publish them late.",
    )
    native_scheduling: NativeScheduling = Field(
        default=NativeScheduling.WHEN_POSSIBLE,
        description="Hand scheduled posts to networks that can schedule by themselves (Mastodon, "
        "YouTube, Facebook), so they go out with Outpost closed; or never.",
    )
    reminder_minutes: int = Field(
        default=15,
        ge=0,
        le=24 * 60,
        description="Remind me this many minutes before a scheduled post goes out (0: no reminders).",
    )
    health_check_minutes: int = Field(
        default=30,
        ge=5,
        le=24 * 60,
        description="How often Outpost checks that each account's connection still works.",
    )
    close_to_tray: bool = Field(
        default=False,
        description="Closing the window keeps Outpost running in the system tray, so scheduled posts go out.",
    )
    theme: Theme = Field(default=Theme.SYSTEM, description="Light, dark, or as the system is set.")
    posting_schedule: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Time slots per weekday (e.g. monday: 09:00, 17:30) that “Add to queue” fills in order.",
    )
    composer_draft_id: str | None = Field(
        default=None,
        description="The draft open in the composer, reopened at the next start (autosave).",
    )
    composer_accounts: list[str] = Field(
        default_factory=list,
        description="The accounts (ids) chosen in the composer, chosen again at the next start.",
    )
    missed_grace_minutes: int = Field(
        default=5,
        ge=0,
        le=24 * 60,
        description="A post this late or less is published normally rather than counted as missed.",
    )

    stats_paid_networks: bool = Field(
        default=False,
        description="Read post statistics from networks that charge for each read: X's pay-per-use "
        "API bills every post read (each scheduled read of each post on X, five per post, is a "
        "paid request on your developer account). Off: X posts get no numbers.",
    )

    @field_validator("posting_schedule")
    @classmethod
    def _valid_slots(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        for day, slots in value.items():
            if day not in WEEKDAYS:
                raise ValueError(f"{day!r} is not a weekday ({', '.join(WEEKDAYS)})")
            for slot in slots:
                hours, _, minutes = slot.partition(":")
                if not (hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60):
                    raise ValueError(f"{day}: {slot!r} is not a time like 09:30")
        return {day: sorted(set(slots)) for day, slots in value.items() if slots}


def load_settings(data_dir: Path) -> Settings:
    """The settings in `data_dir`, upgraded to this version; defaults if there are none."""
    path = data_dir / SETTINGS_FILE
    if not path.exists():
        return Settings()
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        version = int(raw.get("version", 1))
        for step in range(version + 1, SETTINGS_VERSION + 1):
            raw = _UPGRADES[step](raw)
        raw["version"] = SETTINGS_VERSION
        return Settings.model_validate(raw)
    except (OSError, ValueError, ValidationError) as exc:
        raise StoreError(
            f"The settings file {path} cannot be read ({exc}). Fix or delete it to use defaults."
        ) from None


def save_settings(data_dir: Path, settings: Settings) -> None:
    """Write the settings atomically: a crash leaves the old file or the new one, never half."""
    private_dir(data_dir)
    path = data_dir / SETTINGS_FILE
    fd, tmp = tempfile.mkstemp(prefix=".settings-", dir=data_dir)  # 0600, kept by the rename
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(settings.model_dump_json(indent=2))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
