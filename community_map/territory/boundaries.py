"""Territorial boundaries: districts, neighbourhoods and catchment areas from files.

:func:`boundaries_from_file` reads GeoJSON, TopoJSON, a zipped Shapefile, a GeoPackage or
a CSV with a WKT column, recognises the code, name, parent and population columns of the
usual Barcelona sources (Open Data BCN, CartoBCN, the udd population layer) or plain
``code``/``name`` columns, works out the coordinate system, repairs invalid polygons and
returns the units in EPSG:25831, with notes for the user about what was done.

Every problem with a file is an :class:`~community_map.errors.ImportFileError` whose
message names the file and, when known, the row and column, and says how to fix it.
"""

from __future__ import annotations

import contextlib
import io
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError
from shapely.geometry import GeometryCollection, MultiPolygon, Polygon
from shapely.geometry.base import BaseGeometry
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from community_map._spatial import CATALONIA_BOUNDS as _CATALONIA_BOUNDS
from community_map.errors import ImportFileError, ValidationError
from community_map.i18n import gettext as _
from community_map.i18n import ngettext
from community_map.models import METRIC_SRID, TerritoryUnit, UnitKind

__all__ = [
    "CATALONIA_BOUNDS",
    "FRAME_COLUMNS",
    "METRIC_CRS",
    "BoundaryImport",
    "boundaries_from_file",
    "infer_crs",
    "nest_in_parents",
    "units_frame",
]

METRIC_CRS = f"EPSG:{METRIC_SRID}"
"""The CRS of every frame this module returns (ETRS89 / UTM zone 31N)."""

CATALONIA_BOUNDS = _CATALONIA_BOUNDS
"""Plausible extent of Catalonia in EPSG:25831: (xmin, ymin, xmax, ymax)."""

FRAME_COLUMNS: tuple[str, ...] = ("code", "name", "parent_code", "population", "geometry")
"""Columns of the frames returned by :func:`boundaries_from_file` and :func:`units_frame`."""

SUPPORTED_EXTENSIONS = (".geojson", ".json", ".topojson", ".zip", ".gpkg", ".csv")

# Column schemes tried in order: (code, name, parent). Matching is case-insensitive.
_Scheme = tuple[str, str, str | None]
_KIND_SCHEMES: dict[UnitKind, tuple[_Scheme, ...]] = {
    UnitKind.NEIGHBOURHOOD: (
        ("codi_barri", "nom_barri", "codi_districte"),  # Open Data BCN
        ("barri", "nom", "districte"),  # CartoBCN
        ("c_barri", "n_barri", "c_distri"),  # udd population layer
    ),
    UnitKind.DISTRICT: (
        ("codi_districte", "nom_districte", None),  # Open Data BCN
        ("districte", "nom", None),  # CartoBCN
    ),
    UnitKind.CATCHMENT: (),
}
_GENERIC_SCHEMES: tuple[_Scheme, ...] = (
    ("code", "name", None),
    ("codi", "nom", None),
    ("codigo", "nombre", None),
    ("id", "name", None),
)
_POPULATION_COLUMNS = ("population", "poblacio", "població", "poblacion", "población")
_MEN_WOMEN_COLUMNS = ("homes", "dones")
_WKT_COLUMNS = ("geometria_etrs89", "geometry", "the_geom", "geom", "wkt", "geometria_wgs84")
_WKT_COLUMN_CRS = {"geometria_etrs89": METRIC_CRS, "geometria_wgs84": "EPSG:4326"}
_WKT_START = re.compile(r"^\s*(?:SRID=(\d+)\s*;\s*)?(?:MULTI)?POLYGON\b", re.IGNORECASE)
_SRID_PREFIX = re.compile(r"^\s*SRID=(\d+)\s*;\s*", re.IGNORECASE)
_TOPOLOGY = re.compile(rb'"type"\s*:\s*"Topology"')
_CRS_MEMBER = re.compile(rb'"crs"\s*:\s*\{')
_MOJIBAKE = re.compile("[\u00c2\u00c3][\u0080-\u00bf]")
_PLACEHOLDERS = {"", "-", "--"}
_QUOTED_PATH = re.compile(r"'[^']*[/\\][^']*'")
_GDAL_DRIVER_TIP = re.compile(r";?\s*It might help to specify the correct driver.*$")


