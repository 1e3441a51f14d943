"""Reading a filled-in programme workbook back: validation and normalised tables.

Community educators plan their programme in spreadsheets: a workbook written by
:mod:`~community_map.activities.programme_excel` (or by hand, headers in Catalan,
Spanish or English) is read back by :func:`programme_from_excel`.

Nothing here writes to the database: the import validates the whole workbook and
returns normalised tables (or raises one :class:`ProgrammeImportError` listing every
problem), and the service layer
(:func:`~community_map.activities.writes.import_programme`) writes them.

Workbook layout
---------------
``Programme`` sheet
    One row per session, columns :data:`PROGRAMME_COLUMNS` (headers in Catalan,
    Spanish or English). A session is identified by its action code, date, start,
    venue code and type.
``Attendance`` sheet (optional)
    One row per participant and session, columns :data:`ATTENDANCE_COLUMNS`.
Per-session attendance sheets (optional, any sheet name)
    Column A holds labels and column B values::

        row 1   Action code        | ACT-001
        row 2   Date               | 04/03/2025
        row 3   Start              | 17:00
        row 4   Venue code         | EQ-0001
        row 5   Type               | Workshop      (may be left empty)
        row 6   (empty)
        row 7   Participant code   | Status   | Walk-in
        row 8…  P-0001             | Attended | No

    The label rows may come in any order and the empty row may be left out; the
    participant table starts at the row whose first cell is "Participant code". The
    type may be left empty when only one session matches the other four values.
``Instructions`` sheet and the hidden ``lists`` sheet
    Ignored when reading.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO, Any

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from community_map.activities._cells import cell_text as _text
from community_map.activities._cells import is_blank as _is_blank
from community_map.activities._cells import norm as _norm
from community_map.activities.import_results import (
    ProgrammeImport,
    ProgrammeImportError,
    _Reader,
    _Table,
)
from community_map.activities.programme_columns import (
    _BLOCK_KEYS,
    _HEADER_LABELS,
    _SHEET_LABELS,
    ATTENDANCE_IMPORT_COLUMNS,
    SESSION_IMPORT_COLUMNS,
    SessionKey,
    _attendance_status_choice,
    _Codes,
    _hhmm,
    _lookups,
    _parse_capacity,
    _parse_date,
    _parse_time,
    _required,
    _session_status_choice,
    _split_codes,
    _type_choice,
    _type_label,
    _yes_no,
)
from community_map.errors import ImportFileError
from community_map.i18n import gettext as _
from community_map.models import (
    SessionType,
)

__all__ = [
    "programme_from_excel",
]


def _rows(sheet: Any) -> list[tuple[int, tuple[Any, ...]]]:
    """Return the sheet's non-empty rows with their 1-based numbers."""
    return [
        (number, tuple(cells))
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1)
        if any(not _is_blank(c) for c in cells)
    ]


def _header_keys(cells: tuple[Any, ...]) -> dict[int, str]:
    headers = _lookups().headers
    keys: dict[int, str] = {}
    for index, cell in enumerate(cells):
        key = headers.get(_norm(_text(cell))) if not _is_blank(cell) else None
        if key is not None:
            keys[index] = key
    return keys


def _table(
    reader: _Reader,
    sheet: str,
    rows: list[tuple[int, tuple[Any, ...]]],
    required: Sequence[str],
    fallbacks: dict[str, str],
) -> _Table | None:
    """Find the header row, map the columns and check the required ones are there."""
    position, keys = next(
        (
            (i, k)
            for i, (_n, cells) in enumerate(rows[:10])
            if len(set((k := _header_keys(cells)).values())) >= 2
        ),
        (-1, {}),
    )
    if position < 0:
        wanted = ", ".join(_(_HEADER_LABELS[k]) for k in required)
        reader.problem(
            sheet,
            rows[0][0] if rows else None,
            None,
            _("No header row found; the first row must name the columns, e.g. {columns}.").format(
                columns=wanted
            ),
        )
        return None
    header_cells = rows[position][1]
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    ignored: list[str] = []
    for index, cell in enumerate(header_cells):
        if _is_blank(cell):
            continue
        key = keys.get(index)
        if key is None:
            ignored.append(_text(cell))
        elif key in columns:
            reader.problem(
                sheet,
                rows[position][0],
                _text(cell),
                _("The column {first!r} appears twice; keep one of them.").format(
                    first=headers[key]
                ),
            )
        else:
            columns[key] = index
            headers[key] = _text(cell)
    for key, fallback in fallbacks.items():
        if key not in columns and fallback in columns:
            columns[key] = columns[fallback]
            headers[key] = headers[fallback]
    if ignored:
        reader.messages.append(
            _("Sheet {sheet!r}: columns ignored: {columns}.").format(
                sheet=sheet, columns=", ".join(repr(c) for c in ignored)
            )
        )
    missing = [k for k in required if k not in columns]
    for key in missing:
        reader.problem(
            sheet, rows[position][0], _(_HEADER_LABELS[key]), _("This column is missing.")
        )
    if missing:
        return None
    return _Table(sheet, columns, headers, rows[position + 1 :])


