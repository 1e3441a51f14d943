"""Programme and attendance to and from Excel workbooks (writer, reader, round trip)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from community_map import i18n
from community_map.activities import (
    ATTENDANCE_IMPORT_COLUMNS,
    ATTENDANCE_STATUS_LABELS,
    PROGRAMME_COLUMNS,
    SESSION_IMPORT_COLUMNS,
    SESSION_STATUS_LABELS,
    SESSION_TYPE_LABELS,
    ProgrammeImport,
    ProgrammeImportError,
    attendance_long_frame,
    known_codes,
    programme_frame,
    programme_from_excel,
    programme_template_excel,
    programme_to_excel,
)
from community_map.errors import ImportFileError
from community_map.models import Role
from community_map.trust import Actor

ADMIN = Actor(username="test-admin", role=Role.ADMIN)

KNOWN: dict[str, set[str]] = {
    "known_venues": {"EQ-1", "EQ-2"},
    "known_actions": {"ACT-1", "ACT-2"},
    "known_professionals": {"PRO-1", "PRO-2"},
    "known_services": {"SRV-1"},
    "known_participants": {"P-1", "P-2", "P-3"},
}
EN_PROGRAMME = [
    "Action code",
    "Type",
    "Title",
    "Date",
    "Start",
    "End",
    "Venue code",
    "Facilitators",
    "Partner services",
    "Capacity",
    "Status",
    "Cancellation reason",
    "Notes",
]
EN_ATTENDANCE = [
    "Action code",
    "Date",
    "Start",
    "Venue code",
    "Type",
    "Participant code",
    "Status",
    "Walk-in",
]
SESSION_KEY = ["starts_at", "action_code", "venue_code", "type"]


def _workbook(sheets: dict[str, list[list[Any]]]) -> bytes:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _session(start: object = "17:00", end: object = "19:00", **changes: Any) -> list[Any]:
    row = {
        "action": "ACT-1",
        "type": "workshop",
        "title": "Cooking",
        "date": "04/03/2025",
        "start": start,
        "end": end,
        "venue": "EQ-1",
        "facilitators": "PRO-1",
        "partners": "",
        "capacity": 20,
        "status": "planned",
        "reason": "",
        "notes": "",
    }
    row.update(changes)
    return list(row.values())


def _attendance(participant: str = "P-1", status: str = "attended", **changes: Any) -> list[Any]:
    row = {
        "action": "ACT-1",
        "date": "04/03/2025",
        "start": "17:00",
        "venue": "EQ-1",
        "type": "workshop",
        "participant": participant,
        "status": status,
        "walk_in": "No",
    }
    row.update(changes)
    return list(row.values())


def _import(data: bytes | Path, display_name: str | None = "plan.xlsx") -> ProgrammeImport:
    return programme_from_excel(
        data,
        display_name=display_name,
        known_venues=KNOWN["known_venues"],
        known_actions=KNOWN["known_actions"],
        known_professionals=KNOWN["known_professionals"],
        known_services=KNOWN["known_services"],
        known_participants=KNOWN["known_participants"],
    )


def _problems(data: bytes) -> ProgrammeImportError:
    with pytest.raises(ProgrammeImportError) as info:
        _import(data)
    assert isinstance(info.value, ImportFileError)
    return info.value


# --------------------------------------------------------------------------------------------
# Round trip


@pytest.mark.parametrize("language", ["ca", "es", "en"])
def test_round_trip_reproduces_the_demo_programme(demo_engine: Engine, language: str) -> None:
    with Session(demo_engine) as session:
        programme = programme_frame(session)
        attendance = attendance_long_frame(session, actor=ADMIN)
        known = known_codes(session)
    data = programme_to_excel(programme, attendance, language=language)
    result = programme_from_excel(data, display_name="demo.xlsx", **known)

    def start(d: dt.date, t: str) -> dt.datetime:
        return dt.datetime.combine(d, dt.time.fromisoformat(t))

    expected = pd.DataFrame(
        {
            "action_code": programme["action_code"],
            "type": programme["type"],
            "title": programme["title"],
            "starts_at": [
                start(d, t) for d, t in zip(programme["date"], programme["start"], strict=True)
            ],
            "ends_at": [
                start(d, t) for d, t in zip(programme["date"], programme["end"], strict=True)
            ],
            "venue_code": programme["venue_code"],
            "facilitators": [tuple(v.split("; ")) if v else () for v in programme["facilitators"]],
            "partners": [tuple(v.split("; ")) if v else () for v in programme["partners"]],
            "capacity": programme["capacity"],
            "status": programme["status"],
            "cancel_reason": programme["cancel_reason"],
            "notes": programme["notes"],
        }
    )
    sessions = result.sessions
    assert list(sessions.columns) == SESSION_IMPORT_COLUMNS
    assert sessions["row"].tolist() == list(range(2, len(programme) + 2))
    got = sessions.drop(columns="row").assign(
        facilitators=sessions["facilitators"].map(tuple),
        partners=sessions["partners"].map(tuple),
        starts_at=sessions["starts_at"].astype("datetime64[us]"),
        ends_at=sessions["ends_at"].astype("datetime64[us]"),
    )
    expected["starts_at"] = pd.to_datetime(expected["starts_at"]).astype("datetime64[us]")
    expected["ends_at"] = pd.to_datetime(expected["ends_at"]).astype("datetime64[us]")
    pd.testing.assert_frame_equal(
        got.sort_values(SESSION_KEY).reset_index(drop=True),
        expected.sort_values(SESSION_KEY).reset_index(drop=True),
        check_dtype=False,
    )
    assert str(sessions["capacity"].dtype) == "Int64"

    expected_attendance = pd.DataFrame(
        {
            "action_code": attendance["action_code"],
            "starts_at": pd.to_datetime(
                [start(d, t) for d, t in zip(attendance["date"], attendance["start"], strict=True)]
            ).astype("datetime64[us]"),
            "venue_code": attendance["venue_code"],
            "type": attendance["type"],
            "participant_code": attendance["participant_code"],
            "status": attendance["status"],
            "walk_in": attendance["walk_in"],
        }
    )
    assert list(result.attendance.columns) == ATTENDANCE_IMPORT_COLUMNS
    got_attendance = result.attendance.drop(columns=["row", "sheet"]).assign(
        starts_at=result.attendance["starts_at"].astype("datetime64[us]")
    )
    order = [*SESSION_KEY, "participant_code"]
    pd.testing.assert_frame_equal(
        got_attendance.sort_values(order).reset_index(drop=True),
        expected_attendance.sort_values(order).reset_index(drop=True),
        check_dtype=False,
    )
    assert result.attendance["walk_in"].dtype == bool


def test_round_trip_keeps_text_that_looks_like_a_formula() -> None:
    programme = pd.DataFrame(
        [
            {
                "action_code": "ACT-1",
                "action_title": "Cooking",
                "type": "workshop",
                "title": "=1+1",
                "date": dt.date(2025, 3, 4),
                "start": "17:00",
                "end": "19:30",
                "venue_code": "EQ-1",
                "venue": "Civic centre",
                "facilitators": "PRO-1; PRO-2",
                "partners": "SRV-1",
                "capacity": None,
                "status": "cancelled",
                "cancel_reason": "Rain\nand wind",
                "notes": "@team: bring \x07aprons",
            }
        ],
        columns=PROGRAMME_COLUMNS,
    )
    result = _import(programme_to_excel(programme))
    row = result.sessions.iloc[0]
    assert row["title"] == "=1+1"
    assert row["cancel_reason"] == "Rain\nand wind"
    assert row["notes"] == "@team: bring aprons"  # control characters are dropped
    assert row["facilitators"] == ["PRO-1", "PRO-2"] and row["partners"] == ["SRV-1"]
    assert pd.isna(row["capacity"]) and row["status"] == "cancelled"
    assert row["ends_at"] == pd.Timestamp("2025-03-04 19:30")


# --------------------------------------------------------------------------------------------
# Exported workbook


@pytest.mark.parametrize("language", ["ca", "es", "en"])
def test_export_has_translated_headers_and_drop_down_lists(language: str) -> None:
    programme = pd.DataFrame(
        [
            {
                "action_code": "ACT-1",
                "action_title": "",
                "type": "workshop",
                "title": "",
                "date": dt.date(2025, 3, 4),
                "start": "17:00",
                "end": "19:00",
                "venue_code": "EQ-1",
                "venue": "",
                "facilitators": "",
                "partners": "",
                "capacity": 12,
                "status": "held",
                "cancel_reason": "",
                "notes": "",
            }
        ]
    )
    attendance = pd.DataFrame(
        [
            {
                "action_code": "ACT-1",
                "date": dt.date(2025, 3, 4),
                "start": "17:00",
                "venue_code": "EQ-1",
                "type": "workshop",
                "participant_code": "P-1",
                "status": "excused",
                "walk_in": True,
            }
        ]
    )
    book = load_workbook(io.BytesIO(programme_to_excel(programme, attendance, language=language)))
    with i18n.language(language):
        names = [i18n.gettext(n) for n in ("Programme", "Attendance", "Instructions")]
        types = [i18n.gettext(label) for label in SESSION_TYPE_LABELS.values()]
        statuses = [i18n.gettext(label) for label in SESSION_STATUS_LABELS.values()]
        presences = [i18n.gettext(label) for label in ATTENDANCE_STATUS_LABELS.values()]
        headers = [i18n.gettext(h) for h in ("Action code", "Action", "Type", "Title", "Date")]
    assert book.sheetnames == [*names, "lists"]
    assert book["lists"].sheet_state == "hidden"
    sheet = book[names[0]]
    assert [c.value for c in sheet[1]][:5] == headers
    assert sheet.freeze_panes == "A2"
    assert sheet["A1"].font.bold
    assert sheet["E2"].value == dt.datetime(2025, 3, 4)
    assert sheet["E2"].number_format == "DD/MM/YYYY"
    assert sheet["F2"].value == dt.time(17, 0) and sheet["F2"].number_format == "HH:MM"
    assert sheet["C2"].value == types[1]
    lists = book["lists"]

    def options(ws: Any, column: str) -> list[str]:
        found = [
            v
            for v in ws.data_validations.dataValidation
            if column + "2" in str(v.sqref) or str(v.sqref).startswith(column + "2:")
        ]
        assert len(found) == 1, column
        validation = found[0]
        assert validation.type == "list"
        reference = validation.formula1.split("!")[1].replace("$", "")
        return [c.value for (c,) in lists[reference]]

    assert options(sheet, "C") == types
    assert options(sheet, "M") == statuses
    attendance_sheet = book[names[1]]
    assert options(attendance_sheet, "E") == types
    assert options(attendance_sheet, "G") == presences
    assert attendance_sheet["G2"].value == presences[2]
    assert len(options(attendance_sheet, "H")) == 2


@pytest.mark.parametrize("language", ["ca", "es", "en"])
def test_template_reimports_as_empty(language: str) -> None:
    data = programme_template_excel(language=language)
    book = load_workbook(io.BytesIO(data))
    programme = book.worksheets[0]
    assert programme.max_row == 1
    assert len(programme.data_validations.dataValidation) >= 2
    result = _import(data)
    assert result.sessions.empty and list(result.sessions.columns) == SESSION_IMPORT_COLUMNS
    assert result.attendance.empty
    assert list(result.attendance.columns) == ATTENDANCE_IMPORT_COLUMNS


def test_template_instructions_describe_an_importable_layout() -> None:
    """Copy the Instructions sheet's example row and per-session layout: they import."""
    book = load_workbook(io.BytesIO(programme_template_excel(language="en")))
    rows = [list(r) for r in book["Instructions"].iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if r[:2] == ["Action code", "Action"])
    block = next(i for i, r in enumerate(rows) if i > header and r[0] == "Action code")
    example_row, layout = rows[header : header + 2], rows[block:]
    programme_sheet = book["Programme"]
    for row in example_row[1:]:
        programme_sheet.append(row)
    session_sheet = book.create_sheet("Session 4 March")
    for row in layout:
        session_sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    result = programme_from_excel(
        buffer.getvalue(),
        known_venues={"EQ-0001"},
        known_actions={"ACT-001"},
        known_professionals={"PRO-001", "PRO-002"},
        known_services={"SRV-001"},
        known_participants={"P-0001", "P-0002"},
    )
    assert result.sessions.loc[0, "starts_at"] == pd.Timestamp("2025-03-04 17:00")
    assert result.sessions.loc[0, "type"] == "workshop"
    assert result.attendance["participant_code"].tolist() == ["P-0001", "P-0002"]
    assert set(result.attendance["sheet"]) == {"Session 4 March"}


