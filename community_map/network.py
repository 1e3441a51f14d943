"""Networks from attendance registers, reported ties and collaborations.

The public face of :mod:`community_map.networks`.
"""

from __future__ import annotations

from community_map.networks.building import (
    AMUNT_WAVES,
    LAYERS,
    Weighting,
    Window,
    combine_layers,
    enrolled_in,
    graph_from_attendance,
    graph_from_reported_ties,
    networks_by_window,
    participant_networks,
    participant_tables,
    referral_network,
    regular_windows,
    service_network,
    service_network_tables,
    windows_from_waves,
)

__all__ = [
    "AMUNT_WAVES",
    "LAYERS",
    "Weighting",
    "Window",
    "combine_layers",
    "enrolled_in",
    "graph_from_attendance",
    "graph_from_reported_ties",
    "networks_by_window",
    "participant_networks",
    "participant_tables",
    "referral_network",
    "regular_windows",
    "service_network",
    "service_network_tables",
    "windows_from_waves",
]
