"""The ``backup`` and ``restore`` commands: copy the whole database to a file and back."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from community_map.cli._base import ProgressBar, command_engine, command_settings
from community_map.errors import ValidationError
from community_map.i18n import gettext as _
from community_map.trust import Actor, backup_database, read_backup, restore_database

__all__ = ["run_backup", "run_restore"]


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def run_backup(args: argparse.Namespace, out: TextIO) -> int:
    """``community-map backup PATH``: write a consistent copy of the database to PATH."""
    engine = command_engine(command_settings(args))
    out.write(
        _("Backing up {url} to {path}...").format(
            url=engine.url.render_as_string(hide_password=True), path=args.path
        )
        + "\n"
    )
    out.flush()
    info = backup_database(
        engine, Path(args.path), actor=Actor.command_line(), progress=ProgressBar()
    )
    out.write(
        _("Backup written: {path} ({size}, migration {revision}).").format(
            path=info.path, size=_megabytes(info.size), revision=info.revision
        )
        + "\n"
    )
    return 0


def _confirmed(args: argparse.Namespace, target: str, out: TextIO) -> bool:
    if args.yes:
        return True
    if not sys.stdin.isatty():
        raise ValidationError(
            _(
                "A restore replaces all the data of {target}; pass --yes to confirm. "
                "Nothing was changed."
            ).format(target=target)
        )
    out.write(
        _("This replaces ALL the data of {target} with the backup. Type yes to go on: ").format(
            target=target
        )
    )
    out.flush()
    return sys.stdin.readline().strip().lower() in {"yes", _("yes").lower()}


def run_restore(args: argparse.Namespace, out: TextIO) -> int:
    """``community-map restore PATH [--yes]``: replace the database with a backup."""
    engine = command_engine(command_settings(args))
    target = engine.url.render_as_string(hide_password=True)
    info = read_backup(Path(args.path), expected=engine.dialect.name)
    out.write(
        _("{path}: a {kind} backup at migration {revision} ({size}).").format(
            path=info.path, kind=info.dialect, revision=info.revision, size=_megabytes(info.size)
        )
        + "\n"
    )
    if not _confirmed(args, target, out):
        out.write(_("Restore cancelled; nothing was changed.") + "\n")
        return 1
    restore_database(engine, info.path, actor=Actor.command_line(), progress=ProgressBar())
    out.write(_("Restored {path} into {target}.").format(path=info.path, target=target) + "\n")
    return 0
