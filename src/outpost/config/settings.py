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
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from outpost.domain.enums import MissedPostPolicy, NativeScheduling
from outpost.domain.errors import StoreError
from outpost.domain.quiet import parse_quiet
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


def _check_zone(value: str | None) -> str | None:
    """An IANA zone name, or None (empty) for "the default zone"."""
    if not value:
        return None
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"{value!r} is not an IANA time zone such as Europe/Berlin") from None
    return value


def _check_weekly(value: dict[str, list[str]]) -> dict[str, list[str]]:
    for day, slots in value.items():
        if day not in WEEKDAYS:
            raise ValueError(f"{day!r} is not a weekday ({', '.join(WEEKDAYS)})")
        for slot in slots:
            hours, _, minutes = slot.partition(":")
            if not (hours.isdigit() and minutes.isdigit() and int(hours) < 24 and int(minutes) < 60):
                raise ValueError(f"{day}: {slot!r} is not a time like 09:30")
    return {day: sorted(set(slots)) for day, slots in value.items() if slots}


class AccountSchedule(BaseModel):
    """One account's own posting schedule: weekly wall-clock slots in its zone."""

    model_config = ConfigDict(extra="ignore")

    weekly: dict[str, list[str]] = Field(default={})
    timezone: str | None = None

    _valid_weekly = field_validator("weekly")(_check_weekly)
    _valid_zone = field_validator("timezone")(_check_zone)


# Mutable defaults are written as values, not `default_factory=dict`: pydantic copies a mutable
# default for each instance all the same, and asking a builtin factory for its signature made
# Python compile its tokenizer's patterns on every start (~7 ms of a one-shot command, issue #26).


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
        default={},
        description="Time slots per weekday (e.g. monday: 09:00, 17:30) that “Add to queue” fills in order.",
    )
    posting_schedule_timezone: str | None = Field(
        default=None,
        description="IANA zone of the default posting schedule; empty means the time zone setting.",
    )
    account_schedules: dict[str, AccountSchedule] = Field(
        default={},
        description="Posting schedules of single accounts (by account id), set with `outpost slots set`; "
        "accounts without one use the default posting schedule.",
    )
    evergreen_min_gap_days: int = Field(
        default=30,
        ge=1,
        le=3650,
        description="An evergreen post is queued again at the earliest this many days after it last ran.",
    )
    composer_draft_id: str | None = Field(
        default=None,
        description="The draft open in the composer, reopened at the next start (autosave).",
    )
    composer_accounts: list[str] = Field(
        default=[],
        description="The accounts (ids) chosen in the composer, chosen again at the next start.",
    )
    missed_grace_minutes: int = Field(
        default=5,
        ge=0,
        le=24 * 60,
        description="A post this late or less is published normally rather than counted as missed.",
    )

    notifications_quiet: str = Field(
        default="off",
        description="Do not disturb: off, on, or a daily quiet window in your time zone like "
        "22:00-07:00 (notices wait in the window; hooks still get every event).",
    )

    @field_validator("notifications_quiet")
    @classmethod
    def _valid_quiet(cls, value: str) -> str:
        return parse_quiet(value)

    stats_paid_networks: bool = Field(
        default=False,
        description="Read post statistics from networks that charge for each read: X's pay-per-use "
        "API bills every post read (each scheduled read of each post on X, five per post, is a "
        "paid request on your developer account). Off: X posts get no numbers.",
    )

    _valid_slots = field_validator("posting_schedule")(_check_weekly)
    _valid_schedule_zone = field_validator("posting_schedule_timezone")(_check_zone)
    # -- issue #22's composer tools: UTM tags on chosen links, X's prices -------------------------
    utm_for: list[str] = Field(
        default=[],
        description="Networks (mastodon, x…) or accounts (mastodon:you@example.social) whose chosen "
        "links get UTM tags (utm_source=NETWORK&utm_medium=…&utm_campaign=…); empty: none.",
    )
    utm_medium: str = Field(default="social", description="The utm_medium UTM-tagged links carry.")
    utm_campaign: str = Field(
        default="", description="The utm_campaign UTM-tagged links carry (empty: left out)."
    )
    x_prices: dict[str, float] = Field(
        default={},
        description="X's pay-per-use prices in USD, where they changed since Outpost's table "
        "(keys: post, post_with_url, media_metadata); the composer's cost line uses them.",
    )

    @field_validator("x_prices")
    @classmethod
    def _valid_prices(cls, value: dict[str, float]) -> dict[str, float]:
        known = ("post", "post_with_url", "media_metadata")
        for key, price in value.items():
            if key not in known:
                raise ValueError(f"{key!r} is not one of X's prices ({', '.join(known)})")
            if price < 0 or price > 100:
                raise ValueError(f"{key}: {price} is not a price in US dollars (0 to 100)")
        return value

    @field_validator("utm_for")
    @classmethod
    def _valid_utm_for(cls, value: list[str]) -> list[str]:
        for item in value:
            if not item or any(c.isspace() for c in item):
                raise ValueError(f"{item!r} is neither a network (mastodon) nor an account (mastodon:you)")
        return sorted(set(value))


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
