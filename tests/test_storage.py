from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, func, select, text

from community_map import storage
from community_map.errors import DatabaseUnavailableError, SchemaVersionError
from community_map.models import Base, User


def test_sqlite_pragmas_are_set_on_every_connection(engine: Engine) -> None:
    for _ in range(3):
        with engine.connect() as conn:
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        engine.dispose()


def test_foreign_keys_are_enforced(engine: Engine) -> None:
    with engine.connect() as conn, pytest.raises(Exception, match="FOREIGN KEY"):
        conn.execute(
            text(
                "INSERT INTO professionals (code, display_name, role, service_id, is_active) "
                "VALUES ('P1', '', 'x', 999, 1)"
            )
        )
        conn.commit()


def _assert_models_match_migrations(engine: Engine) -> None:
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_migrations_create_exactly_the_models_sqlite(engine: Engine) -> None:
    assert storage.current_revision(engine) == storage.head_revision()
    storage.check_schema(engine)
    _assert_models_match_migrations(engine)


@pytest.mark.postgres
def test_migrations_create_exactly_the_models_postgres(pg_engine: Engine) -> None:
    assert storage.current_revision(pg_engine) == storage.head_revision()
    storage.check_schema(pg_engine)
    _assert_models_match_migrations(pg_engine)


def test_migrate_is_idempotent(engine: Engine) -> None:
    assert storage.migrate(engine) == storage.head_revision()
    assert storage.migrate(engine) == storage.head_revision()


@pytest.mark.parametrize("url", ["not a url", "sqlite:/x", "nosuchdb://host/db"])
def test_malformed_url_gets_a_clear_message(url: str) -> None:
    with pytest.raises(DatabaseUnavailableError) as info:
        storage.check_connection(storage.create_db_engine(url))
    assert "database" in str(info.value).lower()


def test_sqlite_in_missing_folder_is_reported(tmp_path: Path) -> None:
    with pytest.raises(DatabaseUnavailableError, match="does not exist"):
        storage.create_db_engine(f"sqlite:///{tmp_path / 'nope' / 'x.db'}")


def test_unreachable_server_is_reported_without_password() -> None:
    eng = storage.create_db_engine("postgresql+psycopg://u:secret@127.0.0.1:1/db")
    with pytest.raises(DatabaseUnavailableError) as info:
        storage.check_connection(eng)
    assert "Cannot connect" in str(info.value)
    assert "secret" not in str(info.value)


def test_empty_database_asks_for_init(sqlite_url: str) -> None:
    eng = storage.create_db_engine(sqlite_url)
    with pytest.raises(SchemaVersionError, match="community-map init"):
        storage.check_schema(eng)


def _stamp_newer(path: Path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_future'")


def test_newer_database_is_refused_and_left_untouched(engine: Engine, tmp_path: Path) -> None:
    _stamp_newer(tmp_path / "test.db")
    with pytest.raises(SchemaVersionError, match="newer version"):
        storage.check_schema(engine)
    with pytest.raises(SchemaVersionError, match="nothing was changed"):
        storage.migrate(engine)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == (
            "9999_future"
        )


def test_foreign_tables_without_history_are_refused(sqlite_url: str) -> None:
    eng = storage.create_db_engine(sqlite_url)
    with eng.begin() as conn:
        conn.execute(text("CREATE TABLE other_app (id INTEGER)"))
    with pytest.raises(SchemaVersionError, match="no community_map migration history"):
        storage.check_schema(eng)


def test_session_scope_rolls_back_on_error(engine: Engine) -> None:
    with pytest.raises(RuntimeError), storage.session_scope(engine) as session:
        session.add(User(username="x", password_hash="h", role="admin"))
        session.flush()
        raise RuntimeError("boom")
    with storage.session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(User)) == 0


@pytest.mark.postgres
def test_downgrade_and_upgrade_round_trip_postgres(pg_engine: Engine) -> None:
    from alembic import command

    command.downgrade(storage._alembic_config(pg_engine), "base")
    assert storage.current_revision(pg_engine) is None
    storage.migrate(pg_engine)
    _assert_models_match_migrations(pg_engine)


def test_default_taxonomy_matches_the_code_and_is_seeded(engine: Engine) -> None:
    from community_map.territory import DEFAULT_CATEGORIES, categories_frame

    with storage.session_scope(engine) as session:
        stored = categories_frame(session)
    expected = {c.code: (c.name_ca, c.name_es, c.name_en, c.colour) for c in DEFAULT_CATEGORIES}
    assert {code: tuple(row) for code, row in stored.iterrows()} == expected
