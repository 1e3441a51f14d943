"""Assessment entry: "not assessed" domains (level NULL), information date, note, edition of
the instrument and optimistic concurrency on assessments; instruments loaded from files.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("instrument_version", sa.String(length=20), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("information_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("note", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.alter_column("instrument_version", server_default=None)
        batch_op.alter_column("note", server_default=None)
        batch_op.alter_column("version", server_default=None)
    with op.batch_alter_table("assessment_scores", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_assessment_scores_level_range"), type_="check")
        batch_op.alter_column("level", existing_type=sa.Integer(), nullable=True)
        batch_op.create_check_constraint(
            op.f("ck_assessment_scores_level_range"), "level IS NULL OR (level BETWEEN 1 AND 10)"
        )
    op.create_table(
        "instruments",
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("edition", sa.String(length=20), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("loaded_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_instruments")),
    )


def downgrade() -> None:
    op.drop_table("instruments")
    op.execute("DELETE FROM assessment_scores WHERE level IS NULL")
    with op.batch_alter_table("assessment_scores", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_assessment_scores_level_range"), type_="check")
        batch_op.alter_column("level", existing_type=sa.Integer(), nullable=False)
        batch_op.create_check_constraint(
            op.f("ck_assessment_scores_level_range"), "level BETWEEN 1 AND 5"
        )
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_column("version")
        batch_op.drop_column("note")
        batch_op.drop_column("information_on")
        batch_op.drop_column("instrument_version")
