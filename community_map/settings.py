"""One table of settings, read once from the environment and an optional settings file.

Every setting has a name, a default and a help text (:data:`SETTINGS`). Values are
looked up, from lowest to highest priority, in the defaults, in a TOML settings file
(``community_map.toml`` in the working directory, or the file named by
``COMMUNITY_MAP_SETTINGS_FILE``) and in environment variables named
``COMMUNITY_MAP_<NAME>`` (for example ``COMMUNITY_MAP_DATABASE_URL``). Each value is
checked against the type of its default.
"""

from __future__ import annotations

import functools
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from community_map.errors import ConfigurationError
from community_map.i18n import gettext as _

__all__ = [
    "DEFAULT_SETTINGS_FILE",
    "ENV_PREFIX",
    "SETTINGS",
    "SETTINGS_FILE_ENV",
    "Setting",
    "Settings",
    "get_settings",
    "load_settings",
]

ENV_PREFIX = "COMMUNITY_MAP_"
SETTINGS_FILE_ENV = "COMMUNITY_MAP_SETTINGS_FILE"
DEFAULT_SETTINGS_FILE = "community_map.toml"


@dataclass(frozen=True)
class Setting:
    """A documented setting: its name, default value and help text."""

    name: str
    default: Any
    help: str


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "database_url",
        "sqlite:///community_map.db",
        "SQLAlchemy URL of the database. SQLite by default (a file in the working "
        "directory); use postgresql+psycopg://user@host/dbname for a shared deployment.",
    ),
    Setting(
        "demo",
        False,
        "Demo mode: the login page lists the demo accounts created by `community-map demo`. "
        "Never enable it on a database with real people's data.",
    ),
    Setting(
        "default_language",
        "en",
        "Language used when the browser's language is not Catalan, Spanish or English "
        "(one of ca, es, en).",
    ),
    Setting(
        "small_count_threshold",
        5,
        "Counts below this number are shown as '< N' to roles that only see aggregates "
        "(district viewers), so that small groups of people cannot be singled out.",
    ),
    Setting(
        "count_rounding_base",
        5,
        "Counts of people (and their totals) shown to roles that only see aggregates are "
        "rounded to a multiple of this, so that a suppressed count cannot be recovered by "
        "subtracting visible counts from a total. 1 turns rounding off.",
    ),
    Setting(
        "sqlite_busy_timeout_ms",
        5000,
        "How long a SQLite connection waits for another writer before giving up, in milliseconds.",
    ),
    Setting(
        "stale_after_days",
        365,
        "Assets not verified (edited, re-imported or confirmed) for this many days are "
        "flagged as stale on the map and in lists.",
    ),
    Setting(
        "max_upload_mb",
        5,
        "Largest file, in MB, that the app accepts as an upload (assets, boundaries, "
        "programme workbooks); larger files are refused with a message. An asset CSV of "
        "5 MB (about 30,000 assets) imports in 10 to 25 s with about 260 MB of memory "
        "above the app's own; at most 200 (Streamlit's server.maxUploadSize in "
        ".streamlit/config.toml).",
    ),
    Setting(
        "max_import_mb",
        20,
        "Largest file, in MB, that the command line imports (assets, boundaries); larger "
        "files are refused with a message. An asset CSV of 20 MB (about 120,000 assets) "
        "takes 40 to 90 s and 1.2 GB of memory (benchmarks/bench_import.py).",
    ),
    Setting(
        "max_json_depth",
        32,
        "How deeply lists and objects may nest in an imported JSON or GeoJSON file; "
        "deeper files are refused with a message.",
    ),
    Setting(
        "min_password_length",
        10,
        "Minimum length of a new account's password.",
    ),
    Setting(
        "login_max_failures",
        5,
        "Failed log-ins in a row, for one user name, after which log-in is blocked for that "
        "name (even with the right password) for `login_lockout_minutes`.",
    ),
    Setting(
        "login_lockout_minutes",
        15,
        "How long log-in stays blocked after `login_max_failures` failures, in minutes; "
        "failures older than this are forgotten. An administrator can unlock sooner.",
    ),
    Setting(
        "login_max_failures_per_client",
        0,
        "Failed log-ins from one network address, whatever the user names, after which that "
        "address is blocked for `login_lockout_minutes`. 0 turns it off; behind a proxy every "
        "user shares the proxy's address, so keep it off or high there.",
    ),
    Setting(
        "idle_timeout_minutes",
        30,
        "Minutes without activity after which the web app logs the user out; a login token "
        "that survives a page reload expires after the same time.",
    ),
    Setting(
        "secret_key",
        "",
        "Key that signs login tokens and hashes throttled user names. Empty: a random key is "
        "generated on first use and kept in the database (table app_state). Set it (at least "
        "32 random characters) to keep it out of database backups; changing it logs everyone out.",
    ),
)

