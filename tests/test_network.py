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
from community_map.networks import graph_from_attendance

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


# -- windows, layers and the inter-service network ----------------------------------------

import datetime as dt  # noqa: E402

from community_map.networks import (  # noqa: E402
    Window,
    combine_layers,
    graph_from_reported_ties,
    participant_networks,
    regular_windows,
    service_network,
    service_network_tables,
    windows_from_waves,
)


def test_regular_windows_separate_cumulative_sliding() -> None:
    start, end = dt.date(2022, 9, 15), dt.date(2022, 12, 10)
    separate = regular_windows(start, end)
    assert [(w.name, w.start, w.end) for w in separate] == [
        ("2022-09", dt.date(2022, 9, 1), dt.date(2022, 10, 1)),
        ("2022-10", dt.date(2022, 10, 1), dt.date(2022, 11, 1)),
        ("2022-11", dt.date(2022, 11, 1), dt.date(2022, 12, 1)),
        ("2022-12", dt.date(2022, 12, 1), dt.date(2023, 1, 1)),
    ]
    cumulative = regular_windows(start, end, mode="cumulative")
    assert {w.start for w in cumulative} == {dt.date(2022, 9, 1)}
    sliding = regular_windows(start, end, mode="sliding", span=3)
    assert [(w.start, w.end) for w in sliding] == [
        (dt.date(2022, 9, 1), dt.date(2022, 12, 1)),
        (dt.date(2022, 10, 1), dt.date(2023, 1, 1)),
    ]
    with pytest.raises(ValidationError):
        regular_windows(end, start)


def test_networks_per_wave() -> None:
    waves = windows_from_waves(
        {
            "T0": (dt.date(2022, 9, 1), dt.date(2022, 9, 30)),
            "T1": (dt.date(2022, 10, 1), dt.date(2022, 10, 31)),
        }
    )
    att = ATTENDANCE.assign(
        starts_at=ATTENDANCE.session_id.map(
            {
                "s1": "2022-09-05 10:00",
                "s2": "2022-09-30 18:00",
                "s3": "2022-10-01 10:00",
                "s4": "2022-10-20 10:00",
            }
        )
    )
    graphs = participant_networks(att, waves)
    assert _edges(graphs["T0"], "weight") == {"AB": 2, "AC": 1, "BC": 1}
    assert _edges(graphs["T1"], "weight") == {"AB": 1, "AC": 1, "AD": 1, "BC": 1, "BD": 1, "CD": 2}


def test_reported_ties_and_layers() -> None:
    ties = pd.DataFrame(
        {
            "from_participant_id": ["A", "B", "A", "D"],
            "to_participant_id": ["B", "A", "C", "A"],
            "observed_on": ["2022-10-01", "2023-06-01", "2023-06-01", "2023-06-02"],
        }
    )
    t1 = Window("T1", dt.date(2023, 1, 1), dt.date(2024, 1, 1))
    reported = graph_from_reported_ties(ties, window=t1)
    assert _edges(reported, "weight") == {"AB": 1, "AC": 1, "AD": 1}
    directed = graph_from_reported_ties(ties, directed=True)
    assert directed.has_edge("A", "B") and directed.has_edge("B", "A")
    both = combine_layers(
        ("coattendance", graph_from_attendance(ATTENDANCE)), ("reported", reported)
    )
    assert both["A"]["B"]["weight"] == 4 and both["A"]["B"]["layers"] == "coattendance;reported"


def test_service_network_counts_by_hand() -> None:
    fac = pd.DataFrame(
        {
            "session_id": [1, 1, 2, 2, 3],
            "service": ["SC", "JG", "SC", "JG", "CA"],
            "starts_at": ["2023-01-01"] * 5,
        }
    )
    par = pd.DataFrame({"session_id": [3], "service": ["SC"], "starts_at": ["2023-01-01"]})
    col = pd.DataFrame(
        {
            "from_service": ["SC", "JG"],
            "to_service": ["JG", "SC"],
            "occurred_on": ["2023-02-01", "2023-03-01"],
            "intensity": [3, 4],
        }
    )
    G = service_network(fac, par, col)
    assert G["SC"]["JG"]["weight"] == 2 + 7  # two co-led sessions + intensities 3 and 4
    assert G["SC"]["CA"]["weight"] == 1 and G["SC"]["CA"]["partnership"] == 1


def test_demo_service_network_reproduces_the_amunt_picture(demo_engine) -> None:  # type: ignore[no-untyped-def]
    from community_map.storage import session_scope

    with session_scope(demo_engine) as session:
        tables = service_network_tables(session)
    G = service_network(tables["facilitation"], tables["partners"], tables["collaborations"])
    amunt = G.subgraph(["IMSS-AMUNT", "SAC", "BA", "CEB", "ECAS", "FEICAT", "CREU-ROJA"])
    ranked = sorted(amunt.edges(data="weight"), key=lambda e: -e[2])
    assert {ranked[0][0], ranked[0][1]} == {"IMSS-AMUNT", "BA"}  # the tandem
    assert {ranked[1][0], ranked[1][1]} == {"IMSS-AMUNT", "SAC"}
    strength = dict(amunt.degree(weight="weight"))
    assert strength["CEB"] == min(strength.values())  # the education consortium: peripheral
    # community action hangs on social care alone
    assert amunt["SAC"]["IMSS-AMUNT"]["weight"] > 0.6 * strength["SAC"]


def test_demo_referrals_are_directed_and_professionals_are_nodes(demo_engine) -> None:  # type: ignore[no-untyped-def]
    from community_map.networks.building import networks_by_window
    from community_map.networks.metrics import graph_metrics
    from community_map.storage import session_scope

    with session_scope(demo_engine) as session:
        tables = service_network_tables(session)
    year = [Window("2022-23", dt.date(2022, 9, 1), dt.date(2023, 10, 1))]
    referrals = networks_by_window(tables, year, layer="referrals")["2022-23"]
    assert referrals.is_directed()
    assert (
        referrals["IMSS-AMUNT"]["BA"]["weight"]
        > referrals.get_edge_data("BA", "IMSS-AMUNT", {"weight": 0})["weight"]
    )  # social care refers to job guidance
    metrics = graph_metrics(referrals)
    assert 0 <= metrics["reciprocity"] <= 1
    pros = networks_by_window(tables, year, layer="professionals")["2022-23"]
    assert all(str(n).startswith("PRO-") for n in pros.nodes)
    assert pros.number_of_edges() > 0
