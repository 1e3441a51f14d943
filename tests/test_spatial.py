"""Core spatial plumbing (community_map._spatial): the one CRS guess, points in units."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from pyproj import Transformer
from shapely.geometry import box

from community_map._spatial import guess_crs, inside_catalonia, unit_ids_for_points

# Points in Barcelona and Lleida, as lon/lat.
LONLAT = np.array([[2.17, 41.387], [2.1744, 41.4036], [0.62, 41.617]])


def _to(epsg: str) -> tuple[np.ndarray, np.ndarray]:
    x, y = Transformer.from_crs("EPSG:4326", epsg, always_xy=True).transform(
        LONLAT[:, 0], LONLAT[:, 1]
    )
    return np.asarray(x), np.asarray(y)


def test_guess_crs_of_lonlat_and_utm_coordinates() -> None:
    assert guess_crs(LONLAT[:, 0], LONLAT[:, 1]) == "EPSG:4326"
    assert guess_crs(LONLAT[:, 1], LONLAT[:, 0]) == "EPSG:4326"  # lat/lon order too
    x, y = _to("EPSG:25831")
    assert guess_crs(x, y) == "EPSG:25831"
    assert guess_crs(y, x) == "EPSG:25831"  # swapped metres are still metres


def test_ed50_metres_cannot_be_told_from_etrs89() -> None:
    x, y = _to("EPSG:23031")
    etrs_x, etrs_y = _to("EPSG:25831")
    assert 50 < np.hypot(x - etrs_x, y - etrs_y).min() < 300  # different, but close
    assert guess_crs(x, y) == "EPSG:25831"


@pytest.mark.parametrize(
    ("x", "y", "share", "expected"),
    [
        ([0.0, 0.0], [0.0, 0.0], 1.0, None),  # placeholders only
        ([0.0, 1000.0], [0.0, 1000.0], 1.0, None),
        ([2.17, 431_000.0], [41.38, 4_582_000.0], 1.0, None),  # mixed: no agreement
        ([2.17, 431_000.0], [41.38, 4_582_000.0], 0.5, "EPSG:25831"),  # metric wins ties
        ([2.17, 2.18, 431_000.0], [41.38, 41.39, 4_582_000.0], 0.5, "EPSG:4326"),
        ([440_000.0], [4_470_000.0], 1.0, None),  # south of Catalonia
        ([float("nan")], [41.0], 1.0, None),
        ([], [], 1.0, None),
    ],
)
def test_guess_crs_edge_cases(
    x: list[float], y: list[float], share: float, expected: str | None
) -> None:
    assert guess_crs(x, y, share=share) == expected


def test_inside_catalonia_and_unit_ids_for_points() -> None:
    units = gpd.GeoDataFrame({"id": [7, 8]}, geometry=[box(0, 0, 10, 10), box(5, 0, 20, 10)])
    ids = unit_ids_for_points(units, np.array([2.0, 7.0, 15.0, 30.0]), np.array([5.0] * 4))
    assert ids.tolist() == [7, 7, 8, -1]  # a point in two units goes to the first one
    assert inside_catalonia(np.array([431_000.0, 0.0]), np.array([4_582_000.0, 0.0])).tolist() == [
        True,
        False,
    ]
