"""Spatial plumbing shared by services and analyses.

Stored units as GeoDataFrames, the units containing points, Catalonia's extent and the one
guess of a coordinate system from coordinates.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from community_map.errors import ImportFileError, ValidationError
from community_map.i18n import gettext as _
from community_map.models import METRIC_SRID, TerritoryUnit, UnitKind

__all__ = [
    "CATALONIA_BOUNDS",
    "METRIC_CRS",
    "code_order",
    "guess_crs",
    "inside_catalonia",
    "parse_crs",
    "stored_units",
    "unit_ids_for_points",
]

METRIC_CRS = f"EPSG:{METRIC_SRID}"
"""The CRS of stored and imported geometries (ETRS89 / UTM zone 31N)."""

CATALONIA_BOUNDS: tuple[float, float, float, float] = (
    250_000.0,
    4_480_000.0,
    550_000.0,
    4_760_000.0,
)
"""Rough extent of Catalonia in EPSG:25831, (xmin, ymin, xmax, ymax), to catch swapped or
wrong coordinates."""


def code_order(codes: pd.Series) -> pd.Series:
    """Sort key for unit codes: numeric codes of different widths sort as numbers.

    Examples
    --------
    >>> codes = pd.Series(["10", "2", "01"])
    >>> codes.sort_values(key=code_order).tolist()
    ['01', '2', '10']
    """
    width = int(codes.str.len().max()) if len(codes) else 0
    return codes.str.zfill(width)


def stored_units(session: Session, kind: str) -> gpd.GeoDataFrame:
    """Read the stored territorial units of one kind as a GeoDataFrame in EPSG:25831.

    Parameters
    ----------
    session
        An open SQLAlchemy session.
    kind
        ``"neighbourhood"``, ``"district"`` or ``"catchment"``.

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``id``, ``code``, ``name``, ``parent_code``, ``population`` (Int64) and
        ``geometry`` (from ``geometry_wkt`` in its ``srid``; None when not stored), sorted
        by code; an empty frame with those columns when there are no units.

    Raises
    ------
    ValidationError
        For an unknown ``kind`` or a stored geometry that is not valid WKT.

    Examples
    --------
    >>> with storage.session_scope(engine) as session:  # doctest: +SKIP
    ...     districts = stored_units(session, "district")
    """
    try:
        unit_kind = UnitKind(kind)
    except ValueError:
        raise ValidationError(
            _("Unknown kind of territorial unit {kind!r}; use one of: {kinds}.").format(
                kind=kind, kinds=", ".join(k.value for k in UnitKind)
            )
        ) from None
    parent = aliased(TerritoryUnit)
    rows = session.execute(
        select(
            TerritoryUnit.id,
            TerritoryUnit.code,
            TerritoryUnit.name,
            parent.code.label("parent_code"),
            TerritoryUnit.population,
            TerritoryUnit.geometry_wkt,
            TerritoryUnit.srid,
        )
        .outerjoin(parent, TerritoryUnit.parent_id == parent.id)
        .where(TerritoryUnit.kind == unit_kind.value)
    ).all()
    geometries: list[Any] = [None] * len(rows)
    by_srid: dict[int, list[int]] = {}
    for position, row in enumerate(rows):
        if row.geometry_wkt:
            try:
                geometries[position] = shapely.from_wkt(row.geometry_wkt)
            except (shapely.errors.GEOSException, ValueError) as exc:
                raise ValidationError(
                    _("The stored geometry of {kind} {code} is not valid WKT.").format(
                        kind=unit_kind.value, code=row.code
                    )
                ) from exc
            by_srid.setdefault(int(row.srid or METRIC_SRID), []).append(position)
    for srid, positions in by_srid.items():
        if srid == METRIC_SRID:
            continue
        moved = gpd.GeoSeries([geometries[i] for i in positions], crs=f"EPSG:{srid}").to_crs(
            METRIC_SRID
        )
        for i, geometry in zip(positions, moved.array, strict=True):
            geometries[i] = geometry
    frame = gpd.GeoDataFrame(
        {
            "id": pd.Series([r.id for r in rows], dtype="int64"),
            "code": pd.Series([r.code for r in rows], dtype="str"),
            "name": pd.Series([r.name for r in rows], dtype="str"),
            "parent_code": pd.Series([r.parent_code for r in rows], dtype="str"),
            "population": pd.array([r.population for r in rows], dtype="Int64"),
        },
        geometry=gpd.GeoSeries(geometries, crs=METRIC_SRID),
        crs=METRIC_SRID,
    )
    return frame.sort_values("code", key=code_order, kind="stable").reset_index(drop=True)


def unit_ids_for_points(units: gpd.GeoDataFrame, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Return the id of the unit containing each point (EPSG:25831), or -1 where none does.

    Parameters
    ----------
    units
        Units with an ``id`` column and polygon geometry, ordered by code (as returned by
        :func:`stored_units`); a point inside two units goes to the first.
    x, y
        Point coordinates in the units' CRS.

    Examples
    --------
    >>> units = gpd.GeoDataFrame({"id": [7, 8]}, geometry=[shapely.box(0, 0, 10, 10),
    ...                                                    shapely.box(10, 0, 20, 10)])
    >>> unit_ids_for_points(units, np.array([5.0, 15.0, 30.0]), np.array([5.0] * 3)).tolist()
    [7, 8, -1]
    """
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
    """Return a boolean mask of points (EPSG:25831) inside Catalonia's rough bounds.

    Parameters
    ----------
    x, y
        Point coordinates in EPSG:25831 metres.

    Examples
    --------
    >>> inside_catalonia(np.array([431_000.0, 4_582_000.0]), np.array([4_582_000.0, 0.0]))
    array([ True, False])
    """
    minx, miny, maxx, maxy = CATALONIA_BOUNDS
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    return (x >= minx) & (x <= maxx) & (y >= miny) & (y <= maxy)


