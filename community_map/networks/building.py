"""Networks from attendance registers, reported ties, collaborations and referrals.

Pure graph building from the tables :mod:`community_map.networks.reads` returns. The
participant x session incidence matrix is projected with sparse linear algebra
(``B @ B.T``) instead of networkx's pure-Python bipartite projection.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import networkx as nx
import numpy as np
import pandas as pd
from scipy import sparse

from community_map.errors import ValidationError
from community_map.i18n import gettext as _
from community_map.networks.windows import Window

__all__ = [
    "LAYERS",
    "SERVICE_LAYERS",
    "Weighting",
    "combine_layers",
    "enrolled_in",
    "graph_from_attendance",
    "graph_from_reported_ties",
    "networks_by_window",
    "participant_networks",
    "referral_network",
    "respondents_in",
    "service_network",
]

Weighting = Literal["count", "newman"]


def _incidence(attendance: pd.DataFrame) -> tuple[sparse.csr_matrix, pd.Index, pd.Index]:
    missing = {"participant_id", "session_id"} - set(attendance.columns)
    if missing:
        raise ValidationError(
            _(
                "The attendance table lacks the column(s) {cols}; it needs participant_id and "
                "session_id."
            ).format(cols=", ".join(sorted(missing)))
        )
    pairs = attendance[["participant_id", "session_id"]].drop_duplicates()
    p_codes, participants = pd.factorize(pairs["participant_id"], sort=True)
    s_codes, sessions = pd.factorize(pairs["session_id"], sort=True)
    data = np.ones(len(pairs), dtype=np.float64)
    B = sparse.csr_matrix((data, (p_codes, s_codes)), shape=(len(participants), len(sessions)))
    return B, pd.Index(participants), pd.Index(sessions)


def graph_from_attendance(
    attendance: pd.DataFrame,
    *,
    weighting: Weighting = "count",
    min_shared: int = 1,
    max_session_size: int | None = None,
) -> nx.Graph:
    """Build the co-attendance network of participants.

    Two participants are tied when they attended at least ``min_shared`` sessions
    together. The edge attribute ``shared`` is the number of shared sessions and
    ``weight`` is either that count or Newman's collaboration weight, where a session
    with *k* attendees adds 1/(k-1) to each pair, so that a 40-person outing does not
    count as 780 friendships.

    Parameters
    ----------
    attendance
        One row per attendance, with columns ``participant_id`` and ``session_id``
        (rows of people who did not attend must be filtered out first).
    weighting
        ``"count"`` or ``"newman"``.
    min_shared
        Minimum number of shared sessions for a tie.
    max_session_size
        Leave out sessions with more attendees than this.

    Returns
    -------
    networkx.Graph
        Every participant in ``attendance`` is a node, tied or not.

    Examples
    --------
    >>> att = pd.DataFrame({"participant_id": [1, 2, 1, 2, 3], "session_id": [10, 10, 11, 11, 11]})
    >>> G = graph_from_attendance(att)
    >>> G[1][2]["shared"], G[1][3]["shared"]
    (2, 1)
    """
    if weighting not in ("count", "newman"):
        raise ValidationError(
            _("Unknown weighting {w!r}; use 'count' or 'newman'.").format(w=weighting)
        )
    if min_shared < 1:
        raise ValidationError(_("The minimum number of shared sessions must be at least 1."))
    B, participants, _sessions = _incidence(attendance)
    sizes = np.asarray(B.sum(axis=0)).ravel()
    keep = np.ones(B.shape[1], dtype=bool)
    if max_session_size is not None:
        keep &= sizes <= max_session_size
    B = B[:, keep]
    sizes = sizes[keep]
    shared = (B @ B.T).tocoo()
    if weighting == "newman":
        scale = np.zeros_like(sizes)
        multi = sizes > 1
        scale[multi] = 1.0 / (sizes[multi] - 1.0)
        weights = (B @ sparse.diags(scale) @ B.T).tocsr()
    upper = (shared.row < shared.col) & (shared.data >= min_shared)
    rows, cols, counts = shared.row[upper], shared.col[upper], shared.data[upper]
    w = np.asarray(weights[rows, cols]).ravel() if weighting == "newman" and len(rows) else counts
    G = nx.Graph()
    G.add_nodes_from(participants.tolist())
    labels = participants.to_numpy()
    G.add_edges_from(
        (labels[r], labels[c], {"shared": int(n), "weight": float(x)})
        for r, c, n, x in zip(rows, cols, counts, w, strict=True)
    )
    return G


def participant_networks(
    attendance: pd.DataFrame,
    windows: Sequence[Window],
    *,
    weighting: Weighting = "count",
    min_shared: int = 1,
    max_session_size: int | None = None,
) -> dict[str, nx.Graph]:
    """Build the co-attendance network of each window.

    ``attendance`` has ``participant_id``, ``session_id`` and ``starts_at`` columns and
    holds only rows of people who attended.
    """
    return networks_by_window(
        {"attendance": attendance},
        windows,
        layer="coattendance",
        weighting=weighting,
        min_shared=min_shared,
        max_session_size=max_session_size,
    )


def graph_from_reported_ties(
    ties: pd.DataFrame, *, window: Window | None = None, directed: bool = False
) -> nx.Graph:
    """Build the network of reported ties (surveys, observation) in a window.

    ``ties`` has ``from_participant_id``, ``to_participant_id`` and ``observed_on``;
    the edge weight counts the reports of the pair.
    """
    part = ties if window is None else ties[window.contains(ties["observed_on"])]
    G: nx.Graph = nx.DiGraph() if directed else nx.Graph()
    for a, b in zip(part["from_participant_id"], part["to_participant_id"], strict=True):
        if G.has_edge(a, b):
            G[a][b]["weight"] += 1.0
        else:
            G.add_edge(a, b, weight=1.0)
    return G


def combine_layers(*layers: tuple[str, nx.Graph]) -> nx.Graph:
    """Combine networks of the same people into one; edge weights add up and the edge
    attribute ``layers`` names the layers that hold the tie. A single layer is returned
    itself, its ties labelled.

    Examples
    --------
    >>> a, b = nx.Graph([(1, 2)]), nx.Graph([(1, 2), (2, 3)])
    >>> G = combine_layers(("coattendance", a), ("reported", b))
    >>> G[1][2]["layers"], G[2][3]["layers"]
    ('coattendance;reported', 'reported')
    """
    if len(layers) == 1:  # one layer: label its ties in place instead of copying the graph
        name, G = layers[0]
        for _u, _v, data in G.edges(data=True):
            data["weight"] = float(data.get("weight", 1.0))
            data["layers"] = name
        return G
    G = nx.Graph()
    for name, layer in layers:
        G.add_nodes_from(layer.nodes(data=True))
        for u, v, data in layer.edges(data=True):
            weight = float(data.get("weight", 1.0))
            if G.has_edge(u, v):
                G[u][v]["weight"] += weight
                G[u][v]["layers"] += f";{name}"
            else:
                G.add_edge(u, v, weight=weight, layers=name)
    return G


def service_network(
    facilitation: pd.DataFrame,
    partners: pd.DataFrame,
    collaborations: pd.DataFrame,
    *,
    window: Window | None = None,
    meetings: pd.DataFrame | None = None,
) -> nx.Graph:
    """Build the inter-service network (undirected, weighted).

    A tie between two services counts the sessions they co-facilitated
    (``facilitation``: ``session_id``, ``service``, ``starts_at``), the sessions where one
    was a partner of the other (``partners``: ``session_id``, ``service``,
    ``starts_at``, joined to the facilitators' services), the recorded collaborations
    weighted by intensity, 1 networking to 4 collaborating (``collaborations``:
    ``from_service``, ``to_service``, ``occurred_on``, ``intensity``) and the coordination
    meetings both attended (``meetings``: ``meeting_id``, ``service``, ``held_on``, one row
    per attending member, by the member's service): each meeting adds 1 to every pair of
    different services present, however many of their members came (edge attribute
    ``coordination``), like co-attendance of sessions.

    Examples
    --------
    >>> empty = pd.DataFrame(columns=["session_id", "service", "starts_at"])
    >>> col = pd.DataFrame(columns=["from_service", "to_service", "occurred_on", "intensity"])
    >>> met = pd.DataFrame({"meeting_id": [1, 1, 1, 1, 2, 2], "held_on": ["2023-01-10"] * 6,
    ...                     "service": ["A", "B", "B", "C", "A", "B"]})
    >>> G = service_network(empty, empty, col, meetings=met)
    >>> G["A"]["B"]["coordination"], G["A"]["C"]["weight"], G["B"]["C"]["weight"]
    (2.0, 1.0, 1.0)
    """

    def _in(frame: pd.DataFrame, column: str) -> pd.DataFrame:
        return frame if window is None else frame[window.contains(frame[column])]

    G = nx.Graph()
    fac = _in(facilitation, "starts_at")[["session_id", "service"]].drop_duplicates()
    par = _in(partners, "starts_at")[["session_id", "service"]].drop_duplicates()
    for frame, kind in (
        (fac.merge(fac, on="session_id"), "co_facilitation"),
        (fac.merge(par, on="session_id"), "partnership"),
    ):
        pairs = frame[frame["service_x"] != frame["service_y"]]
        if kind == "co_facilitation":
            pairs = pairs[pairs["service_x"] < pairs["service_y"]]
        for (a, b), n in pairs.groupby(["service_x", "service_y"]).size().items():
            _add(G, a, b, float(n), kind)
    col = _in(collaborations, "occurred_on")
    for (a, b), w in col.groupby(["from_service", "to_service"])["intensity"].sum().items():
        if a != b:
            _add(G, a, b, float(w), "collaboration")
    if meetings is not None and not meetings.empty:
        met = _in(meetings, "held_on")[["meeting_id", "service"]].dropna().drop_duplicates()
        pairs = met.merge(met, on="meeting_id")
        pairs = pairs[pairs["service_x"] < pairs["service_y"]]
        for (a, b), n in pairs.groupby(["service_x", "service_y"]).size().items():
            _add(G, a, b, float(n), "coordination")
    return G


def _add(G: nx.Graph, a: object, b: object, weight: float, kind: str) -> None:
    if G.has_edge(a, b):
        G[a][b]["weight"] += weight
        G[a][b][kind] = G[a][b].get(kind, 0.0) + weight
    else:
        G.add_edge(a, b, weight=weight, **{kind: weight})


def referral_network(referrals: pd.DataFrame, *, window: Window | None = None) -> nx.DiGraph:
    """Build the directed network of referrals between services (the referral register).

    ``referrals`` has ``from_service``, ``to_service`` and ``referred_on``; every referral
    counts, whatever its outcome. The edge weight counts the referrals from one service
    to the other.

    Examples
    --------
    >>> ref = pd.DataFrame({"from_service": ["SC", "SC", "JG"], "to_service": ["JG", "JG", "SC"],
    ...                     "referred_on": ["2023-01-01"] * 3})
    >>> G = referral_network(ref)
    >>> G["SC"]["JG"]["weight"], G["JG"]["SC"]["weight"]
    (2.0, 1.0)
    """
    part = referrals
    if window is not None:
        part = part[window.contains(part["referred_on"])]
    G = nx.DiGraph()
    counts = part.groupby(["from_service", "to_service"]).size()
    for (a, b), n in counts.items():
        if a != b:
            G.add_edge(a, b, weight=float(n))
    return G


def respondents_in(responses: pd.DataFrame | None, window: Window) -> list[object]:
    """The participants who answered a tie survey during ``window`` (in order, once each).

    ``responses`` has ``participant_id`` and ``answered_on`` (see
    :func:`~community_map.networks.reads.participant_tables`); ``None`` gives nobody.

    Examples
    --------
    >>> import datetime as dt
    >>> answers = pd.DataFrame({"participant_id": [3, 1, 3],
    ...     "answered_on": [dt.date(2023, 1, 5), dt.date(2023, 1, 9), dt.date(2023, 3, 1)]})
    >>> respondents_in(answers, Window("Jan", dt.date(2023, 1, 1), dt.date(2023, 2, 1)))
    [3, 1]
    """
    if responses is None or responses.empty:
        return []
    inside = responses[window.contains(responses["answered_on"])]
    return list(dict.fromkeys(inside["participant_id"].tolist()))


def enrolled_in(people: pd.DataFrame, window: Window) -> list[object]:
    """Return the participants enrolled at some time during ``window``."""
    enrolled = pd.to_datetime(people["enrolled_on"])
    exited = pd.to_datetime(people["exited_on"])
    mask = (enrolled.isna() | (enrolled < pd.Timestamp(window.end))) & (
        exited.isna() | (exited >= pd.Timestamp(window.start))
    )
    enrolled_ids: list[object] = people.index[mask].tolist()
    return enrolled_ids


LAYERS = ("coattendance", "reported", "both", "services", "professionals", "referrals")
#: Layers whose nodes are services or professionals, not participants.
SERVICE_LAYERS = ("services", "professionals", "referrals")


def networks_by_window(
    tables: Mapping[str, pd.DataFrame],
    windows: Sequence[Window],
    *,
    layer: str = "coattendance",
    weighting: Weighting = "count",
    min_shared: int = 1,
    max_session_size: int | None = None,
) -> dict[str, nx.Graph]:
    """Build the chosen network in every window.

    ``tables`` holds what :func:`participant_tables` and :func:`service_network_tables`
    return; ``layer`` is ``coattendance``, ``reported``, ``both`` (the two participant
    layers combined), ``services``, ``professionals`` (the same between professionals)
    or ``referrals`` (directed, between services).
    """
    if layer not in LAYERS:
        raise ValidationError(
            _("Unknown network {name!r}; choose one of: {known}.").format(
                name=layer, known=", ".join(LAYERS)
            )
        )
    graphs: dict[str, nx.Graph] = {}
    for w in windows:
        if layer == "services":
            graphs[w.name] = service_network(
                tables["facilitation"],
                tables["partners"],
                tables["collaborations"],
                window=w,
                meetings=tables.get("meetings"),
            )
            continue
        if layer == "professionals":
            graphs[w.name] = service_network(
                tables["facilitation_professionals"],
                tables["partners"].iloc[0:0],
                tables["collaborations_professionals"],
                window=w,
                meetings=tables.get("meetings_professionals"),
            )
            continue
        if layer == "referrals":
            graphs[w.name] = referral_network(tables["referrals"], window=w)
            continue
        parts = []
        if layer in ("coattendance", "both"):
            att = tables["attendance"][w.contains(tables["attendance"]["starts_at"])]
            parts.append(
                (
                    "coattendance",
                    graph_from_attendance(
                        att,
                        weighting=weighting,
                        min_shared=min_shared,
                        max_session_size=max_session_size,
                    ),
                )
            )
        if layer in ("reported", "both"):
            parts.append(("reported", graph_from_reported_ties(tables["ties"], window=w)))
        G = combine_layers(*parts)
        if layer == "reported":  # a respondent who named nobody and was named by nobody
            G.add_nodes_from(respondents_in(tables.get("responses"), w))
        graphs[w.name] = G
    return graphs
