"""Columns of asset files: which column feeds each field, from names or a user mapping.

Column names are recognised in Catalan, Spanish and English and in the Open Data BCN
formats; :data:`MAPPING_KEYS` lists the fields a user mapping can name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from community_map.i18n import gettext as _
from community_map.models import ASSET_CONTACT_FIELDS, Accessibility
from community_map.territory.asset_tables import Table, file_error, header_key

__all__ = [
    "ACCESSIBILITY_VALUES",
    "MAPPING_KEYS",
    "Columns",
    "check_required",
    "columns_found",
    "resolve_columns",
]

MAPPING_KEYS: tuple[str, ...] = (
    "name",
    "x",
    "y",
    "lon",
    "lat",
    "wkt",
    "category",
    *ASSET_CONTACT_FIELDS,
    "tags",
    "description",
    "source_id",
)
"""The keys accepted in the ``mapping`` argument of :func:`assets_from_file`."""


# Recognised column names, normalised with header_key, in order of preference.
_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": (
        "name",
        "nom",
        "nombre",
        "nom_equipament",
        "equipament",
        "equipamiento",
        "nombre_equipamiento",
        "nom_centre",
        "nombre_centro",
        "denominacio",
        "denominacion",
        "titol",
        "titulo",
        "title",
    ),
    "source_id": (
        "source_id",
        "id",
        "register_id",
        "codi_equipament",
        "codigo_equipamiento",
        "id_equipament",
        "codi",
        "codigo",
        "code",
        "identificador",
        "identifier",
    ),
    "x": (
        "x",
        "coord_x",
        "coordenada_x",
        "x_etrs89",
        "etrs89_coord_x",
        "x_utm",
        "utm_x",
        "x_25831",
        "geo_epgs_25831_x",
        "geo_epsg_25831_x",
        "easting",
    ),
    "y": (
        "y",
        "coord_y",
        "coordenada_y",
        "y_etrs89",
        "etrs89_coord_y",
        "y_utm",
        "utm_y",
        "y_25831",
        "geo_epgs_25831_y",
        "geo_epsg_25831_y",
        "northing",
    ),
    "lon": (
        "lon",
        "lng",
        "long",
        "longitude",
        "longitud",
        "lon_wgs84",
        "longitud_wgs84",
        "geo_epgs_4326_lon",
        "geo_epsg_4326_lon",
        "geo_epgs_4326_long",
    ),
    "lat": (
        "lat",
        "latitude",
        "latitud",
        "lat_wgs84",
        "latitud_wgs84",
        "geo_epgs_4326_lat",
        "geo_epsg_4326_lat",
    ),
    "wkt": ("wkt", "geometry", "geometria", "geom", "the_geom"),
    "address": (
        "address",
        "adreca",
        "direccion",
        "direccio",
        "domicili",
        "domicilio",
        "adreca_completa",
        "street_address",
    ),
    "phone": (
        "phone",
        "telefon",
        "telefono",
        "telefon_num",
        "telefono_num",
        "tel",
        "telephone",
        "phone_number",
    ),
    "email": (
        "email",
        "e_mail",
        "mail",
        "correu",
        "correo",
        "correu_electronic",
        "correo_electronico",
    ),
    "website": (
        "website",
        "web",
        "url",
        "pagina_web",
        "web_url",
        "lloc_web",
        "sitio_web",
        "homepage",
    ),
    "accessibility": (
        "accessibility",
        "accessibilitat",
        "accesibilidad",
        "accessible",
        "accesible",
        "wheelchair",
    ),
    "opening_hours": (
        "opening_hours",
        "horari",
        "horario",
        "horaris",
        "horarios",
        "hours",
        "opening_times",
    ),
    "tags": ("tags", "etiquetes", "etiquetas", "keywords", "paraules_clau", "palabras_clave"),
    "description": (
        "description",
        "descripcio",
        "descripcion",
        "notes_equipament",
        "notes",
        "observacions",
        "observaciones",
        "comments",
    ),
}

# Category columns, most specific first (Open Data BCN CKAN, ICUB culture, markets, equipment
# list, then generic names). All that are present are read.
_CATEGORY_SYNONYMS: tuple[str, ...] = (
    "3er_nivell",
    "2n_nivell",
    "1er_nivell",
    "tipusequipament",
    "tipus_equipament",
    "tipusgeneral",
    "tipus_general",
    "nom_capa",
    "capa_generica",
    "secondary_filters_name",
    "category",
    "categoria",
    "categories",
    "categorias",
    "subcategoria",
    "tipologia",
    "tipus",
    "tipo",
    "type",
)


ACCESSIBILITY_VALUES: dict[str, str] = {
    **{
        v: Accessibility.ACCESSIBLE.value
        for v in (
            "accessible",
            "accesible",
            "yes",
            "y",
            "si",
            "s",
            "true",
            "1",
            "total",
            "adaptat",
            "adaptada",
            "adaptado",
            "full",
            "fully accessible",
            "totalment accessible",
        )
    },
    **{
        v: Accessibility.PARTIAL.value
        for v in (
            "partial",
            "parcial",
            "parcialment",
            "parcialmente",
            "partially",
            "limited",
            "partially accessible",
            "parcialment accessible",
            "parcialmente accesible",
        )
    },
    **{
        v: Accessibility.NOT_ACCESSIBLE.value
        for v in (
            "not accessible",
            "not_accessible",
            "no accessible",
            "no accesible",
            "no",
            "n",
            "false",
            "0",
            "inaccessible",
            "inaccesible",
            "none",
        )
    },
    **{
        v: Accessibility.UNKNOWN.value
        for v in (
            "",
            "unknown",
            "desconegut",
            "desconeguda",
            "desconocido",
            "desconocida",
            "ns",
            "nc",
            "ns/nc",
            "?",
            "n/a",
            "na",
            "-",
        )
    },
}


@dataclass
class Columns:
    """Which file column feeds each field."""

    fields: dict[str, str]
    categories: list[str]
    by_key: dict[str, str]  # normalised header → header, for the Open Data extras
    category_mapped: bool = False  # the user passed a mapping for the category

    def get(self, key: str) -> str | None:
        return self.fields.get(key)

    def extra(self, key: str) -> str | None:
        return self.by_key.get(key)


def columns_found(columns: Sequence[str]) -> str:
    return ", ".join(columns) if columns else _("(none)")


def resolve_columns(table: Table, mapping: Mapping[str, str] | None, display: str) -> Columns:
    by_key: dict[str, str] = {}
    for column in table.columns:
        by_key.setdefault(header_key(column), column)
    fields: dict[str, str] = {}
    categories: list[str] = []
    used: set[str] = set()
    mapping = dict(mapping or {})
    for key, column in mapping.items():
        if key not in MAPPING_KEYS:
            raise file_error(
                display,
                _("Unknown mapping key {key!r}. Use the keys: {keys}.").format(
                    key=key, keys=", ".join(MAPPING_KEYS)
                ),
            )
        actual = (
            column
            if column in table.columns
            else next(
                (
                    c
                    for c in table.columns
                    if c.strip().casefold() == str(column).strip().casefold()
                ),
                None,
            )
        )
        if actual is None:
            raise file_error(
                display,
                _(
                    "The mapping gives column {column!r} for {key!r}, but the file has no such "
                    "column. Columns found: {columns}."
                ).format(column=column, key=key, columns=columns_found(table.columns)),
            )
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
        categories = [
            by_key[s] for s in _CATEGORY_SYNONYMS if s in by_key and by_key[s] not in used
        ]
    return Columns(
        fields=fields, categories=categories, by_key=by_key, category_mapped="category" in mapping
    )


def check_required(table: Table, columns: Columns, display: str) -> None:
    if columns.get("name") is None:
        raise file_error(
            display,
            _(
                "No column for the asset's name. Columns found: {columns}. Pass "
                "mapping={{'name': '<column>'}} to say which column holds the name."
            ).format(columns=columns_found(table.columns)),
        )
    if table.geometries is not None:
        return
    pairs = [("x", "y"), ("lon", "lat")]
    for first, second in pairs:
        if (columns.get(first) is None) != (columns.get(second) is None):
            missing = second if columns.get(second) is None else first
            raise file_error(
                display,
                _(
                    "Column {found!r} is there but no column for {missing!r}. Columns found: "
                    "{columns}. Pass mapping={{'{missing}': '<column>'}}."
                ).format(
                    found=columns.get(first) or columns.get(second),
                    missing=missing,
                    columns=columns_found(table.columns),
                ),
            )
    has_pair = any(columns.get(a) is not None for a, _b in pairs)
    if not has_pair and columns.get("wkt") is None:
        raise file_error(
            display,
            _(
                "No coordinate columns. Columns found: {columns}. Pass "
                "mapping={{'lon': '<column>', 'lat': '<column>'}} for longitude/latitude, "
                "mapping={{'x': '<column>', 'y': "
                "'<column>'}} for projected metres (with crs=... if they are not EPSG:25831), or "
                "mapping={{'wkt': '<column>'}} for WKT points."
            ).format(columns=columns_found(table.columns)),
        )
