"""Territory assets (actius del territori): the product's taxonomy and asset tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from community_map.i18n import N_
from community_map.i18n import gettext as _
from community_map.models import METRIC_SRID, Accessibility, Asset, AssetCategory, TerritoryUnit

ACCESSIBILITY_LABELS: dict[str, str] = {
    Accessibility.ACCESSIBLE.value: N_("Accessible"),
    Accessibility.PARTIAL.value: N_("Partly accessible"),
    Accessibility.NOT_ACCESSIBLE.value: N_("Not accessible"),
    Accessibility.UNKNOWN.value: N_("Accessibility unknown"),
}


def accessibility_label(value: object) -> str:
    """Return the translated label of an accessibility value."""
    return _(ACCESSIBILITY_LABELS.get(str(value), ACCESSIBILITY_LABELS["unknown"]))


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


ASSET_FIELDS = ["name", "category", "tags", "description", "address", "phone", "email",
                "website", "accessibility", "opening_hours", "capacity", "source", "source_id",
                "last_verified", "is_active", "version"]


def assets_geoframe(
    session: Session,
    *,
    stale_after_days: int = 365,
    today: dt.date | None = None,
    active_only: bool = True,
) -> gpd.GeoDataFrame:
    """Return the assets as a GeoDataFrame in EPSG:25831, indexed by asset id.

    Besides the stored fields, it has the codes and names of the asset's neighbourhood
    and district and a boolean ``stale`` column: true when the asset was never verified
    or not within ``stale_after_days`` of ``today``.
    """
    hood = aliased(TerritoryUnit)
    district = aliased(TerritoryUnit)
    query = (
        select(Asset.id, Asset.x, Asset.y, Asset.srid,
               *[getattr(Asset, f) for f in ASSET_FIELDS if f != "category"],
               Asset.category_code.label("category"),
               hood.code.label("neighbourhood_code"), hood.name.label("neighbourhood"),
               district.code.label("district_code"), district.name.label("district"))
        .outerjoin(hood, Asset.neighbourhood_id == hood.id)
        .outerjoin(district, hood.parent_id == district.id)
        .order_by(Asset.id)
    )
    if active_only:
        query = query.where(Asset.is_active.is_(True))
    frame = pd.DataFrame(session.execute(query).mappings().all(),
                         columns=[c.name for c in query.selected_columns])
    frame = frame.set_index("id")
    gdf = gpd.GeoDataFrame(
        frame.drop(columns=["x", "y", "srid"]),
        geometry=gpd.points_from_xy(frame["x"], frame["y"]),
        crs=METRIC_SRID,
    )
    limit = (today or dt.date.today()) - dt.timedelta(days=stale_after_days)
    verified = pd.to_datetime(gdf["last_verified"])
    gdf["stale"] = verified.isna() | (verified < pd.Timestamp(limit))
    gdf["tags"] = gdf["tags"].map(lambda t: list(t) if isinstance(t, list) else [])
    return gdf


def filter_assets(
    assets: gpd.GeoDataFrame,
    *,
    search: str = "",
    categories: Iterable[str] = (),
    tags: Iterable[str] = (),
    districts: Iterable[str] = (),
    neighbourhoods: Iterable[str] = (),
    accessibility: Iterable[str] = (),
) -> gpd.GeoDataFrame:
    """Return the assets that match every given filter (an empty filter matches all).

    ``search`` matches names case- and accent-insensitively; ``tags`` keeps assets
    having any of the tags; the others match codes exactly.

    Examples
    --------
    >>> import shapely
    >>> gdf = gpd.GeoDataFrame({"name": ["Biblioteca Sant Antoni", "Mercat"],
    ...     "category": ["library", "market"], "tags": [["wifi"], []],
    ...     "district_code": ["02", "02"], "neighbourhood_code": ["06", "06"],
    ...     "accessibility": ["accessible", "unknown"]},
    ...     geometry=[shapely.Point(0, 0)] * 2)
    >>> filter_assets(gdf, search="antoni")["name"].tolist()
    ['Biblioteca Sant Antoni']
    """
    mask = pd.Series(True, index=assets.index)
    if search.strip():
        needle = _fold(search.strip())
        mask &= assets["name"].map(lambda n: needle in _fold(str(n)))
    for column, wanted in (("category", categories), ("district_code", districts),
                           ("neighbourhood_code", neighbourhoods),
                           ("accessibility", accessibility)):
        chosen = set(wanted)
        if chosen:
            mask &= assets[column].isin(chosen)
    chosen_tags = set(tags)
    if chosen_tags:
        mask &= assets["tags"].map(lambda t: bool(chosen_tags & set(t)))
    return assets[mask]


def _fold(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def all_tags(assets: gpd.GeoDataFrame) -> list[str]:
    """Return the sorted set of tags used by ``assets``."""
    return sorted({tag for tags in assets["tags"] for tag in tags})


EXPORT_COLUMNS = ["name", "category", "tags", "address", "phone", "email", "website",
                  "accessibility", "opening_hours", "capacity", "neighbourhood_code",
                  "neighbourhood", "district_code", "district", "source", "source_id",
                  "last_verified", "stale"]


def _export_table(assets: gpd.GeoDataFrame) -> pd.DataFrame:
    table = pd.DataFrame(assets[[c for c in EXPORT_COLUMNS if c in assets]].copy())
    table["tags"] = table["tags"].map(lambda t: "; ".join(t) if isinstance(t, list) else "")
    lonlat = assets.geometry.to_crs(4326)
    table["lon"] = lonlat.x.round(6)
    table["lat"] = lonlat.y.round(6)
    table["x_25831"] = assets.geometry.x.round(1)
    table["y_25831"] = assets.geometry.y.round(1)
    table.index.name = "id"
    return table.reset_index()


def assets_to_csv(assets: gpd.GeoDataFrame) -> bytes:
    """Return the assets as UTF-8 CSV (with a BOM, so spreadsheet programs read accents)."""
    return _export_table(assets).to_csv(index=False).encode("utf-8-sig")


def assets_to_geojson(assets: gpd.GeoDataFrame) -> bytes:
    """Return the assets as a GeoJSON FeatureCollection in WGS84 (RFC 7946)."""
    table = _export_table(assets)
    gdf = gpd.GeoDataFrame(table.drop(columns=["lon", "lat"]),
                           geometry=gpd.points_from_xy(table["lon"], table["lat"]), crs=4326)
    gdf["last_verified"] = gdf["last_verified"].astype(str).replace({"None": "", "NaT": ""})
    return gdf.to_json(drop_id=True, ensure_ascii=False).encode("utf-8")


def assets_to_excel(assets: gpd.GeoDataFrame, *, sheet_name: str = "assets") -> bytes:
    """Return the assets as an Excel workbook with a styled, frozen header."""
    import io

    from community_map._excel import write_table

    buffer = io.BytesIO()
    write_table(buffer, _export_table(assets), sheet_name=sheet_name)
    return buffer.getvalue()
