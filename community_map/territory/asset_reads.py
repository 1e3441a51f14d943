"""Reads of stored assets: tables for the map and lists, filters, exports (CSV, GeoJSON, Excel)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

import geopandas as gpd
import pandas as pd
from sqlalchemy import Select, select
from sqlalchemy.orm import Session, aliased

from community_map._cells import csv_bytes
from community_map._spatial import stored_units
from community_map._text import fold
from community_map.models import (
    ASSET_CONTACT_FIELDS,
    METRIC_SRID,
    Asset,
    AssetCategory,
    TerritoryUnit,
    UnitKind,
)
from community_map.territory.taxonomy import categories_frame

__all__ = [
    "ASSET_FIELDS",
    "EXPORT_COLUMNS",
    "all_tags",
    "assets_frame",
    "assets_geoframe",
    "assets_to_csv",
    "assets_to_excel",
    "assets_to_geojson",
    "category_codes",
    "filter_assets",
    "map_layers",
]


def assets_frame(session: Session, *, active_only: bool = True) -> pd.DataFrame:
    """Return the assets as a table indexed by asset id, with their neighbourhood's name.

    Parameters
    ----------
    session
        An open SQLAlchemy session.
    active_only
        Leave out deactivated assets.

    Returns
    -------
    pandas.DataFrame
        Coordinates in the asset's SRID (EPSG:25831 unless imported otherwise), category,
        address, accessibility, opening hours, capacity, verification and the
        neighbourhood's code and name.

    Examples
    --------
    >>> with storage.session_scope(engine) as session:  # doctest: +SKIP
    ...     frame = assets_frame(session)
    """
    query = select(
        Asset.id,
        Asset.name,
        Asset.category_code.label("category"),
        Asset.x,
        Asset.y,
        Asset.srid,
        Asset.address,
        Asset.accessibility,
        Asset.opening_hours,
        Asset.capacity,
        Asset.last_verified,
        Asset.is_active,
        TerritoryUnit.code.label("neighbourhood_code"),
        TerritoryUnit.name.label("neighbourhood"),
    ).outerjoin(TerritoryUnit, Asset.neighbourhood_id == TerritoryUnit.id)
    return _read_assets(session, query, active_only=active_only)


def _read_assets(
    session: Session, query: Select[*tuple[Any, ...]], *, active_only: bool
) -> pd.DataFrame:
    """Run a query of assets in id order (active ones only if asked); a table indexed by id."""
    query = query.order_by(Asset.id)
    if active_only:
        query = query.where(Asset.is_active.is_(True))
    frame = pd.DataFrame(
        session.execute(query).mappings().all(), columns=[c.name for c in query.selected_columns]
    )
    return frame.set_index("id")


ASSET_FIELDS = [
    "name",
    "category",
    "tags",
    "description",
    *ASSET_CONTACT_FIELDS,
    "capacity",
    "source",
    "source_id",
    "last_verified",
    "is_active",
    "version",
]


def assets_geoframe(
    session: Session,
    *,
    stale_after_days: int = 365,
    today: dt.date | None = None,
    active_only: bool = True,
) -> gpd.GeoDataFrame:
    """Return the assets as a GeoDataFrame in EPSG:25831, indexed by asset id.

    Parameters
    ----------
    session
        An open SQLAlchemy session.
    stale_after_days
        An asset not verified within this many days of ``today`` is ``stale``.
    today
        The reference date (default: today).
    active_only
        Leave out deactivated assets.

    Returns
    -------
    geopandas.GeoDataFrame
        The stored fields (:data:`ASSET_FIELDS`), the codes and names of the asset's
        neighbourhood and district, ``tags`` as lists and a boolean ``stale`` column (true
        when never verified or not within ``stale_after_days``).

    Examples
    --------
    >>> with storage.session_scope(engine) as session:  # doctest: +SKIP
    ...     assets = assets_geoframe(session, stale_after_days=180)
    """
    hood = aliased(TerritoryUnit)
    district = aliased(TerritoryUnit)
    query = (
        select(
            Asset.id,
            Asset.x,
            Asset.y,
            Asset.srid,
            *[getattr(Asset, f) for f in ASSET_FIELDS if f != "category"],
            Asset.category_code.label("category"),
            hood.code.label("neighbourhood_code"),
            hood.name.label("neighbourhood"),
            district.code.label("district_code"),
            district.name.label("district"),
        )
        .outerjoin(hood, Asset.neighbourhood_id == hood.id)
        .outerjoin(district, hood.parent_id == district.id)
    )
    frame = _read_assets(session, query, active_only=active_only)
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

    Parameters
    ----------
    assets
        Assets as returned by :func:`assets_geoframe`.
    search
        Text found in the name, case- and accent-insensitively.
    categories, districts, neighbourhoods, accessibility
        Category codes, district codes, neighbourhood codes and accessibility values to keep.
    tags
        Keep assets having any of these tags.

    Returns
    -------
    geopandas.GeoDataFrame
        The matching rows, in their order.

    Examples
    --------
    >>> import shapely
    >>> gdf = gpd.GeoDataFrame({"name": ["Biblioteca Sant Antoni", "Mercat"],
    ...     "category": ["library", "market"], "tags": [["wifi"], []],
    ...     "district_code": ["02", "02"], "neighbourhood_code": ["06", "06"],
    ...     "accessibility": ["accessible", "unknown"]},
    ...     geometry=[shapely.Point(0, 0)] * 2)
    >>> filter_assets(gdf, search="ANTÒNI")["name"].tolist()
    ['Biblioteca Sant Antoni']
    >>> filter_assets(gdf, categories=["market"], tags=["wifi"]).empty
    True
    """
    mask = pd.Series(True, index=assets.index)
    if search.strip():
        needle = fold(search.strip().casefold())
        mask &= assets["name"].map(lambda n: needle in fold(str(n).casefold()))
    for column, wanted in (
        ("category", categories),
        ("district_code", districts),
        ("neighbourhood_code", neighbourhoods),
        ("accessibility", accessibility),
    ):
        chosen = set(wanted)
        if chosen:
            mask &= assets[column].isin(chosen)
    chosen_tags = set(tags)
    if chosen_tags:
        mask &= assets["tags"].map(lambda t: bool(chosen_tags & set(t)))
    return assets[mask]


