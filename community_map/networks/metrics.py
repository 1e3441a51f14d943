"""Measures of a social network per time window, computed on the sparse adjacency matrix.

Evaluators compare networks of the same programme across waves (T0/T1) or months. The
graph is read once into scipy sparse matrices; degree, strength, clustering, components,
modularity, E-I index, assortativity, eigenvector centrality, Blau diversity and
betweenness (Brandes' algorithm run as batched sparse-dense products; exact up to
``betweenness_exact_max`` nodes, from a networkx-compatible random sample of sources
beyond) are numpy/scipy operations. networkx is used only for Louvain communities.

Conventions
-----------
* A directed graph is summarised as its undirected version (a tie exists when either
  direction does; the weights of both directions are added), except for ``reciprocity``.
* Self-loops are ignored.
* Edge weights come from the ``weight`` attribute (1 when missing). Clustering,
  transitivity, betweenness and the E-I index count ties, not weights; strength,
  modularity, Louvain communities and eigenvector centrality use the weights.
"""

from __future__ import annotations

import dataclasses
import math
import random
import weakref
from collections.abc import Callable, Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse
from scipy.sparse import csgraph

from community_map.errors import ValidationError
from community_map.i18n import gettext as _
from community_map.networks._matrices import (
    Matrices,
    group_codes,
    isolated,
    matrices,
    undirected_graph,
)

__all__ = [
    "MIN_INTERPRETABLE_NODES",
    "WindowMetrics",
    "ei_index",
    "graph_metrics",
    "metrics_by_window",
    "node_metrics",
]

#: Networks with fewer people (or fewer people with a tie) than this get a warning.
MIN_INTERPRETABLE_NODES = 10

NAN = float("nan")


@dataclass(frozen=True)
class WindowMetrics:
    """Whole-network measures of one time window: one row of the per-window table.

    See :func:`graph_metrics` for the meaning of each field.

    Examples
    --------
    >>> row = WindowMetrics.from_graph("T0", nx.path_graph(3))
    >>> row.window, row.nodes, row.edges, row.components
    ('T0', 3, 2, 1)
    """

    nodes: int
    edges: int
    density: float
    mean_degree: float
    mean_strength: float
    components: int
    largest_component_share: float
    isolates: int
    isolates_share: float
    average_clustering: float
    transitivity: float
    degree_centralization: float
    betweenness_centralization: float
    modularity: float
    communities: int
    reciprocity: float
    ei_index: float
    assortativity: float
    betweenness_sample_size: int
    warning: str
    window: str = ""

    @classmethod
    def from_graph(cls, window: str, G: nx.Graph, **options: Any) -> WindowMetrics:
        """Measure ``G`` as the window ``window``; ``options`` go to :func:`graph_metrics`."""
        return dataclasses.replace(_window_metrics(G, **options), window=window)

    def as_dict(self) -> dict[str, float | int | str]:
        """Return the fields as a plain dictionary (``window`` first)."""
        values = dataclasses.asdict(self)
        return {"window": values.pop("window"), **values}


# --------------------------------------------------------------------------- pieces


def _triangles_twice(net: Matrices) -> np.ndarray:
    """Twice the number of triangles through each node, ``diag(A^3)``."""
    if net.m == 0:
        return np.zeros(net.n)
    return np.asarray((net.A @ net.A).multiply(net.A).sum(axis=1)).ravel()


def _clustering(tri2: np.ndarray, degree: np.ndarray) -> np.ndarray:
    pairs = degree * (degree - 1.0)
    out = np.zeros(len(degree))
    np.divide(tri2, pairs, out=out, where=degree >= 2)
    return out


def _igraph(net: Matrices) -> Any:
    """The network as a python-igraph graph (undirected, weighted), for its C routines."""
    import igraph

    A = net.W.tocoo()
    upper = A.row < A.col
    graph = igraph.Graph(n=net.n, edges=np.column_stack([A.row[upper], A.col[upper]]).tolist())
    graph.es["weight"] = A.data[upper].tolist()
    return graph


