"""Text plumbing shared by the importers: decoding files, missing cells, accent folding.

One decoder for every text file a user uploads (:func:`decode_text`) and the small cell
helpers (:func:`is_missing`, :func:`is_blank`, :func:`cell_text`, :func:`sheet_cell_text`,
:func:`text_or_empty`, :func:`trim`, :func:`as_int`, :func:`fold`, :func:`match_key`) that
used to exist in several copies across the package. The variants differ on purpose:
:func:`is_missing` is about absent values, :func:`is_blank` also counts blank text and
empty lists as empty;
:func:`cell_text` strips a value, :func:`sheet_cell_text` also drops the ``.0`` Excel adds
to codes typed as numbers, :func:`text_or_empty` strips nothing; :func:`fold` removes
accents only, :func:`match_key` folds case too and keeps only the words that matter.
"""

from __future__ import annotations

import codecs
import datetime as dt
import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from community_map._cells import FORMULA_TRIGGERS, is_plain_number, unneutralise
from community_map.errors import ImportFileError
from community_map.i18n import gettext as _

__all__ = [
    "DecodedText",
    "as_int",
    "cell_text",
    "decode_text",
    "fold",
    "is_blank",
    "is_missing",
    "match_key",
    "sheet_cell_text",
    "text_or_empty",
    "trim",
]

_STOP_WORDS = frozenset({"de", "del", "d", "l", "la", "el", "les", "los", "las", "of", "the"})
_SAMPLE = 4096  # bytes looked at to recognise UTF-16 without a byte-order mark


@dataclass(frozen=True)
class DecodedText:
    """The text of a file and how it was decoded.

    Attributes
    ----------
    text
        The decoded text, without a byte-order mark.
    encoding
        The codec used: ``"utf-8"``, ``"utf-16"`` (with BOM), ``"utf-16-le"``,
        ``"utf-16-be"`` (without BOM) or ``"cp1252"``.
    messages
        Translated warnings for the user (Windows-1252 fallback, lost characters).
    """

    text: str
    encoding: str
    messages: list[str] = field(default_factory=list)


def _broken(name: str, detail: object) -> ImportFileError:
    return ImportFileError(
        _(
            "The file's text encoding is broken ({detail}). Save it again as CSV UTF-8 "
            "(in Excel: File > Save as > CSV UTF-8) and import that file."
        ).format(detail=detail),
        path=name,
    )


