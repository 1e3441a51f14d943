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
(:data:`community_map.territory.reads.DEFAULT_CATEGORIES`).
Storing the assets is not done here.

Rows are validated one by one (name, coordinates inside Catalonia, accessibility value,
duplicate ids). By default the import is all or nothing: any bad row raises one
:class:`~community_map.errors.ImportFileError` naming the first problem and counting the rest;
with ``skip_bad_rows=True`` the bad rows are left out and listed in :attr:`AssetImport.skipped`.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError, ProjError
from shapely.geometry import shape

from community_map._spatial import CATALONIA_BOUNDS as _CATALONIA_BOUNDS
from community_map.errors import ImportFileError
from community_map.i18n import gettext as _
from community_map.models import METRIC_SRID, Accessibility, Asset
from community_map.territory.reads import DEFAULT_CATEGORIES

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
    "source", "source_id", "name", "category", "source_category", "x", "y", "address", "phone",
    "email", "website", "accessibility", "opening_hours", "tags", "description", "row",
]
"""Columns of :attr:`AssetImport.frame`, in order."""

SKIPPED_COLUMNS: list[str] = ["row", "column", "reason"]
"""Columns of :attr:`AssetImport.skipped`."""

MAPPING_KEYS: tuple[str, ...] = (
    "name", "x", "y", "lon", "lat", "wkt", "category", "address", "phone", "email", "website",
    "accessibility", "opening_hours", "tags", "description", "source_id",
)
"""The keys accepted in the ``mapping`` argument of :func:`assets_from_file`."""

OPENDATABCN_SOURCE = "opendatabcn"
"""``source`` given to assets read from the Open Data BCN formats."""

TARGET_CRS = CRS.from_epsg(METRIC_SRID)
WGS84 = CRS.from_epsg(4326)

#: Catalonia in EPSG:25831 metres: (min x, min y, max x, max y).
CATALONIA_BOUNDS = _CATALONIA_BOUNDS

_CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
_EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
_JSON_SUFFIXES = {".json", ".geojson"}

_KIND_CSV = "csv"
_KIND_EXCEL = "excel"
_KIND_GEOJSON = "geojson"
_KIND_JSON = "json"
_KIND_ODBCN_LIST = "opendatabcn_list"
_KIND_ODBCN_API = "opendatabcn_api"
_OPEN_DATA_KINDS = {_KIND_ODBCN_LIST, _KIND_ODBCN_API}

# Recognised column names, normalised with _header_key, in order of preference.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("name", "nom", "nombre", "nom_equipament", "equipament", "equipamiento",
             "nombre_equipamiento", "nom_centre", "nombre_centro", "denominacio",
             "denominacion", "titol", "titulo", "title"),
    "source_id": ("source_id", "id", "register_id", "codi_equipament", "codigo_equipamiento",
                  "id_equipament", "codi", "codigo", "code", "identificador", "identifier"),
    "x": ("x", "coord_x", "coordenada_x", "x_etrs89", "etrs89_coord_x", "x_utm", "utm_x",
          "x_25831", "geo_epgs_25831_x", "geo_epsg_25831_x", "easting"),
    "y": ("y", "coord_y", "coordenada_y", "y_etrs89", "etrs89_coord_y", "y_utm", "utm_y",
          "y_25831", "geo_epgs_25831_y", "geo_epsg_25831_y", "northing"),
    "lon": ("lon", "lng", "long", "longitude", "longitud", "lon_wgs84", "longitud_wgs84",
            "geo_epgs_4326_lon", "geo_epsg_4326_lon", "geo_epgs_4326_long"),
    "lat": ("lat", "latitude", "latitud", "lat_wgs84", "latitud_wgs84", "geo_epgs_4326_lat",
            "geo_epsg_4326_lat"),
    "wkt": ("wkt", "geometry", "geometria", "geom", "the_geom"),
    "address": ("address", "adreca", "direccion", "direccio", "domicili", "domicilio",
                "adreca_completa", "street_address"),
    "phone": ("phone", "telefon", "telefono", "telefon_num", "telefono_num", "tel", "telephone",
              "phone_number"),
    "email": ("email", "e_mail", "mail", "correu", "correo", "correu_electronic",
              "correo_electronico"),
    "website": ("website", "web", "url", "pagina_web", "web_url", "lloc_web", "sitio_web",
                "homepage"),
    "accessibility": ("accessibility", "accessibilitat", "accesibilidad", "accessible",
                      "accesible", "wheelchair"),
    "opening_hours": ("opening_hours", "horari", "horario", "horaris", "horarios", "hours",
                      "opening_times"),
    "tags": ("tags", "etiquetes", "etiquetas", "keywords", "paraules_clau", "palabras_clave"),
    "description": ("description", "descripcio", "descripcion", "notes_equipament", "notes",
                    "observacions", "observaciones", "comments"),
}

# Category columns, most specific first (Open Data BCN CKAN, ICUB culture, markets, equipment
# list, then generic names). All that are present are read.
_CATEGORY_SYNONYMS: tuple[str, ...] = (
    "3er_nivell", "2n_nivell", "1er_nivell",
    "tipusequipament", "tipus_equipament", "tipusgeneral", "tipus_general",
    "nom_capa", "capa_generica",
    "secondary_filters_name",
    "category", "categoria", "categories", "categorias", "subcategoria", "tipologia", "tipus",
    "tipo", "type",
)

_TEXT_FIELDS = ("name", "source_id", "address", "email", "website", "accessibility",
                "description")


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


def _taxonomy_labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for category in DEFAULT_CATEGORIES:
        for label in (category.code, category.name_ca, category.name_es, category.name_en):
            labels[label.strip().lower()] = category.code
    return labels