# --------------------------------------------------------------------------------------------
# Reading hand-made workbooks


def test_catalan_headers_with_text_dates() -> None:
    data = _workbook(
        {
            "Programació": [
                [
                    "Codi acció",
                    "Tipus",
                    "Títol",
                    "Data",
                    "Inici",
                    "Fi",
                    "Espai",
                    "Dinamitzadors",
                    "Serveis col·laboradors",
                    "Aforament",
                    "Estat",
                    "Motiu de cancel·lació",
                    "Observacions",
                ],
                [
                    "act-1",
                    "Taller",
                    "Cuina",
                    "4/3/2025",
                    "17:00",
                    "19.30",
                    "EQ-1",
                    "PRO-1, PRO-2",
                    "SRV-1",
                    "15",
                    "Prevista",
                    "",
                    "Portar davantal",
                ],
                [
                    "ACT-2",
                    "Sortida cultural",
                    "Museu",
                    "05/03/2025",
                    "10:00",
                    "13:00",
                    "EQ-2",
                    "PRO-2",
                    "",
                    None,
                    "Cancel·lada",
                    "Pluja",
                    "",
                ],
            ],
            "Assistència": [
                [
                    "Codi acció",
                    "Data",
                    "Inici",
                    "Codi espai",
                    "Tipus",
                    "Codi participant",
                    "Estat",
                    "Sense inscripció",
                ],
                ["ACT-1", "04/03/2025", "17:00", "EQ-1", "Taller", "P-1", "Assisteix", "No"],
                ["ACT-1", "04/03/2025", "17:00", "EQ-1", "", "P-2", "Justificada", "Sí"],
            ],
        }
    )
    result = _import(data)
    first, second = result.sessions.iloc[0], result.sessions.iloc[1]
    assert first["action_code"] == "ACT-1"  # case folded to the known code
    assert first["type"] == "workshop" and second["type"] == "cultural_outing"
    assert first["starts_at"] == pd.Timestamp("2025-03-04 17:00")
    assert first["ends_at"] == pd.Timestamp("2025-03-04 19:30")
    assert first["venue_code"] == "EQ-1" and first["capacity"] == 15
    assert first["facilitators"] == ["PRO-1", "PRO-2"] and first["partners"] == ["SRV-1"]
    assert first["status"] == "planned" and first["notes"] == "Portar davantal"
    assert second["status"] == "cancelled" and second["cancel_reason"] == "Pluja"
    assert pd.isna(second["capacity"])
    assert result.attendance["status"].tolist() == ["attended", "excused"]
    assert result.attendance["walk_in"].tolist() == [False, True]
    assert result.attendance["type"].tolist() == ["workshop", "workshop"]
    assert result.attendance["sheet"].tolist() == ["Assistència", "Assistència"]