@dataclass(frozen=True)
class BoundaryImport:
    """The result of :func:`boundaries_from_file`.

    Attributes
    ----------
    frame
        One row per unit with the columns ``code`` (str), ``name`` (str), ``parent_code``
        (str, missing when unknown), ``population`` (Int64, may be NA) and ``geometry``
        (valid Polygon or MultiPolygon), in EPSG:25831, sorted by code.
    source_crs
        The coordinate system the file was read in, e.g. ``"EPSG:4326"``.
    crs_inferred
        True when the file declared no coordinate system and it was inferred from the
        coordinates.
    repaired
        Number of invalid geometries that were repaired.
    messages
        Translated notes for the user (CRS inferred, polygons repaired, codes padded...).
    """

    frame: gpd.GeoDataFrame
    source_crs: str
    crs_inferred: bool
    repaired: int
    messages: list[str] = field(default_factory=list)


@dataclass
class _RawFile:
    """What a reader found: attributes, geometries and the CRS the file declares."""

    attributes: pd.DataFrame
    geometries: list[Any]
    declared_crs: CRS | None
    # True for GeoJSON without a "crs" member: EPSG:4326 only by the RFC 7946 default.
    crs_by_default: bool
    geometry_column: str
    first_row: int  # row number of the first record as the user sees it


# --------------------------------------------------------------------------- helpers


def _error(label: str, message: str, *, row: int | None = None,
           column: str | None = None) -> ImportFileError:
    return ImportFileError(message, path=label, row=row, column=column)


def _check_kind(kind: str) -> UnitKind:
    try:
        return UnitKind(kind)
    except ValueError:
        raise ValidationError(
            _("Unknown kind of territorial unit {kind!r}; use one of: {kinds}.").format(
                kind=kind, kinds=", ".join(k.value for k in UnitKind)
            )
        ) from None


def _parse_crs(value: str, label: str) -> CRS:
    try:
        return CRS.from_user_input(value)
    except CRSError:
        raise _error(
            label,
            _("Unknown coordinate system {crs!r}; give an EPSG code such as EPSG:25831 or "
              "EPSG:4326.").format(crs=value),
        ) from None


def _crs_name(crs: CRS) -> str:
    epsg = crs.to_epsg()
    return f"EPSG:{epsg}" if epsg is not None else crs.to_string()


def _columns_list(columns: Sequence[object]) -> str:
    return ", ".join(str(c) for c in columns) or "—"


def _unreadable(label: str, kind_of_file: str, exc: BaseException) -> ImportFileError:
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    # GDAL quotes the full path it opened (e.g. /vsizip//tmp/…): show the file name instead.
    detail = _QUOTED_PATH.sub(repr(label), detail)
    detail = _GDAL_DRIVER_TIP.sub("", detail).rstrip(" ;.")
    return _error(
        label,
        _("The file could not be read as {format}. Check that it is a complete, valid file "
          "of that format ({detail}).").format(format=kind_of_file, detail=detail),
    )


def _in_box(bounds: Sequence[float], box: Sequence[float]) -> bool:
    xmin, ymin, xmax, ymax = (float(v) for v in bounds)
    bxmin, bymin, bxmax, bymax = box
    return bool(
        np.all(np.isfinite([xmin, ymin, xmax, ymax]))
        and bxmin <= xmin <= xmax <= bxmax
        and bymin <= ymin <= ymax <= bymax
    )


def _metric_bounds(bounds: Sequence[float], crs: CRS) -> tuple[float, float, float, float]:
    """Bounds of the box ``bounds`` (in ``crs``) reprojected to EPSG:25831."""
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
    if not np.all(np.isfinite([xmin, ymin, xmax, ymax])):
        return None
    if -180.0 <= xmin <= xmax <= 180.0 and -90.0 <= ymin <= ymax <= 90.0:
        return "EPSG:4326"
    if _in_box((xmin, ymin, xmax, ymax), CATALONIA_BOUNDS):
        return METRIC_CRS
    return None


# --------------------------------------------------------------------------- readers


def _read_bytes(path: Path, label: str) -> bytes:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise _error(label, _("The file does not exist.")) from None
    except OSError as exc:
        raise _unreadable(label, path.suffix or "?", exc) from exc
    if not data.strip():
        raise _error(label, _("The file is empty."))
    return data