def _session_codes(
    reader: _Reader, table: _Table, number: int, cells: tuple[Any, ...]
) -> tuple[str | None, str | None]:
    """Read and check the action and venue codes of a row (``""`` when empty)."""
    action: str | None = _text(table.get(cells, "action_code"))
    if action:
        action = reader.known(
            table, number, "action_code", "actions", action, _("Unknown action code {code!r}.")
        )
    venue: str | None = _text(table.get(cells, "venue_code"))
    if venue:
        venue = reader.known(
            table, number, "venue_code", "venues", venue, _("Unknown venue code {code!r}.")
        )
    return action, venue


def _read_programme(reader: _Reader, sheet: str, rows: list[tuple[int, tuple[Any, ...]]]) -> None:
    if not rows:
        reader.messages.append(_("Sheet {sheet!r} is empty.").format(sheet=sheet))
        return
    table = _table(
        reader,
        sheet,
        rows,
        ("date", "type", "start", "end"),
        {"action_code": "action_title", "venue_code": "venue"},
    )
    if table is None:
        return
    for number, cells in table.rows:
        before = len(reader.problems)
        action, venue = _session_codes(reader, table, number, cells)
        stype = reader.parse(
            table, number, "type", _required(_type_choice), table.get(cells, "type")
        )
        day = reader.parse(table, number, "date", _required(_parse_date), table.get(cells, "date"))
        start = reader.parse(
            table, number, "start", _required(_parse_time), table.get(cells, "start")
        )
        end = reader.parse(table, number, "end", _required(_parse_time), table.get(cells, "end"))
        if start is not None and end is not None and end <= start:
            reader.problem(
                sheet,
                number,
                table.header("end"),
                _("The session ends at {end}, which is not after its start at {start}.").format(
                    end=_hhmm(end), start=_hhmm(start)
                ),
            )
        facilitators: list[str] = []
        for code in _split_codes(table.get(cells, "facilitators")):
            found = reader.known(
                table,
                number,
                "facilitators",
                "professionals",
                code,
                _("Unknown professional code {code!r}."),
            )
            if found is not None and found not in facilitators:
                facilitators.append(found)
        partners: list[str] = []
        for code in _split_codes(table.get(cells, "partners")):
            found = reader.known(
                table, number, "partners", "services", code, _("Unknown service code {code!r}.")
            )
            if found is not None and found not in partners:
                partners.append(found)
        capacity = reader.parse(
            table, number, "capacity", _parse_capacity, table.get(cells, "capacity")
        )
        status = reader.parse(
            table, number, "status", _session_status_choice, table.get(cells, "status")
        )
        if None in (action, venue, stype, day, start):
            continue
        key: SessionKey = (str(action), day, start, str(venue), str(stype.value))
        if key in reader.keys:
            reader.problem(
                sheet,
                number,
                table.header("date"),
                _(
                    "Duplicate session: row {row} has the same action, date, start, venue and type."
                ).format(row=reader.keys[key]),
            )
            continue
        reader.keys[key] = number
        if len(reader.problems) > before or end is None:
            continue
        reader.sessions.append(
            {
                "action_code": action,
                "type": stype.value,
                "title": _text(table.get(cells, "title")),
                "starts_at": dt.datetime.combine(day, start),
                "ends_at": dt.datetime.combine(day, end),
                "venue_code": venue,
                "facilitators": facilitators,
                "partners": partners,
                "capacity": capacity,
                "status": status.value,
                "cancel_reason": _text(table.get(cells, "cancel_reason")),
                "notes": _text(table.get(cells, "notes")),
                "row": number,
            }
        )