def test_spanish_headers_with_real_dates_and_times() -> None:
    data = _workbook(
        {
            "Programa": [
                [
                    "Código de la acción",
                    "Tipo",
                    "Título",
                    "Fecha",
                    "Inicio",
                    "Fin",
                    "Código del espacio",
                    "Dinamizadores",
                    "Aforo",
                    "Estado",
                    "Notas",
                ],
                [
                    "ACT-2",
                    "Salida cultural",
                    "Museo",
                    dt.datetime(2025, 3, 5),
                    dt.time(10, 0),
                    dt.time(13, 15),
                    "EQ-2",
                    "PRO-2",
                    30,
                    "Realizada",
                    "Entrada gratuita",
                ],
                [
                    "",
                    "Reunión de coordinación entre servicios",
                    "",
                    dt.date(2025, 3, 6),
                    dt.time(9, 30),
                    dt.time(11, 0),
                    "EQ-1",
                    "PRO-1; PRO-2",
                    None,
                    "",
                    "",
                ],
            ],
            "Asistencia": [
                [
                    "Código acción",
                    "Fecha",
                    "Inicio",
                    "Código espacio",
                    "Tipo",
                    "Código participante",
                    "Estado",
                    "Sin inscripción",
                ],
                [
                    "ACT-2",
                    dt.datetime(2025, 3, 5),
                    dt.time(10, 0),
                    "EQ-2",
                    "Salida cultural",
                    "P-3",
                    "Presente",
                    "Sí",
                ],
                [
                    "ACT-2",
                    dt.datetime(2025, 3, 5),
                    dt.time(10, 0),
                    "EQ-2",
                    "salida cultural",
                    "P-1",
                    "Ausente",
                    None,
                ],
            ],
        }
    )
    result = _import(data)
    sessions = result.sessions
    assert sessions["starts_at"].tolist() == [
        pd.Timestamp("2025-03-05 10:00"),
        pd.Timestamp("2025-03-06 09:30"),
    ]
    assert sessions["ends_at"].iloc[0] == pd.Timestamp("2025-03-05 13:15")
    assert sessions["status"].tolist() == ["held", "planned"]
    assert sessions["type"].tolist() == ["cultural_outing", "coordination_meeting"]
    assert sessions["action_code"].iloc[1] == ""
    assert sessions["row"].tolist() == [2, 3]
    assert result.attendance["status"].tolist() == ["attended", "absent"]
    assert result.attendance["walk_in"].tolist() == [True, False]
    assert result.attendance["row"].tolist() == [2, 3]


