"""The ``community-map`` command: set up the database, load demo data, manage users, serve.

Every error is reported on one line with a non-zero exit status, never a traceback
(set ``COMMUNITY_MAP_DEBUG=1`` to see one).
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO, cast

from community_map import i18n
from community_map.errors import CommunityMapError, ValidationError
from community_map.i18n import gettext as _
from community_map.models import Role
from community_map.settings import Settings, get_settings
from community_map.trust import Actor

__all__ = [
    "COMMANDS",
    "DEMO_DATABASE_URL",
    "PROG",
    "ProgressBar",
    "app_path",
    "build_parser",
    "main",
]

PROG = "community-map"
DEMO_DATABASE_URL = "sqlite:///community_map_demo.db"


class _Parser(argparse.ArgumentParser):
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


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``community-map`` command."""
    parser = _Parser(
        prog=PROG,
        description=_(
            "Map territory assets, plan community actions and measure social networks over time."
        ),
    )
    parser.add_argument(
        "--database-url",
        help=_("SQLAlchemy URL of the database (overrides the database_url setting)."),
    )
    sub = parser.add_subparsers(dest="command", metavar=_("COMMAND"), parser_class=_Parser)
    sub.required = True

    sub.add_parser(
        "init",
        help=_("Create or upgrade the database tables (migrate)."),
        description=_("Create or upgrade the database tables (migrate)."),
    )

    demo = sub.add_parser(
        "demo",
        help=_("Load the demo data into an empty database."),
        description=_(
            "Create the tables if needed and load the demo data "
            "(Barcelona, September 2022 - September 2023) into an "
            "empty database."
        ),
    )
    demo.add_argument(
        "--scale",
        choices=["default", "city"],
        default="default",
        help=_(
            "default: about 300 participants; city: about 20,000 participants, "
            "5,000 sessions, 100,000 attendance rows and 10,000 assets."
        ),
    )
    demo.add_argument("--seed", type=int, default=2022, help=_("Seed of the random generator."))

    serve = sub.add_parser(
        "serve",
        help=_("Start the web app."),
        description=_(
            "Start the web app. With --demo, use a demo database "
            "(created and filled on first use) and list the demo "
            "accounts on the login page."
        ),
    )
    serve.add_argument(
        "--demo",
        action="store_true",
        help=_(
            "Serve the demo data (database community_map_demo.db unless --database-url is given)."
        ),
    )
    serve.add_argument("--port", type=int, default=8501, help=_("Port to listen on."))
    serve.add_argument("--host", default="localhost", help=_("Address to listen on."))
    serve.add_argument("--headless", action="store_true", help=_("Do not open a browser window."))

    user = sub.add_parser(
        "user", help=_("Manage user accounts."), description=_("Manage user accounts.")
    )
    user_sub = user.add_subparsers(dest="user_command", metavar=_("ACTION"), parser_class=_Parser)
    user_sub.required = True
    add = user_sub.add_parser(
        "add",
        help=_("Create a user account."),
        description=_(
            "Create a user account. The password is asked "
            "twice, or read from standard input with "
            "--password-stdin."
        ),
    )
    add.add_argument("username", help=_("Login name (lower-case letters, digits, . _ -)."))
    add.add_argument(
        "--role", required=True, choices=[r.value for r in Role], help=_("Role of the account.")
    )
    add.add_argument("--display-name", default="", help=_("Name shown in the app."))
    add.add_argument(
        "--password-stdin",
        action="store_true",
        help=_("Read the password from the first line of standard input."),
    )
    user_sub.add_parser("list", help=_("List user accounts."), description=_("List user accounts."))

    imp = sub.add_parser(
        "import",
        help=_("Import boundaries or assets from a file."),
        description=_(
            "Import boundaries or assets from a file. An import "
            "is all or nothing unless --skip-bad-rows is given."
        ),
    )
    imp_sub = imp.add_subparsers(dest="import_command", metavar=_("WHAT"), parser_class=_Parser)
    imp_sub.required = True
    bnd = imp_sub.add_parser(
        "boundaries",
        help=_("Districts, neighbourhoods or catchment areas."),
        description=_(
            "Import districts, neighbourhoods or catchment areas from GeoJSON, "
            "TopoJSON, a zipped Shapefile, a GeoPackage or a CSV with a WKT column."
        ),
    )
    bnd.add_argument("file", help=_("The file to import."))
    bnd.add_argument(
        "--kind",
        required=True,
        choices=["district", "neighbourhood", "catchment"],
        help=_("What the polygons are."),
    )
    bnd.add_argument(
        "--crs",
        help=_("Coordinate system when the file declares none, e.g. EPSG:25831 or EPSG:4326."),
    )
    bnd.add_argument("--code-column", help=_("Column with the unit codes."))
    bnd.add_argument("--name-column", help=_("Column with the unit names."))
    bnd.add_argument("--parent-column", help=_("Column with the parent (district) codes."))
    bnd.add_argument("--population-column", help=_("Column with the population."))
    bnd.add_argument("--layer", help=_("Layer to read from a GeoPackage with several."))
    ast = imp_sub.add_parser(
        "assets",
        help=_("Assets from CSV, Excel, GeoJSON or Open Data BCN files."),
        description=_(
            "Import assets from CSV, Excel or GeoJSON, or from Open Data BCN's "
            "equipment list CSV and API JSON as published. Re-importing the same "
            "file updates the assets, never duplicates them."
        ),
    )
    ast.add_argument("file", help=_("The file to import."))
    ast.add_argument(
        "--map",
        action="append",
        default=[],
        metavar="FIELD=COLUMN",
        help=_(
            "Which file column holds a field (name, lon, lat, x, y, category, "
            "address, ...); repeat for several."
        ),
    )
    ast.add_argument(
        "--category-map",
        action="append",
        default=[],
        metavar="LABEL=CODE",
        help=_("Map a source category label to a taxonomy code; repeatable."),
    )
    ast.add_argument(
        "--default-category",
        help=_("Taxonomy code for assets whose source category is not mapped."),
    )
    ast.add_argument("--source", help=_("Name of the source, used to recognise re-imports."))
    ast.add_argument("--crs", help=_("Coordinate system of x/y columns, e.g. EPSG:25831."))
    ast.add_argument(
        "--skip-bad-rows",
        metavar="REPORT.csv",
        help=_(
            "Import the good rows and write the rows left out, with the reason, to this CSV file."
        ),
    )

    exp = sub.add_parser(
        "export", help=_("Export data to files."), description=_("Export data to files.")
    )
    exp_sub = exp.add_subparsers(dest="export_command", metavar=_("WHAT"), parser_class=_Parser)
    exp_sub.required = True
    ea = exp_sub.add_parser(
        "assets",
        help=_("The active assets as CSV, Excel or GeoJSON."),
        description=_(
            "Export the active assets as CSV, Excel or GeoJSON "
            "(the format follows the file extension)."
        ),
    )
    ea.add_argument("output", help=_("Output file: .csv, .xlsx or .geojson."))
    ea.add_argument(
        "--category",
        action="append",
        default=[],
        help=_("Only this taxonomy category; repeatable."),
    )

    nwk = sub.add_parser(
        "network", help=_("Export networks over time."), description=_("Export networks over time.")
    )
    nwk_sub = nwk.add_subparsers(dest="network_command", metavar=_("ACTION"), parser_class=_Parser)
    nwk_sub.required = True
    nex = nwk_sub.add_parser(
        "export",
        help=_("Write the networks of every window to a file."),
        description=_(
            "Write the networks of every window to a file: .gexf (with time "
            "intervals, for Gephi's timeline), .graphml or .csv (the last window), "
            ".xlsx (metrics per window and per node)."
        ),
    )
    nex.add_argument("output", help=_("Output file: .gexf, .graphml, .csv or .xlsx."))
    nex.add_argument(
        "--layer",
        choices=["coattendance", "reported", "both", "services", "professionals", "referrals"],
        default="coattendance",
        help=_("Which network."),
    )
    nex.add_argument(
        "--windows",
        choices=["quarter", "month", "waves"],
        default=None,
        help=_(
            "Quarters or months over the period, or the named waves (default: "
            "waves when --wave is given, else quarters)."
        ),
    )
    nex.add_argument(
        "--from",
        dest="start",
        type=_iso_date,
        metavar=_("DATE"),
        help=_("First day of the period (default: the first date in the data)."),
    )
    nex.add_argument(
        "--to",
        dest="end",
        type=_iso_date,
        metavar=_("DATE"),
        help=_("Last day of the period (default: the last date in the data)."),
    )
    nex.add_argument(
        "--wave",
        action="append",
        default=[],
        metavar="NAME=START..END",
        help=_("A named wave, both days included, e.g. T0=2022-09-01..2022-12-31; repeatable."),
    )
    nex.add_argument(
        "--mode",
        choices=["separate", "cumulative", "sliding"],
        default="separate",
        help=_(
            "Each window on its own, cumulative or "
            "sliding (3 windows), for periods and waves "
            "alike."
        ),
    )
    nex.add_argument(
        "--weighting",
        choices=["count", "newman"],
        default="count",
        help=_("Tie weight of shared sessions."),
    )
    nex.add_argument(
        "--min-shared", type=int, default=1, help=_("Minimum shared sessions for a tie.")
    )
    nex.add_argument(
        "--max-session-size",
        type=int,
        default=0,
        help=_("Leave out sessions above N attendees (0: none)."),
    )
    return parser


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            _("{text!r} is not a date; write YYYY-MM-DD.").format(text=text)
        ) from exc


