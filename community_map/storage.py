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
from sqlalchemy.exc import (
    ArgumentError,
    IntegrityError,
    NoSuchModuleError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from community_map._limits import check_flush
from community_map.errors import (
    ConcurrentEditError,
    DatabaseBusyError,
    DatabaseUnavailableError,
    SchemaVersionError,
)
from community_map.i18n import gettext as _

__all__ = [
    "MIGRATIONS_DIR",
    "check_connection",
    "check_schema",
    "create_db_engine",
    "current_revision",
    "database_errors",
    "head_revision",
    "known_revisions",
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


def known_revisions() -> set[str]:
    """Return every migration revision this version of the code knows (and can upgrade from)."""
    script = ScriptDirectory(str(MIGRATIONS_DIR))
    return {rev.revision for rev in script.walk_revisions()}


_known_revisions = known_revisions


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


# SQLSTATEs of PostgreSQL's unique violation, and of the failures another writer causes:
# serialization failure, deadlock detected, lock not available.
_UNIQUE_VIOLATION = "23505"
_BUSY_STATES = {"40001", "40P01", "55P03"}


def _sqlstate(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    return str(getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None) or "")


def _is_unique_violation(exc: IntegrityError) -> bool:
    return _sqlstate(exc) == _UNIQUE_VIOLATION or "UNIQUE constraint failed" in str(exc.orig)


def _is_busy(exc: OperationalError) -> bool:
    text = str(exc.orig).lower()
    return _sqlstate(exc) in _BUSY_STATES or "database is locked" in text or "is busy" in text


def _stale_edit_error() -> ConcurrentEditError:
    return ConcurrentEditError(
        _(
            "Someone else changed this at the same time and their change was saved first; "
            "reload the page and make your change again. Nothing of yours was saved."
        )
    )


@contextmanager
def database_errors() -> Iterator[None]:
    """Turn the database's concurrency failures into errors with a message for the user.

    Two users saving the same record at once end in one of SQLAlchemy's exceptions: a
    ``StaleDataError`` when a versioned row (asset, action, session) was saved by someone
    else first, an ``IntegrityError`` when both inserted the same unique row, an
    ``OperationalError`` when the database stayed locked too long. Inside this block they
    become :class:`~community_map.errors.ConcurrentEditError` and
    :class:`~community_map.errors.DatabaseBusyError`, which every page and command shows
    as a message. :func:`session_scope` wraps its block and its commit in it.

    Examples
    --------
    >>> from sqlalchemy.orm.exc import StaleDataError
    >>> with database_errors():  # doctest: +ELLIPSIS
    ...     raise StaleDataError("UPDATE statement on table 'assets' expected 1 row")
    Traceback (most recent call last):
    ...
    community_map.errors.ConcurrentEditError: Someone else changed this at the same time ...
    """
    try:
        yield
    except StaleDataError as exc:
        raise _stale_edit_error() from exc
    except IntegrityError as exc:
        if not _is_unique_violation(exc):
            raise
        raise ConcurrentEditError(
            _(
                "This was already saved, probably by someone else at the same time; reload "
                "the page and check it before trying again. Nothing of yours was saved."
            )
        ) from exc
    except OperationalError as exc:
        if not _is_busy(exc):
            raise
        raise DatabaseBusyError(
            _(
                "The database is busy with other users' changes; try again in a moment. "
                "Nothing was saved."
            )
        ) from exc


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """Yield a session that commits on success and rolls back on any error.

    Concurrency failures (a record saved by someone else first, a duplicate saved at the
    same time, a database locked too long) come out as the clear errors of
    :func:`database_errors`, whether they happen in the block or at the commit.
    """
    session = session_factory(engine)()
    try:
        with database_errors():
            yield session
            session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
