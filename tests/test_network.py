"""Co-attendance networks on a 4-person table whose weights are counted by hand.

Sessions: s1 = {A, B, C}, s2 = {A, B}, s3 = {C, D}, s4 = {A, B, C, D}.
Shared sessions: AB 3, AC 2, AD 1, BC 2, BD 1, CD 2.
Newman weights (1/(k-1) per session of k attendees): s1 adds 1/2, s2 and s3 add 1,
s4 adds 1/3: AB 11/6, AC 5/6, AD 1/3, BC 5/6, BD 1/3, CD 4/3.
"""

from __future__ import annotations

import networkx as nx
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from networkx.algorithms import bipartite

from community_map.errors import ValidationError
from community_map.network import graph_from_attendance

SESSIONS = {"s1": "ABC", "s2": "AB", "s3": "CD", "s4": "ABCD"}
ATTENDANCE = pd.DataFrame(
    [(p, s) for s, people in SESSIONS.items() for p in people],
    columns=["participant_id", "session_id"],
)


def _edges(G: nx.Graph, attr: str) -> dict[str, float]:
    return {"".join(sorted((u, v))): d[attr] for u, v, d in G.edges(data=True)}


def test_shared_session_counts() -> None:
    G = graph_from_attendance(ATTENDANCE)
    assert _edges(G, "weight") == {"AB": 3, "AC": 2, "AD": 1, "BC": 2, "BD": 1, "CD": 2}
    assert _edges(G, "shared") == _edges(G, "weight")


def test_newman_weights() -> None:
    G = graph_from_attendance(ATTENDANCE, weighting="newman")
    expected = {"AB": 11 / 6, "AC": 5 / 6, "AD": 1 / 3, "BC": 5 / 6, "BD": 1 / 3, "CD": 4 / 3}
    assert _edges(G, "weight") == pytest.approx(expected)
    assert _edges(G, "shared") == {"AB": 3, "AC": 2, "AD": 1, "BC": 2, "BD": 1, "CD": 2}


def test_minimum_shared_sessions_keeps_isolated_people_as_nodes() -> None:
    G = graph_from_attendance(ATTENDANCE, min_shared=3)
    assert set(G.nodes) == set("ABCD")
    assert _edges(G, "weight") == {"AB": 3}


def test_large_sessions_can_be_left_out() -> None:
    G = graph_from_attendance(ATTENDANCE, max_session_size=3)
    assert _edges(G, "weight") == {"AB": 2, "AC": 1, "BC": 1, "CD": 1}


def test_duplicate_rows_count_once() -> None:
    doubled = pd.concat([ATTENDANCE, ATTENDANCE])
    assert _edges(graph_from_attendance(doubled), "weight") == _edges(
        graph_from_attendance(ATTENDANCE), "weight"
    )


def test_bad_input_is_reported() -> None:
    with pytest.raises(ValidationError, match="participant_id"):
        graph_from_attendance(pd.DataFrame({"session_id": [1]}))
    with pytest.raises(ValidationError, match="weighting"):
        graph_from_attendance(ATTENDANCE, weighting="jaccard")  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="at least 1"):
        graph_from_attendance(ATTENDANCE, min_shared=0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 12), st.integers(100, 108)), min_size=1, max_size=60))
def test_matches_networkx_reference_projection(pairs: list[tuple[int, int]]) -> None:
    frame = pd.DataFrame(pairs, columns=["participant_id", "session_id"])
    B = nx.Graph()
    B.add_nodes_from(frame.participant_id.unique(), bipartite=0)
    B.add_nodes_from(frame.session_id.unique(), bipartite=1)
    B.add_edges_from(frame.itertuples(index=False, name=None))
    people = set(frame.participant_id)
    reference = bipartite.weighted_projected_graph(B, people)
    ours = graph_from_attendance(frame)
    assert set(ours.nodes) == people
    assert {frozenset(e) for e in ours.edges} == {frozenset(e) for e in reference.edges}
    for u, v, d in reference.edges(data=True):
        assert ours[u][v]["weight"] == d["weight"]
    newman_ref = bipartite.collaboration_weighted_projected_graph(B, people)
    newman = graph_from_attendance(frame, weighting="newman")
    for u, v, d in newman_ref.edges(data=True):
        if d["weight"] > 0:
            assert newman[u][v]["weight"] == pytest.approx(d["weight"])
