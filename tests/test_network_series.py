"""The network series: one pipeline for the Networks page and ``community-map network export``."""

from __future__ import annotations

import datetime as dt
import io
import math
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest
from openpyxl import load_workbook

from community_map import network, storage
from community_map.cli import main
from community_map.demo.waves import AMUNT_WAVES, amunt_wave_options
from community_map.errors import ValidationError
from community_map.models import Role
from community_map.trust import Actor

EVALUATOR = Actor(username="evaluator", role=Role.EVALUATOR)

ATTENDANCE = pd.DataFrame(
    {
        "participant_id": [1, 2, 1, 3, 4, 4],
        "session_id": [10, 10, 11, 11, 12, 13],
        "starts_at": pd.to_datetime(
            ["2023-01-05", "2023-01-05", "2023-02-07", "2023-02-07", "2023-03-01", "2023-03-02"]
        ),
    }
)
PEOPLE = pd.DataFrame(
    {
        "code": ["P1", "P2", "P3", "P4", "P5"],
        "district": ["x", "x", "y", "y", None],
        "enrolled_on": [None, None, None, None, dt.date(2023, 3, 1)],
        "exited_on": [None, dt.date(2023, 1, 31), None, None, None],
    },
    index=[1, 2, 3, 4, 5],
)
TABLES = {"attendance": ATTENDANCE, "people": PEOPLE}


def test_windows_default_to_the_span_of_the_data() -> None:
    months = network.series_windows(TABLES, kind="month")
    assert [(w.name, w.start, w.end) for w in months] == [
        ("2023-01", dt.date(2023, 1, 1), dt.date(2023, 2, 1)),
        ("2023-02", dt.date(2023, 2, 1), dt.date(2023, 3, 1)),
        ("2023-03", dt.date(2023, 3, 1), dt.date(2023, 4, 1)),
    ]
    given = network.series_windows(TABLES, kind="month", start=dt.date(2022, 12, 15))
    assert given[0].name == "2022-12" and given[-1].name == "2023-03"
    with pytest.raises(ValidationError):
        network.series_windows({"attendance": ATTENDANCE.iloc[0:0]})
    with pytest.raises(ValidationError):
        network.series_windows(TABLES, kind="waves")
    with pytest.raises(ValidationError):  # three months cannot hold a three-quarter slide
        network.series_windows(TABLES, kind="quarter", mode="sliding")


def test_mode_applies_to_waves_as_to_regular_windows() -> None:
    waves = {
        "A": (dt.date(2023, 1, 1), dt.date(2023, 1, 31)),
        "B": (dt.date(2023, 2, 1), dt.date(2023, 2, 28)),
        "C": (dt.date(2023, 3, 1), dt.date(2023, 3, 31)),
    }
    for mode in network.MODES:
        by_wave = network.series_windows(TABLES, kind="waves", waves=waves, mode=mode, span=2)
        by_month = network.series_windows(TABLES, kind="month", mode=mode, span=2)
        assert [(w.start, w.end) for w in by_wave] == [(w.start, w.end) for w in by_month]


def test_series_measures_enrolled_isolates_and_groups() -> None:
    windows = network.series_windows(TABLES, kind="month")
    series = network.network_series(TABLES, windows=windows)
    table = series.per_window
    # January: 1-2 tied; enrolled 1, 2, 3, 4 (5 enrols in March) -> 3 and 4 isolated
    assert table.loc["2023-01", "isolates"] == 2
    # February: 1-3 tied; 2 has left -> enrolled 1, 3, 4 -> 4 isolated
    assert table.loc["2023-02", "isolates"] == 1
    assert table.loc["2023-01", "ei_index"] == -1.0  # x-x
    assert table.loc["2023-02", "ei_index"] == 1.0  # x-y
    assert series.per_node["2023-02"].loc[1, "blau"] == 0.0
    assert series.group[5] == "—" and series.labels[3] == "P3"
    # March: 4 attends alone twice -> a node without ties; still the last populated window
    assert series.last_populated() == "2023-03"
    assert series.changes("2023-01") is None
    assert series.changes("2023-02") == {
        "gained": 1,
        "lost": 1,
        "kept": 0,
        "connected": 1,
        "isolated": 1,
    }
    assert series.positions == {}
    assert set(network.network_series(TABLES, windows=windows, positions=True).positions) == {
        1,
        2,
        3,
        4,
    }


def test_gexf_nodes_carry_codes_and_groups_not_database_ids() -> None:
    import io

    import networkx as nx

    windows = network.series_windows(TABLES, kind="month")
    G = nx.read_gexf(io.BytesIO(network.network_series(TABLES, windows=windows).to_gexf()))
    labels = {G.nodes[n]["label"] for n in G.nodes}
    assert labels == {"P1", "P2", "P3", "P4"}
    assert {G.nodes[n]["label"]: G.nodes[n]["group"] for n in G.nodes}["P3"] == "y"


def test_last_populated_skips_empty_windows() -> None:
    waves = {
        "T0": (dt.date(2023, 1, 1), dt.date(2023, 3, 31)),
        "T1": (dt.date(2023, 4, 1), dt.date(2023, 6, 30)),
    }
    windows = network.series_windows(TABLES, kind="waves", waves=waves)
    series = network.network_series(TABLES, windows=windows)
    assert series.graphs["T1"].number_of_nodes() == 0
    assert series.last_populated() == "T0"