def _match_session(
    reader: _Reader, partial: tuple[str, dt.date, dt.time, str], stype: SessionType | None
) -> SessionKey | str:
    """Return the programme's session with these values, or why there is none."""
    if stype is not None:
        key: SessionKey = (*partial, stype.value)
        if key in reader.keys:
            return key
        candidates: list[SessionKey] = []
    else:
        candidates = [k for k in reader.keys if k[:4] == partial]
        if len(candidates) == 1:
            return candidates[0]
    action, day, start, venue = partial
    details = _("action {action!r}, {date} at {start}, venue {venue!r}").format(
        action=action, date=day.strftime("%d/%m/%Y"), start=_hhmm(start), venue=venue
    )
    if candidates:
        return _("Several sessions of the programme match ({details}); fill in the type.").format(
            details=details
        )
    if stype is not None:
        details += ", " + _type_label(stype.value)
    return _("No session of the programme sheet matches ({details}).").format(details=details)


def _add_attendance(
    reader: _Reader, table: _Table, number: int, key: SessionKey, cells: tuple[Any, ...]
) -> None:
    before = len(reader.problems)
    participant: str | None = _text(table.get(cells, "participant_code"))
    if not participant:
        reader.problem(
            table.sheet,
            number,
            table.header("participant_code"),
            _("The participant code is missing."),
        )
    else:
        participant = reader.known(
            table,
            number,
            "participant_code",
            "participants",
            participant,
            _("Unknown participant code {code!r}."),
        )
    status = reader.parse(
        table, number, "status", _attendance_status_choice, table.get(cells, "status")
    )
    walk_in = reader.parse(table, number, "walk_in", _yes_no, table.get(cells, "walk_in"))
    if participant:
        seen = reader.seen_attendance.get((key, participant))
        if seen is not None:
            reader.problem(
                table.sheet,
                number,
                table.header("participant_code"),
                _(
                    "Duplicate attendance: sheet {sheet!r}, row {row} already records participant "
                    "{code!r} at this session."
                ).format(sheet=seen[0], row=seen[1], code=participant),
            )
            return
        reader.seen_attendance[(key, participant)] = (table.sheet, number)
    if len(reader.problems) > before:
        return
    action, day, start, venue, stype = key
    reader.attendance.append(
        {
            "action_code": action,
            "starts_at": dt.datetime.combine(day, start),
            "venue_code": venue,
            "type": stype,
            "participant_code": participant,
            "status": status.value,
            "walk_in": bool(walk_in),
            "row": number,
            "sheet": table.sheet,
        }
    )


def _read_attendance_long(
    reader: _Reader, sheet: str, rows: list[tuple[int, tuple[Any, ...]]]
) -> None:
    table = _table(
        reader,
        sheet,
        rows,
        ("participant_code", "date", "start", "status"),
        {"action_code": "action_title", "venue_code": "venue"},
    )
    if table is None:
        return
    for number, cells in table.rows:
        before = len(reader.problems)
        action, venue = _session_codes(reader, table, number, cells)
        day = reader.parse(table, number, "date", _required(_parse_date), table.get(cells, "date"))
        start = reader.parse(
            table, number, "start", _required(_parse_time), table.get(cells, "start")
        )
        raw_type = table.get(cells, "type")
        stype = (
            None
            if _is_blank(raw_type)
            else reader.parse(table, number, "type", _type_choice, raw_type)
        )
        if len(reader.problems) > before:
            # still check the participant columns of the row
            _check_participant_cells(reader, table, number, cells)
            continue
        assert action is not None and venue is not None
        match = _match_session(reader, (action, day, start, venue), stype)
        if isinstance(match, str):
            reader.problem(sheet, number, table.header("date"), match)
            _check_participant_cells(reader, table, number, cells)
            continue
        _add_attendance(reader, table, number, match, cells)


def _check_participant_cells(
    reader: _Reader, table: _Table, number: int, cells: tuple[Any, ...]
) -> None:
    """Report the participant, status and walk-in problems of a row without a session."""
    participant = _text(table.get(cells, "participant_code"))
    if not participant:
        reader.problem(
            table.sheet,
            number,
            table.header("participant_code"),
            _("The participant code is missing."),
        )
    else:
        reader.known(
            table,
            number,
            "participant_code",
            "participants",
            participant,
            _("Unknown participant code {code!r}."),
        )
    reader.parse(table, number, "status", _attendance_status_choice, table.get(cells, "status"))
    reader.parse(table, number, "walk_in", _yes_no, table.get(cells, "walk_in"))


def _is_session_sheet(rows: list[tuple[int, tuple[Any, ...]]]) -> bool:
    if not rows:
        return False
    cells = [c for c in rows[0][1] if not _is_blank(c)]
    first = rows[0][1][0] if rows[0][1] else None
    return (
        len(cells) <= 2
        and not _is_blank(first)
        and _lookups().headers.get(_norm(_text(first))) in _BLOCK_KEYS
    )