def _louvain_labels(
    H: nx.Graph, nodes: list[Hashable], seed: int, net: Matrices | None = None
) -> np.ndarray:
    """Louvain community of each node, numbered from the largest community.

    With python-igraph installed, its C implementation (multilevel, seeded) is used:
    about 50 times faster than networkx's on a city-scale window.
    """
    labels = np.zeros(len(nodes), dtype=np.int64)
    if not nodes:
        return labels
    index = {node: i for i, node in enumerate(nodes)}
    if net is not None and net.m:
        try:
            import igraph
        except ImportError:
            igraph = None
        if igraph is not None:
            igraph.set_random_number_generator(random.Random(seed))
            membership = np.asarray(_igraph(net).community_multilevel(weights="weight").membership)
            found = [np.flatnonzero(membership == c) for c in np.unique(membership)]
            members = sorted(found, key=lambda m: (-len(m), int(m.min())))
            for label, positions in enumerate(members):
                labels[positions] = label
            return labels
    found = nx.community.louvain_communities(H, weight="weight", seed=seed)
    members = [np.fromiter((index[v] for v in c), dtype=np.int64) for c in found]
    members.sort(key=lambda m: (-len(m), int(m.min())))
    for label, positions in enumerate(members):
        labels[positions] = label
    return labels


def _modularity(net: Matrices, labels: np.ndarray) -> float:
    """Newman's weighted modularity (resolution 1) of the partition ``labels``."""
    rows, cols, w = net.upper()
    total = float(w.sum())
    if total <= 0:
        return NAN
    same = labels[rows] == labels[cols]
    k = int(labels.max()) + 1
    inside = np.bincount(labels[rows[same]], weights=w[same], minlength=k)
    strength = np.bincount(labels, weights=net.strength, minlength=k)
    return float((inside / total).sum() - ((strength / (2.0 * total)) ** 2).sum())