def _settings(args: argparse.Namespace) -> Settings:
    settings = get_settings()
    if args.database_url:
        settings = settings.replace(database_url=args.database_url)
    return settings


def _engine(settings: Settings):  # type: ignore[no-untyped-def]
    from community_map.storage import check_connection, create_db_engine

    engine = create_db_engine(
        settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms
    )
    check_connection(engine)
    return engine


def _cmd_init(args: argparse.Namespace, out: TextIO) -> int:
    from community_map.storage import migrate

    settings = _settings(args)
    revision = migrate(_engine(settings))
    out.write(_("The database is ready (migration {revision}).").format(revision=revision) + "\n")
    return 0


def _load_demo(settings: Settings, scale: str, seed: int, out: TextIO) -> None:
    from community_map.demo import generate_demo
    from community_map.storage import migrate

    engine = _engine(settings)
    migrate(engine)
    counts = generate_demo(
        engine, actor=Actor.command_line(), scale=scale, seed=seed, progress=ProgressBar()
    )
    summary = ", ".join(
        f"{table} {n:,}"
        for table, n in counts.items()
        if table
        in ("assets", "participants", "sessions", "attendance", "services", "territory_units")
    )
    out.write(_("Demo data loaded: {summary}.").format(summary=summary) + "\n")


