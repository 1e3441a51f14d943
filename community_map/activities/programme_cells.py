"""Cell values of programme workbooks: parsers and formatters of dates, times, codes, choices.

Shared by the Excel writer, the Excel reader and the iCalendar export. The parsers raise
:class:`InvalidValueError` with a translated reason; callers turn it into a problem of the
workbook. The words recognised for choices come from
:mod:`~community_map.activities.programme_columns`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from community_map._limits import CAPACITY_MAX
from community_map._text import is_blank, match_key, sheet_cell_text
from community_map.activities.programme_columns import (
    ATTENDANCE_STATUS_LABELS,
    SESSION_STATUS_LABELS,
    YES_NO_LABELS,
    programme_lookups,
)
from community_map.activities.reads import SESSION_TYPE_LABELS
from community_map.i18n import gettext as _
from community_map.models import AttendanceStatus, SessionStatus, SessionType

__all__ = [
    "InvalidValueError",
    "KnownCodes",
    "attendance_status_choice",
    "codes_text",
    "hhmm",
    "parse_capacity",
    "parse_date",
    "parse_time",
    "required_value",
    "session_status_choice",
    "split_codes",
    "type_choice",
    "yes_no_choice",
]

_DATE_TEXT = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_DATE_TEXT = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_TIME_TEXT = re.compile(r"^(\d{1,2})(?:[:.h](\d{2})(?::(\d{2}))?|h)$")
_CODE_SEPARATORS = re.compile(r"[;,\n]")


def hhmm(value: dt.datetime | dt.time) -> str:
    """A time as ``HH:MM``.

    Examples
    --------
    >>> hhmm(dt.time(9, 5))
    '09:05'
    """
    return f"{value.hour:02d}:{value.minute:02d}"


class InvalidValueError(Exception):
    """A cell's value cannot be read; the message says why (already translated)."""


