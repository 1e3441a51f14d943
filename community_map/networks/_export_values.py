"""Attribute values of network exports: plain types, one type per attribute, XML-safe text.

Shared by the GEXF writer (:mod:`.gexf`) and the GraphML, CSV and Excel writers
(:mod:`.exports`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from community_map.errors import ValidationError
from community_map.i18n import gettext as _

__all__ = [
    "XML_INVALID",
    "coerced_columns",
    "common_type",
    "is_missing",
    "node_ids",
    "plain",
    "xml_text",
]

# Characters XML 1.0 cannot hold at all, even escaped (control characters but tab/newline).
XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def is_missing(value: object) -> bool:
    """Return whether ``value`` is None or a NaN/NaT-like missing value."""
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(float(value))
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # list-like values
        return False


def plain(value: object) -> bool | int | float | str | None:
    """Coerce an attribute value to ``bool``, ``int``, ``float`` or ``str`` (None if missing).

    NumPy scalars become Python scalars, dates ISO strings, list-likes ``;``-joined
    strings and mappings JSON.
    """
    if is_missing(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.date | dt.datetime | pd.Timestamp):
        return value.isoformat()
    if isinstance(value, Mapping):
        return json.dumps({str(k): plain(v) for k, v in value.items()}, ensure_ascii=False)
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return ";".join("" if plain(v) is None else str(plain(v)) for v in items)
    return str(value)


def common_type(values: Iterable[object]) -> type:
    """Return the one type that holds every value: bool, int, float or str."""
    kinds = {type(v) for v in values if v is not None}
    if not kinds:
        return str
    if kinds == {bool}:
        return bool
    if kinds <= {int}:
        return int
    if kinds <= {int, float}:
        return float
    return str


def _cast(value: bool | int | float | str | None, kind: type) -> bool | int | float | str | None:
    if value is None or kind is bool:
        return value
    if kind is str:
        return str(value)
    return kind(value)  # type: ignore[no-any-return]


def coerced_columns(
    records: list[dict[str, Any]], *, skip: Iterable[str] = ()
) -> dict[str, dict[int, bool | int | float | str]]:
    """Coerce the attribute dictionaries in ``records`` column by column.

    Returns, for each attribute name (in first-seen order), the non-missing values by
    record position, all of one type.
    """
    skipped = set(skip)
    raw: dict[str, dict[int, bool | int | float | str]] = {}
    for position, record in enumerate(records):
        for key, value in record.items():
            name = str(key)
            if name in skipped:
                continue
            coerced = plain(value)
            column = raw.setdefault(name, {})
            if coerced is not None:
                column[position] = coerced
    columns = {}
    for name, column in raw.items():
        kind = common_type(column.values())
        columns[name] = {pos: _cast(v, kind) for pos, v in column.items()}
    return columns  # type: ignore[return-value]


def node_ids(nodes: Iterable[Hashable]) -> dict[Hashable, str]:
    """Map each node to its string id; two nodes with the same string id are an error."""
    ids: dict[Hashable, str] = {}
    seen: dict[str, Hashable] = {}
    for node in nodes:
        if node in ids:
            continue
        text = str(node)
        if text in seen and seen[text] != node:
            raise ValidationError(
                _(
                    "Two nodes, {a!r} and {b!r}, have the same id as text; give them "
                    "different ids before exporting."
                ).format(a=seen[text], b=node)
            )
        seen[text] = node
        ids[node] = text
    return ids


def xml_text(value: object) -> str:
    """Return ``value`` as text that XML 1.0 can hold (ElementTree escapes the rest)."""
    return XML_INVALID.sub("\ufffd", str(value))
