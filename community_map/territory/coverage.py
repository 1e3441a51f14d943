"""Coverage and gap analysis: how far each neighbourhood is from assets of a category.

Distances are straight lines in EPSG:25831 (metres); the walking-distance share uses
circular buffers, not the street network, and the app says so.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from community_map._cells import csv_bytes
from community_map.errors import ValidationError
from community_map.i18n import gettext as _
from community_map.models import METRIC_SRID

__all__ = [
    "coverage_by_neighbourhood",
    "coverage_to_csv",
]


def coverage_by_neighbourhood(
    neighbourhoods: gpd.GeoDataFrame,
    assets: gpd.GeoDataFrame,
    *,
    distance: float = 500.0,
) -> pd.DataFrame:
    """Return, per neighbourhood, the distance to the nearest asset and the share covered.

    Parameters
    ----------
    neighbourhoods
        Polygons with ``code`` and ``name`` columns, any projected or geographic CRS.
    assets
        Points of the assets to measure (already filtered to the chosen category).
    distance
        Walking distance in metres for the covered share.

    Returns
    -------
    pandas.DataFrame
        Indexed by neighbourhood code, with ``name``, ``assets_inside`` (count),
        ``nearest_m`` (from the neighbourhood's representative point to the nearest
        asset; NaN without assets), ``gap_m`` (from the neighbourhood's area to the
        nearest asset: 0 when one is inside) and ``share_within`` (share of the area
        within ``distance`` of an asset, 0 to 1).

    Examples
    --------
    >>> square = shapely.box(0, 0, 1000, 1000)
    >>> hoods = gpd.GeoDataFrame({"code": ["01"], "name": ["A"]}, geometry=[square], crs=25831)
    >>> corner = gpd.GeoDataFrame(geometry=[shapely.Point(0, 0)], crs=25831)
    >>> row = coverage_by_neighbourhood(hoods, corner, distance=500).loc["01"]
    >>> round(row.nearest_m), float(round(row.share_within, 3))  # quarter circle: pi/16
    (707, 0.196)
    """
    if distance <= 0:
        raise ValidationError(_("The walking distance must be a positive number of metres."))
    hoods = neighbourhoods.to_crs(METRIC_SRID)
    result = pd.DataFrame(
        {"name": hoods["name"].to_numpy()}, index=pd.Index(hoods["code"], name="code")
    )
    points = assets.to_crs(METRIC_SRID).geometry
    points = points[~points.is_empty & points.notna()]
    areas = hoods.geometry.area.to_numpy()
    if points.empty:
        result["assets_inside"] = 0
        result["nearest_m"] = np.nan
        result["gap_m"] = np.nan
        result["share_within"] = 0.0
        return result
    tree = shapely.STRtree(points.to_numpy())
    centres = hoods.geometry.representative_point().to_numpy()
    _idx, nearest = tree.query_nearest(centres, return_distance=True, all_matches=False)
    polygons = hoods.geometry.to_numpy()
    _idx2, gap = tree.query_nearest(polygons, return_distance=True, all_matches=False)
    inside = tree.query(polygons, predicate="intersects")
    counts = np.bincount(inside[0], minlength=len(hoods))
    covered = shapely.union_all(shapely.buffer(points.to_numpy(), distance, quad_segs=16))
    shared = shapely.area(shapely.intersection(polygons, covered))
    result["assets_inside"] = counts
    result["nearest_m"] = np.round(nearest, 1)
    result["gap_m"] = np.round(gap, 1)
    result["share_within"] = np.clip(shared / areas, 0.0, 1.0)
    return result


def coverage_to_csv(table: pd.DataFrame) -> bytes:
    """Return a coverage table (as from :func:`coverage_by_neighbourhood`) as UTF-8 CSV.

    The index becomes the first column(s); text goes through the export policy of
    :func:`community_map._cells.neutralise`, so no cell becomes a spreadsheet formula.

    Examples
    --------
    >>> table = pd.DataFrame({"name": ["=Gràcia"], "gap": [-1.0]}).set_index("name")
    >>> coverage_to_csv(table).decode("utf-8-sig").splitlines()
    ['name,gap', "'=Gràcia,-1.0"]
    """
    return csv_bytes(table.reset_index())
