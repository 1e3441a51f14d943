"""Territory assets (actius del territori): the taxonomy, asset tables and asset files.

The public face of :mod:`community_map.territory` for assets: the names of the territory
face that the taxonomy and the asset reads, files and categories export, less what only
file imports and maps need (column lists, mapping keys, the Open Data BCN source name, the
default category map, category names, map layers). Boundaries, maps, coverage and audited
writes are imported from the territory face.
"""

from __future__ import annotations

from community_map import territory
from community_map.territory import *  # noqa: F403 - this face re-exports part of the domain's face
from community_map.territory import asset_categories, asset_files, asset_reads, taxonomy

_NOT_HERE = frozenset(
    {
        "ASSET_COLUMNS",
        "DEFAULT_CATEGORY_MAP",
        "MAPPING_KEYS",
        "OPENDATABCN_SOURCE",
        "SKIPPED_COLUMNS",
        "category_names",
        "map_layers",
    }
)
_FROM = {
    name
    for module in (taxonomy, asset_reads, asset_files, asset_categories)
    for name in module.__all__
}

__all__ = [name for name in territory.__all__ if name in _FROM and name not in _NOT_HERE]
