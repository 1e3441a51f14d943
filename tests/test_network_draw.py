from __future__ import annotations

import json
import re

import networkx as nx

from community_map.networks.drawing import capped, network_html, stable_layout


def _nodes(page: str) -> list[dict]:
    match = re.search(r"nodes = new vis\.DataSet\((\[.*?\])\);", page, re.S)
    assert match
    return json.loads(match.group(1))


def test_two_thousand_nodes_draw_with_physics_off_and_fixed_positions() -> None:
    G = nx.barabasi_albert_graph(2000, 2, seed=1)
    drawn = network_html(G, positions=stable_layout([G]), max_nodes=2000)
    assert (drawn.shown, drawn.left_out) == (2000, 0)
    nodes = _nodes(drawn.html)
    assert len(nodes) == 2000
    assert all(n["physics"] is False and n["fixed"] is True for n in nodes)
    assert '"physics": {"enabled": false}' in drawn.html


def test_positions_are_stable_across_windows() -> None:
    before, after = nx.path_graph(4), nx.path_graph(4)
    after.add_edge(0, 3)
    positions = stable_layout([before, after])
    first = _nodes(network_html(before, positions=positions).html)
    second = _nodes(network_html(after, positions=positions).html)
    assert [(n["x"], n["y"]) for n in first] == [(n["x"], n["y"]) for n in second]


def test_cap_keeps_the_strongest_or_the_ego_network() -> None:
    star = nx.star_graph(10)
    assert set(capped(star, max_nodes=1).nodes) == {0}
    G = nx.path_graph(10)
    assert set(capped(G, max_nodes=100, ego=5).nodes) == {3, 4, 5, 6, 7}
    drawn = network_html(G, positions=stable_layout([G]), max_nodes=3)
    assert drawn.left_out == 7


def test_labels_and_titles_are_escaped() -> None:
    G = nx.Graph([("a", "b")])
    evil = '<img src=x onerror="alert(1)">'
    page = network_html(
        G, positions=stable_layout([G]), labels={"a": evil}, titles={"b": evil}
    ).html
    assert "<img src=x" not in page
