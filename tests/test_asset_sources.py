"""Reading assets from CSV, Excel, GeoJSON and the Open Data BCN formats."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from pyproj import Transformer

from community_map.errors import ImportFileError
from community_map.territory.asset_files import (
    ASSET_COLUMNS,
    DEFAULT_CATEGORY_MAP,
    SKIPPED_COLUMNS,
    AssetImport,
    assets_from_file,
    map_category,
)
from community_map.territory.taxonomy import DEFAULT_CATEGORIES
from tests.conftest import REAL_DATA, skip_or_fail

TAXONOMY = {c.code for c in DEFAULT_CATEGORIES}
TO_25831 = Transformer.from_crs("EPSG:4326", "EPSG:25831", always_xy=True)

# Plaça de Catalunya and the Sagrada Família, in lon/lat and EPSG:25831.
PL_CAT = (2.1700, 41.3870)
SAGRADA = (2.1744, 41.4036)
PL_CAT_UTM = TO_25831.transform(*PL_CAT)


def _write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _geojson(features: list[dict[str, Any]], **extra: Any) -> str:
    return json.dumps({"type": "FeatureCollection", "features": features, **extra})


def _point(lon: float, lat: float, **properties: Any) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
    }


def _error(path: Path, **kwargs: Any) -> ImportFileError:
    with pytest.raises(ImportFileError) as info:
        assets_from_file(path, **kwargs)
    return info.value


# --- Plain CSV ---------------------------------------------------------------------------------


def test_csv_with_recognised_columns(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "actius.csv",
        "Nom,Latitud,Longitud,Categoria,Adreça,Telèfon,Web,Etiquetes,ID\n"
        f"Biblioteca Jaume Fuster,{PL_CAT[1]},{PL_CAT[0]},Biblioteca,Pl. Lesseps 20,"
        '932 847 366,https://example.org,"lectura; wifi",B1\n'
        f"Casal Sagrada,{SAGRADA[1]},{SAGRADA[0]},Casal de gent gran,,,,,B2\n",
    )
    result = assets_from_file(path)

    assert isinstance(result, AssetImport)
    frame = result.frame
    assert list(frame.columns) == ASSET_COLUMNS
    assert len(frame) == 2
    first = frame.iloc[0]
    assert first["name"] == "Biblioteca Jaume Fuster"
    assert first["category"] == "library"
    assert first["source_category"] == "Biblioteca"
    assert first["source"] == "actius.csv"
    assert first["source_id"] == "B1"
    assert first["address"] == "Pl. Lesseps 20"
    assert first["phone"] == "932 847 366"
    assert first["website"] == "https://example.org"
    assert first["tags"] == ["lectura", "wifi"]
    assert first["accessibility"] == "unknown"
    assert first["row"] == 2  # the header is row 1
    assert frame.iloc[1]["row"] == 3
    assert frame.iloc[1]["category"] == "elderly_centre"
    # lon/lat → EPSG:25831, checked against pyproj.
    x, y = TO_25831.transform(*PL_CAT)
    assert first["x"] == pytest.approx(x, abs=0.01)
    assert first["y"] == pytest.approx(y, abs=0.01)
    assert 430_000 < first["x"] < 431_000 and 4_582_000 < first["y"] < 4_583_000
    assert frame["x"].dtype == "float64" and frame["row"].dtype == "int64"
    assert result.skipped.empty and list(result.skipped.columns) == SKIPPED_COLUMNS
    assert result.unmapped_categories == []


def test_semicolon_latin1_csv_with_decimal_commas(tmp_path: Path) -> None:
    text = (
        "nombre;x;y;dirección;accesibilidad\n"
        "Centre Cívic Sagrada Família;431234,5;4583456,25;C Provença 480;sí\n"
        "Espai jove;430100;4582200;;parcial\n"
    )
    path = _write(tmp_path, "equipaments.csv", text, encoding="latin-1")
    result = assets_from_file(path)

    frame = result.frame
    assert frame["name"].tolist() == ["Centre Cívic Sagrada Família", "Espai jove"]
    assert frame["x"].tolist() == [431234.5, 430100.0]
    assert frame["y"].tolist() == [4583456.25, 4582200.0]
    assert frame["address"].tolist() == ["C Provença 480", ""]
    assert frame["accessibility"].tolist() == ["accessible", "partial"]
    assert any("Latin-1" in m for m in result.messages)
    assert any("no id column" in m for m in result.messages)
    assert frame["source_id"].tolist() == [None, None]


def test_utf16_csv_with_bom(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", "\ufeffname,lon,lat\nCasal,2.17,41.39\n", "utf-16-le")
    assert assets_from_file(path).frame["name"].tolist() == ["Casal"]


def test_mapping_names_the_columns(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "llista.csv",
        "Denominació del lloc,E,N,Tipologia interna,codi intern\n"
        "Hort del Xino,430000,4581000,Horts urbans,H-7\n",
    )
    result = assets_from_file(
        path,
        mapping={
            "name": "Denominació del lloc",
            "x": "E",
            "y": "N",
            "category": "Tipologia interna",
            "source_id": "codi intern",
        },
        source="entitats-barri",
    )
    row = result.frame.iloc[0]
    assert (row["name"], row["x"], row["y"]) == ("Hort del Xino", 430000.0, 4581000.0)
    assert (row["source"], row["source_id"]) == ("entitats-barri", "H-7")
    assert row["category"] == "community_garden"


def test_mapping_to_a_missing_column_lists_the_columns(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", "Nom,lat,lon\nX,41.39,2.17\n")
    error = _error(path, mapping={"name": "Nombre"})
    assert error.path == "a.csv"
    assert "'Nombre'" in str(error) and "Nom, lat, lon" in str(error)


def test_missing_name_column_says_which_mapping_key_to_pass(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", "Lloc,lat,lon\nX,41.39,2.17\n")
    error = _error(path, display_name="Els meus actius.csv")
    message = str(error)
    assert message.startswith("Els meus actius.csv: ")
    assert "Lloc, lat, lon" in message and "mapping={'name': '<column>'}" in message


def test_missing_coordinate_columns(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", "name,address\nX,C Major 1\n")
    message = str(_error(path))
    assert "name, address" in message and "'lon'" in message and "'x'" in message


def test_x_without_y_is_reported(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", "name,x,northing_ed50\nX,430000,4581000\n")
    message = str(_error(path))
    assert "'y'" in message and "mapping={'y': '<column>'}" in message


# --- Validation ---------------------------------------------------------------------------------


BAD_ROWS = (
    "name,lon,lat,accessibility,id\n"
    "Good one,2.17,41.39,yes,1\n"  # row 2
    ",2.17,41.39,,2\n"  # row 3: missing name
    "No coords,,,,3\n"  # row 4: missing coordinates
    "Text coords,abc,41.39,,4\n"  # row 5: not a number
    "Null island,0,0,,5\n"  # row 6: (0, 0)
    "Madrid,-3.70,40.42,,6\n"  # row 7: outside Catalonia
    "Swapped,41.39,2.17,,7\n"  # row 8: lon/lat swapped
    "Odd access,2.18,41.40,maybe,8\n"  # row 9: unknown accessibility
    "Duplicate,2.18,41.40,,1\n"  # row 10: duplicate id
    "Good two,2.19,41.41,no,9\n"  # row 11
)


def test_first_bad_row_raises_with_row_column_and_count(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.csv", BAD_ROWS)
    error = _error(path)
    assert (error.path, error.row, error.column) == ("bad.csv", 3, "name")
    message = str(error)
    assert message.startswith("bad.csv, row 3, column 'name': The name is missing.")
    assert "Other rows with problems: 7" in message
    assert "choose to skip bad rows" in message


def test_skip_bad_rows_returns_the_rest_and_a_report(tmp_path: Path) -> None:
    path = _write(tmp_path, "bad.csv", BAD_ROWS)
    result = assets_from_file(path, skip_bad_rows=True)

    assert result.frame["name"].tolist() == ["Good one", "Good two"]
    assert result.frame["accessibility"].tolist() == ["accessible", "not_accessible"]
    assert result.frame["row"].tolist() == [2, 11]
    skipped = result.skipped
    assert skipped["row"].tolist() == [3, 4, 5, 6, 7, 8, 9, 10]
    assert skipped["column"].tolist() == [
        "name",
        "lon",
        "lon/lat",
        "lon/lat",
        "lon/lat",
        "lon/lat",
        "accessibility",
        "id",
    ]
    reasons = dict(zip(skipped["row"], skipped["reason"], strict=True))
    assert reasons[3] == "The name is missing."
    assert reasons[4] == "Missing coordinates."
    assert "not numbers" in reasons[5]
    assert "placeholder at (0, 0)" in reasons[6]
    assert "outside Catalonia" in reasons[7]
    assert "swapped" in reasons[8]
    assert "'maybe'" in reasons[9]
    assert "Duplicate id '1'" in reasons[10] and "row 2" in reasons[10]
    assert any("Rows left out because of problems: 8" in m for m in result.messages)

    report = pd.read_csv(io.BytesIO(result.skipped_report_csv()), encoding="utf-8")
    assert list(report.columns) == SKIPPED_COLUMNS
    assert report["row"].tolist() == [3, 4, 5, 6, 7, 8, 9, 10]


def test_a_single_bad_row_suggests_skip_bad_rows(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", "name,lon,lat\nA,2.17,41.39\nB,2.17,\n")
    error = _error(path)
    assert (error.row, error.column) == (3, "lon/lat")
    assert "Fix the row, or choose to skip bad rows" in str(error)


def test_swapped_xy_in_metres_is_detected(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", "name,x,y\nA,430000,4581000\nB,4581000,430000\n")
    error = _error(path)
    assert (error.row, error.column) == (3, "x")
    assert "x and y look swapped" in str(error)


def test_xy_in_degrees_are_read_as_lon_lat(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", f"name,x,y\nA,{PL_CAT[0]},{PL_CAT[1]}\n")
    result = assets_from_file(path)
    x, y = TO_25831.transform(*PL_CAT)
    assert result.frame.iloc[0]["x"] == pytest.approx(x, abs=0.01)
    assert result.frame.iloc[0]["y"] == pytest.approx(y, abs=0.01)
    assert any("EPSG:4326" in m for m in result.messages)


def test_unknown_xy_crs_is_a_file_error_and_crs_fixes_it(tmp_path: Path) -> None:
    web_x, web_y = Transformer.from_crs("EPSG:4326", "EPSG:3857", always_xy=True).transform(*PL_CAT)
    path = _write(tmp_path, "web.csv", f"name,x,y\nA,{web_x},{web_y}\n")
    error = _error(path)
    assert error.row is None
    assert "neither longitude/latitude nor EPSG:25831" in str(error) and "crs=" in str(error)

    result = assets_from_file(path, crs="EPSG:3857")
    x, y = TO_25831.transform(*PL_CAT)
    assert result.frame.iloc[0]["x"] == pytest.approx(x, abs=0.01)
    assert result.frame.iloc[0]["y"] == pytest.approx(y, abs=0.01)


def test_bad_crs_argument(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", "name,x,y\nA,430000,4581000\n")
    assert "Unknown coordinate reference system 'EPSG:nope'" in str(_error(path, crs="EPSG:nope"))


def test_wkt_points(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "a.csv",
        'name,wkt\nA,"POINT (430000 4581000)"\n'
        f'B,"SRID=4326;POINT ({PL_CAT[0]} {PL_CAT[1]})"\nC,"LINESTRING (0 0, 1 1)"\n',
    )
    result = assets_from_file(path, skip_bad_rows=True)
    assert result.frame["x"].tolist()[0] == 430000.0
    assert result.frame["x"].tolist()[1] == pytest.approx(TO_25831.transform(*PL_CAT)[0])
    assert result.skipped["row"].tolist() == [4]
    assert "only points" in result.skipped["reason"].iloc[0]


# --- File-level problems ------------------------------------------------------------------------


def test_unsupported_format(tmp_path: Path) -> None:
    path = _write(tmp_path, "assets.xls", "whatever")
    error = _error(path)
    assert error.path == "assets.xls" and "Unsupported file format '.xls'" in str(error)


@pytest.mark.parametrize("content", ["", "  \n", "name,lon,lat\n"])
def test_empty_files(tmp_path: Path, content: str) -> None:
    path = _write(tmp_path, "empty.csv", content)
    assert "empty" in str(_error(path)) or "no data rows" in str(_error(path))


def test_broken_encoding(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_bytes(b"\xff\xfen\x00a\x00m\x00e\x00\n")  # UTF-16 BOM, odd number of bytes
    assert "encoding is broken" in str(_error(path))
    path.write_bytes(b"na\x00\x00me\x00\x00,lon\x00\x00\n")  # NUL bytes, not UTF-16
    assert "UTF-16 without a byte-order mark" in str(_error(path))
    path.write_bytes("name,lon,lat\nCasal,2.17,41.387\n".encode("utf-16-le"))  # no BOM
    assert assets_from_file(path).frame["name"].tolist() == ["Casal"]


def test_ragged_csv(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", "name,lon,lat\nA,2.17,41.39,extra,more\n")
    error = _error(path)
    assert (error.row, error.column) == (2, None)
    assert "has 5 values but the header has 3 columns" in str(error)


def test_unknown_mapping_key(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.csv", "name,lon,lat\nA,2.17,41.39\n")
    assert "Unknown mapping key 'nom'" in str(_error(path, mapping={"nom": "name"}))


# --- Categories ---------------------------------------------------------------------------------


def test_map_category_takes_the_first_label_that_maps() -> None:
    assert (
        map_category(["Discoteques", "Educació primària", "CAPs"], DEFAULT_CATEGORY_MAP) == "school"
    )
    assert map_category(["  CENTRES  CÍVICS "], DEFAULT_CATEGORY_MAP) == "civic_centre"
    assert map_category(["Centres civics"], DEFAULT_CATEGORY_MAP) == "civic_centre"  # accents
    assert map_category(["Discoteques"], DEFAULT_CATEGORY_MAP) is None
    assert map_category([], DEFAULT_CATEGORY_MAP) is None
    assert map_category(["Bar"], {"bar": "association"}) == "association"


def test_default_map_targets_only_taxonomy_codes() -> None:
    assert set(DEFAULT_CATEGORY_MAP.values()) <= TAXONOMY
    assert all(key == key.strip().lower() for key in DEFAULT_CATEGORY_MAP)
    for code in TAXONOMY:  # the codes themselves map
        assert DEFAULT_CATEGORY_MAP[code] == code


def test_category_map_and_default_category(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "a.csv",
        "name,lon,lat,category\nA,2.17,41.39,Biblioteca\nB,2.17,41.39,Bar\n"
        "C,2.17,41.39,Banc del temps\nD,2.17,41.39,\n",
    )
    result = assets_from_file(path)
    assert result.frame["category"].tolist() == ["library", None, None, None]
    assert result.unmapped_categories == ["Banc del temps", "Bar"]
    assert any("Banc del temps, Bar" in m for m in result.messages)

    result = assets_from_file(
        path,
        category_map={"Bar": "association", "biblioteca": "park"},
        default_category="civic_centre",
    )
    assert result.frame["category"].tolist() == [
        "park",
        "association",
        "civic_centre",
        "civic_centre",
    ]
    assert result.unmapped_categories == ["Banc del temps"]


# --- Excel --------------------------------------------------------------------------------------


def test_excel_rows_are_spreadsheet_rows(tmp_path: Path) -> None:
    path = tmp_path / "actius.xlsx"
    frame = pd.DataFrame(
        {
            "Nombre": [
                "Mercat de Sants",
                None,
                "Parc de l'Espanya Industrial",
                "Sense coordenades",
            ],
            "lon": [2.1338, None, 2.1428, None],
            "lat": [41.3747, None, 41.3779, None],
            "tipo": ["Mercat", None, "Parc", "Parc"],
            "telefono": [932694472, None, None, None],
        }
    )
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        frame.to_excel(writer, index=False, sheet_name="Actius")
        frame.head(1).to_excel(writer, index=False, sheet_name="Altres")
    error = _error(path)
    assert (error.path, error.row, error.column) == ("actius.xlsx", 5, "lon")

    result = assets_from_file(path, skip_bad_rows=True)
    assert result.frame["name"].tolist() == ["Mercat de Sants", "Parc de l'Espanya Industrial"]
    assert result.frame["row"].tolist() == [2, 4]  # the empty row 3 is skipped silently
    assert result.frame["category"].tolist() == ["market", "park"]
    assert result.frame["phone"].tolist() == ["932694472", ""]
    assert any("'Actius'" in m for m in result.messages)


def test_damaged_excel(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.xlsx", "not a zip")
    assert "cannot be read as an Excel workbook" in str(_error(path))


# --- GeoJSON ------------------------------------------------------------------------------------


def test_geojson_points_are_reprojected(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "assets.geojson",
        _geojson(
            [
                _point(*PL_CAT, nom="Casal de joves", tipus="Casal de joves", id=10),
                _point(*SAGRADA, nom="Espai jove", tipus="Espai jove", id=11),
            ]
        ),
    )
    result = assets_from_file(path)
    frame = result.frame
    assert frame["name"].tolist() == ["Casal de joves", "Espai jove"]
    assert frame["source_id"].tolist() == ["10", "11"]
    assert frame["category"].tolist() == ["youth_centre", "youth_centre"]
    assert frame["row"].tolist() == [1, 2]  # feature numbers
    x, y = TO_25831.transform(*SAGRADA)
    assert frame.iloc[1]["x"] == pytest.approx(x, abs=0.01)
    assert frame.iloc[1]["y"] == pytest.approx(y, abs=0.01)


def test_geojson_with_a_crs_member_and_bad_features(tmp_path: Path) -> None:
    features = [
        {
            "type": "Feature",
            "properties": {"name": "A"},
            "geometry": {"type": "Point", "coordinates": [430000, 4581000]},
        },
        {
            "type": "Feature",
            "properties": {"name": "B"},
            "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
        },
        {"type": "Feature", "properties": {"name": "C"}, "geometry": None},
    ]
    crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::25831"}}
    path = _write(tmp_path, "a.geojson", _geojson(features, crs=crs))
    error = _error(path)
    assert (error.row, error.column) == (2, "geometry")
    assert "Polygon" in str(error)

    result = assets_from_file(path, skip_bad_rows=True)
    assert result.frame[["x", "y"]].values.tolist() == [[430000.0, 4581000.0]]
    assert result.skipped["row"].tolist() == [2, 3]
    assert result.skipped["reason"].iloc[1] == "Missing coordinates."


def test_json_that_is_not_an_asset_file(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.json", json.dumps({"hello": "world"}))
    assert "neither GeoJSON nor an Open Data BCN API response" in str(_error(path))
    path = _write(tmp_path, "b.json", "{not json")
    assert "not valid JSON" in str(_error(path))


# --- Open Data BCN equipment list (UTF-16 CSV) --------------------------------------------------

LIST_HEADER = (
    "register_id,name,addresses_road_name,addresses_start_street_number,"
    "addresses_end_street_number,values_category,values_attribute_name,values_value,"
    "secondary_filters_name,secondary_filters_fullpath,geo_epgs_25831_x,geo_epgs_25831_y,"
    "geo_epgs_4326_lat,geo_epgs_4326_lon\n"
)
PRIMARY = "Planol BCN >> Educació >> Ensenyament reglat >> Educació primària"
NURSERY = "Planol BCN >> Educació >> Ensenyament infantil >> Ensenyament infantil (3-6 anys)"


def _list_csv(
    tmp_path: Path, rows: list[str], name: str = "opendatabcn_llista-equipaments_educacio-csv.csv"
) -> Path:
    text = "\ufeff" + LIST_HEADER + "".join(rows)
    return _write(tmp_path, name, text, encoding="utf-16-le")


def test_opendatabcn_list_collapses_rows_of_one_register_id(tmp_path: Path) -> None:
    path = _list_csv(
        tmp_path,
        [
            f"\ufeff111,Escola Mediterrània,C Sagunt,113,115,Telèfons,Tel.,933000001,"
            f"Educació primària,{PRIMARY},429000.5,4582000.25,41.38,2.15\n",
            f"\ufeff111,Escola Mediterrània,C Sagunt,113,115,Telèfons,Fax,933000002,"
            f'Ensenyament infantil (3-6 anys),"{NURSERY}",429000.5,4582000.25,41.38,2.15\n',
            f"\ufeff111,Escola Mediterrània,C Sagunt,113,115,Telèfons,Centraleta,933000003,"
            f"Educació primària,{PRIMARY},429000.5,4582000.25,41.38,2.15\n",
            "\ufeff222,Acadèmia d'idiomes,Av Diagonal,649,,Telèfons,Tel.,934000000,,,"
            "428000,4582500,41.39,2.13\n",
        ],
    )
    result = assets_from_file(path)

    frame = result.frame
    assert len(frame) == 2
    school = frame.iloc[0]
    assert (school["source"], school["source_id"]) == ("opendatabcn", "111")
    assert school["name"] == "Escola Mediterrània"
    assert school["tags"] == [
        "Educació primària",
        "Ensenyament infantil (3-6 anys)",
        "Ensenyament reglat",
        "Ensenyament infantil",
        "Educació",
    ]
    assert school["source_category"].startswith(
        "Educació primària; Ensenyament infantil (3-6 anys)"
    )
    assert school["category"] == "school"
    assert school["phone"] == "933000001 / 933000003"  # the fax is left out
    assert school["address"] == "C Sagunt, 113-115"
    assert (school["x"], school["y"], school["row"]) == (429000.5, 4582000.25, 2)
    other = frame.iloc[1]
    assert (other["source_id"], other["row"], other["tags"]) == ("222", 5, [])
    assert other["source_category"] is None
    assert other["category"] == "school"  # from the file's theme, "educacio"
    assert any("Open Data BCN equipment list" in m for m in result.messages)
    assert any("4 rows describe 2 places" in m for m in result.messages)


def test_opendatabcn_list_placeholder_coordinates(tmp_path: Path) -> None:
    path = _list_csv(
        tmp_path,
        [
            "1,A,,,,,,,,,429000,4582000,41.38,2.15\n",
            "2,B,,,,,,,,,-80.8040026142844,-121.32318377961765,-0.0010942582961042412,"
            "-1.4894678076317491\n",
            "3,C,,,,,,,,,,,,\n",
        ],
        name="upload.csv",
    )
    error = _error(path, display_name="opendatabcn_llista-equipaments_educacio-csv.csv")
    assert (error.row, error.column) == (3, "geo_epgs_25831_x")
    assert "placeholder at (0, 0)" in str(error) and "Other rows with problems: 1" in str(error)
    result = assets_from_file(path, skip_bad_rows=True, display_name="x_educacio-csv.csv")
    assert result.frame["source_id"].tolist() == ["1"]
    assert result.skipped["row"].tolist() == [3, 4]


# --- Open Data BCN CKAN API JSON ---------------------------------------------------------------


def _ckan_record(code: str, name: str, **fields: str) -> dict[str, str]:
    record = {
        "CODI_EQUIPAMENT": code,
        "EQUIPAMENT": name,
        "TIPUS_VIA": "C",
        "NOM_CARRER": "Amigó",
        "NUM_CARRER_1": "17",
        "NUM_CARRER_2": "19",
        "LATITUD": "41.394472",
        "LONGITUD": "2.145456",
        "X_ETRS89": "428561.419",
        "Y_ETRS89": "4582900.984",
        "X_ED50": "428653.334",
        "Y_ED50": "4583101.926",
        "TELEFON_NUM": "931275813",
        "TELEFON_TIPUS": "Tel.",
        "HORARI_HORES_INICI": "2020-11-03T09:00:00",
        "HORARI_HORES_FI": "2020-11-03T14:00:00",
        "HORARI_OBSERVACIONS": "",
        "3ER_NIVELL": "Centres de serveis socials",
        "2N_NIVELL": "Serveis socials",
        "1ER_NIVELL": "Serveis socials",
    }
    record.update(fields)
    return record


def _ckan(records: list[dict[str, Any]], total: int | None = None) -> str:
    return json.dumps(
        {
            "help": "https://opendata-ajuntament.barcelona.cat/...",
            "success": True,
            "result": {
                "resource_id": "x",
                "records": records,
                "total": len(records) if total is None else total,
            },
        }
    )


def test_ckan_records_are_deduplicated_by_equipment_code(tmp_path: Path) -> None:
    records = [
        _ckan_record("920", "CSS Sant Gervasi"),
        _ckan_record(
            "920",
            "CSS Sant Gervasi",
            TELEFON_NUM="932000000",
            TELEFON_TIPUS="Fax",
            HORARI_HORES_INICI="2020-11-03T16:00:00",
            HORARI_HORES_FI="2020-11-03T19:00:00",
        ),
        _ckan_record(
            "920", "CSS Sant Gervasi", **{"3ER_NIVELL": "", "2N_NIVELL": "Atenció social"}
        ),
        _ckan_record(
            "921",
            "Centre de Dia La Magnolia",
            X_ETRS89="",
            Y_ETRS89="",
            TELEFON_NUM="931111111",
            **{"3ER_NIVELL": "Centres de dia gent gran"},
        ),
    ]
    path = _write(tmp_path, "udd_css.json", _ckan(records, total=250))
    result = assets_from_file(path)

    frame = result.frame
    assert frame["source_id"].tolist() == ["920", "921"]
    assert frame["source"].tolist() == ["opendatabcn", "opendatabcn"]
    assert frame["row"].tolist() == [1, 4]
    css = frame.iloc[0]
    assert css["category"] == "social_services_centre"
    assert css["tags"] == ["Centres de serveis socials", "Serveis socials", "Atenció social"]
    assert css["address"] == "C Amigó, 17-19"
    assert css["phone"] == "931275813"
    assert css["opening_hours"] == "09:00-14:00; 16:00-19:00"
    assert (css["x"], css["y"]) == (428561.419, 4582900.984)
    elderly = frame.iloc[1]
    assert elderly["category"] == "elderly_centre"
    x, y = TO_25831.transform(2.145456, 41.394472)  # no ETRS89 pair: from lon/lat
    assert elderly["x"] == pytest.approx(x, abs=0.01) and elderly["y"] == pytest.approx(y, abs=0.01)
    assert any("only 4 of the 250 records" in m for m in result.messages)
    assert any("4 rows describe 2 places" in m for m in result.messages)


def test_ckan_without_codes_merges_by_name(tmp_path: Path) -> None:
    records = [
        {
            "EQUIPAMENT": "Mercat de Sants",
            "NOM_CAPA": "Mercats municipals",
            "CAPA_GENERICA": "Mercats i centres comercials",
            "ADRECA": "C Sant Jordi, 6",
            "ETRS89_COORD_X": "427561.934",
            "ETRS89_COORD_Y": "4580720.179",
            "LONGITUD": "2.133763",
            "LATITUD": "41.374741",
            "TELEFON": "93 269 44 72",
        },
        {
            "EQUIPAMENT": "Mercat Encants",
            "NOM_CAPA": "Mercats municipals",
            "ADRECA": "C Castillejos, 158",
            "ETRS89_COORD_X": "431930.735",
            "ETRS89_COORD_Y": "4583600.33",
        },
        {
            "EQUIPAMENT": "Mercat Encants",
            "NOM_CAPA": "Mercats municipals",
            "ADRECA": "Av Meridiana, 69",
            "ETRS89_COORD_X": "432020.851",
            "ETRS89_COORD_Y": "4583626.941",
        },
    ]
    path = _write(tmp_path, "mercats.json", _ckan(records))
    result = assets_from_file(path)
    frame = result.frame
    assert frame["name"].tolist() == ["Mercat de Sants", "Mercat Encants"]
    assert frame["source_id"].tolist() == ["Mercat de Sants", "Mercat Encants"]
    assert frame["category"].tolist() == ["market", "market"]
    assert frame["address"].tolist() == ["C Sant Jordi, 6", "C Castillejos, 158"]
    assert frame["phone"].tolist() == ["93 269 44 72", ""]


def test_ckan_error_response(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.json", json.dumps({"success": False, "result": {"records": []}}))
    assert "reports an error" in str(_error(path))


# --- Real Open Data BCN files ------------------------------------------------------------------

EQUIPMENTS = REAL_DATA / "barcelona_equipments"

# file → (unique places in the file, places with usable coordinates, rows left out).
REAL_FILES: dict[str, tuple[int, int, list[int]]] = {
    # 2,696 rows, 1,974 register_id; 5 placeholder points near (0, 0) and 1 without coordinates.
    "opendatabcn_llista-equipaments_educacio-csv.csv": (
        1974,
        1968,
        [1696, 1705, 1999, 2139, 2307, 2466],
    ),
    # 100 of 194 records (one API page); the "Centre Serveis Socials (horari genèric)"
    # pseudo-equipment (record 24) has no coordinates.
    "udd_centres_serveis_socials.json": (25, 24, [24]),
    "udd_centres_dia_gent_gran.json": (37, 37, []),  # 100 of 392 records
    "udd_residencies_gent_gran.json": (31, 31, []),  # 100 of 750 records
    "udd_hospitals.json": (128, 128, []),  # 840 records; 124 distinct names
    # 340 records, no code (merged by name); "Antic Teatre" (record 146) has no coordinates.
    "udd_cultura.json": (340, 339, [146]),
    "udd_mercats.json": (42, 42, []),  # 43 records; Encants Vells has two entrances
}


def _real_file(name: str) -> Path:
    path = EQUIPMENTS / name
    if not path.is_file():
        skip_or_fail(f"real data file {path} is missing")
    return path


@pytest.mark.realdata
@pytest.mark.parametrize("name", sorted(REAL_FILES))
def test_real_open_data_files(name: str) -> None:
    path = _real_file(name)
    unique, usable, bad_rows = REAL_FILES[name]
    if bad_rows:
        error = _error(path)
        assert error.row == bad_rows[0]
    result = assets_from_file(path, skip_bad_rows=True)
    frame = result.frame
    assert len(frame) + len({*result.skipped["row"]}) == unique
    assert len(frame) == usable
    assert sorted({*result.skipped["row"]}) == bad_rows
    assert frame["source_id"].is_unique
    assert (frame["source"] == "opendatabcn").all()
    assert frame["name"].str.len().gt(0).all()
    assert frame["x"].between(420_000, 440_000).all()  # Barcelona
    assert frame["y"].between(4_570_000, 4_595_000).all()
    assert frame["category"].notna().mean() >= 0.95
    assert set(frame["category"].dropna()) <= TAXONOMY


@pytest.mark.realdata
def test_real_categories_per_file() -> None:
    def counts(name: str) -> dict[str, int]:
        frame = assets_from_file(_real_file(name), skip_bad_rows=True).frame
        return frame["category"].value_counts().to_dict()

    assert counts("udd_cultura.json") == {"cultural_centre": 241, "civic_centre": 52, "library": 46}
    assert counts("udd_hospitals.json") == {"health_centre": 128}
    assert counts("udd_mercats.json") == {"market": 42}
    assert counts("udd_centres_serveis_socials.json") == {"social_services_centre": 24}
    assert counts("udd_centres_dia_gent_gran.json") == {"elderly_centre": 37}
    assert counts("udd_residencies_gent_gran.json") == {"elderly_centre": 31}
    education = counts("opendatabcn_llista-equipaments_educacio-csv.csv")
    assert education["school"] == 1953 and education["health_centre"] == 8
    assert sum(education.values()) == 1968


@pytest.mark.realdata
def test_real_education_list_details() -> None:
    result = assets_from_file(
        _real_file("opendatabcn_llista-equipaments_educacio-csv.csv"), skip_bad_rows=True
    )
    frame = result.frame.set_index("source_id")
    assert not any(sid.startswith("\ufeff") for sid in frame.index)
    first = frame.loc["75990617761"]
    assert first["name"] == "Escola d'Escacs Miguel Illescas"
    assert first["address"] == "C Francisco Giner, 42"
    assert first["row"] == 2
    assert first["x"] == pytest.approx(429671.0862760435)
    assert any("2696 rows describe 1974 places" in m for m in result.messages)


@pytest.mark.realdata
def test_real_partial_api_pages_are_reported() -> None:
    for name, total in (
        ("udd_centres_serveis_socials.json", 194),
        ("udd_centres_dia_gent_gran.json", 392),
        ("udd_residencies_gent_gran.json", 750),
    ):
        result = assets_from_file(_real_file(name), skip_bad_rows=True)
        assert any(f"only 100 of the {total} records" in m for m in result.messages), name
    result = assets_from_file(_real_file("udd_hospitals.json"))
    assert not any("records of this Open Data BCN resource" in m for m in result.messages)


# --- Text encodings (one decoder for every importer) ---------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "bom", "warned"),
    [
        ("cp1252", b"", True),
        ("utf-16-le", b"\xff\xfe", False),
        ("utf-16-be", b"\xfe\xff", False),
        ("utf-8", b"\xef\xbb\xbf", False),
    ],
)
def test_asset_csv_encodings_go_through_the_one_decoder(
    tmp_path: Path, encoding: str, bom: bytes, warned: bool
) -> None:
    text = f"id,name,lon,lat\n1,Casal Sant Martí,{PL_CAT[0]},{PL_CAT[1]}\n"
    path = tmp_path / "upload.csv"
    path.write_bytes(bom + text.encode(encoding))
    result = assets_from_file(path, display_name="casals.csv")
    assert result.frame["name"].tolist() == ["Casal Sant Martí"]
    warnings = [m for m in result.messages if "not UTF-8" in m]
    assert len(warnings) == warned
    if warned:
        assert "casals.csv" in warnings[0] and "Windows-1252" in warnings[0]


def test_ed50_metres_are_read_as_etrs89_unless_the_crs_is_given(tmp_path: Path) -> None:
    # ED50 / UTM 31N and ETRS89 / UTM 31N differ by about 200 m: values alone cannot tell
    # them apart, so the guess is EPSG:25831 and crs="EPSG:23031" gives the right place.
    x, y = Transformer.from_crs("EPSG:25831", "EPSG:23031", always_xy=True).transform(*PL_CAT_UTM)
    path = _write(tmp_path, "ed50.csv", f"id,name,x,y\n1,Casal,{x:.2f},{y:.2f}\n")
    guessed = assets_from_file(path).frame
    assert (guessed["x"].iloc[0], guessed["y"].iloc[0]) == (round(x, 2), round(y, 2))
    given = assets_from_file(path, crs="EPSG:23031").frame
    assert given["x"].iloc[0] == pytest.approx(PL_CAT_UTM[0], abs=0.05)
    assert given["y"].iloc[0] == pytest.approx(PL_CAT_UTM[1], abs=0.05)
