from __future__ import annotations

from pathlib import Path

import pytest

from community_map.errors import ConfigurationError
from community_map.settings import SETTINGS, load_settings

ROOT = Path(__file__).resolve().parent.parent


def test_defaults_come_from_the_table() -> None:
    settings = load_settings({})
    for setting in SETTINGS:
        assert getattr(settings, setting.name) == setting.default


def test_every_setting_has_help_and_is_documented_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert setting.help.strip(), setting.name
        assert f"`{setting.name}`" in readme, f"README does not document {setting.name}"
        assert f"COMMUNITY_MAP_{setting.name.upper()}" in readme


def test_environment_overrides_file_which_overrides_default(tmp_path: Path) -> None:
    path = tmp_path / "community_map.toml"
    path.write_text("small_count_threshold = 7\ndemo = true\n", encoding="utf-8")
    from_file = load_settings({}, settings_file=path)
    assert from_file.small_count_threshold == 7
    assert from_file.demo is True
    both = load_settings({"COMMUNITY_MAP_SMALL_COUNT_THRESHOLD": "9"}, settings_file=path)
    assert both.small_count_threshold == 9


def test_settings_file_in_working_directory_is_read(tmp_path: Path) -> None:
    (tmp_path / "community_map.toml").write_text('default_language = "ca"\n', encoding="utf-8")
    assert load_settings({}).default_language == "ca"


@pytest.mark.parametrize(
    ("env", "fragment"),
    [
        ({"COMMUNITY_MAP_SMALL_COUNT_THRESHOLD": "five"}, "whole number"),
        ({"COMMUNITY_MAP_DEMO": "maybe"}, "true or false"),
    ],
)
def test_bad_values_name_the_setting_and_the_fix(env: dict[str, str], fragment: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        load_settings(env)
    message = str(info.value)
    assert fragment in message
    assert next(iter(env)) in message


def test_unknown_setting_in_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text('databse_url = "sqlite://"\n', encoding="utf-8")
    with pytest.raises(ConfigurationError, match="databse_url"):
        load_settings({}, settings_file=path)


def test_malformed_settings_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "s.toml"
    path.write_text("database_url = \n", encoding="utf-8")
    with pytest.raises(ConfigurationError, match="TOML"):
        load_settings({}, settings_file=path)


def test_example_settings_file_is_current_and_loads() -> None:
    from community_map.settings_example import example_settings_toml

    path = ROOT / "data" / "community_map.example.toml"
    assert path.read_text(encoding="utf-8") == example_settings_toml(), (
        "regenerate with: python -m community_map.settings_example > "
        "data/community_map.example.toml"
    )
    loaded = load_settings({}, settings_file=path)
    for setting in SETTINGS:
        assert getattr(loaded, setting.name) == setting.default
