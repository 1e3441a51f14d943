"""Programmes (name, period, lead service) and their measurement points (named waves).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "programmes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("lead_service_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.CheckConstraint("starts_on <= ends_on", name=op.f("ck_programmes_period_order")),
        sa.ForeignKeyConstraint(
            ["lead_service_id"],
            ["services.id"],
            name=op.f("fk_programmes_lead_service_id_services"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_programmes")),
        sa.UniqueConstraint("code", name=op.f("uq_programmes_code")),
    )
    op.create_table(
        "measurement_points",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("programme_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.CheckConstraint("starts_on <= ends_on", name=op.f("ck_measurement_points_period_order")),
        sa.ForeignKeyConstraint(
            ["programme_id"],
            ["programmes.id"],
            name=op.f("fk_measurement_points_programme_id_programmes"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_measurement_points")),
        sa.UniqueConstraint(
            "programme_id", "name", name=op.f("uq_measurement_points_programme_id_name")
        ),
    )
    with op.batch_alter_table("measurement_points", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_measurement_points_programme_id"), ["programme_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("measurement_points", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_measurement_points_programme_id"))
    op.drop_table("measurement_points")
    op.drop_table("programmes")