DEFAULT_CATEGORY_MAP: dict[str, str] = {
    # The taxonomy's own codes and names (ca/es/en) map to themselves.
    **_taxonomy_labels(),
    # --- Open Data BCN equipment list, education (secondary_filters_name and its path).
    "educació": "school",
    "educacio": "school",  # the theme in the file name opendatabcn_llista-equipaments_educacio
    "ensenyament infantil": "school",
    "ensenyament infantil (0-3 anys)": "school",
    "ensenyament infantil (3-6 anys)": "school",
    "escoles bressol municipals": "school",
    "ensenyament reglat": "school",
    "educació primària": "school",
    "educació secundària": "school",
    "formació professional": "school",
    "universitats": "school",
    "ensenyament no reglat": "school",
    "idiomes": "school",
    "adults": "school",
    "caps": "health_centre",
    "esports": "sports_centre",
    "instal·lacions esportives": "sports_centre",
    "esports individuals": "sports_centre",
    "altres esports": "sports_centre",
    "gimnàstica": "sports_centre",
    "ioga": "sports_centre",
    "fitness": "sports_centre",
    "biblioteques": "library",
    "teatres": "cultural_centre",
    "cinemes, teatres, auditoris": "cultural_centre",
    "residències gent gran": "elderly_centre",
    # --- Open Data BCN CKAN, health (udd_hospitals): no hospital code in the taxonomy, so
    # hospitals and clinics go to the only health code.
    "hospitals i centres d'atenció primària": "health_centre",
    "centres atenció primària - cap": "health_centre",
    "atenció primària": "health_centre",
    "centres urgències (cuaps)": "health_centre",
    "centres d'urgències d'atenció primària (cuap)": "health_centre",
    "hospitals i clíniques": "health_centre",
    "assistència hospitalària": "health_centre",
    # --- Open Data BCN CKAN, social services and older people.
    "centres de serveis socials": "social_services_centre",
    "centres de dia gent gran": "elderly_centre",
    "centres de dia per a gent gran": "elderly_centre",
    "residències per la gent gran": "elderly_centre",
    # --- Open Data BCN CKAN, ICUB culture equipments (TipusEquipament, TipusGeneral).
    "cultura": "cultural_centre",  # theme of opendatabcn_llista-equipaments_cultura
    "centres cívics": "civic_centre",
    "biblioteques de barcelona": "library",
    "museus i col·leccions": "cultural_centre",
    "museus i espais d'exposicions": "cultural_centre",
    "centres d'exposicions": "cultural_centre",
    "sales d'arts escèniques": "cultural_centre",
    "espais d'arts escèniques": "cultural_centre",
    "sales de música en viu": "cultural_centre",
    "espais de concerts": "cultural_centre",
    "grans auditoris": "cultural_centre",
    "cinemes": "cultural_centre",
    "sales de cinema": "cultural_centre",
    "ateneus": "cultural_centre",
    "arxius": "cultural_centre",
    "arxius (sense dades)": "cultural_centre",
    "arxius i biblioteques patrimonials": "cultural_centre",
    "fàbriques de creació": "cultural_centre",
    "espais de creació": "cultural_centre",
    "espais d'interès arquitectònic": "cultural_centre",
    # --- Open Data BCN CKAN, markets.
    "mercats municipals": "market",
    # --- Common labels in hand-made lists (Catalan, Spanish, English).
    "centre cívic": "civic_centre",
    "centro cívico": "civic_centre",
    "centros cívicos": "civic_centre",
    "biblioteca": "library",
    "bibliotecas": "library",
    "cap": "health_centre",
    "centre d'atenció primària": "health_centre",
    "centro de atención primaria": "health_centre",
    "centro de salud": "health_centre",
    "health centre": "health_centre",
    "escola": "school",
    "escuela": "school",
    "colegio": "school",
    "institut": "school",
    "instituto": "school",
    "escola bressol": "school",
    "associació": "association",
    "associacions": "association",
    "entitat": "association",
    "entitats": "association",
    "asociación": "association",
    "entidad": "association",
    "parc": "park",
    "parcs": "park",
    "parque": "park",
    "jardí": "park",
    "jardín": "park",
    "parcs i jardins": "park",
    "mercat": "market",
    "mercats": "market",
    "mercado": "market",
    "mercados municipales": "market",
    "casal de gent gran": "elderly_centre",
    "casals de gent gran": "elderly_centre",
    "casal de mayores": "elderly_centre",
    "centre de dia": "elderly_centre",
    "casal de joves": "youth_centre",
    "casals de joves": "youth_centre",
    "espai jove": "youth_centre",
    "espais joves": "youth_centre",
    "centro juvenil": "youth_centre",
    "casal infantil": "youth_centre",
    "poliesportiu": "sports_centre",
    "poliesportius": "sports_centre",
    "polideportivo": "sports_centre",
    "centre esportiu municipal": "sports_centre",
    "camp de futbol": "sports_centre",
    "hort urbà": "community_garden",
    "horts urbans": "community_garden",
    "hort comunitari": "community_garden",
    "huerto urbano": "community_garden",
    "servei d'ocupació": "employment_service",
    "oficina de treball": "employment_service",
    "servicio de empleo": "employment_service",
    "centre de serveis socials": "social_services_centre",
    "centro de servicios sociales": "social_services_centre",
}
"""Source category labels (lower-cased, stripped) → taxonomy code.

Covers every label in the Open Data BCN files in ``shared/data/real/barcelona_equipments``
that belongs to a taxonomy code, common Catalan/Spanish/English labels, and the taxonomy's
own codes and names. Generic parents such as "Serveis socials", "Sanitat", "Cultura i lleure"
or "Mercats i centres comercials" are left out on purpose: they also hold places outside
the taxonomy (sheltered housing, pharmacies, discos, shopping centres).
"""

_ACCESSIBILITY_VALUES: dict[str, str] = {
    **{v: Accessibility.ACCESSIBLE.value for v in (
        "accessible", "accesible", "yes", "y", "si", "s", "true", "1", "total", "adaptat",
        "adaptada", "adaptado", "full", "fully accessible", "totalment accessible")},
    **{v: Accessibility.PARTIAL.value for v in (
        "partial", "parcial", "parcialment", "parcialmente", "partially", "limited",
        "partially accessible", "parcialment accessible", "parcialmente accesible")},
    **{v: Accessibility.NOT_ACCESSIBLE.value for v in (
        "not accessible", "not_accessible", "no accessible", "no accesible", "no", "n",
        "false", "0", "inaccessible", "inaccesible", "none")},
    **{v: Accessibility.UNKNOWN.value for v in (
        "", "unknown", "desconegut", "desconeguda", "desconocido", "desconocida", "ns", "nc",
        "ns/nc", "?", "n/a", "na", "-")},
}


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
        return self.skipped.to_csv(index=False).encode("utf-8")


