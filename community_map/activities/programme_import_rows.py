"""Reading the rows of a programme workbook: sessions, attendance lists, per-session sheets.

Each reader checks every cell of its rows, records problems and notes in the
:class:`~community_map.activities.import_results.ProgrammeReader` and appends the valid
sessions and attendance records; :mod:`~community_map.activities.programme_import` drives
them sheet by sheet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from community_map._limits import check_text, column_length
from community_map._text import is_blank, match_key, sheet_cell_text
from community_map.activities.import_results import (
    ProgrammeReader,
    SheetTable,
)
from community_map.activities.programme_cells import (
    attendance_status_choice,
    hhmm,
    parse_capacity,
    parse_date,
    parse_time,
    required_value,
    session_status_choice,
    split_codes,
    type_choice,
    yes_no_choice,
)
from community_map.activities.programme_columns import (
    BLOCK_KEYS,
    HEADER_LABELS,
    SessionKey,
    programme_lookups,
    session_type_label,
)
from community_map.activities.programme_sheets import find_table
from community_map.errors import ImportFileError
from community_map.i18n import gettext as _
from community_map.models import (
    Session,
    SessionType,
)

__all__ = ["read_attendance_long", "read_programme", "read_session_sheet"]

#: Columns whose value may be taken from another column when they are missing.
_CODE_FALLBACKS = {"action_code": "action_title", "venue_code": "venue"}


def _cell(
    reader: ProgrammeReader,
    table: SheetTable,
    number: int,
    cells: tuple[Any, ...],
    key: str,
    parse: Callable[[Any], Any],
) -> Any:
    """Parse the cell of column ``key`` in a row; on failure record a problem, return ``None``."""
    return reader.parse(table, number, key, parse, table.get(cells, key))


def _session_codes(
    reader: ProgrammeReader, table: SheetTable, number: int, cells: tuple[Any, ...]
) -> tuple[str | None, str | None]:
    """Read and check the action and venue codes of a row (``""`` when empty)."""
    action: str | None = sheet_cell_text(table.get(cells, "action_code"))
    if action:
        action = reader.known(
            table, number, "action_code", "actions", action, _("Unknown action code {code!r}.")
        )
    venue: str | None = sheet_cell_text(table.get(cells, "venue_code"))
    if venue:
        venue = reader.known(
            table, number, "venue_code", "venues", venue, _("Unknown venue code {code!r}.")
        )
    return action, venue


def _session_start(
    reader: ProgrammeReader, table: SheetTable, number: int, cells: tuple[Any, ...]
) -> tuple[Any, Any]:
    """Read and check the date and start time of a row's session (``None`` when not valid)."""
    day = _cell(reader, table, number, cells, "date", required_value(parse_date))
    start = _cell(reader, table, number, cells, "start", required_value(parse_time))
    return day, start


_TEXT_LIMITS = {
    "title": column_length(Session, "title"),
    "cancel_reason": column_length(Session, "cancel_reason"),
    "notes": column_length(Session, "notes"),
}


def _session_texts(
    reader: ProgrammeReader, table: SheetTable, number: int, cells: tuple[Any, ...]
) -> dict[str, str] | None:
    """The free-text cells of a session row, checked by the input policy; None if refused."""
    texts: dict[str, str] = {}
    for key, limit in _TEXT_LIMITS.items():
        text = sheet_cell_text(table.get(cells, key))
        try:
            check_text(text, limit=limit, path=table.sheet, row=number, column=table.header(key))
        except ImportFileError as error:
            reader.problem(table.sheet, number, table.header(key), error.reason)
            return None
        texts[key] = text
    return texts


def read_programme(
    reader: ProgrammeReader, sheet: str, rows: list[tuple[int, tuple[Any, ...]]]
) -> None:
    """Read the programme sheet: one session per row, every cell checked."""
    if not rows:
        reader.messages.append(_("Sheet {sheet!r} is empty.").format(sheet=sheet))
        return
    table = find_table(reader, sheet, rows, ("date", "type", "start", "end"), _CODE_FALLBACKS)
    if table is None:
        return
    for number, cells in table.rows:
        before = len(reader.problems)
        action, venue = _session_codes(reader, table, number, cells)
        stype = _cell(reader, table, number, cells, "type", required_value(type_choice))
        day, start = _session_start(reader, table, number, cells)
        end = _cell(reader, table, number, cells, "end", required_value(parse_time))
        if start is not None and end is not None and end <= start:
            reader.problem(
                sheet,
                number,
                table.header("end"),
                _("The session ends at {end}, which is not after its start at {start}.").format(
                    end=hhmm(end), start=hhmm(start)
                ),
            )
        facilitators: list[str] = []
        for code in split_codes(table.get(cells, "facilitators")):
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
        for code in split_codes(table.get(cells, "partners")):
            found = reader.known(
                table, number, "partners", "services", code, _("Unknown service code {code!r}.")
            )
            if found is not None and found not in partners:
                partners.append(found)
        capacity = _cell(reader, table, number, cells, "capacity", parse_capacity)
        status = _cell(reader, table, number, cells, "status", session_status_choice)
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
        texts = _session_texts(reader, table, number, cells)
        if texts is None:
            continue
        reader.sessions.append(
            {
                "action_code": action,
                "type": stype.value,
                "title": texts["title"],
                "starts_at": dt.datetime.combine(day, start),
                "ends_at": dt.datetime.combine(day, end),
                "venue_code": venue,
                "facilitators": facilitators,
                "partners": partners,
                "capacity": capacity,
                "status": status.value,
                "cancel_reason": texts["cancel_reason"],
                "notes": texts["notes"],
                "row": number,
            }
        )


