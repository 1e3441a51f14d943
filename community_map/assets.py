"""Territory assets (actius del territori): the product's taxonomy and asset tables."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from community_map.models import Asset, AssetCategory, TerritoryUnit


@dataclass(frozen=True)
class Category:
    """A category of the asset taxonomy with its names and map colour."""

    code: str
    name_ca: str
    name_es: str
    name_en: str
    colour: str

    def name(self, language: str) -> str:
        """Return the category name in ``language`` (``ca``, ``es`` or ``en``)."""
        return {"ca": self.name_ca, "es": self.name_es}.get(language, self.name_en)


DEFAULT_CATEGORIES: tuple[Category, ...] = (
    Category("civic_centre", "Centre cívic", "Centro cívico", "Civic centre", "#1f77b4"),
    Category("library", "Biblioteca", "Biblioteca", "Library", "#9467bd"),
    Category("health_centre", "Centre d'atenció primària", "Centro de atención primaria",
             "Primary health centre", "#d62728"),
    Category("school", "Centre educatiu", "Centro educativo", "School", "#ff7f0e"),
    Category("association", "Entitat o associació", "Entidad o asociación",
             "Association or entity", "#8c564b"),
    Category("park", "Parc o jardí", "Parque o jardín", "Park or garden", "#2ca02c"),
    Category("market", "Mercat municipal", "Mercado municipal", "Municipal market", "#bcbd22"),
    Category("elderly_centre", "Casal de gent gran", "Casal de personas mayores",
             "Elderly people's centre", "#e377c2"),
    Category("youth_centre", "Casal o espai jove", "Casal o espacio joven", "Youth centre",
             "#17becf"),
    Category("sports_centre", "Equipament esportiu", "Equipamiento deportivo", "Sports centre",
             "#7f7f7f"),
    Category("cultural_centre", "Equipament cultural", "Equipamiento cultural",
             "Cultural venue", "#6b3fa0"),
    Category("community_garden", "Hort urbà", "Huerto urbano", "Community garden", "#4d8f3a"),
    Category("employment_service", "Servei d'ocupació", "Servicio de empleo",
             "Employment service", "#005f73"),
    Category("social_services_centre", "Centre de serveis socials", "Centro de servicios sociales",
             "Social services centre", "#b5172f"),
)


def categories_frame(session: Session) -> pd.DataFrame:
    """Return the asset taxonomy stored in the database, one row per category code."""
    rows = session.execute(select(AssetCategory)).scalars().all()
    return pd.DataFrame(
        [
            {"code": c.code, "name_ca": c.name_ca, "name_es": c.name_es, "name_en": c.name_en,
             "colour": c.colour}
            for c in rows
        ],
        columns=["code", "name_ca", "name_es", "name_en", "colour"],
    ).set_index("code")


def assets_frame(session: Session, *, active_only: bool = True) -> pd.DataFrame:
    """Return the assets as a table indexed by asset id, with their neighbourhood's name.

    Coordinates are in the asset's SRID (EPSG:25831 unless imported otherwise).
    """
    query = (
        select(
            Asset.id, Asset.name, Asset.category_code.label("category"), Asset.x, Asset.y,
            Asset.srid, Asset.address, Asset.accessibility, Asset.opening_hours,
            Asset.capacity, Asset.last_verified, Asset.is_active,
            TerritoryUnit.code.label("neighbourhood_code"),
            TerritoryUnit.name.label("neighbourhood"),
        )
        .outerjoin(TerritoryUnit, Asset.neighbourhood_id == TerritoryUnit.id)
        .order_by(Asset.id)
    )
    if active_only:
        query = query.where(Asset.is_active.is_(True))
    frame = pd.DataFrame(session.execute(query).mappings().all())
    if frame.empty:
        frame = pd.DataFrame(columns=[c.name for c in query.selected_columns])
    return frame.set_index("id")