# --------------------------------------------------------------------------------------------
# Category mapping


def _label_key(label: str) -> str:
    text = " ".join(str(label).replace("’", "'").replace("ŀl", "l·l").replace("l.l", "l·l")
                    .split())
    return text.casefold()


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


class _CategoryLookup:
    """A category map keyed by normalised labels, with an accent-insensitive fallback."""

    def __init__(self, category_map: Mapping[str, str]) -> None:
        self.exact: dict[str, str] = {}
        self.folded: dict[str, str] = {}
        for label, code in category_map.items():
            if not code:
                continue
            key = _label_key(label)
            self.exact[key] = code
            self.folded.setdefault(_fold(key), code)

    def get(self, label: str) -> str | None:
        key = _label_key(label)
        return self.exact.get(key) or self.folded.get(_fold(key))

    def first(self, labels: Iterable[str]) -> str | None:
        for label in labels:
            if label and (code := self.get(label)):
                return code
        return None


def map_category(labels: Iterable[str], category_map: Mapping[str, str]) -> str | None:
    """Return the taxonomy code of the first label that ``category_map`` maps.

    Parameters
    ----------
    labels
        Source category labels, most specific first.
    category_map
        Label → taxonomy code. Labels are compared after lower-casing, trimming and
        collapsing spaces; accents are ignored when there is no exact match.

    Returns
    -------
    str or None
        The code, or ``None`` when no label maps.

    Examples
    --------
    >>> map_category(["Educació primària", "Educació"], DEFAULT_CATEGORY_MAP)
    'school'
    >>> map_category(["Discoteques"], DEFAULT_CATEGORY_MAP) is None
    True
    """
    return _CategoryLookup(category_map).first(labels)


# --------------------------------------------------------------------------------------------
# Reading files into a raw table of strings


@dataclass
class _Table:
    """A file read as text cells: one dict per data row, with its 1-based source row."""

    columns: list[str]
    records: list[dict[str, str]]
    rows: list[int]
    kind: str
    geometries: list[tuple[float, float] | str | None] | None = None
    geometry_crs: CRS | None = None


def _clean(value: Any) -> str:
    """Return a cell as trimmed text ("" for missing values)."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    text = str(value)
    if text.lower() in {"nan", "nat", "none"} and not isinstance(value, str):
        return ""
    return text.replace("\ufeff", "").strip()


def _header_key(name: str) -> str:
    text = _fold(str(name).replace("\ufeff", "").strip().casefold()).replace("·", "")
    text = re.sub(r"[\s\-./]+", "_", text)
    return re.sub(r"[^0-9a-z_]", "", text)


def _file_error(display: str, message: str) -> ImportFileError:
    return ImportFileError(message, path=display)


def _decode(data: bytes, display: str, messages: list[str]) -> str:
    broken = _(
        "The file's text encoding is broken ({detail}). Save it again as CSV UTF-8 "
        "(in Excel: File > Save as > CSV UTF-8) and import that file."
    )
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _file_error(display, broken.format(detail=exc)) from exc
    elif data.startswith(codecs.BOM_UTF8):
        try:
            text = data[len(codecs.BOM_UTF8):].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _file_error(display, broken.format(detail=exc)) from exc
    else:
        if b"\x00" in data[:4096]:
            raise _file_error(display, broken.format(
                detail=_("NUL bytes: UTF-16 without a byte-order mark, or not a text file")))
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = data.decode("latin-1")
            messages.append(_(
                "The file is not UTF-8; it was read as Latin-1 (Windows-1252). Check that "
                "accented letters look right."
            ))
    if "\x00" in text:
        raise _file_error(display, broken.format(detail=_("NUL characters in the text")))
    if "\ufffd" in text:
        messages.append(_(
            "The file contains replacement characters (�): some accented letters were lost "
            "before the file was made and cannot be recovered here."
        ))
    return text


def _sniff_separator(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            unquoted = re.sub(r'"[^"]*"', "", line)
            counts = {sep: unquoted.count(sep) for sep in (",", ";", "\t")}
            best = max(counts, key=lambda sep: counts[sep])
            return best if counts[best] else ","
    return ","


def _frame_to_table(frame: pd.DataFrame, kind: str) -> _Table:
    return _rows_to_table([str(c) for c in frame.columns],
                          frame.itertuples(index=False, name=None), kind)


def _rows_to_table(header: Sequence[Any], data: Iterable[Sequence[Any]], kind: str) -> _Table:
    """Build a table from a header and data rows; the header is spreadsheet row 1."""
    columns = [_clean(c) for c in header]
    records: list[dict[str, str]] = []
    rows: list[int] = []
    for position, values in enumerate(data):
        cells = [_clean(v) for v in values]
        cells += [""] * (len(columns) - len(cells))
        record = dict(zip(columns, cells, strict=False))
        if any(record.values()):
            records.append(record)
            rows.append(position + 2)
    return _Table(columns=columns, records=records, rows=rows, kind=kind)


def _read_csv(path: Path, display: str, messages: list[str]) -> _Table:
    data = path.read_bytes()
    if not data.strip():
        raise _file_error(display, _("The file is empty."))
    text = _decode(data, display, messages)
    if not text.strip():
        raise _file_error(display, _("The file is empty."))
    try:
        table = list(csv.reader(io.StringIO(text, newline=""),
                                delimiter=_sniff_separator(text)))
    except csv.Error as exc:
        raise _file_error(display, _("The file cannot be read as CSV ({detail}).").format(
            detail=exc)) from exc
    while table and not any(cell.strip() for cell in table[0]):
        table.pop(0)
    if not table:
        raise _file_error(display, _("The file is empty."))
    header, body = table[0], table[1:]
    while header and not header[-1].strip():
        header = header[:-1]
    for position, cells in enumerate(body):
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            raise ImportFileError(_(
                "The row has {found} values but the header has {expected} columns. Check the "
                "separator and the quotes around values that contain it."
            ).format(found=len(cells), expected=len(header)), path=display, row=position + 2)
    return _rows_to_table(header, (cells[: len(header)] for cells in body), _KIND_CSV)


def _read_excel(path: Path, display: str, messages: list[str]) -> _Table:
    try:
        with pd.ExcelFile(path, engine="openpyxl") as book:
            sheets = [str(s) for s in book.sheet_names]
            frame = pd.read_excel(book, sheet_name=0, dtype=str, keep_default_na=False,
                                  na_filter=False)
    except Exception as exc:  # openpyxl raises many types for damaged workbooks
        raise _file_error(display, _(
            "The file cannot be read as an Excel workbook ({detail}). Save it again as .xlsx."
        ).format(detail=exc)) from exc
    if len(sheets) > 1:
        messages.append(_("Only the first sheet, {sheet!r}, was read ({count} sheets).").format(
            sheet=sheets[0], count=len(sheets)))
    return _frame_to_table(frame, _KIND_EXCEL)


def _crs_from_input(value: str, display: str) -> CRS:
    try:
        return CRS.from_user_input(value)
    except CRSError as exc:
        raise _file_error(display, _(
            "Unknown coordinate reference system {crs!r}. Pass crs as an EPSG code such as "
            "'EPSG:25831' (ETRS89 / UTM 31N) or 'EPSG:4326' (longitude/latitude)."
        ).format(crs=value)) from exc


def _geojson_point(geometry: Any) -> tuple[float, float] | str | None:
    """Return a feature's point, a (translated) reason why it is unusable, or None if absent."""
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
            kind=shp.geom_type)
    return (float(shp.x), float(shp.y))