def guess_crs(x: Any, y: Any, *, share: float = 1.0) -> str | None:
    """Guess the coordinate system of coordinates from their values.

    Points within 0.01 of (0, 0) are placeholders and left out. The coordinates are
    EPSG:25831 when at least ``share`` of the points fall inside Catalonia's rough bounds
    in UTM 31N metres (x and y in either order), EPSG:4326 when at least ``share`` of them
    are longitude and latitude degrees (in either order).

    Parameters
    ----------
    x, y
        The first and second coordinate of each point, in the file's own units.
    share
        The fraction of points that must agree: 1.0 (all) for the corners of an extent,
        0.5 (a majority) for a column of points that may hold a few bad rows.

    Returns
    -------
    str or None
        ``"EPSG:25831"``, ``"EPSG:4326"`` or ``None`` when neither fits (or no point).

    Examples
    --------
    >>> guess_crs([2.05, 2.23], [41.31, 41.47])
    'EPSG:4326'
    >>> guess_crs([420_812.5, 435_480.4], [4_574_282.4, 4_591_066.0])
    'EPSG:25831'
    >>> guess_crs([0.0, 1000.0], [0.0, 1000.0]) is None
    True
    >>> guess_crs([431_000.0, 2.17, 2.18], [4_582_000.0, 41.39, 41.40], share=0.5)
    'EPSG:4326'
    """
    a = np.asarray(x, dtype=float).ravel()
    b = np.asarray(y, dtype=float).ravel()
    finite = np.isfinite(a) & np.isfinite(b)
    if not finite.all():
        return None
    kept = ~((np.abs(a) < 0.01) & (np.abs(b) < 0.01))
    a, b = a[kept], b[kept]
    if len(a) == 0:
        return None
    needed = share * len(a)
    metric = inside_catalonia(a, b) | inside_catalonia(b, a)
    if metric.sum() >= needed:
        return f"EPSG:{METRIC_SRID}"
    degrees = ((np.abs(a) <= 180) & (np.abs(b) <= 90)) | ((np.abs(b) <= 180) & (np.abs(a) <= 90))
    if degrees.sum() >= needed:
        return "EPSG:4326"
    return None


def parse_crs(value: str, file_name: str) -> CRS:
    """Read a coordinate reference system the user gave for a file.

    Parameters
    ----------
    value
        An EPSG code (``"EPSG:25831"``), a PROJ string or WKT.
    file_name
        The file the CRS is for, named in the error.

    Returns
    -------
    pyproj.CRS
        The coordinate reference system.

    Raises
    ------
    ImportFileError
        When ``value`` is not a coordinate reference system; the message says how to
        give one.

    Examples
    --------
    >>> parse_crs("epsg:23031", "a.csv").to_epsg()
    23031
    >>> try:
    ...     parse_crs("EPSG:nope", "a.csv")
    ... except ImportFileError as error:
    ...     print(error.path, error.reason[:47])
    a.csv Unknown coordinate reference system 'EPSG:nope'
    """
    try:
        return CRS.from_user_input(value)
    except CRSError as exc:
        raise ImportFileError(
            _(
                "Unknown coordinate reference system {crs!r}. Pass crs as an EPSG code such as "
                "'EPSG:25831' (ETRS89 / UTM 31N) or 'EPSG:4326' (longitude/latitude)."
            ).format(crs=value),
            path=file_name,
        ) from exc
