"""Write an example settings file from the settings table (``data/community_map.example.toml``)."""

from __future__ import annotations

import textwrap

from community_map.settings import SETTINGS

__all__ = ["example_settings_toml"]


def example_settings_toml() -> str:
    """Return a TOML settings file listing every setting, its help and its default.

    Examples
    --------
    >>> "small_count_threshold = 5" in example_settings_toml()
    True
    """
    lines = [
        "# community_map settings. Copy to community_map.toml (working directory) or point",
        "# COMMUNITY_MAP_SETTINGS_FILE at it; environment variables COMMUNITY_MAP_<NAME>",
        "# override it. Generated from community_map/settings.py: do not edit by hand.",
        "",
    ]
    for setting in SETTINGS:
        lines += ["# " + line for line in textwrap.wrap(setting.help, 86)]
        default = setting.default
        if isinstance(default, bool):
            value = "true" if default else "false"
        elif isinstance(default, int):
            value = str(default)
        else:
            value = '"' + str(default).replace("\\", "\\\\").replace('"', '\\"') + '"'
        lines += [f"{setting.name} = {value}", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    print(example_settings_toml(), end="")
