"""The programme (sessions) and attendance written as an Excel workbook with drop-downs.

Nothing here reads or writes the database: the tables come from
:mod:`~community_map.activities.programme_reads`, and
:func:`~community_map.activities.programme_import.programme_from_excel` reads the
workbook back.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from community_map import i18n
from community_map._cells import sheet_value
from community_map._excel import HEADER_FILL, HEADER_FONT
from community_map._text import is_blank, sheet_cell_text
from community_map.activities.programme_cells import (
    InvalidValueError,
    codes_text,
    parse_date,
    parse_time,
)
from community_map.activities.programme_columns import (
    ATTENDANCE_COLUMNS,
    ATTENDANCE_STATUS_LABELS,
    DATE_FORMAT,
    HEADER_LABELS,
    LISTS_SHEET,
    PROGRAMME_COLUMNS,
    SESSION_STATUS_LABELS,
    SHEET_LABELS,
    TIME_FORMAT,
    YES_NO_LABELS,
    attendance_status_label,
    session_status_label,
    session_type_label,
)
from community_map.activities.reads import SESSION_TYPE_LABELS
from community_map.errors import ValidationError
from community_map.i18n import gettext as _
from community_map.models import (
    AttendanceStatus,
    SessionStatus,
    SessionType,
)

__all__ = [
    "programme_template_excel",
    "programme_to_excel",
]

_EXTRA_VALIDATED_ROWS = 1000
"""Empty rows below the data that still get the drop-down lists."""


def _cell_value(value: object) -> object:
    if is_blank(value):
        return None
    return sheet_value(value)


def _excel_cell(value: object, parse: Callable[[object], object]) -> object:
    """A cell written back: ``parse(value)``, its text if it does not parse, None when blank."""
    if is_blank(value):
        return None
    try:
        return parse(value)
    except InvalidValueError:
        return sheet_cell_text(value)


@dataclass
class _ListsSheet:
    """The hidden sheet holding the options of the drop-down lists, one column each."""

    sheet: Any
    ranges: dict[str, str] = field(default_factory=dict)

    def add(self, name: str, title: str, options: Sequence[str]) -> str:
        column = get_column_letter(len(self.ranges) + 1)
        self.sheet[f"{column}1"] = title
        for index, option in enumerate(options, start=2):
            self.sheet[f"{column}{index}"] = option
        self.ranges[name] = f"={self.sheet.title}!${column}$2:${column}${len(options) + 1}"
        return self.ranges[name]


def _lists_sheet(workbook: Workbook) -> _ListsSheet:
    sheet = workbook.create_sheet(LISTS_SHEET)
    sheet.sheet_state = "hidden"
    lists = _ListsSheet(sheet)
    lists.add("type", _("Type"), [_(label) for label in SESSION_TYPE_LABELS.values()])
    lists.add("status", _("Status"), [_(label) for label in SESSION_STATUS_LABELS.values()])
    lists.add(
        "attendance_status",
        _("Attendance"),
        [_(label) for label in ATTENDANCE_STATUS_LABELS.values()],
    )
    lists.add("walk_in", _("Walk-in"), [_(label) for label in YES_NO_LABELS.values()])
    return lists


def _list_validation(formula: str, column: str, last_row: int) -> DataValidation:
    validation = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle=_("Value not in the list"),
        error=_("Choose a value from the drop-down list."),
    )
    validation.add(f"{column}2:{column}{last_row}")
    return validation


def _write_table_sheet(
    sheet: Any,
    columns: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    lists: _ListsSheet,
    choices: dict[str, str],
) -> None:
    """Fill ``sheet`` with a styled header, the rows, formats, widths and drop-downs."""
    sheet.append([_(HEADER_LABELS[c]) for c in columns])
    count = 0
    for row in rows:
        sheet.append([_cell_value(v) for v in row])
        count += 1
    last_row = count + 1 + _EXTRA_VALIDATED_ROWS
    for cell in sheet[1]:
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
        cell.alignment = Alignment(vertical="center")
    for index, column in enumerate(columns, start=1):
        letter = get_column_letter(index)
        widths = [len(str(sheet.cell(1, index).value))]
        for (cell,) in sheet.iter_rows(min_row=2, max_row=count + 1, min_col=index, max_col=index):
            if column == "date":
                cell.number_format = DATE_FORMAT
            elif column in {"start", "end"}:
                cell.number_format = TIME_FORMAT
            if len(widths) <= 500:
                widths.append(
                    len(DATE_FORMAT)
                    if column == "date"
                    else len(TIME_FORMAT)
                    if column in {"start", "end"}
                    else len(str(cell.value or ""))
                )
        width = min(50, max(9, max(widths) + 2))
        sheet.column_dimensions[letter].width = width
        if column in choices:
            sheet.add_data_validation(
                _list_validation(lists.ranges[choices[column]], letter, last_row)
            )
        elif column == "capacity":
            whole = DataValidation(
                type="whole",
                operator="greaterThanOrEqual",
                formula1="0",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=_("Not a whole number"),
                error=_("Write a whole number of 0 or more."),
            )
            whole.add(f"{letter}2:{letter}{last_row}")
            sheet.add_data_validation(whole)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"


def _records(frame: pd.DataFrame, columns: list[str], lacking: str) -> list[dict[Hashable, Any]]:
    """The rows of ``frame`` as records of ``columns``.

    Raises :class:`ValidationError` with ``lacking`` (formatted with the missing
    ``columns``) when the frame lacks any of them.
    """
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValidationError(lacking.format(columns=", ".join(missing)))
    records: list[dict[Hashable, Any]] = frame[columns].to_dict("records")
    return records


def _programme_rows(programme: pd.DataFrame) -> Iterable[list[object]]:
    lacking = _("The programme table lacks the columns {columns}.")
    for record in _records(programme, PROGRAMME_COLUMNS, lacking):
        yield [
            sheet_cell_text(record["action_code"]),
            sheet_cell_text(record["action_title"]),
            session_type_label(record["type"]),
            sheet_cell_text(record["title"]),
            _excel_cell(record["date"], parse_date),
            _excel_cell(record["start"], parse_time),
            _excel_cell(record["end"], parse_time),
            sheet_cell_text(record["venue_code"]),
            sheet_cell_text(record["venue"]),
            codes_text(record["facilitators"]),
            codes_text(record["partners"]),
            _cell_value(record["capacity"]),
            session_status_label(record["status"]),
            sheet_cell_text(record["cancel_reason"]),
            sheet_cell_text(record["notes"]),
        ]


def _attendance_rows(attendance: pd.DataFrame) -> Iterable[list[object]]:
    lacking = _("The attendance table lacks the columns {columns}.")
    for record in _records(attendance, ATTENDANCE_COLUMNS, lacking):
        walk_in = record["walk_in"]
        yield [
            sheet_cell_text(record["action_code"]),
            _excel_cell(record["date"], parse_date),
            _excel_cell(record["start"], parse_time),
            sheet_cell_text(record["venue_code"]),
            session_type_label(record["type"]),
            sheet_cell_text(record["participant_code"]),
            attendance_status_label(record["status"]),
            None if is_blank(walk_in) else _(YES_NO_LABELS[bool(walk_in)]),
        ]


def _write_instructions(workbook: Workbook) -> None:
    sheet = workbook.create_sheet(_(SHEET_LABELS["instructions"]))
    programme_name = _(SHEET_LABELS["programme"])
    attendance_name = _(SHEET_LABELS["attendance"])
    required = ", ".join(_(HEADER_LABELS[c]) for c in ("type", "date", "start", "end"))
    bold = Font(bold=True)
    lines: list[list[object]] = [
        [_("How to fill in this workbook")],
        [],
        [
            _(
                "Write one row per session in the sheet {sheet}. Required columns: {columns}."
            ).format(sheet=programme_name, columns=required)
        ],
        [_("Write dates as dd/mm/yyyy (text or Excel dates) and times as HH:MM.")],
        [
            _(
                "Choose the type and the status from the drop-down lists; codes and labels in "
                "Catalan, Spanish or English are accepted too. An empty status means planned."
            )
        ],
        [
            _(
                "Codes of actions, venues, facilitators, partner services and participants must "
                "exist in community_map. Separate several facilitators or partner services with "
                "a semicolon (;)."
            )
        ],
        [
            _(
                "Column headers may be in Catalan, Spanish or English. The action and venue "
                "names are only shown for reference: the codes count."
            )
        ],
        [
            _(
                "A session is identified by its action code, date, start, venue code and type; "
                "two rows may not share all five."
            )
        ],
        [
            _(
                "Nothing is imported if any row has a problem: the message lists every problem "
                "with its sheet, row and column."
            )
        ],
        [],
        [_("Example row of the sheet {sheet}:").format(sheet=programme_name)],
    ]
    for line in lines:
        sheet.append(line)
    sheet["A1"].font = Font(bold=True, size=14)
    header_row = sheet.max_row + 1
    example_date = dt.date(2025, 3, 4)
    example_time = dt.time(17, 0)
    sheet.append([_(HEADER_LABELS[c]) for c in PROGRAMME_COLUMNS])
    sheet.append(
        [
            "ACT-001",
            _("Cooking together"),
            _(SESSION_TYPE_LABELS[SessionType.WORKSHOP]),
            _("Seasonal recipes"),
            example_date,
            example_time,
            dt.time(19, 0),
            "EQ-0001",
            _("Neighbourhood civic centre"),
            "PRO-001; PRO-002",
            "SRV-001",
            20,
            _(SESSION_STATUS_LABELS[SessionStatus.PLANNED]),
            "",
            "",
        ]
    )
    for cell in sheet[header_row]:
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
    sheet.cell(header_row + 1, PROGRAMME_COLUMNS.index("date") + 1).number_format = DATE_FORMAT
    for name in ("start", "end"):
        sheet.cell(header_row + 1, PROGRAMME_COLUMNS.index(name) + 1).number_format = TIME_FORMAT

    more: list[list[object]] = [
        [],
        [
            _(
                "Attendance: fill in the sheet {sheet} (one row per participant and session), or "
                "add one sheet per session, with any name, laid out exactly like this:"
            ).format(sheet=attendance_name)
        ],
        [
            _(
                "Column A holds the labels and column B the values. The type may be left empty "
                "when only one session matches the other values. The participant table starts "
                "at the row whose first cell is {label!r}; walk-in may be left empty (No)."
            ).format(label=_(HEADER_LABELS["participant_code"]))
        ],
        [
            _("Each attendance row must refer to a session of the sheet {sheet}.").format(
                sheet=programme_name
            )
        ],
        [],
    ]
    for line in more:
        sheet.append(line)
    block_start = sheet.max_row + 1
    block: list[list[object]] = [
        [_(HEADER_LABELS["action_code"]), "ACT-001"],
        [_(HEADER_LABELS["date"]), example_date],
        [_(HEADER_LABELS["start"]), example_time],
        [_(HEADER_LABELS["venue_code"]), "EQ-0001"],
        [_(HEADER_LABELS["type"]), _(SESSION_TYPE_LABELS[SessionType.WORKSHOP])],
        [],
        [_(HEADER_LABELS[c]) for c in ("participant_code", "status", "walk_in")],
        [
            "P-0001",
            _(ATTENDANCE_STATUS_LABELS[AttendanceStatus.ATTENDED]),
            _(YES_NO_LABELS[False]),
        ],
        ["P-0002", _(ATTENDANCE_STATUS_LABELS[AttendanceStatus.EXCUSED]), _(YES_NO_LABELS[False])],
    ]
    for line in block:
        sheet.append(line)
    sheet.cell(block_start + 1, 2).number_format = DATE_FORMAT
    sheet.cell(block_start + 2, 2).number_format = TIME_FORMAT
    for offset in range(5):
        sheet.cell(block_start + offset, 1).font = bold
    for cell in sheet[block_start + 6]:
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
    sheet.column_dimensions["A"].width = 22
    for letter in "BCDEFGHIJKLMNO":
        sheet.column_dimensions[letter].width = 16


def programme_to_excel(
    programme: pd.DataFrame,
    attendance: pd.DataFrame | None = None,
    *,
    language: str = "en",
) -> bytes:
    """Write the programme (and the attendance) as an Excel workbook with drop-down lists.

    Parameters
    ----------
    programme
        A table with the columns :data:`PROGRAMME_COLUMNS`, as from
        :func:`programme_frame`.
    attendance
        A table with the columns :data:`ATTENDANCE_COLUMNS`, as from
        :func:`attendance_long_frame`; ``None`` leaves the attendance sheet empty.
    language
        Language of the sheet names, headers and labels: ``ca``, ``es`` or ``en``.

    Returns
    -------
    bytes
        An ``.xlsx`` workbook with the sheets Programme, Attendance and Instructions
        (translated) and a hidden ``lists`` sheet with the drop-down options. Dates are
        Excel dates shown as dd/mm/yyyy and times Excel times shown as HH:MM; type,
        status and walk-in are translated labels chosen from drop-down lists.
        :func:`programme_from_excel` reads it back.
    """
    with i18n.language(language):
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        sheet.title = _(SHEET_LABELS["programme"])[:31]
        lists = _lists_sheet(workbook)
        _write_table_sheet(
            sheet,
            PROGRAMME_COLUMNS,
            _programme_rows(programme),
            lists=lists,
            choices={"type": "type", "status": "status"},
        )
        attendance_sheet = workbook.create_sheet(_(SHEET_LABELS["attendance"])[:31], 1)
        _write_table_sheet(
            attendance_sheet,
            ATTENDANCE_COLUMNS,
            _attendance_rows(attendance) if attendance is not None else [],
            lists=lists,
            choices={"type": "type", "status": "attendance_status", "walk_in": "walk_in"},
        )
        _write_instructions(workbook)
        names = workbook.sheetnames
        workbook.move_sheet(LISTS_SHEET, offset=len(names) - 1 - names.index(LISTS_SHEET))
        workbook.active = 0
        buffer = io.BytesIO()
        workbook.save(buffer)
    return buffer.getvalue()


def programme_template_excel(*, language: str = "en") -> bytes:
    """Return an empty programme workbook to fill in, with drop-downs and instructions.

    Parameters
    ----------
    language
        Language of the sheet names, headers and labels: ``ca``, ``es`` or ``en``.

    Returns
    -------
    bytes
        The workbook of :func:`programme_to_excel` with no sessions and no attendance;
        its Instructions sheet explains the columns, shows an example row and the
        layout of a per-session attendance sheet.

    Examples
    --------
    >>> from openpyxl import load_workbook
    >>> book = load_workbook(io.BytesIO(programme_template_excel(language="es")))
    >>> book.sheetnames, book["Programa"].max_row
    (['Programa', 'Asistencia', 'Instrucciones', 'lists'], 1)
    """
    return programme_to_excel(
        pd.DataFrame(columns=PROGRAMME_COLUMNS),
        pd.DataFrame(columns=ATTENDANCE_COLUMNS),
        language=language,
    )
