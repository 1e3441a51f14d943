from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from community_map.territory import maps

CATEGORIES = pd.DataFrame(
    {
        "name_ca": ["Biblioteca", "Mercat"],
        "name_es": ["Biblioteca", "Mercado"],
        "name_en": ["Library", "Market"],
        "colour": ["#9467bd", "#bcbd22"],
    },
    index=["library", "market"],
)


def _assets(names: list[str], categories: list[str], stale: list[bool]) -> gpd.GeoDataFrame:
    n = len(names)
    return gpd.GeoDataFrame(
        {
            "name": names,
            "category": categories,
            "address": ["C/ Major, 1"] * n,
            "accessibility": ["accessible"] * n,
            "opening_hours": [""] * n,
            "last_verified": [pd.Timestamp("2026-01-02")] * n,
            "stale": stale,
        },
        geometry=[shapely.Point(430_000 + 100 * i, 4_581_000) for i in range(n)],
        crs=25831,
    )


def test_one_layer_group_per_category_with_counts() -> None:
    assets = _assets(["A", "B", "C"], ["library", "library", "market"], [False, True, False])
    groups = maps.asset_layers(assets, categories=CATEGORIES, language="ca")
    assert [g.layer_name for g in groups] == ["Biblioteca (2)", "Mercat (1)"]
    # fresh and stale assets of a category are separate GeoJSON layers
    first = list(groups[0]._children.values())
    assert [len(layer.data["features"]) for layer in first] == [1, 1]


def test_data_is_escaped_everywhere() -> None:
    evil = '<img src=x onerror="alert(1)">'
    assets = _assets([evil], ["library"], [False])
    html = maps.map_to_html(maps.map_from_assets(assets, categories=CATEGORIES))
    assert "<img src=x" not in html
    assert 'onerror=\\"alert' not in html and 'onerror="alert' not in html
    assert "\\u0026lt;img src=x onerror=\\u0026quot;alert(1)\\u0026quot;\\u0026gt;" in html


def test_boundary_and_choropleth_tooltips_are_escaped() -> None:
    hoods = gpd.GeoDataFrame(
        {"code": ["01"], "name": ["<b>Raval</b>"]},
        geometry=[shapely.box(430_000, 4_581_000, 431_000, 4_582_000)],
        crs=25831,
    )
    assets = _assets(["A"], ["library"], [False])
    fmap = maps.map_from_assets(
        assets,
        categories=CATEGORIES,
        neighbourhoods=hoods,
        indicator=pd.Series({"01": 3.0}),
        indicator_title="<i>x</i>",
    )
    html = maps.map_to_html(fmap)
    assert "<b>Raval</b>" not in html and "<i>x</i>" not in html


def test_legend_lists_present_categories_only() -> None:
    assets = _assets(["A"], ["market"], [False])
    html = maps.map_to_html(maps.map_from_assets(assets, categories=CATEGORIES))
    assert "cm-legend" in html and "Market" in html and "Library" not in html


def test_the_scale_bar_is_metric_only() -> None:
    assets = _assets(["A"], ["library"], [False])
    html = maps.map_from_assets(assets, categories=CATEGORIES).get_root().render()
    assert "L.control.scale({metric: true, imperial: false})" in html
    assert html.count("L.control.scale(") == 1  # folium's own (with miles) is off
