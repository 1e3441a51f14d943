"""``community-map import|export REGISTER FILE``: every register's Excel round trip.

The registers are listed in :data:`community_map.registry.REGISTERS`.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO

from community_map.cli._base import command_engine, command_settings, writable_output
from community_map.errors import ValidationError
from community_map.i18n import gettext as _
from community_map.i18n import ngettext
from community_map.registry import REGISTERS
from community_map.trust import Actor

__all__ = ["export_register_file", "import_register_file"]


def export_register_file(args: argparse.Namespace, out: TextIO) -> int:
    """Write a register (or, with ``--template``, its empty template) to an .xlsx file."""
    from community_map.storage import check_schema, session_scope

    spec = REGISTERS[args.export_command]
    target = writable_output(args.output)
    if target.suffix.lower() != ".xlsx":
        raise ValidationError(
            _("Write the register to an .xlsx file, not {name}.").format(name=target.name)
        )
    if args.template:
        target.write_bytes(spec.template())
        out.write(_("Empty template written to {name}.").format(name=target) + "\n")
        return 0
    engine = command_engine(command_settings(args))
    check_schema(engine)
    with session_scope(engine) as session:
        data = spec.export(session, actor=Actor.command_line())
    target.write_bytes(data)
    out.write(_("Register {register} written to {name}.").format(register=spec.name, name=target))
    out.write("\n")
    return 0


def import_register_file(args: argparse.Namespace, out: TextIO) -> int:
    """Import a register workbook: all or nothing unless ``--skip-bad-rows``; audited."""
    from community_map.storage import check_schema, session_scope

    spec = REGISTERS[args.import_command]
    source = Path(args.file)
    if not source.is_file():
        raise ValidationError(_("There is no file {name}.").format(name=source))
    engine = command_engine(command_settings(args))
    check_schema(engine)
    with session_scope(engine) as session:
        done = spec.load(
            session,
            source.read_bytes(),
            actor=Actor.command_line(),
            path=source.name,
            skip_bad_rows=bool(args.skip_bad_rows),
        )
    out.write(done.summary() + "\n")
    for problem in done.skipped:
        out.write("  " + str(problem) + "\n")
    if done.skipped:
        out.write(
            ngettext(
                "{n} row was not imported; correct it and import the file again.",
                "{n} rows were not imported; correct them and import the file again.",
                len(done.skipped),
            ).format(n=len(done.skipped))
            + "\n"
        )
    return 0
