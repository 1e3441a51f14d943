"""Geometry and coordinate system of boundary files: repairs, CRS choice, nesting.

The coordinate system is the one the file declares, else the one the user gives, else the
guess of :func:`community_map._spatial.guess_crs`; boundaries outside Catalonia are an
error that says why (swapped axes, wrong CRS).
"""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from shapely.geometry import GeometryCollection, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry

from community_map._spatial import CATALONIA_BOUNDS, METRIC_CRS, guess_crs
from community_map.errors import ValidationError
from community_map.i18n import gettext as _
from community_map.territory.boundary_columns import code_text
from community_map.territory.boundary_readers import RawFile, file_error

__all__ = [
    "clean_geometries",
    "crs_name",
    "in_box",
    "infer_crs",
    "metric_bounds",
    "nest_in_parents",
    "polygonal",
    "resolve_crs",
]


def crs_name(crs: CRS) -> str:
    """A short name of a CRS: ``EPSG:<code>`` when it has one.

    Examples
    --------
    >>> crs_name(CRS.from_user_input("epsg:25831"))
    'EPSG:25831'
    """
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg is not None else crs.to_string()


def in_box(bounds: Sequence[float], box: Sequence[float]) -> bool:
    """Whether the extent ``bounds`` lies inside ``box`` (both ``(xmin, ymin, xmax, ymax)``).

    Examples
    --------
    >>> in_box((1, 1, 2, 2), (0, 0, 3, 3)), in_box((1, 1, 4, 2), (0, 0, 3, 3))
    (True, False)
    """
    xmin, ymin, xmax, ymax = (float(v) for v in bounds)
    bxmin, bymin, bxmax, bymax = box
    return bool(
        np.all(np.isfinite([xmin, ymin, xmax, ymax]))
        and bxmin <= xmin <= xmax <= bxmax
        and bymin <= ymin <= ymax <= bymax
    )


def metric_bounds(bounds: Sequence[float], crs: CRS) -> tuple[float, float, float, float]:
    """Bounds of the box ``bounds`` (in ``crs``) reprojected to EPSG:25831.

    Parameters
    ----------
    bounds
        ``(xmin, ymin, xmax, ymax)`` in ``crs``.
    crs
        Their coordinate system.

    Returns
    -------
    tuple of float
        The reprojected bounds; NaN when they cannot be projected.

    Examples
    --------
    >>> [round(v, -3) for v in metric_bounds((2.1, 41.3, 2.2, 41.4), CRS.from_epsg(4326))]
    [425000.0, 4572000.0, 433000.0, 4584000.0]
    """
    try:
        series = gpd.GeoSeries([shapely.box(*bounds)], crs=crs).to_crs(METRIC_CRS)
        xmin, ymin, xmax, ymax = (float(v) for v in series.total_bounds)
        return xmin, ymin, xmax, ymax
    except Exception:  # any projection failure means "not in Catalonia"
        return (np.nan, np.nan, np.nan, np.nan)


def infer_crs(bounds: tuple[float, float, float, float]) -> str | None:
    """Guess the coordinate system from the extent of the coordinates.

    Parameters
    ----------
    bounds
        ``(xmin, ymin, xmax, ymax)`` of all geometries, in the file's own units.

    Returns
    -------
    str or None
        ``"EPSG:4326"`` when the values are longitudes and latitudes, ``"EPSG:25831"``
        when they are UTM 31N metres around Catalonia, otherwise ``None``.

    Examples
    --------
    >>> infer_crs((2.05, 41.31, 2.23, 41.47))
    'EPSG:4326'
    >>> infer_crs((420_812.5, 4_574_282.4, 435_480.4, 4_591_066.0))
    'EPSG:25831'
    >>> infer_crs((0.0, 0.0, 1000.0, 1000.0)) is None
    True
    """
    xmin, ymin, xmax, ymax = (float(v) for v in bounds)
    return guess_crs([xmin, xmax], [ymin, ymax])


