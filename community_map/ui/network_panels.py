"""App-side helpers of the Networks page: build the networks of every window, cached."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd
import streamlit as st

from community_map.networks import building as net
from community_map.networks import metrics
from community_map.networks.drawing import stable_layout
from community_map.ui import shell

GROUPS = ("district", "neighbourhood", "gender", "age_band")


@st.cache_data(show_spinner=False, max_entries=4)
def tables(version: int) -> dict[str, pd.DataFrame]:
    with shell.db_session() as session:
        return {**net.participant_tables(session), **net.service_network_tables(session)}


def windows(kind: str, mode: str) -> list[net.Window]:
    if kind == "waves":
        return net.windows_from_waves(net.AMUNT_WAVES)
    return net.regular_windows(dt.date(2022, 9, 1), dt.date(2023, 9, 30),
                               freq="month" if kind == "month" else "quarter",
                               mode=mode)  # type: ignore[arg-type]


@st.cache_data(show_spinner=False, max_entries=8)
def build(version: int, layer: str, window_kind: str, mode: str, weighting: str,
          min_shared: int, max_size: int, group_by: str) -> dict[str, Any]:
    """Networks, positions and metrics of every window (pickled by Streamlit's cache)."""
    data = tables(version)
    spans = windows(window_kind, mode)
    if mode == "cumulative" and window_kind == "waves":
        spans = [net.Window(w.name, spans[0].start, w.end) for w in spans]
    graphs = net.networks_by_window(data, spans, layer=layer,
                                    weighting=weighting,  # type: ignore[arg-type]
                                    min_shared=min_shared, max_session_size=max_size or None)
    people = data["people"]
    service_like = layer in ("services", "professionals", "referrals")
    if layer == "professionals":  # compared by the service (centre) they work in
        table = data["professional_groups"]
        group = dict(zip(table["code"], table["service"], strict=True))
    elif service_like:  # compared by sector: social care, employment, education...
        table = data["service_groups"]
        group = dict(zip(table["code"], table["sector"], strict=True))
    else:
        group = people[group_by].fillna("—").astype(str).to_dict()
    rows, nodes = [], {}
    for w in spans:
        enrolled = None if service_like else net.enrolled_in(people, w)
        row = metrics.graph_metrics(graphs[w.name], enrolled=enrolled, group=group)
        rows.append({"window": w.name, **row})
        nodes[w.name] = metrics.node_metrics(graphs[w.name], group=group)
    return {"windows": [w.name for w in spans], "graphs": graphs,
            "per_window": pd.DataFrame(rows).set_index("window"), "per_node": nodes,
            "positions": stable_layout(graphs.values()), "group": group,
            "spans": {w.name: (w.start, w.end) for w in spans}}
