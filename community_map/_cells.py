"""One output policy for every CSV and Excel file the product writes.

A spreadsheet program runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, after a
tab or a line break, what follows) as a formula: text that people typed into the app, or
imported, must never become one in a download. Every exporter passes its cells through
:func:`neutralise` (OWASP's CSV injection advice: a leading single quote ``'``) and writes
with :func:`csv_bytes` or :func:`sheet_value`; control characters that Excel files cannot
hold (and that break the workbook writer) are removed. Real numbers, dates and booleans
stay typed, so a negative number is still a number; text that is only a number, such as
``"-42"``, is left as it is, since a spreadsheet reads it as that number and nothing else.

:func:`unneutralise` undoes the quote on import, so that a file exported and imported
again keeps its text.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

__all__ = [
    "CONTROL_CHARACTERS",
    "FORMULA_TRIGGERS",
    "csv_bytes",
    "is_plain_number",
    "neutralise",
    "neutralise_frame",
    "sheet_row",
    "sheet_value",
    "strip_controls",
    "unneutralise",
]

FORMULA_TRIGGERS: tuple[str, ...] = ("=", "+", "-", "@", "\t", "\r", "\n")
"""First characters that make a spreadsheet program read a cell as a formula."""

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
"""C0 control characters (but tab, line feed and carriage return) and DEL.

Excel files cannot hold them (openpyxl raises ``IllegalCharacterError``) and they have no
place in names, notes or codes.
"""

# Vertical tab, form feed and the information separators are white space to Python:
# they become a space, so that the words they separated stay apart.
_SPACE_LIKE = re.compile(r"[\x0b\x0c\x1c-\x1f]")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def is_plain_number(text: str) -> bool:
    """Whether ``text`` is only a number, such as ``"-42"`` or ``"+3.5e2"``.

    Examples
    --------
    >>> is_plain_number("-42"), is_plain_number("-1+2"), is_plain_number("1,5")
    (True, False, False)
    """
    return _PLAIN_NUMBER.fullmatch(text) is not None


def _missing(value: Any) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):
        return value != value  # NaN
    try:
        return bool(pd.isna(value)) if pd.api.types.is_scalar(value) else False
    except (TypeError, ValueError):
        return False


def strip_controls(text: str) -> str:
    """``text`` without control characters (see :data:`CONTROL_CHARACTERS`).

    Vertical tabs, form feeds and the information separators become a space; the other
    control characters are removed. Tabs and line breaks are kept.

    Examples
    --------
    >>> strip_controls("Casal\\x0bNou\\x00")
    'Casal Nou'
    >>> strip_controls("one\\ttwo\\nthree")
    'one\\ttwo\\nthree'
    """
    return CONTROL_CHARACTERS.sub("", _SPACE_LIKE.sub(" ", text))


def neutralise(value: Any) -> Any:
    """A cell made safe for a spreadsheet: text never starts a formula.

    Text loses its control characters (:func:`strip_controls`) and, when it starts with
    one of :data:`FORMULA_TRIGGERS`, gets a leading single quote. Text that is a plain
    number (``"-42"``, ``"+3.5"``) and every value that is not text (numbers, dates,
    ``None``) are returned unchanged. Applying it twice changes nothing more.

    Examples
    --------
    >>> neutralise("=1+2"), neutralise("@SUM(A1)"), neutralise("\\t=1+2")
    ("'=1+2", "'@SUM(A1)", "'\\t=1+2")
    >>> neutralise(-42), neutralise("-42"), neutralise("Casal"), neutralise(None)
    (-42, '-42', 'Casal', None)
    >>> neutralise(neutralise("+1")) == neutralise("+1")
    True
    """
    if not isinstance(value, str):
        return value
    text = strip_controls(value)
    if text.startswith(FORMULA_TRIGGERS) and not is_plain_number(text):
        return "'" + text
    return text


def unneutralise(text: str) -> str:
    """Undo :func:`neutralise`'s quote: an imported ``'=1+2`` is the text ``=1+2`` again.

    Only a quote followed by a formula trigger is removed, so ``'s Gravenhage`` is kept.

    Examples
    --------
    >>> unneutralise("'=1+2"), unneutralise("'s Gravenhage"), unneutralise("=1")
    ('=1+2', "'s Gravenhage", '=1')
    """
    if text.startswith("'") and text[1:].startswith(FORMULA_TRIGGERS):
        return text[1:]
    return text


def neutralise_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text cells and column names are :func:`neutralise`-d.

    Numeric, boolean and date columns are left as they are.

    Examples
    --------
    >>> table = pd.DataFrame({"name": ["=HYPERLINK(1)", "Casal"], "n": [-1, 2]})
    >>> neutralise_frame(table).to_dict("list")
    {'name': ["'=HYPERLINK(1)", 'Casal'], 'n': [-1, 2]}
    """
    result = frame.copy()
    for position in range(result.shape[1]):
        column = result.iloc[:, position]
        if column.dtype == object or isinstance(column.dtype, pd.StringDtype):
            result.iloc[:, position] = column.map(neutralise).astype(column.dtype)
    result.columns = pd.Index([neutralise(str(c)) for c in result.columns])
    return result


def csv_bytes(frame: pd.DataFrame, *, bom: bool = True) -> bytes:
    """``frame`` (without its index) as UTF-8 CSV, every cell through :func:`neutralise`.

    Lines end with CRLF (RFC 4180), so that a value holding a carriage return or a line
    feed is always quoted and cannot start a new row.

    Parameters
    ----------
    frame
        The table to write; reset a meaningful index into a column first.
    bom
        Start with a UTF-8 byte-order mark, so that spreadsheet programs read accents.

    Examples
    --------
    >>> csv_bytes(pd.DataFrame({"a": ["=1+2", "-5"], "b": [-1.5, 2]}), bom=False)
    b"a,b\\r\\n'=1+2,-1.5\\r\\n-5,2.0\\r\\n"
    """
    text: str = neutralise_frame(frame).to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig" if bom else "utf-8")


def sheet_value(value: Any) -> Any:
    """A value ready for an openpyxl cell: missing is ``None``, NumPy scalars become Python
    ones, infinity (which Excel files cannot hold) is ``None`` and text goes through
    :func:`neutralise`.

    Examples
    --------
    >>> import numpy as np
    >>> sheet_value(np.int64(3)), sheet_value(float("nan")), sheet_value("=A1")
    (3, None, "'=A1")
    >>> sheet_value(float("inf")) is None
    True
    """
    if _missing(value):
        return None
    if hasattr(value, "item") and not isinstance(value, str):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return neutralise(value)


def sheet_row(values: Iterable[Any]) -> list[Any]:
    """:func:`sheet_value` of each value, for ``worksheet.append``.

    Examples
    --------
    >>> sheet_row(["+1 555", 2, None])
    ["'+1 555", 2, None]
    """
    return [sheet_value(v) for v in values]
