"""Reading a filled-in programme workbook back: validation and normalised tables.

Community educators plan their programme in spreadsheets: a workbook written by
:mod:`~community_map.activities.programme_excel` (or by hand, headers in Catalan,
Spanish or English) is read back by :func:`programme_from_excel`.

Nothing here writes to the database: the import validates the whole workbook and
returns normalised tables (or raises one :class:`ProgrammeImportError` listing every
problem), and the service layer
(:func:`~community_map.activities.programme_writes.import_programme`) writes them.

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

import io
import zipfile
from pathlib import Path
from typing import IO, Any

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from community_map._text import match_key
from community_map.activities.import_results import (
    ProgrammeImport,
    ProgrammeImportError,
    ProgrammeReader,
)
from community_map.activities.programme_cells import (
    KnownCodes,
)
from community_map.activities.programme_columns import (
    ATTENDANCE_IMPORT_COLUMNS,
    SESSION_IMPORT_COLUMNS,
    SHEET_LABELS,
    programme_lookups,
)
from community_map.activities.programme_import_rows import (
    read_attendance_long,
    read_programme,
    read_session_sheet,
)
from community_map.activities.programme_sheets import header_keys, is_session_sheet, sheet_rows
from community_map.errors import ImportFileError
from community_map.i18n import gettext as _

__all__ = [
    "programme_from_excel",
]


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
    >>> import datetime as dt
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

    lookups = programme_lookups()
    reader = ProgrammeReader(
        codes={
            "venues": KnownCodes(known_venues),
            "actions": KnownCodes(known_actions),
            "professionals": KnownCodes(known_professionals),
            "services": KnownCodes(known_services),
            "participants": KnownCodes(known_participants),
        }
    )
    sheets = [ws for ws in workbook.worksheets if ws.sheet_state == "visible"]
    kinds = {ws.title: lookups.sheets.get(match_key(ws.title)) for ws in sheets}
    contents = {ws.title: sheet_rows(ws) for ws in sheets}
    programme = next((t for t, k in kinds.items() if k == "programme"), None)
    if programme is None:
        programme = next(
            (
                t
                for t, rows in contents.items()
                if kinds[t] is None
                and rows
                and not is_session_sheet(rows)
                and "participant_code" not in header_keys(rows[0][1]).values()
            ),
            None,
        )
    if programme is None:
        reader.problem(
            _(SHEET_LABELS["programme"]),
            None,
            None,
            _("The workbook has no programme sheet; name a sheet {name!r}.").format(
                name=_(SHEET_LABELS["programme"])
            ),
        )
    else:
        read_programme(reader, programme, contents[programme])

    attendance_sheets = 0
    for title, rows in contents.items():
        if title == programme or kinds[title] in {"programme", "instructions"}:
            continue
        if not rows:
            continue
        if is_session_sheet(rows):
            read_session_sheet(reader, title, rows)
            attendance_sheets += 1
        elif kinds[title] == "attendance" or "participant_code" in header_keys(rows[0][1]).values():
            read_attendance_long(reader, title, rows)
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
