"""The ``community-map`` command: set up the database, load demo data, manage users, serve.

Every error is reported on one line with a non-zero exit status, never a traceback
(set ``COMMUNITY_MAP_DEBUG=1`` to see one).

The parser is in :mod:`community_map.cli.parser`; the commands are in
:mod:`community_map.cli.setup_commands` (init, demo, serve, user) and
:mod:`community_map.cli.data_commands` (import, export, network, participant),
:mod:`community_map.cli.programme_commands` (programme),
:mod:`community_map.cli.instrument_commands` (instrument) and
:mod:`community_map.cli.backup_commands` (backup, restore).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import TextIO

from community_map import i18n
from community_map.cli._base import DEMO_DATABASE_URL, PROG, ProgressBar
from community_map.cli.backup_commands import run_backup, run_restore
from community_map.cli.data_commands import run_export, run_import, run_network, run_participant
from community_map.cli.instrument_commands import run_instrument
from community_map.cli.parser import build_parser
from community_map.cli.programme_commands import run_programme
from community_map.cli.setup_commands import app_path, run_demo, run_init, run_serve, run_user
from community_map.errors import CommunityMapError
from community_map.i18n import gettext as _

__all__ = [
    "COMMANDS",
    "DEMO_DATABASE_URL",
    "PROG",
    "ProgressBar",
    "app_path",
    "build_parser",
    "main",
]

COMMANDS: dict[str, Callable[[argparse.Namespace, TextIO], int]] = {
    "init": run_init,
    "demo": run_demo,
    "serve": run_serve,
    "user": run_user,
    "import": run_import,
    "export": run_export,
    "network": run_network,
    "programme": run_programme,
    "participant": run_participant,
    "instrument": run_instrument,
    "backup": run_backup,
    "restore": run_restore,
}


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the command line; return the exit status."""
    i18n.set_language(
        i18n.language_from_locale(
            os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG")
        )
    )
    stream = out or sys.stdout
    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command](args, stream)
    except SystemExit as exc:
        return int(exc.code or 0) if not isinstance(exc.code, str) else 2
    except CommunityMapError as exc:
        sys.stderr.write(_("{prog}: error: {message}").format(prog=PROG, message=exc) + "\n")
        return 1
    except KeyboardInterrupt:
        sys.stderr.write(_("{prog}: interrupted").format(prog=PROG) + "\n")
        return 130
    except Exception as exc:
        if os.environ.get("COMMUNITY_MAP_DEBUG"):
            raise
        message = _(
            "{prog}: unexpected error: {kind}: {message}. Run again with "
            "COMMUNITY_MAP_DEBUG=1 to see the details."
        )
        sys.stderr.write(message.format(prog=PROG, kind=type(exc).__name__, message=exc) + "\n")
        return 1