def _cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    _load_demo(_settings(args), args.scale, args.seed, out)
    return 0


def app_path() -> Path:
    """Return the path of the Streamlit entry script inside the installed package."""
    return Path(__file__).resolve().parent / "ui" / "streamlit_app.py"


def _cmd_serve(args: argparse.Namespace, out: TextIO) -> int:
    from community_map.demo import is_demo_database
    from community_map.storage import check_schema, current_revision

    settings = _settings(args)
    env = dict(os.environ)
    if args.demo:
        if not args.database_url and "COMMUNITY_MAP_DATABASE_URL" not in os.environ:
            settings = settings.replace(database_url=DEMO_DATABASE_URL)
        engine = _engine(settings)
        if current_revision(engine) is None or not is_demo_database(engine):
            out.write(_("Preparing the demo database (first run only)...") + "\n")
            _load_demo(settings, "default", 2022, out)
        env["COMMUNITY_MAP_DEMO"] = "true"
    else:
        engine = _engine(settings)
    check_schema(engine)
    env["COMMUNITY_MAP_DATABASE_URL"] = settings.database_url
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app_path()),
        "--server.port",
        str(args.port),
        "--server.address",
        args.host,
        "--browser.gatherUsageStats",
        "false",
    ]
    if args.headless:
        command += ["--server.headless", "true"]
    out.write(
        _("Starting the app on http://{host}:{port} (Ctrl+C to stop).").format(
            host=args.host, port=args.port
        )
        + "\n"
    )
    out.flush()
    try:
        return subprocess.call(command, env=env)
    except KeyboardInterrupt:
        return 0


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise ValidationError(
            _(
                "No terminal to ask for the password: pass --password-stdin and write the "
                "password on standard input."
            )
        )
    first = getpass.getpass(_("Password: "))
    second = getpass.getpass(_("Repeat the password: "))
    if first != second:
        raise ValidationError(_("The two passwords differ; nothing was written."))
    return first


