"""The ``import``, ``export`` and ``network`` commands: data in and out of files."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TextIO, cast

from community_map.cli._base import command_engine, command_settings, writable_output
from community_map.errors import ValidationError
from community_map.i18n import gettext as _
from community_map.i18n import ngettext
from community_map.registry import REGISTERS
from community_map.trust import Actor

__all__ = ["run_export", "run_import", "run_network", "run_participant"]


def _pairs(values: list[str], option: str) -> dict[str, str]:
    pairs = {}
    for value in values:
        key, sep, target = value.partition("=")
        if not sep or not key.strip() or not target.strip():
            raise ValidationError(
                _("{option} takes KEY=VALUE, not {value!r}.").format(option=option, value=value)
            )
        pairs[key.strip()] = target.strip()
    return pairs


def run_import(args: argparse.Namespace, out: TextIO) -> int:
    """``community-map import boundaries|assets``: import a file, all or nothing by default."""
    from community_map import territory
    from community_map.storage import check_schema, session_scope

    if args.import_command in REGISTERS:
        from community_map.cli.register_commands import import_register_file

        return import_register_file(args, out)
    report = (
        writable_output(args.skip_bad_rows, option="--skip-bad-rows")
        if args.import_command == "assets" and args.skip_bad_rows
        else None
    )
    engine = command_engine(command_settings(args))
    check_schema(engine)
    actor = Actor.command_line()
    made = None
    if args.import_command == "boundaries":
        from community_map.territory import boundaries_from_file

        result = boundaries_from_file(
            args.file,
            kind=args.kind,
            crs=args.crs,
            code_column=args.code_column,
            name_column=args.name_column,
            parent_column=args.parent_column,
            population_column=args.population_column,
            layer=args.layer,
        )
        for note in result.messages:
            out.write(note + "\n")
        with session_scope(engine) as session:
            saved = territory.save_boundaries(
                session,
                actor=actor,
                frame=result.frame,
                kind=args.kind,
                source=Path(args.file).name,
            )
    else:
        from community_map.territory import assets_from_file

        result_assets = assets_from_file(
            args.file,
            source=args.source,
            mapping=_pairs(args.map, "--map") or None,
            category_map=_pairs(args.category_map, "--category-map") or None,
            default_category=args.default_category,
            crs=args.crs,
            skip_bad_rows=bool(args.skip_bad_rows),
        )
        for note in result_assets.messages:
            out.write(note + "\n")
        with session_scope(engine) as session:
            saved = territory.import_assets(
                session, actor=actor, frame=result_assets.frame, note=Path(args.file).name
            )
            made = (
                territory.services_for_imported_centres(session, result_assets.frame, actor=actor)
                if not args.no_services
                else None
            )
            if report is not None:  # written before the commit: if it fails, nothing is
                report.write_bytes(result_assets.skipped_report_csv())
        if report is not None:
            out.write(
                ngettext(
                    "{n} row left out; see {report}.",
                    "{n} rows left out; see {report}.",
                    len(result_assets.skipped),
                ).format(n=len(result_assets.skipped), report=report)
                + "\n"
            )
    out.write(
        _("Imported: {created} new, {updated} updated, {unchanged} unchanged.").format(
            created=saved.created, updated=saved.updated, unchanged=saved.unchanged
        )
        + "\n"
    )
    if made is not None and made.created:
        out.write(
            _("{n} services created from the imported centres.").format(n=made.created) + "\n"
        )
    return 0


def run_export(args: argparse.Namespace, out: TextIO) -> int:
    """``community-map export assets``: write the active assets to CSV, Excel or GeoJSON."""
    from community_map import territory as assets
    from community_map.storage import check_schema, session_scope

    if args.export_command in REGISTERS:
        from community_map.cli.register_commands import export_register_file

        return export_register_file(args, out)
    settings = command_settings(args)
    target = writable_output(args.output)
    engine = command_engine(settings)
    check_schema(engine)
    writers = {
        ".csv": assets.assets_to_csv,
        ".xlsx": assets.assets_to_excel,
        ".geojson": assets.assets_to_geojson,
        ".json": assets.assets_to_geojson,
    }
    writer = writers.get(target.suffix.lower())
    if writer is None:
        raise ValidationError(
            _(
                "Cannot tell the format from {name}: use a .csv, .xlsx or .geojson file name."
            ).format(name=target.name)
        )
    with session_scope(engine) as session:
        frame = assets.assets_geoframe(session, stale_after_days=settings.stale_after_days)
    frame = assets.filter_assets(frame, categories=args.category)
    target.write_bytes(writer(frame))
    out.write(_("{n} assets written to {name}.").format(n=len(frame), name=target) + "\n")
    return 0


def run_network(args: argparse.Namespace, out: TextIO) -> int:
    """``community-map network export``: write the networks of every window to a file."""
    from community_map import network
    from community_map.storage import check_schema, session_scope

    target = writable_output(args.output)
    if target.suffix.lower() == ".csv":
        writable_output(target.with_name(target.stem + "_nodes.csv"))
    engine = command_engine(command_settings(args))
    check_schema(engine)
    suffix = target.suffix.lower()
    if suffix not in {".gexf", ".graphml", ".csv", ".xlsx"}:
        raise ValidationError(
            _(
                "Cannot tell the format from {name}: use a .gexf, .graphml, "
                ".csv or .xlsx file name."
            ).format(name=target.name)
        )
    waves = dict(network.parse_wave(text) for text in args.wave)
    with session_scope(engine) as session:
        if args.programme:
            from community_map import activities

            waves = {**activities.programme_waves(session, args.programme), **waves}
        tables = network.series_tables(session, actor=Actor.command_line())
    kind = cast("network.WindowKind", args.windows or ("waves" if waves else "quarter"))
    windows = network.series_windows(
        tables,
        layer=args.layer,
        kind=kind,
        mode=args.mode,
        start=args.start,
        end=args.end,
        waves=waves,
    )
    series = network.network_series(
        tables,
        windows=windows,
        layer=args.layer,
        weighting=args.weighting,
        min_shared=args.min_shared,
        max_session_size=args.max_session_size or None,
    )
    last = series.graphs[windows[-1].name]
    if suffix == ".gexf":
        target.write_bytes(series.to_gexf())
    elif suffix == ".graphml":
        target.write_bytes(network.graph_to_graphml(last))
    elif suffix == ".csv":
        nodes, edges = network.graph_to_csv(last)
        target.write_bytes(edges)
        target.with_name(target.stem + "_nodes.csv").write_bytes(nodes)
    else:
        target.write_bytes(series.to_excel())
    if not series.of_services:  # participant codes left the application: audited
        from community_map.trust import record_export

        graphs = [last] if suffix in {".graphml", ".csv"} else list(series.graphs.values())
        with session_scope(engine) as session:
            record_export(
                session,
                Actor.command_line(),
                "network",
                len({node for G in graphs for node in G.nodes}),
                layer=args.layer,
                file=target.name,
                windows=[w.name for w in windows],
            )
    out.write(_("{n} windows written to {name}.").format(n=len(windows), name=target) + "\n")
    return 0


def run_participant(args: argparse.Namespace, out: TextIO) -> int:
    """``community-map participant export|erase``: subject access and erasure of one code."""
    from community_map import trust
    from community_map.storage import check_schema, session_scope

    engine = command_engine(command_settings(args))
    check_schema(engine)
    actor = Actor.command_line()
    if args.participant_command == "export":
        target = Path(args.output)
        if target.suffix.lower() != ".xlsx":
            raise ValidationError(
                _("Write the record to an .xlsx file, not {name}.").format(name=target.name)
            )
        with session_scope(engine) as session:
            tables = trust.participant_record(session, actor=actor, code=args.code)
            data = trust.participant_record_to_excel(tables)
            target.write_bytes(data)
        out.write(
            _("The record of {code} ({n} rows) written to {name}.").format(
                code=args.code.strip().upper(), n=sum(len(t) for t in tables.values()), name=target
            )
            + "\n"
        )
        return 0
    if not args.yes:
        raise ValidationError(
            _("Erasing a participant cannot be undone: add --yes to confirm. Nothing was erased.")
        )
    with session_scope(engine) as session:
        report = trust.erase_participant(session, actor=actor, code=args.code, reason=args.reason)
    out.write(report.summary() + "\n")
    return 0