def _detect_format(path: Path, data: bytes, label: str) -> str:
    """Return one of ``geojson``, ``topojson``, ``zip``, ``gpkg`` or ``csv``."""
    ext = path.suffix.lower()
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if ext == ".shp":
        raise _error(
            label,
            _("A shapefile needs its .shp, .shx, .dbf and .prj files: put them together in a "
              ".zip file and import the .zip."),
        )
    if ext in {".json", ".geojson", ".topojson"} or (
        ext not in SUPPORTED_EXTENSIONS and head.startswith(b"{")
    ):
        return "topojson" if _TOPOLOGY.search(data) else "geojson"
    if ext == ".zip" or data.startswith(b"PK\x03\x04"):
        return "zip"
    if ext == ".gpkg" or data.startswith(b"SQLite format 3\x00"):
        return "gpkg"
    if ext in {".csv", ".txt"}:
        return "csv"
    raise _error(
        label,
        _("Unsupported file type {extension}. Use GeoJSON (.geojson, .json), TopoJSON, a "
          "zipped Shapefile (.zip), a GeoPackage (.gpkg) or a CSV with a WKT column.").format(
            extension=ext or repr(path.name)
        ),
    )


_FORMAT_LABELS = {
    "geojson": "GeoJSON",
    "topojson": "TopoJSON",
    "zip": "zipped Shapefile",
    "gpkg": "GeoPackage",
    "csv": "CSV",
}


def _has_mojibake(frame: pd.DataFrame) -> bool:
    for column in frame.columns:
        if column == "geometry":
            continue
        values = frame[column]
        textual = values.dtype == object or pd.api.types.is_string_dtype(values.dtype)
        if textual and values.dropna().astype(str).str.contains(_MOJIBAKE).any():
            return True
    return False


def _read_spatial(path: Path, data: bytes, fmt: str, label: str,
                  layer: str | None) -> _RawFile:
    source = f"zip://{path.resolve()}" if fmt == "zip" else str(path)
    kind_label = _FORMAT_LABELS[fmt]
    try:
        layers = [
            str(name) for name, geometry_type in pyogrio.list_layers(source)
            if geometry_type is not None or fmt in {"geojson", "topojson"}
        ]
    except Exception as exc:  # GDAL raises many kinds; rephrase them all
        if fmt == "zip":
            raise _error(
                label,
                _("The .zip file holds no readable shapefile: put the .shp, .shx, .dbf and "
                  ".prj files of one shapefile in it."),
            ) from exc
        raise _unreadable(label, kind_label, exc) from exc
    if not layers:
        raise _error(label, _("The file contains no layer with geometries."))
    if layer is not None and layer not in layers:
        raise _error(
            label,
            _("The file has no layer {layer!r}. Layers found: {layers}.").format(
                layer=layer, layers=_columns_list(layers)
            ),
        )
    if layer is None and len(layers) > 1:
        raise _error(
            label,
            _("The file has several layers ({layers}); choose one with layer=….").format(
                layers=_columns_list(layers)
            ),
        )
    chosen = layer if layer is not None else layers[0]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            frame = gpd.read_file(source, layer=chosen)
            if fmt == "zip" and _has_mojibake(frame):
                # A .dbf written in UTF-8 without a .cpg file is decoded as Latin-1.
                with contextlib.suppress(Exception):  # else keep the first reading
                    frame = gpd.read_file(source, layer=chosen, encoding="UTF-8")
    except Exception as exc:  # GDAL raises many kinds; rephrase them all
        raise _unreadable(label, kind_label, exc) from exc
    if not isinstance(frame, gpd.GeoDataFrame):
        raise _error(label, _("The file contains no layer with geometries."))
    declared = frame.crs
    crs_by_default = fmt == "geojson" and _CRS_MEMBER.search(data) is None
    attributes = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    return _RawFile(
        attributes=attributes.reset_index(drop=True),
        geometries=list(frame.geometry.array),
        declared_crs=None if crs_by_default else declared,
        crs_by_default=crs_by_default,
        geometry_column="geometry",
        first_row=1,
    )


def _decode_text(data: bytes, label: str) -> str:
    text: str | None = None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            text = None
    else:
        for encoding in ("utf-8-sig", "latin-1"):
            try:
                text = data.decode(encoding)
                break
            except UnicodeDecodeError:
                continue
    if text is None or "\x00" in text:
        raise _error(
            label,
            _("The text encoding of the file is not recognised. Save it as \"CSV UTF-8\" and "
              "import it again."),
        )
    return text


