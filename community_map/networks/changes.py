"""Change between two windows of a network: ties gained, lost and kept; isolation.

Ties are unordered pairs (a directed tie counts for its pair) and self-loops are
ignored; a person absent from a window's network counts as isolated in it.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from itertools import chain

import networkx as nx
import numpy as np
import pandas as pd

from community_map.networks._matrices import edge_arrays, isolated

__all__ = ["TRANSITIONS", "isolation_changes", "tie_changes"]

#: Codes of the isolation transitions (translate them when displaying).
TRANSITIONS = ("stayed isolated", "became connected", "became isolated", "stayed connected")


def _pair_keys(G: nx.Graph, index: Mapping[Hashable, int], size: int) -> np.ndarray:
    u, v, _w = edge_arrays(G, index)
    low, high = np.minimum(u, v), np.maximum(u, v)
    return np.unique(low * size + high)


def tie_changes(before: nx.Graph, after: nx.Graph) -> dict[str, int]:
    """Count the ties (unordered pairs, self-loops ignored) gained, lost and kept.

    Examples
    --------
    >>> tie_changes(nx.Graph([(1, 2), (2, 3)]), nx.Graph([(2, 1), (3, 4)]))
    {'gained': 1, 'lost': 1, 'kept': 1}
    """
    nodes = dict.fromkeys(chain(before.nodes, after.nodes))
    index = {node: i for i, node in enumerate(nodes)}
    size = max(len(index), 1)
    old = _pair_keys(before, index, size)
    new = _pair_keys(after, index, size)
    kept = len(np.intersect1d(old, new, assume_unique=True))
    return {"gained": len(new) - kept, "lost": len(old) - kept, "kept": kept}


def isolation_changes(
    before: nx.Graph, after: nx.Graph, enrolled: Iterable[Hashable]
) -> pd.DataFrame:
    """Who was isolated (no tie, or absent from the network) before and after.

    Returns
    -------
    pandas.DataFrame
        Index ``node`` (the enrolled people, in order); columns ``isolated_before``,
        ``isolated_after`` (booleans) and ``transition``, a categorical with the values
        ``"stayed isolated"``, ``"became connected"``, ``"became isolated"`` and
        ``"stayed connected"`` (stable codes; translate them when displaying).

    Examples
    --------
    >>> table = isolation_changes(nx.Graph([(1, 2)]), nx.Graph([(1, 3)]), [1, 2, 3])
    >>> table["transition"].tolist()
    ['stayed connected', 'became isolated', 'became connected']
    """
    people = list(dict.fromkeys(enrolled))
    was = isolated(before, people)
    now = isolated(after, people)
    transition = np.select(
        [was & now, was & ~now, ~was & now], list(TRANSITIONS[:3]), default=TRANSITIONS[3]
    )
    return pd.DataFrame(
        {
            "isolated_before": was,
            "isolated_after": now,
            "transition": pd.Categorical(transition, categories=list(TRANSITIONS)),
        },
        index=pd.Index(people, name="node", tupleize_cols=False),
    )
