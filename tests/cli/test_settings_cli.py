"""`outpost settings list|get|set`: the window's settings from the command line (INTERFACE.md, Settings).

A setting is `{"key", "value", "default", "allowed", "description"}`; `set` adds `"previous"`.
What `set` writes is what the window reads at its next start (`load_settings`).
"""

from __future__ import annotations

import pytest

from outpost.cli import main
from outpost.config.settings import Settings, load_settings
from tests.cli.conftest import Cli

SETTING_KEYS = {"key", "value", "default", "allowed", "description"}


def test_list_shows_every_setting_with_its_value_default_and_meaning(cli: Cli) -> None:
    listed = cli("settings", "list")
    assert isinstance(listed, list)
    by_key = {s["key"]: s for s in listed}
    assert all(set(s) == SETTING_KEYS for s in listed)
    assert {"theme", "missed_post_policy", "health_check_minutes", "posting_schedule"} <= set(by_key)
    assert "version" not in by_key and "composer_draft_id" not in by_key  # Outpost's own bookkeeping
    assert by_key["theme"] == {
        "key": "theme",
        "value": "system",
        "default": "system",
        "allowed": "system|light|dark",
        "description": "Light, dark, or as the system is set.",
    }
    assert by_key["health_check_minutes"]["allowed"] == "a whole number from 5 to 1440"
    assert all(s["description"] == Settings.model_fields[s["key"]].description for s in listed)


@pytest.mark.parametrize(
    ("key", "typed", "saved"),
    [
        ("theme", "dark", "dark"),
        ("missed_post_policy", "publish", "publish"),
        ("health_check_minutes", "45", 45),
        ("close_to_tray", "yes", True),
        ("close_to_tray", "False", False),
        ("default_timezone", "Europe/Berlin", "Europe/Berlin"),
        ("posting_schedule", '{"monday": ["17:30", "09:00"]}', {"monday": ["09:00", "17:30"]}),
    ],
)
def test_set_reads_the_value_as_the_settings_type_and_the_window_sees_it(
    cli: Cli, key: str, typed: str, saved: object
) -> None:
    before = cli("settings", "get", key)
    changed = cli("settings", "set", key, typed)
    assert changed == {**before, "value": saved, "previous": before["value"]}  # type: ignore[dict-item,index]
    assert cli("settings", "get", key) == {**before, "value": saved}  # type: ignore[dict-item]
    assert load_settings(cli.data_dir).model_dump(mode="json")[key] == saved  # the window's read


def test_an_empty_value_clears_a_setting_that_may_be_empty(cli: Cli) -> None:
    cli("settings", "set", "default_timezone", "Asia/Tokyo")
    cleared = cli("settings", "set", "default_timezone", "")
    assert (cleared["value"], cleared["previous"]) == (None, "Asia/Tokyo")  # type: ignore[index]
    assert load_settings(cli.data_dir).default_timezone is None


@pytest.mark.parametrize(
    ("key", "typed", "says"),
    [
        ("theme", "purple", "theme: 'purple' is not one of the choices. Allowed: system|light|dark."),
        ("health_check_minutes", "2", "health_check_minutes: Input should be greater than or equal to 5. "
                                      "Allowed: a whole number from 5 to 1440."),
        ("health_check_minutes", "soon", "health_check_minutes: 'soon' is not a whole number. Allowed: a whole "
                                         "number from 5 to 1440."),
        ("close_to_tray", "maybe", "close_to_tray: 'maybe' is not true or false. Allowed: true or false."),
        ("posting_schedule", '{"mon": ["09:00"]}', "posting_schedule: 'mon' is not a weekday"),
        ("posting_schedule", '{"monday": ["9am"]}', "monday: '9am' is not a time like 09:30"),
        ("posting_schedule", "{monday", "posting_schedule: '{monday' is not valid JSON. Allowed: a JSON object"),
    ],
)  # fmt: skip
def test_a_bad_value_is_refused_with_exit_2_naming_the_key_and_what_it_allows(
    cli: Cli, key: str, typed: str, says: str
) -> None:
    before = cli("settings", "get", key)
    refused = cli("settings", "set", key, typed, expect=2)
    problem = refused["error"]["problems"][0]  # type: ignore[index]
    assert refused["error"]["code"] == "validation_error" and problem["field"] == key  # type: ignore[index]
    assert says in cli.stderr
    assert cli("settings", "get", key) == before


def test_unknown_and_internal_keys_are_refused(cli: Cli) -> None:
    cli("settings", "set", "them", "dark", expect=2)
    assert "KEY: 'them' is not a setting. Did you mean theme?" in cli.stderr
    assert "health_check_minutes" in cli.stderr  # the keys there are
    cli("settings", "get", "nope", expect=2)
    assert "'nope' is not a setting" in cli.stderr
    cli("settings", "set", "composer_draft_id", "post_1", expect=2)
    assert "composer_draft_id is kept by Outpost itself" in cli.stderr
    assert load_settings(cli.data_dir).composer_draft_id is None


def test_text_output_is_the_value_as_it_would_be_typed(cli: Cli, capsys: pytest.CaptureFixture[str]) -> None:
    cli("settings", "set", "posting_schedule", '{"friday": ["12:00"]}')
    data = ["--data-dir", str(cli.data_dir)]
    assert main([*data, "settings", "get", "posting_schedule"]) == 0
    assert capsys.readouterr().out == '{"friday": ["12:00"]}\n'
    assert main([*data, "settings", "set", "theme", "light"]) == 0
    assert capsys.readouterr().out == "theme = light (was system)\n"
    assert main([*data, "settings", "list"]) == 0
    listed = capsys.readouterr().out
    assert (
        "theme = light  (default system)\n    Light, dark, or as the system is set. [system|light|dark]"
        in listed
    )