def test_text_and_real_dates_give_the_same_sessions() -> None:
    as_text = _workbook({"Programme": [EN_PROGRAMME, _session()]})
    as_dates = _workbook(
        {
            "Programme": [
                EN_PROGRAMME,
                _session(start=dt.time(17, 0), end=dt.time(19, 0), date=dt.datetime(2025, 3, 4)),
            ]
        }
    )
    pd.testing.assert_frame_equal(_import(as_text).sessions, _import(as_dates).sessions)


def test_per_session_attendance_sheets() -> None:
    data = _workbook(
        {
            "Programme": [
                EN_PROGRAMME,
                _session(),
                _session(type="cultural_outing", start="10:00", end="13:00"),
            ],
            "Taller 4 març": [
                ["Codi acció", "ACT-1"],
                ["Data", "04/03/2025"],
                ["Inici", "17:00"],
                ["Codi espai", "EQ-1"],
                ["Tipus", None],
                [],
                ["Codi participant", "Estat", "Sense inscripció"],
                ["P-1", "Assisteix", "No"],
                ["P-2", "Justificada", None],
                ["P-3", "absent", "sí"],
            ],
            "Sortida": [
                ["Action code", "ACT-1"],
                ["Date", dt.datetime(2025, 3, 4)],
                ["Start", dt.time(10, 0)],
                ["Venue code", "EQ-1"],
                ["Type", "Cultural outing"],
                ["Participant code", "Status"],
                ["P-1", "Attended"],
            ],
        }
    )
    result = _import(data)
    attendance = result.attendance
    assert attendance["sheet"].tolist() == ["Taller 4 març"] * 3 + ["Sortida"]
    assert attendance["row"].tolist() == [8, 9, 10, 7]
    assert attendance["status"].tolist() == ["attended", "excused", "absent", "attended"]
    assert attendance["walk_in"].tolist() == [False, False, True, False]
    assert attendance["type"].tolist() == ["workshop"] * 3 + ["cultural_outing"]
    assert attendance["starts_at"].tolist() == [pd.Timestamp("2025-03-04 17:00")] * 3 + [
        pd.Timestamp("2025-03-04 10:00")
    ]


