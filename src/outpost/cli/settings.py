"""`outpost settings list|get|set`: the settings the window edits, from the command line.

Every key is a field of `config.settings.Settings` (its description is the one-line meaning),
changed through `engine.update_settings`, which validates exactly as the window's Settings do.
`set` turns the typed VALUE into the field's type first (true/false, whole numbers, one of an
enum's values, text, JSON for the posting schedule), so a wrong value is refused naming the key
and what it allows. Keys Outpost keeps for itself are not offered (`INTERNAL`).

JSON: a setting is `{"key", "value", "default", "allowed", "description"}` (`value` and
`default` as they are saved; `allowed` in words); `list` gives a list of them, `get` and `set`
one (`set`: as it is after the change, plus `"previous"`).
"""

from __future__ import annotations

import argparse
import difflib
import json
import types
import typing
from enum import Enum
from typing import Any

from pydantic.fields import FieldInfo

from outpost.cli.outcome import Handler, Outcome
from outpost.config.settings import Settings
from outpost.domain.errors import Problem, ValidationError
from outpost.domain.quiet import ALLOWED as QUIET_ALLOWED
from outpost.engine import Engine

#: Kept by Outpost itself, not by the person: the file's schema version, the composer's autosaved
#: draft (a post id the window reopens; setting it by hand could only break that) and the accounts
#: it had chosen (account ids).
INTERNAL = {
    "version": "the settings file's format version",
    "composer_draft_id": "the draft the composer reopens",
    "composer_accounts": "the accounts the composer chooses again",
    "account_schedules": "the accounts' own posting schedules: change them with `outpost slots set`",
}

_TRUE, _FALSE = ("true", "yes", "on", "1"), ("false", "no", "off", "0")
_JSON_ALLOWED = {
    "posting_schedule": 'a JSON object of weekdays and times, e.g. {"monday": ["09:00", "17:30"]}',
    "utm_for": 'a JSON list of networks or accounts, e.g. ["mastodon", "x:you"]',
    "x_prices": 'a JSON object of USD prices, e.g. {"post": 0.015, "post_with_url": 0.2}',
}
_TEXT_ALLOWED = {"notifications_quiet": QUIET_ALLOWED}


def keys() -> list[str]:
    """The settings a person can read and change, in the model's order."""
    return [k for k in Settings.model_fields if k not in INTERNAL]


def _field(key: str) -> FieldInfo:
    """The field behind `key`; an unknown key is refused with the known ones (and a guess)."""
    if key in INTERNAL:
        raise ValidationError.single(
            "KEY",
            f"KEY: {key} is kept by Outpost itself ({INTERNAL[key]}), not a setting to change.",
            actual=key,
        )
    if key not in keys():
        close = difflib.get_close_matches(key, keys(), n=1)
        guess = f" Did you mean {close[0]}?" if close else ""
        raise ValidationError.single(
            "KEY",
            f"KEY: {key!r} is not a setting.{guess} Settings: {', '.join(keys())} "
            "(`outpost settings list` shows each with its meaning).",
            actual=key,
        )
    return Settings.model_fields[key]


def _kind(info: FieldInfo) -> tuple[Any, bool]:
    """The field's plain type and whether it may be empty (`int | None` → `(int, True)`)."""
    annotation = info.annotation
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return (args[0] if len(args) == 1 else annotation), True
    return annotation, False


def allowed(key: str) -> str:
    """What `key` takes, in words (shown by `list` and in every refusal)."""
    info = Settings.model_fields[key]
    kind, optional = _kind(info)
    empty = "; empty for none" if optional else ""
    if kind is bool:
        return "true or false"
    if kind is int:
        bounds = {type(m).__name__: m for m in info.metadata}
        low, high = getattr(bounds.get("Ge"), "ge", None), getattr(bounds.get("Le"), "le", None)
        if low is not None and high is not None:
            return f"a whole number from {low} to {high}"
        return "a whole number"
    if isinstance(kind, type) and issubclass(kind, Enum):
        return "|".join(str(m.value) for m in kind) + empty
    if typing.get_origin(kind) in (dict, list) or kind in (dict, list):
        return _JSON_ALLOWED.get(key, "JSON")
    return _TEXT_ALLOWED.get(key, "text" + empty)


