"""App-side helpers of the Networks page: the options, Streamlit caching around the network
series, and the drawing, figures, captions and downloads of one window."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import networkx as nx
import pandas as pd
import streamlit as st

from community_map import activities, network, trust
from community_map.i18n import gettext as _
from community_map.trust import Actor
from community_map.ui import shell

__all__ = [
    "adjacency_chart",
    "build",
    "change_captions",
    "download_row",
    "downloads",
    "draw",
    "layer_options",
    "metric_cards",
    "mode_options",
    "parse_waves",
    "programme_waves",
    "span",
    "tables",
    "weighting_label",
    "window_kind_options",
]


def layer_options() -> dict[str, str]:
    """The networks the page offers: key → label."""
    return {
        "coattendance": _("Participants: shared sessions"),
        "reported": _("Participants: reported ties"),
        "both": _("Participants: both layers"),
        "services": _("Services: collaboration"),
        "professionals": _("Professionals: collaboration"),
        "referrals": _("Services: referrals (directed)"),
    }


def window_kind_options() -> dict[str, str]:
    """The kinds of time windows: key → label."""
    return {"quarter": _("Quarters"), "month": _("Months"), "waves": _("Named waves")}


def mode_options() -> dict[str, str]:
    """How windows follow one another: key → label."""
    return {
        "separate": _("Each window on its own"),
        "cumulative": _("Cumulative"),
        "sliding": _("Sliding (3 periods)"),
    }


def weighting_label(weighting: str) -> str:
    """The label of a tie weighting (``count`` or ``newman``)."""
    return _("Shared sessions") if weighting == "count" else _("Newman (large groups count less)")


def parse_waves(text: str) -> list[tuple[str, dt.date, dt.date]]:
    """The named waves typed one a line as ``NAME=START..END``; blank lines are skipped.

    Raises :class:`~community_map.errors.ValidationError` for a line that is not a wave.
    """
    return [
        (name, first, last)
        for name, (first, last) in map(network.parse_wave, filter(str.strip, text.splitlines()))
    ]


@st.cache_data(show_spinner=False, max_entries=4)
def _tables(version: int, _actor: Actor) -> dict[str, pd.DataFrame]:
    with shell.db_session() as session:
        return network.series_tables(session, actor=_actor)


def tables(version: int, actor: Actor) -> dict[str, pd.DataFrame]:
    """The tables of every network layer, read once per data version.

    The acting user's permissions are checked on every call, not only when the cache
    is filled.
    """
    trust.require(actor, trust.Permission.VIEW_NETWORKS)
    return _tables(version, actor)


def span(version: int, layer: str, *, actor: Actor) -> tuple[dt.date, dt.date] | None:
    """First and last date of the data ``layer`` reads."""
    return network.data_span(tables(version, actor), layer)


def programme_waves() -> dict[str, str]:
    """The measurement points of every stored programme as wave lines, per ``"CODE: name"``.

    Empty when no programme has measurement points: the page then offers months and
    quarters first, and named waves typed by hand.
    """
    with shell.db_session() as session:
        options = activities.programme_wave_options(session)
    return {label: "\n".join(lines) for label, lines in options.items()}


@st.cache_data(show_spinner=False, max_entries=8)
def build(
    version: int,
    layer: str,
    window_kind: str,
    mode: str,
    weighting: str,
    min_shared: int,
    max_size: int,
    group_by: str,
    start: dt.date | None,
    end: dt.date | None,
    waves: tuple[tuple[str, dt.date, dt.date], ...],
    _actor: Actor,
) -> network.NetworkSeries:
    """The series of the chosen network (pickled by Streamlit's cache).

    The choices come from the page's widgets; the series functions check them. The
    page checks the actor's permission before every call (the cache key leaves it out).
    """
    data = tables(version, _actor)
    windows = network.series_windows(
        data,
        layer=layer,
        kind=cast(network.WindowKind, window_kind),
        mode=cast(network.Mode, mode),
        start=start,
        end=end,
        waves={name: (first, last) for name, first, last in waves},
    )
    return network.network_series(
        data,
        windows=windows,
        layer=layer,
        weighting=cast(network.Weighting, weighting),
        min_shared=min_shared,
        max_session_size=max_size or None,
        group_by=group_by,
        positions=True,
    )


def downloads(series: network.NetworkSeries, current: str) -> dict[str, bytes]:
    """The page's downloads: every window (GEXF, Excel) and the ``current`` one (the rest)."""
    G = series.graphs[current]
    nodes_csv, edges_csv = network.graph_to_csv(G)
    return {
        "gexf": series.to_gexf(),
        "graphml": network.graph_to_graphml(G),
        "edges": edges_csv,
        "nodes": nodes_csv,
        "excel": series.to_excel(),
    }


def draw(
    series: network.NetworkSeries, current: str, *, size_by: str, max_nodes: int, ego: Any
) -> Any:
    """Draw the ``current`` window's network (a :class:`~community_map.network.DrawnNetwork`).

    Nodes are sized by the ``size_by`` metric; ``ego`` (a node or None) draws its ego network.
    """
    G = series.graphs[current]
    nodes = series.per_node[current]
    labels, group = series.labels, series.group
    return network.network_html(
        G,
        positions=series.positions,
        labels=labels,
        titles={n: f"{labels.get(n, n)} · {group.get(n, '')}" for n in G.nodes},
        groups=group,
        sizes=nodes[size_by].fillna(0).to_dict() if len(nodes) else None,
        max_nodes=max_nodes,
        ego=ego,
    )


def metric_cards(row: pd.Series) -> list[tuple[str, int | str]]:
    """The headline metrics of one window (a row of ``per_window``): (label, value) pairs."""
    isolates, ei = row["isolates_share"], row["ei_index"]
    return [
        (_("Nodes"), int(row["nodes"])),
        (_("Ties"), int(row["edges"])),
        (_("Density"), f"{row['density']:.3f}"),
        (_("Isolates"), f"{isolates:.0%}" if isolates == isolates else "—"),
        (_("E-I index"), f"{ei:.2f}" if ei == ei else "—"),
    ]


def change_captions(series: network.NetworkSeries, current: str) -> list[str]:
    """What changed since the window before ``current``: ties, then isolation (if known)."""
    change = series.changes(current)
    if change is None:
        return []
    previous = series.names[series.names.index(current) - 1]
    captions = [
        _("Since {previous}: {gained} ties gained, {lost} lost, {kept} kept.").format(
            previous=previous, **change
        )
    ]
    if "connected" in change:
        captions.append(
            _(
                "{connected} people went from isolated to connected and {isolated} from "
                "connected to isolated."
            ).format(**change)
        )
    return captions


def adjacency_chart(G: nx.Graph) -> Any:
    """A heat map of the tie weights between services (an Altair chart)."""
    import altair as alt

    return (
        alt.Chart(network.adjacency_table(G))
        .mark_rect()
        .encode(
            x=alt.X("a:N", title=None),
            y=alt.Y("b:N", title=None),
            color=alt.Color("weight:Q", title=_("Weight")),
            tooltip=["a", "b", "weight"],
        )
    )


def download_row(series: network.NetworkSeries, current: str) -> None:
    """Draw the page's download buttons in one row of five columns.

    Networks of participants hold their codes: each download of one is audited, with the
    number of people in it (every window's for GEXF and Excel, the shown window's else).
    """
    e = st.columns(5)
    files = downloads(series, current)
    everyone = len({node for G in series.graphs.values() for node in G.nodes})
    shown = series.graphs[current].number_of_nodes()
    buttons = (
        ("gexf", _("GEXF (Gephi timeline)"), "network.gexf", "application/xml", everyone),
        ("graphml", _("GraphML"), f"network_{current}.graphml", "application/xml", shown),
        ("edges", _("Edges (CSV)"), f"edges_{current}.csv", "text/csv", shown),
        ("nodes", _("Nodes (CSV)"), f"nodes_{current}.csv", "text/csv", shown),
        (
            "excel",
            _("Metrics (Excel)"),
            "network_metrics.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            everyone,
        ),
    )
    for column, (name, label, file_name, mime, people) in zip(e, buttons, strict=True):
        shell.personal_download(
            column,
            label,
            files[name],
            file_name,
            mime,
            key=f"net_{name}",
            kind="network",
            rows=0 if series.of_services else people,
            filters={"layer": series.layer, "format": name, "window": current},
        )
