"""Readers of asset files: CSV, Excel, GeoJSON and JSON records into a table of text cells.

Text files are decoded with :func:`community_map._text.decode_text`. Every reader yields a
:class:`Table` of trimmed strings with the source row of each record; GeoJSON also yields
the points of the features.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import shapely
from pyproj import CRS
from shapely.geometry import shape

from community_map._limits import check_file_size, load_json
from community_map._spatial import parse_crs
from community_map._text import decode_text, fold, is_missing, trim
from community_map.errors import ImportFileError
from community_map.i18n import gettext as _
from community_map.models import METRIC_SRID
from community_map.settings import get_settings

__all__ = [
    "KIND_CSV",
    "KIND_EXCEL",
    "KIND_GEOJSON",
    "KIND_JSON",
    "KIND_ODBCN_API",
    "KIND_ODBCN_LIST",
    "OPEN_DATA_KINDS",
    "TARGET_CRS",
    "WGS84",
    "Table",
    "clean_cell",
    "file_error",
    "geojson_point",
    "header_key",
    "read_table",
]

TARGET_CRS = CRS.from_epsg(METRIC_SRID)
WGS84 = CRS.from_epsg(4326)

_CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
_EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
_JSON_SUFFIXES = {".json", ".geojson"}

KIND_CSV = "csv"
KIND_EXCEL = "excel"
KIND_GEOJSON = "geojson"
KIND_JSON = "json"
KIND_ODBCN_LIST = "opendatabcn_list"
KIND_ODBCN_API = "opendatabcn_api"
OPEN_DATA_KINDS = {KIND_ODBCN_LIST, KIND_ODBCN_API}


@dataclass
class Table:
    """A file read as text cells: one dict per data row, with its 1-based source row."""

    columns: list[str]
    records: list[dict[str, str]]
    rows: list[int]
    kind: str
    geometries: list[tuple[float, float] | str | None] | None = None
    geometry_crs: CRS | None = None


def clean_cell(value: Any) -> str:
    """Return a cell as trimmed text (``""`` for missing values).

    Whole floats lose their ``.0`` (Excel numbers), lists and dicts become JSON and a
    byte-order mark is dropped.

    Parameters
    ----------
    value
        A cell as read by pandas, openpyxl or :mod:`json`.

    Returns
    -------
    str
        The text of the cell.

    Examples
    --------
    >>> [clean_cell(v) for v in (" Gràcia ", 8.0, 2.5, None, float("nan"), ["a"])]
    ['Gràcia', '8', '2.5', '', '', '["a"]']
    """
    if type(value) is str:  # the common case (every CSV cell): no missing-value checks
        return trim(value.replace("\ufeff", "") if "\ufeff" in value else value)
    if is_missing(value):
        return ""
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    text = str(value)
    if text.lower() in {"nan", "nat", "none"} and not isinstance(value, str):
        return ""
    return trim(text.replace("\ufeff", ""))


def header_key(name: str) -> str:
    """Normalise a column name: folded case and accents, separators as ``_``.

    Parameters
    ----------
    name
        A column name as found in the file.

    Returns
    -------
    str
        The key matched against the known column names.

    Examples
    --------
    >>> header_key("Adreça completa"), header_key("\ufeffGeo EPGS 25831 X")
    ('adreca_completa', 'geo_epgs_25831_x')
    """
    text = fold(str(name).replace("\ufeff", "").strip().casefold()).replace("·", "")
    text = re.sub(r"[\s\-./]+", "_", text)
    return re.sub(r"[^0-9a-z_]", "", text)


def file_error(display: str, message: str) -> ImportFileError:
    """An :class:`~community_map.errors.ImportFileError` about the file ``display``.

    Examples
    --------
    >>> str(file_error("a.csv", "The file is empty."))
    'a.csv: The file is empty.'
    """
    return ImportFileError(message, path=display)


def _decode(data: bytes, display: str, messages: list[str]) -> str:
    decoded = decode_text(data, display)
    messages.extend(decoded.messages)
    return decoded.text


def _sniff_separator(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            unquoted = re.sub(r'"[^"]*"', "", line)
            counts = {sep: unquoted.count(sep) for sep in (",", ";", "\t")}
            best = max(counts, key=lambda sep: counts[sep])
            return best if counts[best] else ","
    return ","


def _frame_to_table(frame: pd.DataFrame, kind: str) -> Table:
    return _rows_to_table(
        [str(c) for c in frame.columns], frame.itertuples(index=False, name=None), kind
    )


def _rows_to_table(header: Sequence[Any], data: Iterable[Sequence[Any]], kind: str) -> Table:
    """Build a table from a header and data rows; the header is spreadsheet row 1."""
    columns = [clean_cell(c) for c in header]
    records: list[dict[str, str]] = []
    rows: list[int] = []
    for position, values in enumerate(data):
        cells = [clean_cell(v) for v in values]
        cells += [""] * (len(columns) - len(cells))
        record = dict(zip(columns, cells, strict=False))
        if any(record.values()):
            records.append(record)
            rows.append(position + 2)
    return Table(columns=columns, records=records, rows=rows, kind=kind)


def _read_csv(path: Path, display: str, messages: list[str]) -> Table:
    data = path.read_bytes()
    if not data.strip():
        raise file_error(display, _("The file is empty."))
    text = _decode(data, display, messages)
    if not text.strip():
        raise file_error(display, _("The file is empty."))
    try:
        table = list(csv.reader(io.StringIO(text, newline=""), delimiter=_sniff_separator(text)))
    except csv.Error as exc:
        raise file_error(
            display, _("The file cannot be read as CSV ({detail}).").format(detail=exc)
        ) from exc
    while table and not any(cell.strip() for cell in table[0]):
        table.pop(0)
    if not table:
        raise file_error(display, _("The file is empty."))
    header, body = table[0], table[1:]
    while header and not header[-1].strip():
        header = header[:-1]
    for position, cells in enumerate(body):
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header) :]):
            raise ImportFileError(
                _(
                    "The row has {found} values but the header has {expected} columns. Check the "
                    "separator and the quotes around values that contain it."
                ).format(found=len(cells), expected=len(header)),
                path=display,
                row=position + 2,
            )
    return _rows_to_table(header, (cells[: len(header)] for cells in body), KIND_CSV)


def _read_excel(path: Path, display: str, messages: list[str]) -> Table:
    try:
        with pd.ExcelFile(path, engine="openpyxl") as book:
            sheets = [str(s) for s in book.sheet_names]
            frame = pd.read_excel(
                book, sheet_name=0, dtype=str, keep_default_na=False, na_filter=False
            )
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        raise file_error(
            display,
            _(
                "The file cannot be read as an Excel workbook ({detail}). Save it again as .xlsx."
            ).format(detail=exc),
        ) from exc
    if len(sheets) > 1:
        messages.append(
            _("Only the first sheet, {sheet!r}, was read ({count} sheets).").format(
                sheet=sheets[0], count=len(sheets)
            )
        )
    return _frame_to_table(frame, KIND_EXCEL)


def geojson_point(geometry: Any) -> tuple[float, float] | str | None:
    """Return a feature's point, a (translated) reason why it is unusable, or None if absent.

    Parameters
    ----------
    geometry
        The ``geometry`` member of a GeoJSON feature.

    Examples
    --------
    >>> geojson_point({"type": "Point", "coordinates": [2.17, 41.38]})
    (2.17, 41.38)
    >>> geojson_point({"type": "MultiPoint", "coordinates": [[2.17, 41.38]]})
    (2.17, 41.38)
    >>> geojson_point(None) is None
    True
    """
    if geometry is None:
        return None
    try:
        shp = shape(geometry)
    except (ValueError, TypeError, AttributeError, KeyError, shapely.errors.ShapelyError):
        return _("The geometry cannot be read.")
    if shp.is_empty:
        return None
    if shp.geom_type == "MultiPoint" and len(shp.geoms) == 1:
        shp = shp.geoms[0]
    if shp.geom_type != "Point":
        return _("The geometry is a {kind}; only points can be imported as assets.").format(
            kind=shp.geom_type
        )
    return (float(shp.x), float(shp.y))


def _read_geojson(obj: dict[str, Any], display: str, crs: str | None, messages: list[str]) -> Table:
    if obj.get("type") == "Feature":
        features: Any = [obj]
    else:
        features = obj.get("features")
    if not isinstance(features, list):
        raise file_error(display, _("The GeoJSON file has no list of features."))
    declared = (
        (obj.get("crs") or {}).get("properties", {}).get("name")
        if isinstance(obj.get("crs"), dict)
        else None
    )
    if declared:
        geometry_crs = parse_crs(str(declared), display)
    elif crs:
        geometry_crs = parse_crs(crs, display)
    else:
        geometry_crs = WGS84
    columns: list[str] = []
    records: list[dict[str, str]] = []
    geometries: list[tuple[float, float] | str | None] = []
    for feature in features:
        feature = feature if isinstance(feature, dict) else {}
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            properties = {}
        record = {str(k).strip(): clean_cell(v) for k, v in properties.items()}
        if "id" not in record and feature.get("id") is not None:
            record["id"] = clean_cell(feature["id"])
        for key in record:
            if key not in columns:
                columns.append(key)
        records.append(record)
        geometries.append(geojson_point(feature.get("geometry")))
    for record in records:
        for column in columns:
            record.setdefault(column, "")
    return Table(
        columns=columns,
        records=records,
        rows=list(range(1, len(records) + 1)),
        kind=KIND_GEOJSON,
        geometries=geometries,
        geometry_crs=geometry_crs,
    )


def _read_ckan(obj: dict[str, Any], display: str, messages: list[str]) -> Table:
    if obj.get("success") is False:
        raise file_error(
            display, _("The file is an Open Data BCN API response that reports an error, not data.")
        )
    result = obj["result"] if isinstance(obj.get("result"), dict) else obj
    records = result.get("records")
    if not isinstance(records, list):
        raise file_error(display, _("The JSON file has no list of records."))
    columns: list[str] = [
        str(f["id"]) for f in result.get("fields", []) if isinstance(f, dict) and "id" in f
    ]
    table_records: list[dict[str, str]] = []
    for raw in records:
        raw = raw if isinstance(raw, dict) else {}
        record = {str(k).strip(): clean_cell(v) for k, v in raw.items()}
        for key in record:
            if key not in columns:
                columns.append(key)
        table_records.append(record)
    for record in table_records:
        for column in columns:
            record.setdefault(column, "")
    total = result.get("total")
    if isinstance(total, int) and total > len(records):
        messages.append(
            _(
                "The file holds only {count} of the {total} records of this Open Data BCN "
                "resource (one page of the API). Download all pages, or the full CSV, to import "
                "every equipment."
            ).format(count=len(records), total=total)
        )
    return Table(
        columns=columns,
        records=table_records,
        rows=list(range(1, len(table_records) + 1)),
        kind=KIND_ODBCN_API,
    )


def _read_json(path: Path, display: str, crs: str | None, messages: list[str]) -> Table:
    data = path.read_bytes()
    if not data.strip():
        raise file_error(display, _("The file is empty."))
    obj = load_json(_decode(data, display, messages), display, get_settings().max_json_depth)
    if isinstance(obj, dict) and obj.get("type") in {"FeatureCollection", "Feature"}:
        return _read_geojson(obj, display, crs, messages)
    if isinstance(obj, dict) and (
        (isinstance(obj.get("result"), dict) and "records" in obj["result"]) or "records" in obj
    ):
        return _read_ckan(obj, display, messages)
    if isinstance(obj, list) and all(isinstance(item, dict) for item in obj):
        table = _read_ckan({"records": obj}, display, messages)
        table.kind = KIND_JSON
        return table
    raise file_error(
        display,
        _(
            "This JSON file is neither GeoJSON nor an Open Data BCN API response "
            '({{"result": {{"records": [...]}}}}) nor a list of records.'
        ),
    )


def read_table(
    path: Path, display: str, crs: str | None, messages: list[str], *, max_mb: float | None = None
) -> Table:
    """Read an asset file into a :class:`Table`, refusing it when over ``max_mb`` megabytes
    (default: the setting ``max_import_mb``)."""
    suffix = path.suffix.lower()
    known = _CSV_SUFFIXES | _EXCEL_SUFFIXES | _JSON_SUFFIXES
    if suffix not in known:
        suffix = Path(display).suffix.lower()
    if not path.is_file():
        raise file_error(display, _("The file does not exist."))
    check_file_size(path, display, get_settings().max_import_mb if max_mb is None else max_mb)
    if suffix in _CSV_SUFFIXES:
        return _read_csv(path, display, messages)
    if suffix in _EXCEL_SUFFIXES:
        return _read_excel(path, display, messages)
    if suffix in _JSON_SUFFIXES:
        return _read_json(path, display, crs, messages)
    raise file_error(
        display,
        _(
            "Unsupported file format {suffix!r}. Use CSV, Excel (.xlsx), GeoJSON or an Open Data "
            "BCN JSON file (an old .xls workbook must be saved again as .xlsx)."
        ).format(suffix=suffix or path.name),
    )