def _utf16_without_bom(data: bytes) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` when NUL bytes sit where UTF-16 puts them."""
    sample = data[:_SAMPLE]
    even, odd = sample[0::2], sample[1::2]
    if not even or not odd:
        return None
    even_nul, odd_nul = even.count(0) / len(even), odd.count(0) / len(odd)
    if odd_nul >= 0.3 and even_nul <= 0.05:
        return "utf-16-le"
    if even_nul >= 0.3 and odd_nul <= 0.05:
        return "utf-16-be"
    return None


def decode_text(data: bytes, name: str) -> DecodedText:
    """Decode the bytes of a text file the way people save them.

    A byte-order mark (UTF-8, UTF-16 LE or BE) wins; then UTF-8; then UTF-16 without a
    byte-order mark when the NUL bytes show it; Windows-1252 (Latin-1) is the fallback,
    with a warning naming the file.

    Parameters
    ----------
    data
        The file's bytes.
    name
        The file's name as the user knows it, for messages.

    Returns
    -------
    DecodedText
        The text, the codec used and translated warnings.

    Raises
    ------
    ImportFileError
        When the bytes cannot be text (a broken UTF-16 file, NUL bytes of a binary file).

    Examples
    --------
    >>> decode_text("Sant Martí".encode("utf-8-sig"), "a.csv").text
    'Sant Martí'
    >>> decoded = decode_text("Sant Martí".encode("cp1252"), "a.csv")
    >>> decoded.text, decoded.encoding, len(decoded.messages)
    ('Sant Martí', 'cp1252', 1)
    >>> decode_text("Sarrià".encode("utf-16-le"), "a.csv").encoding
    'utf-16-le'
    """
    messages: list[str] = []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise _broken(name, exc) from exc
    elif data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8"
        try:
            text = data[len(codecs.BOM_UTF8) :].decode(encoding)
        except UnicodeDecodeError as exc:
            raise _broken(name, exc) from exc
    elif b"\x00" in data[:_SAMPLE]:
        guess = _utf16_without_bom(data)
        if guess is None:
            raise _broken(
                name, _("NUL bytes: UTF-16 without a byte-order mark, or not a text file")
            )
        encoding = guess
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError as exc:
            raise _broken(name, exc) from exc
    else:
        try:
            encoding = "utf-8"
            text = data.decode(encoding)
        except UnicodeDecodeError:
            encoding = "cp1252"
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:  # the five bytes cp1252 leaves undefined
                text = data.decode("latin-1")
            messages.append(
                _(
                    "{file} is not UTF-8; it was read as Latin-1 (Windows-1252). Check that "
                    "accented letters look right."
                ).format(file=name)
            )
    if "\x00" in text:
        raise _broken(name, _("NUL characters in the text"))
    if "\ufffd" in text:
        messages.append(
            _(
                "The file contains replacement characters (�): some accented letters were lost "
                "before the file was made and cannot be recovered here."
            )
        )
    return DecodedText(text=text.removeprefix("\ufeff"), encoding=encoding, messages=messages)


def is_missing(value: object) -> bool:
    """Whether a cell is missing: None, pandas NA/NaT or a float NaN.

    Examples
    --------
    >>> [is_missing(v) for v in (None, float("nan"), "", 0, "nan")]
    [True, True, False, False, False]
    """
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, str | bytes | list | tuple | dict | set):
        return False
    try:
        result = pd.isna(value)  # pandas.NA, NaT, numpy NaN scalars
    except (TypeError, ValueError):
        return False
    return isinstance(result, bool | np.bool_) and bool(result)


def trim(text: str) -> str:
    """``text`` stripped of surrounding white space, never turned into a formula.

    White space before a formula character (``=``, ``+``, ``-``, ``@``) is kept, so that
    ``"\\t=1+2"`` does not become ``"=1+2"``; a plain number is stripped as usual. The
    quote that our exports put before such text (see
    :func:`community_map._cells.neutralise`) is removed, so that exported files import
    back unchanged.

    Examples
    --------
    >>> trim("  Gràcia "), trim("\\t=1+2"), trim(" -5 "), trim("'=1+2")
    ('Gràcia', '\\t=1+2', '-5', '=1+2')
    """
    stripped = text.strip()
    if (
        stripped
        and stripped[0] in FORMULA_TRIGGERS
        and stripped != text.lstrip("\ufeff").rstrip()
        and not is_plain_number(stripped)
    ):
        return unneutralise(text.rstrip())
    return unneutralise(stripped)


def cell_text(value: object) -> str:
    """A cell as stripped text (see :func:`trim`); ``""`` for a missing value.

    Examples
    --------
    >>> cell_text("  Gràcia "), cell_text(None), cell_text(float("nan")), cell_text(7)
    ('Gràcia', '', '', '7')
    """
    return "" if is_missing(value) else trim(str(value))


def fold(text: str) -> str:
    """``text`` without accents (NFKD, combining marks dropped); case is kept.

    Examples
    --------
    >>> fold("Sant Martí de Provençals")
    'Sant Marti de Provencals'
    """
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def text_or_empty(value: object) -> str:
    """A cell as text; a missing value (see :func:`is_missing`) is ``""``, nothing is stripped.

    Examples
    --------
    >>> text_or_empty(None), text_or_empty(float("nan")), text_or_empty(" 3 ")
    ('', '', ' 3 ')
    """
    return "" if is_missing(value) else str(value)


def as_int(value: Any) -> int | None:
    """``value`` as an int, or None when it is missing (see :func:`is_missing`).

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
    """Whether a spreadsheet cell is empty: missing, blank text or an empty collection.

    Unlike :func:`is_missing`, ``"  "`` and ``[]`` count as empty.

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


def sheet_cell_text(value: object) -> str:
    """A spreadsheet cell as stripped text (``""`` for a blank cell, see :func:`is_blank`).

    Unlike :func:`cell_text`, whole floats lose their ``.0`` (Excel stores codes typed as
    numbers as floats) and date-times are written ``YYYY-MM-DD HH:MM:SS``.

    Examples
    --------
    >>> sheet_cell_text(12.0), sheet_cell_text(" A-1 "), sheet_cell_text(None)
    ('12', 'A-1', '')
    >>> cell_text(12.0)
    '12.0'
    """
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    return trim(str(value))


def match_key(text: object) -> str:
    """Fold case and accents, keep letters and digits, drop articles: a matching key.

    Unlike :func:`fold`, case is folded too and punctuation and articles are dropped, so
    that hand-written headers and choices match (``"Codi de l'Acció"`` is ``"codi accio"``).

    Examples
    --------
    >>> match_key("Codi de l'Acció")
    'codi accio'
    """
    decomposed = unicodedata.normalize("NFKD", str(text)).casefold()
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(w for w in re.split(r"[^0-9a-z]+", plain) if w and w not in _STOP_WORDS)
