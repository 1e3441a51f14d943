"""Boundary import (community_map.territory.boundary_*): formats, CRS, repairs, columns, errors."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import MultiPolygon, Polygon, box, mapping
from sqlalchemy import Engine

from community_map import storage
from community_map._spatial import stored_units
from community_map.errors import ImportFileError, ValidationError
from community_map.models import TerritoryUnit
from community_map.territory.boundary_files import (
    FRAME_COLUMNS,
    BoundaryImport,
    boundaries_from_file,
)
from community_map.territory.boundary_geometry import infer_crs, nest_in_parents
from tests.conftest import REAL_DATA, skip_or_fail

# Small squares near Plaça de Catalunya, in lon/lat (EPSG:4326) and UTM 31N (EPSG:25831).
LONLAT_SQUARES = [box(2.16 + 0.01 * i, 41.38, 2.17 + 0.01 * i, 41.39) for i in range(3)]
UTM_SQUARES = [box(430_000 + 1000 * i, 4_580_000, 431_000 + 1000 * i, 4_581_000) for i in range(3)]
BOW_TIE = Polygon(
    [
        (430_000, 4_580_000),
        (431_000, 4_581_000),
        (431_000, 4_580_000),
        (430_000, 4_581_000),
        (430_000, 4_580_000),
    ]
)


def _geojson(
    path: Path, features: list[tuple[dict[str, Any], Any]], extra: dict[str, Any] | None = None
) -> Path:
    collection: dict[str, Any] = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": props,
                "geometry": None if geom is None else mapping(geom),
            }
            for props, geom in features
        ],
    }
    collection.update(extra or {})
    path.write_text(json.dumps(collection), encoding="utf-8")
    return path


def _csv(
    path: Path, header: list[str], rows: list[list[str]], *, sep: str = ",", encoding: str = "utf-8"
) -> Path:
    def quote(value: str) -> str:
        return '"' + value.replace('"', '""') + '"'

    lines = [sep.join(header)] + [sep.join(quote(v) for v in row) for row in rows]
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def _import_error(call: Callable[[], object]) -> ImportFileError:
    with pytest.raises(ImportFileError) as info:
        call()
    return info.value


def _check_frame(result: BoundaryImport) -> gpd.GeoDataFrame:
    frame = result.frame
    assert list(frame.columns) == list(FRAME_COLUMNS)
    assert frame.crs.to_epsg() == 25831
    assert frame.is_valid.all()
    assert set(frame.geom_type) <= {"Polygon", "MultiPolygon"}
    assert frame["code"].tolist() == sorted(frame["code"])
    assert str(frame["population"].dtype) == "Int64"
    return frame


# ----------------------------------------------------------------------------- formats


def test_geojson_lonlat_with_numeric_codes_is_padded_and_reprojected(tmp_path: Path) -> None:
    path = _geojson(
        tmp_path / "barris.geojson",
        [
            ({"code": 3, "name": "Tres", "population": 300}, LONLAT_SQUARES[2]),
            ({"code": 1, "name": "U", "population": None}, LONLAT_SQUARES[0]),
            ({"code": 2, "name": "Dos", "population": 200}, LONLAT_SQUARES[1]),
        ],
    )
    result = boundaries_from_file(path)
    frame = _check_frame(result)
    assert frame["code"].tolist() == ["01", "02", "03"]
    assert frame["name"].tolist() == ["U", "Dos", "Tres"]
    assert frame["population"].tolist()[1:] == [200, 300]
    assert pd.isna(frame["population"].iloc[0])
    assert frame["parent_code"].isna().all()
    assert result.source_crs == "EPSG:4326"
    assert not result.crs_inferred  # GeoJSON without "crs" is EPSG:4326 by RFC 7946
    assert result.repaired == 0
    assert any("zero-padded" in m and "3 → 03" in m for m in result.messages)
    # About 840 m x 1110 m squares in metres near x 430 km, y 4 581 km.
    xmin, ymin, xmax, ymax = frame.total_bounds
    assert 425_000 < xmin < xmax < 440_000 and 4_575_000 < ymin < ymax < 4_590_000
    assert frame.area.iloc[0] == pytest.approx(0.01 * 83_500 * 0.01 * 111_100, rel=0.02)


def test_geojson_in_metres_without_crs_member_is_inferred_as_utm(tmp_path: Path) -> None:
    path = _geojson(tmp_path / "utm.geojson", [({"code": "A", "name": "a"}, UTM_SQUARES[0])])
    result = boundaries_from_file(path, kind="catchment")
    assert result.source_crs == "EPSG:25831"
    assert result.crs_inferred
    assert result.frame.total_bounds.tolist() == pytest.approx(list(UTM_SQUARES[0].bounds))


def test_csv_wkt_in_utm_without_crs_is_inferred(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "àrees.csv",
        ["codi", "nom", "poblacio", "geometry"],
        [["2", "Sant Martí", "1500", UTM_SQUARES[1].wkt], ["1", "Gràcia", "", UTM_SQUARES[0].wkt]],
        sep=";",
        encoding="latin-1",
    )
    result = boundaries_from_file(path, kind="catchment")
    frame = _check_frame(result)
    assert frame["code"].tolist() == ["01", "02"]
    assert frame["name"].tolist() == ["Gràcia", "Sant Martí"]  # Latin-1 fallback
    assert pd.isna(frame["population"].iloc[0]) and frame["population"].iloc[1] == 1500
    assert result.source_crs == "EPSG:25831"
    assert result.crs_inferred
    assert (
        "The file declares no coordinate system; EPSG:25831 was inferred from the coordinates."
    ) in result.messages
    assert frame.geometry.iloc[0].equals(UTM_SQUARES[0])


def test_csv_with_given_crs_is_not_inferred(tmp_path: Path) -> None:
    path = _csv(tmp_path / "a.csv", ["code", "name", "wkt"], [["01", "A", LONLAT_SQUARES[0].wkt]])
    result = boundaries_from_file(path, kind="catchment", crs="EPSG:4326")
    assert result.source_crs == "EPSG:4326"
    assert not result.crs_inferred
    assert not any("inferred" in m for m in result.messages)


def test_csv_prefers_the_etrs89_column_and_finds_unnamed_wkt(tmp_path: Path) -> None:
    both = _csv(
        tmp_path / "both.csv",
        ["codi_barri", "nom_barri", "geometria_wgs84", "geometria_etrs89"],
        [["1", "el Raval", LONLAT_SQUARES[0].wkt, UTM_SQUARES[0].wkt]],
    )
    result = boundaries_from_file(both)
    assert result.source_crs == "EPSG:25831" and not result.crs_inferred
    assert result.frame.geometry.iloc[0].equals(UTM_SQUARES[0])

    unnamed = _csv(
        tmp_path / "unnamed.csv",
        ["code", "name", "shape"],
        [["1", "A", "SRID=25831;" + UTM_SQUARES[0].wkt]],
    )
    result = boundaries_from_file(unnamed, kind="catchment")
    assert result.source_crs == "EPSG:25831" and not result.crs_inferred


def test_bow_tie_polygon_is_repaired(tmp_path: Path) -> None:
    assert not BOW_TIE.is_valid
    path = _csv(
        tmp_path / "bow.csv",
        ["code", "name", "geometry"],
        [["01", "Bow tie", BOW_TIE.wkt], ["02", "Square", UTM_SQUARES[2].wkt]],
    )
    result = boundaries_from_file(path, kind="catchment", crs="EPSG:25831")
    frame = _check_frame(result)
    assert result.repaired == 1
    assert "1 invalid polygon was repaired." in result.messages
    repaired = frame.geometry.iloc[0]
    assert isinstance(repaired, MultiPolygon) and len(repaired.geoms) == 2
    assert repaired.area == pytest.approx(500_000)  # two triangles of a 1 km square


def test_topojson_hand_written_topology(tmp_path: Path) -> None:
    # Two unit squares sharing arc 1, quantized with a transform, coordinates in lon/lat.
    topology = {
        "type": "Topology",
        "transform": {"scale": [0.01, 0.01], "translate": [2.10, 41.35]},
        "objects": {
            "barris": {
                "type": "GeometryCollection",
                "geometries": [
                    {
                        "type": "Polygon",
                        "arcs": [[0, 1]],
                        "properties": {"BARRI": "01", "DISTRICTE": "01", "NOM": "Primer"},
                    },
                    {
                        "type": "Polygon",
                        "arcs": [[-2, 2]],
                        "properties": {"BARRI": "02", "DISTRICTE": "02", "NOM": "Segon"},
                    },
                ],
            }
        },
        "arcs": [
            [[1, 1], [-1, 0], [0, -1], [1, 0]],  # (1,1) → (0,1) → (0,0) → (1,0)
            [[1, 0], [0, 1]],  # (1,0) → (1,1): the shared edge
            [[1, 0], [1, 0], [0, 1], [-1, 0]],  # (1,0) → (2,0) → (2,1) → (1,1)
        ],
    }
    path = tmp_path / "barris.json"  # a .json file recognised as TopoJSON by its content
    path.write_text(json.dumps(topology), encoding="utf-8")
    result = boundaries_from_file(path)
    frame = _check_frame(result)
    assert frame["code"].tolist() == ["01", "02"]
    assert frame["parent_code"].tolist() == ["01", "02"]
    assert frame["name"].tolist() == ["Primer", "Segon"]
    assert result.source_crs == "EPSG:4326"
    assert result.crs_inferred
    assert any("EPSG:4326 was inferred" in m for m in result.messages)
    assert frame.area.iloc[0] == pytest.approx(frame.area.iloc[1], rel=0.01)


def _write_gdal(frame: gpd.GeoDataFrame, path: Path, driver: str, **kwargs: Any) -> None:
    frame.to_file(path, driver=driver, engine="pyogrio", **kwargs)


def test_geopackage_written_by_geopandas(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {
            "codi_districte": [2, 1],
            "nom_districte": ["Eixample", "Ciutat Vella"],
            "Homes": [10, 20],
            "Dones": [11, 22],
        },
        geometry=UTM_SQUARES[:2],
        crs="EPSG:25831",
    )
    path = tmp_path / "districtes.gpkg"
    _write_gdal(frame, path, "GPKG", layer="districtes")
    result = boundaries_from_file(path, kind="district")
    out = _check_frame(result)
    assert out["code"].tolist() == ["01", "02"]
    assert out["name"].tolist() == ["Ciutat Vella", "Eixample"]
    assert out["population"].tolist() == [42, 21]  # Homes + Dones
    assert result.source_crs == "EPSG:25831" and not result.crs_inferred
    assert any("Homes" in m and "Dones" in m for m in result.messages)


def test_geopackage_with_several_layers_needs_layer(tmp_path: Path) -> None:
    path = tmp_path / "two.gpkg"
    for name, squares in (("a", UTM_SQUARES[:1]), ("b", UTM_SQUARES[1:])):
        frame = gpd.GeoDataFrame(
            {"code": [f"{name}{i}" for i in range(len(squares))], "name": ["x"] * len(squares)},
            geometry=squares,
            crs="EPSG:25831",
        )
        _write_gdal(frame, path, "GPKG", layer=name)
    error = _import_error(lambda: boundaries_from_file(path, kind="catchment"))
    assert "two.gpkg" in str(error) and "a, b" in error.reason and "layer=" in error.reason
    assert len(boundaries_from_file(path, kind="catchment", layer="b").frame) == 2
    error = _import_error(lambda: boundaries_from_file(path, kind="catchment", layer="c"))
    assert "'c'" in error.reason and "a, b" in error.reason


def _zipped_shapefile(tmp_path: Path, frame: gpd.GeoDataFrame, name: str = "barris") -> Path:
    folder = tmp_path / "shp"
    folder.mkdir(exist_ok=True)
    _write_gdal(frame, folder / f"{name}.shp", "ESRI Shapefile")
    target = tmp_path / f"{name}.zip"
    with zipfile.ZipFile(target, "w") as archive:
        for part in sorted(folder.glob(f"{name}.*")):
            archive.write(part, part.name)
    return target


def test_zipped_shapefile_written_by_geopandas(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame(
        {
            "BARRI": ["02", "01"],
            "DISTRICTE": ["01", "01"],
            "NOM": ["el Barri Gòtic", "el Raval"],
            "TIPUS_UA": ["BARRI", "BARRI"],
        },
        geometry=LONLAT_SQUARES[:2],
        crs="EPSG:4326",
    )
    path = _zipped_shapefile(tmp_path, frame)
    result = boundaries_from_file(path, display_name="upload.zip")
    out = _check_frame(result)
    assert out["code"].tolist() == ["01", "02"]
    assert out["name"].tolist() == ["el Raval", "el Barri Gòtic"]
    assert out["parent_code"].tolist() == ["01", "01"]
    assert result.source_crs == "EPSG:4326" and not result.crs_inferred


def test_cartobcn_columns_are_chosen_by_kind(tmp_path: Path) -> None:
    # CartoBCN barris have both BARRI and DISTRICTE; its district files have BARRI "-".
    barris = _geojson(
        tmp_path / "barris.geojson",
        [
            ({"DISTRICTE": "01", "BARRI": "01", "NOM": "el Raval"}, LONLAT_SQUARES[0]),
            ({"DISTRICTE": "02", "BARRI": "05", "NOM": "el Fort Pienc"}, LONLAT_SQUARES[1]),
        ],
    )
    out = boundaries_from_file(barris, kind="neighbourhood").frame
    assert out["code"].tolist() == ["01", "05"]
    assert out["parent_code"].tolist() == ["01", "02"]
    districts = _geojson(
        tmp_path / "districtes.geojson",
        [
            ({"DISTRICTE": "01", "BARRI": "-", "NOM": "Ciutat Vella"}, LONLAT_SQUARES[0]),
            ({"DISTRICTE": "02", "BARRI": "-", "NOM": "Eixample"}, LONLAT_SQUARES[1]),
        ],
    )
    out = boundaries_from_file(districts, kind="district").frame
    assert out["code"].tolist() == ["01", "02"]
    assert out["name"].tolist() == ["Ciutat Vella", "Eixample"]
    assert out["parent_code"].isna().all()
    # A district file imported as neighbourhoods has no usable barri codes.
    error = _import_error(lambda: boundaries_from_file(districts, kind="neighbourhood"))
    assert "BARRI" in error.reason and "code_column=" in error.reason


def test_udd_style_and_explicit_columns(tmp_path: Path) -> None:
    path = _geojson(
        tmp_path / "udd.geojson",
        [
            (
                {
                    "Name": "x",
                    "C_Barri": "05",
                    "N_Barri": "el Fort Pienc",
                    "C_Distri": "02",
                    "Homes": "15039",
                    "Dones": "16924",
                    "Habitants": "1",
                },
                LONLAT_SQUARES[0],
            ),
        ],
    )
    out = boundaries_from_file(path).frame
    assert out.loc[0, ["code", "name", "parent_code"]].tolist() == ["05", "el Fort Pienc", "02"]
    assert out.loc[0, "population"] == 15039 + 16924
    given = boundaries_from_file(
        path,
        kind="catchment",
        code_column="c_barri",
        name_column="Name",
        parent_column="C_Distri",
        population_column="Habitants",
    ).frame
    assert given.loc[0, ["code", "name", "parent_code"]].tolist() == ["05", "x", "02"]
    assert given.loc[0, "population"] == 1


# ----------------------------------------------------------------------------- CRS


@pytest.mark.parametrize(
    ("bounds", "expected"),
    [
        ((2.05, 41.31, 2.23, 41.47), "EPSG:4326"),
        ((-3.8, 40.3, -3.6, 40.5), "EPSG:4326"),  # lon/lat anywhere
        ((420_812.5, 4_574_282.4, 435_480.4, 4_591_066.0), "EPSG:25831"),
        ((250_000.0, 4_480_000.0, 550_000.0, 4_760_000.0), "EPSG:25831"),
        ((0.0, 0.0, 1000.0, 1000.0), None),
        ((440_000.0, 4_470_000.0, 450_000.0, 4_480_000.0), None),  # south of Catalonia
        ((float("nan"),) * 4, None),
    ],
)
def test_infer_crs(bounds: tuple[float, float, float, float], expected: str | None) -> None:
    assert infer_crs(bounds) == expected


def test_crs_that_cannot_be_inferred_asks_for_it(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "local.csv",
        ["code", "name", "geometry"],
        [["1", "A", box(1000, 1000, 2000, 2000).wkt]],
    )
    error = _import_error(lambda: boundaries_from_file(path, kind="catchment"))
    assert error.path == "local.csv"
    assert "cannot be inferred" in error.reason
    assert 'crs="EPSG:25831"' in error.reason and 'crs="EPSG:4326"' in error.reason
    # Small numbers pass for longitude/latitude, but they are not in Catalonia.
    _csv(path, ["code", "name", "geometry"], [["1", "A", box(0, 0, 10, 10).wkt]])
    error = _import_error(lambda: boundaries_from_file(path, kind="catchment"))
    assert "outside Catalonia" in error.reason and 'crs="EPSG:25831"' in error.reason


def test_swapped_coordinates_are_reported(tmp_path: Path) -> None:
    swapped = shapely.transform(LONLAT_SQUARES[0], lambda xy: xy[:, ::-1])
    path = _geojson(tmp_path / "swapped.geojson", [({"code": "1", "name": "A"}, swapped)])
    error = _import_error(lambda: boundaries_from_file(path, kind="catchment"))
    assert "outside Catalonia" in error.reason and "swapped" in error.reason


def test_wrong_declared_crs_names_the_fix_and_given_crs_rescues(tmp_path: Path) -> None:
    frame = gpd.GeoDataFrame({"code": ["1"], "name": ["A"]}, geometry=UTM_SQUARES[:1])
    frame = frame.set_crs("EPSG:4326", allow_override=True)  # wrong: these are metres
    path = tmp_path / "wrong.gpkg"
    _write_gdal(frame, path, "GPKG")
    error = _import_error(lambda: boundaries_from_file(path, kind="catchment"))
    assert "EPSG:4326" in error.reason and 'crs="EPSG:25831"' in error.reason
    result = boundaries_from_file(path, kind="catchment", crs="EPSG:25831")
    assert result.source_crs == "EPSG:25831"
    assert any("EPSG:4326" in m and "EPSG:25831" in m for m in result.messages)


def test_declared_crs_wins_over_a_plausible_given_one(tmp_path: Path) -> None:
    path = _geojson(
        tmp_path / "a.geojson",
        [({"code": "1", "name": "A"}, UTM_SQUARES[0])],
        extra={"crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25831"}}},
    )
    result = boundaries_from_file(path, kind="catchment", crs="EPSG:4326")
    assert result.source_crs == "EPSG:25831" and not result.crs_inferred
    assert any("was not used" in m for m in result.messages)


def test_given_crs_that_misplaces_the_file_is_an_error(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "utm.csv", ["code", "name", "geometry"], [["1", "A", UTM_SQUARES[0].wkt]]
    )
    error = _import_error(lambda: boundaries_from_file(path, kind="catchment", crs="EPSG:4326"))
    assert "outside Catalonia" in error.reason and "EPSG:25831" in error.reason


def test_declared_crs_elsewhere_is_an_error(tmp_path: Path) -> None:
    madrid = gpd.GeoDataFrame(
        {"code": ["1"], "name": ["Sol"]},
        geometry=[box(-3.71, 40.41, -3.70, 40.42)],
        crs="EPSG:4326",
    )
    path = tmp_path / "madrid.gpkg"
    _write_gdal(madrid.to_crs("EPSG:25830"), path, "GPKG")
    error = _import_error(lambda: boundaries_from_file(path, kind="catchment"))
    assert "outside Catalonia" in error.reason and "EPSG:25830" in error.reason


def test_unknown_crs_argument(tmp_path: Path) -> None:
    path = _csv(tmp_path / "a.csv", ["code", "name", "geometry"], [["1", "A", UTM_SQUARES[0].wkt]])
    error = _import_error(lambda: boundaries_from_file(path, kind="catchment", crs="EPSG:nope"))
    assert "EPSG:nope" in error.reason


# ----------------------------------------------------------------------------- bad input


def test_missing_code_and_name_columns_lists_columns(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "cols.csv",
        ["identificador", "etiqueta", "geometry"],
        [["1", "A", UTM_SQUARES[0].wkt]],
    )
    error = _import_error(lambda: boundaries_from_file(path))
    assert error.path == "cols.csv"
    assert "identificador, etiqueta" in error.reason
    assert "code_column=" in error.reason and "name_column=" in error.reason
    only_name = _csv(
        tmp_path / "name.csv", ["ident", "name", "geometry"], [["1", "A", UTM_SQUARES[0].wkt]]
    )
    error = _import_error(lambda: boundaries_from_file(only_name))
    assert "code_column=" in error.reason and "name_column=" not in error.reason
    ok = boundaries_from_file(
        path, kind="catchment", code_column="identificador", name_column="ETIQUETA"
    )
    assert ok.frame["name"].tolist() == ["A"]


def test_given_column_that_does_not_exist(tmp_path: Path) -> None:
    path = _csv(tmp_path / "a.csv", ["code", "name", "geometry"], [["1", "A", UTM_SQUARES[0].wkt]])
    error = _import_error(lambda: boundaries_from_file(path, population_column="habitants"))
    assert "population_column" in error.reason and "habitants" in error.reason


def test_duplicate_codes_name_both_rows(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "dup.csv",
        ["code", "name", "geometry"],
        [
            ["1", "A", UTM_SQUARES[0].wkt],
            ["2", "B", UTM_SQUARES[1].wkt],
            ["01", "C", UTM_SQUARES[2].wkt],
        ],
    )
    error = _import_error(lambda: boundaries_from_file(path))
    assert error.row == 4 and error.column == "code"
    assert "'01'" in error.reason and "rows 2 and 4" in error.reason
    assert "neighbourhood" in error.reason
    assert str(error).startswith("dup.csv, row 4, column 'code':")


def test_empty_code_and_name_and_bad_population_name_the_row(tmp_path: Path) -> None:
    rows = [["1", "A", "10", UTM_SQUARES[0].wkt], ["", "B", "10", UTM_SQUARES[1].wkt]]
    path = _csv(tmp_path / "a.csv", ["code", "name", "population", "geometry"], rows)
    error = _import_error(lambda: boundaries_from_file(path))
    assert (error.row, error.column) == (3, "code")
    rows[1] = ["2", " ", "10", UTM_SQUARES[1].wkt]
    _csv(path, ["code", "name", "population", "geometry"], rows)
    error = _import_error(lambda: boundaries_from_file(path))
    assert (error.row, error.column) == (3, "name")
    rows[1] = ["2", "B", "molts", UTM_SQUARES[1].wkt]
    _csv(path, ["code", "name", "population", "geometry"], rows)
    error = _import_error(lambda: boundaries_from_file(path))
    assert (error.row, error.column) == (3, "population") and "molts" in error.reason


def test_empty_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.geojson"
    empty.write_bytes(b"")
    assert "empty" in _import_error(lambda: boundaries_from_file(empty)).reason
    no_features = _geojson(tmp_path / "none.geojson", [])
    error = _import_error(lambda: boundaries_from_file(no_features))
    assert error.path == "none.geojson" and "no features" in error.reason
    header_only = tmp_path / "header.csv"
    header_only.write_text("code,name,geometry\n", encoding="utf-8")
    assert "no features or rows" in _import_error(lambda: boundaries_from_file(header_only)).reason
    missing = tmp_path / "missing.geojson"
    assert "does not exist" in _import_error(lambda: boundaries_from_file(missing)).reason


@pytest.mark.parametrize(
    ("name", "content", "needle"),
    [
        ("broken.geojson", b'{"type": "FeatureCollection", "features": [{"type": ', "GeoJSON"),
        ("fake.gpkg", b"this is not a database", "GeoPackage"),
        ("fake.zip", b"PK\x03\x04 not really a zip", "shapefile"),
        ("table.xlsx", b"\x00\x01binary", ".xlsx"),
        ("barris.shp", b"\x00\x00\x27\x0a", ".zip"),
        ("nul.csv", b"co\x00\x00de\x00\x00,na\x00\x00me\x00\x00\n", "UTF-8"),
    ],
)
def test_unreadable_files_are_rephrased(
    tmp_path: Path, name: str, content: bytes, needle: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    error = _import_error(lambda: boundaries_from_file(path, display_name=f"my {name}"))
    assert error.path == f"my {name}"
    assert needle in error.reason


def test_empty_zip_is_rephrased(tmp_path: Path) -> None:
    path = tmp_path / "empty.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "no shapefile here")
    error = _import_error(lambda: boundaries_from_file(path))
    assert error.path == "empty.zip" and ".shp" in error.reason and "/" not in error.reason


def test_utf16_csv_with_bom_is_read(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "u16.csv",
        ["code", "name", "geometry"],
        [["1", "Sarrià", UTM_SQUARES[0].wkt]],
        encoding="utf-16",
    )
    assert boundaries_from_file(path, kind="catchment").frame["name"].tolist() == ["Sarrià"]


def test_missing_geometry_names_row_and_column(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "a.csv",
        ["code", "name", "geometria_etrs89"],
        [["1", "A", UTM_SQUARES[0].wkt], ["2", "B", ""]],
    )
    error = _import_error(lambda: boundaries_from_file(path))
    assert (error.row, error.column) == (3, "geometria_etrs89") and "missing" in error.reason
    geojson = _geojson(
        tmp_path / "a.geojson",
        [({"code": "1", "name": "A"}, LONLAT_SQUARES[0]), ({"code": "2", "name": "B"}, None)],
    )
    error = _import_error(lambda: boundaries_from_file(geojson))
    assert (error.row, error.column) == (2, "geometry")  # the 2nd feature


def test_bad_wkt_and_non_polygons_name_the_row(tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "a.csv",
        ["code", "name", "geometry"],
        [["1", "A", UTM_SQUARES[0].wkt], ["2", "B", "POLYGON ((1 2, 3"]],
    )
    error = _import_error(lambda: boundaries_from_file(path))
    assert (error.row, error.column) == (3, "geometry") and "WKT" in error.reason
    points = _geojson(
        tmp_path / "p.geojson", [({"code": "1", "name": "A"}, shapely.Point(2.17, 41.38))]
    )
    error = _import_error(lambda: boundaries_from_file(points))
    assert error.row == 1 and "Point" in error.reason


def test_polygon_empty_after_repair_names_the_row(tmp_path: Path) -> None:
    flat = "POLYGON ((430000 4580000, 430500 4580500, 431000 4581000, 430000 4580000))"
    path = _csv(
        tmp_path / "flat.csv",
        ["code", "name", "geometry"],
        [["1", "A", UTM_SQUARES[0].wkt], ["2", "Flat", flat]],
    )
    error = _import_error(lambda: boundaries_from_file(path, crs="EPSG:25831"))
    assert (error.row, error.column) == (3, "geometry") and "empty" in error.reason
    assert str(error).startswith("flat.csv, row 3, column 'geometry':")


def test_unknown_kind() -> None:
    with pytest.raises(ValidationError, match="barri"):
        boundaries_from_file("whatever.geojson", kind="barri")


# ----------------------------------------------------------------------------- nesting


def test_nest_in_parents_uses_the_representative_point() -> None:
    parents = gpd.GeoDataFrame(
        {"code": ["01", "02"]}, geometry=[box(0, 0, 10, 10), box(10, 0, 20, 10)], crs="EPSG:25831"
    )
    children = gpd.GeoDataFrame(
        {"code": ["a", "b", "c"]},
        # "a" overlaps parent 02 by half a unit; "c" lies outside both parents.
        geometry=[box(1, 1, 10.5, 9), box(12, 2, 18, 8), box(30, 30, 31, 31)],
        crs="EPSG:25831",
        index=[10, 20, 30],
    )
    result = nest_in_parents(children, parents)
    assert result.name == "parent_code"
    assert result.index.tolist() == [10, 20, 30]
    assert result.loc[10] == "01" and result.loc[20] == "02" and pd.isna(result.loc[30])


def test_nest_in_parents_reprojects_and_prefers_the_largest_overlap() -> None:
    parents = gpd.GeoDataFrame(
        {"code": ["big", "small"]}, geometry=[box(0, 0, 10, 10), box(4, 4, 6, 6)], crs="EPSG:25831"
    )
    # "small" overlaps "big": the child shares more area with "big".
    child = gpd.GeoDataFrame(geometry=[box(1, 1, 9, 9)], crs="EPSG:25831")
    assert nest_in_parents(child, parents).tolist() == ["big"]
    lonlat_parents = gpd.GeoDataFrame({"code": ["01"]}, geometry=[UTM_SQUARES[0]], crs="EPSG:25831")
    lonlat_children = gpd.GeoDataFrame(
        geometry=[UTM_SQUARES[0].buffer(-100)], crs="EPSG:25831"
    ).to_crs("EPSG:4326")
    assert nest_in_parents(lonlat_children, lonlat_parents).tolist() == ["01"]
    with pytest.raises(ValidationError):
        nest_in_parents(child, parents.rename(columns={"code": "id"}))


# ----------------------------------------------------------------------------- storage


def test_stored_units_reads_stored_units(engine: Engine) -> None:
    lonlat = gpd.GeoSeries([UTM_SQUARES[2]], crs="EPSG:25831").to_crs("EPSG:4326").iloc[0]
    with storage.session_scope(engine) as session:
        district = TerritoryUnit(
            kind="district",
            code="01",
            name="Ciutat Vella",
            geometry_wkt=box(429_000, 4_579_000, 433_000, 4_582_000).wkt,
            srid=25831,
        )
        session.add(district)
        session.flush()
        session.add_all(
            [
                TerritoryUnit(
                    kind="neighbourhood",
                    code="02",
                    name="el Barri Gòtic",
                    parent_id=district.id,
                    population=27_000,
                    geometry_wkt=UTM_SQUARES[1].wkt,
                    srid=25831,
                ),
                TerritoryUnit(
                    kind="neighbourhood",
                    code="01",
                    name="el Raval",
                    parent_id=district.id,
                    geometry_wkt=UTM_SQUARES[0].wkt,
                    srid=25831,
                ),
                TerritoryUnit(
                    kind="neighbourhood",
                    code="03",
                    name="la Barceloneta",
                    geometry_wkt=lonlat.wkt,
                    srid=4326,
                ),
                TerritoryUnit(kind="neighbourhood", code="04", name="no geometry"),
            ]
        )
        session.flush()
        hood_ids = {
            u.code: u.id for u in session.query(TerritoryUnit).filter_by(kind="neighbourhood")
        }
    with storage.session_scope(engine) as session:
        frame = stored_units(session, kind="neighbourhood")
        districts = stored_units(session, kind="district")
        empty = stored_units(session, kind="catchment")
    assert list(frame.columns) == ["id", *FRAME_COLUMNS]
    assert frame.crs.to_epsg() == 25831
    assert frame["id"].tolist() == [hood_ids[code] for code in ("01", "02", "03", "04")]
    assert frame["code"].tolist() == ["01", "02", "03", "04"]
    assert frame["parent_code"].tolist()[:2] == ["01", "01"]
    assert frame["parent_code"].iloc[2:].isna().all()
    assert frame["population"].iloc[1] == 27_000 and pd.isna(frame["population"].iloc[0])
    assert str(frame["population"].dtype) == "Int64"
    assert frame.geometry.iloc[2].equals_exact(UTM_SQUARES[2], tolerance=0.01)
    assert frame.geometry.iloc[3] is None
    assert districts["name"].tolist() == ["Ciutat Vella"]
    assert empty.empty and list(empty.columns) == ["id", *FRAME_COLUMNS]
    assert empty.crs.to_epsg() == 25831


# ----------------------------------------------------------------------------- real data

BOUNDARIES = REAL_DATA / "barcelona_boundaries"

# file name → (kind, features, source CRS, CRS inferred, repaired geometries)
REAL_FILES: dict[str, tuple[str, int, str, bool, int]] = {
    "BarcelonaCiutat_Barris.csv": ("neighbourhood", 73, "EPSG:25831", False, 0),
    "BarcelonaCiutat_Districtes.csv": ("district", 10, "EPSG:25831", False, 0),
    "bcngeodata_0301040100_Barris_UNITATS_ADM_shp.zip": (
        "neighbourhood",
        73,
        "EPSG:25831",
        False,
        0,
    ),
    "bcngeodata_0301040100_Districtes_UNITATS_ADM_shp.zip": (
        "district",
        10,
        "EPSG:25831",
        False,
        0,
    ),
    "bcngeodata_barris.geojson": ("neighbourhood", 73, "EPSG:4326", False, 0),
    "bcngeodata_districtes.geojson": ("district", 10, "EPSG:4326", False, 0),
    "bcngeodata_barris.topo.json": ("neighbourhood", 73, "EPSG:4326", True, 9),
    "bcngeodata_districtes.topo.json": ("district", 10, "EPSG:4326", True, 2),
    "udd_barris_poblacio.geojson": ("neighbourhood", 73, "EPSG:4326", False, 0),
}
TERME_MUNICIPAL = "bcngeodata_terme-municipal.geojson"
DISTRICT_CODES = [f"{i:02d}" for i in range(1, 11)]


@pytest.fixture
def boundaries_dir() -> Iterator[Path]:
    if not BOUNDARIES.is_dir():
        skip_or_fail(f"real boundary files not found in {BOUNDARIES}")
    yield BOUNDARIES


@pytest.mark.realdata
def test_real_folder_holds_exactly_the_known_files(boundaries_dir: Path) -> None:
    found = {p.name for p in boundaries_dir.iterdir() if p.is_file()}
    assert found == set(REAL_FILES) | {TERME_MUNICIPAL}


@pytest.mark.realdata
@pytest.mark.parametrize("name", sorted(REAL_FILES))
def test_real_boundary_files(boundaries_dir: Path, name: str) -> None:
    kind, count, source_crs, inferred, repaired = REAL_FILES[name]
    result = boundaries_from_file(boundaries_dir / name, kind=kind)
    frame = _check_frame(result)
    assert len(frame) == count
    assert frame["code"].tolist() == [f"{i:02d}" for i in range(1, count + 1)]
    assert frame["name"].str.len().gt(0).all()
    assert result.source_crs == source_crs
    assert result.crs_inferred is inferred
    assert result.repaired == repaired
    assert (f"{repaired} invalid polygons were repaired." in result.messages) == (repaired > 0)
    if kind == "neighbourhood":
        assert set(frame["parent_code"]) == set(DISTRICT_CODES)
        raval = frame.loc[frame["code"] == "01"].iloc[0]
        assert raval["parent_code"] == "01"
        if not name.startswith("udd"):  # the udd layer has its own, unofficial spellings
            assert "el Barri Gòtic" in set(frame["name"])  # no mojibake from the .dbf
        total_km2 = frame.area.sum() / 1e6
        assert total_km2 == pytest.approx(101.7, rel=0.01)
    else:
        assert frame["parent_code"].isna().all()
        assert "Ciutat Vella" in set(frame["name"])
    if name.startswith("udd"):
        assert frame["population"].notna().all() and (frame["population"] > 0).all()
        assert any("Homes" in m and "Dones" in m for m in result.messages)
    else:
        assert frame["population"].isna().all()


@pytest.mark.realdata
def test_real_terme_municipal_needs_columns(boundaries_dir: Path) -> None:
    path = boundaries_dir / TERME_MUNICIPAL
    error = _import_error(lambda: boundaries_from_file(path, kind="neighbourhood"))
    assert error.path == TERME_MUNICIPAL and "code_column=" in error.reason
    result = boundaries_from_file(path, kind="catchment", code_column="TERME", name_column="NOM")
    frame = _check_frame(result)
    assert frame["code"].tolist() == ["080193"]
    assert frame["name"].tolist() == ["Barcelona"]
    assert frame.area.sum() / 1e6 == pytest.approx(101.7, rel=0.01)


@pytest.mark.realdata
def test_real_csv_barris_nest_in_csv_districts(boundaries_dir: Path) -> None:
    barris = boundaries_from_file(boundaries_dir / "BarcelonaCiutat_Barris.csv").frame
    districts = boundaries_from_file(
        boundaries_dir / "BarcelonaCiutat_Districtes.csv", kind="district"
    ).frame
    nested = nest_in_parents(barris, districts)
    assert nested.notna().all()
    assert nested.value_counts().sort_index().to_dict() == {
        "01": 4,
        "02": 6,
        "03": 8,
        "04": 3,
        "05": 6,
        "06": 5,
        "07": 11,
        "08": 13,
        "09": 7,
        "10": 10,
    }
    assert nested.tolist() == barris["parent_code"].tolist()  # agrees with the file


@pytest.mark.realdata
def test_real_formats_agree(boundaries_dir: Path) -> None:
    shapefile = boundaries_from_file(
        boundaries_dir / "bcngeodata_0301040100_Barris_UNITATS_ADM_shp.zip"
    ).frame
    topo = boundaries_from_file(boundaries_dir / "bcngeodata_barris.topo.json").frame
    geojson = boundaries_from_file(boundaries_dir / "bcngeodata_barris.geojson").frame
    assert shapefile["name"].tolist() == geojson["name"].tolist() == topo["name"].tolist()
    # Same polygons from the 25831 shapefile and the reprojected lon/lat GeoJSON (~metres).
    overlap = shapefile.geometry.intersection(geojson.geometry).area / shapefile.area
    assert overlap.min() > 0.99


# ----------------------------------------------------------------------------- text encodings


@pytest.mark.parametrize(
    ("encoding", "bom", "warned"),
    [("cp1252", b"", True), ("utf-16-le", b"\xff\xfe", False), ("utf-8", b"\xef\xbb\xbf", False)],
)
def test_boundary_csv_encodings_go_through_the_one_decoder(
    tmp_path: Path, encoding: str, bom: bytes, warned: bool
) -> None:
    text = f'code,name,geometry\n1,Sant Martí,"{UTM_SQUARES[0].wkt}"\n'
    path = tmp_path / "barris.csv"
    path.write_bytes(bom + text.encode(encoding))
    result = boundaries_from_file(path, kind="catchment", display_name="barris (1).csv")
    assert result.frame["name"].tolist() == ["Sant Martí"]
    warnings = [m for m in result.messages if "not UTF-8" in m]
    assert len(warnings) == warned
    if warned:
        assert "barris (1).csv" in warnings[0] and "Windows-1252" in warnings[0]
