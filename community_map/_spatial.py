"""Spatial plumbing shared by services and analyses: stored units as GeoDataFrames."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from community_map.models import METRIC_SRID, TerritoryUnit

# Rough bounds of Catalonia in EPSG:25831, to catch swapped or wrong coordinates.
CATALONIA_BOUNDS: tuple[float, float, float, float] = (250_000.0, 4_480_000.0, 550_000.0,
                                                       4_760_000.0)


def stored_units(session: Session, kind: str) -> gpd.GeoDataFrame:
    """Return stored territory units of ``kind`` with id, code, name, parent code, population."""
    parent = aliased(TerritoryUnit)
    rows = session.execute(
        select(TerritoryUnit.id, TerritoryUnit.code, TerritoryUnit.name,
               parent.code.label("parent_code"), TerritoryUnit.population,
               TerritoryUnit.geometry_wkt, TerritoryUnit.srid)
        .outerjoin(parent, TerritoryUnit.parent_id == parent.id)
        .where(TerritoryUnit.kind == kind)
        .order_by(TerritoryUnit.code)
    ).all()
    frame = pd.DataFrame(rows, columns=["id", "code", "name", "parent_code", "population",
                                        "geometry_wkt", "srid"])
    geometry = gpd.GeoSeries.from_wkt(frame["geometry_wkt"].fillna("POLYGON EMPTY"),
                                      crs=METRIC_SRID)
    srids = set(frame["srid"]) - {METRIC_SRID}
    if srids:  # units stored in another SRID: reproject row groups
        for srid in srids:
            rows_of = frame["srid"] == srid
            geometry[rows_of] = gpd.GeoSeries.from_wkt(
                frame.loc[rows_of, "geometry_wkt"], crs=int(srid)).to_crs(METRIC_SRID)
    return gpd.GeoDataFrame(frame.drop(columns=["geometry_wkt", "srid"]), geometry=geometry,
                            crs=METRIC_SRID)


def unit_ids_for_points(units: gpd.GeoDataFrame, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Return the id of the unit containing each point (EPSG:25831), or -1 where none does."""
    result = np.full(len(x), -1, dtype=np.int64)
    if units.empty or len(x) == 0:
        return result
    tree = shapely.STRtree(units.geometry.to_numpy())
    points = shapely.points(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    point_index, unit_index = tree.query(points, predicate="within")
    ids = units["id"].to_numpy()
    # a point on a shared border matches two units: keep the first (lowest code)
    first = pd.Series(unit_index, index=point_index).groupby(level=0).min()
    result[first.index.to_numpy()] = ids[first.to_numpy()]
    return result


def inside_catalonia(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Return a boolean mask of points (EPSG:25831) inside Catalonia's rough bounds."""
    minx, miny, maxx, maxy = CATALONIA_BOUNDS
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    return (x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy)
