"""App-side helpers of the Networks page: Streamlit caching around the network series."""

from __future__ import annotations

import datetime as dt
from typing import cast

import pandas as pd
import streamlit as st

from community_map import network
from community_map.ui import shell

__all__ = ["build", "default_waves", "downloads", "span", "tables"]


@st.cache_data(show_spinner=False, max_entries=4)
def tables(version: int) -> dict[str, pd.DataFrame]:
    """The tables of every network layer, read once per data version."""
    with shell.db_session() as session:
        return network.series_tables(session)


def span(version: int, layer: str) -> tuple[dt.date, dt.date] | None:
    """First and last date of the data ``layer`` reads."""
    return network.data_span(tables(version), layer)


def default_waves() -> str:
    """Named waves offered by default: the demo programme's when the app runs the demo."""
    if not shell.settings().demo:
        return ""
    from community_map.demo.waves import amunt_wave_options

    return "\n".join(amunt_wave_options())


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
) -> network.NetworkSeries:
    """The series of the chosen network (pickled by Streamlit's cache).

    The choices come from the page's widgets; the series functions check them.
    """
    data = tables(version)
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
