"""The machine's time zone, read from the system (I/O, so it lives here and not in `domain/`)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def local_zone_name(*, environ: Mapping[str, str] | None = None, etc: Path = Path("/etc")) -> str:
    """The machine's IANA zone name, best effort: $TZ, /etc/timezone, /etc/localtime, else UTC.

    Args:
        environ: the environment to read `TZ` from (the process's by default).
        etc: where `timezone` and `localtime` are (tests point it at a folder of their own).
    """
    env = os.environ if environ is None else environ
    candidates = [env.get("TZ", "").lstrip(":")]
    timezone_file = etc / "timezone"
    if timezone_file.is_file():
        candidates.append(timezone_file.read_text(encoding="utf-8").strip())
    localtime = etc / "localtime"
    if localtime.is_symlink():
        target = str(localtime.resolve())
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    return next((name for name in candidates if _is_zone(name)), "UTC")


def _is_zone(name: str) -> bool:
    if not name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
