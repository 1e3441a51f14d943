"""The Open Data BCN formats: the equipment list CSV and the CKAN API JSON.

Both repeat one place over several rows (per phone, timetable slot, category): the rows are
collapsed into one asset, and the fields the formats spread over several columns (address
parts, phone attributes, timetable slots, category path) are put together.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from community_map._text import fold
from community_map.i18n import gettext as _
from community_map.territory.asset_categories import label_key
from community_map.territory.asset_columns import Columns
from community_map.territory.asset_points import Candidate, blank_pair
from community_map.territory.asset_tables import KIND_ODBCN_API, Table, header_key

__all__ = [
    "OPENDATABCN_SOURCE",
    "collapse_rows",
    "file_theme",
    "is_odbcn_list",
    "odbcn_extras",
]

OPENDATABCN_SOURCE = "opendatabcn"
"""``source`` given to assets read from the Open Data BCN formats."""


def is_odbcn_list(columns: Sequence[str]) -> bool:
    """Whether the columns are those of the Open Data BCN equipment list CSV.

    Parameters
    ----------
    columns
        The file's column names.

    Examples
    --------
    >>> is_odbcn_list(["register_id", "name", "secondary_filters_name"])
    True
    >>> is_odbcn_list(["id", "name"])
    False
    """
    keys = {header_key(c) for c in columns}
    return "register_id" in keys and bool(
        keys & {"secondary_filters_name", "geo_epgs_25831_x", "geo_epsg_25831_x"}
    )


def _time(value: str) -> str:
    match = re.search(r"(\d{1,2}):(\d{2})", value)
    return f"{int(match.group(1)):02d}:{match.group(2)}" if match else ""


def odbcn_extras(candidate: Candidate, record: dict[str, str], columns: Columns) -> None:
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
    category, attribute, value = (
        extra("values_category"),
        extra("values_attribute_name"),
        extra("values_value"),
    )
    if category and value and record.get(value):
        kind = fold(record.get(category, "").casefold())
        name = fold(record.get(attribute, "").casefold()) if attribute else ""
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


def collapse_rows(
    candidates: list[Candidate], table: Table, columns: Columns, messages: list[str]
) -> list[Candidate]:
    """Merge the rows of one place (same code, or same name when there is no code column)."""
    by_code = columns.get("source_id") is not None
    key_field = "source_id" if by_code else "name"
    groups: dict[str, Candidate] = {}
    merged: list[Candidate] = []
    for candidate in candidates:
        value = candidate.text.get(key_field, "")
        key = value if by_code else label_key(value)
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
        first_unusable = first.pair is None or bool(first.pair.problem) or blank_pair(first.pair)
        if first_unusable and candidate.pair is not None and not blank_pair(candidate.pair):
            first.pair = candidate.pair
    if not by_code:
        for candidate in merged:
            if candidate.text.get("name"):
                candidate.text["source_id"] = candidate.text["name"]
        if table.kind == KIND_ODBCN_API:
            messages.append(
                _(
                    "The records have no equipment code: records with the same name were merged "
                    "and the name is used as the asset's id."
                )
            )
    if len(merged) < len(candidates):
        messages.append(
            _(
                "The file's {rows} rows describe {assets} places: the rows of each place were "
                "collapsed into one asset (by {key})."
            ).format(
                rows=len(candidates),
                assets=len(merged),
                key=columns.fields.get("source_id") or columns.fields.get("name"),
            )
        )
    return merged


def file_theme(display: str) -> str | None:
    """Return the theme of an Open Data BCN list file name (``..._educacio-csv.csv``).

    Parameters
    ----------
    display
        The file's name as the user knows it.

    Returns
    -------
    str or None
        The theme, e.g. ``"educacio"``, or ``None`` for other names.

    Examples
    --------
    >>> file_theme("opendatabcn_llista-equipaments_educacio-csv (2).csv")
    'educacio'
    >>> file_theme("assets.csv") is None
    True
    """
    match = re.search(
        r"equipaments[_-]([a-z0-9-]+?)(?:[-_]csv)?(?:\s*\(\d+\))?\.\w+$", display.lower()
    )
    return match.group(1) if match else None
