"""Services get a field of work and a legal nature (two attributes, not one mixed "sector")
and a version; professionals get an active period and a version.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIELDS = (
    "social_care",
    "employment",
    "education",
    "health",
    "housing",
    "community_action",
    "culture",
    "youth",
    "elderly",
    "other",
)
NATURES = ("public", "third_sector", "private", "residents_group")
SECTORS = (
    "social_care",
    "employment",
    "education",
    "community_action",
    "health",
    "housing",
    "third_sector",
)


def _allowed(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.add_column(sa.Column("field_of_work", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("legal_nature", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
    # "third_sector" was a legal nature stored as a sector: such services become
    # community action run by the third sector; every other sector was a public service.
    op.execute(
        "UPDATE services SET field_of_work = CASE WHEN sector = 'third_sector' "
        "THEN 'community_action' ELSE sector END, legal_nature = CASE WHEN sector = "
        "'third_sector' THEN 'third_sector' ELSE 'public' END"
    )
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_services_sector_allowed"), type_="check")
        batch_op.drop_column("sector")
        batch_op.alter_column("field_of_work", existing_type=sa.String(32), nullable=False)
        batch_op.alter_column("legal_nature", existing_type=sa.String(32), nullable=False)
        batch_op.create_check_constraint(
            op.f("ck_services_field_of_work_allowed"), _allowed("field_of_work", FIELDS)
        )
        batch_op.create_check_constraint(
            op.f("ck_services_legal_nature_allowed"), _allowed("legal_nature", NATURES)
        )
    with op.batch_alter_table("professionals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("starts_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("ends_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("version", sa.Integer(), server_default="1", nullable=False))
        batch_op.create_check_constraint(
            op.f("ck_professionals_period_order"),
            "starts_on IS NULL OR ends_on IS NULL OR starts_on <= ends_on",
        )


def downgrade() -> None:
    with op.batch_alter_table("professionals", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_professionals_period_order"), type_="check")
        batch_op.drop_column("version")
        batch_op.drop_column("ends_on")
        batch_op.drop_column("starts_on")
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sector", sa.String(length=32), nullable=True))
    op.execute(
        "UPDATE services SET sector = CASE WHEN legal_nature = 'third_sector' "
        "THEN 'third_sector' WHEN field_of_work IN ('culture', 'youth', 'elderly', 'other') "
        "THEN 'community_action' ELSE field_of_work END"
    )
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_services_legal_nature_allowed"), type_="check")
        batch_op.drop_constraint(op.f("ck_services_field_of_work_allowed"), type_="check")
        batch_op.drop_column("version")
        batch_op.drop_column("legal_nature")
        batch_op.drop_column("field_of_work")
        batch_op.alter_column("sector", existing_type=sa.String(32), nullable=False)
        batch_op.create_check_constraint(
            op.f("ck_services_sector_allowed"), _allowed("sector", SECTORS)
        )
