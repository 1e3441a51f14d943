"""Database plumbing: one engine per URL, Alembic migrations and schema checks.

SQLite is the default; every SQLite connection gets WAL, a busy timeout and foreign
keys. Any SQLAlchemy URL (for example PostgreSQL) runs the same migrations.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from community_map._limits import check_flush
from community_map.errors import DatabaseUnavailableError, SchemaVersionError
from community_map.i18n import gettext as _

__all__ = [
    "MIGRATIONS_DIR",
    "check_connection",
    "check_schema",
    "create_db_engine",
    "current_revision",
    "head_revision",
    "migrate",
    "session_factory",
    "session_scope",
]

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

# The input policy's last guard: text longer than its column, whole numbers out of range
# and non-finite coordinates are refused with a clear message on every session, before
# the database sees them (PostgreSQL's own errors quote the SQL and its parameters).
if not event.contains(Session, "before_flush", check_flush):
    event.listen(Session, "before_flush", check_flush)


def _redacted(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return url


def create_db_engine(url: str, *, busy_timeout_ms: int = 5000) -> Engine:
    """Create an engine for ``url``, checking that the URL is well formed.

    Parameters
    ----------
    url
        Any SQLAlchemy URL, e.g. ``sqlite:///community_map.db`` or
        ``postgresql+psycopg://user@127.0.0.1:5432/test``.
    busy_timeout_ms
        SQLite only: how long to wait for a concurrent writer.

    Returns
    -------
    sqlalchemy.Engine

    Examples
    --------
    >>> engine = create_db_engine("sqlite://")
    >>> engine.dialect.name
    'sqlite'
    """
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise DatabaseUnavailableError(
            _(
                "The database URL {url!r} is not valid. Use a SQLAlchemy URL such as "
                "sqlite:///community_map.db or postgresql+psycopg://user@host:5432/dbname."
            ).format(url=url)
        ) from None
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql" and parsed.get_driver_name() in ("", "psycopg2"):
        # psycopg 3 is the driver we install; accept plain postgresql:// URLs too.
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() == "postgresql":
        kwargs["connect_args"] = {"connect_timeout": 5}
    try:
        engine = create_engine(parsed, pool_pre_ping=True, **kwargs)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise DatabaseUnavailableError(
            _(
                "Cannot use the database URL {url}: {reason}. Check the driver name "
                "(sqlite, postgresql+psycopg) and that its package is installed."
            ).format(url=_redacted(url), reason=exc)
        ) from None
    if engine.dialect.name == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            folder = Path(database).expanduser().resolve().parent
            if not folder.is_dir():
                raise DatabaseUnavailableError(
                    _(
                        "The folder {folder} for the SQLite database does not exist; create it "
                        "or change the database URL."
                    ).format(folder=folder)
                )

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            cursor = dbapi_connection.cursor()
            cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

    return engine


def check_connection(engine: Engine) -> None:
    """Open a connection, or raise a clear error if the database cannot be reached."""
    try:
        with engine.connect():
            pass
    except (OperationalError, SQLAlchemyError, OSError) as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise DatabaseUnavailableError(
            _(
                "Cannot connect to the database {url}: {reason}. Check that the server is "
                "running and the URL is right (setting database_url)."
            ).format(url=engine.url.render_as_string(hide_password=True), reason=reason)
        ) from None


def _alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["engine"] = engine
    return config


def head_revision() -> str:
    """Return the newest migration revision known to this version of the code."""
    script = ScriptDirectory.from_config(_alembic_config(create_engine("sqlite://")))
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """Return the migration revision the database is at, or None if it was never migrated."""
    check_connection(engine)
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def _known_revisions() -> set[str]:
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    return {rev.revision for rev in script.walk_revisions()}


def migrate(engine: Engine) -> str:
    """Bring the database schema up to date; return the revision it is now at.

    Raises
    ------
    SchemaVersionError
        If the database was migrated by a newer version of community_map.
    """
    revision = current_revision(engine)
    if revision is not None and revision not in _known_revisions():
        raise _newer_schema_error(revision)
    command.upgrade(_alembic_config(engine), "head")
    return head_revision()


def _newer_schema_error(revision: str) -> SchemaVersionError:
    return SchemaVersionError(
        _(
            "The database is at migration {revision}, which this version of community_map does "
            "not know: it was upgraded by a newer version. Upgrade community_map; nothing was "
            "changed."
        ).format(revision=revision)
    )


def check_schema(engine: Engine) -> None:
    """Raise unless the database schema is exactly at this code's head revision."""
    revision = current_revision(engine)
    if revision is None:
        if inspect(engine).get_table_names():
            raise SchemaVersionError(
                _(
                    "The database has tables but no community_map migration history; point "
                    "database_url at an empty database or a community_map one."
                )
            )
        raise SchemaVersionError(
            _("The database is empty. Run `community-map init` to create the tables.")
        )
    if revision not in _known_revisions():
        raise _newer_schema_error(revision)
    if revision != head_revision():
        raise SchemaVersionError(
            _(
                "The database schema is older than this version of community_map. Run "
                "`community-map init` to upgrade it."
            )
        )


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory bound to ``engine`` (objects stay usable after commit)."""
    return sessionmaker(engine, expire_on_commit=False)


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Yield a session that commits on success and rolls back on any error."""
    session = session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
