"""The ``instrument`` command: load an assessment instrument from a file, list them."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from community_map.cli._base import command_engine, command_settings
from community_map.errors import ValidationError
from community_map.i18n import gettext as _
from community_map.trust import Actor

__all__ = ["run_instrument"]


def run_instrument(args: argparse.Namespace, out: TextIO) -> int:
    """``community-map instrument load FILE [--check]|list``."""
    from community_map import i18n
    from community_map.evaluation import (
        available_instruments,
        read_instrument_file,
        store_instrument,
    )
    from community_map.storage import check_schema, session_scope

    engine = command_engine(command_settings(args))
    check_schema(engine)
    language = i18n.get_language()
    if args.instrument_command == "load":
        source = Path(args.file)
        if not source.is_file():
            raise ValidationError(_("There is no file {name}.").format(name=source))
        with session_scope(engine) as session:
            if args.check:
                tool = read_instrument_file(session, source)
            else:
                tool = store_instrument(session, source, actor=Actor.command_line())
        message = (
            _("{file} is a valid instrument: {code} ({name}), {domains} domains, levels {levels}.")
            if args.check
            else _("Instrument {code} ({name}) stored: {domains} domains, levels {levels}.")
        )
        out.write(
            message.format(
                file=source.name,
                code=tool.code,
                name=tool.name_in(language),
                domains=len(tool.domains),
                levels=f"{tool.levels[0]}-{tool.levels[-1]}",
            )
            + "\n"
        )
        return 0
    with session_scope(engine) as session:
        tools = available_instruments(session)
    for code, tool in sorted(tools.items()):
        out.write(
            _(
                "{code} ({name}), edition {version}: {domains} domains, levels {levels}, "
                "information at most {days} days old"
            ).format(
                code=code,
                name=tool.name_in(language),
                version=tool.version or "-",
                domains=len(tool.domains),
                levels=f"{tool.levels[0]}-{tool.levels[-1]}",
                days=tool.max_information_age_days,
            )
            + "\n"
        )
    return 0