def test_per_session_sheet_problems_name_sheet_row_and_column() -> None:
    data = _workbook(
        {
            "Programme": [EN_PROGRAMME, _session()],
            "Next week": [
                ["Action code", "ACT-1"],
                ["Date", "11/03/2025"],
                ["Start", "17:00"],
                ["Venue code", "EQ-1"],
                [],
                ["Participant code", "Status", "Walk-in"],
                ["P-9", "Attended", "No"],
            ],
            "No table": [
                ["Action code", "ACT-1"],
                ["Date", "04/03/2025"],
            ],
        }
    )
    problems = {(p.sheet, p.row, p.column): p.reason for p in _problems(data).problems}
    assert "No session of the programme" in problems[("Next week", 2, "Date")]
    assert "P-9" in problems[("Next week", 7, "Participant code")]
    assert "participant table" in problems[("No table", None, None)]


def test_two_sessions_differing_only_in_type_need_the_type() -> None:
    data = _workbook(
        {
            "Programme": [EN_PROGRAMME, _session(), _session(type="leadership")],
            "Attendance": [EN_ATTENDANCE, _attendance(type="")],
        }
    )
    error = _problems(data)
    assert [(p.sheet, p.row) for p in error.problems] == [("Attendance", 2)]
    assert "fill in the type" in error.problems[0].reason


