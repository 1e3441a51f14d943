"""Property-based fuzzing of every importer: only clear errors, and a failed import writes nothing.

For the asset readers (CSV, Excel, GeoJSON), the boundary readers (GeoJSON, CSV with
WKT) and the programme workbook, Hypothesis builds files full of hostile cells: control
characters, spreadsheet formulas, NaN, infinity and huge numbers, very long strings, odd
encodings and nested JSON, plus raw bytes. Each example must either import or raise a
:class:`~community_map.errors.CommunityMapError` (never another exception), and when the
import fails, the tables it writes keep their row counts. CI derandomises Hypothesis
(tests/conftest.py), so a failure there is reproducible.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from sqlalchemy import Engine, func, select

from community_map import storage
from community_map.activities import (
    import_programme,
    known_codes,
    programme_frame,
    programme_from_excel,
    programme_to_excel,
)
from community_map.errors import CommunityMapError
from community_map.models import Asset, Attendance, Role, TerritoryUnit
from community_map.models import Session as SessionRow
from community_map.territory import (
    assets_from_file,
    boundaries_from_file,
    import_assets,
    save_boundaries,
)
from community_map.trust.permissions import Actor

ADMIN = Actor(username="fuzz", role=Role.ADMIN)
FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

PAYLOADS = [
    "=1+2",
    "+1+2",
    "-1+2",
    "@SUM(1)",
    "\t=1+2",
    "\r=1+2",
    '=HYPERLINK("http://evil.example","x")',
    "Casal\x0bNou",
    "\x00",
    "\x1b[31m",
    "A" * 5000,
    "NaN",
    "inf",
    "-Infinity",
    "1e30",
    "1e400",
    "-0",
    "[[[[[[]]]]]]",
    '{"a": {"b": [1, {"c": null}]}}',
    "Sant Martí · Provençals",
    "\ufeff\u202eevil",
    "\ud7ff\ue000\U0001f600",
]
hostile_text = st.one_of(
    st.sampled_from(PAYLOADS),
    st.text(max_size=40),
    st.text(alphabet=st.characters(max_codepoint=0x3F), max_size=12),
)
hostile_number = st.one_of(
    st.floats(),
    st.integers(min_value=-(10**40), max_value=10**40),
    st.sampled_from(["nan", "inf", "-inf", "1e30", "1e400", "", "2.17", "41.38", "430900"]),
)
hostile_cell = st.one_of(hostile_text, hostile_number)
encodings = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"])


NESTED = "__nested__"  # replaced in the file's text by JSON nested ``depth`` levels deep
depths = st.sampled_from([0, 3, 40, 5000])
json_value = st.one_of(
    hostile_cell,
    st.none(),
    st.booleans(),
    st.just(NESTED),
    st.lists(hostile_text, max_size=3),
    st.dictionaries(st.sampled_from(["a", "b"]), hostile_number, max_size=2),
)


def _json_text(obj: Any, depth: int) -> str:
    """``obj`` as JSON (NaN and infinity allowed), with nested lists spliced in."""
    nested = '{"k": ' * depth + "1" + "}" * depth
    return json.dumps(obj, allow_nan=True).replace(json.dumps(NESTED), nested)


def _counts(engine: Engine) -> tuple[int, ...]:
    with engine.connect() as conn:
        return tuple(
            int(conn.execute(select(func.count()).select_from(model)).scalar_one())
            for model in (Asset, TerritoryUnit, SessionRow, Attendance)
        )


def _import_or_clear_error(engine: Engine, read: Callable[[], Any], write: Callable[..., Any]):
    """Read and write; any error must be a CommunityMapError, and a failure writes nothing."""
    before = _counts(engine)
    try:
        result = read()
        with storage.session_scope(engine) as session:
            write(session, result)
    except CommunityMapError:
        assert _counts(engine) == before
    except Exception as exc:  # pragma: no cover - what the test is looking for
        pytest.fail(f"{type(exc).__name__} escaped: {exc!r}"[:500])


def _write_assets(session: Any, read: Any) -> None:
    import_assets(session, actor=ADMIN, frame=read.frame, note="fuzz")


def _csv_text(rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


ASSET_HEADER = ["id", "name", "lon", "lat", "address", "description", "tags"]
VALID_ASSET: list[object] = ["A-1", "Casal", 2.17, 41.38, "Carrer Gran 1", "Obert", "joves"]


@st.composite
def _asset_row(draw: st.DrawFn) -> list[object]:
    """A valid row with one to three of its cells made hostile (so deep paths are reached)."""
    row = list(VALID_ASSET)
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        column = draw(st.integers(min_value=0, max_value=len(row) - 1))
        row[column] = draw(hostile_number if column in (2, 3) else hostile_cell)
    return row


asset_rows = st.lists(_asset_row(), min_size=1, max_size=4)


@FUZZ
@given(rows=asset_rows, encoding=encodings, skip=st.booleans())
def test_asset_csv(
    engine: Engine, tmp_path: Path, rows: list[list[object]], encoding: str, skip: bool
) -> None:
    path = tmp_path / "assets.csv"
    path.write_bytes(_csv_text([ASSET_HEADER, *rows]).encode(encoding, "replace"))
    _import_or_clear_error(
        engine,
        lambda: assets_from_file(path, default_category="library", skip_bad_rows=skip),
        _write_assets,
    )


def _sheet_cell(value: object) -> object:
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)  # what an .xlsx file can hold at all
    if isinstance(value, int) and abs(value) > 2**53:
        return float(value)
    return value


@FUZZ
@given(rows=asset_rows)
def test_asset_excel(engine: Engine, tmp_path: Path, rows: list[list[object]]) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(ASSET_HEADER)
    for row in rows:
        sheet.append([_sheet_cell(v) for v in row])
    path = tmp_path / "assets.xlsx"
    book.save(path)
    _import_or_clear_error(
        engine, lambda: assets_from_file(path, default_category="library"), _write_assets
    )


def _feature(properties: dict[str, Any], geometry: Any) -> dict[str, Any]:
    return {"type": "Feature", "properties": properties, "geometry": geometry}


point = st.one_of(
    st.tuples(hostile_number, hostile_number).map(
        lambda xy: {"type": "Point", "coordinates": list(xy)}
    ),
    st.sampled_from([None, {"type": "Point"}, {"type": "Point", "coordinates": "x"}]),
)


@FUZZ
@given(
    depth=depths,
    features=st.lists(
        st.tuples(st.dictionaries(hostile_text, json_value, max_size=4), hostile_text, point),
        min_size=1,
        max_size=4,
    ),
)
def test_asset_geojson(
    engine: Engine, tmp_path: Path, depth: int, features: list[tuple[dict[str, Any], str, Any]]
) -> None:
    collection = {
        "type": "FeatureCollection",
        "features": [_feature({**props, "name": name}, geom) for props, name, geom in features],
    }
    path = tmp_path / "assets.geojson"
    path.write_text(_json_text(collection, depth), encoding="utf-8")
    _import_or_clear_error(
        engine, lambda: assets_from_file(path, default_category="library"), _write_assets
    )


def _write_units(session: Any, read: Any) -> None:
    save_boundaries(session, actor=ADMIN, frame=read.frame, kind="district", source="fuzz")


def _ring(corner: tuple[Any, Any]) -> list[list[Any]]:
    x, y = corner
    return [[x, y], [2.16, 41.38], [2.16, 41.39], [2.15, 41.39], [x, y]]


@st.composite
def _unit(draw: st.DrawFn, number: int) -> dict[str, Any]:
    """A valid district with one or two of its values made hostile."""
    unit: dict[str, Any] = {
        "codi": f"{number:02d}",
        "nom": f"Districte {number}",
        "poblacio": 1000,
        "x": 2.15,
        "extra": None,
    }
    for _ in range(draw(st.integers(min_value=1, max_value=2))):
        key = draw(st.sampled_from(list(unit)))
        unit[key] = draw(hostile_number if key == "x" else json_value)
    return unit


units = st.lists(st.integers(min_value=1, max_value=9).flatmap(_unit), min_size=1, max_size=3)


@FUZZ
@given(units=units, depth=depths)
def test_boundary_geojson(
    engine: Engine, tmp_path: Path, units: list[dict[str, Any]], depth: int
) -> None:
    features = [
        _feature(
            {k: v for k, v in unit.items() if k != "x"},
            {"type": "Polygon", "coordinates": [_ring((unit["x"], 41.38))]},
        )
        for unit in units
    ]
    path = tmp_path / "districtes.geojson"
    path.write_text(
        _json_text({"type": "FeatureCollection", "features": features}, depth), encoding="utf-8"
    )
    _import_or_clear_error(
        engine, lambda: boundaries_from_file(path, kind="district"), _write_units
    )


@FUZZ
@given(units=units, tail=st.sampled_from(["", " ", "x", "))"]), encoding=encodings)
def test_boundary_wkt_csv(
    engine: Engine, tmp_path: Path, units: list[dict[str, Any]], tail: str, encoding: str
) -> None:
    rows: list[list[object]] = [["code", "name", "population", "wkt"]]
    for unit in units:
        x = unit["x"]
        wkt = f"POLYGON(({x} 41.38, 2.16 41.38, 2.16 41.39, {x} 41.38)){tail}"
        rows.append([unit["codi"], unit["nom"], unit["poblacio"], wkt])
    path = tmp_path / "districtes.csv"
    path.write_bytes(_csv_text(rows).encode(encoding, "replace"))
    _import_or_clear_error(
        engine, lambda: boundaries_from_file(path, kind="district"), _write_units
    )


@FUZZ
@given(data=st.binary(max_size=2000), suffix=st.sampled_from([".csv", ".xlsx", ".geojson"]))
def test_raw_bytes(engine: Engine, tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"file{suffix}"
    path.write_bytes(data)
    _import_or_clear_error(
        engine, lambda: assets_from_file(path, default_category="library"), _write_assets
    )
    _import_or_clear_error(
        engine, lambda: boundaries_from_file(path, kind="district"), _write_units
    )
    if suffix == ".xlsx":
        _import_or_clear_error(
            engine,
            lambda: programme_from_excel(
                path,
                known_venues=set(),
                known_actions=set(),
                known_professionals=set(),
                known_services=set(),
                known_participants=set(),
            ),
            lambda session, read: import_programme(session, actor=ADMIN, programme=read),
        )


@pytest.fixture
def demo_copy(demo_db: str, tmp_path: Path) -> Engine:
    copy = tmp_path / "demo_copy.db"
    shutil.copy(demo_db.removeprefix("sqlite:///"), copy)
    return storage.create_db_engine(f"sqlite:///{copy}")


PROGRAMME_FIELDS = ["title", "notes", "cancel_reason", "capacity", "date", "start", "end"]


@FUZZ
@given(changes=st.lists(st.tuples(st.sampled_from(PROGRAMME_FIELDS), hostile_cell), max_size=4))
def test_programme_workbook(demo_copy: Engine, changes: list[tuple[str, Any]]) -> None:
    with storage.session_scope(demo_copy) as session:
        codes = known_codes(session)
        frame = programme_frame(session).head(3)
    frame = frame.astype(object)
    for field, value in changes:
        frame.loc[frame.index[0], field] = value
    data = programme_to_excel(pd.DataFrame(frame), language="ca")
    _import_or_clear_error(
        demo_copy,
        lambda: programme_from_excel(data, **codes),
        lambda session, read: import_programme(session, actor=ADMIN, programme=read),
    )
