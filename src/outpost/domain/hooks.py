"""Hooks: the creator's own receivers for the engine's events (issue #21, INTERFACE.md "Events and hooks").

A hook is either a web address that gets a signed JSON POST, or a command that gets the same JSON
on its standard input. The signing secret of a URL hook is never part of this value: it lives in
the keyring (`hook/<id>`), shown once when the hook is made.
"""

from __future__ import annotations

import shlex
from datetime import datetime
from enum import StrEnum
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict

from outpost.domain.errors import ValidationError


class HookEvent(StrEnum):
    """The events a hook can follow (INTERFACE.md's names)."""

    POST_PUBLISHED = "post_published"
    POST_FAILED = "post_failed"
    ACCOUNT_DISCONNECTED = "account_disconnected"
    ENGAGEMENT_SPIKE = "engagement_spike"
    MENTION_RECEIVED = "mention_received"


class HookDelivery(BaseModel):
    """How the latest delivery to a hook went.

    Attributes:
        at: when it ended (delivered, or the last try failed).
        ok: whether the receiver took it (2xx, or the command exited 0).
        status: what happened in a few words: "HTTP 200", "HTTP 500 (try 2 of 5, next at …)",
            "exit 0", "timed out after 30 s".
        event: which event it carried.
    """

    model_config = ConfigDict(frozen=True, defer_build=True)

    at: datetime
    ok: bool
    status: str
    event: str


class Hook(BaseModel):
    """One receiver of one event: `url` or `command`, never both."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    id: str
    event: HookEvent
    url: str | None = None
    command: str | None = None
    created_at: datetime
    last_delivery: HookDelivery | None = None

    @property
    def secret_ref(self) -> str:
        """The keyring entry of its signing secret (URL hooks only)."""
        return f"hook/{self.id}"


def checked_event(value: str) -> HookEvent:
    """The event named `value`, or a ValidationError listing the ones there are."""
    try:
        return HookEvent(value)
    except ValueError:
        allowed = ", ".join(e.value for e in HookEvent)
        raise ValidationError.single(
            "EVENT", f"EVENT: {value!r} is not an event Outpost reports; use one of {allowed}.", actual=value
        ) from None


def checked_target(url: str | None, command: str | None) -> tuple[str | None, str | None]:
    """(url, command) with exactly one given and well formed; else a ValidationError saying which."""
    if (url is None) == (command is None):
        raise ValidationError.single(
            "--url", "Give a hook either --url URL (a signed JSON POST) or --command CMD (JSON on stdin)."
        )
    if url is not None:
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValidationError.single(
                "--url",
                f"--url: {url!r} is not a web address like https://example.com/outpost-hook.",
                actual=url,
            )
        return url.strip(), None
    assert command is not None
    try:
        words = shlex.split(command)
    except ValueError as exc:
        raise ValidationError.single(
            "--command", f"--command: {command!r} cannot be read as a command line ({exc}).", actual=command
        ) from None
    if not words:
        raise ValidationError.single("--command", "--command: the command is empty.", actual=command)
    return None, command.strip()
