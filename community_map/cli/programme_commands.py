"""The ``programme`` command: add and list programmes with their measurement points."""

from __future__ import annotations

import argparse
from typing import TextIO

from community_map.cli._base import command_engine, command_settings
from community_map.i18n import gettext as _
from community_map.i18n import ngettext
from community_map.trust import Actor

__all__ = ["run_programme"]


def run_programme(args: argparse.Namespace, out: TextIO) -> int:
    """``community-map programme add|list``: record a programme or list them with their points."""
    from community_map import activities, network
    from community_map.storage import check_schema, session_scope

    engine = command_engine(command_settings(args))
    check_schema(engine)
    if args.programme_command == "add":
        waves = map(network.parse_wave, args.point)
        points = [(name, first, last) for name, (first, last) in waves]
        with session_scope(engine) as session:
            activities.create_programme(
                session,
                actor=Actor.command_line(),
                code=args.code,
                name=args.name,
                starts_on=args.start,
                ends_on=args.end,
                notes=args.notes,
                points=points,
            )
        out.write(
            ngettext(
                "Programme {code} saved with {n} measurement point.",
                "Programme {code} saved with {n} measurement points.",
                len(points),
            ).format(code=args.code.strip(), n=len(points))
            + "\n"
        )
        return 0
    with session_scope(engine) as session:
        frame = activities.programmes_frame(session)
        options = activities.programme_wave_options(session)
    if frame.empty:
        out.write(_("No programmes yet; add one with 'community-map programme add'.") + "\n")
    for row in frame.itertuples(index=False):
        label = f"{row.code}: {row.name}"
        out.write(f"{label} ({row.starts_on.isoformat()}..{row.ends_on.isoformat()})\n")
        for option in options.get(label, []):
            out.write(f"  --wave {option}\n")
    return 0