def _read_geojson(obj: dict[str, Any], display: str, crs: str | None,
                  messages: list[str]) -> _Table:
    if obj.get("type") == "Feature":
        features: Any = [obj]
    else:
        features = obj.get("features")
    if not isinstance(features, list):
        raise _file_error(display, _("The GeoJSON file has no list of features."))
    declared = (obj.get("crs") or {}).get("properties", {}).get("name") if isinstance(
        obj.get("crs"), dict) else None
    if declared:
        geometry_crs = _crs_from_input(str(declared), display)
    elif crs:
        geometry_crs = _crs_from_input(crs, display)
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
        record = {str(k).strip(): _clean(v) for k, v in properties.items()}
        if "id" not in record and feature.get("id") is not None:
            record["id"] = _clean(feature["id"])
        for key in record:
            if key not in columns:
                columns.append(key)
        records.append(record)
        geometries.append(_geojson_point(feature.get("geometry")))
    for record in records:
        for column in columns:
            record.setdefault(column, "")
    return _Table(columns=columns, records=records, rows=list(range(1, len(records) + 1)),
                  kind=_KIND_GEOJSON, geometries=geometries, geometry_crs=geometry_crs)


def _read_ckan(obj: dict[str, Any], display: str, messages: list[str]) -> _Table:
    if obj.get("success") is False:
        raise _file_error(display, _(
            "The file is an Open Data BCN API response that reports an error, not data."))
    result = obj["result"] if isinstance(obj.get("result"), dict) else obj
    records = result.get("records")
    if not isinstance(records, list):
        raise _file_error(display, _("The JSON file has no list of records."))
    columns: list[str] = [str(f["id"]) for f in result.get("fields", [])
                          if isinstance(f, dict) and "id" in f]
    table_records: list[dict[str, str]] = []
    for raw in records:
        raw = raw if isinstance(raw, dict) else {}
        record = {str(k).strip(): _clean(v) for k, v in raw.items()}
        for key in record:
            if key not in columns:
                columns.append(key)
        table_records.append(record)
    for record in table_records:
        for column in columns:
            record.setdefault(column, "")
    total = result.get("total")
    if isinstance(total, int) and total > len(records):
        messages.append(_(
            "The file holds only {count} of the {total} records of this Open Data BCN "
            "resource (one page of the API). Download all pages, or the full CSV, to import "
            "every equipment."
        ).format(count=len(records), total=total))
    return _Table(columns=columns, records=table_records,
                  rows=list(range(1, len(table_records) + 1)), kind=_KIND_ODBCN_API)


def _read_json(path: Path, display: str, crs: str | None, messages: list[str]) -> _Table:
    data = path.read_bytes()
    if not data.strip():
        raise _file_error(display, _("The file is empty."))
    try:
        obj = json.loads(_decode(data, display, messages))
    except json.JSONDecodeError as exc:
        raise _file_error(display, _("The file is not valid JSON ({detail}).").format(
            detail=exc)) from exc
    if isinstance(obj, dict) and obj.get("type") in {"FeatureCollection", "Feature"}:
        return _read_geojson(obj, display, crs, messages)
    if isinstance(obj, dict) and (
        (isinstance(obj.get("result"), dict) and "records" in obj["result"])
        or "records" in obj
    ):
        return _read_ckan(obj, display, messages)
    if isinstance(obj, list) and all(isinstance(item, dict) for item in obj):
        table = _read_ckan({"records": obj}, display, messages)
        table.kind = _KIND_JSON
        return table
    raise _file_error(display, _(
        "This JSON file is neither GeoJSON nor an Open Data BCN API response "
        "({{\"result\": {{\"records\": [...]}}}}) nor a list of records."))


def _read_table(path: Path, display: str, crs: str | None, messages: list[str]) -> _Table:
    suffix = path.suffix.lower()
    known = _CSV_SUFFIXES | _EXCEL_SUFFIXES | _JSON_SUFFIXES
    if suffix not in known:
        suffix = Path(display).suffix.lower()
    if not path.is_file():
        raise _file_error(display, _("The file does not exist."))
    if suffix in _CSV_SUFFIXES:
        return _read_csv(path, display, messages)
    if suffix in _EXCEL_SUFFIXES:
        return _read_excel(path, display, messages)
    if suffix in _JSON_SUFFIXES:
        return _read_json(path, display, crs, messages)
    raise _file_error(display, _(
        "Unsupported file format {suffix!r}. Use CSV, Excel (.xlsx), GeoJSON or an Open Data "
        "BCN JSON file (an old .xls workbook must be saved again as .xlsx)."
    ).format(suffix=suffix or path.name))


# --------------------------------------------------------------------------------------------
# Columns


