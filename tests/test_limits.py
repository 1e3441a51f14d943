"""The input policy (community_map._limits) on the problems a hostile tester found.

NaN and infinity in boundaries, huge populations and capacities, deeply nested JSON,
over-long codes, control characters and oversized files end in a clear
ImportFileError/ValidationError naming file, row and column, never another exception.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from community_map import storage
from community_map._limits import json_depth
from community_map.activities import programme_from_excel, programme_to_excel
from community_map.errors import ImportFileError, ValidationError
from community_map.models import Asset, Participant, Role, TerritoryUnit
from community_map.territory import assets_from_file, boundaries_from_file, create_asset
from community_map.trust.permissions import Actor

SQUARE = [[[2.15, 41.38], [2.16, 41.38], [2.16, 41.39], [2.15, 41.39], [2.15, 41.38]]]
ADMIN = Actor(username="admin", role=Role.ADMIN)


def _geojson(path: Path, properties: dict[str, object], coordinates: object = SQUARE) -> Path:
    feature = {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": "Polygon", "coordinates": coordinates},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    return path


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_boundary_geojson_with_nan_or_infinity_is_refused(tmp_path: Path, constant: str) -> None:
    path = _geojson(tmp_path / "b.geojson", {"codi": "01", "nom": "A"})
    path.write_text(path.read_text().replace("2.15, 41.38]", f"{constant}, 41.38]", 1))
    with pytest.raises(ImportFileError, match=constant.lstrip("-")) as caught:
        boundaries_from_file(path, kind="district")
    assert caught.value.path == "b.geojson"


@pytest.mark.parametrize("value", ["inf", "-inf", "nan"])
def test_boundary_wkt_with_non_finite_coordinates_is_refused(tmp_path: Path, value: str) -> None:
    path = tmp_path / "b.csv"
    path.write_text(
        f'code,name,wkt\n01,A,"POLYGON(({value} 41.38, 2.16 41.38, 2.16 41.39, {value} 41.38))"\n'
    )
    with pytest.raises(ImportFileError) as caught:
        boundaries_from_file(path, kind="district")
    assert (caught.value.row, caught.value.column) == (2, "wkt")


def test_boundary_population_of_1e30_is_refused(tmp_path: Path) -> None:
    path = _geojson(tmp_path / "b.geojson", {"codi": "01", "nom": "A", "poblacio": 1e30})
    with pytest.raises(ImportFileError, match="out of range") as caught:
        boundaries_from_file(path, kind="district")
    assert (caught.value.row, caught.value.column) == (1, "poblacio")


def test_boundary_code_longer_than_the_column_is_refused(tmp_path: Path) -> None:
    path = _geojson(tmp_path / "b.geojson", {"codi": "9" * 5000, "nom": "A"})
    with pytest.raises(ImportFileError, match="5000 characters; at most 32") as caught:
        boundaries_from_file(path, kind="district")
    assert caught.value.column == "codi"


def test_deeply_nested_json_is_refused_for_assets_and_boundaries(tmp_path: Path) -> None:
    nested = "[" * 100_000 + "]" * 100_000
    text = (
        '{"type": "FeatureCollection", "features": [{"type": "Feature", '
        '"properties": {"name": "A", "codi": "01", "nom": "A", "x": ' + nested + "}, "
        '"geometry": null}]}'
    )
    for name, read in (
        ("a.geojson", lambda p: assets_from_file(p)),
        ("b.geojson", lambda p: boundaries_from_file(p, kind="district")),
    ):
        path = tmp_path / name
        path.write_text(text)
        with pytest.raises(ImportFileError, match="nests"):
            read(path)


def test_json_depth_limit_is_a_setting(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _geojson(tmp_path / "a.geojson", {"name": "A"}, [2.17, 41.38])
    path.write_text(path.read_text().replace('"Polygon"', '"Point"'))
    assert json_depth(json.loads(path.read_text())) == 5
    assets_from_file(path)
    monkeypatch.setenv("COMMUNITY_MAP_MAX_JSON_DEPTH", "4")
    from community_map import settings

    settings.get_settings.cache_clear()
    with pytest.raises(ImportFileError, match="at most 4"):
        assets_from_file(path)


def test_leading_tab_is_kept_so_text_never_becomes_a_formula(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('name,lon,lat,description\n"\t=1+2",2.17,41.38,"  @SUM(1)"\n')
    frame = assets_from_file(path).frame
    assert frame.loc[0, "name"] == "\t=1+2"
    assert frame.loc[0, "description"] == "  @SUM(1)"


def test_vertical_tab_in_an_asset_name_is_removed_with_a_note(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_text('name,lon,lat\n"Casal\x0bNou",2.17,41.38\n')
    read = assets_from_file(path)
    assert read.frame.loc[0, "name"] == "Casal Nou"
    assert any("Control characters" in m and "1 values" in m for m in read.messages)


def test_file_over_the_limit_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.csv"
    row = "Casal,2.17,41.38\n"
    path.write_text("name,lon,lat\n" + row * (2 * 2**20 // len(row)))
    with pytest.raises(ImportFileError, match="limit is 1 MB"):
        assets_from_file(path, max_mb=1)
    monkeypatch.setenv("COMMUNITY_MAP_MAX_IMPORT_MB", "1")
    from community_map import settings

    settings.get_settings.cache_clear()
    for read in (lambda: assets_from_file(path), lambda: boundaries_from_file(path)):
        with pytest.raises(ImportFileError, match="limit is 1 MB"):
            read()


def _programme(capacity: object) -> bytes:
    row = {
        "action_code": "ACT-1",
        "action_title": "",
        "type": "workshop",
        "title": "Cuina",
        "date": dt.date(2025, 3, 4),
        "start": "17:00",
        "end": "19:00",
        "venue_code": "EQ-1",
        "venue": "",
        "facilitators": "",
        "partners": "",
        "capacity": capacity,
        "status": "planned",
        "cancel_reason": "",
        "notes": "",
    }
    return programme_to_excel(pd.DataFrame([row]), language="en")


@pytest.mark.parametrize("capacity", [1e20, "9" * 30])
def test_programme_capacity_out_of_range_is_refused(capacity: object) -> None:
    with pytest.raises(ImportFileError, match="capacity") as caught:
        programme_from_excel(
            _programme(capacity),
            known_venues={"EQ-1"},
            known_actions={"ACT-1"},
            known_professionals=set(),
            known_services=set(),
            known_participants=set(),
        )
    assert "row 2" in str(caught.value)


def _long_code_is_refused(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(Participant(code="P" * 5000))
        with pytest.raises(ValidationError, match="5000 characters; at most 40"):
            session.flush()
        session.rollback()
        assert session.scalar(select(func.count()).select_from(Participant)) == 0


def test_five_thousand_character_code_is_refused_on_sqlite(engine: Engine) -> None:
    _long_code_is_refused(engine)


@pytest.mark.postgres
def test_five_thousand_character_code_is_refused_on_postgres(pg_engine: Engine) -> None:
    _long_code_is_refused(pg_engine)


def test_huge_numbers_never_reach_the_database(engine: Engine) -> None:
    with Session(engine) as session:
        session.add(TerritoryUnit(kind="district", code="01", name="A", population=10**30))
        with pytest.raises(ValidationError, match="out of range"):
            session.flush()


@pytest.mark.parametrize(
    ("fields", "needle"),
    [
        ({"capacity": 1e20}, "out of range"),
        ({"capacity": float("inf")}, "finite"),
        ({"address": "a" * 301}, "at most 300"),
        ({"description": "Casal\x0bNou"}, "control characters"),
    ],
)
def test_asset_form_refuses_hostile_values(
    engine: Engine, fields: dict[str, object], needle: str
) -> None:
    with storage.session_scope(engine) as session, pytest.raises(ValidationError, match=needle):
        create_asset(
            session,
            actor=ADMIN,
            name="Casal",
            category_code="library",
            x=430_900,
            y=4_581_800,
            **fields,
        )
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Asset)) == 0


def test_programme_title_longer_than_the_column_is_refused_with_its_row() -> None:
    data = _programme(12)
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data))
    sheet = book.worksheets[0]
    title_column = [c.value for c in sheet[1]].index("Title") + 1
    sheet.cell(2, title_column).value = "T" * 301
    buffer = io.BytesIO()
    book.save(buffer)
    with pytest.raises(ImportFileError) as caught:
        programme_from_excel(
            buffer.getvalue(),
            known_venues={"EQ-1"},
            known_actions={"ACT-1"},
            known_professionals=set(),
            known_services=set(),
            known_participants=set(),
        )
    assert "row 2, column 'Title'" in str(caught.value)
    assert "301 characters; at most 300" in str(caught.value)
