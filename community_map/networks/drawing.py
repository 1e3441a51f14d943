"""Drawing networks with pyvis: layout computed in Python, physics off, capped, escaped.

pyvis is unmaintained (0.3.2), so it stays behind :func:`network_html`, which returns a
standalone HTML page; the rest of the product never touches pyvis.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass

import networkx as nx
import numpy as np
from pyvis.network import Network

from community_map.networks.layout import stable_layout

__all__ = ["PALETTE", "DrawnNetwork", "capped", "network_html", "stable_layout"]

PALETTE = (
    "#1f77b4",
    "#ff7f0e",
    "#2ca02c",
    "#d62728",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
    "#b5172f",
    "#005f73",
)


@dataclass(frozen=True)
class DrawnNetwork:
    """The HTML page and what was left out to respect the node cap."""

    html: str
    shown: int
    left_out: int


def capped(G: nx.Graph, *, max_nodes: int, ego: object | None = None, radius: int = 2) -> nx.Graph:
    """Return the ego network of ``ego`` (within ``radius``) or the ``max_nodes`` nodes of
    highest weighted degree."""
    if ego is not None and ego in G:
        sub = nx.ego_graph(G, ego, radius=radius)
        if sub.number_of_nodes() <= max_nodes:
            return sub
        G = sub
    if G.number_of_nodes() <= max_nodes:
        return G
    strength = dict(G.degree(weight="weight"))
    keep = sorted(strength, key=lambda n: (-strength[n], str(n)))[:max_nodes]
    return G.subgraph(keep)


def network_html(
    G: nx.Graph,
    *,
    positions: Mapping[object, tuple[float, float]],
    labels: Mapping[object, str] | None = None,
    titles: Mapping[object, str] | None = None,
    groups: Mapping[object, str] | None = None,
    sizes: Mapping[object, float] | None = None,
    max_nodes: int = 500,
    ego: object | None = None,
    height: str = "640px",
) -> DrawnNetwork:
    """Draw ``G`` with fixed positions and physics off; every label and title is escaped.

    Returns the page and how many nodes were left out by the cap (ego view or top-k).
    """
    shown_graph = capped(G, max_nodes=max_nodes, ego=ego)
    net = Network(
        height=height,
        width="100%",
        directed=G.is_directed(),
        cdn_resources="remote",
        notebook=False,
    )
    net.toggle_physics(False)
    categories = sorted({str(v) for v in (groups or {}).values()})
    colour = {c: PALETTE[i % len(PALETTE)] for i, c in enumerate(categories)}
    values = np.array([float((sizes or {}).get(n, 1.0)) for n in shown_graph.nodes] or [1.0])
    top = float(values.max()) or 1.0
    for node in shown_graph.nodes:
        x, y = positions.get(node, (0.0, 0.0))
        group = str((groups or {}).get(node, ""))
        size = 6 + 24 * float((sizes or {}).get(node, 1.0)) / top
        net.add_node(
            str(node),
            label=html.escape(str((labels or {}).get(node, node))),
            title=html.escape(str((titles or {}).get(node, node))),
            x=x,
            y=y,
            fixed=True,
            physics=False,
            size=size,
            color=colour.get(group, "#555555"),
        )
    for u, v, data in shown_graph.edges(data=True):
        weight = float(data.get("weight", 1.0))
        net.add_edge(
            str(u),
            str(v),
            value=weight,
            title=html.escape(f"{weight:g}"),
            physics=False,
            color="#99999988",
        )
    net.set_options(
        '{"physics": {"enabled": false}, "interaction": {"hover": true}, '
        '"edges": {"smooth": false}}'
    )
    page = net.generate_html(notebook=False)
    return DrawnNetwork(
        page, shown_graph.number_of_nodes(), G.number_of_nodes() - shown_graph.number_of_nodes()
    )
