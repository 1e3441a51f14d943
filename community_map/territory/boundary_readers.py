"""Readers of boundary files: recognise the format and read attributes and geometries.

GeoJSON, TopoJSON, zipped Shapefiles and GeoPackages are read with GDAL; a CSV with a
WKT column is decoded with :func:`community_map._text.decode_text` and parsed here. The
result is a :class:`RawFile` that :mod:`~community_map.territory.boundary_files` turns into
units.
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
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS

from community_map._spatial import METRIC_CRS
from community_map._text import decode_text
from community_map.errors import ImportFileError
from community_map.i18n import gettext as _

__all__ = [
    "SUPPORTED_EXTENSIONS",
    "RawFile",
    "columns_list",
    "detect_format",
    "file_error",
    "read_bytes",
    "read_spatial",
    "read_wkt_csv",
]

SUPPORTED_EXTENSIONS = (".geojson", ".json", ".topojson", ".zip", ".gpkg", ".csv")
_WKT_COLUMNS = ("geometria_etrs89", "geometry", "the_geom", "geom", "wkt", "geometria_wgs84")
_WKT_COLUMN_CRS = {"geometria_etrs89": METRIC_CRS, "geometria_wgs84": "EPSG:4326"}
_WKT_START = re.compile(r"^\s*(?:SRID=(\d+)\s*;\s*)?(?:MULTI)?POLYGON\b", re.IGNORECASE)
_SRID_PREFIX = re.compile(r"^\s*SRID=(\d+)\s*;\s*", re.IGNORECASE)
_TOPOLOGY = re.compile(rb'"type"\s*:\s*"Topology"')
_CRS_MEMBER = re.compile(rb'"crs"\s*:\s*\{')
_MOJIBAKE = re.compile("[\u00c2\u00c3][\u0080-\u00bf]")
_QUOTED_PATH = re.compile(r"'[^']*[/\\][^']*'")
_GDAL_DRIVER_TIP = re.compile(r";?\s*It might help to specify the correct driver.*$")


@dataclass
class RawFile:
    """What a reader found: attributes, geometries and the CRS the file declares."""

    attributes: pd.DataFrame
    geometries: list[Any]
    declared_crs: CRS | None
    # True for GeoJSON without a "crs" member: EPSG:4326 only by the RFC 7946 default.
    crs_by_default: bool
    geometry_column: str
    first_row: int  # row number of the first record as the user sees it
    messages: list[str] = field(default_factory=list)  # notes on reading (text encoding)

    def cell_error(self, label: str, position: int, column: str, message: str) -> ImportFileError:
        """An error about the value in ``column`` of the record at ``position`` (from 0)."""
        return file_error(label, message, row=position + self.first_row, column=column)


def file_error(
    label: str, message: str, *, row: int | None = None, column: str | None = None
) -> ImportFileError:
    return ImportFileError(message, path=label, row=row, column=column)


def columns_list(columns: Sequence[object]) -> str:
    """Column names for a message, comma-separated (``—`` for none).

    Examples
    --------
    >>> columns_list(["codi", "nom"]), columns_list([])
    ('codi, nom', '—')
    """
    return ", ".join(str(c) for c in columns) or "—"


def _unreadable(label: str, kind_of_file: str, exc: BaseException) -> ImportFileError:
    detail = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    # GDAL quotes the full path it opened (e.g. /vsizip//tmp/…): show the file name instead.
    detail = _QUOTED_PATH.sub(repr(label), detail)
    detail = _GDAL_DRIVER_TIP.sub("", detail).rstrip(" ;.")
    return file_error(
        label,
        _(
            "The file could not be read as {format}. Check that it is a complete, valid file "
            "of that format ({detail})."
        ).format(format=kind_of_file, detail=detail),
    )


def read_bytes(path: Path, label: str) -> bytes:
    """The bytes of a boundary file; an import error when it is missing, unreadable or empty.

    Parameters
    ----------
    path
        The file.
    label
        The file's name for messages.

    Examples
    --------
    >>> read_bytes(Path("/nonexistent/barris.geojson"), "barris.geojson")
    Traceback (most recent call last):
    ...
    community_map.errors.ImportFileError: barris.geojson: The file does not exist.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise file_error(label, _("The file does not exist.")) from None
    except OSError as exc:
        raise _unreadable(label, path.suffix or "?", exc) from exc
    if not data.strip():
        raise file_error(label, _("The file is empty."))
    return data


