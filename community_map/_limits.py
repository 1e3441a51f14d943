"""One input policy for everything that enters the database from a file or a form.

* Text: no control characters (:func:`clean_text` removes them and says so, or
  :func:`check_text` refuses them) and no longer than its database column
  (:func:`column_length`, read from the SQLAlchemy models, so there is one truth).
* Numbers: finite and within a range (:func:`check_number`); whole numbers also fit the
  database's integer columns (:data:`INT_MAX`).
* Files: no larger than the configured limit (:func:`check_file_size`, settings
  ``max_upload_mb`` for the app and ``max_import_mb`` for the command line) and JSON no
  deeper than ``max_json_depth`` (:func:`load_json`).

Errors are :class:`~community_map.errors.ImportFileError` naming file, row and column, or
:class:`~community_map.errors.ValidationError` for forms. As a last guard,
:func:`check_flush` (registered on every SQLAlchemy session by :mod:`community_map.storage`)
refuses any text longer than its column and any whole number out of range before it
reaches the database, so that PostgreSQL never answers with an error that quotes the SQL.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

from sqlalchemy import Float, Integer, String
from sqlalchemy.orm import Session

from community_map._cells import CONTROL_CHARACTERS, strip_controls
from community_map.errors import ImportFileError, ValidationError
from community_map.i18n import gettext as _
from community_map.models import Base

__all__ = [
    "CAPACITY_MAX",
    "INT_MAX",
    "check_file_size",
    "check_flush",
    "check_number",
    "check_text",
    "clean_text",
    "column_length",
    "json_depth",
    "load_json",
]

INT_MAX = 2_147_483_647
"""The largest value of an ``Integer`` column (PostgreSQL's ``integer``, 32 bits)."""

CAPACITY_MAX = 100_000
"""The largest capacity (places) of an asset or a session accepted from a file or a form."""


def column_length(model: type[Base], name: str) -> int | None:
    """The length of a text column of ``model`` (``None`` for unlimited text).

    Examples
    --------
    >>> from community_map.models import Participant, Session
    >>> column_length(Participant, "code"), column_length(Session, "notes")
    (40, None)
    """
    length = getattr(model.__table__.c[name].type, "length", None)
    return int(length) if length else None


def _error(message: str, path: str | None, row: int | None, column: str | None) -> Exception:
    if path is None:
        label = f"{column}: " if column else ""
        return ValidationError(label + message)
    return ImportFileError(message, path=path, row=row, column=column)


def check_text(
    value: str,
    *,
    limit: int | None,
    path: str | None = None,
    row: int | None = None,
    column: str | None = None,
) -> str:
    """``value`` when it has no control characters and fits in ``limit`` characters.

    Raises
    ------
    ImportFileError
        When ``path`` is given (naming file, row and column).
    ValidationError
        Otherwise (a form): the message names the field ``column``.

    Examples
    --------
    >>> check_text("P-0001", limit=40)
    'P-0001'
    >>> try:
    ...     check_text("P" * 41, limit=40, path="a.xlsx", row=3, column="code")
    ... except ImportFileError as error:
    ...     print(error)
    a.xlsx, row 3, column 'code': The value has 41 characters; at most 40 fit. Shorten it.
    >>> try:
    ...     check_text("a\\x0bb", limit=None, column="Title")
    ... except ValidationError as error:
    ...     print(error)  # doctest: +ELLIPSIS
    Title: The value contains control characters (such as a vertical tab)...
    """
    if CONTROL_CHARACTERS.search(value):
        raise _error(
            _("The value contains control characters (such as a vertical tab); remove them."),
            path,
            row,
            column,
        )
    if limit is not None and len(value) > limit:
        raise _error(
            _("The value has {count} characters; at most {limit} fit. Shorten it.").format(
                count=len(value), limit=limit
            ),
            path,
            row,
            column,
        )
    return value


def clean_text(value: str, removed: list[int]) -> str:
    """``value`` without control characters; counts each changed value in ``removed[0]``.

    Importers use it and tell the user how many values were cleaned.

    Examples
    --------
    >>> count = [0]
    >>> clean_text("Casal\\x0bNou", count), clean_text("Casal", count), count
    ('Casal Nou', 'Casal', [1])
    """
    if CONTROL_CHARACTERS.search(value):
        removed[0] += 1
        return strip_controls(value)
    return value


def check_number(
    value: float,
    *,
    low: float,
    high: float,
    path: str | None = None,
    row: int | None = None,
    column: str | None = None,
) -> float:
    """``value`` when it is a finite number between ``low`` and ``high``.

    Examples
    --------
    >>> check_number(12, low=0, high=1000)
    12
    >>> try:
    ...     check_number(1e20, low=0, high=1000, path="p.xlsx", row=2, column="capacity")
    ... except ImportFileError as error:
    ...     print(error.reason)
    The number 1e+20 is out of range: use a number from 0 to 1000.
    """
    if isinstance(value, bool) or not math.isfinite(float(value)):
        raise _error(
            _("The value {value!r} is not a finite number.").format(value=value),
            path,
            row,
            column,
        )
    if not low <= value <= high:
        raise _error(
            _(
                "The number {value:g} is out of range: use a number from {low:g} to {high:g}."
            ).format(value=value, low=low, high=high),
            path,
            row,
            column,
        )
    return value


def check_file_size(path: Path, label: str, limit_mb: float) -> None:
    """Refuse a file larger than ``limit_mb`` megabytes (of 2**20 bytes).

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.NamedTemporaryFile() as handle:
    ...     _ = handle.write(b"x" * 2_000_000); handle.flush()
    ...     try:
    ...         check_file_size(Path(handle.name), "big.csv", 1)
    ...     except ImportFileError as error:
    ...         print(error)  # doctest: +ELLIPSIS
    big.csv: The file is 1.9 MB; the limit is 1 MB. Split it into smaller files...
    """
    try:
        size = path.stat().st_size
    except OSError:
        return  # the reader reports a missing or unreadable file
    if size > limit_mb * 2**20:
        raise ImportFileError(
            _(
                "The file is {size:.1f} MB; the limit is {limit:g} MB. Split it into smaller "
                "files, or ask an administrator to raise the limit."
            ).format(size=size / 2**20, limit=limit_mb),
            path=label,
        )


def json_depth(obj: Any) -> int:
    """How deeply lists and objects nest in ``obj`` (a scalar is 0), without recursion.

    Examples
    --------
    >>> json_depth(1), json_depth([1, {"a": [2]}]), json_depth({})
    (0, 3, 1)
    """
    deepest = 0
    stack: list[tuple[Any, int]] = [(obj, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            deepest = max(deepest, depth + 1)
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            deepest = max(deepest, depth + 1)
            stack.extend((v, depth + 1) for v in item)
    return deepest


def load_json(text: str, label: str, max_depth: int) -> Any:
    """Parse JSON text, refusing invalid JSON, ``NaN``/``Infinity`` and nesting deeper
    than ``max_depth``, with a message naming the file.

    Examples
    --------
    >>> load_json('{"a": [1, 2]}', "a.json", 5)
    {'a': [1, 2]}
    >>> for text in ("[" * 10 + "]" * 10, '{"x": NaN}'):
    ...     try:
    ...         load_json(text, "a.json", 5)
    ...     except ImportFileError as error:
    ...         print(error.reason)
    The JSON nests 10 levels deep; at most 5 are allowed. Simplify the file.
    The file contains NaN, which is not a number; write the value or leave it empty (null).
    """

    def refuse(constant: str) -> Any:
        raise ImportFileError(
            _(
                "The file contains {value}, which is not a number; write the value or leave it "
                "empty (null)."
            ).format(value=constant),
            path=label,
        )

    too_deep = _(
        "The JSON nests {depth} levels deep; at most {limit} are allowed. Simplify the file."
    )
    try:
        obj = json.loads(text, parse_constant=refuse)
    except RecursionError:
        raise ImportFileError(
            too_deep.format(depth=_("thousands of"), limit=max_depth), path=label
        ) from None
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            _("The file is not valid JSON ({detail}).").format(detail=exc), path=label
        ) from exc
    depth = json_depth(obj)
    if depth > max_depth:
        raise ImportFileError(too_deep.format(depth=depth, limit=max_depth), path=label)
    return obj


def _label(obj: Any, column: str) -> str:
    return f"{type(obj).__name__}.{column}"


def check_flush(session: Session, _context: Any = None, _instances: Any = None) -> None:
    """Refuse text longer than its column and whole numbers out of range, before a flush.

    Registered as a ``before_flush`` listener on every session; importers and forms check
    first with a better message, this is the guard for every other path.

    Raises
    ------
    ValidationError
        Naming the record type and the field.
    """
    for obj in [*session.new, *session.dirty]:
        table = getattr(obj, "__table__", None)
        if table is None:
            continue
        for column in table.columns:
            value = obj.__dict__.get(column.key)  # values set or loaded; never loads
            if value is None:
                continue
            kind = column.type
            if isinstance(kind, String) and kind.length and isinstance(value, str):
                if len(value) > kind.length:
                    raise ValidationError(
                        _(
                            "{field}: the value has {count} characters; at most {limit} fit. "
                            "Shorten it."
                        ).format(field=_label(obj, column.key), count=len(value), limit=kind.length)
                    )
            elif (
                isinstance(kind, Integer)
                and isinstance(value, int | float)
                and not isinstance(value, bool)
                and not (math.isfinite(value) and -INT_MAX - 1 <= value <= INT_MAX)
            ):
                raise ValidationError(
                    _("{field}: the number {value} is out of range.").format(
                        field=_label(obj, column.key), value=value
                    )
                )
            elif (
                isinstance(kind, Float)
                and isinstance(value, int | float)
                and not math.isfinite(value)
            ):
                raise ValidationError(
                    _("{field}: the value {value} is not a finite number.").format(
                        field=_label(obj, column.key), value=value
                    )
                )
