"""What every ``community-map`` command shares: names, the argument parser class, settings,
the database engine and the progress bar.

Private to :mod:`community_map.cli`.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from community_map.errors import ValidationError
from community_map.i18n import gettext as _
from community_map.settings import Settings, get_settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

__all__ = [
    "DEMO_DATABASE_URL",
    "PROG",
    "Parser",
    "ProgressBar",
    "command_engine",
    "command_settings",
    "writable_output",
]

PROG = "community-map"
DEMO_DATABASE_URL = "sqlite:///community_map_demo.db"


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors end with a pointer to ``--help``."""

    def error(self, message: str) -> NoReturn:
        self.exit(
            2,
            _("{prog}: error: {message} (see {prog} --help)").format(
                prog=self.prog, message=message
            )
            + "\n",
        )


class ProgressBar:
    """A one-line text progress bar for long commands (written to standard error)."""

    def __init__(self, stream: TextIO | None = None, width: int = 30) -> None:
        self.stream = stream or sys.stderr
        self.width = width
        self._last = ""

    def __call__(self, fraction: float, message: str) -> None:
        filled = round(self.width * max(0.0, min(1.0, fraction)))
        line = f"\r[{'#' * filled}{'.' * (self.width - filled)}] {fraction:4.0%} {message}"
        pad = " " * max(0, len(self._last) - len(line))
        self.stream.write(line + pad)
        if fraction >= 1.0:
            self.stream.write("\n")
        self.stream.flush()
        self._last = line


def command_settings(args: argparse.Namespace) -> Settings:
    """Return the settings, with the database URL of ``--database-url`` when given."""
    settings = get_settings()
    if args.database_url:
        settings = settings.replace(database_url=args.database_url)
    return settings


def command_engine(settings: Settings) -> Engine:
    """Return an engine on the settings' database, after checking that it answers."""
    from community_map.storage import check_connection, create_db_engine

    engine = create_db_engine(
        settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms
    )
    check_connection(engine)
    return engine


def writable_output(path: str | Path, *, option: str | None = None) -> Path:
    """Return ``path`` once it is sure a file can be written there; refuse it otherwise.

    Commands call this before they read or write any data, so a command that would fail
    at its last step (an output folder that does not exist) fails first and writes
    nothing.

    Raises
    ------
    ValidationError
        When the folder does not exist or cannot be written to, or ``path`` is a folder.

    Examples
    --------
    >>> try:
    ...     writable_output("/no/such/folder/report.csv")
    ... except ValidationError as error:
    ...     print("does not exist" in str(error), "report.csv" in str(error))
    True True
    """
    target = Path(path)
    what = target.name if option is None else f"{option} {target.name}"
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise ValidationError(
            _("{path} is a folder: give a file name for {what}. Nothing was written.").format(
                path=target, what=what
            )
        )
    if not folder.is_dir():
        raise ValidationError(
            _(
                "The folder {folder} does not exist: create it or choose another place for "
                "{what}. Nothing was written."
            ).format(folder=folder, what=what)
        )
    if not os.access(folder, os.W_OK) or (target.exists() and not os.access(target, os.W_OK)):
        raise ValidationError(
            _(
                "Cannot write {path}: you have no permission to write there. Choose another "
                "place. Nothing was written."
            ).format(path=target)
        )
    return target
