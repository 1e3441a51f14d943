"""Networks page: participants' ties and collaboration between services, window by window."""

from __future__ import annotations

import datetime as dt

import streamlit as st
import streamlit.components.v1 as components

from community_map import network
from community_map.errors import ValidationError
from community_map.i18n import gettext as _
from community_map.trust import Permission
from community_map.ui import map_panels, network_panels, shell

actor = shell.require_permission(Permission.VIEW_NETWORKS)
shell.setup_language()
st.title(_("Networks over time"))

layers = network_panels.layer_options()
version = map_panels.data_version()
programme_waves = network_panels.programme_waves()
c1, c2, c3 = st.columns(3)
layer = c1.selectbox(_("Network"), list(layers), format_func=layers.__getitem__, key="net_layer")
kinds = network_panels.window_kind_options()
window_kind = c2.selectbox(
    _("Windows"),
    list(kinds),
    format_func=kinds.__getitem__,
    index=2 if programme_waves else 0,
    key="net_windows",
)
modes = network_panels.mode_options()
mode = c3.selectbox(_("Mode"), list(modes), format_func=modes.__getitem__, key="net_mode")
found = network_panels.span(version, layer, actor=actor)
start = end = None
waves: list[tuple[str, dt.date, dt.date]] = []
if window_kind == "waves":
    source = None
    if programme_waves:
        source = st.selectbox(
            _("Measurement points of programme"), list(programme_waves), key="net_programme"
        )
    lines = st.text_area(
        _("Waves, one a line: NAME=START..END (days included)"),
        programme_waves.get(source or "", ""),
        placeholder="T0=2022-09-01..2022-12-31",
        key=f"net_waves_{source or ''}",
    )
    try:
        waves = network_panels.parse_waves(lines)
    except ValidationError as exc:
        shell.report_error(exc)
        st.stop()
elif found is not None:
    d1, d2 = st.columns(2)
    start = d1.date_input(_("From"), found[0], format="DD/MM/YYYY", key=f"net_from_{layer}")
    end = d2.date_input(_("To"), found[1], format="DD/MM/YYYY", key=f"net_to_{layer}")
with st.expander(_("Options")):
    o1, o2, o3, o4 = st.columns(4)
    weighting = o1.selectbox(
        _("Tie weight"),
        ["count", "newman"],
        key="net_weighting",
        format_func=network_panels.weighting_label,
    )
    min_shared = int(o2.number_input(_("Minimum shared sessions"), 1, 20, 1, key="net_min"))
    max_size = int(
        o3.number_input(
            _("Leave out sessions above N attendees (0: none)"), 0, 500, 0, key="net_max"
        )
    )
    group_by = o4.selectbox(
        _("Colour and compare participants by"),
        list(network.GROUPS),
        key="net_group",
        help=_(
            "Services are compared by field of work, professionals by the service they work in."
        ),
    )
    max_nodes = int(o1.number_input(_("Most nodes drawn"), 50, 2000, 400, step=50, key="net_cap"))
    size_by = o2.selectbox(
        _("Size by"), ["strength", "degree", "betweenness", "eigenvector"], key="net_size"
    )

try:
    with st.spinner(_("Computing the networks...")):
        series = network_panels.build(
            version,
            layer,
            window_kind,
            mode,
            weighting,
            min_shared,
            max_size,
            group_by,
            start,
            end,
            tuple(waves),
            actor,
        )
except ValidationError as exc:
    st.info(shell.plain(str(exc)))
    st.stop()
names = series.names
if st.session_state.get("net_window") not in names:  # open on the last window with people
    st.session_state["net_window"] = series.last_populated()
current = st.select_slider(_("Window"), names, key="net_window")
G = series.graphs[current]
labels = series.labels
ego_choice = st.selectbox(
    _("Ego network of"),
    [None, *sorted(G.nodes, key=str)],
    format_func=lambda n: _("Everyone") if n is None else str(labels.get(n, n)),
    key=f"net_ego_{layer}",
)
drawn = network_panels.draw(series, current, size_by=size_by, max_nodes=max_nodes, ego=ego_choice)
if drawn.left_out:
    st.caption(
        shell.plain(
            _(
                "{shown} nodes drawn; {left} with the fewest ties left out (raise the limit "
                "or pick an ego network)."
            ).format(shown=drawn.shown, left=drawn.left_out)
        )
    )
components.html(drawn.html, height=660)

row = series.per_window.loc[current]
if row.get("warning"):
    st.warning(shell.plain(row["warning"]))
for column, (label, value) in zip(st.columns(5), network_panels.metric_cards(row), strict=True):
    column.metric(shell.plain(label), value)
if "respondents" in row:  # the reported network of tie surveys
    st.caption(
        shell.plain(
            _(
                "{respondents} people answered the tie survey in this window; isolates are "
                "counted among them. {no_answer} people enrolled did not answer: 'no answer', "
                "not isolated."
            ).format(respondents=int(row["respondents"]), no_answer=int(row["no_answer"]))
        )
    )
for caption in network_panels.change_captions(series, current):
    st.caption(shell.plain(caption))
if series.of_services and G.number_of_edges():
    st.subheader(_("Service by service"))
    st.altair_chart(network_panels.adjacency_chart(G), use_container_width=True)
st.subheader(_("Metrics over time"))
st.line_chart(
    series.per_window[
        ["density", "isolates_share", "average_clustering", "largest_component_share"]
    ]
)
st.dataframe(series.per_window, width="stretch")
st.subheader(_("Nodes"))
st.dataframe(series.per_node[current].rename(index=labels), width="stretch")

network_panels.download_row(series, current)
