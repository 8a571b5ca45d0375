"""The machine's time zone: where Outpost looks for it, in order, and what it does with nonsense."""

from __future__ import annotations

from pathlib import Path

from outpost.config.zone import local_zone_name


def test_tz_comes_first_and_a_leading_colon_is_allowed(tmp_path: Path) -> None:
    (tmp_path / "timezone").write_text("Europe/Berlin\n")
    assert local_zone_name(environ={"TZ": ":America/New_York"}, etc=tmp_path) == "America/New_York"


def test_etc_timezone_then_the_localtime_link(tmp_path: Path) -> None:
    (tmp_path / "localtime").symlink_to("/usr/share/zoneinfo/Asia/Tokyo")
    assert local_zone_name(environ={}, etc=tmp_path) == "Asia/Tokyo"
    (tmp_path / "timezone").write_text("Europe/Berlin\n")
    assert local_zone_name(environ={}, etc=tmp_path) == "Europe/Berlin"


def test_names_that_are_not_zones_are_skipped_and_nothing_found_means_utc(tmp_path: Path) -> None:
    (tmp_path / "timezone").write_text("Not/A_Zone\n")
    assert local_zone_name(environ={"TZ": "../../etc/passwd"}, etc=tmp_path) == "UTC"
    (tmp_path / "localtime").symlink_to("/usr/share/zoneinfo/Australia/Perth")
    assert local_zone_name(environ={"TZ": "CEST-2"}, etc=tmp_path) == "Australia/Perth"
