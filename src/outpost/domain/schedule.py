"""Turning what a person typed (`--at`, `--tz`) into an instant, with DST handled honestly.

Pure: "now" and the default zone are given (the machine's zone is read by `config.zone`).
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from outpost.domain.errors import ValidationError


def zone(name: str, *, field: str = "--tz") -> ZoneInfo:
    """The IANA zone `name`, or a ValidationError naming the field."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        hint = _close_zone_names(name)
        raise ValidationError.single(
            field,
            f"{field}: unknown time zone {name!r}. Use an IANA name such as Europe/Berlin or "
            f"America/New_York{hint}.",
            rule="iana_zone",
            actual=name,
        ) from None


def _close_zone_names(name: str) -> str:
    tail = name.rsplit("/", 1)[-1].lower()
    matches = sorted(z for z in available_timezones() if z.lower().endswith(tail))[:3]
    return f" (did you mean {', '.join(matches)}?)" if matches and tail else ""


def resolve_schedule(
    at: str, tz_name: str | None, *, now: datetime, default_zone: str
) -> tuple[datetime, str]:
    """The UTC instant and zone name for a post scheduled `at` (ISO-8601) in `tz_name`.

    A time with an offset is an instant; without one it is a wall-clock time in `tz_name` (or
    `default_zone`). A wall-clock time that does not exist (skipped by a DST change) is refused;
    one that exists twice (the hour repeated when clocks go back) means the first occurrence.
    A time in the past is refused.

    Raises:
        ValidationError: for an unreadable time, an unknown zone, a DST gap or a past time.
    """
    zone_name = tz_name or default_zone
    tzinfo = zone(zone_name, field="--tz" if tz_name else "default time zone")
    try:
        parsed = datetime.fromisoformat(at)
    except ValueError:
        raise ValidationError.single(
            "--at",
            f"--at: {at!r} is not an ISO-8601 date and time. Write it like "
            f"2026-12-01T09:00 (with --tz Europe/Berlin) or 2026-12-01T08:00:00Z.",
            rule="iso8601",
            actual=at,
        ) from None
    if parsed.tzinfo is None:
        parsed = _wall_clock(parsed, tzinfo, zone_name)
    instant = parsed.astimezone(UTC)
    if instant <= now:
        raise ValidationError.single(
            "--at",
            f"--at: {at} ({zone_name}) is in the past (now is {now:%Y-%m-%d %H:%M} UTC). "
            f"Pick a later time, or use --now to publish at once.",
            rule="in_future",
            actual=instant.isoformat(),
        )
    return instant, zone_name


def _wall_clock(naive: datetime, tzinfo: ZoneInfo, zone_name: str) -> datetime:
    aware = naive.replace(tzinfo=tzinfo, fold=0)
    round_trip = aware.astimezone(UTC).astimezone(tzinfo).replace(tzinfo=None)
    if round_trip != naive:
        raise ValidationError.single(
            "--at",
            f"--at: {naive:%Y-%m-%d %H:%M} does not exist in {zone_name}: the clocks skip that "
            f"hour for daylight saving time. Pick a time outside the gap, e.g. "
            f"{round_trip:%H:%M}.",
            rule="dst_gap",
            actual=naive.isoformat(),
        )
    return aware
