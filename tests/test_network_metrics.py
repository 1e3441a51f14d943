"""Network measures against networkx's reference functions and hand-computed examples."""

from __future__ import annotations

import math
import random

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from community_map.errors import ValidationError
from community_map.networks import (
    WindowMetrics,
    ei_index,
    graph_metrics,
    metrics_by_window,
    node_metrics,
)


@st.composite
def weighted_graphs(draw: st.DrawFn, directed: bool = False) -> nx.Graph:
    n = draw(st.integers(0, 40))
    p = draw(st.floats(0.0, 1.0))
    seed = draw(st.integers(0, 2**31 - 1))
    G = nx.gnp_random_graph(n, p, seed=seed, directed=directed)
    rng = random.Random(seed)
    for _u, _v, data in G.edges(data=True):
        data["weight"] = rng.uniform(0.1, 5.0)
    return G


def _groups(G: nx.Graph, seed: int, k: int = 3) -> dict[int, str]:
    rng = random.Random(seed)
    return {v: "xyz"[rng.randrange(k)] for v in G}


# ------------------------------------------------------------------- property tests


@settings(max_examples=80, deadline=None)
@given(weighted_graphs())
def test_graph_metrics_match_networkx(G: nx.Graph) -> None:
    m = graph_metrics(G)
    n = G.number_of_nodes()
    assert m["nodes"] == n
    assert m["edges"] == G.number_of_edges()
    assert m["density"] == pytest.approx(nx.density(G))
    assert m["transitivity"] == pytest.approx(nx.transitivity(G))
    assert m["betweenness_sample_size"] == 0
    assert math.isnan(float(m["reciprocity"]))
    if n == 0:
        assert m["components"] == 0
        return
    degrees = [d for _v, d in G.degree()]
    strengths = [d for _v, d in G.degree(weight="weight")]
    assert m["mean_degree"] == pytest.approx(np.mean(degrees))
    assert m["mean_strength"] == pytest.approx(np.mean(strengths))
    assert m["average_clustering"] == pytest.approx(nx.average_clustering(G))
    assert m["components"] == nx.number_connected_components(G)
    largest = max(len(c) for c in nx.connected_components(G))
    assert m["largest_component_share"] == pytest.approx(largest / n)
    isolates = len(list(nx.isolates(G)))
    assert m["isolates"] == isolates
    assert m["isolates_share"] == pytest.approx(isolates / n)
    if G.number_of_edges():
        # our modularity is the networkx modularity of our own partition, and the
        # partition (Louvain, igraph's C code) is as good as networkx's Louvain
        ours = node_metrics(G).groupby("community").apply(lambda t: set(t.index)).tolist()
        assert m["communities"] == len(ours)
        assert m["modularity"] == pytest.approx(
            nx.community.modularity(G, ours, weight="weight"), abs=1e-9
        )
        louvain = nx.community.louvain_communities(G, weight="weight", seed=0)
        reference = nx.community.modularity(G, louvain, weight="weight")
        assert m["modularity"] >= reference - 0.05
    else:
        assert math.isnan(float(m["modularity"]))


