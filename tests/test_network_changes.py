"""Change between windows: ties gained, lost and kept; isolation transitions."""

from __future__ import annotations

import networkx as nx
from hypothesis import given, settings

from community_map.networks import TRANSITIONS, isolation_changes, tie_changes
from tests.test_network_metrics import weighted_graphs


@settings(max_examples=60, deadline=None)
@given(weighted_graphs(), weighted_graphs())
def test_tie_changes_match_set_reference(before: nx.Graph, after: nx.Graph) -> None:
    old = {frozenset(e) for e in before.edges()}
    new = {frozenset(e) for e in after.edges()}
    assert tie_changes(before, after) == {
        "gained": len(new - old),
        "lost": len(old - new),
        "kept": len(old & new),
    }


def test_tie_changes_by_hand() -> None:
    before = nx.Graph([("a", "b"), ("b", "c"), ("c", "d")])
    after = nx.Graph([("b", "a"), ("c", "e"), ("d", "e"), ("e", "e")])
    assert tie_changes(before, after) == {"gained": 2, "lost": 2, "kept": 1}
    assert tie_changes(nx.Graph(), nx.Graph()) == {"gained": 0, "lost": 0, "kept": 0}
    # directed ties are unordered pairs
    assert tie_changes(nx.DiGraph([(1, 2)]), nx.DiGraph([(2, 1)]))["kept"] == 1


def test_isolation_transitions() -> None:
    before = nx.Graph([("a", "b")])
    before.add_nodes_from(["c", "d"])
    after = nx.Graph([("a", "b"), ("c", "e")])
    after.add_node("d")
    table = isolation_changes(before, after, ["a", "c", "d", "e", "f", "b"])
    assert table.index.tolist() == ["a", "c", "d", "e", "f", "b"]
    assert table["transition"].tolist() == [
        "stayed connected",
        "became connected",
        "stayed isolated",
        "became connected",  # absent before, tied after
        "stayed isolated",  # absent from both
        "stayed connected",
    ]
    assert table.loc["c", "isolated_before"] and not table.loc["c", "isolated_after"]
    assert list(table["transition"].cat.categories) == list(TRANSITIONS)
    lost = isolation_changes(after, before, ["c"])
    assert lost.loc["c", "transition"] == "became isolated"