def _brandes(A: sparse.csr_matrix, sources: np.ndarray) -> np.ndarray:
    """Unnormalised betweenness summed over ``sources`` (ordered pairs, unweighted).

    Brandes' algorithm written with sparse-dense products: a batch of breadth-first
    searches advances one level per product ``A @ frontier``, and the dependencies are
    accumulated back level by level the same way.
    """
    n = A.shape[0]
    total = np.zeros(n)
    batch = max(1, min(256, 4_000_000 // max(n, 1)))
    for start in range(0, len(sources), batch):
        chosen = sources[start : start + batch]
        b = len(chosen)
        columns = np.arange(b)
        sigma = np.zeros((n, b))
        sigma[chosen, columns] = 1.0
        depth = np.full((n, b), -1, dtype=np.int32)
        depth[chosen, columns] = 0
        frontier = sigma.copy()
        level = 0
        while True:
            reached = A @ frontier
            new = (reached > 0) & (depth < 0)
            if not new.any():
                break
            level += 1
            depth[new] = level
            frontier = np.where(new, reached, 0.0)
            sigma[new] = reached[new]
        delta = np.zeros((n, b))
        for d in range(level, 0, -1):
            at_d = depth == d
            coeff = np.zeros((n, b))
            np.divide(1.0 + delta, sigma, out=coeff, where=at_d)
            back = A @ coeff
            previous = depth == d - 1
            delta[previous] += (sigma * back)[previous]
        delta[chosen, columns] = 0.0
        total += delta.sum(axis=1)
    return total


def _raw_betweenness(net: Matrices, sources: np.ndarray) -> np.ndarray:
    """Brandes dependencies summed over ``sources`` (python-igraph's C code when present)."""
    try:
        import igraph  # noqa: F401
    except ImportError:
        return _brandes(net.A, sources)
    if net.m == 0:
        return np.zeros(net.n)
    graph = _igraph(net)
    # igraph counts each unordered pair once; Brandes' accumulation counts it from both ends
    return 2.0 * np.asarray(
        graph.betweenness(sources=sources.tolist(), directed=False, weights=None), dtype=float
    )


def _betweenness(net: Matrices, exact_max: int, samples: int, seed: int) -> tuple[np.ndarray, int]:
    """Normalised unweighted betweenness and the number of sampled sources (0 = exact).

    Gives networkx's ``betweenness_centrality(G, normalized=True)`` and, when sampling,
    ``betweenness_centrality(G, k=samples, normalized=True, seed=seed)``: same sources,
    same rescaling.
    """
    if samples < 1:
        raise ValidationError(_("The number of betweenness samples must be at least 1."))
    n = net.n
    if n <= 2:  # no node can lie between two others
        return np.zeros(n), 0 if (n <= exact_max or samples >= n) else samples
    if n <= exact_max or samples >= n:
        raw = _raw_betweenness(net, np.arange(n))
        return raw / ((n - 1) * (n - 2)) if n > 2 else raw, 0
    k = samples
    chosen = random.Random(seed).sample(range(n), k)
    raw = _raw_betweenness(net, np.asarray(chosen, dtype=np.int64))
    scale = np.full(n, 1.0 / (k * (n - 2)))
    scale[chosen] = 1.0 / ((k - 1) * (n - 2)) if k > 1 else NAN
    return raw * scale, k


def _eigenvector(net: Matrices, *, max_iter: int = 1000, tol: float = 1.0e-6) -> np.ndarray:
    """Weighted eigenvector centrality by networkx's power iteration on ``W + I``.

    Isolated people get 0; when the iteration does not converge every score is NaN.
    """
    n = net.n
    if n == 0:
        return np.empty(0)
    x = np.full(n, 1.0 / n)
    for _step in range(max_iter):
        last = x
        x = last + net.W @ last
        norm = float(np.linalg.norm(x)) or 1.0
        x = np.asarray(x / norm, dtype=np.float64)
        if float(np.abs(x - last).sum()) < n * tol:
            x[net.degree == 0] = 0.0
            return x
    return np.full(n, NAN)


def _ei_from_codes(net: Matrices, codes: np.ndarray) -> float:
    rows, cols, _w = net.upper()
    cu, cv = codes[rows], codes[cols]
    known = (cu >= 0) & (cv >= 0)
    external = int((cu[known] != cv[known]).sum())
    internal = int(known.sum()) - external
    if external + internal == 0:
        return NAN
    return (external - internal) / (external + internal)


def _assortativity_from_codes(net: Matrices, codes: np.ndarray) -> float:
    rows, cols, _w = net.upper()
    cu, cv = codes[rows], codes[cols]
    known = (cu >= 0) & (cv >= 0)
    ties = int(known.sum())
    if ties == 0:
        return NAN
    same = float((cu[known] == cv[known]).sum()) / ties
    ends = np.bincount(np.concatenate([cu[known], cv[known]])) / (2.0 * ties)
    expected = float((ends**2).sum())
    if math.isclose(expected, 1.0):
        return NAN
    return (same - expected) / (1.0 - expected)


def _warning(n: int, tied: int) -> str:
    if n < MIN_INTERPRETABLE_NODES:
        return _(
            "This network has only {n} people; with fewer than {minimum}, its measures are "
            "too unstable to interpret."
        ).format(n=n, minimum=MIN_INTERPRETABLE_NODES)
    if tied < MIN_INTERPRETABLE_NODES:
        return _(
            "Only {tied} of the {n} people in this network have a tie; with fewer than "
            "{minimum} connected people, its measures are too unstable to interpret."
        ).format(tied=tied, n=n, minimum=MIN_INTERPRETABLE_NODES)
    return ""


# --------------------------------------------------------------------------- public API


# The costly results (betweenness, Louvain) of one graph, shared by graph_metrics and
# node_metrics so that a window's table and its per-node table cost one computation.
# Keyed weakly on the graph object, with its size, so a changed graph is recomputed.
_SHARED: weakref.WeakKeyDictionary[nx.Graph, dict[tuple[Any, ...], Any]] = (
    weakref.WeakKeyDictionary()
)
_T = TypeVar("_T")


def _shared(G: nx.Graph, key: tuple[Any, ...], compute: Callable[[], _T]) -> _T:
    try:
        memo = _SHARED.setdefault(G, {})
    except TypeError:  # graph types that cannot be weakly referenced
        return compute()
    full = (*key, G.number_of_nodes(), G.number_of_edges())
    if full not in memo:
        memo[full] = compute()
    result: _T = memo[full]
    return result


def _window_metrics(
    G: nx.Graph,
    *,
    enrolled: Iterable[Hashable] | None = None,
    group: Mapping[Any, Any] | None = None,
    betweenness_exact_max: int = 2000,
    betweenness_samples: int = 500,
    seed: int = 0,
) -> WindowMetrics:
    net = _shared(G, ("network",), lambda: matrices(G))
    n, m = net.n, net.m
    degree = net.degree
    H = undirected_graph(G, net)

    if n:
        n_comp, comp = csgraph.connected_components(net.A, directed=False)
        largest = float(np.bincount(comp).max()) / n
    else:
        n_comp, largest = 0, NAN

    people = list(dict.fromkeys(G.nodes if enrolled is None else enrolled))
    isolates = int(isolated(G, people).sum())

    tri2 = _triangles_twice(net)
    pairs = degree * (degree - 1.0)
    transitivity = float(tri2.sum() / pairs.sum()) if tri2.sum() > 0 else 0.0

    between, k = _shared(
        G,
        ("betweenness", betweenness_exact_max, betweenness_samples, seed),
        lambda: _betweenness(net, betweenness_exact_max, betweenness_samples, seed),
    )
    labels = _shared(G, ("louvain", seed), lambda: _louvain_labels(H, net.nodes, seed, net))
    codes = group_codes(net.nodes, group) if group is not None else None
    reciprocity = NAN
    if net.D is not None and net.D.nnz:
        reciprocity = float(net.D.multiply(net.D.T).nnz) / net.D.nnz

    return WindowMetrics(
        nodes=n,
        edges=m,
        density=2.0 * m / (n * (n - 1)) if n > 1 else 0.0,
        mean_degree=2.0 * m / n if n else NAN,
        mean_strength=float(net.W.sum()) / n if n else NAN,
        components=int(n_comp),
        largest_component_share=largest,
        isolates=isolates,
        isolates_share=isolates / len(people) if people else NAN,
        average_clustering=float(_clustering(tri2, degree).mean()) if n else NAN,
        transitivity=transitivity,
        degree_centralization=(
            float((degree.max() - degree).sum()) / ((n - 1) * (n - 2)) if n > 2 else NAN
        ),
        betweenness_centralization=(
            float((between.max() - between).sum()) / (n - 1) if n > 2 else NAN
        ),
        modularity=_modularity(net, labels) if m else NAN,
        communities=int(labels.max()) + 1 if n else 0,
        reciprocity=reciprocity,
        ei_index=_ei_from_codes(net, codes) if codes is not None else NAN,
        assortativity=_assortativity_from_codes(net, codes) if codes is not None else NAN,
        betweenness_sample_size=k,
        warning=_warning(n, int((degree > 0).sum())),
    )


def graph_metrics(
    G: nx.Graph,
    *,
    enrolled: Iterable[Hashable] | None = None,
    group: Mapping[Any, Any] | None = None,
    betweenness_exact_max: int = 2000,
    betweenness_samples: int = 500,
    seed: int = 0,
) -> dict[str, float | int | str]:
    """Whole-network measures of one time window.

    Parameters
    ----------
    G
        Undirected weighted network (a ``DiGraph`` is measured as its undirected
        version, except for ``reciprocity``).
    enrolled
        People enrolled in the programme during the window; those with no tie in ``G``
        (or absent from it) are its isolates. Default: the nodes of ``G``.
    group
        Group of each person (e.g. neighbourhood, origin) for the E-I index and the
        assortativity; people missing from it are left out of both.
    betweenness_exact_max
        Networks with at most this many nodes get exact betweenness; larger ones are
        estimated from ``betweenness_samples`` random sources.
    betweenness_samples
        Number of sampled sources for large networks.
    seed
        Seed of the Louvain method and of the betweenness sample.

    Returns
    -------
    dict
        ``nodes``, ``edges``, ``density``, ``mean_degree``, ``mean_strength``,
        ``components``, ``largest_component_share``, ``isolates``, ``isolates_share``,
        ``average_clustering``, ``transitivity``, ``degree_centralization`` (Freeman:
        1 for a star, 0 for a complete graph), ``betweenness_centralization``
        (Freeman, on normalised betweenness), ``modularity`` and ``communities``
        (Louvain), ``reciprocity`` (directed graphs only, else NaN), ``ei_index``,
        ``assortativity`` (by group, NaN without ``group``),
        ``betweenness_sample_size`` (0 when exact) and ``warning`` (a translated
        message when the network is too small to interpret, else ``""``).

    Examples
    --------
    >>> m = graph_metrics(nx.star_graph(3), enrolled=[0, 1, 2, 3, 9])
    >>> m["edges"], m["degree_centralization"], m["isolates"]
    (3, 1.0, 1)
    >>> m["warning"] != ""
    True
    """
    metrics = _window_metrics(
        G,
        enrolled=enrolled,
        group=group,
        betweenness_exact_max=betweenness_exact_max,
        betweenness_samples=betweenness_samples,
        seed=seed,
    )
    values = dataclasses.asdict(metrics)
    del values["window"]
    return values


def metrics_by_window(graphs: Mapping[str, nx.Graph], **options: Any) -> pd.DataFrame:
    """Table of :func:`graph_metrics`, one row per window (index ``window``).

    Examples
    --------
    >>> table = metrics_by_window({"T0": nx.path_graph(3), "T1": nx.complete_graph(3)})
    >>> table["edges"].tolist()
    [2, 3]
    """
    rows = [WindowMetrics.from_graph(str(w), G, **options).as_dict() for w, G in graphs.items()]
    columns = ["window", *(f.name for f in dataclasses.fields(WindowMetrics) if f.name != "window")]
    return pd.DataFrame(rows, columns=columns).set_index("window")


def node_metrics(
    G: nx.Graph,
    *,
    group: Mapping[Any, Any] | None = None,
    betweenness_exact_max: int = 2000,
    betweenness_samples: int = 500,
    seed: int = 0,
) -> pd.DataFrame:
    """Measures of each person in one time window.

    Parameters
    ----------
    G
        Undirected weighted network (a ``DiGraph`` is measured as its undirected
        version).
    group
        Group of each person, for the Blau diversity of their ties.
    betweenness_exact_max, betweenness_samples, seed
        As in :func:`graph_metrics`.

    Returns
    -------
    pandas.DataFrame
        Index ``node``; columns ``degree``, ``strength``, ``betweenness`` (normalised,
        unweighted), ``eigenvector`` (weighted; 0 for isolated people, NaN everywhere if
        the power iteration does not converge), ``clustering`` (unweighted),
        ``community`` (Louvain, 0 = largest) and ``blau`` (1 - sum p_k^2 over the
        groups of a person's contacts; NaN without ``group`` or without contacts with
        a known group).

    Examples
    --------
    >>> G = nx.Graph([("a", "b"), ("a", "c")])
    >>> table = node_metrics(G, group={"a": "x", "b": "x", "c": "y"})
    >>> table.loc["a", ["degree", "betweenness", "blau"]].tolist()
    [2.0, 1.0, 0.5]
    """
    net = _shared(G, ("network",), lambda: matrices(G))
    degree = net.degree
    H = undirected_graph(G, net)
    between, _k = _shared(
        G,
        ("betweenness", betweenness_exact_max, betweenness_samples, seed),
        lambda: _betweenness(net, betweenness_exact_max, betweenness_samples, seed),
    )
    blau = np.full(net.n, NAN)
    if group is not None and net.n:
        codes = group_codes(net.nodes, group)
        known = np.flatnonzero(codes >= 0)
        if len(known):
            onehot = sparse.csr_matrix(
                (np.ones(len(known)), (known, codes[known])),
                shape=(net.n, int(codes.max()) + 1),
            )
            counts = (net.A @ onehot).tocsr()
            total = np.asarray(counts.sum(axis=1)).ravel()
            squares = np.asarray(counts.multiply(counts).sum(axis=1)).ravel()
            np.divide(squares, total**2, out=blau, where=total > 0)
            blau = np.where(total > 0, 1.0 - blau, NAN)
    frame = pd.DataFrame(
        {
            "degree": degree,
            "strength": net.strength,
            "betweenness": between,
            "eigenvector": _eigenvector(net),
            "clustering": _clustering(_triangles_twice(net), degree),
            "community": _shared(
                G, ("louvain", seed), lambda: _louvain_labels(H, net.nodes, seed, net)
            ),
            "blau": blau,
        },
        index=pd.Index(net.nodes, name="node", tupleize_cols=False),
    )
    return frame


def ei_index(G: nx.Graph, group: Mapping[Any, Any]) -> float:
    """Krackhardt and Stern's E-I index of the ties of ``G``: (E - I) / (E + I).

    E counts ties between people of different groups and I ties within a group; ties
    of people without a group are left out. -1 means all ties stay inside groups, +1
    that all cross them. NaN when no tie counts.

    Examples
    --------
    >>> G = nx.Graph([("A", "B"), ("A", "C"), ("C", "D")])
    >>> round(ei_index(G, {"A": "x", "B": "x", "C": "y", "D": "y"}), 4)
    -0.3333
    """
    net = _shared(G, ("network",), lambda: matrices(G))
    return _ei_from_codes(net, group_codes(net.nodes, group))