# --------------------------------------------------------------------------------------------
# Validation


def test_every_problem_is_reported_at_once() -> None:
    data = _workbook(
        {
            "Programme": [
                EN_PROGRAMME,
                _session(),  # 2 good
                _session(start="08:00", end="09:00", venue="EQ-9"),  # 3 unknown venue
                _session(start="09:00", end="10:00", action="ACT-9"),  # 4 unknown action
                _session(start="10:00", end="11:00", facilitators="PRO-1; PRO-9"),  # 5
                _session(start="11:00", end="12:00", partners="SRV-9"),  # 6 unknown service
                _session(start="19:00", end="17:00"),  # 7 end before start
                _session(date="31/02/2023"),  # 8 impossible date
                _session(start="12:00", end="13:00", type="Karaoke"),  # 9 unknown type
                _session(start="13:00", end="14:00", status="Maybe"),  # 10 unknown status
                _session(),  # 11 duplicate of 2
            ],
            "Attendance": [
                EN_ATTENDANCE,
                _attendance("P-1"),  # 2 good
                _attendance("P-1", status="absent"),  # 3 duplicate
                _attendance("P-9"),  # 4 unknown person
                _attendance("P-2", date="05/03/2025"),  # 5 no such session
                _attendance("P-3", status="Sleeping"),  # 6 unknown status
                _attendance("P-2", start="10:00"),  # 7 row 5's session
            ],
        }
    )
    error = _problems(data)
    found = [(p.sheet, p.row, p.column) for p in error.problems]
    assert found == [
        ("Programme", 3, "Venue code"),
        ("Programme", 4, "Action code"),
        ("Programme", 5, "Facilitators"),
        ("Programme", 6, "Partner services"),
        ("Programme", 7, "End"),
        ("Programme", 8, "Date"),
        ("Programme", 9, "Type"),
        ("Programme", 10, "Status"),
        ("Programme", 11, "Date"),
        ("Attendance", 3, "Participant code"),
        ("Attendance", 4, "Participant code"),
        ("Attendance", 5, "Date"),
        ("Attendance", 6, "Status"),
    ]
    reasons = [p.reason for p in error.problems]
    assert "EQ-9" in reasons[0] and "ACT-9" in reasons[1] and "PRO-9" in reasons[2]
    assert "SRV-9" in reasons[3] and "not after its start" in reasons[4]
    assert "impossible date" in reasons[5] and "Karaoke" in reasons[6]
    assert "Maybe" in reasons[7] and "row 2" in reasons[8]
    assert "Duplicate attendance" in reasons[9] and "P-9" in reasons[10]
    assert "No session" in reasons[11] and "Sleeping" in reasons[12]
    message = str(error)
    assert message.startswith("plan.xlsx: The workbook has 13 problems; nothing was imported.")
    assert "sheet 'Programme', row 8, column 'Date': '31/02/2023' is an impossible date" in message
    assert "sheet 'Attendance', row 5, column 'Date'" in message
    assert error.path == "plan.xlsx"


