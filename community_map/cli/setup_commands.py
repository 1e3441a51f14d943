"""The ``init``, ``demo``, ``serve`` and ``user`` commands: set up, fill and serve a database."""

from __future__ import annotations

import argparse
import getpass
import os
import subprocess
import sys
from pathlib import Path
from typing import TextIO

from community_map.cli._base import (
    DEMO_DATABASE_URL,
    ProgressBar,
    command_engine,
    command_settings,
)
from community_map.errors import ValidationError
from community_map.i18n import gettext as _
from community_map.settings import Settings
from community_map.trust import Actor

__all__ = ["app_path", "run_demo", "run_init", "run_serve", "run_user"]


def run_init(args: argparse.Namespace, out: TextIO) -> int:
    """``community-map init``: create or upgrade the tables."""
    from community_map.storage import migrate

    settings = command_settings(args)
    revision = migrate(command_engine(settings))
    out.write(_("The database is ready (migration {revision}).").format(revision=revision) + "\n")
    return 0


def _load_demo(settings: Settings, scale: str, seed: int, out: TextIO) -> None:
    from community_map.demo import generate_demo
    from community_map.storage import migrate

    engine = command_engine(settings)
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


def run_demo(args: argparse.Namespace, out: TextIO) -> int:
    """``community-map demo``: load the demo data into an empty database."""
    _load_demo(command_settings(args), args.scale, args.seed, out)
    return 0


def app_path() -> Path:
    """Return the path of the Streamlit entry script inside the installed package."""
    return Path(__file__).resolve().parent.parent / "ui" / "streamlit_app.py"


def run_serve(args: argparse.Namespace, out: TextIO) -> int:
    """``community-map serve``: start the web app (on the demo data with ``--demo``)."""
    from community_map.demo import is_demo_database
    from community_map.storage import check_schema, current_revision

    settings = command_settings(args)
    env = dict(os.environ)
    if args.demo:
        if not args.database_url and "COMMUNITY_MAP_DATABASE_URL" not in os.environ:
            settings = settings.replace(database_url=DEMO_DATABASE_URL)
        engine = command_engine(settings)
        if current_revision(engine) is None or not is_demo_database(engine):
            out.write(_("Preparing the demo database (first run only)...") + "\n")
            _load_demo(settings, "default", 2022, out)
        env["COMMUNITY_MAP_DEMO"] = "true"
    else:
        engine = command_engine(settings)
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


def run_user(args: argparse.Namespace, out: TextIO) -> int:
    """``community-map user add|list|unlock``: create, list or unlock user accounts."""
    from sqlalchemy import select

    from community_map import trust
    from community_map.models import User
    from community_map.storage import check_schema, session_scope

    engine = command_engine(command_settings(args))
    check_schema(engine)
    if args.user_command == "list":
        with session_scope(engine) as session:
            for user in session.scalars(select(User).order_by(User.username)):
                state = _("active") if user.is_active else _("inactive")
                out.write(f"{user.username}\t{user.role}\t{state}\t{user.display_name}\n")
        return 0
    if args.user_command == "unlock":
        with session_scope(engine) as session:
            trust.unlock_user(session, actor=Actor.command_line(), username=args.username)
        out.write(_("User {name} may log in again.").format(name=args.username) + "\n")
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
