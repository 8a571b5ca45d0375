"""Scheduling times as people type them: zones, DST gaps and overlaps, the past."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from outpost.domain.errors import ValidationError
from outpost.domain.schedule import resolve_schedule

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_wall_clock_time_in_a_zone_becomes_the_right_instant() -> None:
    at, zone = resolve_schedule("2026-12-01T09:00", "Europe/Berlin", now=NOW, default_zone="UTC")
    assert (at, zone) == (datetime(2026, 12, 1, 8, 0, tzinfo=UTC), "Europe/Berlin")


def test_summer_time_is_taken_into_account() -> None:
    at, _ = resolve_schedule("2026-07-01T09:00", "Europe/Berlin", now=NOW, default_zone="UTC")
    assert at == datetime(2026, 7, 1, 7, 0, tzinfo=UTC)


def test_time_with_offset_is_an_instant_and_keeps_the_zone_for_display() -> None:
    at, zone = resolve_schedule("2026-12-01T08:00:00Z", "America/New_York", now=NOW, default_zone="UTC")
    assert (at, zone) == (datetime(2026, 12, 1, 8, 0, tzinfo=UTC), "America/New_York")


def test_without_tz_the_default_zone_is_used() -> None:
    at, zone = resolve_schedule("2026-12-01T09:00", None, now=NOW, default_zone="Asia/Tokyo")
    assert (at, zone) == (datetime(2026, 12, 1, 0, 0, tzinfo=UTC), "Asia/Tokyo")


def test_a_time_in_the_dst_gap_is_refused_with_the_reason() -> None:
    # Europe/Berlin skips 02:00–03:00 on 2026-03-29.
    with pytest.raises(ValidationError) as caught:
        resolve_schedule("2026-03-29T02:30", "Europe/Berlin", now=NOW, default_zone="UTC")
    problem = caught.value.problems[0]
    assert (problem.field, problem.rule) == ("--at", "dst_gap")
    assert "does not exist in Europe/Berlin" in problem.message


def test_a_time_in_the_dst_overlap_means_the_first_occurrence() -> None:
    # 02:30 happens twice on 2026-10-25 in Berlin: first at 00:30Z (CEST), then 01:30Z (CET).
    at, _ = resolve_schedule("2026-10-25T02:30", "Europe/Berlin", now=NOW, default_zone="UTC")
    assert at == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("at", "tz", "field", "rule"),
    [
        ("2026-02-01T09:00", "Europe/Berlin", "--at", "in_future"),
        ("next tuesday", "Europe/Berlin", "--at", "iso8601"),
        ("2026-12-01T09:00", "Europe/Berlinn", "--tz", "iana_zone"),
    ],
)
def test_bad_times_name_the_field_and_rule(at: str, tz: str, field: str, rule: str) -> None:
    with pytest.raises(ValidationError) as caught:
        resolve_schedule(at, tz, now=NOW, default_zone="UTC")
    assert (caught.value.problems[0].field, caught.value.problems[0].rule) == (field, rule)


def test_unknown_zone_suggests_close_names() -> None:
    with pytest.raises(ValidationError, match="did you mean"):
        resolve_schedule("2026-12-01T09:00", "Berlin", now=NOW, default_zone="UTC")


ZONES = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "America/Santiago",
    "Asia/Kolkata",
    "UTC",
]


@settings(max_examples=300, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    minutes=st.integers(min_value=1, max_value=2 * 365 * 24 * 60),
)
def test_any_accepted_wall_clock_time_round_trips_to_what_was_typed(zone: str, minutes: int) -> None:
    from zoneinfo import ZoneInfo

    wall = (NOW + timedelta(minutes=minutes)).astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    typed = wall.strftime("%Y-%m-%dT%H:%M")
    try:
        at, _ = resolve_schedule(typed, zone, now=NOW, default_zone="UTC")
    except ValidationError as exc:
        # Only a time the clocks skip may be refused, and the past (the typed minute may round down).
        assert exc.problems[0].rule in {"dst_gap", "in_future"}
        return
    assert at > NOW
    assert at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M") == typed