def all_tags(assets: gpd.GeoDataFrame) -> list[str]:
    """Return the sorted set of tags used by ``assets``.

    Parameters
    ----------
    assets
        Assets with a ``tags`` column of lists.

    Examples
    --------
    >>> all_tags(pd.DataFrame({"tags": [["wifi", "lift"], [], ["wifi"]]}))
    ['lift', 'wifi']
    """
    return sorted({tag for tags in assets["tags"] for tag in tags})


EXPORT_COLUMNS = [
    "name",
    "category",
    "tags",
    *ASSET_CONTACT_FIELDS,
    "capacity",
    "neighbourhood_code",
    "neighbourhood",
    "district_code",
    "district",
    "source",
    "source_id",
    "last_verified",
    "stale",
]


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
    """Return the assets as UTF-8 CSV (with a BOM, so spreadsheet programs read accents).

    Parameters
    ----------
    assets
        Assets as returned by :func:`assets_geoframe` (point geometry in EPSG:25831).

    Returns
    -------
    bytes
        Columns ``id``, :data:`EXPORT_COLUMNS` present in ``assets``, ``lon``/``lat``
        (WGS84) and ``x_25831``/``y_25831``.

    Examples
    --------
    >>> import shapely
    >>> gdf = gpd.GeoDataFrame({"name": ["Casal"], "tags": [["a", "b"]]},
    ...     geometry=[shapely.Point(430_900, 4_581_800)], crs=25831)
    >>> assets_to_csv(gdf).decode("utf-8-sig").splitlines()[1]
    '0,Casal,a; b,2.173553,41.38476,430900.0,4581800.0'
    """
    return csv_bytes(_export_table(assets))