def parse_date(value: object) -> dt.date:
    """A date cell (a date, ``dd/mm/yyyy`` or ``yyyy-mm-dd`` text) as a date.

    Examples
    --------
    >>> parse_date("4/3/2025"), parse_date("2025-03-04")
    (datetime.date(2025, 3, 4), datetime.date(2025, 3, 4))
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = sheet_cell_text(value)
    match = _DATE_TEXT.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    elif match := _ISO_DATE_TEXT.match(text):
        year, month, day = (int(g) for g in match.groups())
    else:
        raise InvalidValueError(
            _("{value!r} is not a date; write it as dd/mm/yyyy.").format(value=text)
        )
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise InvalidValueError(
            _("{value!r} is an impossible date: that day does not exist.").format(value=text)
        ) from None


def _round_to_minute(value: dt.time) -> dt.time:
    seconds = value.hour * 3600 + value.minute * 60 + value.second + value.microsecond / 1e6
    minutes = min(round(seconds / 60), 24 * 60 - 1)
    return dt.time(minutes // 60, minutes % 60)


def parse_time(value: object) -> dt.time:
    """A time cell (a time, an Excel day fraction or ``HH:MM`` text), rounded to the minute.

    Examples
    --------
    >>> parse_time("17.30"), parse_time(0.75)
    (datetime.time(17, 30), datetime.time(18, 0))
    """
    if isinstance(value, dt.datetime):
        return _round_to_minute(value.time())
    if isinstance(value, dt.time):
        return _round_to_minute(value)
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < 1:
        return _round_to_minute((dt.datetime.min + dt.timedelta(days=float(value))).time())
    text = sheet_cell_text(value)
    match = _TIME_TEXT.match(text)
    if not match:
        raise InvalidValueError(_("{value!r} is not a time; write it as HH:MM.").format(value=text))
    hour, minute, second = (int(g) if g else 0 for g in match.groups())
    if hour > 23 or minute > 59 or second > 59:
        raise InvalidValueError(_("{value!r} is an impossible time.").format(value=text))
    return _round_to_minute(dt.time(hour, minute, second))


def parse_capacity(value: object) -> int | None:
    """A capacity cell as a whole number of 0 or more; None when blank."""
    if is_blank(value):
        return None
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif isinstance(value, str) and re.fullmatch(r"\d+", value.strip()):
        number = float(value.strip())
    if number is None or not math.isfinite(number) or not number.is_integer() or number < 0:
        raise InvalidValueError(
            _("The capacity {value!r} is not a whole number of 0 or more.").format(
                value=sheet_cell_text(value)
            )
        )
    if number > CAPACITY_MAX:
        raise InvalidValueError(
            _("The capacity {value:g} is out of range: use a number from 0 to {limit:,}.").format(
                value=number, limit=CAPACITY_MAX
            )
        )
    return int(number)


def _parse_choice(value: object, table: dict[str, Any], labels: Mapping[Any, str]) -> Any:
    """The choice ``table`` maps the cell to; else the error lists the (translated) labels."""
    if isinstance(value, bool) and value in table.values():
        return value
    found = table.get(match_key(sheet_cell_text(value)))
    if found is None:
        raise InvalidValueError(
            _("Unknown value {value!r}; use one of: {allowed}.").format(
                value=sheet_cell_text(value),
                allowed=", ".join(_(label) for label in labels.values()),
            )
        )
    return found


def split_codes(value: object) -> list[str]:
    """The codes of a cell separated by ``;``, ``,`` or new lines, without repeats.

    Examples
    --------
    >>> split_codes("PRO-1; PRO-2,PRO-1")
    ['PRO-1', 'PRO-2']
    """
    codes: list[str] = []
    for part in _CODE_SEPARATORS.split(sheet_cell_text(value)):
        code = part.strip()
        if code and code not in codes:
            codes.append(code)
    return codes


class KnownCodes:
    """Known codes; a code that differs only in case or spaces resolves to the known one."""

    def __init__(self, known: Iterable[str]) -> None:
        self.exact = {str(code) for code in known}
        self.folded: dict[str, set[str]] = {}
        for code in self.exact:
            self.folded.setdefault(code.strip().casefold(), set()).add(code)

    def resolve(self, code: str) -> str | None:
        if code in self.exact:
            return code
        matches = self.folded.get(code.strip().casefold(), set())
        return next(iter(matches)) if len(matches) == 1 else None


def type_choice(value: Any) -> SessionType:
    """A session type cell (code, label or a recognised word) as a session type."""
    return SessionType(_parse_choice(value, programme_lookups().types, SESSION_TYPE_LABELS))


def session_status_choice(value: Any) -> SessionStatus:
    """A session status cell as a status; planned when blank."""
    if is_blank(value):
        return SessionStatus.PLANNED
    return SessionStatus(
        _parse_choice(value, programme_lookups().session_statuses, SESSION_STATUS_LABELS)
    )


def attendance_status_choice(value: Any) -> AttendanceStatus:
    """An attendance status cell as a status; a blank cell is invalid."""
    if is_blank(value):
        raise InvalidValueError(_("The attendance status is missing."))
    return AttendanceStatus(
        _parse_choice(value, programme_lookups().attendance_statuses, ATTENDANCE_STATUS_LABELS)
    )


def yes_no_choice(value: Any) -> bool:
    """A yes/no cell as a bool; no when blank."""
    if is_blank(value):
        return False
    return bool(_parse_choice(value, programme_lookups().yes_no, YES_NO_LABELS))


def required_value(parse: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``parse`` refusing a blank cell with :class:`InvalidValueError`."""

    def wrapped(value: Any) -> Any:
        if is_blank(value):
            raise InvalidValueError(_("The value is missing."))
        return parse(value)

    return wrapped


def codes_text(value: object) -> str:
    """Return a list of codes (or a text cell) as ``"A; B"`` text."""
    if isinstance(value, list | tuple | set):
        return "; ".join(str(v) for v in value)
    return sheet_cell_text(value)
