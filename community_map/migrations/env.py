"""Alembic environment: runs migrations on the engine handed over by community_map.storage."""

from __future__ import annotations

from alembic import context

from community_map.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    engine = config.attributes["engine"]
    with engine.begin() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            # SQLite has almost no ALTER TABLE; batch mode copies tables instead.
            render_as_batch=True,
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations_online()
