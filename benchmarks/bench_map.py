"""Benchmark: building the territory map at city scale (10,000 assets).

Measures, on the ``city`` demo data, the time to build the map's layers and the size of
the map HTML the page sends, for the product's way (one GeoJSON layer per category) and
the naive way (one folium Marker with a Popup per asset), in the same run. Prints
medians and ratios. Targets: layers under 0.5 s, page under 3 MB.

Usage: ``python benchmarks/bench_map.py [--database-url URL] [--repeat 5]``. Without a
URL, a temporary SQLite database is filled with ``community-map demo --scale city``.
"""

from __future__ import annotations

import sys
from pathlib import Path

import folium

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _common import benchmark_parser, city_engine, median_time  # noqa: E402

from community_map import storage  # noqa: E402
from community_map.territory import (  # noqa: E402
    assets_geoframe,
    categories_frame,
    maps,
    stored_units,
)


def _page_bytes(fmap: folium.Map) -> int:
    """Bytes of map HTML and script that streamlit-folium sends to the browser."""
    from streamlit_folium import _get_header, _get_html, _get_map_string

    return len((_get_map_string(fmap) + _get_header(fmap) + _get_html(fmap)).encode("utf-8"))


def naive_map(assets, categories) -> folium.Map:  # type: ignore[no-untyped-def]
    """The naive way: one folium Marker (with a Popup) per asset, a group per category."""
    fmap = folium.Map(location=maps.BARCELONA_CENTRE, zoom_start=12)
    shown = assets.to_crs(4326)
    for code, part in shown.groupby("category"):
        group = folium.FeatureGroup(name=str(categories["name_en"].get(code, code)))
        for row in part.itertuples():
            folium.Marker(
                [row.geometry.y, row.geometry.x],
                popup=folium.Popup(f"{row.name}<br>{row.address}"),
                tooltip=row.name,
            ).add_to(group)
        group.add_to(fmap)
    folium.LayerControl().add_to(fmap)
    return fmap


def main() -> int:
    parser = benchmark_parser(__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with city_engine(args.database_url) as engine, storage.session_scope(engine) as session:
        assets = assets_geoframe(session)
        categories = categories_frame(session)
        districts = stored_units(session, "district")
        hoods = stored_units(session, "neighbourhood")
    print(f"assets: {len(assets):,}  categories: {assets['category'].nunique()}")

    layers_t, fmap = median_time(
        lambda: maps.map_from_assets(
            assets, categories=categories, districts=districts, neighbourhoods=hoods
        ),
        args.repeat,
    )
    render_t, _ = median_time(
        lambda: (
            maps.map_from_assets(
                assets, categories=categories, districts=districts, neighbourhoods=hoods
            )
            .get_root()
            .render()
        ),
        args.repeat,
    )
    ours_bytes = _page_bytes(fmap)  # type: ignore[arg-type]
    naive_t, naive = median_time(lambda: naive_map(assets, categories), max(1, args.repeat // 2))
    naive_render_t, _ = median_time(lambda: naive_map(assets, categories).get_root().render(), 1)
    naive_bytes = _page_bytes(naive)  # type: ignore[arg-type]

    print(f"{'':32}{'GeoJSON layers':>16}{'one Marker each':>18}{'ratio':>8}")
    print(
        f"{'build layers, median (s)':32}{layers_t:16.3f}{naive_t:18.3f}{naive_t / layers_t:8.1f}"
    )
    print(
        f"{'build + render HTML (s)':32}{render_t:16.3f}{naive_render_t:18.3f}"
        f"{naive_render_t / render_t:8.1f}"
    )
    print(
        f"{'map HTML sent (MB)':32}{ours_bytes / 1e6:16.2f}{naive_bytes / 1e6:18.2f}"
        f"{naive_bytes / ours_bytes:8.1f}"
    )
    ok = layers_t < 0.5 and ours_bytes < 3e6
    print(f"targets (layers < 0.5 s, page < 3 MB): {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
