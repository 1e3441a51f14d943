"""Territory: boundaries, assets and their taxonomy, maps and coverage.

The face of the territory domain: the web app and the command line import from here (or
from :mod:`community_map.assets`), never from the modules inside this folder.
"""

from __future__ import annotations

from community_map._spatial import CATALONIA_BOUNDS, METRIC_CRS, guess_crs, stored_units
from community_map.territory.asset_categories import DEFAULT_CATEGORY_MAP, map_category
from community_map.territory.asset_columns import MAPPING_KEYS
from community_map.territory.asset_files import (
    ASSET_COLUMNS,
    SKIPPED_COLUMNS,
    AssetImport,
    assets_from_file,
)
from community_map.territory.asset_import_writes import ImportResult, import_assets
from community_map.territory.asset_points import lonlat_to_metric
from community_map.territory.asset_reads import (
    ASSET_FIELDS,
    EXPORT_COLUMNS,
    all_tags,
    assets_frame,
    assets_geoframe,
    assets_to_csv,
    assets_to_excel,
    assets_to_geojson,
    filter_assets,
    map_layers,
)
from community_map.territory.asset_writes import (
    EDITABLE_FIELDS,
    create_asset,
    set_asset_active,
    update_asset,
)
from community_map.territory.boundary_files import (
    FRAME_COLUMNS,
    BoundaryImport,
    boundaries_from_file,
)
from community_map.territory.boundary_geometry import infer_crs, nest_in_parents
from community_map.territory.boundary_writes import save_boundaries
from community_map.territory.coverage import coverage_by_neighbourhood, coverage_to_csv
from community_map.territory.indicators import INDICATORS, Indicator, neighbourhood_indicator
from community_map.territory.maps import (
    asset_layers,
    boundary_layer,
    choropleth_layer,
    map_from_assets,
    map_to_html,
)
from community_map.territory.opendata_bcn import OPENDATABCN_SOURCE
from community_map.territory.service_register_excel import (
    import_professionals,
    import_services,
    professionals_template,
    professionals_to_excel,
    services_template,
    services_to_excel,
)
from community_map.territory.service_register_reads import (
    places_without_service,
    professionals_frame,
    services_frame,
)
from community_map.territory.service_register_writes import (
    ServicesFromAssets,
    save_professional,
    save_service,
    services_for_imported_centres,
    services_from_assets,
    services_from_category,
)
from community_map.territory.taxonomy import (
    ACCESSIBILITY_LABELS,
    DEFAULT_CATEGORIES,
    Category,
    accessibility_label,
    categories_frame,
    category_names,
)

__all__ = [
    "ACCESSIBILITY_LABELS",
    "ASSET_COLUMNS",
    "ASSET_FIELDS",
    "CATALONIA_BOUNDS",
    "DEFAULT_CATEGORIES",
    "DEFAULT_CATEGORY_MAP",
    "EDITABLE_FIELDS",
    "EXPORT_COLUMNS",
    "FRAME_COLUMNS",
    "INDICATORS",
    "MAPPING_KEYS",
    "METRIC_CRS",
    "OPENDATABCN_SOURCE",
    "SKIPPED_COLUMNS",
    "AssetImport",
    "BoundaryImport",
    "Category",
    "ImportResult",
    "Indicator",
    "ServicesFromAssets",
    "accessibility_label",
    "all_tags",
    "asset_layers",
    "assets_frame",
    "assets_from_file",
    "assets_geoframe",
    "assets_to_csv",
    "assets_to_excel",
    "assets_to_geojson",
    "boundaries_from_file",
    "boundary_layer",
    "categories_frame",
    "category_names",
    "choropleth_layer",
    "coverage_by_neighbourhood",
    "coverage_to_csv",
    "create_asset",
    "filter_assets",
    "guess_crs",
    "import_assets",
    "import_professionals",
    "import_services",
    "infer_crs",
    "lonlat_to_metric",
    "map_category",
    "map_from_assets",
    "map_layers",
    "map_to_html",
    "neighbourhood_indicator",
    "nest_in_parents",
    "places_without_service",
    "professionals_frame",
    "professionals_template",
    "professionals_to_excel",
    "save_boundaries",
    "save_professional",
    "save_service",
    "services_for_imported_centres",
    "services_frame",
    "services_from_assets",
    "services_from_category",
    "services_template",
    "services_to_excel",
    "set_asset_active",
    "stored_units",
    "update_asset",
]