def detect_format(path: Path, data: bytes, label: str) -> str:
    """Recognise a boundary file's format from its extension and first bytes.

    Parameters
    ----------
    path
        The file (only its extension is used).
    data
        The file's bytes.
    label
        The file's name for messages.

    Returns
    -------
    str
        One of ``geojson``, ``topojson``, ``zip``, ``gpkg`` or ``csv``.

    Raises
    ------
    ImportFileError
        For a bare ``.shp`` or an unsupported type.

    Examples
    --------
    >>> detect_format(Path("barris.json"), b'{"type": "Topology"}', "barris.json")
    'topojson'
    >>> detect_format(Path("upload"), b"PK\x03\x04...", "upload")
    'zip'
    """
    ext = path.suffix.lower()
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if ext == ".shp":
        raise file_error(
            label,
            _(
                "A shapefile needs its .shp, .shx, .dbf and .prj files: put them together in a "
                ".zip file and import the .zip."
            ),
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
    raise file_error(
        label,
        _(
            "Unsupported file type {extension}. Use GeoJSON (.geojson, .json), TopoJSON, a "
            "zipped Shapefile (.zip), a GeoPackage (.gpkg) or a CSV with a WKT column."
        ).format(extension=ext or repr(path.name)),
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


def read_spatial(path: Path, data: bytes, fmt: str, label: str, layer: str | None) -> RawFile:
    source = f"zip://{path.resolve()}" if fmt == "zip" else str(path)
    kind_label = _FORMAT_LABELS[fmt]
    try:
        layers = [
            str(name)
            for name, geometry_type in pyogrio.list_layers(source)
            if geometry_type is not None or fmt in {"geojson", "topojson"}
        ]
    except Exception as exc:  # GDAL raises many kinds; rephrase them all
        if fmt == "zip":
            raise file_error(
                label,
                _(
                    "The .zip file holds no readable shapefile: put the .shp, .shx, .dbf and "
                    ".prj files of one shapefile in it."
                ),
            ) from exc
        raise _unreadable(label, kind_label, exc) from exc
    if not layers:
        raise file_error(label, _("The file contains no layer with geometries."))
    if layer is not None and layer not in layers:
        raise file_error(
            label,
            _("The file has no layer {layer!r}. Layers found: {layers}.").format(
                layer=layer, layers=columns_list(layers)
            ),
        )
    if layer is None and len(layers) > 1:
        raise file_error(
            label,
            _("The file has several layers ({layers}); choose one with layer=….").format(
                layers=columns_list(layers)
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
        raise file_error(label, _("The file contains no layer with geometries."))
    declared = frame.crs
    crs_by_default = fmt == "geojson" and _CRS_MEMBER.search(data) is None
    attributes = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    return RawFile(
        attributes=attributes.reset_index(drop=True),
        geometries=list(frame.geometry.array),
        declared_crs=None if crs_by_default else declared,
        crs_by_default=crs_by_default,
        geometry_column="geometry",
        first_row=1,
    )


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


def read_wkt_csv(data: bytes, label: str) -> RawFile:
    """Read a CSV file with a column of WKT polygons.

    The text is decoded by :func:`community_map._text.decode_text` (its warnings go to
    :attr:`RawFile.messages`); the separator is ``;`` or ``,``; the WKT column is found by
    name or content, and an ``SRID=…;`` prefix or a ``geometria_etrs89``/``geometria_wgs84``
    column name gives the declared CRS.

    Parameters
    ----------
    data
        The file's bytes.
    label
        The file's name for messages.

    Returns
    -------
    RawFile
        Attributes, geometries, the declared CRS and notes.

    Examples
    --------
    >>> text = "codi;nom;geometria_etrs89|1;Sant Martí;POLYGON ((0 0, 1 0, 1 1, 0 0))|"
    >>> raw = read_wkt_csv(text.replace("|", chr(10)).encode("cp1252"), "barris.csv")
    >>> raw.attributes["nom"].tolist(), raw.declared_crs.to_epsg(), len(raw.messages)
    (['Sant Martí'], 25831, 1)
    """
    decoded = decode_text(data, label)
    text = decoded.text
    header = text.lstrip().splitlines()[0] if text.strip() else ""
    separator = ";" if header.count(";") > header.count(",") else ","
    try:
        frame = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            dtype=str,
            keep_default_na=False,
            skipinitialspace=True,
        )
    except pd.errors.EmptyDataError:
        raise file_error(label, _("The file contains no features or rows.")) from None
    except (pd.errors.ParserError, ValueError) as exc:
        raise _unreadable(label, "CSV", exc) from exc
    frame.columns = [str(c).strip() for c in frame.columns]
    wkt_column = _find_wkt_column(frame)
    if wkt_column is None:
        raise file_error(
            label,
            _(
                "No column with WKT polygons was found. Columns found: {columns}. Add a column "
                'named "geometry" with POLYGON or MULTIPOLYGON text.'
            ).format(columns=columns_list(list(frame.columns))),
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
            wkt = wkt[prefix.end() :]
        try:
            geometries.append(shapely.from_wkt(wkt))
        except (shapely.errors.GEOSException, ValueError, TypeError):
            raise file_error(
                label,
                _(
                    "The geometry is not valid WKT (it should look like POLYGON ((x y, …))). "
                    "Starts with: {start}"
                ).format(start=wkt[:40]),
                row=position + 2,
                column=wkt_column,
            ) from None
    if declared is None and len(srids) == 1:
        declared = CRS.from_epsg(int(srids.pop()))
    return RawFile(
        attributes=frame.drop(columns=[wkt_column]),
        geometries=geometries,
        declared_crs=declared,
        crs_by_default=False,
        geometry_column=wkt_column,
        first_row=2,
        messages=list(decoded.messages),
    )
