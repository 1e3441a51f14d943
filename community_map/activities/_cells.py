"""Private helpers of the activities domain for reading table cells as plain values.

One copy for the whole folder (conflict checks, calendars, programme files). Territory
has similar helpers; they may be merged into a core module later.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from typing import Any

import pandas as pd

__all__ = ["as_int", "cell_text", "is_blank", "norm", "text_or_empty"]

_STOP_WORDS = frozenset({"de", "del", "d", "l", "la", "el", "les", "los", "las", "of", "the"})


def text_or_empty(value: Any) -> str:
    """Return a cell as text; None and NaN become an empty string (nothing is stripped).

    Examples
    --------
    >>> text_or_empty(None), text_or_empty(float("nan")), text_or_empty(" 3 ")
    ('', '', ' 3 ')
    """
    if value is None:
        return ""
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    return str(value)


def as_int(value: Any) -> int | None:
    """Return ``value`` as an int, or None when it is missing.

    Examples
    --------
    >>> as_int(3.0), as_int(None), as_int(pd.NA), as_int(float("nan"))
    (3, None, None, None)
    """
    if value is None or value is pd.NA:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        return None
    return int(value)


def is_blank(value: object) -> bool:
    """Whether a spreadsheet cell is empty: None, NaN, blank text or an empty collection.

    Examples
    --------
    >>> is_blank("  "), is_blank([]), is_blank(float("nan")), is_blank(0)
    (True, True, True, False)
    """
    if value is None:
        return True
    if isinstance(value, list | tuple | set | dict):
        return not value
    if isinstance(value, str):
        return not value.strip()
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def cell_text(value: object) -> str:
    """Return a cell's value as stripped text (``""`` for an empty cell).

    Whole floats lose their ``.0`` (Excel stores codes typed as numbers as floats).

    Examples
    --------
    >>> cell_text(12.0), cell_text(" A-1 "), cell_text(None)
    ('12', 'A-1', '')
    """
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


def norm(text: object) -> str:
    """Fold case and accents, keep letters and digits, drop articles: a matching key.

    Examples
    --------
    >>> norm("Codi de l'Acció")
    'codi accio'
    """
    decomposed = unicodedata.normalize("NFKD", str(text)).casefold()
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(w for w in re.split(r"[^0-9a-z]+", plain) if w and w not in _STOP_WORDS)
