"""`outpost hooks add|list|remove`: the creator's own receivers of Outpost's events.

INTERFACE.md, "Events and hooks". A URL hook's signing secret is printed once, by `add` (the
creator configures their receiver with it); Outpost keeps it in the keyring and never shows it
again. JSON: a hook is `{"id", "event", "url", "command", "created_at", "last_delivery"}` with
`last_delivery` null or `{"at", "ok", "status", "event"}`; `add` adds `"secret"` (null for a
command hook); `list` is a list of hooks; `remove` answers `{"id", "removed": true}`.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from outpost.cli.outcome import Handler, Outcome
from outpost.domain.hooks import Hook
from outpost.domain.shapes import iso

if TYPE_CHECKING:
    from outpost.engine import Engine


def hook_json(hook: Hook) -> dict[str, Any]:
    """A hook as JSON (never its secret)."""
    last = hook.last_delivery
    return {
        "id": hook.id,
        "event": hook.event.value,
        "url": hook.url,
        "command": hook.command,
        "created_at": iso(hook.created_at),
        "last_delivery": None
        if last is None
        else {"at": iso(last.at), "ok": last.ok, "status": last.status, "event": last.event},
    }


def _line(hook: Hook) -> str:
    where = f"POST {hook.url}" if hook.url else f"run {hook.command}"
    last = hook.last_delivery
    if last is None:
        said = "not delivered yet"
    else:
        said = f"last {'delivered' if last.ok else 'FAILED'} {last.at:%Y-%m-%d %H:%M} UTC: {last.status}"
    return f"{hook.id}  {hook.event.value:<21} {where}  ({said})"


async def _add(engine: Engine, args: argparse.Namespace) -> Outcome:
    made = await engine.hooks.add(args.event, url=args.url, command=args.hook_command)
    document = hook_json(made.hook) | {"secret": made.secret}
    if made.secret is None:
        text = (
            f"Added hook {made.hook.id}: on {made.hook.event.value}, Outpost runs {made.hook.command} "
            "with the event's JSON on its standard input."
        )
    else:
        text = (
            f"Added hook {made.hook.id}: on {made.hook.event.value}, Outpost POSTs the event's JSON to "
            f"{made.hook.url}.\n"
            f"Signing secret (shown only now; Outpost keeps it in the keyring):\n  {made.secret}\n"
            "Your receiver checks X-Outpost-Signature: sha256=<hex HMAC-SHA256 of the raw body with "
            "this secret> (docs/hooks.md shows how)."
        )
    return Outcome(document, text)


async def _list(engine: Engine, args: argparse.Namespace) -> Outcome:
    hooks = await engine.hooks.list()
    text = (
        "\n".join(_line(h) for h in hooks)
        if hooks
        else "No hooks. Add one with: outpost hooks add EVENT --url URL"
    )
    return Outcome([hook_json(h) for h in hooks], text)


async def _remove(engine: Engine, args: argparse.Namespace) -> Outcome:
    hook = await engine.hooks.remove(args.id)
    return Outcome(
        {"id": hook.id, "removed": True},
        f"Removed hook {hook.id} ({hook.event.value})"
        + (" and its secret from the keyring." if hook.url else "."),
    )


HANDLERS: dict[tuple[str, str | None], Handler] = {
    ("hooks", "add"): _add,
    ("hooks", "list"): _list,
    ("hooks", "remove"): _remove,
}
