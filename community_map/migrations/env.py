"""Alembic environment: runs migrations on the engine handed over by community_map.storage."""

from __future__ import annotations

from alembic import context

from community_map.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes["engine"]
    with engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        if sqlite:
            # Batch mode copies a table and drops the old one; with foreign keys on, SQLite
            # refuses to drop a table other rows refer to (participants, say). Keys are
            # switched off (only possible outside a transaction) and checked at the end.
            connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
            connection.commit()
        try:
            with connection.begin():
                context.configure(
                    connection=connection,
                    target_metadata=target_metadata,
                    # SQLite has almost no ALTER TABLE; batch mode copies tables instead.
                    render_as_batch=True,
                    compare_type=True,
                )
                with context.begin_transaction():
                    context.run_migrations()
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"Migration left broken references: {broken[:5]}")
        finally:
            if sqlite:
                connection.exec_driver_sql("PRAGMA foreign_keys=ON")
                connection.commit()


run_migrations_online()
