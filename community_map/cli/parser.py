"""The argument parser of the ``community-map`` command: its commands and their options."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import TYPE_CHECKING

from community_map.cli._base import PROG, Parser
from community_map.i18n import gettext as _
from community_map.models import Role
from community_map.registry import REGISTERS

if TYPE_CHECKING:
    Commands = argparse._SubParsersAction[Parser]

__all__ = ["build_parser"]


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of the ``community-map`` command."""
    parser = Parser(
        prog=PROG,
        description=_(
            "Map territory assets, plan community actions and measure social networks over time."
        ),
    )
    parser.add_argument(
        "--database-url",
        help=_("SQLAlchemy URL of the database (overrides the database_url setting)."),
    )
    sub = _subcommands(parser, "command", _("COMMAND"))
    _command(sub, "init", _("Create or upgrade the database tables (migrate)."))
    _add_demo(sub)
    _add_serve(sub)
    _add_user(sub)
    _add_import(sub)
    _add_export(sub)
    _add_network(sub)
    _add_programme(sub)
    _add_participant(sub)
    _add_instrument(sub)
    _add_backup(sub)
    return parser


def _subcommands(parser: argparse.ArgumentParser, dest: str, metavar: str) -> Commands:
    """Give ``parser`` required subcommands, whose name goes to ``args.<dest>``."""
    sub = parser.add_subparsers(dest=dest, metavar=metavar, parser_class=Parser)
    sub.required = True
    return sub


def _command(sub: Commands, name: str, help_text: str, description: str | None = None) -> Parser:
    """Add the command ``name``; its description is ``help_text`` unless given."""
    return sub.add_parser(name, help=help_text, description=description or help_text)


def _group(
    sub: Commands,
    name: str,
    help_text: str,
    *,
    dest: str,
    metavar: str,
    description: str | None = None,
) -> Commands:
    """Add the command ``name`` made of subcommands (``community-map NAME ACTION ...``)."""
    return _subcommands(_command(sub, name, help_text, description), dest, metavar)


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(
            _("{text!r} is not a date; write YYYY-MM-DD.").format(text=text)
        ) from exc