def _find_wkt_column(frame: pd.DataFrame) -> str | None:
    by_lower = {str(c).strip().lower(): str(c) for c in reversed(list(frame.columns))}
    for name in _WKT_COLUMNS:
        if name in by_lower:
            return by_lower[name]
    for column in frame.columns:
        first = next((v for v in frame[column] if isinstance(v, str) and v.strip()), "")
        if _WKT_START.match(first):
            return str(column)
    return None


def _read_csv(data: bytes, label: str) -> _RawFile:
    text = _decode_text(data, label)
    header = text.lstrip().splitlines()[0] if text.strip() else ""
    separator = ";" if header.count(";") > header.count(",") else ","
    try:
        frame = pd.read_csv(io.StringIO(text), sep=separator, dtype=str, keep_default_na=False,
                            skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise _error(label, _("The file contains no features or rows.")) from None
    except (pd.errors.ParserError, ValueError) as exc:
        raise _unreadable(label, "CSV", exc) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    wkt_column = _find_wkt_column(frame)
    if wkt_column is None:
        raise _error(
            label,
            _("No column with WKT polygons was found. Columns found: {columns}. Add a column "
              "named \"geometry\" with POLYGON or MULTIPOLYGON text.").format(
                columns=_columns_list(list(frame.columns))
            ),
        )
    declared: CRS | None = None
    column_crs = _WKT_COLUMN_CRS.get(wkt_column.lower())
    if column_crs is not None:
        declared = CRS.from_user_input(column_crs)
    geometries: list[Any] = []
    srids: set[str] = set()
    for position, value in enumerate(frame[wkt_column]):
        wkt = value.strip() if isinstance(value, str) else ""
        if not wkt:
            geometries.append(None)
            continue
        prefix = _SRID_PREFIX.match(wkt)
        if prefix:
            srids.add(prefix.group(1))
            wkt = wkt[prefix.end():]
        try:
            geometries.append(shapely.from_wkt(wkt))
        except (shapely.errors.GEOSException, ValueError, TypeError):
            raise _error(
                label,
                _("The geometry is not valid WKT (it should look like POLYGON ((x y, …))). "
                  "Starts with: {start}").format(start=wkt[:40]),
                row=position + 2, column=wkt_column,
            ) from None
    if declared is None and len(srids) == 1:
        declared = CRS.from_epsg(int(srids.pop()))
    return _RawFile(
        attributes=frame.drop(columns=[wkt_column]),
        geometries=geometries,
        declared_crs=declared,
        crs_by_default=False,
        geometry_column=wkt_column,
        first_row=2,
    )


# --------------------------------------------------------------------------- columns


def _lookup(columns: Sequence[object]) -> dict[str, str]:
    """Map lower-cased column names to the real names (the first one wins)."""
    found: dict[str, str] = {}
    for column in columns:
        found.setdefault(str(column).strip().casefold(), str(column))
    return found


def _is_missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value))


