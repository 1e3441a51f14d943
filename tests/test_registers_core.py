"""The register plumbing: templates, round trips, languages, all-or-nothing and skip-bad-rows."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pandas as pd
import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.engine import Engine

from community_map import i18n, storage
from community_map._registers import (
    CellError,
    Column,
    Outcome,
    Sheet,
    apply_rows,
    rows_from_excel,
    sheets_to_excel,
)
from community_map.errors import ImportFileError
from community_map.models import Service

COLUMNS = [
    Column("code", "Code", required=True),
    Column("name", "Name", required=True),
    Column("kind", "Kind", kind="choice", choices={"public": "Public", "private": "Private"}),
    Column("since", "From", kind="date"),
    Column("places", "Places", kind="int", minimum=0, maximum=50),
    Column("active", "Active", kind="bool"),
    Column("links", "Codes", kind="codes"),
]
FRAME = pd.DataFrame(
    {
        "code": ["A", "B"],
        "name": ["=HYPERLINK(1)", "Bé"],
        "kind": ["public", "private"],
        "since": [dt.date(2022, 9, 1), None],
        "places": [3, None],
        "active": [True, False],
        "links": [["X", "Y"], []],
    }
)


def test_round_trip_gives_the_same_values_in_every_language() -> None:
    for language in i18n.LANGUAGES:
        with i18n.language(language):
            data = sheets_to_excel([Sheet("Services", COLUMNS, FRAME)])
        with i18n.language("en"):
            rows = rows_from_excel(data, COLUMNS, path="s.xlsx")
        assert [r.problem for r in rows] == [None, None]
        assert rows[0].values == {
            "code": "A",
            "name": "=HYPERLINK(1)",
            "kind": "public",
            "since": dt.date(2022, 9, 1),
            "places": 3,
            "active": True,
            "links": ["X", "Y"],
        }
        assert rows[1].values["since"] is None and rows[1].values["active"] is False


def test_formulas_are_written_as_text_and_choices_get_a_drop_down() -> None:
    with i18n.language("es"):
        data = sheets_to_excel([Sheet("Services", COLUMNS, FRAME)])
    book = load_workbook(io.BytesIO(data))
    sheet = book[book.sheetnames[0]]
    assert sheet["A1"].value == "Código *"
    assert not str(sheet["B2"].value).startswith("=")
    formulas = [v.formula1 for v in sheet.data_validations.dataValidation]
    lists = book["_lists"]
    assert book["_lists"].sheet_state == "hidden"
    assert any(f.startswith("=_lists!$A$1") for f in formulas)
    with i18n.language("es"):
        assert [lists["A1"].value, lists["A2"].value] == [
            i18n.gettext("Public"),
            i18n.gettext("Private"),
        ]


def test_cell_problems_name_row_and_column() -> None:
    bad = FRAME.assign(places=[3, 99])
    data = sheets_to_excel([Sheet("Services", COLUMNS, bad)])
    rows = rows_from_excel(data, COLUMNS, path="s.xlsx")
    assert rows[0].problem is None
    assert rows[1].problem is not None
    assert (rows[1].problem.row, rows[1].problem.column) == (3, "Places")


def test_missing_required_column_is_a_file_error() -> None:
    data = sheets_to_excel([Sheet("Services", COLUMNS[1:], FRAME)])
    with pytest.raises(ImportFileError, match="Code") as caught:
        rows_from_excel(data, COLUMNS, path="s.xlsx")
    assert caught.value.row == 1


def _write(session: Any, values: dict[str, Any]) -> Outcome:
    if values["name"] == "bad":
        raise CellError("name", "Not this name.")
    session.add(Service(code=values["code"], name=values["name"], field_of_work="health"))
    session.flush()
    return "created"


def test_all_or_nothing_and_skip_bad_rows(tmp_path: Any) -> None:
    engine: Engine = storage.create_db_engine(f"sqlite:///{tmp_path}/r.db")
    storage.migrate(engine)
    frame = FRAME.assign(code=["A", "B"], name=["ok", "bad"]).drop(columns="links")
    data = sheets_to_excel([Sheet("Services", COLUMNS, frame)])
    rows = rows_from_excel(data, COLUMNS, path="s.xlsx")
    with pytest.raises(ImportFileError) as caught, storage.session_scope(engine) as session:
        apply_rows(session, rows, lambda v: _write(session, v), path="s.xlsx", columns=COLUMNS)
    assert (caught.value.row, caught.value.column) == (3, "Name")
    with storage.session_scope(engine) as session:
        assert session.scalars(select(Service.code)).all() == []
        report = apply_rows(
            session,
            rows,
            lambda v: _write(session, v),
            path="s.xlsx",
            columns=COLUMNS,
            skip_bad_rows=True,
        )
    assert (report.created, [str(p) for p in report.skipped]) == (
        1,
        ["row 3, Name: Not this name."],
    )
    with storage.session_scope(engine) as session:
        assert session.scalars(select(Service.code)).all() == ["A"]