def _add_demo(sub: Commands) -> None:
    demo = _command(
        sub,
        "demo",
        _("Load the demo data into an empty database."),
        _(
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


def _add_serve(sub: Commands) -> None:
    serve = _command(
        sub,
        "serve",
        _("Start the web app."),
        _(
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


def _add_user(sub: Commands) -> None:
    user = _group(sub, "user", _("Manage user accounts."), dest="user_command", metavar=_("ACTION"))
    add = _command(
        user,
        "add",
        _("Create a user account."),
        _(
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
    _command(user, "list", _("List user accounts."))
    unlock = _command(
        user,
        "unlock",
        _("Lift a log-in block after repeated failures."),
        _("Lift a log-in block after repeated failures, for example an administrator's."),
    )
    unlock.add_argument("username", help=_("Login name of the account."))


def _add_import(sub: Commands) -> None:
    imp = _group(
        sub,
        "import",
        _("Import boundaries or assets from a file."),
        dest="import_command",
        metavar=_("WHAT"),
        description=_(
            "Import boundaries or assets from a file. An import "
            "is all or nothing unless --skip-bad-rows is given."
        ),
    )
    for spec in REGISTERS.values():
        reg = _command(imp, spec.name, _(spec.help))
        reg.add_argument("file", help=_("The .xlsx file to import."))
        reg.add_argument(
            "--skip-bad-rows",
            action="store_true",
            help=_("Import the good rows and list the rows that were skipped, with the reason."),
        )
    bnd = _command(
        imp,
        "boundaries",
        _("Districts, neighbourhoods or catchment areas."),
        _(
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
    ast = _command(
        imp,
        "assets",
        _("Assets from CSV, Excel, GeoJSON or Open Data BCN files."),
        _(
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
    ast.add_argument(
        "--no-services",
        action="store_true",
        help=_(
            "Do not make a service of each imported social services centre (by default each "
            "becomes a social care service linked to its place)."
        ),
    )


def _add_export(sub: Commands) -> None:
    exp = _group(
        sub, "export", _("Export data to files."), dest="export_command", metavar=_("WHAT")
    )
    for spec in REGISTERS.values():
        reg = _command(exp, spec.name, _(spec.help))
        reg.add_argument("output", help=_("Output file: .xlsx."))
        reg.add_argument(
            "--template",
            action="store_true",
            help=_("Write the empty template (headers and drop-down lists) instead of the data."),
        )
    ea = _command(
        exp,
        "assets",
        _("The active assets as CSV, Excel or GeoJSON."),
        _(
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


def _add_network(sub: Commands) -> None:
    nwk = _group(
        sub,
        "network",
        _("Export networks over time."),
        dest="network_command",
        metavar=_("ACTION"),
    )
    nex = _command(
        nwk,
        "export",
        _("Write the networks of every window to a file."),
        _(
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
        "--programme",
        metavar=_("CODE"),
        help=_(
            "Use the measurement points of this programme as the named waves "
            "(see 'community-map programme list')."
        ),
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


def _add_programme(sub: Commands) -> None:
    prg = _group(
        sub,
        "programme",
        _("Programmes and their measurement points (the waves of the networks)."),
        dest="programme_command",
        metavar=_("ACTION"),
    )
    add = _command(prg, "add", _("Record a programme with its measurement points."))
    add.add_argument("code", help=_("Short unique code, e.g. AMUNT-2022."))
    add.add_argument("--name", required=True, help=_("Name, e.g. 'Amunt! 2022-23'."))
    add.add_argument(
        "--from",
        dest="start",
        type=_iso_date,
        required=True,
        metavar=_("DATE"),
        help=_("First day of the programme."),
    )
    add.add_argument(
        "--to",
        dest="end",
        type=_iso_date,
        required=True,
        metavar=_("DATE"),
        help=_("Last day of the programme."),
    )
    add.add_argument(
        "--point",
        action="append",
        default=[],
        metavar="NAME=START..END",
        help=_(
            "A measurement point, both days included, e.g. T0=2022-09-01..2022-10-31; "
            "repeatable. It must overlap the programme's period."
        ),
    )
    add.add_argument("--notes", default="", help=_("Free notes."))
    _command(prg, "list", _("List the programmes and their measurement points."))


def _add_instrument(sub: Commands) -> None:
    ins = _group(
        sub,
        "instrument",
        _("Assessment instruments (SSM-Cat...): load a definition file, list them."),
        dest="instrument_command",
        metavar=_("ACTION"),
    )
    load = _command(
        ins,
        "load",
        _("Check an instrument file (JSON) and keep it in the database."),
        _(
            "Check an instrument file (JSON: code, version, name, levels 1..n and domains "
            "with labels in ca/es/en, level descriptions per domain, information age) and "
            "keep it in the database, for every user. A file with the code of a stored "
            "instrument is a new edition of it."
        ),
    )
    load.add_argument("file", help=_("The instrument's JSON file."))
    load.add_argument(
        "--check",
        action="store_true",
        help=_("Only check the file; store nothing."),
    )
    _command(ins, "list", _("List the instruments available for assessments."))


def _add_participant(sub: Commands) -> None:
    part = _group(
        sub,
        "participant",
        _("Participants' rights: export or erase one participant's record."),
        dest="participant_command",
        metavar=_("ACTION"),
    )
    pex = _command(
        part,
        "export",
        _("Write everything held about one participant to an Excel workbook."),
        _(
            "Write everything held about one participant (subject access) to an Excel "
            "workbook, one sheet per table. The export is recorded in the audit log."
        ),
    )
    pex.add_argument("code", help=_("The participant's pseudonymous code."))
    pex.add_argument("output", help=_("Output file: .xlsx."))
    per = _command(
        part,
        "erase",
        _("Erase one participant's personal data, keeping anonymous counts."),
        _(
            "Erase one participant: their row, reported ties, assessments and future "
            "invitations are removed, their attendance is kept under an anonymous code so "
            "that sessions' counts do not change, and their code is removed from notes and "
            "from the audit log. It cannot be undone."
        ),
    )
    per.add_argument("code", help=_("The participant's pseudonymous code."))
    per.add_argument(
        "--reason",
        required=True,
        help=_("Why (for example the date and reference of the request); no personal details."),
    )
    per.add_argument(
        "--yes", action="store_true", help=_("Confirm the erasure (it cannot be undone).")
    )


def _add_backup(sub: Commands) -> None:
    backup = _command(
        sub,
        "backup",
        _("Write a consistent backup of the whole database to a file."),
        _(
            "Write a consistent backup of the whole database to a file, while the app "
            "keeps running: SQLite with its online backup API, PostgreSQL with pg_dump "
            "(custom format)."
        ),
    )
    backup.add_argument("path", help=_("The backup file to write (replaced if it exists)."))
    restore = _command(
        sub,
        "restore",
        _("Replace all the data with a backup."),
        _(
            "Replace all the data of the database with a file written by backup. Stop "
            "the app first. The file must be a backup of the same kind of database, at a "
            "migration this version knows (an older one is upgraded)."
        ),
    )
    restore.add_argument("path", help=_("The backup file to restore."))
    restore.add_argument(
        "--yes", action="store_true", help=_("Do not ask for confirmation before replacing.")
    )