@dataclass
class _Columns:
    """Which file column feeds each field."""

    fields: dict[str, str]
    categories: list[str]
    by_key: dict[str, str]  # normalised header → header, for the Open Data extras
    category_mapped: bool = False  # the user passed a mapping for the category

    def get(self, key: str) -> str | None:
        return self.fields.get(key)

    def extra(self, key: str) -> str | None:
        return self.by_key.get(key)


def _is_odbcn_list(columns: Sequence[str]) -> bool:
    keys = {_header_key(c) for c in columns}
    return "register_id" in keys and bool(
        keys & {"secondary_filters_name", "geo_epgs_25831_x", "geo_epsg_25831_x"})


def _found(columns: Sequence[str]) -> str:
    return ", ".join(columns) if columns else _("(none)")


def _resolve_columns(table: _Table, mapping: Mapping[str, str] | None,
                     display: str) -> _Columns:
    by_key: dict[str, str] = {}
    for column in table.columns:
        by_key.setdefault(_header_key(column), column)
    fields: dict[str, str] = {}
    categories: list[str] = []
    used: set[str] = set()
    mapping = dict(mapping or {})
    for key, column in mapping.items():
        if key not in MAPPING_KEYS:
            raise _file_error(display, _(
                "Unknown mapping key {key!r}. Use the keys: {keys}.").format(
                key=key, keys=", ".join(MAPPING_KEYS)))
        actual = column if column in table.columns else next(
            (c for c in table.columns if c.strip().casefold() == str(column).strip().casefold()),
            None)
        if actual is None:
            raise _file_error(display, _(
                "The mapping gives column {column!r} for {key!r}, but the file has no such "
                "column. Columns found: {columns}."
            ).format(column=column, key=key, columns=_found(table.columns)))
        if key == "category":
            categories = [actual]
        else:
            fields[key] = actual
        used.add(actual)
    coordinate_keys = {"x", "y", "lon", "lat", "wkt"}
    mapped_coordinates = bool(coordinate_keys & mapping.keys())
    for key, synonyms in _SYNONYMS.items():
        if key in fields or (mapped_coordinates and key in coordinate_keys):
            continue
        for synonym in synonyms:
            found = by_key.get(synonym)
            if found is not None and found not in used:
                fields[key] = found
                used.add(found)
                break
    if "category" not in mapping:
        categories = [by_key[s] for s in _CATEGORY_SYNONYMS if s in by_key
                      and by_key[s] not in used]
    return _Columns(fields=fields, categories=categories, by_key=by_key,
                    category_mapped="category" in mapping)


def _check_required(table: _Table, columns: _Columns, display: str) -> None:
    if columns.get("name") is None:
        raise _file_error(display, _(
            "No column for the asset's name. Columns found: {columns}. Pass "
            "mapping={{'name': '<column>'}} to say which column holds the name."
        ).format(columns=_found(table.columns)))
    if table.geometries is not None:
        return
    pairs = [("x", "y"), ("lon", "lat")]
    for first, second in pairs:
        if (columns.get(first) is None) != (columns.get(second) is None):
            missing = second if columns.get(second) is None else first
            raise _file_error(display, _(
                "Column {found!r} is there but no column for {missing!r}. Columns found: "
                "{columns}. Pass mapping={{'{missing}': '<column>'}}."
            ).format(found=columns.get(first) or columns.get(second), missing=missing,
                     columns=_found(table.columns)))
    has_pair = any(columns.get(a) is not None for a, _b in pairs)
    if not has_pair and columns.get("wkt") is None:
        raise _file_error(display, _(
            "No coordinate columns. Columns found: {columns}. Pass mapping={{'lon': '<column>', "
            "'lat': '<column>'}} for longitude/latitude, mapping={{'x': '<column>', 'y': "
            "'<column>'}} for projected metres (with crs=... if they are not EPSG:25831), or "
            "mapping={{'wkt': '<column>'}} for WKT points."
        ).format(columns=_found(table.columns)))


# --------------------------------------------------------------------------------------------
# Rows → candidate assets


@dataclass
class _Pair:
    """A coordinate pair as found in the file (not yet parsed)."""

    kind: str  # "xy", "lonlat", "wkt" or "geometry"
    a: str | float
    b: str | float
    column: str
    crs: CRS | None = None
    problem: str | None = None  # a reason the pair is unusable, found while reading it


@dataclass
class _Candidate:
    """One asset before validation; several source rows when collapsed."""

    row: int
    text: dict[str, str]
    labels: list[tuple[int, str]] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    hours: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    pair: _Pair | None = None
    rows: int = 1


_EWKT = re.compile(r"^\s*SRID=(\d+)\s*;\s*(.*)$", re.IGNORECASE | re.DOTALL)


def _wkt_pair(value: str, column: str) -> _Pair:
    crs: CRS | None = None
    match = _EWKT.match(value)
    if match:
        crs = CRS.from_epsg(int(match.group(1)))
        value = match.group(2)
    try:
        geometry = shapely.from_wkt(value)
    except shapely.errors.ShapelyError:
        return _Pair("wkt", "", "", column, problem=_("{value!r} is not a WKT point.").format(
            value=value[:60]))
    point = _geojson_point(shapely.geometry.mapping(geometry)) if not geometry.is_empty else None
    if point is None:
        return _Pair("wkt", "", "", column, problem=_("The geometry is empty."))
    if isinstance(point, str):
        return _Pair("wkt", "", "", column, problem=point)
    return _Pair("wkt", point[0], point[1], column, crs=crs)


def _split_tags(value: str) -> list[str]:
    return [t.strip() for t in re.split(r"[;,|]", value) if t.strip()]


def _time(value: str) -> str:
    match = re.search(r"(\d{1,2}):(\d{2})", value)
    return f"{int(match.group(1)):02d}:{match.group(2)}" if match else ""


