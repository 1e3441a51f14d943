"""Territory assets (actius del territori): the taxonomy, asset tables and asset files.

The public face of :mod:`community_map.territory` for assets. Boundaries, maps, coverage
and the audited writes are imported from the territory face itself.
"""

from __future__ import annotations

from community_map.territory import (
    ACCESSIBILITY_LABELS,
    ASSET_FIELDS,
    DEFAULT_CATEGORIES,
    EXPORT_COLUMNS,
    AssetImport,
    Category,
    accessibility_label,
    all_tags,
    assets_frame,
    assets_from_file,
    assets_geoframe,
    assets_to_csv,
    assets_to_excel,
    assets_to_geojson,
    categories_frame,
    filter_assets,
    map_category,
)

__all__ = [
    "ACCESSIBILITY_LABELS",
    "ASSET_FIELDS",
    "DEFAULT_CATEGORIES",
    "EXPORT_COLUMNS",
    "AssetImport",
    "Category",
    "accessibility_label",
    "all_tags",
    "assets_frame",
    "assets_from_file",
    "assets_geoframe",
    "assets_to_csv",
    "assets_to_excel",
    "assets_to_geojson",
    "categories_frame",
    "filter_assets",
    "map_category",
]