def test_the_message_lists_twenty_problems_and_counts_the_rest() -> None:
    rows = [
        _session(start=f"{h:02d}:00", end=f"{h:02d}:30", venue="NOWHERE") for h in range(0, 24)
    ] + [_session(start="23:40", end="23:50", venue="NOWHERE")]
    error = _problems(_workbook({"Programme": [EN_PROGRAMME, *rows]}))
    assert len(error.problems) == 25
    message = str(error)
    assert message.count("Unknown venue code") == 20
    assert message.rstrip().endswith("and 5 more.")


def test_missing_columns_are_reported() -> None:
    data = _workbook(
        {"Programme": [["Action code", "Type", "Date"], ["ACT-1", "workshop", "04/03/2025"]]}
    )
    problems = [(p.sheet, p.row, p.column) for p in _problems(data).problems]
    assert problems == [("Programme", 1, "Start"), ("Programme", 1, "End")]


def test_impossible_and_malformed_values() -> None:
    data = _workbook(
        {
            "Programme": [
                EN_PROGRAMME,
                _session(date="2025/13/45"),
                _session(start="25:00"),
                _session(start="", end="18:00"),
                _session(capacity="many"),
                _session(capacity=-3),
            ]
        }
    )
    reasons = {(p.row, p.column): p.reason for p in _problems(data).problems}
    assert "not a date" in reasons[(2, "Date")]
    assert "impossible time" in reasons[(3, "Start")]
    assert "missing" in reasons[(4, "Start")]
    assert "whole number" in reasons[(5, "Capacity")]
    assert "whole number" in reasons[(6, "Capacity")]


def test_not_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "programme.xlsx"
    path.write_text("date;start\n04/03/2025;17:00\n", encoding="utf-8")
    with pytest.raises(ImportFileError) as info:
        _import(path, display_name=None)
    assert str(info.value).startswith("programme.xlsx: ")


def test_reads_from_a_path_and_ignores_unknown_sheets(tmp_path: Path) -> None:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(
        _workbook(
            {
                "Programme": [[*EN_PROGRAMME, "Colour"], [*_session(), "red"]],
                "Scribbles": [["todo", "buy", "milk"]],
            }
        )
    )
    result = _import(path, display_name=None)
    assert len(result.sessions) == 1
    assert any("Colour" in m for m in result.messages)
    assert any("Scribbles" in m for m in result.messages)


def test_a_title_row_above_the_header_is_skipped() -> None:
    data = _workbook({"Programme": [["Spring programme 2025"], [], EN_PROGRAMME, _session()]})
    assert _import(data).sessions["row"].tolist() == [4]