def _read_session_sheet(
    reader: _Reader, sheet: str, rows: list[tuple[int, tuple[Any, ...]]]
) -> None:
    """Read a per-session sheet: label/value rows, then the participant table."""
    headers = _lookups().headers
    values: dict[str, tuple[int, str, Any]] = {}
    table_at = None
    for position, (number, cells) in enumerate(rows):
        label = _text(cells[0]) if cells else ""
        key = headers.get(_norm(label)) if label else None
        if key == "participant_code":
            table_at = position
            break
        if key in _BLOCK_KEYS and key not in values:
            values[key] = (number, label, cells[1] if len(cells) > 1 else None)
        else:
            reader.messages.append(
                _("Sheet {sheet!r}, row {row}: ignored.").format(sheet=sheet, row=number)
            )
    for key, fallback in (("action_code", "action_title"), ("venue_code", "venue")):
        if key not in values and fallback in values:
            values[key] = values[fallback]
    if table_at is None:
        reader.problem(
            sheet,
            None,
            None,
            _(
                "No participant table: add a row whose first cells are {columns}, then one row "
                "per participant."
            ).format(
                columns=", ".join(
                    _(_HEADER_LABELS[k]) for k in ("participant_code", "status", "walk_in")
                )
            ),
        )
        return
    table = _table(reader, sheet, rows[table_at:], ("participant_code", "status"), {})
    before = len(reader.problems)
    block = _Table(sheet, {}, {k: v[1] for k, v in values.items()}, [])

    def value(key: str, parse: Callable[[Any], Any], required: bool = True) -> Any:
        if key not in values:
            if required:
                reader.problem(
                    sheet,
                    None,
                    _(_HEADER_LABELS[key]),
                    _("The label row {label!r} is missing above the participant table.").format(
                        label=_(_HEADER_LABELS[key])
                    ),
                )
            return None
        number, _label, raw = values[key]
        if _is_blank(raw) and not required:
            return None
        return reader.parse(block, number, key, _required(parse) if required else parse, raw)

    action = _text(values["action_code"][2]) if "action_code" in values else ""
    if action:
        action = (
            reader.known(
                block,
                values["action_code"][0],
                "action_code",
                "actions",
                action,
                _("Unknown action code {code!r}."),
            )
            or ""
        )
    venue = _text(values["venue_code"][2]) if "venue_code" in values else ""
    if venue:
        venue = (
            reader.known(
                block,
                values["venue_code"][0],
                "venue_code",
                "venues",
                venue,
                _("Unknown venue code {code!r}."),
            )
            or ""
        )
    day = value("date", _parse_date)
    start = value("start", _parse_time)
    stype = value("type", _type_choice, required=False)
    match: SessionKey | str | None = None
    if len(reader.problems) == before:
        match = _match_session(reader, (action, day, start, venue), stype)
        if isinstance(match, str):
            where = values["date"]
            reader.problem(sheet, where[0], where[1], match)
    if table is None:
        return
    for number, cells in table.rows:
        if isinstance(match, tuple):
            _add_attendance(reader, table, number, match, cells)
        else:
            _check_participant_cells(reader, table, number, cells)


def _session_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=SESSION_IMPORT_COLUMNS)
    frame["starts_at"] = pd.to_datetime(frame["starts_at"])
    frame["ends_at"] = pd.to_datetime(frame["ends_at"])
    frame["capacity"] = pd.array(list(frame["capacity"]), dtype="Int64")
    frame["row"] = frame["row"].astype("int64")
    return frame


def _attendance_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=ATTENDANCE_IMPORT_COLUMNS)
    frame["starts_at"] = pd.to_datetime(frame["starts_at"])
    frame["walk_in"] = frame["walk_in"].astype(bool)
    frame["row"] = frame["row"].astype("int64")
    return frame


