"""Node positions shared by every window of a series, so that nodes stay in place."""

from __future__ import annotations

from collections.abc import Hashable, Iterable

import networkx as nx

__all__ = ["stable_layout"]


def stable_layout(
    graphs: Iterable[nx.Graph], *, seed: int = 7, scale: float = 900.0
) -> dict[Hashable, tuple[float, float]]:
    """Return one position per node of the union of ``graphs`` (same place in every window).

    Examples
    --------
    >>> pos = stable_layout([nx.path_graph(3), nx.path_graph([2, 3])])
    >>> sorted(pos)
    [0, 1, 2, 3]
    """
    union = nx.Graph()
    for G in graphs:
        union.add_nodes_from(G.nodes)
        union.add_edges_from(G.edges)
    if union.number_of_nodes() == 0:
        return {}
    iterations = 50 if union.number_of_nodes() < 3000 else 15
    pos = nx.spring_layout(union, seed=seed, iterations=iterations)
    return {n: (float(x) * scale, float(y) * scale) for n, (x, y) in pos.items()}
