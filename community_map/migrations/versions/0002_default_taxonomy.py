"""Seed the default asset taxonomy (editable afterwards).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# A copy, not an import: a migration must not change when the code's defaults do.
TAXONOMY = [
    ("civic_centre", "Centre cívic", "Centro cívico", "Civic centre", "#1f77b4"),
    ("library", "Biblioteca", "Biblioteca", "Library", "#9467bd"),
    (
        "health_centre",
        "Centre d'atenció primària",
        "Centro de atención primaria",
        "Primary health centre",
        "#d62728",
    ),
    ("school", "Centre educatiu", "Centro educativo", "School", "#ff7f0e"),
    (
        "association",
        "Entitat o associació",
        "Entidad o asociación",
        "Association or entity",
        "#8c564b",
    ),
    ("park", "Parc o jardí", "Parque o jardín", "Park or garden", "#2ca02c"),
    ("market", "Mercat municipal", "Mercado municipal", "Municipal market", "#bcbd22"),
    (
        "elderly_centre",
        "Casal de gent gran",
        "Casal de personas mayores",
        "Elderly people's centre",
        "#e377c2",
    ),
    ("youth_centre", "Casal o espai jove", "Casal o espacio joven", "Youth centre", "#17becf"),
    ("sports_centre", "Equipament esportiu", "Equipamiento deportivo", "Sports centre", "#7f7f7f"),
    (
        "cultural_centre",
        "Equipament cultural",
        "Equipamiento cultural",
        "Cultural venue",
        "#6b3fa0",
    ),
    ("community_garden", "Hort urbà", "Huerto urbano", "Community garden", "#4d8f3a"),
    (
        "employment_service",
        "Servei d'ocupació",
        "Servicio de empleo",
        "Employment service",
        "#005f73",
    ),
    (
        "social_services_centre",
        "Centre de serveis socials",
        "Centro de servicios sociales",
        "Social services centre",
        "#b5172f",
    ),
]


def upgrade() -> None:
    table = sa.table(
        "asset_categories",
        sa.column("code", sa.String),
        sa.column("name_ca", sa.String),
        sa.column("name_es", sa.String),
        sa.column("name_en", sa.String),
        sa.column("colour", sa.String),
    )
    existing = {
        row[0] for row in op.get_bind().execute(sa.text("SELECT code FROM asset_categories"))
    }
    rows = [
        dict(code=c, name_ca=ca, name_es=es, name_en=en, colour=colour)
        for c, ca, es, en, colour in TAXONOMY
        if c not in existing
    ]
    if rows:
        op.bulk_insert(table, rows)


def downgrade() -> None:
    codes = ", ".join(f"'{row[0]}'" for row in TAXONOMY)
    op.execute(
        f"DELETE FROM asset_categories WHERE code IN ({codes}) "
        "AND code NOT IN (SELECT DISTINCT category_code FROM assets)"
    )