_BY_NAME = {s.name: s for s in SETTINGS}


@dataclass(frozen=True)
class Settings:
    """Resolved settings; read them as attributes (``settings.database_url``)."""

    values: Mapping[str, Any]
    source_file: Path | None = None

    def __getattr__(self, name: str) -> Any:
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name) from None

    def replace(self, **changes: Any) -> Settings:
        """Return a copy with some values changed (checked like any other value)."""
        values = dict(self.values)
        for name, raw in changes.items():
            values[name] = _coerce(name, raw, origin="argument")
        return Settings(values, self.source_file)


def _coerce(name: str, raw: Any, *, origin: str) -> Any:
    setting = _BY_NAME.get(name)
    if setting is None:
        known = ", ".join(sorted(_BY_NAME))
        raise ConfigurationError(
            _("Unknown setting `{name}` in {origin}; known settings are: {known}.").format(
                name=name, origin=origin, known=known
            )
        )
    default = setting.default
    if isinstance(default, bool):
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in {"1", "true", "yes", "on"}:
            return True
        if text in {"0", "false", "no", "off", ""}:
            return False
        raise ConfigurationError(
            _("Setting `{name}` in {origin} should be true or false, not {value!r}.").format(
                name=name, origin=origin, value=raw
            )
        )
    if isinstance(default, int):
        try:
            return int(raw)
        except (TypeError, ValueError):
            raise ConfigurationError(
                _("Setting `{name}` in {origin} should be a whole number, not {value!r}.").format(
                    name=name, origin=origin, value=raw
                )
            ) from None
    if not isinstance(raw, str):
        raise ConfigurationError(
            _("Setting `{name}` in {origin} should be text, not {value!r}.").format(
                name=name, origin=origin, value=raw
            )
        )
    return raw


def load_settings(
    environ: Mapping[str, str] | None = None, *, settings_file: Path | None = None
) -> Settings:
    """Resolve every setting from defaults, the settings file and the environment.

    Parameters
    ----------
    environ
        Environment to read (``os.environ`` when omitted).
    settings_file
        TOML file to read; by default ``COMMUNITY_MAP_SETTINGS_FILE`` or
        ``community_map.toml`` in the working directory, if it exists.

    Returns
    -------
    Settings

    Examples
    --------
    >>> load_settings({"COMMUNITY_MAP_SMALL_COUNT_THRESHOLD": "10"}).small_count_threshold
    10
    """
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {s.name: s.default for s in SETTINGS}
    path = settings_file
    if path is None and env.get(SETTINGS_FILE_ENV):
        path = Path(env[SETTINGS_FILE_ENV])
        if not path.is_file():
            raise ConfigurationError(
                _("Settings file {path} named by {var} does not exist.").format(
                    path=path, var=SETTINGS_FILE_ENV
                )
            )
    if path is None and Path(DEFAULT_SETTINGS_FILE).is_file():
        path = Path(DEFAULT_SETTINGS_FILE)
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigurationError(
                _(
                    "Cannot read settings file {path}: {reason}. It must be TOML, "
                    'for example: database_url = "sqlite:///community_map.db".'
                ).format(path=path, reason=exc)
            ) from None
        for name, raw in data.items():
            values[name] = _coerce(name, raw, origin=str(path))
    for name in _BY_NAME:
        key = ENV_PREFIX + name.upper()
        if key in env:
            values[name] = _coerce(name, env[key], origin=key)
    return Settings(values, path)


@functools.cache
def get_settings() -> Settings:
    """Return the process-wide settings, read once."""
    return load_settings()
