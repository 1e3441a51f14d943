"""Benchmark: participant networks of every monthly window with all the metrics.

On the ``city`` demo data (20,000 participants, ~5,000 sessions, ~100,000 attendance
rows), times the product's pipeline (``community_map.network.network_series``: sparse
projection and community_map's metrics) against the plain networkx way
(bipartite.weighted_projected_graph plus networkx metrics, betweenness sampled the same
way), in the same run, and reports peak memory.
Targets: at least 30 times faster, under 10 s in total.

Usage: ``python benchmarks/bench_network.py [--database-url URL] [--baseline-budget 300]``.
The baseline stops after ``--baseline-budget`` seconds and extrapolates the remaining
windows from the measured ones (it says so).
"""

from __future__ import annotations

import contextlib
import resource
import sys
import time
from pathlib import Path

import networkx as nx
from networkx.algorithms import bipartite

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _common import benchmark_parser, city_engine  # noqa: E402

from community_map import network, storage  # noqa: E402
from community_map.trust import Actor  # noqa: E402

SAMPLES = 500


def ours(tables, windows) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    network.network_series(
        tables,
        windows=windows,
        layer="coattendance",
        group_by="district",
        betweenness_samples=SAMPLES,
    )
    return time.perf_counter() - start


def baseline_window(att, enrolled, group) -> None:  # type: ignore[no-untyped-def]
    B = nx.Graph()
    people = set(att["participant_id"])
    B.add_nodes_from(people, bipartite=0)
    B.add_nodes_from((f"s{s}" for s in set(att["session_id"])), bipartite=1)
    B.add_edges_from(
        (p, f"s{s}") for p, s in zip(att["participant_id"], att["session_id"], strict=True)
    )
    G = bipartite.weighted_projected_graph(B, people) if people else nx.Graph()
    G.add_nodes_from(enrolled)
    n = G.number_of_nodes()
    nx.density(G)
    degrees = dict(G.degree())
    strength = dict(G.degree(weight="weight"))
    top = max(degrees.values()) if degrees else 0
    if n > 2:
        sum(top - d for d in degrees.values()) / ((n - 1) * (n - 2))
    list(nx.connected_components(G))
    list(nx.isolates(G))
    nx.average_clustering(G)
    nx.transitivity(G)
    nx.clustering(G)
    nx.betweenness_centrality(G, k=min(SAMPLES, n), seed=0)
    with contextlib.suppress(nx.PowerIterationFailedConvergence):
        nx.eigenvector_centrality(G, max_iter=200, weight="weight")
    communities = nx.community.louvain_communities(G, weight="weight", seed=0)
    if G.number_of_edges():
        nx.community.modularity(G, communities, weight="weight")
    nx.set_node_attributes(G, group, "group")
    if G.number_of_edges():
        nx.attribute_assortativity_coefficient(G, "group")
    del strength


def main() -> int:
    parser = benchmark_parser(__doc__)
    parser.add_argument("--baseline-budget", type=float, default=300.0)
    args = parser.parse_args()
    with city_engine(args.database_url) as engine, storage.session_scope(engine) as session:
        tables = network.series_tables(session, actor=Actor.command_line())
    windows = network.series_windows(tables, kind="month")
    print(
        f"participants: {len(tables['people']):,}  attendance rows: "
        f"{len(tables['attendance']):,}  monthly windows: {len(windows)}"
    )

    ours_times = [ours(tables, windows) for _ in range(3)]
    ours_t = sorted(ours_times)[1]
    print(f"community_map pipeline runs: {', '.join(f'{t:.2f}' for t in ours_times)} s", flush=True)
    peak_ours = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    group = tables["people"]["district"].astype(str).to_dict()
    spent, done = 0.0, 0
    for w in windows:
        att = tables["attendance"][w.contains(tables["attendance"]["starts_at"])]
        start = time.perf_counter()
        baseline_window(att, network.enrolled_in(tables["people"], w), group)
        spent += time.perf_counter() - start
        done += 1
        if spent > args.baseline_budget:
            break
    baseline_t = spent * len(windows) / done
    note = (
        ""
        if done == len(windows)
        else (f" (measured {done} of {len(windows)} windows in {spent:.0f} s, extrapolated)")
    )
    peak_all = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"community_map pipeline, median of 3: {ours_t:8.2f} s   peak RSS {peak_ours:,.0f} MB")
    print(
        f"plain networkx:                      {baseline_t:8.2f} s{note}"
        f"   peak RSS after it {peak_all:,.0f} MB"
    )
    ratio = baseline_t / ours_t
    print(f"ratio: {ratio:.1f}x faster")
    ok = ratio >= 30 and ours_t < 10
    print(f"targets (>= 30x, < 10 s): {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