def _polygon_parts(geometry: BaseGeometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [] if geometry.is_empty else [geometry]
    if isinstance(geometry, (MultiPolygon, GeometryCollection)):
        return [part for g in geometry.geoms for part in _polygon_parts(g)]
    return []


def polygonal(geometry: BaseGeometry) -> BaseGeometry | None:
    """The valid polygonal part of ``geometry``, or ``None`` when nothing polygonal is left.

    Parameters
    ----------
    geometry
        Any shapely geometry.

    Examples
    --------
    >>> from shapely import Polygon
    >>> bow_tie = Polygon([(0, 0), (2, 2), (2, 0), (0, 2)])
    >>> fixed = polygonal(bow_tie)
    >>> fixed.geom_type, fixed.is_valid, fixed.area
    ('MultiPolygon', True, 2.0)
    >>> polygonal(shapely.LineString([(0, 0), (1, 1)])) is None
    True
    """
    fixed = geometry if geometry.is_valid else shapely.make_valid(geometry)
    parts = _polygon_parts(fixed)
    if not parts:
        return None
    result: BaseGeometry = parts[0] if len(parts) == 1 else shapely.union_all(parts)
    if not result.is_valid:
        parts = _polygon_parts(shapely.make_valid(result))
        if not parts:
            return None
        result = parts[0] if len(parts) == 1 else MultiPolygon(parts)
    return result


def clean_geometries(raw: RawFile, label: str) -> tuple[list[BaseGeometry], set[int]]:
    """Check and repair every geometry; return them and the positions repaired."""
    cleaned: list[BaseGeometry] = []
    repaired: set[int] = set()
    for position, geometry in enumerate(raw.geometries):
        row = position + raw.first_row
        if geometry is None or geometry.is_empty:
            raise file_error(
                label, _("The geometry is missing."), row=row, column=raw.geometry_column
            )
        geometry = shapely.force_2d(geometry)
        if not np.isfinite(shapely.get_coordinates(geometry)).all():
            raise file_error(
                label,
                _(
                    "The geometry has coordinates that are not finite numbers (NaN or "
                    "infinity); fix or remove them."
                ),
                row=row,
                column=raw.geometry_column,
            )
        if not isinstance(geometry, (Polygon, MultiPolygon, GeometryCollection)):
            raise file_error(
                label,
                _("The geometry is a {type}, not a polygon; boundaries must be polygons.").format(
                    type=geometry.geom_type
                ),
                row=row,
                column=raw.geometry_column,
            )
        if isinstance(geometry, (Polygon, MultiPolygon)) and geometry.is_valid:
            cleaned.append(geometry)
            continue
        if not geometry.is_valid:
            repaired.add(position)
        result = polygonal(geometry)
        if result is None or result.is_empty:
            raise file_error(
                label,
                _("The polygon is empty after repairing it; draw it again."),
                row=row,
                column=raw.geometry_column,
            )
        cleaned.append(result)
    return cleaned, repaired


def _location_hint(bounds: Sequence[float], crs: CRS) -> str:
    """Explain why the boundaries fall outside Catalonia and how to fix it."""
    xmin, ymin, xmax, ymax = (float(v) for v in bounds)
    name = crs_name(crs)
    if in_box(metric_bounds((ymin, xmin, ymax, xmax), crs), CATALONIA_BOUNDS):
        return _(
            "The boundaries fall outside Catalonia when read as {crs}, but would fall inside "
            "if X and Y were swapped: the coordinates are probably in the wrong order "
            "(latitude, longitude instead of longitude, latitude). Fix the file."
        ).format(crs=name)
    guess = infer_crs((xmin, ymin, xmax, ymax))
    if guess is not None and guess != name:
        return _(
            "The boundaries fall outside Catalonia when read as {crs}; the coordinates look "
            'like {guess}. The coordinate system is probably wrong: give crs="{guess}".'
        ).format(crs=name, guess=guess)
    return _(
        "The boundaries fall outside Catalonia when read as {crs} (x {xmin}…{xmax}, y "
        '{ymin}…{ymax}). Check the coordinate system (give it, for example crs="EPSG:25831" '
        'or crs="EPSG:4326") and that X and Y are not swapped.'
    ).format(
        crs=name, xmin=f"{xmin:.6g}", xmax=f"{xmax:.6g}", ymin=f"{ymin:.6g}", ymax=f"{ymax:.6g}"
    )


def resolve_crs(
    raw: RawFile, bounds: tuple[float, float, float, float], given: CRS | None, label: str
) -> tuple[CRS, bool, list[str]]:
    """Pick the CRS of the file: declared, else given, else inferred; check the extent."""
    messages: list[str] = []
    inferred = False
    declared = raw.declared_crs
    if declared is not None:
        chosen = declared
        if given is not None and not given.equals(declared):
            in_declared = in_box(metric_bounds(bounds, declared), CATALONIA_BOUNDS)
            if not in_declared and in_box(metric_bounds(bounds, given), CATALONIA_BOUNDS):
                chosen = given
                messages.append(
                    _(
                        "The file declares {declared}, which puts the boundaries outside "
                        "Catalonia; {given} was used as you asked."
                    ).format(declared=crs_name(declared), given=crs_name(given))
                )
            else:
                messages.append(
                    _(
                        "The file declares {declared}; the coordinate system you gave ({given}) "
                        "was not used."
                    ).format(declared=crs_name(declared), given=crs_name(given))
                )
    elif given is not None:
        chosen = given
    else:
        guess = infer_crs(bounds)
        if guess is None:
            raise file_error(
                label,
                _(
                    "The file declares no coordinate system and it cannot be inferred from the "
                    'coordinates. Give it, for example crs="EPSG:25831" (UTM metres) or '
                    'crs="EPSG:4326" (longitude, latitude).'
                ),
            )
        chosen = CRS.from_user_input(guess)
        if not (raw.crs_by_default and guess == "EPSG:4326"):
            # GeoJSON without "crs" is EPSG:4326 by RFC 7946: that is not a guess.
            inferred = True
            messages.append(
                _(
                    "The file declares no coordinate system; {crs} was inferred from the "
                    "coordinates."
                ).format(crs=guess)
            )
    if not in_box(metric_bounds(bounds, chosen), CATALONIA_BOUNDS):
        raise file_error(label, _location_hint(bounds, chosen))
    return chosen, inferred, messages


def nest_in_parents(children: gpd.GeoDataFrame, parents: gpd.GeoDataFrame) -> pd.Series:
    """Find the parent of each child unit: the parent containing its representative point.

    A representative point is always inside the child, so slight overlaps of a child with
    neighbouring parents (different sources, rounding) do not matter. If overlapping
    parents both contain the point, the one sharing the most area with the child wins.

    Parameters
    ----------
    children
        Child units (e.g. neighbourhoods) with a geometry.
    parents
        Parent units (e.g. districts) with a ``code`` column; reprojected to the children's
        CRS when both declare a different one.

    Returns
    -------
    pandas.Series
        The parent code of each child, indexed like ``children`` and named
        ``"parent_code"``; missing (NA) where no parent contains the child.

    Examples
    --------
    >>> from shapely import box
    >>> kids = gpd.GeoDataFrame(geometry=[box(0, 0, 1, 1), box(5, 5, 6, 6)])
    >>> dads = gpd.GeoDataFrame({"code": ["01"]}, geometry=[box(0, 0, 2, 2)])
    >>> nest_in_parents(kids, dads).tolist()
    ['01', nan]
    """
    if "code" not in parents.columns:
        raise ValidationError(_("The parent units need a code column."))
    if (
        children.crs is not None
        and parents.crs is not None
        and not CRS.from_user_input(children.crs).equals(parents.crs)
    ):
        parents = parents.to_crs(children.crs)
    child_geoms = np.asarray(children.geometry.array, dtype=object)
    parent_geoms = np.asarray(parents.geometry.array, dtype=object)
    parent_codes = [code_text(v) for v in parents["code"]]
    result: list[str | None] = [None] * len(children)
    if len(children) and len(parents):
        points = shapely.point_on_surface(child_geoms)
        tree = shapely.STRtree(parent_geoms)
        child_idx, parent_idx = tree.query(points, predicate="within")
        candidates: dict[int, list[int]] = {}
        for c, p in zip(child_idx.tolist(), parent_idx.tolist(), strict=True):
            candidates.setdefault(c, []).append(p)
        for c, found in candidates.items():
            if len(found) > 1:
                areas = shapely.area(shapely.intersection(child_geoms[c], parent_geoms[found]))
                found = [found[int(np.argmax(areas))]]
            result[c] = parent_codes[found[0]]
    return pd.Series(result, index=children.index, name="parent_code", dtype="str")