def assets_to_geojson(assets: gpd.GeoDataFrame) -> bytes:
    """Return the assets as a GeoJSON FeatureCollection in WGS84 (RFC 7946).

    Parameters
    ----------
    assets
        Assets as returned by :func:`assets_geoframe`, with a ``last_verified`` column.

    Examples
    --------
    >>> import json, shapely
    >>> gdf = gpd.GeoDataFrame({"name": ["Casal"], "tags": [[]],
    ...     "last_verified": [dt.date(2025, 3, 1)]},
    ...     geometry=[shapely.Point(430_900, 4_581_800)], crs=25831)
    >>> feature = json.loads(assets_to_geojson(gdf))["features"][0]
    >>> feature["geometry"]["coordinates"], feature["properties"]["last_verified"]
    ([2.173553, 41.38476], '2025-03-01')
    """
    table = _export_table(assets)
    gdf = gpd.GeoDataFrame(
        table.drop(columns=["lon", "lat"]),
        geometry=gpd.points_from_xy(table["lon"], table["lat"]),
        crs=4326,
    )
    gdf["last_verified"] = gdf["last_verified"].astype(str).replace({"None": "", "NaT": ""})
    text: str = gdf.to_json(drop_id=True, ensure_ascii=False)
    return text.encode("utf-8")


def assets_to_excel(assets: gpd.GeoDataFrame, *, sheet_name: str = "assets") -> bytes:
    """Return the assets as an Excel workbook with a styled, frozen header.

    Parameters
    ----------
    assets
        Assets as returned by :func:`assets_geoframe`.
    sheet_name
        Name of the worksheet.

    Examples
    --------
    >>> import shapely
    >>> gdf = gpd.GeoDataFrame({"name": ["Casal"], "tags": [[]]},
    ...     geometry=[shapely.Point(430_900, 4_581_800)], crs=25831)
    >>> pd.read_excel(io.BytesIO(assets_to_excel(gdf)))["name"].tolist()
    ['Casal']
    """
    from community_map._excel import write_table

    buffer = io.BytesIO()
    write_table(buffer, _export_table(assets), sheet_name=sheet_name)
    return buffer.getvalue()


def map_layers(session: Session, *, stale_after_days: int = 365) -> dict[str, pd.DataFrame]:
    """Read everything the territory map draws, in one go.

    Parameters
    ----------
    session
        An open SQLAlchemy session.
    stale_after_days
        Assets not verified within this many days are marked ``stale``.

    Returns
    -------
    dict
        ``"assets"`` (:func:`assets_geoframe`), ``"categories"``
        (:func:`~community_map.territory.taxonomy.categories_frame`) and the stored units
        ``"districts"``, ``"neighbourhoods"`` and ``"catchments"`` (GeoDataFrames in
        EPSG:25831 with ``id``, ``code``, ``name``, ``parent_code``, ``population``).

    Examples
    --------
    >>> with storage.session_scope(engine) as session:  # doctest: +SKIP
    ...     layers = map_layers(session)
    >>> sorted(layers)  # doctest: +SKIP
    ['assets', 'catchments', 'categories', 'districts', 'neighbourhoods']
    """
    return {
        "assets": assets_geoframe(session, stale_after_days=stale_after_days),
        "categories": categories_frame(session),
        "districts": stored_units(session, UnitKind.DISTRICT.value),
        "neighbourhoods": stored_units(session, UnitKind.NEIGHBOURHOOD.value),
        "catchments": stored_units(session, UnitKind.CATCHMENT.value),
    }


def category_codes(session: Session) -> set[str]:
    """Return the codes of the taxonomy's categories stored in the database."""
    return set(session.scalars(select(AssetCategory.code)))
