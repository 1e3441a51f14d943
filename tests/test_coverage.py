"""Gap analysis on a hand-computed example.

Two 1 km squares side by side: A = [0, 1000] x [0, 1000], B = [1000, 2000] x [0, 1000].
One civic centre at A's lower-left corner (0, 0).
- A: nearest from its representative point (500, 500): sqrt(500² + 500²) = 707.1 m;
  gap 0 (the centre is on A's border); 500 m buffer covers a quarter circle,
  pi * 500² / 4 = 196,349.5 m² of 1,000,000 m²: share 0.19635.
- B: nearest from (1500, 500): sqrt(1500² + 500²) = 1581.1 m; gap 1000 m; share 0.
"""

from __future__ import annotations

import math

import geopandas as gpd
import pytest
import shapely

from community_map.errors import ValidationError
from community_map.territory.coverage import coverage_by_neighbourhood

HOODS = gpd.GeoDataFrame(
    {"code": ["A", "B"], "name": ["Square A", "Square B"]},
    geometry=[shapely.box(0, 0, 1000, 1000), shapely.box(1000, 0, 2000, 1000)],
    crs=25831,
)
CENTRE = gpd.GeoDataFrame(geometry=[shapely.Point(0, 0)], crs=25831)


def test_hand_computed_distances_and_shares() -> None:
    table = coverage_by_neighbourhood(HOODS, CENTRE, distance=500)
    assert table.loc["A", "nearest_m"] == pytest.approx(math.hypot(500, 500), abs=0.1)
    assert table.loc["B", "nearest_m"] == pytest.approx(math.hypot(1500, 500), abs=0.1)
    assert table.loc["A", "gap_m"] == 0
    assert table.loc["B", "gap_m"] == pytest.approx(1000)
    assert table.loc["A", "share_within"] == pytest.approx(math.pi / 16, rel=2e-3)
    assert table.loc["B", "share_within"] == 0
    assert list(table["assets_inside"]) == [1, 0]
    gaps = table[table.gap_m > 500].index.tolist()
    assert gaps == ["B"]  # "which neighbourhoods have no civic centre within 500 m?"


def test_works_from_geographic_coordinates() -> None:
    table = coverage_by_neighbourhood(HOODS.to_crs(4326), CENTRE.to_crs(4326), distance=500)
    assert table.loc["B", "gap_m"] == pytest.approx(1000, abs=0.5)


def test_a_larger_distance_covers_everything() -> None:
    table = coverage_by_neighbourhood(HOODS, CENTRE, distance=3000)
    assert table["share_within"].tolist() == pytest.approx([1.0, 1.0])


def test_no_assets_of_the_category() -> None:
    empty = CENTRE.iloc[0:0]
    table = coverage_by_neighbourhood(HOODS, empty, distance=500)
    assert table["share_within"].tolist() == [0.0, 0.0]
    assert table["nearest_m"].isna().all()


def test_distance_must_be_positive() -> None:
    with pytest.raises(ValidationError, match="positive"):
        coverage_by_neighbourhood(HOODS, CENTRE, distance=0)
