"""Dynamic GEXF 1.3 export for Gephi's timeline.

:func:`graphs_to_gexf` writes the networks of several time windows as one file: nodes and
edges carry ``<spells>`` and the edge weight is a dynamic attribute with one value per
window. It returns ``bytes`` so that the app can offer it as a download and the CLI can
write it to a file.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from collections.abc import Mapping
from typing import Any

import networkx as nx
import pandas as pd

from community_map.errors import ValidationError
from community_map.i18n import gettext as _
from community_map.networks._export_values import (
    coerced_columns,
    common_type,
    is_missing,
    node_ids,
    plain,
    xml_text,
)

__all__ = ["GEXF_NAMESPACE", "graphs_to_gexf"]

GEXF_NAMESPACE = "http://gexf.net/1.3"
GEXF_SCHEMA_LOCATION = "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd"
XSI_NAMESPACE = "http://www.w3.org/2001/XMLSchema-instance"


_GEXF_TYPES: dict[type, str] = {bool: "boolean", int: "long", float: "double", str: "string"}


def _gexf_value(value: bool | int | float | str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return xml_text(value)


def _spells(present: list[int]) -> list[tuple[int, int]]:
    """Group the (sorted) window positions in ``present`` into runs of consecutive windows."""
    runs: list[tuple[int, int]] = []
    for position in present:
        if runs and runs[-1][1] == position - 1:
            runs[-1] = (runs[-1][0], position)
        else:
            runs.append((position, position))
    return runs


def graphs_to_gexf(
    windows: Mapping[str, tuple[dt.date, dt.date, nx.Graph]],
    *,
    node_attributes: pd.DataFrame | None = None,
) -> bytes:
    """Write the networks of several time windows as one dynamic GEXF 1.3 file for Gephi.

    Each node and each tie appears once, with a ``<spell>`` for every run of consecutive
    windows in which it exists (windows are taken in order of their start dates, so a tie
    present in the first and second windows but not the third has one spell from the
    first day of the first window to the last day of the second). The edge weight is a
    dynamic attribute with one value per window. Open the file in Gephi and enable the
    timeline to play the network over time.

    Parameters
    ----------
    windows
        ``{name: (start, end, graph)}``. ``end`` is excluded, as in
        :class:`community_map.networks.windows.Window`; GEXF intervals include both ends, so the
        file uses the day before ``end`` as the last day. Gephi holds one value per day,
        so overlapping windows (cumulative or sliding) are shown from the end of the
        previous window: each day shows the network of the first window that ends after
        it. Windows must therefore end one after another. Directed graphs give a
        directed file; directed and undirected graphs cannot be mixed.
    node_attributes
        Static node attributes (e.g. group, neighbourhood, service), indexed by node id;
        ids are matched as text. A ``label`` column gives the node labels, otherwise a
        node's ``label`` attribute in the graphs or its id is used. Missing values are
        left out.

    Returns
    -------
    bytes
        The UTF-8 GEXF document.

    Raises
    ------
    ValidationError
        A window ends before it starts, two windows end on the same day or one lies
        inside another, directed and undirected graphs are mixed, or two node ids are
        the same as text.

    Examples
    --------
    >>> G = nx.Graph([("a", "b")])
    >>> gexf = graphs_to_gexf({"T0": (dt.date(2024, 1, 1), dt.date(2024, 2, 1), G)})
    >>> b'<spell start="2024-01-01" end="2024-01-31" />' in gexf
    True
    """
    ordered = sorted(windows.items(), key=lambda item: (item[1][0], item[1][1]))
    bounds: list[tuple[dt.date, dt.date]] = []
    for position, (name, (start, end, _graph)) in enumerate(ordered):
        if end <= start:
            raise ValidationError(_("Window {name} ends before it starts.").format(name=name))
        shown_from = start
        if position:
            previous_name, (_ps, previous_end, _pg) = ordered[position - 1]
            if end <= previous_end:
                raise ValidationError(
                    _(
                        "Window {b} ends no later than window {a}; a timeline needs windows "
                        "that end one after another."
                    ).format(a=previous_name, b=name)
                )
            shown_from = max(start, previous_end)
        bounds.append((shown_from, end - dt.timedelta(days=1)))
    directed = {G.is_directed() for _name, (_s, _e, G) in ordered}
    if len(directed) > 1:
        raise ValidationError(
            _(
                "Some windows hold directed networks and others undirected ones; export "
                "networks of one kind."
            )
        )
    is_directed = directed == {True}

    ids = node_ids(node for _name, (_s, _e, G) in ordered for node in G.nodes)
    node_windows: dict[str, list[int]] = {text: [] for text in ids.values()}
    graph_labels: dict[str, object] = {}
    edge_windows: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for position, (_name, (_s, _e, G)) in enumerate(ordered):
        for node, data in G.nodes(data=True):
            node_windows[ids[node]].append(position)
            if not is_missing(data.get("label")):
                graph_labels.setdefault(ids[node], data["label"])
        for u, v, data in G.edges(data=True):
            a, b = ids[u], ids[v]
            key = (a, b)
            if not is_directed and (b, a) in edge_windows:
                key = (b, a)
            weight = plain(data.get("weight", 1.0))
            value = float(weight) if isinstance(weight, int | float) else 1.0
            entries = edge_windows.setdefault(key, [])
            if entries and entries[-1][0] == position:  # multigraph: add the parallel ties
                entries[-1] = (position, entries[-1][1] + value)
            else:
                entries.append((position, value))

    attribute_rows: dict[str, dict[str, Any]] = {}
    if node_attributes is not None:
        for index, row in zip(
            node_attributes.index, node_attributes.to_dict("records"), strict=True
        ):
            attribute_rows[str(index)] = row
    labels: dict[str, str] = {}
    for text in node_windows:
        row_label = attribute_rows.get(text, {}).get("label")
        label = row_label if not is_missing(row_label) else graph_labels.get(text, text)
        labels[text] = str(plain(label))
    node_order = list(node_windows)
    columns = coerced_columns(
        [attribute_rows.get(text, {}) for text in node_order], skip=("label",)
    )

    def spell_dates(first: int, last: int) -> dict[str, str]:
        return {"start": bounds[first][0].isoformat(), "end": bounds[last][1].isoformat()}

    ET.register_namespace("", GEXF_NAMESPACE)
    ns = f"{{{GEXF_NAMESPACE}}}"
    root = ET.Element(
        f"{ns}gexf",
        {
            "version": "1.3",
            f"{{{XSI_NAMESPACE}}}schemaLocation": GEXF_SCHEMA_LOCATION,
        },
    )
    meta = ET.SubElement(root, f"{ns}meta")
    ET.SubElement(meta, f"{ns}creator").text = "community_map"
    graph_attrs = {
        "mode": "dynamic",
        "defaultedgetype": "directed" if is_directed else "undirected",
        "timeformat": "date",
    }
    if bounds:
        graph_attrs["start"] = ordered[0][1][0].isoformat()
        graph_attrs["end"] = bounds[-1][1].isoformat()
    graph = ET.SubElement(root, f"{ns}graph", graph_attrs)

    node_decl = ET.SubElement(graph, f"{ns}attributes", {"class": "node", "mode": "static"})
    attribute_ids: dict[str, str] = {}
    for number, (name, values) in enumerate(columns.items()):
        attribute_ids[name] = str(number)
        ET.SubElement(
            node_decl,
            f"{ns}attribute",
            {
                "id": str(number),
                "title": xml_text(name),
                "type": _GEXF_TYPES[common_type(values.values())],
            },
        )
    edge_decl = ET.SubElement(graph, f"{ns}attributes", {"class": "edge", "mode": "dynamic"})
    ET.SubElement(
        edge_decl, f"{ns}attribute", {"id": "weight", "title": "weight", "type": "double"}
    )

    nodes = ET.SubElement(graph, f"{ns}nodes")
    for position, text in enumerate(node_order):
        node = ET.SubElement(
            nodes, f"{ns}node", {"id": xml_text(text), "label": xml_text(labels[text])}
        )
        present = [(name, col[position]) for name, col in columns.items() if position in col]
        if present:
            attvalues = ET.SubElement(node, f"{ns}attvalues")
            for name, attr_value in present:
                ET.SubElement(
                    attvalues,
                    f"{ns}attvalue",
                    {"for": attribute_ids[name], "value": _gexf_value(attr_value)},
                )
        spells = ET.SubElement(node, f"{ns}spells")
        for first, last in _spells(node_windows[text]):
            ET.SubElement(spells, f"{ns}spell", spell_dates(first, last))

    edges = ET.SubElement(graph, f"{ns}edges")
    for number, ((source, target), entries) in enumerate(edge_windows.items()):
        edge = ET.SubElement(
            edges,
            f"{ns}edge",
            {"id": str(number), "source": xml_text(source), "target": xml_text(target)},
        )
        attvalues = ET.SubElement(edge, f"{ns}attvalues")
        for position, weight in entries:
            ET.SubElement(
                attvalues,
                f"{ns}attvalue",
                {"for": "weight", "value": repr(weight), **spell_dates(position, position)},
            )
        spells = ET.SubElement(edge, f"{ns}spells")
        for first, last in _spells([position for position, _w in entries]):
            ET.SubElement(spells, f"{ns}spell", spell_dates(first, last))

    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document
