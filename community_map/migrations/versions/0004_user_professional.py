"""Accounts may be linked to the professional they are, so "their own sessions" can be expressed.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("professional_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_users_professional_id_professionals", "professionals", ["professional_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_constraint("fk_users_professional_id_professionals", type_="foreignkey")
        batch_op.drop_column("professional_id")