def _cmd_user(args: argparse.Namespace, out: TextIO) -> int:
    from sqlalchemy import select

    from community_map import trust
    from community_map.models import User
    from community_map.storage import check_schema, session_scope

    engine = _engine(_settings(args))
    check_schema(engine)
    if args.user_command == "list":
        with session_scope(engine) as session:
            for user in session.scalars(select(User).order_by(User.username)):
                state = _("active") if user.is_active else _("inactive")
                out.write(f"{user.username}\t{user.role}\t{state}\t{user.display_name}\n")
        return 0
    password = _read_password(args)
    with session_scope(engine) as session:
        trust.add_user(
            session,
            actor=Actor.command_line(),
            username=args.username,
            password=password,
            role=args.role,
            display_name=args.display_name,
        )
    out.write(
        _("User {name} created with role {role}.").format(
            name=args.username.strip().lower(), role=args.role
        )
        + "\n"
    )
    return 0


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


def _cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    from community_map import territory
    from community_map.storage import check_schema, session_scope

    engine = _engine(_settings(args))
    check_schema(engine)
    actor = Actor.command_line()
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
        if args.skip_bad_rows:
            Path(args.skip_bad_rows).write_bytes(result_assets.skipped_report_csv())
            out.write(
                _("{n} rows left out; see {report}.").format(
                    n=len(result_assets.skipped), report=args.skip_bad_rows
                )
                + "\n"
            )
    out.write(
        _("Imported: {created} new, {updated} updated, {unchanged} unchanged.").format(
            created=saved.created, updated=saved.updated, unchanged=saved.unchanged
        )
        + "\n"
    )
    return 0


def _cmd_export(args: argparse.Namespace, out: TextIO) -> int:
    from community_map import territory as assets
    from community_map.storage import check_schema, session_scope

    settings = _settings(args)
    engine = _engine(settings)
    check_schema(engine)
    target = Path(args.output)
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


def _cmd_network(args: argparse.Namespace, out: TextIO) -> int:
    from community_map import network
    from community_map.storage import check_schema, session_scope

    engine = _engine(_settings(args))
    check_schema(engine)
    target = Path(args.output)
    suffix = target.suffix.lower()
    if suffix not in {".gexf", ".graphml", ".csv", ".xlsx"}:
        raise ValidationError(
            _(
                "Cannot tell the format from {name}: use a .gexf, .graphml, "
                ".csv or .xlsx file name."
            ).format(name=target.name)
        )
    waves = dict(network.parse_wave(text) for text in args.wave)
    kind = cast("network.WindowKind", args.windows or ("waves" if waves else "quarter"))
    with session_scope(engine) as session:
        tables = network.series_tables(session)
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
    out.write(_("{n} windows written to {name}.").format(n=len(windows), name=target) + "\n")
    return 0


COMMANDS = {
    "init": _cmd_init,
    "demo": _cmd_demo,
    "serve": _cmd_serve,
    "user": _cmd_user,
    "import": _cmd_import,
    "export": _cmd_export,
    "network": _cmd_network,
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


if __name__ == "__main__":
    raise SystemExit(main())
