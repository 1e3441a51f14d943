"""Read territory assets from the files people have into one normalised table.

Supported inputs:

* CSV (comma or semicolon; UTF-8 with or without BOM, UTF-16 with BOM, Windows-1252/Latin-1);
* Excel workbooks (``.xlsx``/``.xlsm``, first sheet);
* GeoJSON point layers (reprojected from their CRS);
* the Open Data BCN *equipment list* CSV (``opendatabcn_llista-equipaments_*``), recognised by
  its columns: one place spans several rows, which are collapsed by ``register_id``;
* Open Data BCN CKAN ``datastore_search`` API responses (``{"result": {"records": [...]}}``),
  whose records repeat per phone, timetable slot and category: they are collapsed by the
  equipment code (``CODI_EQUIPAMENT``), or by name when the resource has no code.

Every reader yields the same table (:data:`ASSET_COLUMNS`) with coordinates in EPSG:25831
metres and a category from the product taxonomy
(:data:`community_map.territory.taxonomy.DEFAULT_CATEGORIES`).
Storing the assets is not done here. The readers are in
:mod:`~community_map.territory.asset_tables`, the column recognition in
:mod:`~community_map.territory.asset_columns`, the coordinates in
:mod:`~community_map.territory.asset_points`, the Open Data BCN specifics in
:mod:`~community_map.territory.opendata_bcn` and the category map in
:mod:`~community_map.territory.asset_categories`.

Rows are validated one by one (name, coordinates inside Catalonia, accessibility value,
duplicate ids). By default the import is all or nothing: any bad row raises one
:class:`~community_map.errors.ImportFileError` naming the first problem and counting the rest;
with ``skip_bad_rows=True`` the bad rows are left out and listed in :attr:`AssetImport.skipped`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from community_map._cells import csv_bytes
from community_map._limits import clean_text
from community_map._text import fold, trim
from community_map.errors import ImportFileError
from community_map.i18n import gettext as _
from community_map.models import ASSET_CONTACT_FIELDS, Asset
from community_map.territory.asset_categories import (
    DEFAULT_CATEGORY_MAP,
    CategoryLookup,
    map_category,
)
from community_map.territory.asset_columns import (
    ACCESSIBILITY_VALUES,
    MAPPING_KEYS,
    Columns,
    check_required,
    resolve_columns,
)
from community_map.territory.asset_points import (
    Candidate,
    Pair,
    Projector,
    infer_xy_crs,
    to_metric_point,
    wkt_pair,
)
from community_map.territory.asset_tables import (
    KIND_CSV,
    KIND_EXCEL,
    KIND_GEOJSON,
    KIND_JSON,
    KIND_ODBCN_API,
    KIND_ODBCN_LIST,
    OPEN_DATA_KINDS,
    WGS84,
    Table,
    file_error,
    read_table,
)
from community_map.territory.opendata_bcn import (
    OPENDATABCN_SOURCE,
    collapse_rows,
    file_theme,
    is_odbcn_list,
    odbcn_extras,
)

__all__ = [
    "ASSET_COLUMNS",
    "DEFAULT_CATEGORY_MAP",
    "MAPPING_KEYS",
    "OPENDATABCN_SOURCE",
    "SKIPPED_COLUMNS",
    "AssetImport",
    "assets_from_file",
    "map_category",
]

ASSET_COLUMNS: list[str] = [
    "source",
    "source_id",
    "name",
    "category",
    "source_category",
    "x",
    "y",
    *ASSET_CONTACT_FIELDS,
    "tags",
    "description",
    "row",
]
"""Columns of :attr:`AssetImport.frame`, in order."""

SKIPPED_COLUMNS: list[str] = ["row", "column", "reason"]
"""Columns of :attr:`AssetImport.skipped`."""


_TEXT_FIELDS = ("name", "source_id", "address", "email", "website", "accessibility", "description")


def _column_length(name: str) -> int | None:
    length = getattr(Asset.__table__.c[name].type, "length", None)
    return int(length) if length else None


# Database column lengths, so that an import never fails on PostgreSQL for a long value.
_LIMITS: dict[str, int | None] = {
    "name": _column_length("name"),
    "address": _column_length("address"),
    "phone": _column_length("phone"),
    "email": _column_length("email"),
    "website": _column_length("website"),
    "opening_hours": _column_length("opening_hours"),
}
_SOURCE_LIMIT = _column_length("source") or 100
_SOURCE_ID_LIMIT = _column_length("source_id") or 100


@dataclass(frozen=True)
class AssetImport:
    """The result of reading one file of assets.

    Attributes
    ----------
    frame
        One row per asset, columns :data:`ASSET_COLUMNS`. ``x``/``y`` are EPSG:25831 metres;
        ``category`` is a taxonomy code or ``None`` when unmapped; ``tags`` a list of strings;
        ``accessibility`` one of ``accessible``, ``partial``, ``not_accessible``, ``unknown``;
        ``row`` the 1-based row of the asset's first row in the source (spreadsheet row for
        CSV and Excel, where the header is row 1; record or feature number for JSON).
    skipped
        Problems of the rows left out with ``skip_bad_rows=True``: columns ``row``,
        ``column`` and ``reason`` (translated). A row with several problems appears once
        per problem.
    unmapped_categories
        Source category labels of the assets that no entry of the category map matched
        (without ``default_category`` those assets have category ``None``).
    messages
        Translated notes for the user: format recognised, duplicates collapsed, CRS
        inferred, partial API pages...
    """

    frame: pd.DataFrame
    skipped: pd.DataFrame
    unmapped_categories: list[str]
    messages: list[str]

    def skipped_report_csv(self) -> bytes:
        """Return :attr:`skipped` as a UTF-8 CSV file, for download."""
        return csv_bytes(self.skipped, bom=False)


def _split_tags(value: str) -> list[str]:
    return [t.strip() for t in re.split(r"[;,|]", value) if t.strip()]


def _candidates(table: Table, columns: Columns) -> list[Candidate]:
    result: list[Candidate] = []
    opendata = table.kind in OPEN_DATA_KINDS
    for index, (record, row) in enumerate(zip(table.records, table.rows, strict=True)):
        text = {
            key: record.get(col, "") for key, col in columns.fields.items() if key in _TEXT_FIELDS
        }
        candidate = Candidate(row=row, text={k: v for k, v in text.items() if v})
        if not opendata and columns.get("phone") and record.get(columns.fields["phone"]):
            candidate.phones.append(record[columns.fields["phone"]])
        for level, column in enumerate(columns.categories):
            if record.get(column):
                candidate.labels.append((level, record[column]))
        if columns.get("tags") and record.get(columns.fields["tags"]):
            candidate.tags.extend(_split_tags(record[columns.fields["tags"]]))
        if columns.get("opening_hours") and record.get(columns.fields["opening_hours"]):
            candidate.hours.append(record[columns.fields["opening_hours"]])
        if opendata:
            odbcn_extras(candidate, record, columns)
        candidate.pair = _pair(table, index, record, columns)
        result.append(candidate)
    return result


def _pair(table: Table, index: int, record: dict[str, str], columns: Columns) -> Pair | None:
    if table.geometries is not None:
        point = table.geometries[index]
        if isinstance(point, str):
            return Pair("geometry", "", "", "geometry", problem=point)
        if point is not None:
            return Pair("geometry", point[0], point[1], "geometry", crs=table.geometry_crs)
    wkt = columns.get("wkt")
    if wkt and record.get(wkt):
        return wkt_pair(record[wkt], wkt)
    for first, second, kind in (("x", "y", "xy"), ("lon", "lat", "lonlat")):
        a_col, b_col = columns.get(first), columns.get(second)
        if a_col and b_col and (record.get(a_col) or record.get(b_col)):
            return Pair(
                kind,
                record.get(a_col, ""),
                record.get(b_col, ""),
                a_col if kind == "xy" else f"{a_col}/{b_col}",
                crs=WGS84 if kind == "lonlat" else None,
            )
    return None


# --------------------------------------------------------------------------------------------
# Assembling the result


@dataclass(frozen=True)
class _RowError:
    row: int
    column: str | None
    reason: str


def _unique(values: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    result: list[str] = []
    for value in values:
        value = value.strip()
        key = value.casefold()
        if value and key not in seen:
            seen.add(key)
            result.append(value)
    return result


def _join_within(values: list[str], separator: str, limit: int | None) -> str:
    """Join values, leaving out whole values that would not fit in ``limit`` characters."""
    text = ""
    for value in values:
        joined = value if not text else text + separator + value
        if limit is not None and len(joined) > limit:
            if not text:
                return value[: limit - 1] + "…"
            continue
        text = joined
    return text


def _fit(value: str, limit: int | None, shortened: list[int]) -> str:
    if limit is not None and len(value) > limit:
        shortened[0] += 1
        return value[: limit - 1] + "…"
    return value


def _sorted_labels(labels: list[tuple[int, str]]) -> list[str]:
    return _unique(label for _level, label in sorted(labels, key=lambda item: item[0]))


def assets_from_file(
    path: str | Path,
    *,
    source: str | None = None,
    mapping: Mapping[str, str] | None = None,
    category_map: Mapping[str, str] | None = None,
    default_category: str | None = None,
    crs: str | None = None,
    skip_bad_rows: bool = False,
    display_name: str | None = None,
    max_mb: float | None = None,
) -> AssetImport:
    """Read the assets of a CSV, Excel, GeoJSON or Open Data BCN file into one table.

    Parameters
    ----------
    path
        The file. Its format is chosen by extension (``.csv``/``.txt``/``.tsv``, ``.xlsx``,
        ``.geojson``/``.json``) and then by content: the Open Data BCN equipment list is
        recognised by its columns, a JSON file by its structure.
    source
        The ``source`` of every asset (with ``source_id``, the identity used to update
        assets on a later import). Default: ``"opendatabcn"`` for the Open Data BCN
        formats, else the file's name.
    mapping
        Our field name → the file's column name, for columns that are not recognised
        automatically. Keys: :data:`MAPPING_KEYS`. Mapping any coordinate key (``x``, ``y``,
        ``lon``, ``lat``, ``wkt``) turns off the automatic choice of coordinate columns.
    category_map
        Source category label → taxonomy code; extends and overrides
        :data:`DEFAULT_CATEGORY_MAP`.
    default_category
        Taxonomy code for the assets whose labels do not map (default: leave ``None``).
    crs
        Coordinate reference system of ``x``/``y`` (or WKT) columns, and of a GeoJSON file
        without a ``crs`` member, e.g. ``"EPSG:23031"``. Default: inferred from the values
        (EPSG:25831 metres or longitude/latitude); longitude/latitude columns are always
        EPSG:4326.
    skip_bad_rows
        Leave out bad rows and list them in :attr:`AssetImport.skipped`, instead of
        raising on the first one.
    display_name
        The file's name as the user knows it (for an uploaded temporary file), used in
        messages and to read the theme of an Open Data BCN list.
    max_mb
        Largest file accepted, in megabytes (default: the setting ``max_import_mb``; the
        app passes ``max_upload_mb``).

    Returns
    -------
    AssetImport
        The assets, the rows left out, the unmapped source categories and notes.

    Raises
    ------
    ImportFileError
        The file cannot be read (too large, unsupported format, empty, broken encoding,
        JSON nested too deeply, required
        columns missing, unknown CRS), or, without ``skip_bad_rows``, some rows are bad:
        the error names the first bad row and column and counts the other bad rows.
    """
    path = Path(path)
    display = display_name or path.name
    messages: list[str] = []
    table = read_table(path, display, crs, messages, max_mb=max_mb)
    if table.kind in {KIND_CSV, KIND_EXCEL} and is_odbcn_list(table.columns):
        table.kind = KIND_ODBCN_LIST
    if not table.records:
        raise file_error(display, _("The file has no data rows."))
    messages.insert(0, _format_note(table))
    columns = resolve_columns(table, mapping, display)
    check_required(table, columns, display)

    candidates = _candidates(table, columns)
    if table.kind in OPEN_DATA_KINDS:
        candidates = collapse_rows(candidates, table, columns, messages)
    xy_crs = infer_xy_crs(candidates, columns, crs, display, messages)

    lookup = CategoryLookup({**DEFAULT_CATEGORY_MAP, **dict(category_map or {})})
    theme = file_theme(display) if table.kind == KIND_ODBCN_LIST else None
    project = Projector()
    errors: list[_RowError] = []
    good: list[dict[str, Any]] = []
    seen_ids: dict[str, int] = {}
    unmapped: list[str] = []
    themed = defaulted = 0
    shortened = [0]
    controls = [0]
    source_value = (source or (OPENDATABCN_SOURCE if table.kind in OPEN_DATA_KINDS else display))[
        :_SOURCE_LIMIT
    ]
    for candidate in candidates:
        problems: list[_RowError] = []
        name = trim(clean_text(candidate.text.get("name", ""), controls))
        if not name:
            problems.append(
                _RowError(candidate.row, columns.get("name"), _("The name is missing."))
            )
        point = to_metric_point(candidate.pair, xy_crs, project)
        if isinstance(point, str):
            column = (
                candidate.pair.column
                if candidate.pair is not None
                else (columns.get("x") or columns.get("lon") or columns.get("wkt") or "geometry")
            )
            problems.append(_RowError(candidate.row, column, point))
        raw_access = candidate.text.get("accessibility", "")
        access = ACCESSIBILITY_VALUES.get(
            " ".join(fold(raw_access.casefold()).replace("_", " ").split())
        )
        if access is None:
            problems.append(
                _RowError(
                    candidate.row,
                    columns.get("accessibility"),
                    _(
                        "Unknown accessibility value {value!r}; use accessible, partial, "
                        "not_accessible or unknown."
                    ).format(value=raw_access),
                )
            )
        source_id = candidate.text.get("source_id") or None
        if source_id is not None:
            if len(source_id) > _SOURCE_ID_LIMIT:
                problems.append(
                    _RowError(
                        candidate.row,
                        columns.get("source_id"),
                        _("The id is longer than {limit} characters.").format(
                            limit=_SOURCE_ID_LIMIT
                        ),
                    )
                )
            elif source_id in seen_ids:
                problems.append(
                    _RowError(
                        candidate.row,
                        columns.get("source_id"),
                        _("Duplicate id {value!r}: row {first} has the same id.").format(
                            value=source_id, first=seen_ids[source_id]
                        ),
                    )
                )
        if problems:
            errors.extend(problems)
            continue
        assert not isinstance(point, str)
        if source_id is not None:
            seen_ids[source_id] = candidate.row
        labels = _sorted_labels(candidate.labels)
        code = lookup.first(labels)
        if code is None and theme is not None:
            code = lookup.get(theme)
            themed += code is not None
        if code is None:
            unmapped.extend(labels)
            if default_category:
                code = default_category
                defaulted += 1
        tags = _unique([*candidate.tags, *(labels if table.kind in OPEN_DATA_KINDS else [])])
        clean = functools.partial(clean_text, removed=controls)
        good.append(
            {
                "source": source_value,
                "source_id": None if source_id is None else clean(source_id),
                "name": _fit(name, _LIMITS["name"], shortened),
                "category": code,
                "source_category": "; ".join(labels) or None,
                "x": point[0],
                "y": point[1],
                "address": _fit(
                    clean(candidate.text.get("address", "")), _LIMITS["address"], shortened
                ),
                "phone": clean(_join_within(_unique(candidate.phones), " / ", _LIMITS["phone"])),
                "email": _fit(clean(candidate.text.get("email", "")), _LIMITS["email"], shortened),
                "website": _fit(
                    clean(candidate.text.get("website", "")), _LIMITS["website"], shortened
                ),
                "accessibility": access,
                "opening_hours": clean(
                    _join_within(_unique(candidate.hours), "; ", _LIMITS["opening_hours"])
                ),
                "tags": [clean(tag) for tag in tags],
                "description": clean(candidate.text.get("description", "")),
                "row": candidate.row,
            }
        )

    errors.sort(key=lambda e: e.row)
    if errors and not skip_bad_rows:
        first = errors[0]
        others = len({e.row for e in errors} - {first.row})
        hint = (
            _(
                "Other rows with problems: {count}. Fix them, or choose to skip bad rows (in the "
                "command line: --skip-bad-rows REPORT.csv) to import the rest and get a report of "
                "the rows left out."
            ).format(count=others)
            if others
            else _(
                "Fix the row, or choose to skip bad rows (in the command line: --skip-bad-rows "
                "REPORT.csv) to import the other rows and get a report of the rows left out."
            )
        )
        raise ImportFileError(
            f"{first.reason} {hint}", path=display, row=first.row, column=first.column
        )

    if columns.get("source_id") is None and table.kind not in OPEN_DATA_KINDS:
        messages.append(
            _(
                "The file has no id column: importing it again will add the assets again instead "
                "of updating them. Add an id column, or pass mapping={{'source_id': '<column>'}}."
            )
        )
    if themed:
        messages.append(
            _(
                "Assets whose labels in the file give no category, which take the category of the "
                "file's theme {theme!r}: {count}."
            ).format(count=themed, theme=theme)
        )
    unmapped_labels = sorted(_unique(unmapped), key=str.casefold)
    if unmapped_labels:
        messages.append(
            _(
                "Source categories with no taxonomy category: {labels}. Pass category_map to map "
                "them."
            ).format(labels=", ".join(unmapped_labels))
        )
    if defaulted:
        messages.append(
            _("Assets given the default category {code!r}: {count}.").format(
                count=defaulted, code=default_category
            )
        )
    if controls[0]:
        messages.append(
            _("Control characters (such as vertical tabs) removed from {count} values.").format(
                count=controls[0]
            )
        )
    if shortened[0]:
        messages.append(
            _("Values shortened to fit the database: {count}.").format(count=shortened[0])
        )
    if errors:
        messages.append(
            _("Rows left out because of problems: {count}. See the report of skipped rows.").format(
                count=len({e.row for e in errors})
            )
        )

    frame = pd.DataFrame(good, columns=ASSET_COLUMNS, dtype=object)
    frame["x"] = frame["x"].astype("float64")
    frame["y"] = frame["y"].astype("float64")
    frame["row"] = frame["row"].astype("int64")
    skipped = pd.DataFrame(
        [{"row": e.row, "column": e.column or "", "reason": e.reason} for e in errors],
        columns=SKIPPED_COLUMNS,
        dtype=object,
    )
    skipped["row"] = skipped["row"].astype("int64")
    return AssetImport(
        frame=frame, skipped=skipped, unmapped_categories=unmapped_labels, messages=messages
    )


def _format_note(table: Table) -> str:
    count = len(table.records)
    if table.kind == KIND_ODBCN_LIST:
        return _("Recognised an Open Data BCN equipment list ({count} rows).").format(count=count)
    if table.kind == KIND_ODBCN_API:
        return _("Recognised an Open Data BCN API response ({count} records).").format(count=count)
    if table.kind == KIND_GEOJSON:
        crs = table.geometry_crs.to_string() if table.geometry_crs else "EPSG:4326"
        return _("Read a GeoJSON file ({count} features, {crs}).").format(count=count, crs=crs)
    if table.kind == KIND_EXCEL:
        return _("Read an Excel workbook ({count} rows).").format(count=count)
    if table.kind == KIND_JSON:
        return _("Read a JSON list of records ({count} records).").format(count=count)
    return _("Read a CSV file ({count} rows).").format(count=count)