def _code_text(value: object) -> str | None:
    """A code as a string; None for missing values and placeholders such as "-"."""
    if _is_missing(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return str(int(value))
    text = str(value).strip()
    return None if text in _PLACEHOLDERS else text


def _has_codes(frame: pd.DataFrame, column: str) -> bool:
    return any(_code_text(v) is not None for v in frame[column])


def _given_column(frame: pd.DataFrame, value: str, argument: str, label: str) -> str:
    if value in frame.columns:
        return value
    lookup = _lookup(list(frame.columns))
    if value.strip().casefold() in lookup:
        return lookup[value.strip().casefold()]
    raise _error(
        label,
        _("The column {column!r} given as {argument} does not exist. Columns found: "
          "{columns}.").format(column=value, argument=argument,
                               columns=_columns_list(list(frame.columns))),
    )


@dataclass(frozen=True)
class _Columns:
    code: str
    name: str
    parent: str | None
    population: str | None
    men_women: tuple[str, str] | None


def _choose_columns(
    frame: pd.DataFrame,
    kind: UnitKind,
    label: str,
    *,
    code_column: str | None,
    name_column: str | None,
    parent_column: str | None,
    population_column: str | None,
) -> _Columns:
    lookup = _lookup(list(frame.columns))
    schemes = _KIND_SCHEMES[kind] + _GENERIC_SCHEMES
    matched: _Scheme | None = None
    for scheme in schemes:
        code_key, name_key, _parent_key = scheme
        if code_key in lookup and name_key in lookup and _has_codes(frame, lookup[code_key]):
            matched = scheme
            break

    code = _given_column(frame, code_column, "code_column", label) if code_column else None
    name = _given_column(frame, name_column, "name_column", label) if name_column else None
    if matched is not None:
        code = code or lookup[matched[0]]
        name = name or lookup[matched[1]]
    else:
        code = code or next((lookup[s[0]] for s in schemes
                             if s[0] in lookup and _has_codes(frame, lookup[s[0]])), None)
        name = name or next((lookup[s[1]] for s in schemes if s[1] in lookup), None)
    if code is None or name is None:
        arguments = [f"{arg}=\"…\"" for arg, col in
                     (("code_column", code), ("name_column", name)) if col is None]
        raise _error(
            label,
            _("No code or name column was recognised for {kind} boundaries. Columns found: "
              "{columns}. Pass {arguments} with the right column name.").format(
                kind=kind.value, columns=_columns_list(list(frame.columns)),
                arguments=", ".join(arguments),
            ),
        )

    parent: str | None = None
    if parent_column:
        parent = _given_column(frame, parent_column, "parent_column", label)
    elif matched is not None and matched[2] is not None and matched[2] in lookup:
        parent = lookup[matched[2]]

    population: str | None = None
    men_women: tuple[str, str] | None = None
    if population_column:
        population = _given_column(frame, population_column, "population_column", label)
    else:
        population = next((lookup[c] for c in _POPULATION_COLUMNS if c in lookup), None)
        if population is None and all(c in lookup for c in _MEN_WOMEN_COLUMNS):
            men_women = (lookup[_MEN_WOMEN_COLUMNS[0]], lookup[_MEN_WOMEN_COLUMNS[1]])
    return _Columns(code, name, parent, population, men_women)


def _pad(code: str) -> str:
    return code.zfill(2) if code.isdigit() else code


def _codes(raw: _RawFile, column: str, label: str, *, required: bool,
           padded: list[tuple[str, str]]) -> list[str | None]:
    codes: list[str | None] = []
    for position, value in enumerate(raw.attributes[column]):
        code = _code_text(value)
        if code is None:
            if required:
                raise _error(
                    label,
                    _("The code is empty; every unit needs a code."),
                    row=position + raw.first_row, column=column,
                )
            codes.append(None)
            continue
        new = _pad(code)
        if new != code and not padded:
            padded.append((code, new))
        codes.append(new)
    return codes


def _names(raw: _RawFile, column: str, label: str) -> list[str]:
    names: list[str] = []
    for position, value in enumerate(raw.attributes[column]):
        text = "" if _is_missing(value) else str(value).strip()
        if not text:
            raise _error(
                label,
                _("The name is empty; every unit needs a name."),
                row=position + raw.first_row, column=column,
            )
        names.append(text)
    return names


def _numbers(raw: _RawFile, column: str, label: str) -> list[int | None]:
    numbers: list[int | None] = []
    for position, value in enumerate(raw.attributes[column]):
        text = "" if _is_missing(value) else str(value).strip()
        if not text:
            numbers.append(None)
            continue
        try:
            number = float(text)
        except ValueError:
            number = float("nan")
        if not np.isfinite(number) or not number.is_integer() or number < 0:
            raise _error(
                label,
                _("The population {value!r} is not a whole number of people.").format(
                    value=text
                ),
                row=position + raw.first_row, column=column,
            )
        numbers.append(int(number))
    return numbers


def _check_duplicates(codes: Sequence[str | None], raw: _RawFile, column: str,
                      label: str, kind: UnitKind) -> None:
    seen: dict[str, int] = {}
    for position, code in enumerate(codes):
        if code is None:
            continue
        if code in seen:
            first, second = seen[code] + raw.first_row, position + raw.first_row
            raise _error(
                label,
                _("The code {code!r} appears twice, in rows {first} and {second}; every unit "
                  "needs its own code. Check also that the file holds {kind} boundaries.").format(
                    code=code, first=first, second=second, kind=kind.value),
                row=second, column=column,
            )
        seen[code] = position


# --------------------------------------------------------------------------- geometry


def _polygon_parts(geometry: BaseGeometry) -> list[Polygon]:
    if isinstance(geometry, Polygon):
        return [] if geometry.is_empty else [geometry]
    if isinstance(geometry, (MultiPolygon, GeometryCollection)):
        return [part for g in geometry.geoms for part in _polygon_parts(g)]
    return []


def _polygonal(geometry: BaseGeometry) -> BaseGeometry | None:
    """The valid polygonal part of ``geometry``, or None when nothing polygonal is left."""
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


def _clean_geometries(raw: _RawFile, label: str) -> tuple[list[BaseGeometry], set[int]]:
    """Check and repair every geometry; return them and the positions repaired."""
    cleaned: list[BaseGeometry] = []
    repaired: set[int] = set()
    for position, geometry in enumerate(raw.geometries):
        row = position + raw.first_row
        if geometry is None or geometry.is_empty:
            raise _error(label, _("The geometry is missing."), row=row,
                         column=raw.geometry_column)
        geometry = shapely.force_2d(geometry)
        if not isinstance(geometry, (Polygon, MultiPolygon, GeometryCollection)):
            raise _error(
                label,
                _("The geometry is a {type}, not a polygon; boundaries must be polygons.").format(
                    type=geometry.geom_type
                ),
                row=row, column=raw.geometry_column,
            )
        if isinstance(geometry, (Polygon, MultiPolygon)) and geometry.is_valid:
            cleaned.append(geometry)
            continue
        if not geometry.is_valid:
            repaired.add(position)
        result = _polygonal(geometry)
        if result is None or result.is_empty:
            raise _error(
                label,
                _("The polygon is empty after repairing it; draw it again."),
                row=row, column=raw.geometry_column,
            )
        cleaned.append(result)
    return cleaned, repaired


def _location_hint(bounds: Sequence[float], crs: CRS) -> str:
    """Explain why the boundaries fall outside Catalonia and how to fix it."""
    xmin, ymin, xmax, ymax = (float(v) for v in bounds)
    name = _crs_name(crs)
    if _in_box(_metric_bounds((ymin, xmin, ymax, xmax), crs), CATALONIA_BOUNDS):
        return _(
            "The boundaries fall outside Catalonia when read as {crs}, but would fall inside "
            "if X and Y were swapped: the coordinates are probably in the wrong order "
            "(latitude, longitude instead of longitude, latitude). Fix the file."
        ).format(crs=name)
    guess = infer_crs((xmin, ymin, xmax, ymax))
    if guess is not None and guess != name:
        return _(
            "The boundaries fall outside Catalonia when read as {crs}; the coordinates look "
            "like {guess}. The coordinate system is probably wrong: give crs=\"{guess}\"."
        ).format(crs=name, guess=guess)
    return _(
        "The boundaries fall outside Catalonia when read as {crs} (x {xmin}…{xmax}, y "
        "{ymin}…{ymax}). Check the coordinate system (give it, for example crs=\"EPSG:25831\" "
        "or crs=\"EPSG:4326\") and that X and Y are not swapped."
    ).format(crs=name, xmin=f"{xmin:.6g}", xmax=f"{xmax:.6g}", ymin=f"{ymin:.6g}",
             ymax=f"{ymax:.6g}")


def _resolve_crs(raw: _RawFile, bounds: tuple[float, float, float, float],
                 given: CRS | None, label: str) -> tuple[CRS, bool, list[str]]:
    """Pick the CRS of the file: declared, else given, else inferred; check the extent."""
    messages: list[str] = []
    inferred = False
    declared = raw.declared_crs
    if declared is not None:
        chosen = declared
        if given is not None and not given.equals(declared):
            in_declared = _in_box(_metric_bounds(bounds, declared), CATALONIA_BOUNDS)
            if not in_declared and _in_box(_metric_bounds(bounds, given), CATALONIA_BOUNDS):
                chosen = given
                messages.append(_(
                    "The file declares {declared}, which puts the boundaries outside "
                    "Catalonia; {given} was used as you asked."
                ).format(declared=_crs_name(declared), given=_crs_name(given)))
            else:
                messages.append(_(
                    "The file declares {declared}; the coordinate system you gave ({given}) "
                    "was not used."
                ).format(declared=_crs_name(declared), given=_crs_name(given)))
    elif given is not None:
        chosen = given
    else:
        guess = infer_crs(bounds)
        if guess is None:
            raise _error(
                label,
                _("The file declares no coordinate system and it cannot be inferred from the "
                  "coordinates. Give it, for example crs=\"EPSG:25831\" (UTM metres) or "
                  "crs=\"EPSG:4326\" (longitude, latitude)."),
            )
        chosen = CRS.from_user_input(guess)
        if not (raw.crs_by_default and guess == "EPSG:4326"):
            # GeoJSON without "crs" is EPSG:4326 by RFC 7946: that is not a guess.
            inferred = True
            messages.append(_(
                "The file declares no coordinate system; {crs} was inferred from the "
                "coordinates."
            ).format(crs=guess))
    if not _in_box(_metric_bounds(bounds, chosen), CATALONIA_BOUNDS):
        raise _error(label, _location_hint(bounds, chosen))
    return chosen, inferred, messages


def _sort_key(codes: pd.Series) -> pd.Series:
    width = int(codes.str.len().max()) if len(codes) else 0
    return codes.str.zfill(width)


# --------------------------------------------------------------------------- public API


def boundaries_from_file(
    path: str | Path,
    *,
    kind: str = "neighbourhood",
    crs: str | None = None,
    code_column: str | None = None,
    name_column: str | None = None,
    parent_column: str | None = None,
    population_column: str | None = None,
    layer: str | None = None,
    display_name: str | None = None,
) -> BoundaryImport:
    """Read territorial boundaries from a file, in EPSG:25831, ready to store.

    Parameters
    ----------
    path
        A ``.geojson``/``.json``/``.topojson``, ``.zip`` (Shapefile), ``.gpkg`` or ``.csv``
        file (the type is recognised from the extension and the content).
    kind
        ``"neighbourhood"``, ``"district"`` or ``"catchment"``; it chooses which columns of
        the known sources hold the code, name and parent (CartoBCN files have both a
        ``BARRI`` and a ``DISTRICTE`` column, for example).
    crs
        The coordinate system of the coordinates when the file does not declare one
        (``"EPSG:25831"``, ``"EPSG:4326"``...). A CRS the file declares wins, unless it
        puts the boundaries outside Catalonia and this one does not.
    code_column, name_column, parent_column, population_column
        Column names, when they are not recognised automatically (case-insensitive).
    layer
        The layer to read from a GeoPackage, zip or TopoJSON with several.
    display_name
        The file name to use in error messages (e.g. the name of an uploaded file).

    Returns
    -------
    BoundaryImport
        The units, the source CRS, whether it was inferred, the number of repaired
        geometries and translated notes for the user.

    Raises
    ------
    ImportFileError
        When the file cannot be read or imported; the message names the file, row and
        column when known and says what to change.

    Examples
    --------
    >>> result = boundaries_from_file("barris.geojson")  # doctest: +SKIP
    >>> result.frame[["code", "name"]].head(2)  # doctest: +SKIP
      code            name
    0   01        el Raval
    1   02  el Barri Gòtic
    """
    file_path = Path(path)
    label = display_name or file_path.name
    unit_kind = _check_kind(kind)
    given = _parse_crs(crs, label) if crs else None

    data = _read_bytes(file_path, label)
    fmt = _detect_format(file_path, data, label)
    raw = _read_csv(data, label) if fmt == "csv" else _read_spatial(
        file_path, data, fmt, label, layer)
    if raw.attributes.empty and not raw.geometries:
        raise _error(label, _("The file contains no features or rows."))
    raw.attributes = raw.attributes.reset_index(drop=True)

    columns = _choose_columns(
        raw.attributes, unit_kind, label, code_column=code_column, name_column=name_column,
        parent_column=parent_column, population_column=population_column,
    )
    messages: list[str] = []
    padded: list[tuple[str, str]] = []
    codes = _codes(raw, columns.code, label, required=True, padded=padded)
    _check_duplicates(codes, raw, columns.code, label, unit_kind)
    names = _names(raw, columns.name, label)
    parents: list[str | None] = (
        _codes(raw, columns.parent, label, required=False, padded=padded)
        if columns.parent is not None else [None] * len(codes)
    )
    population: list[int | None] = [None] * len(codes)
    if columns.population is not None:
        population = _numbers(raw, columns.population, label)
    elif columns.men_women is not None:
        men = _numbers(raw, columns.men_women[0], label)
        women = _numbers(raw, columns.men_women[1], label)
        population = [None if m is None or w is None else m + w for m, w in zip(
            men, women, strict=True)]
        messages.append(_("The population is the sum of the columns {men} and {women}.").format(
            men=columns.men_women[0], women=columns.men_women[1]))
    if padded:
        before, after = padded[0]
        messages.append(_(
            "Numeric codes were zero-padded to two digits (for example {before} → {after})."
        ).format(before=before, after=after))

    geometries, repaired = _clean_geometries(raw, label)
    source = gpd.GeoSeries(geometries)
    bounds = tuple(float(v) for v in source.total_bounds)
    source_crs, inferred, crs_messages = _resolve_crs(
        raw, (bounds[0], bounds[1], bounds[2], bounds[3]), given, label)
    messages = crs_messages + messages

    metric = source.set_crs(source_crs).to_crs(METRIC_CRS)
    invalid_after = np.flatnonzero(~metric.is_valid.to_numpy())
    if len(invalid_after):
        fixed = list(metric.array)
        for position in invalid_after:
            polygonal = _polygonal(fixed[position])
            if polygonal is None:
                raise _error(label, _("The polygon is empty after repairing it; draw it again."),
                             row=int(position) + raw.first_row, column=raw.geometry_column)
            fixed[position] = polygonal
            repaired.add(int(position))
        metric = gpd.GeoSeries(fixed, crs=METRIC_CRS)
    if repaired:
        messages.append(ngettext(
            "{count} invalid polygon was repaired.",
            "{count} invalid polygons were repaired.",
            len(repaired),
        ).format(count=len(repaired)))

    frame = gpd.GeoDataFrame(
        {
            "code": pd.Series(codes, dtype="str"),
            "name": pd.Series(names, dtype="str"),
            "parent_code": pd.Series(parents, dtype="str"),
            "population": pd.array(population, dtype="Int64"),
        },
        geometry=metric.reset_index(drop=True),
        crs=METRIC_CRS,
    )
    frame = frame.sort_values("code", key=_sort_key, kind="stable").reset_index(drop=True)
    return BoundaryImport(
        frame=frame,
        source_crs=_crs_name(source_crs),
        crs_inferred=inferred,
        repaired=len(repaired),
        messages=messages,
    )


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
    if (children.crs is not None and parents.crs is not None
            and not CRS.from_user_input(children.crs).equals(parents.crs)):
        parents = parents.to_crs(children.crs)
    child_geoms = np.asarray(children.geometry.array, dtype=object)
    parent_geoms = np.asarray(parents.geometry.array, dtype=object)
    parent_codes = [_code_text(v) for v in parents["code"]]
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


def units_frame(session: Session, *, kind: str) -> gpd.GeoDataFrame:
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
        Columns ``code``, ``name``, ``parent_code``, ``population`` (Int64) and
        ``geometry`` (from ``geometry_wkt`` in its ``srid``; missing when not stored),
        sorted by code; an empty frame with those columns when there are no units.

    Examples
    --------
    >>> with storage.session_scope(engine) as session:  # doctest: +SKIP
    ...     districts = units_frame(session, kind="district")
    """
    unit_kind = _check_kind(kind)
    parent = aliased(TerritoryUnit)
    rows = session.execute(
        select(
            TerritoryUnit.code, TerritoryUnit.name, parent.code.label("parent_code"),
            TerritoryUnit.population, TerritoryUnit.geometry_wkt, TerritoryUnit.srid,
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
                        kind=unit_kind.value, code=row.code)
                ) from exc
            by_srid.setdefault(int(row.srid or METRIC_SRID), []).append(position)
    for srid, positions in by_srid.items():
        if srid == METRIC_SRID:
            continue
        moved = gpd.GeoSeries([geometries[i] for i in positions], crs=f"EPSG:{srid}").to_crs(
            METRIC_CRS)
        for i, geometry in zip(positions, moved.array, strict=True):
            geometries[i] = geometry
    frame = gpd.GeoDataFrame(
        {
            "code": pd.Series([r.code for r in rows], dtype="str"),
            "name": pd.Series([r.name for r in rows], dtype="str"),
            "parent_code": pd.Series([r.parent_code for r in rows], dtype="str"),
            "population": pd.array([r.population for r in rows], dtype="Int64"),
        },
        geometry=gpd.GeoSeries(geometries, crs=METRIC_CRS),
        crs=METRIC_CRS,
    )
    return frame.sort_values("code", key=_sort_key, kind="stable").reset_index(drop=True)