def parse(key: str, raw: str) -> object:
    """The typed VALUE of `settings set` as the field's type (validation of the value comes after).

    Raises:
        ValidationError: VALUE cannot be read as that type, naming KEY and what it allows.
    """
    info = _field(key)
    kind, optional = _kind(info)
    text = raw.strip()
    if optional and not text:
        return None
    if kind is bool:
        if text.lower() in _TRUE + _FALSE:
            return text.lower() in _TRUE
        raise _refusal(key, raw, f"{raw!r} is not true or false")
    if kind is int:
        try:
            return int(text)
        except ValueError:
            raise _refusal(key, raw, f"{raw!r} is not a whole number") from None
    if isinstance(kind, type) and issubclass(kind, Enum):
        if text not in {str(m.value) for m in kind}:
            raise _refusal(key, raw, f"{raw!r} is not one of the choices")
        return text
    if kind is str:
        return text
    try:
        return json.loads(text)
    except ValueError:
        raise _refusal(key, raw, f"{raw!r} is not valid JSON") from None


def _refusal(key: str, raw: str, why: str) -> ValidationError:
    return ValidationError.single(
        key, f"{key}: {why}. Allowed: {allowed(key)}.", rule="setting", limit=allowed(key), actual=raw
    )


def setting_json(key: str, settings: Settings) -> dict[str, Any]:
    """One setting with its value, default, what it allows and what it means."""
    return {
        "key": key,
        "value": settings.model_dump(mode="json")[key],
        "default": Settings().model_dump(mode="json")[key],
        "allowed": allowed(key),
        "description": Settings.model_fields[key].description or "",
    }


def value_text(value: object) -> str:
    """A saved value as it would be typed after `settings set KEY` (JSON for objects, empty for none)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _shown(value: object) -> str:
    return value_text(value) or "(none)"


def _setting_text(doc: dict[str, Any]) -> str:
    default = "default" if doc["value"] == doc["default"] else f"default {_shown(doc['default'])}"
    return f"{doc['key']} = {_shown(doc['value'])}  ({default})\n    {doc['description']} [{doc['allowed']}]"


async def _settings_list(engine: Engine, args: argparse.Namespace) -> Outcome:
    documents = [setting_json(k, engine.settings) for k in keys()]
    return Outcome(documents, "\n".join(_setting_text(d) for d in documents))


async def _settings_get(engine: Engine, args: argparse.Namespace) -> Outcome:
    _field(args.key)
    document = setting_json(args.key, engine.settings)
    return Outcome(document, value_text(document["value"]))


async def _settings_set(engine: Engine, args: argparse.Namespace) -> Outcome:
    key = args.key
    value = parse(key, args.value)
    before = setting_json(key, engine.settings)
    try:
        updated = engine.update_settings(**{key: value})
    except ValidationError as error:
        raise ValidationError(
            Problem(
                field=key,
                message=f"{p.message.replace('Value error, ', '').rstrip('.')}. Allowed: {allowed(key)}.",
                rule="setting",
                limit=allowed(key),
                actual=args.value,
            )
            for p in error.problems
        ) from None
    document = setting_json(key, updated) | {"previous": before["value"]}
    if document["value"] == before["value"]:
        text = f"{key} is already {_shown(document['value'])}."
    else:
        text = f"{key} = {_shown(document['value'])} (was {_shown(before['value'])})"
    return Outcome(document, text)


HANDLERS: dict[tuple[str, str | None], Handler] = {
    ("settings", "list"): _settings_list,
    ("settings", "get"): _settings_get,
    ("settings", "set"): _settings_set,
}