def _odbcn_extras(candidate: _Candidate, record: dict[str, str], columns: _Columns) -> None:
    """Fill what the Open Data BCN formats spread over several columns."""
    extra = columns.extra
    # Equipment list: categories path "Planol BCN >> Educació >> ... >> leaf".
    fullpath = extra("secondary_filters_fullpath")
    if not columns.category_mapped and fullpath and record.get(fullpath):
        parts = [p.strip() for p in record[fullpath].split(">>") if p.strip()]
        parents = parts[1:-1] if len(parts) > 2 else []
        base = len(columns.categories)
        for depth, label in enumerate(reversed(parents)):
            candidate.labels.append((base + depth, label))
    # Equipment list: phones, webs and e-mails are attribute values.
    category, attribute, value = (extra("values_category"), extra("values_attribute_name"),
                                  extra("values_value"))
    if category and value and record.get(value):
        kind = _fold(record.get(category, "").casefold())
        name = _fold(record.get(attribute, "").casefold()) if attribute else ""
        if "tel" in kind and "fax" not in name and "phone" not in columns.fields:
            candidate.phones.append(record[value])
        elif ("web" in kind or "internet" in kind) and "website" not in columns.fields:
            candidate.text.setdefault("website", record[value])
        elif ("mail" in kind or "correu" in kind) and "email" not in columns.fields:
            candidate.text.setdefault("email", record[value])
    # CKAN: phone type (skip faxes).
    phone, phone_type = columns.get("phone"), extra("telefon_tipus")
    is_fax = bool(phone_type and "fax" in record.get(phone_type, "").casefold())
    if phone and record.get(phone) and not is_fax:
        candidate.phones.append(record[phone])
    # CKAN: address in parts.
    if "address" not in columns.fields:
        street, number = extra("nom_carrer"), extra("num_carrer_1")
        road, start = extra("addresses_road_name"), extra("addresses_start_street_number")
        end_column = extra("num_carrer_2") if street else extra("addresses_end_street_number")
        kind_column = extra("tipus_via") if street else None
        if street or road:
            name = record.get(street or road or "", "")
            first = record.get((number if street else start) or "", "")
            last = record.get(end_column or "", "")
            prefix = record.get(kind_column or "", "")
            numbers = first + (f"-{last}" if last and last != first else "")
            address = " ".join(p for p in (prefix, name) if p)
            if address and numbers:
                address += f", {numbers}"
            if address:
                candidate.text.setdefault("address", address)
    # CKAN: timetable slots.
    if "opening_hours" not in columns.fields:
        start, end = extra("horari_hores_inici"), extra("horari_hores_fi")
        if start and end:
            slot_start, slot_end = _time(record.get(start, "")), _time(record.get(end, ""))
            if slot_start and slot_end:
                candidate.hours.append(f"{slot_start}-{slot_end}")
        notes = extra("horari_observacions")
        if notes and record.get(notes):
            candidate.hours.append(record[notes])


def _candidates(table: _Table, columns: _Columns) -> list[_Candidate]:
    result: list[_Candidate] = []
    opendata = table.kind in _OPEN_DATA_KINDS
    for index, (record, row) in enumerate(zip(table.records, table.rows, strict=True)):
        text = {key: record.get(col, "") for key, col in columns.fields.items()
                if key in _TEXT_FIELDS}
        candidate = _Candidate(row=row, text={k: v for k, v in text.items() if v})
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
            _odbcn_extras(candidate, record, columns)
        candidate.pair = _pair(table, index, record, columns)
        result.append(candidate)
    return result


def _pair(table: _Table, index: int, record: dict[str, str], columns: _Columns) -> _Pair | None:
    if table.geometries is not None:
        point = table.geometries[index]
        if isinstance(point, str):
            return _Pair("geometry", "", "", "geometry", problem=point)
        if point is not None:
            return _Pair("geometry", point[0], point[1], "geometry", crs=table.geometry_crs)
    wkt = columns.get("wkt")
    if wkt and record.get(wkt):
        return _wkt_pair(record[wkt], wkt)
    for first, second, kind in (("x", "y", "xy"), ("lon", "lat", "lonlat")):
        a_col, b_col = columns.get(first), columns.get(second)
        if a_col and b_col and (record.get(a_col) or record.get(b_col)):
            return _Pair(kind, record.get(a_col, ""), record.get(b_col, ""),
                         a_col if kind == "xy" else f"{a_col}/{b_col}",
                         crs=WGS84 if kind == "lonlat" else None)
    return None


def _collapse(candidates: list[_Candidate], table: _Table, columns: _Columns,
              messages: list[str]) -> list[_Candidate]:
    """Merge the rows of one place (same code, or same name when there is no code column)."""
    by_code = columns.get("source_id") is not None
    key_field = "source_id" if by_code else "name"
    groups: dict[str, _Candidate] = {}
    merged: list[_Candidate] = []
    for candidate in candidates:
        value = candidate.text.get(key_field, "")
        key = value if by_code else _label_key(value)
        if not key:
            merged.append(candidate)
            continue
        first = groups.get(key)
        if first is None:
            groups[key] = candidate
            merged.append(candidate)
            continue
        first.rows += 1
        for name, text in candidate.text.items():
            first.text.setdefault(name, text)
        first.labels.extend(candidate.labels)
        first.phones.extend(candidate.phones)
        first.hours.extend(candidate.hours)
        first.tags.extend(candidate.tags)
        first_unusable = first.pair is None or bool(first.pair.problem) or _blank_pair(
            first.pair)
        if first_unusable and candidate.pair is not None and not _blank_pair(candidate.pair):
            first.pair = candidate.pair
    if not by_code:
        for candidate in merged:
            if candidate.text.get("name"):
                candidate.text["source_id"] = candidate.text["name"]
        if table.kind == _KIND_ODBCN_API:
            messages.append(_(
                "The records have no equipment code: records with the same name were merged "
                "and the name is used as the asset's id."))
    if len(merged) < len(candidates):
        messages.append(_(
            "The file's {rows} rows describe {assets} places: the rows of each place were "
            "collapsed into one asset (by {key})."
        ).format(rows=len(candidates), assets=len(merged),
                 key=columns.fields.get("source_id") or columns.fields.get("name")))
    return merged


def _blank_pair(pair: _Pair) -> bool:
    return pair.problem is None and str(pair.a).strip() == "" and str(pair.b).strip() == ""


# --------------------------------------------------------------------------------------------
# Coordinates


def _number(value: str | float) -> float | None:
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
    xmin, ymin, xmax, ymax = CATALONIA_BOUNDS
    return math.isfinite(x) and math.isfinite(y) and xmin <= x <= xmax and ymin <= y <= ymax


