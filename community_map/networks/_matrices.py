"""Sparse-matrix form of a network, shared by :mod:`.metrics` and :mod:`.changes`.

A graph is read once into scipy sparse matrices: symmetric 0/1 ties ``A``, symmetric
weights ``W`` and, for directed graphs, the directed ties ``D``. Self-loops are dropped.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse

__all__ = ["Matrices", "edge_arrays", "group_codes", "isolated", "matrices", "undirected_graph"]


@dataclass(frozen=True)
class Matrices:
    nodes: list[Hashable]
    A: sparse.csr_matrix  # symmetric 0/1 ties, no diagonal
    W: sparse.csr_matrix  # symmetric weights, no diagonal
    D: sparse.csr_matrix | None  # directed 0/1 ties (directed graphs only)

    @property
    def n(self) -> int:
        return len(self.nodes)

    @property
    def m(self) -> int:
        return int(self.A.nnz // 2)

    @property
    def degree(self) -> np.ndarray:
        return np.asarray(self.A.sum(axis=1)).ravel().astype(np.int64)

    @property
    def strength(self) -> np.ndarray:
        return np.asarray(self.W.sum(axis=1)).ravel()

    def upper(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each undirected tie once: rows, columns (row < column) and weights."""
        U = sparse.triu(self.W, k=1).tocoo()
        Ub = sparse.triu(self.A, k=1).tocoo()
        if U.nnz == Ub.nnz:
            return U.row, U.col, U.data
        # Some weights are zero: take the ties from A and look their weights up in W.
        w = np.asarray(self.W[Ub.row, Ub.col]).ravel()
        return Ub.row, Ub.col, w


def edge_arrays(
    G: nx.Graph, index: Mapping[Hashable, int]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Endpoint positions and weights of every edge of ``G``, self-loops removed."""
    m = G.number_of_edges()
    if m == 0:
        empty = np.empty(0, dtype=np.int64)
        return empty, empty.copy(), np.empty(0, dtype=np.float64)
    a, b, x = zip(*G.edges(data="weight", default=1.0), strict=True)
    u = np.fromiter(map(index.__getitem__, a), dtype=np.int64, count=m)
    v = np.fromiter(map(index.__getitem__, b), dtype=np.int64, count=m)
    w = np.asarray(x, dtype=np.float64)
    keep = u != v
    return u[keep], v[keep], w[keep]


def matrices(G: nx.Graph) -> Matrices:
    nodes = list(G.nodes)
    n = len(nodes)
    index = {node: i for i, node in enumerate(nodes)}
    u, v, w = edge_arrays(G, index)
    ones = np.ones(len(u), dtype=np.float64)
    B = sparse.csr_matrix((ones, (u, v)), shape=(n, n))
    A = (B + B.T).tocsr()
    A.data[:] = 1.0
    Wd = sparse.csr_matrix((w, (u, v)), shape=(n, n))
    W = (Wd + Wd.T).tocsr()
    D = None
    if G.is_directed():
        D = B.copy()
        D.data[:] = 1.0
    return Matrices(nodes, A, W, D)


def undirected_graph(G: nx.Graph, net: Matrices) -> nx.Graph:
    """``G`` itself when it is undirected without self-loops, else an equivalent Graph."""
    if not G.is_directed() and nx.number_of_selfloops(G) == 0:
        return G
    H = nx.Graph()
    H.add_nodes_from(net.nodes)
    rows, cols, w = net.upper()
    labels = np.empty(net.n, dtype=object)
    labels[:] = net.nodes
    H.add_weighted_edges_from(zip(labels[rows], labels[cols], w.tolist(), strict=True))
    return H


def group_codes(nodes: list[Hashable], group: Mapping[Any, Any]) -> np.ndarray:
    """Integer group code of each node; -1 when the node has no (or a missing) group."""
    values = pd.Series([group.get(node) for node in nodes], dtype=object)
    codes, _uniques = pd.factorize(values, use_na_sentinel=True)
    return np.asarray(codes, dtype=np.int64)


def isolated(G: nx.Graph, nodes: Iterable[Hashable]) -> np.ndarray:
    """Whether each node has no tie to anybody else in ``G`` (absent nodes count)."""

    def tied(node: Hashable) -> bool:
        if node not in G:
            return False
        if any(other != node for other in G.adj[node]):
            return True
        return G.is_directed() and any(other != node for other in G.pred[node])

    return np.array([not tied(node) for node in nodes], dtype=bool)
