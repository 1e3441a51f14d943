"""The audited writes of the territory under their former module name.

The writes live in :mod:`~community_map.territory.boundary_writes`,
:mod:`~community_map.territory.asset_writes` and
:mod:`~community_map.territory.asset_import_writes`; this module keeps imports written
before the split working. New code imports them from :mod:`community_map.territory`.
"""

from __future__ import annotations

from community_map.territory.asset_import_writes import ImportResult, import_assets
from community_map.territory.asset_points import lonlat_to_metric
from community_map.territory.asset_writes import (
    EDITABLE_FIELDS,
    create_asset,
    set_asset_active,
    update_asset,
)
from community_map.territory.boundary_writes import save_boundaries

__all__ = [
    "EDITABLE_FIELDS",
    "ImportResult",
    "create_asset",
    "import_assets",
    "lonlat_to_metric",
    "save_boundaries",
    "set_asset_active",
    "update_asset",
]
