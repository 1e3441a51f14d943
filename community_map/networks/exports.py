"""Network exports for other tools: GEXF (Gephi timeline), GraphML, CSV and Excel.

* :func:`graphs_to_gexf` writes the networks of several time windows as one dynamic
  GEXF 1.3 file that Gephi's timeline can play: nodes and edges carry ``<spells>`` and
  the edge weight is a dynamic attribute with one value per window.
* :func:`graph_to_graphml` and :func:`graph_to_csv` write one network for R (igraph,
  statnet), UCINET or any spreadsheet.
* :func:`metrics_to_excel` writes the network metrics of every window as one workbook.

Every writer returns ``bytes`` so that the app can offer it as a download and the CLI
can write it to a file.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Hashable, Iterable, Mapping
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from community_map._excel import HEADER_FILL, HEADER_FONT
from community_map.errors import ValidationError
from community_map.i18n import gettext as _
from community_map.i18n import language as use_language

__all__ = ["graph_to_csv", "graph_to_graphml", "graphs_to_gexf", "metrics_to_excel", "sheet_name"]

GEXF_NAMESPACE = "http://gexf.net/1.3"
GEXF_SCHEMA_LOCATION = "http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd"
XSI_NAMESPACE = "http://www.w3.org/2001/XMLSchema-instance"

#: Characters Excel forbids in sheet names, and its length limit.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_MAX = 31
#: Excel reserves this sheet name.
_SHEET_RESERVED = {"history"}

# Characters XML 1.0 cannot hold at all, even escaped (control characters but tab/newline).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


# -- values -----------------------------------------------------------------------------


def _is_missing(value: object) -> bool:
    """Return whether ``value`` is None or a NaN/NaT-like missing value."""
    if value is None:
        return True
    if isinstance(value, float | np.floating):
        return math.isnan(float(value))
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # list-like values
        return False


def _plain(value: object) -> bool | int | float | str | None:
    """Coerce an attribute value to ``bool``, ``int``, ``float`` or ``str`` (None if missing).

    NumPy scalars become Python scalars, dates ISO strings, list-likes ``;``-joined
    strings and mappings JSON.
    """
    if _is_missing(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, dt.date | dt.datetime | pd.Timestamp):
        return value.isoformat()
    if isinstance(value, Mapping):
        return json.dumps({str(k): _plain(v) for k, v in value.items()}, ensure_ascii=False)
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return ";".join("" if _plain(v) is None else str(_plain(v)) for v in items)
    return str(value)


def _common_type(values: Iterable[object]) -> type:
    """Return the one type that holds every value: bool, int, float or str."""
    kinds = {type(v) for v in values if v is not None}
    if not kinds:
        return str
    if kinds == {bool}:
        return bool
    if kinds <= {int}:
        return int
    if kinds <= {int, float}:
        return float
    return str


def _cast(value: bool | int | float | str | None, kind: type) -> bool | int | float | str | None:
    if value is None or kind is bool:
        return value
    if kind is str:
        return str(value)
    return kind(value)  # type: ignore[no-any-return]


def _coerced_columns(
    records: list[dict[str, Any]], *, skip: Iterable[str] = ()
) -> dict[str, dict[int, bool | int | float | str]]:
    """Coerce the attribute dictionaries in ``records`` column by column.

    Returns, for each attribute name (in first-seen order), the non-missing values by
    record position, all of one type.
    """
    skipped = set(skip)
    raw: dict[str, dict[int, bool | int | float | str]] = {}
    for position, record in enumerate(records):
        for key, value in record.items():
            name = str(key)
            if name in skipped:
                continue
            plain = _plain(value)
            column = raw.setdefault(name, {})
            if plain is not None:
                column[position] = plain
    columns = {}
    for name, column in raw.items():
        kind = _common_type(column.values())
        columns[name] = {pos: _cast(v, kind) for pos, v in column.items()}
    return columns  # type: ignore[return-value]


def _node_ids(nodes: Iterable[Hashable]) -> dict[Hashable, str]:
    """Map each node to its string id; two nodes with the same string id are an error."""
    ids: dict[Hashable, str] = {}
    seen: dict[str, Hashable] = {}
    for node in nodes:
        if node in ids:
            continue
        text = str(node)
        if text in seen and seen[text] != node:
            raise ValidationError(
                _(
                    "Two nodes, {a!r} and {b!r}, have the same id as text; give them "
                    "different ids before exporting."
                ).format(a=seen[text], b=node)
            )
        seen[text] = node
        ids[node] = text
    return ids


def _xml_text(value: object) -> str:
    """Return ``value`` as text that XML 1.0 can hold (ElementTree escapes the rest)."""
    return _XML_INVALID.sub("\ufffd", str(value))


# -- GEXF -------------------------------------------------------------------------------


_GEXF_TYPES: dict[type, str] = {bool: "boolean", int: "long", float: "double", str: "string"}


def _gexf_value(value: bool | int | float | str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    return _xml_text(value)


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

    ids = _node_ids(node for _name, (_s, _e, G) in ordered for node in G.nodes)
    node_windows: dict[str, list[int]] = {text: [] for text in ids.values()}
    graph_labels: dict[str, object] = {}
    edge_windows: dict[tuple[str, str], list[tuple[int, float]]] = {}
    for position, (_name, (_s, _e, G)) in enumerate(ordered):
        for node, data in G.nodes(data=True):
            node_windows[ids[node]].append(position)
            if not _is_missing(data.get("label")):
                graph_labels.setdefault(ids[node], data["label"])
        for u, v, data in G.edges(data=True):
            a, b = ids[u], ids[v]
            key = (a, b)
            if not is_directed and (b, a) in edge_windows:
                key = (b, a)
            weight = _plain(data.get("weight", 1.0))
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
        label = row_label if not _is_missing(row_label) else graph_labels.get(text, text)
        labels[text] = str(_plain(label))
    node_order = list(node_windows)
    columns = _coerced_columns(
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
                "title": _xml_text(name),
                "type": _GEXF_TYPES[_common_type(values.values())],
            },
        )
    edge_decl = ET.SubElement(graph, f"{ns}attributes", {"class": "edge", "mode": "dynamic"})
    ET.SubElement(
        edge_decl, f"{ns}attribute", {"id": "weight", "title": "weight", "type": "double"}
    )

    nodes = ET.SubElement(graph, f"{ns}nodes")
    for position, text in enumerate(node_order):
        node = ET.SubElement(
            nodes, f"{ns}node", {"id": _xml_text(text), "label": _xml_text(labels[text])}
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
            {"id": str(number), "source": _xml_text(source), "target": _xml_text(target)},
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


# -- GraphML and CSV --------------------------------------------------------------------


def _plain_graph(G: nx.Graph) -> nx.Graph:
    """Return a copy of ``G`` with string node ids and plain, one-type-per-key attributes."""
    ids = _node_ids(G.nodes)
    H = G.__class__()
    graph_columns = _coerced_columns([dict(G.graph)])
    H.graph.update({name: col[0] for name, col in graph_columns.items() if 0 in col})
    nodes = list(G.nodes(data=True))
    node_columns = _coerced_columns([data for _n, data in nodes])
    for position, (node, _data) in enumerate(nodes):
        H.add_node(
            ids[node],
            **{name: col[position] for name, col in node_columns.items() if position in col},
        )
    edges = list(G.edges(data=True))
    edge_columns = _coerced_columns([data for _u, _v, data in edges])
    for position, (u, v, _data) in enumerate(edges):
        H.add_edge(
            ids[u],
            ids[v],
            **{name: col[position] for name, col in edge_columns.items() if position in col},
        )
    return H


def graph_to_graphml(G: nx.Graph) -> bytes:
    """Write ``G`` as GraphML (for R's igraph, Gephi, yEd, Cytoscape).

    Node ids become strings; attribute values are coerced to ``bool``, ``int``, ``float``
    or ``str`` (NumPy scalars to Python ones, dates to ISO strings, lists to
    ``;``-joined strings) with one type per attribute name, and missing values are left
    out, since GraphML has no null.

    Examples
    --------
    >>> G = nx.Graph()
    >>> G.add_edge(1, 2, weight=np.float64(2.5))
    >>> H = nx.read_graphml(io.BytesIO(graph_to_graphml(G)))
    >>> H["1"]["2"]["weight"]
    2.5
    """
    H = _plain_graph(G)
    text = "\n".join(nx.generate_graphml(H, encoding="utf-8", prettyprint=True))
    return _XML_INVALID.sub("\ufffd", text).encode("utf-8")


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    text: str = frame.to_csv(index=False, lineterminator="\r\n")
    return text.encode("utf-8-sig")


def graph_to_csv(G: nx.Graph) -> tuple[bytes, bytes]:
    """Write ``G`` as two CSV tables, ``nodes.csv`` and ``edges.csv`` (for R, UCINET, Excel).

    ``nodes.csv`` has the column ``id`` and one column per node attribute; ``edges.csv``
    has ``source``, ``target``, ``weight`` (1 when the edge has none) and one column per
    other edge attribute. Both are UTF-8 with a byte-order mark, so that spreadsheet
    programs read accents, and CRLF line ends (RFC 4180). Node attributes named ``id``
    and edge attributes named ``source`` or ``target`` are left out.

    Returns
    -------
    tuple of bytes
        ``(nodes_csv, edges_csv)``.
    """
    H = _plain_graph(G)
    node_rows = [
        {"id": node, **{k: v for k, v in data.items() if k != "id"}}
        for node, data in H.nodes(data=True)
    ]
    nodes = pd.DataFrame(node_rows, columns=_union_columns(["id"], node_rows))
    edge_rows = [
        {
            "source": u,
            "target": v,
            "weight": data.get("weight", 1.0),
            **{k: val for k, val in data.items() if k not in {"source", "target", "weight"}},
        }
        for u, v, data in H.edges(data=True)
    ]
    edges = pd.DataFrame(
        edge_rows, columns=_union_columns(["source", "target", "weight"], edge_rows)
    )
    return _csv_bytes(nodes), _csv_bytes(edges)


def _union_columns(first: list[str], rows: list[dict[str, Any]]) -> list[str]:
    columns = list(first)
    for row in rows:
        columns.extend(key for key in row if key not in columns)
    return columns


# -- Excel ------------------------------------------------------------------------------


def sheet_name(name: object, taken: Iterable[str] = ()) -> str:
    """Return a valid Excel sheet name for ``name`` that differs from the ``taken`` ones.

    Excel forbids ``[ ] : * ? / \\``, names longer than 31 characters, names that begin
    or end with an apostrophe, the name ``History``, and two names that differ only in
    case.

    Examples
    --------
    >>> sheet_name("2024/Q1: [pilot]")
    '2024-Q1- (pilot)'
    >>> sheet_name("T0", taken=["t0"])
    'T0 (2)'
    """
    text = _XML_INVALID.sub("", str(name))
    text = text.replace("[", "(").replace("]", ")")
    text = _SHEET_FORBIDDEN.sub("-", text).strip().strip("'").strip()
    text = text[:_SHEET_MAX].rstrip().rstrip("'") or "Sheet"
    used = {t.casefold() for t in taken} | _SHEET_RESERVED
    candidate, number = text, 1
    while candidate.casefold() in used:
        number += 1
        suffix = f" ({number})"
        candidate = text[: _SHEET_MAX - len(suffix)].rstrip().rstrip("'") + suffix
    return candidate


def _excel_value(value: object) -> object:
    if _is_missing(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, bool | int | float | str | dt.date | dt.datetime):
        return value
    return _plain(value)


def _write_sheet(sheet: Worksheet, table: pd.DataFrame) -> None:
    """Fill ``sheet`` with ``table``: styled frozen header, sized columns, a filter."""
    sheet.append([str(c) for c in table.columns])
    for row in table.itertuples(index=False):
        sheet.append([_excel_value(v) for v in row])
    for cell in sheet[1]:
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
        cell.alignment = Alignment(vertical="center")
    for index in range(1, len(table.columns) + 1):
        widths: list[int] = []
        for (cell,) in sheet.iter_rows(min_col=index, max_col=index):
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"  # text, never a formula
            if isinstance(cell.value, float):
                cell.number_format = "0.000"
            if len(widths) <= 500:
                widths.append(
                    len(
                        f"{cell.value:.3f}"
                        if isinstance(cell.value, float)
                        else str("" if cell.value is None else cell.value)
                    )
                )
        width = min(60, max(8, max(widths) + 2))
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    if len(table.columns):
        sheet.auto_filter.ref = sheet.dimensions


def _with_index(table: pd.DataFrame, default_name: str) -> pd.DataFrame:
    """Return ``table`` with a meaningful index turned into its first column."""
    if isinstance(table.index, pd.RangeIndex) and table.index.name is None:
        return table
    names = [n if n is not None else default_name for n in table.index.names]
    frame = table.copy()
    frame.index = frame.index.set_names(names)
    return frame.reset_index()


def metrics_to_excel(
    per_window: pd.DataFrame,
    per_node: Mapping[str, pd.DataFrame],
    *,
    language: str = "en",
) -> bytes:
    """Write network metrics over time as one Excel workbook.

    The first sheet, *Windows*, holds ``per_window`` (one row per window); then comes one
    sheet of node metrics per window, in the order of ``per_node``. Sheet names follow
    Excel's rules (see :func:`sheet_name`) and stay unique. A meaningful index (named, or
    not a plain 0..n-1 range) is written as the first column. Headers are styled and
    frozen, columns sized, and text that begins with ``=`` is kept as text, never run as
    a formula.

    Parameters
    ----------
    per_window
        One row per window (e.g. window name, nodes, ties, density, components).
    per_node
        ``{window name: node metrics}``, e.g. degree, strength, betweenness per node.
    language
        Language of the sheet names and the default index headers (``ca``, ``es``,
        ``en``).

    Returns
    -------
    bytes
        The ``.xlsx`` workbook.
    """
    with use_language(language):
        windows_title = _("Windows")
        window_header = _("Window")
        node_header = _("Node")
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = sheet_name(windows_title)
    _write_sheet(sheet, _with_index(per_window, window_header))
    taken = [sheet.title]
    for name, table in per_node.items():
        title = sheet_name(name, taken)
        taken.append(title)
        _write_sheet(workbook.create_sheet(title), _with_index(table, node_header))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
