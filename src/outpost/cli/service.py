"""`outpost service install|status|remove`: Outpost run by the OS's scheduler (`outpost.service`).

JSON: `{"system": "systemd|launchd|task_scheduler", "files": [...], "enabled": bool, "message": "…"}`.
`install --wake` also wakes the computer for the next scheduled post; each `outpost run` moves
that wake to the post due next. `install` exits 1 when the files were written but the OS could
not enable them (no user scheduler running), saying why; `status` exits 0 either way.
"""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from outpost import service
from outpost.cli.outcome import Handler, Outcome
from outpost.domain.enums import PostStatus
from outpost.domain.errors import ValidationError
from outpost.engine import Engine


async def _install(engine: Engine, args: argparse.Namespace) -> Outcome:
    if not 1 <= args.every_minutes <= 60:
        raise ValidationError.single(
            "--every-minutes", f"--every-minutes: {args.every_minutes} is not between 1 and 60 minutes."
        )
    state = service.install(
        args.every_minutes, engine.data_dir, home=Path.home(), wake=args.wake, wake_at=await next_due(engine)
    )
    return _outcome(state, exit_code=0 if state.enabled else 1)


async def _status(engine: Engine, args: argparse.Namespace) -> Outcome:
    return _outcome(service.status(home=Path.home()))


async def _remove(engine: Engine, args: argparse.Namespace) -> Outcome:
    return _outcome(service.remove(home=Path.home()))


async def next_due(engine: Engine) -> datetime | None:
    """When the earliest scheduled post is due (what the wake timer wakes the computer for)."""
    times = [p.scheduled_at for p in await engine.posts.list([PostStatus.SCHEDULED]) if p.scheduled_at]
    return min(times, default=None)


def _outcome(state: service.ServiceState, exit_code: int = 0) -> Outcome:
    lines = [state.message, *(f"  {path}" for path in state.files)]
    return Outcome(state.as_dict(), "\n".join(lines), exit_code=exit_code)


HANDLERS: dict[tuple[str, str | None], Handler] = {
    ("service", "install"): _install,
    ("service", "status"): _status,
    ("service", "remove"): _remove,
}
