"""Coordinates of assets: the pair found in a row, its CRS and the point in EPSG:25831.

The coordinate system of x/y columns is given or guessed with
:func:`community_map._spatial.guess_crs`; every point is checked to fall inside
Catalonia, with a reason (swapped axes, placeholder, wrong CRS) when it does not.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import ProjError

from community_map._spatial import guess_crs, inside_catalonia, parse_crs
from community_map.i18n import gettext as _
from community_map.models import METRIC_SRID
from community_map.territory.asset_columns import Columns
from community_map.territory.asset_tables import (
    TARGET_CRS,
    WGS84,
    file_error,
    geojson_point,
)

__all__ = [
    "Candidate",
    "Pair",
    "Projector",
    "blank_pair",
    "infer_xy_crs",
    "lonlat_to_metric",
    "parse_number",
    "to_metric_point",
    "wkt_pair",
]


@dataclass
class Pair:
    """A coordinate pair as found in the file (not yet parsed)."""

    kind: str  # "xy", "lonlat", "wkt" or "geometry"
    a: str | float
    b: str | float
    column: str
    crs: CRS | None = None
    problem: str | None = None  # a reason the pair is unusable, found while reading it


@dataclass
class Candidate:
    """One asset before validation; several source rows when collapsed."""

    row: int
    text: dict[str, str]
    labels: list[tuple[int, str]] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    hours: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    pair: Pair | None = None
    rows: int = 1


_EWKT = re.compile(r"^\s*SRID=(\d+)\s*;\s*(.*)$", re.IGNORECASE | re.DOTALL)


def wkt_pair(value: str, column: str) -> Pair:
    """Read a WKT (or EWKT ``SRID=…;``) point of a cell into a coordinate pair.

    Parameters
    ----------
    value
        The cell's text.
    column
        The column it comes from, for the report.

    Returns
    -------
    Pair
        The point, with its CRS when EWKT gives one, or a ``problem`` saying why not.

    Examples
    --------
    >>> pair = wkt_pair("SRID=25831;POINT (430900 4581800)", "geom")
    >>> pair.a, pair.b, pair.crs.to_epsg(), pair.problem
    (430900.0, 4581800.0, 25831, None)
    >>> wkt_pair("LINESTRING (0 0, 1 1)", "geom").problem
    'The geometry is a LineString; only points can be imported as assets.'
    """
    crs: CRS | None = None
    match = _EWKT.match(value)
    if match:
        crs = CRS.from_epsg(int(match.group(1)))
        value = match.group(2)
    try:
        geometry = shapely.from_wkt(value)
    except shapely.errors.ShapelyError:
        return Pair(
            "wkt",
            "",
            "",
            column,
            problem=_("{value!r} is not a WKT point.").format(value=value[:60]),
        )
    point = geojson_point(shapely.geometry.mapping(geometry)) if not geometry.is_empty else None
    if point is None:
        return Pair("wkt", "", "", column, problem=_("The geometry is empty."))
    if isinstance(point, str):
        return Pair("wkt", "", "", column, problem=point)
    return Pair("wkt", point[0], point[1], column, crs=crs)


def blank_pair(pair: Pair) -> bool:
    """Whether a coordinate pair is empty (and has no problem to report).

    Examples
    --------
    >>> blank_pair(Pair("xy", " ", "", "x")), blank_pair(Pair("xy", "1", "", "x"))
    (True, False)
    """
    return pair.problem is None and str(pair.a).strip() == "" and str(pair.b).strip() == ""


def parse_number(value: str | float) -> float | None:
    """Read a coordinate written as people write them (decimal comma, minus sign, spaces).

    Parameters
    ----------
    value
        Text or a number.

    Returns
    -------
    float or None
        The finite number, or ``None`` when it is not one.

    Examples
    --------
    >>> parse_number("431 234,5"), parse_number("\u22122.17"), parse_number("x"), parse_number(3)
    (431234.5, -2.17, None, 3.0)
    """
    if isinstance(value, float | int):
        number = float(value)
    else:
        text = value.strip().replace("\u2212", "-").replace(" ", "")
        if "," in text and "." not in text:
            text = text.replace(",", ".")
        try:
            number = float(text)
        except ValueError:
            return None
    return number if math.isfinite(number) else None


def _inside(x: float, y: float) -> bool:
    return bool(inside_catalonia(np.array([x]), np.array([y]))[0])


def infer_xy_crs(
    candidates: list[Candidate],
    columns: Columns,
    crs: str | None,
    display: str,
    messages: list[str],
) -> CRS:
    """Return the CRS of the x/y (and WKT) coordinates: given, or inferred from the values."""
    if crs:
        return parse_crs(crs, display)
    pairs: list[tuple[int, float, float]] = []
    for candidate in candidates:
        pair = candidate.pair
        if pair is None or pair.kind not in {"xy", "wkt"} or pair.crs is not None:
            continue
        a, b = parse_number(pair.a), parse_number(pair.b)
        if a is not None and b is not None and not (abs(a) < 0.01 and abs(b) < 0.01):
            pairs.append((candidate.row, a, b))
    if not pairs:
        return TARGET_CRS
    guess = guess_crs([a for _row, a, _b in pairs], [b for _row, _a, b in pairs], share=0.5)
    columns_label = "/".join(c for c in (columns.get("x"), columns.get("y")) if c) or (
        columns.get("wkt") or ""
    )
    if guess == TARGET_CRS.to_string():
        return TARGET_CRS
    if guess == WGS84.to_string():
        messages.append(
            _(
                "The values in {columns} look like longitude/latitude, so they were read as "
                "EPSG:4326. Pass crs=... if that is wrong."
            ).format(columns=columns_label)
        )
        return WGS84
    row, a, b = pairs[0]
    raise file_error(
        display,
        _(
            "The coordinates in {columns} (for example {a}, {b} in row {row}) are neither "
            "longitude/latitude nor EPSG:25831 metres. Pass crs='EPSG:<code>' with their "
            "coordinate reference system (for example EPSG:23031 for ED50 / UTM 31N, or "
            "EPSG:3857 for web maps)."
        ).format(columns=columns_label, a=a, b=b, row=row),
    )


class Projector:
    """Cached transformers to EPSG:25831."""

    def __init__(self) -> None:
        self._cache: dict[str, Transformer] = {}
        # the same CRS object comes with every row: look it up by identity first, since
        # comparing or printing a CRS costs more than projecting a point
        self._last: tuple[CRS, Transformer | None] | None = None

    def _transformer(self, crs: CRS) -> Transformer | None:
        if self._last is not None and self._last[0] is crs:
            return self._last[1]
        transformer: Transformer | None = None
        if crs != TARGET_CRS:
            key = crs.to_wkt()
            transformer = self._cache.get(key)
            if transformer is None:
                transformer = Transformer.from_crs(crs, TARGET_CRS, always_xy=True)
                self._cache[key] = transformer
        self._last = (crs, transformer)
        return transformer

    def __call__(self, crs: CRS, a: float, b: float) -> tuple[float, float]:
        transformer = self._transformer(crs)
        if transformer is None:
            return a, b
        try:
            x, y = transformer.transform(a, b, errcheck=True)
        except ProjError:
            return math.inf, math.inf
        return float(x), float(y)


def to_metric_point(
    pair: Pair | None, xy_crs: CRS, project: Projector
) -> tuple[float, float] | str:
    """Return the pair in EPSG:25831, or a (translated) reason why it cannot be used.

    Parameters
    ----------
    pair
        The coordinates found in a row (``None`` when there were none).
    xy_crs
        The CRS of pairs that do not carry one (see :func:`infer_xy_crs`).
    project
        A :class:`Projector`, shared by the rows of a file.

    Examples
    --------
    >>> from community_map.territory.asset_tables import WGS84
    >>> x, y = to_metric_point(Pair("lonlat", "2,1734", "41,3851", "lon/lat"), WGS84, Projector())
    >>> round(x, -2), round(y, -2)
    (430900.0, 4581800.0)
    >>> to_metric_point(Pair("lonlat", "41.3851", "2.1734", "lon/lat"), WGS84, Projector())[:40]
    'Longitude and latitude look swapped (41.'
    """
    if pair is None or blank_pair(pair):
        return _("Missing coordinates.")
    if pair.problem:
        return pair.problem
    a, b = parse_number(pair.a), parse_number(pair.b)
    if a is None or b is None:
        return _("The coordinates ({a}, {b}) are not numbers.").format(a=pair.a, b=pair.b)
    crs = pair.crs or xy_crs
    zero = 0.01 if crs.is_geographic else 1000.0
    if abs(a) < zero and abs(b) < zero:
        return _(
            "The coordinates ({a}, {b}) are a placeholder at (0, 0), not a real place."
        ).format(a=a, b=b)
    if (
        crs.is_geographic
        and not (abs(a) <= 180 and abs(b) <= 90)
        and not (abs(b) <= 180 and abs(a) <= 90)
    ):
        return _("The coordinates ({a}, {b}) are not longitude/latitude degrees.").format(a=a, b=b)
    x, y = project(crs, a, b)
    if _inside(x, y):
        return x, y
    sx, sy = project(crs, b, a)
    if _inside(sx, sy):
        if crs.is_geographic:
            return _(
                "Longitude and latitude look swapped ({a}, {b}): swap the two columns "
                "(or the 'lon' and 'lat' entries of the mapping)."
            ).format(a=a, b=b)
        return _(
            "x and y look swapped ({a}, {b}): swap the two columns (or the 'x' and 'y' "
            "entries of the mapping)."
        ).format(a=a, b=b)
    return _(
        "The point ({a}, {b}) falls outside Catalonia; check the coordinates and their "
        "coordinate reference system ({crs})."
    ).format(a=a, b=b, crs=crs.to_string())


def lonlat_to_metric(lon: float, lat: float) -> tuple[float, float]:
    """Convert a WGS84 longitude/latitude to EPSG:25831 metres.

    Parameters
    ----------
    lon, lat
        Degrees (EPSG:4326).

    Returns
    -------
    tuple of float
        ``(x, y)`` in metres.

    Examples
    --------
    >>> x, y = lonlat_to_metric(2.1734, 41.3851)
    >>> round(x, -2), round(y, -2)
    (430900.0, 4581800.0)
    """
    point = gpd.GeoSeries([shapely.Point(lon, lat)], crs=4326).to_crs(METRIC_SRID).iloc[0]
    return float(point.x), float(point.y)
