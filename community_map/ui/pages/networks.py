"""Networks page: participants' ties and collaboration between services, window by window."""

from __future__ import annotations

import streamlit as st
import streamlit.components.v1 as components

from community_map.i18n import gettext as _
from community_map.networks import exports as network_io
from community_map.networks.drawing import network_html
from community_map.networks.metrics import isolation_changes, tie_changes
from community_map.trust.permissions import Permission
from community_map.ui import map_panels, network_panels, shell

actor = shell.require_permission(Permission.VIEW_NETWORKS)
shell.setup_language()
st.title(_("Networks over time"))

layers = {"coattendance": _("Participants: shared sessions"),
          "reported": _("Participants: reported ties"), "both": _("Participants: both layers"),
          "services": _("Services: collaboration"),
          "professionals": _("Professionals: collaboration"),
          "referrals": _("Services: referrals (directed)")}
c1, c2, c3 = st.columns(3)
layer = c1.selectbox(_("Network"), list(layers), format_func=layers.__getitem__, key="net_layer")
kinds = {"waves": _("Waves T0, T1, T2"), "month": _("Months"), "quarter": _("Quarters")}
window_kind = c2.selectbox(_("Windows"), list(kinds), format_func=kinds.__getitem__,
                           key="net_windows")
modes = {"separate": _("Each window on its own"), "cumulative": _("Cumulative"),
         "sliding": _("Sliding (3 periods)")}
mode = c3.selectbox(_("Mode"), list(modes), format_func=modes.__getitem__, key="net_mode")
with st.expander(_("Options")):
    o1, o2, o3, o4 = st.columns(4)
    weighting = o1.selectbox(_("Tie weight"), ["count", "newman"], key="net_weighting",
                             format_func=lambda w: _("Shared sessions") if w == "count"
                             else _("Newman (large groups count less)"))
    min_shared = int(o2.number_input(_("Minimum shared sessions"), 1, 20, 1, key="net_min"))
    max_size = int(o3.number_input(_("Leave out sessions above N attendees (0: none)"), 0, 500,
                                   0, key="net_max"))
    group_by = o4.selectbox(_("Colour and compare participants by"), list(network_panels.GROUPS),
                            key="net_group",
                            help=_("Services are compared by sector, professionals by the "
                                   "service they work in."))
    max_nodes = int(o1.number_input(_("Most nodes drawn"), 50, 2000, 400, step=50,
                                    key="net_cap"))
    size_by = o2.selectbox(_("Size by"), ["strength", "degree", "betweenness", "eigenvector"],
                           key="net_size")

with st.spinner(_("Computing the networks...")):
    built = network_panels.build(map_panels.data_version(), layer, window_kind, mode, weighting,
                             min_shared, max_size, group_by)
names = built["windows"]
current = st.select_slider(_("Window"), names, value=names[-1], key="net_window")
G = built["graphs"][current]
nodes = built["per_node"][current]
people = network_panels.tables(map_panels.data_version())["people"]
service_like = layer in ("services", "professionals", "referrals")
labels = ({n: n for n in G.nodes} if service_like
          else people["code"].reindex(list(G.nodes)).to_dict())
group = built["group"] or {}
titles = {n: f"{labels.get(n, n)} · {group.get(n, '')}" for n in G.nodes}
ego_choice = st.selectbox(_("Ego network of"), [None, *sorted(G.nodes, key=str)],
                          format_func=lambda n: _("Everyone") if n is None else str(labels[n]),
                          key=f"net_ego_{layer}")
drawn = network_html(G, positions=built["positions"], labels=labels, titles=titles,
                     groups=group, sizes=nodes[size_by].fillna(0).to_dict() if len(nodes) else None,
                     max_nodes=max_nodes, ego=ego_choice)
if drawn.left_out:
    st.caption(_("{shown} nodes drawn; {left} with the fewest ties left out (raise the limit "
                 "or pick an ego network).").format(shown=drawn.shown, left=drawn.left_out))
components.html(drawn.html, height=660)

row = built["per_window"].loc[current]
if row.get("warning"):
    st.warning(row["warning"])
m = st.columns(5)
m[0].metric(_("Nodes"), int(row["nodes"]))
m[1].metric(_("Ties"), int(row["edges"]))
m[2].metric(_("Density"), f"{row['density']:.3f}")
m[3].metric(_("Isolates"), f"{row['isolates_share']:.0%}" if row["isolates_share"] == row[
    "isolates_share"] else "—")
m[4].metric(_("E-I index"), f"{row['ei_index']:.2f}" if row["ei_index"] == row["ei_index"]
            else "—")
position = names.index(current)
if position > 0:
    before = built["graphs"][names[position - 1]]
    change = tie_changes(before, G)
    st.caption(_("Since {previous}: {gained} ties gained, {lost} lost, {kept} kept.").format(
        previous=names[position - 1], **change))
    if not service_like:
        moved = isolation_changes(before, G, list(people.index))["transition"].value_counts()
        st.caption(_("{connected} people went from isolated to connected and {isolated} from "
                     "connected to isolated.").format(
            connected=int(moved.get("became connected", 0)),
            isolated=int(moved.get("became isolated", 0))))
if service_like and G.number_of_edges():
    import altair as alt
    import networkx as nx

    st.subheader(_("Service by service"))
    matrix = nx.to_pandas_adjacency(G, weight="weight").stack().reset_index()
    matrix.columns = ["a", "b", "weight"]
    st.altair_chart(alt.Chart(matrix).mark_rect().encode(
        x=alt.X("a:N", title=None), y=alt.Y("b:N", title=None),
        color=alt.Color("weight:Q", title=_("Weight")), tooltip=["a", "b", "weight"]),
        use_container_width=True)
st.subheader(_("Metrics over time"))
st.line_chart(built["per_window"][["density", "isolates_share", "average_clustering",
                                   "largest_component_share"]])
st.dataframe(built["per_window"], width="stretch")
st.subheader(_("Nodes"))
st.dataframe(nodes.rename(index=labels), width="stretch")

e = st.columns(5)
spans = {n: (*built["spans"][n], built["graphs"][n]) for n in names}
e[0].download_button(_("GEXF (Gephi timeline)"), network_io.graphs_to_gexf(spans),
                     "network.gexf", "application/xml", key="net_gexf")
e[1].download_button(_("GraphML"), network_io.graph_to_graphml(G), f"network_{current}.graphml",
                     "application/xml", key="net_graphml")
nodes_csv, edges_csv = network_io.graph_to_csv(G)
e[2].download_button(_("Edges (CSV)"), edges_csv, f"edges_{current}.csv", "text/csv",
                     key="net_edges")
e[3].download_button(_("Nodes (CSV)"), nodes_csv, f"nodes_{current}.csv", "text/csv",
                     key="net_nodes")
e[4].download_button(_("Metrics (Excel)"),
                     network_io.metrics_to_excel(built["per_window"], built["per_node"]),
                     "network_metrics.xlsx", key="net_excel")