def programme_from_excel(
    path: str | Path | bytes | IO[bytes],
    *,
    display_name: str | None = None,
    known_venues: set[str],
    known_actions: set[str],
    known_professionals: set[str],
    known_services: set[str],
    known_participants: set[str],
) -> ProgrammeImport:
    """Read and validate a programme workbook; nothing is written anywhere.

    Parameters
    ----------
    path
        The ``.xlsx`` file: a path, its bytes or an open binary file.
    display_name
        The file's name as the user knows it (for an uploaded temporary file).
    known_venues, known_actions, known_professionals, known_services, known_participants
        The codes that exist: venue assets' ``source_id``, community actions',
        professionals', services' and participants' codes. A code differing only in
        case from exactly one known code is read as that code.

    Returns
    -------
    ProgrammeImport
        The sessions and attendance rows, normalised, and notes.

    Raises
    ------
    ProgrammeImportError
        An :class:`~community_map.errors.ImportFileError` listing every problem found
        (sheet, row, column, reason): the file is not a workbook, columns are missing,
        codes are unknown, dates or times are impossible, a session ends before it
        starts, type or status are unknown, rows are duplicated, or attendance refers to
        a session that is not in the programme sheet.

    Examples
    --------
    >>> from community_map.activities.programme_excel import programme_to_excel
    >>> row = {"action_code": "ACT-1", "action_title": "", "type": "workshop", "title": "Cuina",
    ...        "date": dt.date(2025, 3, 4), "start": "17:00", "end": "19:00",
    ...        "venue_code": "EQ-1", "venue": "", "facilitators": "PRO-1", "partners": "",
    ...        "capacity": 12, "status": "planned", "cancel_reason": "", "notes": ""}
    >>> data = programme_to_excel(pd.DataFrame([row]), language="ca")
    >>> read = programme_from_excel(data, known_venues={"EQ-1"}, known_actions={"act-1"},
    ...     known_professionals={"PRO-1"}, known_services=set(), known_participants=set())
    >>> first = read.sessions.iloc[0]
    >>> first.action_code, str(first.starts_at), first.facilitators, int(first.capacity)
    ('act-1', '2025-03-04 17:00:00', ['PRO-1'], 12)
    >>> try:
    ...     programme_from_excel(data, known_venues=set(), known_actions={"ACT-1"},
    ...         known_professionals={"PRO-1"}, known_services=set(), known_participants=set())
    ... except ProgrammeImportError as error:
    ...     print(*(problem.describe() for problem in error.problems))
    sheet 'Programa', row 2, column "Codi de l'espai": Unknown venue code 'EQ-1'.
    """
    if display_name is None:
        display_name = Path(path).name if isinstance(path, str | Path) else _("the workbook")
    source: Any = io.BytesIO(path) if isinstance(path, bytes) else path
    try:
        workbook = load_workbook(source, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise ImportFileError(
            _(
                "The file cannot be read as an Excel workbook (.xlsx): {error}. Save it from "
                "your spreadsheet program as an Excel workbook and try again."
            ).format(error=exc),
            path=display_name,
        ) from exc

    lookups = _lookups()
    reader = _Reader(
        codes={
            "venues": _Codes(known_venues),
            "actions": _Codes(known_actions),
            "professionals": _Codes(known_professionals),
            "services": _Codes(known_services),
            "participants": _Codes(known_participants),
        }
    )
    sheets = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
    kinds = {ws.title: lookups.sheets.get(_norm(ws.title)) for ws in sheets}
    contents = {ws.title: _rows(ws) for ws in sheets}
    programme = next((t for t, k in kinds.items() if k == "programme"), None)
    if programme is None:
        programme = next(
            (
                t
                for t, rows in contents.items()
                if kinds[t] is None
                and rows
                and not _is_session_sheet(rows)
                and "participant_code" not in _header_keys(rows[0][1]).values()
            ),
            None,
        )
    if programme is None:
        reader.problem(
            _(_SHEET_LABELS["programme"]),
            None,
            None,
            _("The workbook has no programme sheet; name a sheet {name!r}.").format(
                name=_(_SHEET_LABELS["programme"])
            ),
        )
    else:
        _read_programme(reader, programme, contents[programme])

    attendance_sheets = 0
    for title, rows in contents.items():
        if title == programme or kinds[title] in {"programme", "instructions"}:
            continue
        if not rows:
            continue
        if _is_session_sheet(rows):
            _read_session_sheet(reader, title, rows)
            attendance_sheets += 1
        elif (
            kinds[title] == "attendance" or "participant_code" in _header_keys(rows[0][1]).values()
        ):
            _read_attendance_long(reader, title, rows)
            attendance_sheets += 1
        else:
            reader.messages.append(
                _(
                    "Sheet {sheet!r} ignored: it is neither a programme, an attendance list nor "
                    "a per-session attendance sheet."
                ).format(sheet=title)
            )

    if reader.problems:
        raise ProgrammeImportError(reader.problems, path=display_name)
    reader.messages.insert(
        0,
        _(
            "Read {sessions} sessions and {attendance} attendance rows ({sheets} attendance "
            "sheets)."
        ).format(
            sessions=len(reader.sessions),
            attendance=len(reader.attendance),
            sheets=attendance_sheets,
        ),
    )
    return ProgrammeImport(
        sessions=_session_frame(reader.sessions),
        attendance=_attendance_frame(reader.attendance),
        messages=reader.messages,
    )