def _match_session(
    reader: ProgrammeReader, partial: tuple[str, dt.date, dt.time, str], stype: SessionType | None
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
        action=action, date=day.strftime("%d/%m/%Y"), start=hhmm(start), venue=venue
    )
    if candidates:
        return _("Several sessions of the programme match ({details}); fill in the type.").format(
            details=details
        )
    if stype is not None:
        details += ", " + session_type_label(stype.value)
    return _("No session of the programme sheet matches ({details}).").format(details=details)


def _add_attendance(
    reader: ProgrammeReader, table: SheetTable, number: int, key: SessionKey, cells: tuple[Any, ...]
) -> None:
    before = len(reader.problems)
    participant, status, walk_in = _participant_cells(reader, table, number, cells)
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


def read_attendance_long(
    reader: ProgrammeReader, sheet: str, rows: list[tuple[int, tuple[Any, ...]]]
) -> None:
    """Read an attendance list: one participant and session per row."""
    required = ("participant_code", "date", "start", "status")
    table = find_table(reader, sheet, rows, required, _CODE_FALLBACKS)
    if table is None:
        return
    for number, cells in table.rows:
        before = len(reader.problems)
        action, venue = _session_codes(reader, table, number, cells)
        day, start = _session_start(reader, table, number, cells)
        raw_type = table.get(cells, "type")
        stype = (
            None
            if is_blank(raw_type)
            else reader.parse(table, number, "type", type_choice, raw_type)
        )
        if len(reader.problems) > before:
            # still check the participant columns of the row
            _participant_cells(reader, table, number, cells)
            continue
        assert action is not None and venue is not None
        match = _match_session(reader, (action, day, start, venue), stype)
        if isinstance(match, str):
            reader.problem(sheet, number, table.header("date"), match)
            _participant_cells(reader, table, number, cells)
            continue
        _add_attendance(reader, table, number, match, cells)


def _participant_cells(
    reader: ProgrammeReader, table: SheetTable, number: int, cells: tuple[Any, ...]
) -> tuple[str | None, Any, Any]:
    """Read and check the participant, status and walk-in cells of an attendance row.

    Returns the participant's code (``""`` when missing, ``None`` when unknown), the
    status and the walk-in flag (``None`` when not valid); problems are recorded.
    """
    participant: str | None = sheet_cell_text(table.get(cells, "participant_code"))
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
            _(
                "Unknown participant code {code!r}: add the participant on the Participants "
                "page or with 'community-map import participants' first."
            ),
        )
    status = _cell(reader, table, number, cells, "status", attendance_status_choice)
    walk_in = _cell(reader, table, number, cells, "walk_in", yes_no_choice)
    return participant, status, walk_in


def read_session_sheet(
    reader: ProgrammeReader, sheet: str, rows: list[tuple[int, tuple[Any, ...]]]
) -> None:
    """Read a per-session sheet: label/value rows, then the participant table."""
    headers = programme_lookups().headers
    values: dict[str, tuple[int, str, Any]] = {}
    table_at = None
    for position, (number, cells) in enumerate(rows):
        label = sheet_cell_text(cells[0]) if cells else ""
        key = headers.get(match_key(label)) if label else None
        if key == "participant_code":
            table_at = position
            break
        if key in BLOCK_KEYS and key not in values:
            values[key] = (number, label, cells[1] if len(cells) > 1 else None)
        else:
            reader.messages.append(
                _("Sheet {sheet!r}, row {row}: ignored.").format(sheet=sheet, row=number)
            )
    for key, fallback in _CODE_FALLBACKS.items():
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
                    _(HEADER_LABELS[k]) for k in ("participant_code", "status", "walk_in")
                )
            ),
        )
        return
    table = find_table(reader, sheet, rows[table_at:], ("participant_code", "status"), {})
    before = len(reader.problems)
    block = SheetTable(sheet, {}, {k: v[1] for k, v in values.items()}, [])

    def value(key: str, parse: Callable[[Any], Any], required: bool = True) -> Any:
        if key not in values:
            if required:
                reader.problem(
                    sheet,
                    None,
                    _(HEADER_LABELS[key]),
                    _("The label row {label!r} is missing above the participant table.").format(
                        label=_(HEADER_LABELS[key])
                    ),
                )
            return None
        number, _label, raw = values[key]
        if is_blank(raw) and not required:
            return None
        return reader.parse(block, number, key, required_value(parse) if required else parse, raw)

    def code(key: str, kind: str, reason: str) -> str:
        """The known code of label row ``key`` (``""`` when missing or unknown)."""
        if key not in values:
            return ""
        number, _label, raw = values[key]
        text = sheet_cell_text(raw)
        return (reader.known(block, number, key, kind, text, reason) or "") if text else ""

    action = code("action_code", "actions", _("Unknown action code {code!r}."))
    venue = code("venue_code", "venues", _("Unknown venue code {code!r}."))
    day = value("date", parse_date)
    start = value("start", parse_time)
    stype = value("type", type_choice, required=False)
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
            _participant_cells(reader, table, number, cells)