def _looks_metric(a: float, b: float) -> bool:
    return _inside(a, b) or _inside(b, a)


def _looks_degrees(a: float, b: float) -> bool:
    return abs(a) <= 180 and abs(b) <= 180 and not (abs(a) < 0.01 and abs(b) < 0.01)


def _infer_xy_crs(candidates: list[_Candidate], columns: _Columns, crs: str | None,
                  display: str, messages: list[str]) -> CRS:
    """Return the CRS of the x/y (and WKT) coordinates: given, or inferred from the values."""
    if crs:
        return _crs_from_input(crs, display)
    pairs: list[tuple[int, float, float]] = []
    for candidate in candidates:
        pair = candidate.pair
        if pair is None or pair.kind not in {"xy", "wkt"} or pair.crs is not None:
            continue
        a, b = _number(pair.a), _number(pair.b)
        if a is not None and b is not None and not (abs(a) < 0.01 and abs(b) < 0.01):
            pairs.append((candidate.row, a, b))
    if not pairs:
        return TARGET_CRS
    metric = sum(_looks_metric(a, b) for _row, a, b in pairs)
    degrees = sum(_looks_degrees(a, b) for _row, a, b in pairs)
    columns_label = "/".join(c for c in (columns.get("x"), columns.get("y")) if c) or (
        columns.get("wkt") or "")
    if metric * 2 >= len(pairs):
        return TARGET_CRS
    if degrees * 2 >= len(pairs):
        messages.append(_(
            "The values in {columns} look like longitude/latitude, so they were read as "
            "EPSG:4326. Pass crs=... if that is wrong."
        ).format(columns=columns_label))
        return WGS84
    row, a, b = pairs[0]
    raise _file_error(display, _(
        "The coordinates in {columns} (for example {a}, {b} in row {row}) are neither "
        "longitude/latitude nor EPSG:25831 metres. Pass crs='EPSG:<code>' with their "
        "coordinate reference system (for example EPSG:23031 for ED50 / UTM 31N, or "
        "EPSG:3857 for web maps)."
    ).format(columns=columns_label, a=a, b=b, row=row))


class _Projector:
    """Cached transformers to EPSG:25831."""

    def __init__(self) -> None:
        self._cache: dict[str, Transformer] = {}

    def __call__(self, crs: CRS, a: float, b: float) -> tuple[float, float]:
        if crs == TARGET_CRS:
            return a, b
        key = crs.to_wkt()
        transformer = self._cache.get(key)
        if transformer is None:
            transformer = Transformer.from_crs(crs, TARGET_CRS, always_xy=True)
            self._cache[key] = transformer
        try:
            x, y = transformer.transform(a, b, errcheck=True)
        except ProjError:
            return math.inf, math.inf
        return float(x), float(y)


def _point(pair: _Pair | None, xy_crs: CRS, project: _Projector) -> tuple[float, float] | str:
    """Return the pair in EPSG:25831, or a (translated) reason why it cannot be used."""
    if pair is None or _blank_pair(pair):
        return _("Missing coordinates.")
    if pair.problem:
        return pair.problem
    a, b = _number(pair.a), _number(pair.b)
    if a is None or b is None:
        return _("The coordinates ({a}, {b}) are not numbers.").format(a=pair.a, b=pair.b)
    crs = pair.crs or xy_crs
    zero = 0.01 if crs.is_geographic else 1000.0
    if abs(a) < zero and abs(b) < zero:
        return _("The coordinates ({a}, {b}) are a placeholder at (0, 0), not a real "
                 "place.").format(a=a, b=b)
    if crs.is_geographic and not (abs(a) <= 180 and abs(b) <= 90) and not (
        abs(b) <= 180 and abs(a) <= 90
    ):
        return _("The coordinates ({a}, {b}) are not longitude/latitude degrees.").format(
            a=a, b=b)
    x, y = project(crs, a, b)
    if _inside(x, y):
        return x, y
    sx, sy = project(crs, b, a)
    if _inside(sx, sy):
        if crs.is_geographic:
            return _("Longitude and latitude look swapped ({a}, {b}): swap the two columns "
                     "(or the 'lon' and 'lat' entries of the mapping).").format(a=a, b=b)
        return _("x and y look swapped ({a}, {b}): swap the two columns (or the 'x' and 'y' "
                 "entries of the mapping).").format(a=a, b=b)
    return _("The point ({a}, {b}) falls outside Catalonia; check the coordinates and their "
             "coordinate reference system ({crs}).").format(a=a, b=b, crs=crs.to_string())


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