def test_demo_waves_read_back_as_wave_options() -> None:
    assert dict(map(network.parse_wave, amunt_wave_options())) == AMUNT_WAVES
    with pytest.raises(ValidationError):
        network.parse_wave("T0=2022-09-01")
    with pytest.raises(ValidationError):
        network.parse_wave("T0=2022-09-30..2022-09-01")


def test_adjacency_table_holds_every_pair() -> None:
    table = network.adjacency_table(nx.Graph([("a", "b", {"weight": 3.0})]))
    assert len(table) == 4
    assert table.set_index(["a", "b"])["weight"].to_dict()[("b", "a")] == 3.0


# -- the page and the command line agree -------------------------------------------------


def _cells(book: bytes) -> dict[str, list[tuple[object, ...]]]:
    workbook = load_workbook(io.BytesIO(book))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12) or (math.isnan(a) and math.isnan(b))
    return a == b


CASES = [
    ("coattendance", "quarter", "separate", ()),
    ("both", "waves", "cumulative", amunt_wave_options()),
    ("services", "month", "sliding", ()),
    ("referrals", "waves", "separate", amunt_wave_options()),
]


@pytest.mark.parametrize(
    ("layer", "kind", "mode", "waves"), CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in CASES]
)
def test_page_and_command_line_export_the_same_figures(
    monkeypatch: pytest.MonkeyPatch,
    demo_db: str,
    tmp_path: Path,
    layer: str,
    kind: str,
    mode: str,
    waves: list[str],
) -> None:
    from community_map.ui import network_panels

    monkeypatch.setenv("COMMUNITY_MAP_DATABASE_URL", demo_db)
    # the page's path: the cached build, then the bytes its download buttons offer
    parsed = tuple((name, *dates) for name, dates in map(network.parse_wave, waves))
    series = network_panels.build(
        0, layer, kind, mode, "newman", 1, 30, "district", None, None, parsed, EVALUATOR
    )
    page = network_panels.downloads(series, series.names[-1])
    # the command line, with the same options
    options = [
        "--layer",
        layer,
        "--windows",
        kind,
        "--mode",
        mode,
        "--weighting",
        "newman",
        "--max-session-size",
        "30",
    ] + [f"--wave={w}" for w in waves]
    written = {}
    for suffix in ("xlsx", "gexf", "graphml", "csv"):
        target = tmp_path / f"out.{suffix}"
        status = main(
            ["--database-url", demo_db, "network", "export", str(target), *options],
            out=io.StringIO(),
        )
        assert status == 0
        written[suffix] = target.read_bytes()
    assert written["gexf"] == page["gexf"]
    assert written["graphml"] == page["graphml"]
    assert written["csv"] == page["edges"]
    assert (tmp_path / "out_nodes.csv").read_bytes() == page["nodes"]
    cli_cells, page_cells = _cells(written["xlsx"]), _cells(page["excel"])
    assert list(cli_cells) == ["Windows", *series.names] == list(page_cells)
    for sheet, rows in page_cells.items():
        assert len(rows) == len(cli_cells[sheet])
        for row, other in zip(rows, cli_cells[sheet], strict=True):
            assert all(_same(a, b) for a, b in zip(row, other, strict=True)), (sheet, row, other)
    header = page_cells["Windows"][0]
    windows_sheet = pd.DataFrame(page_cells["Windows"][1:], columns=header)
    if layer in ("coattendance", "both"):  # the figures the command line used to miss
        assert windows_sheet["ei_index"].notna().any()
        assert any("blau" in rows[0] for rows in page_cells.values())


def test_exported_isolates_are_enrolled_people_without_a_tie(demo_db: str, tmp_path: Path) -> None:
    target = tmp_path / "q.xlsx"
    assert (
        main(["--database-url", demo_db, "network", "export", str(target)], out=io.StringIO()) == 0
    )
    book = pd.read_excel(target, sheet_name=None)
    windows = book["Windows"].set_index("window")
    engine = storage.create_db_engine(demo_db)
    with engine.connect() as connection:
        attended = pd.read_sql(
            "select a.participant_id, a.session_id, s.starts_at from attendance a "
            "join sessions s on s.id = a.session_id where a.status = 'attended'",
            connection,
            parse_dates=["starts_at"],
        )
        people = pd.read_sql(
            "select p.id, min(e.starts_on) as enrolled_on, "
            "case when count(e.ends_on) = count(e.id) then max(e.ends_on) end as exited_on "
            "from participants p left join enrolments e on e.participant_id = p.id "
            "group by p.id",
            connection,
            parse_dates=["enrolled_on", "exited_on"],
        )
    engine.dispose()
    first = attended["starts_at"].min()
    quarter = pd.Period(first, freq="Q")
    start, end = quarter.start_time, (quarter + 1).start_time
    assert windows.index[0] == f"{quarter.year}-Q{quarter.quarter}"
    inside = attended[(attended["starts_at"] >= start) & (attended["starts_at"] < end)]
    sizes = inside.groupby("session_id")["participant_id"].nunique()
    tied = set(inside[inside["session_id"].isin(sizes[sizes > 1].index)]["participant_id"])
    enrolled = people[
        (people["enrolled_on"].isna() | (people["enrolled_on"] < end))
        & (people["exited_on"].isna() | (people["exited_on"] >= start))
    ]
    assert windows["isolates"].iloc[0] == len(set(enrolled["id"]) - tied)
