"""Columns of boundary files: which hold the code, name, parent and population, and their values.

The usual Barcelona sources (Open Data BCN, CartoBCN, the udd population layer) are
recognised by their column names, else plain ``code``/``name`` columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from community_map._limits import check_text, column_length
from community_map._text import cell_text, is_missing
from community_map.errors import ValidationError
from community_map.i18n import gettext as _
from community_map.models import TerritoryUnit, UnitKind
from community_map.territory.boundary_readers import RawFile, columns_list, file_error

__all__ = [
    "Columns",
    "check_duplicates",
    "check_kind",
    "choose_columns",
    "code_text",
    "read_codes",
    "read_names",
    "read_numbers",
]

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
_PLACEHOLDERS = {"", "-", "--"}
_CODE_LIMIT = column_length(TerritoryUnit, "code")
_NAME_LIMIT = column_length(TerritoryUnit, "name")
POPULATION_MAX = 100_000_000
"""The largest population of one territory unit accepted on import."""


def check_kind(kind: str) -> UnitKind:
    """The :class:`~community_map.models.UnitKind` named ``kind``.

    Raises
    ------
    ValidationError
        For an unknown kind; the message lists the known ones.

    Examples
    --------
    >>> check_kind("district").value
    'district'
    """
    try:
        return UnitKind(kind)
    except ValueError:
        raise ValidationError(
            _("Unknown kind of territorial unit {kind!r}; use one of: {kinds}.").format(
                kind=kind, kinds=", ".join(k.value for k in UnitKind)
            )
        ) from None


def _lookup(columns: Sequence[object]) -> dict[str, str]:
    """Map lower-cased column names to the real names (the first one wins)."""
    found: dict[str, str] = {}
    for column in columns:
        found.setdefault(str(column).strip().casefold(), str(column))
    return found


def code_text(value: object) -> str | None:
    """A code as a string; ``None`` for missing values and placeholders such as ``"-"``.

    Parameters
    ----------
    value
        A cell of the code column.

    Returns
    -------
    str or None
        The code; whole floats lose their ``.0``.

    Examples
    --------
    >>> code_text(7.0), code_text(" 01 "), code_text("-"), code_text(None)
    ('7', '01', None, None)
    """
    if is_missing(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        return str(int(value))
    text = str(value).strip()
    return None if text in _PLACEHOLDERS else text


def _has_codes(frame: pd.DataFrame, column: str) -> bool:
    return any(code_text(v) is not None for v in frame[column])


def _given_column(frame: pd.DataFrame, value: str, argument: str, label: str) -> str:
    if value in frame.columns:
        return value
    lookup = _lookup(list(frame.columns))
    if value.strip().casefold() in lookup:
        return lookup[value.strip().casefold()]
    raise file_error(
        label,
        _(
            "The column {column!r} given as {argument} does not exist. Columns found: {columns}."
        ).format(column=value, argument=argument, columns=columns_list(list(frame.columns))),
    )


@dataclass(frozen=True)
class Columns:
    code: str
    name: str
    parent: str | None
    population: str | None
    men_women: tuple[str, str] | None


def choose_columns(
    frame: pd.DataFrame,
    kind: UnitKind,
    label: str,
    *,
    code_column: str | None,
    name_column: str | None,
    parent_column: str | None,
    population_column: str | None,
) -> Columns:
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
        code = code or next(
            (lookup[s[0]] for s in schemes if s[0] in lookup and _has_codes(frame, lookup[s[0]])),
            None,
        )
        name = name or next((lookup[s[1]] for s in schemes if s[1] in lookup), None)
    if code is None or name is None:
        arguments = [
            f'{arg}="…"'
            for arg, col in (("code_column", code), ("name_column", name))
            if col is None
        ]
        raise file_error(
            label,
            _(
                "No code or name column was recognised for {kind} boundaries. Columns found: "
                "{columns}. Pass {arguments} with the right column name."
            ).format(
                kind=kind.value,
                columns=columns_list(list(frame.columns)),
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
    return Columns(code, name, parent, population, men_women)


def _pad(code: str) -> str:
    return code.zfill(2) if code.isdigit() else code


def read_codes(
    raw: RawFile, column: str, label: str, *, required: bool, padded: list[tuple[str, str]]
) -> list[str | None]:
    codes: list[str | None] = []
    for position, value in enumerate(raw.attributes[column]):
        code = code_text(value)
        if code is None:
            if required:
                raise raw.cell_error(
                    label, position, column, _("The code is empty; every unit needs a code.")
                )
            codes.append(None)
            continue
        check_text(code, limit=_CODE_LIMIT, path=label, row=position + raw.first_row, column=column)
        new = _pad(code)
        if new != code and not padded:
            padded.append((code, new))
        codes.append(new)
    return codes


def read_names(raw: RawFile, column: str, label: str) -> list[str]:
    names: list[str] = []
    for position, value in enumerate(raw.attributes[column]):
        text = cell_text(value)
        if not text:
            raise raw.cell_error(
                label, position, column, _("The name is empty; every unit needs a name.")
            )
        check_text(text, limit=_NAME_LIMIT, path=label, row=position + raw.first_row, column=column)
        names.append(text)
    return names


def read_numbers(raw: RawFile, column: str, label: str) -> list[int | None]:
    numbers: list[int | None] = []
    for position, value in enumerate(raw.attributes[column]):
        text = cell_text(value)
        if not text:
            numbers.append(None)
            continue
        try:
            number = float(text)
        except ValueError:
            number = float("nan")
        if not np.isfinite(number) or not number.is_integer() or number < 0:
            raise raw.cell_error(
                label,
                position,
                column,
                _("The population {value!r} is not a whole number of people.").format(value=text),
            )
        if number > POPULATION_MAX:
            raise raw.cell_error(
                label,
                position,
                column,
                _(
                    "The population {value!r} is out of range: use a number from 0 to {limit:,}."
                ).format(value=text, limit=POPULATION_MAX),
            )
        numbers.append(int(number))
    return numbers


def check_duplicates(
    codes: Sequence[str | None], raw: RawFile, column: str, label: str, kind: UnitKind
) -> None:
    seen: dict[str, int] = {}
    for position, code in enumerate(codes):
        if code is None:
            continue
        if code in seen:
            first, second = seen[code] + raw.first_row, position + raw.first_row
            raise file_error(
                label,
                _(
                    "The code {code!r} appears twice, in rows {first} and {second}; every unit "
                    "needs its own code. Check also that the file holds {kind} boundaries."
                ).format(code=code, first=first, second=second, kind=kind.value),
                row=second,
                column=column,
            )
        seen[code] = position
