"""Territorial boundaries: districts, neighbourhoods and catchment areas from files.

:func:`boundaries_from_file` reads GeoJSON, TopoJSON, a zipped Shapefile, a GeoPackage or
a CSV with a WKT column (:mod:`~community_map.territory.boundary_readers`), recognises the
code, name, parent and population columns (:mod:`~community_map.territory.boundary_columns`),
works out the coordinate system and repairs invalid polygons
(:mod:`~community_map.territory.boundary_geometry`), and returns the units in EPSG:25831,
with notes for the user about what was done.

Every problem with a file is an :class:`~community_map.errors.ImportFileError` whose
message names the file and, when known, the row and column, and says how to fix it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from community_map._limits import check_file_size, load_json
from community_map._spatial import CATALONIA_BOUNDS, METRIC_CRS, code_order, parse_crs
from community_map.errors import ImportFileError
from community_map.i18n import gettext as _
from community_map.i18n import ngettext
from community_map.settings import get_settings
from community_map.territory.boundary_columns import (
    check_duplicates,
    check_kind,
    choose_columns,
    read_codes,
    read_names,
    read_numbers,
)
from community_map.territory.boundary_geometry import (
    clean_geometries,
    crs_name,
    polygonal,
    resolve_crs,
)
from community_map.territory.boundary_readers import (
    detect_format,
    file_error,
    read_bytes,
    read_spatial,
    read_wkt_csv,
)

__all__ = [
    "CATALONIA_BOUNDS",
    "FRAME_COLUMNS",
    "METRIC_CRS",
    "BoundaryImport",
    "boundaries_from_file",
]

FRAME_COLUMNS: tuple[str, ...] = ("code", "name", "parent_code", "population", "geometry")
"""Columns of the frames returned by :func:`boundaries_from_file` (and, after ``id``, by
:func:`community_map._spatial.stored_units`)."""


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
    max_mb: float | None = None,
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
    max_mb
        Largest file accepted, in megabytes (default: the setting ``max_import_mb``; the
        app passes ``max_upload_mb``).

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
    unit_kind = check_kind(kind)
    given = parse_crs(crs, label) if crs else None

    settings = get_settings()
    check_file_size(file_path, label, settings.max_import_mb if max_mb is None else max_mb)
    data = read_bytes(file_path, label)
    fmt = detect_format(file_path, data, label)
    if fmt in {"geojson", "topojson"}:  # nesting and NaN limits before the GDAL reader
        try:
            load_json(data.decode("utf-8", errors="replace"), label, settings.max_json_depth)
        except ImportFileError as exc:
            if not isinstance(exc.__cause__, json.JSONDecodeError):
                raise  # broken JSON is left to the reader, which names the format
    raw = (
        read_wkt_csv(data, label)
        if fmt == "csv"
        else read_spatial(file_path, data, fmt, label, layer)
    )
    messages: list[str] = list(raw.messages)
    if raw.attributes.empty and not raw.geometries:
        raise file_error(label, _("The file contains no features or rows."))
    raw.attributes = raw.attributes.reset_index(drop=True)

    columns = choose_columns(
        raw.attributes,
        unit_kind,
        label,
        code_column=code_column,
        name_column=name_column,
        parent_column=parent_column,
        population_column=population_column,
    )
    padded: list[tuple[str, str]] = []
    codes = read_codes(raw, columns.code, label, required=True, padded=padded)
    check_duplicates(codes, raw, columns.code, label, unit_kind)
    names = read_names(raw, columns.name, label)
    parents: list[str | None] = (
        read_codes(raw, columns.parent, label, required=False, padded=padded)
        if columns.parent is not None
        else [None] * len(codes)
    )
    population: list[int | None] = [None] * len(codes)
    if columns.population is not None:
        population = read_numbers(raw, columns.population, label)
    elif columns.men_women is not None:
        men = read_numbers(raw, columns.men_women[0], label)
        women = read_numbers(raw, columns.men_women[1], label)
        population = [
            None if m is None or w is None else m + w for m, w in zip(men, women, strict=True)
        ]
        messages.append(
            _("The population is the sum of the columns {men} and {women}.").format(
                men=columns.men_women[0], women=columns.men_women[1]
            )
        )
    if padded:
        before, after = padded[0]
        messages.append(
            _(
                "Numeric codes were zero-padded to two digits (for example {before} → {after})."
            ).format(before=before, after=after)
        )

    geometries, repaired = clean_geometries(raw, label)
    source = gpd.GeoSeries(geometries)
    bounds = tuple(float(v) for v in source.total_bounds)
    source_crs, inferred, crs_messages = resolve_crs(
        raw, (bounds[0], bounds[1], bounds[2], bounds[3]), given, label
    )
    messages = crs_messages + messages

    metric = source.set_crs(source_crs).to_crs(METRIC_CRS)
    invalid_after = np.flatnonzero(~metric.is_valid.to_numpy())
    if len(invalid_after):
        fixed = list(metric.array)
        for position in invalid_after:
            repair = polygonal(fixed[position])
            if repair is None:
                raise raw.cell_error(
                    label,
                    int(position),
                    raw.geometry_column,
                    _("The polygon is empty after repairing it; draw it again."),
                )
            fixed[position] = repair
            repaired.add(int(position))
        metric = gpd.GeoSeries(fixed, crs=METRIC_CRS)
    if repaired:
        messages.append(
            ngettext(
                "{count} invalid polygon was repaired.",
                "{count} invalid polygons were repaired.",
                len(repaired),
            ).format(count=len(repaired))
        )

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
    frame = frame.sort_values("code", key=code_order, kind="stable").reset_index(drop=True)
    return BoundaryImport(
        frame=frame,
        source_crs=crs_name(source_crs),
        crs_inferred=inferred,
        repaired=len(repaired),
        messages=messages,
    )
