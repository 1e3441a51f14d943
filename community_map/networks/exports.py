"""Network exports for other tools: GraphML, CSV and the metrics workbook (Excel).

* :func:`graph_to_graphml` and :func:`graph_to_csv` write one network for R (igraph,
  statnet), UCINET or any spreadsheet.
* :func:`metrics_to_excel` writes the network metrics of every window as one workbook.

Every writer returns ``bytes`` so that the app can offer it as a download and the CLI
can write it to a file. The dynamic GEXF file for Gephi is written by
:mod:`~community_map.networks.gexf`.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterable, Mapping
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from community_map._cells import csv_bytes, sheet_value
from community_map._excel import HEADER_FILL, HEADER_FONT
from community_map.i18n import gettext as _
from community_map.i18n import language as use_language
from community_map.networks._export_values import (
    XML_INVALID,
    coerced_columns,
    is_missing,
    node_ids,
    plain,
)

__all__ = ["graph_to_csv", "graph_to_graphml", "metrics_to_excel", "sheet_name"]

#: Characters Excel forbids in sheet names, and its length limit.
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
_SHEET_MAX = 31
#: Excel reserves this sheet name.
_SHEET_RESERVED = {"history"}


# -- GraphML and CSV --------------------------------------------------------------------


def _plain_graph(G: nx.Graph) -> nx.Graph:
    """Return a copy of ``G`` with string node ids and plain, one-type-per-key attributes."""
    ids = node_ids(G.nodes)
    H = G.__class__()
    graph_columns = coerced_columns([dict(G.graph)])
    H.graph.update({name: col[0] for name, col in graph_columns.items() if 0 in col})
    nodes = list(G.nodes(data=True))
    node_columns = coerced_columns([data for _n, data in nodes])
    for position, (node, _data) in enumerate(nodes):
        H.add_node(
            ids[node],
            **{name: col[position] for name, col in node_columns.items() if position in col},
        )
    edges = list(G.edges(data=True))
    edge_columns = coerced_columns([data for _u, _v, data in edges])
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
    return XML_INVALID.sub("\ufffd", text).encode("utf-8")


def _csv_bytes(frame: pd.DataFrame) -> bytes:
    return csv_bytes(frame)


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
    text = XML_INVALID.sub("", str(name))
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
    if is_missing(value):
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        return value.to_pydatetime()
    if isinstance(value, bool | int | float | str | dt.date | dt.datetime):
        return sheet_value(value)
    return sheet_value(plain(value))


def _write_sheet(sheet: Worksheet, table: pd.DataFrame) -> None:
    """Fill ``sheet`` with ``table``: styled frozen header, sized columns, a filter."""
    sheet.append([sheet_value(str(c)) for c in table.columns])
    for row in table.itertuples(index=False):
        sheet.append([_excel_value(v) for v in row])
    for cell in sheet[1]:
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
        cell.alignment = Alignment(vertical="center")
    for index in range(1, len(table.columns) + 1):
        widths: list[int] = []
        for (cell,) in sheet.iter_rows(min_col=index, max_col=index):
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
    frozen, columns sized, and text never becomes a formula (see
    :func:`community_map._cells.neutralise`).

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