def _file_theme(display: str) -> str | None:
    """Return the theme of an Open Data BCN list file name (``..._educacio-csv.csv``)."""
    match = re.search(r"equipaments[_-]([a-z0-9-]+?)(?:[-_]csv)?(?:\s*\(\d+\))?\.\w+$",
                      display.lower())
    return match.group(1) if match else None


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

    Returns
    -------
    AssetImport
        The assets, the rows left out, the unmapped source categories and notes.

    Raises
    ------
    ImportFileError
        The file cannot be read (unsupported format, empty, broken encoding, required
        columns missing, unknown CRS), or, without ``skip_bad_rows``, some rows are bad:
        the error names the first bad row and column and counts the other bad rows.
    """
    path = Path(path)
    display = display_name or path.name
    messages: list[str] = []
    table = _read_table(path, display, crs, messages)
    if table.kind in {_KIND_CSV, _KIND_EXCEL} and _is_odbcn_list(table.columns):
        table.kind = _KIND_ODBCN_LIST
    if not table.records:
        raise _file_error(display, _("The file has no data rows."))
    messages.insert(0, _format_note(table))
    columns = _resolve_columns(table, mapping, display)
    _check_required(table, columns, display)

    candidates = _candidates(table, columns)
    if table.kind in _OPEN_DATA_KINDS:
        candidates = _collapse(candidates, table, columns, messages)
    xy_crs = _infer_xy_crs(candidates, columns, crs, display, messages)

    lookup = _CategoryLookup({**DEFAULT_CATEGORY_MAP, **dict(category_map or {})})
    theme = _file_theme(display) if table.kind == _KIND_ODBCN_LIST else None
    project = _Projector()
    errors: list[_RowError] = []
    good: list[dict[str, Any]] = []
    seen_ids: dict[str, int] = {}
    unmapped: list[str] = []
    themed = defaulted = 0
    shortened = [0]
    source_value = (source or (OPENDATABCN_SOURCE if table.kind in _OPEN_DATA_KINDS
                               else display))[:_SOURCE_LIMIT]
    for candidate in candidates:
        problems: list[_RowError] = []
        name = candidate.text.get("name", "")
        if not name:
            problems.append(_RowError(candidate.row, columns.get("name"),
                                      _("The name is missing.")))
        point = _point(candidate.pair, xy_crs, project)
        if isinstance(point, str):
            column = candidate.pair.column if candidate.pair is not None else (
                columns.get("x") or columns.get("lon") or columns.get("wkt") or "geometry")
            problems.append(_RowError(candidate.row, column, point))
        raw_access = candidate.text.get("accessibility", "")
        access = _ACCESSIBILITY_VALUES.get(" ".join(_fold(raw_access.casefold())
                                                    .replace("_", " ").split()))
        if access is None:
            problems.append(_RowError(candidate.row, columns.get("accessibility"), _(
                "Unknown accessibility value {value!r}; use accessible, partial, "
                "not_accessible or unknown."
            ).format(value=raw_access)))
        source_id = candidate.text.get("source_id") or None
        if source_id is not None:
            if len(source_id) > _SOURCE_ID_LIMIT:
                problems.append(_RowError(candidate.row, columns.get("source_id"), _(
                    "The id is longer than {limit} characters.").format(limit=_SOURCE_ID_LIMIT)))
            elif source_id in seen_ids:
                problems.append(_RowError(candidate.row, columns.get("source_id"), _(
                    "Duplicate id {value!r}: row {first} has the same id."
                ).format(value=source_id, first=seen_ids[source_id])))
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
        tags = _unique([*candidate.tags, *(labels if table.kind in _OPEN_DATA_KINDS else [])])
        good.append({
            "source": source_value,
            "source_id": source_id,
            "name": _fit(name, _LIMITS["name"], shortened),
            "category": code,
            "source_category": "; ".join(labels) or None,
            "x": point[0],
            "y": point[1],
            "address": _fit(candidate.text.get("address", ""), _LIMITS["address"], shortened),
            "phone": _join_within(_unique(candidate.phones), " / ", _LIMITS["phone"]),
            "email": _fit(candidate.text.get("email", ""), _LIMITS["email"], shortened),
            "website": _fit(candidate.text.get("website", ""), _LIMITS["website"], shortened),
            "accessibility": access,
            "opening_hours": _join_within(_unique(candidate.hours), "; ",
                                          _LIMITS["opening_hours"]),
            "tags": tags,
            "description": candidate.text.get("description", ""),
            "row": candidate.row,
        })

    errors.sort(key=lambda e: e.row)
    if errors and not skip_bad_rows:
        first = errors[0]
        others = len({e.row for e in errors} - {first.row})
        hint = _(
            "Other rows with problems: {count}. Fix them, or choose to skip bad rows (in the "
            "command line: --skip-bad-rows REPORT.csv) to import the rest and get a report of "
            "the rows left out."
        ).format(count=others) if others else _(
            "Fix the row, or choose to skip bad rows (in the command line: --skip-bad-rows "
            "REPORT.csv) to import the other rows and get a report of the rows left out.")
        raise ImportFileError(f"{first.reason} {hint}", path=display, row=first.row,
                              column=first.column)

    if columns.get("source_id") is None and table.kind not in _OPEN_DATA_KINDS:
        messages.append(_(
            "The file has no id column: importing it again will add the assets again instead "
            "of updating them. Add an id column, or pass mapping={{'source_id': '<column>'}}."))
    if themed:
        messages.append(_(
            "Assets whose labels in the file give no category, which take the category of the "
            "file's theme {theme!r}: {count}."
        ).format(count=themed, theme=theme))
    unmapped_labels = sorted(_unique(unmapped), key=str.casefold)
    if unmapped_labels:
        messages.append(_(
            "Source categories with no taxonomy category: {labels}. Pass category_map to map "
            "them."
        ).format(labels=", ".join(unmapped_labels)))
    if defaulted:
        messages.append(_("Assets given the default category {code!r}: {count}.").format(
            count=defaulted, code=default_category))
    if shortened[0]:
        messages.append(_("Values shortened to fit the database: {count}.").format(
            count=shortened[0]))
    if errors:
        messages.append(_(
            "Rows left out because of problems: {count}. See the report of skipped rows."
        ).format(count=len({e.row for e in errors})))

    frame = pd.DataFrame(good, columns=ASSET_COLUMNS, dtype=object)
    frame["x"] = frame["x"].astype("float64")
    frame["y"] = frame["y"].astype("float64")
    frame["row"] = frame["row"].astype("int64")
    skipped = pd.DataFrame(
        [{"row": e.row, "column": e.column or "", "reason": e.reason} for e in errors],
        columns=SKIPPED_COLUMNS, dtype=object,
    )
    skipped["row"] = skipped["row"].astype("int64")
    return AssetImport(frame=frame, skipped=skipped, unmapped_categories=unmapped_labels,
                       messages=messages)


def _format_note(table: _Table) -> str:
    count = len(table.records)
    if table.kind == _KIND_ODBCN_LIST:
        return _("Recognised an Open Data BCN equipment list ({count} rows).").format(count=count)
    if table.kind == _KIND_ODBCN_API:
        return _("Recognised an Open Data BCN API response ({count} records).").format(
            count=count)
    if table.kind == _KIND_GEOJSON:
        crs = table.geometry_crs.to_string() if table.geometry_crs else "EPSG:4326"
        return _("Read a GeoJSON file ({count} features, {crs}).").format(count=count, crs=crs)
    if table.kind == _KIND_EXCEL:
        return _("Read an Excel workbook ({count} rows).").format(count=count)
    if table.kind == _KIND_JSON:
        return _("Read a JSON list of records ({count} records).").format(count=count)
    return _("Read a CSV file ({count} rows).").format(count=count)
