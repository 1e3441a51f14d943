"""Networks from attendance registers, reported ties and collaborations.

The public face of :mod:`community_map.networks`. ``AMUNT_WAVES``, the survey waves of the
demo programme, is kept importable from here; it lives in :mod:`community_map.demo.waves`.
It and the drawing (``network_html``, ``DrawnNetwork``, ``capped``, which need pyvis) are
loaded only when asked for, so that the command line does not load them.
"""

from __future__ import annotations

import importlib
from typing import Any

from community_map.networks import (
    GROUPS,
    LAYERS,
    MIN_INTERPRETABLE_NODES,
    MODES,
    SERVICE_LAYERS,
    TRANSITIONS,
    WINDOW_KINDS,
    Mode,
    NetworkSeries,
    Weighting,
    Window,
    WindowKind,
    WindowMetrics,
    adjacency_table,
    apply_mode,
    combine_layers,
    data_span,
    ei_index,
    enrolled_in,
    graph_from_attendance,
    graph_from_reported_ties,
    graph_metrics,
    graph_to_csv,
    graph_to_graphml,
    graphs_to_gexf,
    isolation_changes,
    metrics_by_window,
    metrics_to_excel,
    network_series,
    networks_by_window,
    node_metrics,
    parse_wave,
    participant_networks,
    participant_tables,
    referral_network,
    regular_windows,
    series_tables,
    series_windows,
    service_network,
    service_network_tables,
    sheet_name,
    stable_layout,
    tie_changes,
    windows_from_waves,
)

__all__ = [
    "AMUNT_WAVES",  # noqa: F822 (loaded lazily by __getattr__)
    "GROUPS",
    "LAYERS",
    "MIN_INTERPRETABLE_NODES",
    "MODES",
    "SERVICE_LAYERS",
    "TRANSITIONS",
    "WINDOW_KINDS",
    "DrawnNetwork",  # noqa: F822
    "Mode",
    "NetworkSeries",
    "Weighting",
    "Window",
    "WindowKind",
    "WindowMetrics",
    "adjacency_table",
    "apply_mode",
    "capped",  # noqa: F822
    "combine_layers",
    "data_span",
    "ei_index",
    "enrolled_in",
    "graph_from_attendance",
    "graph_from_reported_ties",
    "graph_metrics",
    "graph_to_csv",
    "graph_to_graphml",
    "graphs_to_gexf",
    "isolation_changes",
    "metrics_by_window",
    "metrics_to_excel",
    "network_html",  # noqa: F822
    "network_series",
    "networks_by_window",
    "node_metrics",
    "parse_wave",
    "participant_networks",
    "participant_tables",
    "referral_network",
    "regular_windows",
    "series_tables",
    "series_windows",
    "service_network",
    "service_network_tables",
    "sheet_name",
    "stable_layout",
    "tie_changes",
    "windows_from_waves",
]


_LAZY = {
    "AMUNT_WAVES": "community_map.demo.waves",
    "DrawnNetwork": "community_map.networks.drawing",
    "capped": "community_map.networks.drawing",
    "network_html": "community_map.networks.drawing",
}


def __getattr__(name: str) -> Any:
    """Load the demo waves and the drawing on first use."""
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
