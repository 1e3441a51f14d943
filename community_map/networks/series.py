"""One network series: the networks of every window with their metrics, for page and CLI.

:func:`network_series` is the network pipeline of the product. The Networks page, its
downloads, ``community-map network export`` and the benchmark all call it, so that they
show and write the same figures: the graph of each window, the per-window measures
(isolates counted among the people enrolled in the window, or among the survey's
respondents for the reported network, E-I index and assortativity
by group), the per-node measures (Blau diversity by group), node labels and groups, and
optionally positions shared by every window. :func:`series_windows` chooses the windows
the same way for both: regular months or quarters over the span of the data (or the
dates the user gives), or the waves the user names, each combined by the same mode.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

import networkx as nx
import pandas as pd

from community_map.errors import ValidationError
from community_map.i18n import gettext as _
from community_map.networks.building import (
    LAYERS,
    SERVICE_LAYERS,
    Weighting,
    enrolled_in,
    networks_by_window,
    respondents_in,
)
from community_map.networks.changes import isolation_changes, tie_changes
from community_map.networks.exports import metrics_to_excel
from community_map.networks.gexf import graphs_to_gexf
from community_map.networks.layout import stable_layout
from community_map.networks.metrics import graph_metrics, metrics_by_window, node_metrics
from community_map.networks.windows import (
    Mode,
    Window,
    data_span,
    regular_windows,
    windows_from_waves,
)

__all__ = [
    "GROUPS",
    "WINDOW_KINDS",
    "NetworkSeries",
    "WindowKind",
    "adjacency_table",
    "network_series",
    "series_windows",
]

#: Participant attributes that colour and compare participants.
GROUPS = ("district", "neighbourhood", "gender", "age_band")

WindowKind = Literal["month", "quarter", "waves"]
WINDOW_KINDS: tuple[WindowKind, ...] = ("quarter", "month", "waves")


def series_windows(
    tables: Mapping[str, pd.DataFrame],
    *,
    layer: str = "coattendance",
    kind: WindowKind = "quarter",
    mode: Mode = "separate",
    start: dt.date | None = None,
    end: dt.date | None = None,
    waves: Mapping[str, tuple[dt.date, dt.date]] | None = None,
    span: int = 3,
) -> list[Window]:
    """Choose the windows of a series.

    With ``kind="waves"`` the windows are the named ``waves`` (end day included);
    otherwise months or quarters from ``start`` to ``end``, which default to the first
    and last date of the data ``layer`` reads (:func:`data_span`). Either way ``mode``
    (``separate``, ``cumulative`` or ``sliding`` over ``span`` periods) combines them.

    Raises
    ------
    ValidationError
        Waves are asked for but none is named, no date is given and the layer has no
        dated data, or no window results (fewer periods than a sliding window spans).

    Examples
    --------
    >>> att = pd.DataFrame({"starts_at": pd.to_datetime(["2023-01-10", "2023-05-02"])})
    >>> [w.name for w in series_windows({"attendance": att})]
    ['2023-Q1', '2023-Q2']
    >>> [w.name for w in series_windows({"attendance": att}, kind="month",
    ...                                 start=dt.date(2023, 4, 1))]
    ['2023-04', '2023-05']
    >>> waves = {"T0": (dt.date(2023, 1, 1), dt.date(2023, 3, 31)),
    ...          "T1": (dt.date(2023, 4, 1), dt.date(2023, 6, 30))}
    >>> [(w.name, w.start) for w in series_windows({}, kind="waves", waves=waves,
    ...                                              mode="cumulative")]
    [('T0', datetime.date(2023, 1, 1)), ('T1', datetime.date(2023, 1, 1))]
    """
    if kind == "waves":
        if not waves:
            raise ValidationError(_("Name at least one wave (NAME=START..END)."))
        return _some(windows_from_waves(waves, mode=mode, span=span))
    if kind not in ("month", "quarter"):
        raise ValidationError(
            _("Unknown kind of window {kind!r}; use month, quarter or waves.").format(kind=kind)
        )
    if start is None or end is None:
        found = data_span(tables, layer)
        if found is None:
            raise ValidationError(
                _(
                    "This network has no dated records yet; give the first "
                    "and last day of the period."
                )
            )
        start = found[0] if start is None else start
        end = found[1] if end is None else end
    return _some(regular_windows(start, end, freq=kind, mode=mode, span=span))


def _some(windows: list[Window]) -> list[Window]:
    if not windows:
        raise ValidationError(
            _(
                "There are fewer periods than a sliding window spans; choose "
                "a longer period or another mode."
            )
        )
    return windows


@dataclass(frozen=True)
class NetworkSeries:
    """The networks of every window of a series, with their measures.

    Attributes
    ----------
    layer
        Which network (see :data:`community_map.networks.building.LAYERS`).
    windows
        The windows, in order.
    graphs
        The network of each window, by window name.
    per_window
        One row of :func:`~community_map.networks.metrics.graph_metrics` per window
        (index ``window``).
    per_node
        :func:`~community_map.networks.metrics.node_metrics` of each window.
    group
        Group of each node: the participant attribute chosen, the field of work of a service or
        the service of a professional.
    labels
        Label of each node: a participant's pseudonymous code, a service's code.
    population
        The participants of the data (isolation is counted among them); empty for
        networks of services and professionals.
    positions
        One position per node, the same in every window (empty unless asked for).
    respondents
        For the reported network built from tie survey answers: the people who answered
        in each window, by window name (isolation is counted among them, never among the
        people who did not answer); empty otherwise.
    """

    layer: str
    windows: tuple[Window, ...]
    graphs: Mapping[str, nx.Graph]
    per_window: pd.DataFrame
    per_node: Mapping[str, pd.DataFrame]
    group: Mapping[Hashable, str]
    labels: Mapping[Hashable, str]
    population: tuple[Hashable, ...] = ()
    positions: Mapping[Hashable, tuple[float, float]] = field(default_factory=dict)
    respondents: Mapping[str, tuple[Hashable, ...]] = field(default_factory=dict)

    @property
    def names(self) -> list[str]:
        """Names of the windows, in order."""
        return [w.name for w in self.windows]

    @property
    def of_services(self) -> bool:
        """Whether the nodes are services or professionals rather than participants."""
        return self.layer in SERVICE_LAYERS

    def last_populated(self) -> str:
        """Name of the last window whose network has anybody in it (else the last one).

        Examples
        --------
        >>> windows = [Window(n, dt.date(2023, m, 1), dt.date(2023, m + 1, 1))
        ...            for n, m in (("a", 1), ("b", 2))]
        >>> series = network_series({"attendance": pd.DataFrame(
        ...     {"participant_id": [1, 2], "session_id": [9, 9],
        ...      "starts_at": pd.to_datetime(["2023-01-05"] * 2)})}, windows=windows)
        >>> series.last_populated()
        'a'
        """
        for w in reversed(self.windows):
            if self.graphs[w.name].number_of_nodes():
                return w.name
        return self.windows[-1].name if self.windows else ""

    def changes(self, name: str) -> dict[str, int] | None:
        """What changed in window ``name`` since the previous window (``None`` for the first).

        Returns ``gained``, ``lost`` and ``kept`` ties and, for participant networks,
        ``connected`` and ``isolated``: how many people went from isolated to connected
        and back.

        Examples
        --------
        >>> windows = [Window(n, dt.date(2023, m, 1), dt.date(2023, m + 1, 1))
        ...            for n, m in (("a", 1), ("b", 2))]
        >>> att = pd.DataFrame({"participant_id": [1, 2, 2, 3], "session_id": [8, 8, 9, 9],
        ...                     "starts_at": pd.to_datetime(["2023-01-05"] * 2
        ...                                             + ["2023-02-05"] * 2)})
        >>> network_series({"attendance": att}, windows=windows).changes("b")
        {'gained': 1, 'lost': 1, 'kept': 0}
        """
        position = self.names.index(name)
        if position == 0:
            return None
        before, after = self.graphs[self.names[position - 1]], self.graphs[name]
        result = tie_changes(before, after)
        population: Sequence[Hashable] = self.population
        if self.respondents:  # only people who answered both times can change isolation
            earlier = set(self.respondents.get(self.names[position - 1], ()))
            population = [p for p in self.respondents.get(name, ()) if p in earlier]
        if self.population:
            moved = isolation_changes(before, after, population)["transition"]
            counts = moved.value_counts()
            result["connected"] = int(counts.get("became connected", 0))
            result["isolated"] = int(counts.get("became isolated", 0))
        return result

    def to_excel(self, *, language: str = "en") -> bytes:
        """The measures per window and per node as an Excel workbook."""
        return metrics_to_excel(self.per_window, dict(self.per_node), language=language)

    def to_gexf(self) -> bytes:
        """Every window's network as one dynamic GEXF file (Gephi's timeline).

        Nodes are labelled with their code (a participant's pseudonymous code, a service's
        code) and carry their group, so Gephi can colour and filter them.
        """
        nodes = pd.DataFrame(
            {
                "label": pd.Series(self.labels, dtype=object),
                "group": pd.Series(self.group, dtype=object),
            }
        )
        return graphs_to_gexf(
            {w.name: (w.start, w.end, self.graphs[w.name]) for w in self.windows},
            node_attributes=nodes if not nodes.empty else None,
        )


def _groups(tables: Mapping[str, pd.DataFrame], layer: str, group_by: str) -> dict[Hashable, str]:
    if layer == "professionals":  # compared by the service (centre) they work in
        table = tables["professional_groups"]
        return dict(zip(table["code"], table["service"].astype(str), strict=True))
    if layer in SERVICE_LAYERS:  # compared by field of work: social care, employment...
        table = tables["service_groups"]
        return dict(zip(table["code"], table["field_of_work"].astype(str), strict=True))
    people = tables.get("people")
    if people is None or group_by not in people:
        return {}
    return {k: str(v) for k, v in people[group_by].fillna("—").items()}


def network_series(
    tables: Mapping[str, pd.DataFrame],
    *,
    windows: Sequence[Window],
    layer: str = "coattendance",
    weighting: Weighting = "count",
    min_shared: int = 1,
    max_session_size: int | None = None,
    group_by: str = "district",
    positions: bool = False,
    betweenness_samples: int = 500,
) -> NetworkSeries:
    """Build the network of every window and measure it.

    Parameters
    ----------
    tables
        What :func:`~community_map.networks.reads.series_tables` returns (or the part
        of it the layer reads).
    windows
        The windows, e.g. from :func:`series_windows`.
    layer
        ``coattendance``, ``reported``, ``both``, ``services``, ``professionals`` or
        ``referrals``.
    weighting, min_shared, max_session_size
        How shared sessions make ties (see
        :func:`~community_map.networks.building.graph_from_attendance`); ``None`` or 0
        keeps sessions of any size.
    group_by
        Participant attribute (one of :data:`GROUPS`) for the E-I index, assortativity
        and Blau diversity; services are compared by field of work and professionals by the
        service they work in.
    positions
        Also compute node positions shared by every window (for drawing).
    betweenness_samples
        Sources sampled for betweenness in networks above 2,000 nodes.

    Examples
    --------
    >>> att = pd.DataFrame({"participant_id": [1, 2, 1, 3], "session_id": [8, 8, 9, 9],
    ...                     "starts_at": pd.to_datetime(["2023-01-05"] * 2
    ...                                             + ["2023-02-05"] * 2)})
    >>> people = pd.DataFrame({"code": ["P1", "P2", "P3", "P4"], "district": list("xxyy"),
    ...                        "enrolled_on": None, "exited_on": None}, index=[1, 2, 3, 4])
    >>> windows = series_windows({"attendance": att}, kind="month")
    >>> series = network_series({"attendance": att, "people": people}, windows=windows)
    >>> series.per_window[["edges", "isolates", "ei_index"]].values.tolist()
    [[1.0, 2.0, -1.0], [1.0, 2.0, 1.0]]
    >>> series.labels[3], series.group[3]
    ('P3', 'y')
    """
    if layer not in LAYERS:
        raise ValidationError(
            _("Unknown network {name!r}; choose one of: {known}.").format(
                name=layer, known=", ".join(LAYERS)
            )
        )
    graphs = networks_by_window(
        tables,
        windows,
        layer=layer,
        weighting=weighting,
        min_shared=min_shared,
        max_session_size=max_session_size or None,
    )
    group = _groups(tables, layer, group_by)
    people = tables.get("people") if layer not in SERVICE_LAYERS else None
    responses = tables.get("responses")
    surveyed = layer == "reported" and responses is not None and not responses.empty
    rows = []
    answered: dict[str, tuple[Hashable, ...]] = {}
    for w in windows:
        enrolled = enrolled_in(people, w) if people is not None else None
        extra: dict[str, int] = {}
        if surveyed:  # isolates among respondents; the others enrolled are "no answer"
            answered[w.name] = tuple(respondents_in(responses, w))
            extra = {
                "respondents": len(answered[w.name]),
                "no_answer": len(set(enrolled or ()) - set(answered[w.name])),
            }
            enrolled = list(answered[w.name])
        rows.append(
            {
                "window": w.name,
                **graph_metrics(
                    graphs[w.name],
                    enrolled=enrolled,
                    group=group,
                    betweenness_samples=betweenness_samples,
                ),
                **extra,
            }
        )
    columns = list(metrics_by_window({}).reset_index().columns)
    if surveyed:
        columns += ["respondents", "no_answer"]
    per_window = pd.DataFrame(rows, columns=columns).set_index("window")
    per_node = {
        w.name: node_metrics(graphs[w.name], group=group, betweenness_samples=betweenness_samples)
        for w in windows
    }
    if people is not None:
        labels: dict[Hashable, str] = {k: str(v) for k, v in people["code"].items()}
    else:
        labels = {node: str(node) for G in graphs.values() for node in G.nodes}
    return NetworkSeries(
        layer=layer,
        windows=tuple(windows),
        graphs=graphs,
        per_window=per_window,
        per_node=per_node,
        group=group,
        labels=labels,
        population=tuple(people.index) if people is not None else (),
        positions=stable_layout(graphs.values()) if positions else {},
        respondents=answered,
    )


def adjacency_table(G: nx.Graph) -> pd.DataFrame:
    """Every ordered pair of nodes with the weight of its tie (0 without one): columns
    ``a``, ``b`` and ``weight``, for a node-by-node heat map.

    Examples
    --------
    >>> adjacency_table(nx.Graph([("x", "y", {"weight": 2.0})])).values.tolist()
    [['x', 'x', 0.0], ['x', 'y', 2.0], ['y', 'x', 2.0], ['y', 'y', 0.0]]
    """
    matrix = nx.to_pandas_adjacency(G, weight="weight").stack().reset_index()
    matrix.columns = ["a", "b", "weight"]
    return matrix
