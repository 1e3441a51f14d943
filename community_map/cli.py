"""The ``community-map`` command: set up the database, load demo data, manage users, serve.

Every error is reported on one line with a non-zero exit status, never a traceback
(set ``COMMUNITY_MAP_DEBUG=1`` to see one).
"""

from __future__ import annotations

import argparse
import getpass
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from community_map import i18n
from community_map.auth import Actor
from community_map.errors import CommunityMapError, ValidationError
from community_map.i18n import gettext as _
from community_map.models import Role
from community_map.settings import Settings, get_settings

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
        description=_("Map territory assets, plan community actions and measure social "
                      "networks over time."),
    )
    parser.add_argument(
        "--database-url",
        help=_("SQLAlchemy URL of the database (overrides the database_url setting)."),
    )
    sub = parser.add_subparsers(dest="command", metavar=_("COMMAND"), parser_class=_Parser)
    sub.required = True

    sub.add_parser("init", help=_("Create or upgrade the database tables (migrate)."),
                   description=_("Create or upgrade the database tables (migrate)."))

    demo = sub.add_parser("demo", help=_("Load the demo data into an empty database."),
                          description=_("Create the tables if needed and load the demo data "
                                        "(Barcelona, September 2022 - September 2023) into an "
                                        "empty database."))
    demo.add_argument("--scale", choices=["default", "city"], default="default",
                      help=_("default: about 300 participants; city: about 20,000 participants, "
                             "5,000 sessions, 100,000 attendance rows and 10,000 assets."))
    demo.add_argument("--seed", type=int, default=2022, help=_("Seed of the random generator."))

    serve = sub.add_parser("serve", help=_("Start the web app."),
                           description=_("Start the web app. With --demo, use a demo database "
                                         "(created and filled on first use) and list the demo "
                                         "accounts on the login page."))
    serve.add_argument("--demo", action="store_true",
                       help=_("Serve the demo data (database community_map_demo.db unless "
                              "--database-url is given)."))
    serve.add_argument("--port", type=int, default=8501, help=_("Port to listen on."))
    serve.add_argument("--host", default="localhost", help=_("Address to listen on."))
    serve.add_argument("--headless", action="store_true",
                       help=_("Do not open a browser window."))

    user = sub.add_parser("user", help=_("Manage user accounts."),
                          description=_("Manage user accounts."))
    user_sub = user.add_subparsers(dest="user_command", metavar=_("ACTION"), parser_class=_Parser)
    user_sub.required = True
    add = user_sub.add_parser("add", help=_("Create a user account."),
                              description=_("Create a user account. The password is asked "
                                            "twice, or read from standard input with "
                                            "--password-stdin."))
    add.add_argument("username", help=_("Login name (lower-case letters, digits, . _ -)."))
    add.add_argument("--role", required=True, choices=[r.value for r in Role],
                     help=_("Role of the account."))
    add.add_argument("--display-name", default="", help=_("Name shown in the app."))
    add.add_argument("--password-stdin", action="store_true",
                     help=_("Read the password from the first line of standard input."))
    user_sub.add_parser("list", help=_("List user accounts."),
                        description=_("List user accounts."))
    return parser


def _settings(args: argparse.Namespace) -> Settings:
    settings = get_settings()
    if args.database_url:
        settings = settings.replace(database_url=args.database_url)
    return settings


def _engine(settings: Settings):  # type: ignore[no-untyped-def]
    from community_map.storage import check_connection, create_db_engine

    engine = create_db_engine(settings.database_url,
                              busy_timeout_ms=settings.sqlite_busy_timeout_ms)
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
    counts = generate_demo(engine, actor=Actor.command_line(), scale=scale, seed=seed,
                           progress=ProgressBar())
    summary = ", ".join(f"{table} {n:,}" for table, n in counts.items()
                        if table in ("assets", "participants", "sessions", "attendance",
                                     "services", "territory_units"))
    out.write(_("Demo data loaded: {summary}.").format(summary=summary) + "\n")


def _cmd_demo(args: argparse.Namespace, out: TextIO) -> int:
    _load_demo(_settings(args), args.scale, args.seed, out)
    return 0


def app_path() -> Path:
    """Return the path of the Streamlit entry ``app.py`` of this checkout."""
    candidates = [Path(__file__).resolve().parent.parent / "app.py", Path.cwd() / "app.py"]
    for path in candidates:
        if path.is_file():
            return path
    raise CommunityMapError(
        _("Cannot find app.py. Run the command from the community_map checkout, where app.py "
          "is.")
    )


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
    command = [sys.executable, "-m", "streamlit", "run", str(app_path()),
               "--server.port", str(args.port), "--server.address", args.host,
               "--browser.gatherUsageStats", "false"]
    if args.headless:
        command += ["--server.headless", "true"]
    out.write(_("Starting the app on http://{host}:{port} (Ctrl+C to stop).").format(
        host=args.host, port=args.port) + "\n")
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
            _("No terminal to ask for the password: pass --password-stdin and write the "
              "password on standard input.")
        )
    first = getpass.getpass(_("Password: "))
    second = getpass.getpass(_("Repeat the password: "))
    if first != second:
        raise ValidationError(_("The two passwords differ; nothing was written."))
    return first


def _cmd_user(args: argparse.Namespace, out: TextIO) -> int:
    from sqlalchemy import select

    from community_map import services
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
        services.add_user(session, actor=Actor.command_line(), username=args.username,
                          password=password, role=args.role, display_name=args.display_name)
    out.write(_("User {name} created with role {role}.").format(
        name=args.username.strip().lower(), role=args.role) + "\n")
    return 0


COMMANDS = {"init": _cmd_init, "demo": _cmd_demo, "serve": _cmd_serve, "user": _cmd_user}


def main(argv: Sequence[str] | None = None, *, out: TextIO | None = None) -> int:
    """Run the command line; return the exit status."""
    i18n.set_language(i18n.language_from_locale(
        os.environ.get("LC_ALL") or os.environ.get("LC_MESSAGES") or os.environ.get("LANG")))
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
        message = _("{prog}: unexpected error: {kind}: {message}. Run again with "
                    "COMMUNITY_MAP_DEBUG=1 to see the details.")
        sys.stderr.write(
            message.format(prog=PROG, kind=type(exc).__name__, message=exc) + "\n"
        )
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
