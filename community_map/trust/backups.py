"""Backups of the whole database and their restore, for SQLite and PostgreSQL.

SQLite is copied with SQLite's online backup API: a consistent copy of every committed
transaction, including those still in the write-ahead log (copying the ``.db`` file
misses them), taken while the app goes on writing. PostgreSQL is dumped with
``pg_dump --format=custom`` and restored with ``pg_restore --clean --if-exists`` in one
transaction. A restore checks that the file is a community_map backup of the same kind of
database at a migration this version knows, replaces every table, upgrades the schema if
the backup is older, and records the restore in the audit log of the restored data.
Backups hold every account and all personal data: only administrators take and restore
them.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import re
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.engine import URL

from community_map import storage
from community_map.errors import BackupError
from community_map.i18n import gettext as _
from community_map.trust import audit
from community_map.trust.permissions import Actor, Permission, require

__all__ = ["BackupInfo", "backup_database", "read_backup", "restore_database"]

Progress = Callable[[float, str], None]

SQLITE_MAGIC = b"SQLite format 3\x00"
# Where Debian and Ubuntu install the PostgreSQL server's own copies of the client tools.
PG_INSTALL_ROOT = Path("/usr/lib/postgresql")
PG_DUMP_MAGIC = b"PGDMP"


@dataclass(frozen=True)
class BackupInfo:
    """What a backup file holds: the kind of database, its migration and its size."""

    path: Path
    dialect: str
    revision: str
    size: int


def _noop(_fraction: float, _message: str) -> None:
    return None


def _sqlite_file(engine: Engine) -> Path:
    database = engine.url.database or ""
    if not database or database == ":memory:" or database.startswith("file:"):
        raise BackupError(
            _(
                "The database {url} is not a SQLite file; backups of SQLite need a database "
                "URL such as sqlite:///community_map.db."
            ).format(url=engine.url.render_as_string(hide_password=True))
        )
    return Path(database).expanduser().resolve()


def _check_dialect(engine: Engine) -> str:
    name = engine.dialect.name
    if name not in ("sqlite", "postgresql"):
        raise BackupError(
            _("Backups support SQLite and PostgreSQL databases, not {name}.").format(name=name)
        )
    return name


def _check_target(path: Path, engine: Engine) -> Path:
    path = Path(path).expanduser().resolve()
    if not path.parent.is_dir():
        raise BackupError(
            _("The folder {folder} does not exist; create it or choose another path.").format(
                folder=path.parent
            )
        )
    if path.is_dir():
        raise BackupError(_("{path} is a folder; give the backup file's name.").format(path=path))
    if engine.dialect.name == "sqlite" and path == _sqlite_file(engine):
        raise BackupError(
            _("{path} is the database itself; write the backup to another file.").format(path=path)
        )
    return path


def backup_database(
    engine: Engine, path: Path, *, actor: Actor, progress: Progress | None = None
) -> BackupInfo:
    """Write a consistent backup of the whole database to ``path``; audited.

    The app may keep running and writing meanwhile. The file is written beside ``path``
    and renamed into place at the end, so ``path`` is never half written.

    Parameters
    ----------
    engine
        The database to back up (SQLite file or PostgreSQL).
    path
        The backup file to write (replaced if it exists).
    actor
        Who takes it; needs the permission to manage users (administrators).
    progress
        Called with a fraction in [0, 1] and a message as the work goes on.

    Returns
    -------
    BackupInfo
        The file written, the kind of database, its migration and the size in bytes.

    Raises
    ------
    BackupError
        When the backup cannot be written (missing folder, no ``pg_dump``, ...).

    Examples
    --------
    >>> backup_database(engine, Path("backups/2026-01-31.db"), actor=admin)  # doctest: +SKIP
    BackupInfo(path=..., dialect='sqlite', revision='0003', size=1843200)
    """
    require(actor, Permission.MANAGE_USERS)
    report = progress or _noop
    dialect = _check_dialect(engine)
    target = _check_target(path, engine)
    if storage.current_revision(engine) is None:  # any migration: back up before upgrading
        raise BackupError(
            _(
                "The database {url} has no community_map tables yet; there is nothing to back up."
            ).format(url=engine.url.render_as_string(hide_password=True))
        )
    part = target.with_name(target.name + ".part")
    part.unlink(missing_ok=True)
    report(0.0, _("Copying the database..."))
    try:
        if dialect == "sqlite":
            _sqlite_backup(engine, part)
        else:
            _pg_dump(engine, part)
        report(0.8, _("Checking the copy..."))
        info = read_backup(part, expected=dialect, known_only=False)
        os.replace(part, target)
    finally:
        part.unlink(missing_ok=True)
    info = BackupInfo(target, info.dialect, info.revision, target.stat().st_size)
    with storage.session_scope(engine) as session:
        audit.record(
            session,
            actor,
            "backup",
            "database",
            None,
            after={"file": str(target), "bytes": info.size, "revision": info.revision},
        )
    report(1.0, _("Backup written."))
    return info


def _sqlite_backup(engine: Engine, part: Path) -> None:
    """Copy the live database with the online backup API, in one step (one snapshot)."""
    raw = engine.raw_connection()
    try:
        source = raw.driver_connection
        assert isinstance(source, sqlite3.Connection)
        with contextlib.closing(sqlite3.connect(part)) as copy:
            source.backup(copy, pages=-1)
            # a self-contained file: no -wal beside it
            copy.execute("PRAGMA journal_mode=DELETE")
    except sqlite3.Error as exc:
        raise BackupError(
            _("The database could not be copied: {reason}.").format(reason=exc)
        ) from None
    finally:
        raw.close()


@contextlib.contextmanager
def _open_sqlite_backup(path: Path) -> Iterator[sqlite3.Connection]:
    with contextlib.closing(sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)) as conn:
        yield conn


def read_backup(path: Path, *, expected: str | None = None, known_only: bool = True) -> BackupInfo:
    """Check that ``path`` is a community_map backup and say what it holds.

    Parameters
    ----------
    path
        The file to check.
    expected
        ``"sqlite"`` or ``"postgresql"``: refuse a backup of the other kind.
    known_only
        Refuse a backup at a migration this version does not know (a newer version's).

    Raises
    ------
    BackupError
        When the file is missing, is not a backup (not a SQLite database or a
        ``pg_dump`` custom-format archive of community_map), is damaged, is of the
        other kind of database, or comes from a newer version of community_map.

    Examples
    --------
    >>> read_backup(Path("backups/2026-01-31.db")).revision  # doctest: +SKIP
    '0003'
    """
    path = Path(path).expanduser().resolve()
    if not path.is_file():
        raise BackupError(_("There is no file {path}.").format(path=path))
    with path.open("rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    if head.startswith(SQLITE_MAGIC):
        dialect, revision = "sqlite", _sqlite_revision(path)
    elif head.startswith(PG_DUMP_MAGIC):
        dialect, revision = "postgresql", _pg_revision(path)
    else:
        raise BackupError(
            _(
                "{path} is not a community_map backup: it is neither a SQLite database nor a "
                "pg_dump archive. Choose a file written by `community-map backup`."
            ).format(path=path)
        )
    if expected is not None and dialect != expected:
        raise BackupError(
            _(
                "{path} is a backup of a {kind} database, but this database is {target}; "
                "restore it into a database of the same kind."
            ).format(path=path, kind=dialect, target=expected)
        )
    if known_only and revision not in storage.known_revisions():
        raise BackupError(
            _(
                "{path} was written by a newer version of community_map (migration "
                "{revision}); upgrade community_map to restore it. Nothing was changed."
            ).format(path=path, revision=revision)
        )
    return BackupInfo(path, dialect, revision, path.stat().st_size)


def _not_community_map(path: Path) -> BackupError:
    return BackupError(
        _(
            "{path} is a database but not a community_map backup (it has no migration "
            "history); choose a file written by `community-map backup`."
        ).format(path=path)
    )


def _sqlite_revision(path: Path) -> str:
    try:
        with _open_sqlite_backup(path) as conn:
            check = conn.execute("PRAGMA quick_check").fetchone()
            if not check or check[0] != "ok":
                raise BackupError(
                    _("{path} is damaged (SQLite integrity check failed).").format(path=path)
                )
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
            if not {"alembic_version", "audit_log"} <= tables:
                raise _not_community_map(path)
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.DatabaseError as exc:
        raise BackupError(
            _("{path} cannot be read as a SQLite backup: {reason}.").format(path=path, reason=exc)
        ) from None
    if row is None:
        raise _not_community_map(path)
    return str(row[0])


def _pg_tool(name: str) -> str:
    """The path of ``pg_dump`` or ``pg_restore``: on PATH, else the newest server install."""
    found = shutil.which(name)
    if found:
        return found
    installed = sorted(
        PG_INSTALL_ROOT.glob(f"*/bin/{name}"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if installed:
        return str(installed[-1])
    raise BackupError(
        _(
            "{tool} was not found. Backups of PostgreSQL need the PostgreSQL client tools at "
            "the server's major version or newer: install them (Debian/Ubuntu: apt-get install "
            "postgresql-client) or put {tool} on the PATH."
        ).format(tool=name)
    )


def _pg_command(engine: Engine) -> tuple[str, dict[str, str]]:
    """A libpq URI without the password, and the environment that carries it."""
    url: URL = engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str] | None, what: str) -> str:
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except OSError as exc:
        raise BackupError(
            _("{what} could not be started: {reason}.").format(what=what, reason=exc)
        ) from None
    if done.returncode != 0:
        reason = " ".join(done.stderr.strip().splitlines()[:3]) or f"exit {done.returncode}"
        raise BackupError(_("{what} failed: {reason}").format(what=what, reason=reason))
    return done.stdout


def _pg_dump(engine: Engine, part: Path) -> None:
    uri, env = _pg_command(engine)
    _run(
        [_pg_tool("pg_dump"), "--format=custom", f"--file={part}", f"--dbname={uri}"],
        env,
        "pg_dump",
    )


def _pg_revision(path: Path) -> str:
    data = _run(
        [_pg_tool("pg_restore"), "--data-only", "--table=alembic_version", "--file=-", str(path)],
        None,
        "pg_restore",
    )
    lines = [*data.splitlines(), "\\."]
    for line, following in itertools.pairwise(lines):
        if re.match(r"COPY \S*alembic_version\b", line) and following != "\\.":
            return following.split("\t")[0].strip()
    raise _not_community_map(path)


def restore_database(
    engine: Engine, path: Path, *, actor: Actor, progress: Progress | None = None
) -> BackupInfo:
    """Replace every table of the database with the backup in ``path``; audited.

    Stop the app first: a restore replaces the data under it. The backup must be of the
    same kind of database (SQLite or PostgreSQL) and at a migration this version knows;
    an older one is upgraded after the restore. The restore is recorded in the audit
    log of the restored data.

    Parameters
    ----------
    engine
        The database to replace (it may be empty, or a new SQLite file).
    path
        A file written by :func:`backup_database`.
    actor
        Who restores; needs the permission to manage users (administrators).
    progress
        Called with a fraction in [0, 1] and a message as the work goes on.

    Raises
    ------
    BackupError
        When the file is not a backup, is of the other kind of database, or comes from a
        newer version; nothing is changed then.

    Examples
    --------
    >>> restore_database(engine, Path("backups/2026-01-31.db"), actor=admin)  # doctest: +SKIP
    """
    require(actor, Permission.MANAGE_USERS)
    report = progress or _noop
    dialect = _check_dialect(engine)
    report(0.0, _("Checking the backup..."))
    info = read_backup(path, expected=dialect)
    storage.check_connection(engine)
    engine.dispose()
    report(0.2, _("Replacing the data..."))
    if dialect == "sqlite":
        _sqlite_restore(engine, info.path)
    else:
        uri, env = _pg_command(engine)
        command = [_pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner"]
        command += ["--single-transaction", "--exit-on-error", f"--dbname={uri}", str(info.path)]
        _run(command, env, "pg_restore")
    engine.dispose()
    if storage.current_revision(engine) != storage.head_revision():
        report(0.8, _("Upgrading the restored schema..."))
        storage.migrate(engine)
    with storage.session_scope(engine) as session:
        audit.record(
            session,
            actor,
            "restore",
            "database",
            None,
            after={"file": str(info.path), "revision": info.revision},
        )
    report(1.0, _("Backup restored."))
    return info


def _sqlite_restore(engine: Engine, backup: Path) -> None:
    target = _sqlite_file(engine)
    try:
        with (
            _open_sqlite_backup(backup) as source,
            contextlib.closing(sqlite3.connect(target, timeout=30)) as live,
        ):
            source.backup(live, pages=-1)
            live.execute("PRAGMA journal_mode=WAL")
    except sqlite3.Error as exc:
        raise BackupError(
            _("The backup could not be restored into {target}: {reason}.").format(
                target=target, reason=exc
            )
        ) from None
