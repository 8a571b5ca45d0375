"""`engine.settings_change`: the one door every settings change goes through.

The window's Settings, `outpost settings set` and `outpost slots set` all change settings here,
so each is validated the same way, saved atomically and announced (`SettingsDidChange`).
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError as PydanticValidationError

from outpost.config.settings import Settings
from outpost.domain.errors import Problem, ValidationError
from outpost.engine.core import EngineCore
from outpost.engine.events import SettingsDidChange


def apply_settings(core: EngineCore, changes: Mapping[str, object]) -> Settings:
    """Change settings (validated), save them atomically, tell everyone which keys changed.

    Raises:
        ValidationError: a value breaks the setting's rules (named in the message).
    """
    current = core.settings
    try:
        updated = Settings.model_validate({**current.model_dump(), **changes})
    except PydanticValidationError as error:
        problems = [
            Problem(
                field=".".join(str(p) for p in e["loc"]),
                message=f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}",
            )
            for e in error.errors()
        ]
        raise ValidationError(problems) from None
    changed = tuple(k for k in changes if getattr(updated, k) != getattr(current, k))
    core.settings = updated
    core.save_settings()
    if changed:
        core.events.emit(SettingsDidChange(changed))
    return updated