@settings(max_examples=80, deadline=None)
@given(weighted_graphs())
def test_node_metrics_match_networkx(G: nx.Graph) -> None:
    table = node_metrics(G)
    assert list(table.index) == list(G.nodes)
    if not len(G):
        return
    assert table["degree"].to_dict() == dict(G.degree())
    assert table["strength"].to_numpy() == pytest.approx([d for _v, d in G.degree(weight="weight")])
    clustering = nx.clustering(G)
    assert table["clustering"].to_numpy() == pytest.approx([clustering[v] for v in G])
    between = nx.betweenness_centrality(G, normalized=True)
    assert table["betweenness"].to_numpy() == pytest.approx([between[v] for v in G], abs=1e-12)
    ours = table.groupby("community").apply(lambda t: frozenset(t.index)).tolist()
    assert sorted(v for c in ours for v in c) == sorted(G.nodes)  # a partition of the nodes
    assert nx.community.is_partition(G, ours)
    try:
        eigen = nx.eigenvector_centrality(G, weight="weight")
    except nx.PowerIterationFailedConvergence:
        return
    connected = table["degree"] > 0
    assert (table.loc[~connected, "eigenvector"] == 0).all()
    expected = np.array([eigen[v] for v in table.index[connected]])
    assert table.loc[connected, "eigenvector"].to_numpy() == pytest.approx(expected, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(weighted_graphs(), st.integers(0, 1000))
def test_ei_index_and_assortativity_match_reference(G: nx.Graph, seed: int) -> None:
    group = _groups(G, seed)
    external = sum(group[u] != group[v] for u, v in G.edges())
    internal = G.number_of_edges() - external
    m = graph_metrics(G, group=group)
    if external + internal == 0:
        assert math.isnan(ei_index(G, group))
        assert math.isnan(float(m["ei_index"]))
        return
    expected = (external - internal) / (external + internal)
    assert ei_index(G, group) == pytest.approx(expected)
    assert m["ei_index"] == pytest.approx(expected)
    H = G.copy()
    nx.set_node_attributes(H, group, "group")
    with np.errstate(all="ignore"):
        reference = nx.attribute_assortativity_coefficient(H, "group")
    if math.isfinite(reference):
        assert m["assortativity"] == pytest.approx(reference, abs=1e-9)
    else:
        assert math.isnan(float(m["assortativity"]))


@settings(max_examples=40, deadline=None)
@given(weighted_graphs(directed=True))
def test_directed_graphs_reciprocity_and_undirected_summary(G: nx.DiGraph) -> None:
    m = graph_metrics(G)
    U = G.to_undirected()
    assert m["edges"] == U.number_of_edges()
    assert m["components"] == (nx.number_connected_components(U) if len(G) else 0)
    if G.number_of_edges():
        assert m["reciprocity"] == pytest.approx(nx.overall_reciprocity(G))
    else:
        assert math.isnan(float(m["reciprocity"]))
    assert list(node_metrics(G)["degree"]) == [d for _v, d in U.degree()]


# ------------------------------------------------------------------- hand-computed


def test_ei_index_by_hand() -> None:
    G = nx.Graph([("A", "B"), ("A", "C"), ("C", "D")])
    group = {"A": "x", "B": "x", "C": "y", "D": "y"}
    # I = AB, CD = 2; E = AC = 1 -> (1 - 2) / 3
    assert ei_index(G, group) == pytest.approx(-1 / 3)
    assert ei_index(G, {"A": "x", "B": "y", "C": "z", "D": "x"}) == 1.0
    # ties of people without a group are left out: only AB counts, internal
    assert ei_index(G, {"A": "x", "B": "x"}) == -1.0
    assert math.isnan(ei_index(nx.empty_graph(3), group))


def test_freeman_degree_centralization() -> None:
    assert graph_metrics(nx.star_graph(9))["degree_centralization"] == pytest.approx(1.0)
    assert graph_metrics(nx.complete_graph(10))["degree_centralization"] == pytest.approx(0.0)
    # path of 4: degrees 1,2,2,1 -> (1 + 0 + 0 + 1) / (3 * 2)
    assert graph_metrics(nx.path_graph(4))["degree_centralization"] == pytest.approx(1 / 3)
    assert math.isnan(float(graph_metrics(nx.path_graph(2))["degree_centralization"]))


def test_betweenness_centralization_of_star_and_complete_graph() -> None:
    assert graph_metrics(nx.star_graph(9))["betweenness_centralization"] == pytest.approx(1.0)
    assert graph_metrics(nx.complete_graph(10))["betweenness_centralization"] == 0.0


def test_isolates_count_enrolled_people_absent_from_the_network() -> None:
    G = nx.Graph([(1, 2)])
    G.add_node(3)
    G.add_edge(4, 4)  # a self-loop is no tie
    m = graph_metrics(G, enrolled=[1, 2, 3, 4, 5, 5])
    assert m["isolates"] == 3  # 3 (no tie), 4 (self-loop only), 5 (absent)
    assert m["isolates_share"] == pytest.approx(3 / 5)
    assert m["edges"] == 1


def test_blau_index_by_hand() -> None:
    G = nx.Graph([("ego", "a"), ("ego", "b"), ("ego", "c"), ("a", "b")])
    G.add_node("alone")
    group = {"ego": "x", "a": "x", "b": "x", "c": "y", "alone": "y"}
    blau = node_metrics(G, group=group)["blau"]
    assert blau["ego"] == pytest.approx(1 - (2 / 3) ** 2 - (1 / 3) ** 2)  # 4/9
    assert blau["a"] == 0.0  # alters ego and b, both x
    assert blau["c"] == 0.0
    assert math.isnan(blau["alone"])  # no alters
    assert node_metrics(G)["blau"].isna().all()  # no groups
    # alters without a group are left out: ego's known alters are c only
    assert node_metrics(G, group={"c": "y"})["blau"]["ego"] == 0.0


def test_small_network_warning() -> None:
    assert graph_metrics(nx.path_graph(5))["warning"] != ""
    big = nx.complete_graph(12)
    assert graph_metrics(big)["warning"] == ""
    sparse_ties = nx.empty_graph(30)
    sparse_ties.add_edges_from([(0, 1), (2, 3)])
    assert "4" in str(graph_metrics(sparse_ties)["warning"])


def test_empty_graph() -> None:
    m = graph_metrics(nx.Graph(), enrolled=[])
    assert m["nodes"] == 0 and m["edges"] == 0 and m["communities"] == 0
    assert math.isnan(float(m["isolates_share"]))
    assert node_metrics(nx.Graph()).empty


def test_sampled_betweenness_uses_networkx_sample() -> None:
    G = nx.connected_watts_strogatz_graph(60, 4, 0.2, seed=1)
    table = node_metrics(G, betweenness_exact_max=10, betweenness_samples=20, seed=3)
    reference = nx.betweenness_centrality(G, k=20, normalized=True, seed=3)
    assert table["betweenness"].to_numpy() == pytest.approx([reference[v] for v in G])
    m = graph_metrics(G, betweenness_exact_max=10, betweenness_samples=20)
    assert m["betweenness_sample_size"] == 20
    with pytest.raises(ValidationError):
        graph_metrics(G, betweenness_samples=0)


def test_eigenvector_is_zero_for_isolated_people_and_nan_without_convergence() -> None:
    G = nx.complete_graph(4)
    G.add_node(99)
    eigen = node_metrics(G)["eigenvector"]
    assert eigen[99] == 0.0
    assert eigen[[0, 1, 2, 3]].to_numpy() == pytest.approx([0.5] * 4)


def test_nodes_that_are_tuples_and_strings_keep_their_labels() -> None:
    G = nx.Graph([((1, "a"), (2, "b")), ((2, "b"), "c")])
    table = node_metrics(G, group={(1, "a"): "x", (2, "b"): "y", "c": "y"})
    assert table.index.tolist() == [(1, "a"), (2, "b"), "c"]
    assert table.loc[[(2, "b")], "degree"].item() == 2


def test_window_table() -> None:
    table = metrics_by_window(
        {"T0": nx.path_graph(12), "T1": nx.complete_graph(12)}, enrolled=range(14)
    )
    assert isinstance(table, pd.DataFrame)
    assert table.index.tolist() == ["T0", "T1"]
    assert table.loc["T0", "isolates"] == 2
    assert table.loc["T1", "density"] == 1.0
    row = WindowMetrics.from_graph("T1", nx.complete_graph(12))
    assert row.as_dict()["window"] == "T1" and row.transitivity == 1.0


@settings(max_examples=60, deadline=None)
@given(weighted_graphs(), st.integers(1, 40), st.integers(0, 1000))
def test_sampled_betweenness_matches_networkx(G: nx.Graph, k: int, seed: int) -> None:
    n = len(G)
    table = node_metrics(G, betweenness_exact_max=0, betweenness_samples=k, seed=seed)
    if n == 0:
        return
    reference = nx.betweenness_centrality(G, k=min(k, n), normalized=True, seed=seed)
    expected = np.array([reference[v] for v in G])
    assert table["betweenness"].to_numpy() == pytest.approx(expected, abs=1e-12, nan_ok=True)
    sample_size = graph_metrics(G, betweenness_exact_max=0, betweenness_samples=k)
    assert sample_size["betweenness_sample_size"] == (0 if k >= n else k)
