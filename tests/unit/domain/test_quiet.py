"""Do not disturb: the setting's spellings, and which times it holds notices back (in the creator's zone)."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from outpost.config.settings import Settings
from outpost.domain.quiet import is_quiet, parse_quiet

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("typed", "kept"),
    [("off", "off"), (" ON ", "on"), ("22:00-07:00", "22:00-07:00"), ("7:05 - 9:30", "07:05-09:30")],
)
def test_the_setting_is_kept_in_one_spelling(typed: str, kept: str) -> None:
    assert parse_quiet(typed) == kept
    assert Settings(notifications_quiet=typed).notifications_quiet == kept


@pytest.mark.parametrize("typed", ["", "sometimes", "22:00", "24:00-07:00", "22:60-07:00", "09:00-09:00"])
def test_anything_else_is_refused(typed: str) -> None:
    with pytest.raises(ValueError, match=r"quiet|same time"):
        Settings(notifications_quiet=typed)


@pytest.mark.parametrize(
    ("utc", "quiet"),
    [
        ((20, 59), False),  # 21:59 in Berlin
        ((21, 0), True),  # 22:00: the window starts
        ((23, 30), True),  # 00:30 the next day: over midnight
        ((5, 59), True),  # 06:59
        ((6, 0), False),  # 07:00: over
    ],
)
def test_a_window_over_midnight_in_the_creators_zone(utc: tuple[int, int], quiet: bool) -> None:
    now = datetime(2026, 11, 25, *utc, tzinfo=UTC)
    assert is_quiet("22:00-07:00", now, BERLIN) is quiet


def test_a_window_within_one_day_and_the_plain_choices() -> None:
    noon = datetime(2026, 7, 1, 10, 0, tzinfo=UTC)  # 12:00 in Berlin (summer time)
    assert is_quiet("12:00-13:00", noon, BERLIN)
    assert not is_quiet("13:00-14:00", noon, BERLIN)
    assert is_quiet("on", noon, BERLIN) and not is_quiet("off", noon, BERLIN)
