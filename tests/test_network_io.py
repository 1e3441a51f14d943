"""Network exports: dynamic GEXF for Gephi, GraphML, CSV and the metrics workbook."""

from __future__ import annotations

import datetime as dt
import io
import xml.etree.ElementTree as ET

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from community_map.errors import ValidationError
from community_map.networks.exports import (
    graph_to_csv,
    graph_to_graphml,
    metrics_to_excel,
    sheet_name,
)
from community_map.networks.gexf import GEXF_NAMESPACE, graphs_to_gexf

NS = {"g": GEXF_NAMESPACE}
D = dt.date
LABEL = '<b>&"x"</b>'


def _windows() -> dict[str, tuple[dt.date, dt.date, nx.Graph]]:
    """Three monthly windows, four nodes; ties appear, vanish and come back."""
    t0 = nx.Graph()
    t0.add_edge("a", "b", weight=2.0)
    t0.add_edge("b", "c", weight=1.0)
    t1 = nx.Graph()
    t1.add_edge("b", "a", weight=3.0)  # same tie, other orientation
    t1.add_node("c")
    t2 = nx.Graph()
    t2.add_edge("a", "b", weight=1.5)
    t2.add_edge("c", "b", weight=4.0)
    t2.add_edge("a", "d", weight=1.0)
    # Given out of order on purpose: windows are sorted by start date.
    return {
        "2024-03": (D(2024, 3, 1), D(2024, 4, 1), t2),
        "2024-01": (D(2024, 1, 1), D(2024, 2, 1), t0),
        "2024-02": (D(2024, 2, 1), D(2024, 3, 1), t1),
    }


def _attributes() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "label": [LABEL, None, None, None],
            "group": ["Youth", "Elders", None, "Youth"],
            "neighbourhood": ["Raval", "Gòtic", "Raval", "Sants"],
            "age": [15, 70, 34, np.int64(16)],
        },
        index=pd.Index(["a", "b", "c", "d"], name="participant"),
    )


@pytest.fixture(scope="module")
def gexf() -> bytes:
    return graphs_to_gexf(_windows(), node_attributes=_attributes())


def _spells(element: ET.Element) -> list[tuple[str | None, str | None]]:
    return [(s.get("start"), s.get("end")) for s in element.findall("g:spells/g:spell", NS)]


def _by_id(root: ET.Element, path: str) -> dict[str, ET.Element]:
    return {str(e.get("id")): e for e in root.findall(path, NS)}


def _edges(root: ET.Element) -> dict[frozenset[str], ET.Element]:
    return {
        frozenset((str(e.get("source")), str(e.get("target")))): e
        for e in root.findall("g:graph/g:edges/g:edge", NS)
    }


JAN, FEB, MAR = (
    ("2024-01-01", "2024-01-31"),
    ("2024-02-01", "2024-02-29"),
    ("2024-03-01", "2024-03-31"),
)


def test_gexf_header(gexf: bytes) -> None:
    assert gexf.startswith(b"<?xml version='1.0' encoding='utf-8'?>")
    root = ET.fromstring(gexf)
    assert root.tag == f"{{{GEXF_NAMESPACE}}}gexf"
    assert root.get("version") == "1.3"
    graph = root.find("g:graph", NS)
    assert graph is not None
    assert graph.get("mode") == "dynamic"
    assert graph.get("defaultedgetype") == "undirected"
    assert graph.get("timeformat") == "date"
    assert (graph.get("start"), graph.get("end")) == ("2024-01-01", "2024-03-31")


def test_gexf_node_spells_merge_consecutive_windows(gexf: bytes) -> None:
    nodes = _by_id(ET.fromstring(gexf), "g:graph/g:nodes/g:node")
    assert list(nodes) == ["a", "b", "c", "d"]
    assert _spells(nodes["a"]) == [("2024-01-01", "2024-03-31")]
    assert _spells(nodes["b"]) == [("2024-01-01", "2024-03-31")]
    assert _spells(nodes["c"]) == [("2024-01-01", "2024-03-31")]  # isolated in T1, still there
    assert _spells(nodes["d"]) == [MAR]


def test_gexf_edge_spells_and_dynamic_weights(gexf: bytes) -> None:
    edges = _edges(ET.fromstring(gexf))
    assert len(edges) == 3  # one edge per pair, whatever the orientation in each window
    ab, bc, ad = edges[frozenset("ab")], edges[frozenset("bc")], edges[frozenset("ad")]
    assert _spells(ab) == [(JAN[0], MAR[1])]
    assert _spells(bc) == [JAN, MAR]  # gone in February: two spells
    assert _spells(ad) == [MAR]
    weights = [
        (a.get("for"), a.get("value"), a.get("start"), a.get("end"))
        for a in ab.findall("g:attvalues/g:attvalue", NS)
    ]
    assert weights == [("weight", "2.0", *JAN), ("weight", "3.0", *FEB), ("weight", "1.5", *MAR)]
    assert [a.get("value") for a in bc.findall("g:attvalues/g:attvalue", NS)] == ["1.0", "4.0"]
    ids = [e.get("id") for e in ET.fromstring(gexf).findall("g:graph/g:edges/g:edge", NS)]
    assert len(set(ids)) == 3


def test_gexf_attribute_declarations_and_static_node_values(gexf: bytes) -> None:
    root = ET.fromstring(gexf)
    declared = {a.get("mode"): a for a in root.findall("g:graph/g:attributes", NS)}
    node_decl, edge_decl = declared["static"], declared["dynamic"]
    assert node_decl.get("class") == "node" and edge_decl.get("class") == "edge"
    titles = {
        a.get("title"): (a.get("id"), a.get("type")) for a in node_decl.findall("g:attribute", NS)
    }
    assert set(titles) == {"group", "neighbourhood", "age"}  # the label is not an attribute
    assert titles["age"][1] == "long" and titles["group"][1] == "string"
    assert [(a.get("id"), a.get("type")) for a in edge_decl.findall("g:attribute", NS)] == [
        ("weight", "double")
    ]
    nodes = _by_id(root, "g:graph/g:nodes/g:node")
    by_title = {t: i for t, (i, _type) in titles.items()}

    def values(node: str) -> dict[str | None, str | None]:
        return {
            a.get("for"): a.get("value") for a in nodes[node].findall("g:attvalues/g:attvalue", NS)
        }

    assert values("b") == {
        by_title["group"]: "Elders",
        by_title["neighbourhood"]: "Gòtic",
        by_title["age"]: "70",
    }
    assert by_title["group"] not in values("c")  # missing values are left out
    assert values("d")[by_title["age"]] == "16"


def test_gexf_escapes_labels(gexf: bytes) -> None:
    assert LABEL.encode() not in gexf
    assert b'label="&lt;b&gt;&amp;&quot;x&quot;&lt;/b&gt;"' in gexf
    nodes = _by_id(ET.fromstring(gexf), "g:graph/g:nodes/g:node")
    assert nodes["a"].get("label") == LABEL
    assert nodes["b"].get("label") == "b"


def test_gexf_escapes_ids_and_control_characters() -> None:
    G = nx.Graph([('<n&"1">', "x\x01y")])
    root = ET.fromstring(graphs_to_gexf({"T0": (D(2024, 1, 1), D(2024, 1, 2), G)}))
    nodes = _by_id(root, "g:graph/g:nodes/g:node")
    assert set(nodes) == {'<n&"1">', "x\ufffdy"}
    assert _spells(nodes['<n&"1">']) == [("2024-01-01", "2024-01-01")]


def test_networkx_reads_the_gexf(gexf: bytes) -> None:
    # networkx 3.6 reads GEXF 1.3 directly (no version substitution needed).
    H = nx.read_gexf(io.BytesIO(gexf))
    assert H.graph["mode"] == "dynamic"
    assert set(H.nodes) == {"a", "b", "c", "d"}
    assert H.nodes["a"]["label"] == LABEL
    assert H.nodes["a"]["group"] == "Youth" and H.nodes["a"]["age"] == 15
    assert H.nodes["d"]["spells"] == [MAR]
    assert H.number_of_edges() == 3
    assert H["b"]["c"]["spells"] == [JAN, MAR]
    # networkx forces "weight" to be a static attribute (a Gephi 0.7 workaround), so it
    # keeps the last window's value; the dynamic values are checked in the XML above.
    assert H["a"]["b"]["weight"] == 1.5


def test_gexf_labels_from_the_graphs_and_integer_ids() -> None:
    G = nx.Graph()
    G.add_node(1, label="Anna")
    G.add_edge(1, 2, weight=np.float64(2))
    root = ET.fromstring(
        graphs_to_gexf(
            {"T0": (D(2024, 1, 1), D(2024, 2, 1), G)},
            node_attributes=pd.DataFrame({"service": ["CSS"]}, index=[2]),
        )
    )
    nodes = _by_id(root, "g:graph/g:nodes/g:node")
    assert nodes["1"].get("label") == "Anna" and nodes["2"].get("label") == "2"
    assert [a.get("value") for a in nodes["2"].findall("g:attvalues/g:attvalue", NS)] == ["CSS"]
    assert nx.read_gexf(io.BytesIO(ET.tostring(root)), node_type=int).has_edge(1, 2)


def test_gexf_directed_windows() -> None:
    G = nx.DiGraph([("a", "b"), ("b", "a")])
    root = ET.fromstring(graphs_to_gexf({"T0": (D(2024, 1, 1), D(2024, 2, 1), G)}))
    graph = root.find("g:graph", NS)
    assert graph is not None and graph.get("defaultedgetype") == "directed"
    assert len(root.findall("g:graph/g:edges/g:edge", NS)) == 2


@pytest.mark.parametrize(
    "starts",
    [
        [D(2024, 1, 1)] * 3,  # cumulative
        [D(2023, 11, 1), D(2023, 12, 1), D(2024, 1, 1)],  # sliding, three months each
    ],
)
def test_gexf_overlapping_windows_are_shown_from_the_previous_end(
    starts: list[dt.date],
) -> None:
    ends = [D(2024, 2, 1), D(2024, 3, 1), D(2024, 4, 1)]
    graphs = [nx.Graph([("a", "b")]), nx.Graph([("a", "b")]), nx.Graph([("a", "c")])]
    graphs[1]["a"]["b"]["weight"] = 2.0
    windows = {f"W{i}": (starts[i], ends[i], graphs[i]) for i in range(3)}
    root = ET.fromstring(graphs_to_gexf(windows))
    graph = root.find("g:graph", NS)
    assert graph is not None and graph.get("start") == starts[0].isoformat()
    edges = _edges(root)
    first_day = starts[0].isoformat()
    assert _spells(edges[frozenset("ab")]) == [(first_day, FEB[1])]
    assert [
        (a.get("value"), a.get("start"), a.get("end"))
        for a in edges[frozenset("ab")].findall("g:attvalues/g:attvalue", NS)
    ] == [("1.0", first_day, JAN[1]), ("2.0", *FEB)]
    assert _spells(edges[frozenset("ac")]) == [MAR]


def test_gexf_of_no_windows_is_valid() -> None:
    H = nx.read_gexf(io.BytesIO(graphs_to_gexf({})))
    assert H.number_of_nodes() == 0


@pytest.mark.parametrize(
    "windows",
    [
        {"T0": (D(2024, 2, 1), D(2024, 1, 1), nx.Graph())},
        {
            "T0": (D(2024, 1, 1), D(2024, 4, 1), nx.Graph()),  # T1 lies inside T0
            "T1": (D(2024, 2, 1), D(2024, 3, 1), nx.Graph()),
        },
        {
            "T0": (D(2024, 1, 1), D(2024, 3, 1), nx.Graph()),  # same end
            "T1": (D(2024, 2, 1), D(2024, 3, 1), nx.Graph()),
        },
        {
            "T0": (D(2024, 1, 1), D(2024, 2, 1), nx.Graph()),
            "T1": (D(2024, 2, 1), D(2024, 3, 1), nx.DiGraph()),
        },
        {"T0": (D(2024, 1, 1), D(2024, 2, 1), nx.Graph([(1, "1")]))},
    ],
)
def test_gexf_rejects_bad_windows(windows: dict) -> None:
    with pytest.raises(ValidationError):
        graphs_to_gexf(windows)


# -- GraphML and CSV --------------------------------------------------------------------


def _graph() -> nx.Graph:
    G = nx.Graph(name="T0")
    G.add_node(1, label=LABEL, group="Youth", age=np.int64(15), score=np.float64(0.5), active=True)
    G.add_node(2, label="Bo", group=None, age=3, score=1, active=False)
    G.add_node(3, label="Çèlia", age=float("nan"), since=dt.date(2024, 1, 5))
    G.add_edge(1, 2, weight=np.float64(2.5), shared=np.int64(2), layers=["a", "b"])
    G.add_edge(2, 3, shared=1)
    return G


def test_graphml_round_trip() -> None:
    H = nx.read_graphml(io.BytesIO(graph_to_graphml(_graph())))
    assert set(H.nodes) == {"1", "2", "3"}
    assert H.graph["name"] == "T0"
    assert H.nodes["1"] == {
        "label": LABEL,
        "group": "Youth",
        "age": 15,
        "score": 0.5,
        "active": True,
    }
    assert H.nodes["2"] == {"label": "Bo", "age": 3, "score": 1.0, "active": False}
    assert H.nodes["3"] == {"label": "Çèlia", "since": "2024-01-05"}
    assert H["1"]["2"] == {"weight": 2.5, "shared": 2, "layers": "a;b"}
    assert H["2"]["3"] == {"shared": 1}


def test_graphml_escapes_and_types() -> None:
    data = graph_to_graphml(_graph())
    assert LABEL.encode() not in data
    root = ET.fromstring(data)
    keys = {
        (k.get("for"), k.get("attr.name")): k.get("attr.type")
        for k in root.findall("{http://graphml.graphdrawing.org/xmlns}key")
    }
    assert keys[("node", "score")] == "double"  # 0.5 and 1 become one type
    assert keys[("node", "age")] in {"int", "long"}
    assert keys[("edge", "weight")] == "double"


def test_csv_round_trip() -> None:
    nodes_csv, edges_csv = graph_to_csv(_graph())
    assert nodes_csv.startswith(b"\xef\xbb\xbf") and edges_csv.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in nodes_csv
    nodes = pd.read_csv(io.BytesIO(nodes_csv), encoding="utf-8-sig", dtype={"id": str})
    edges = pd.read_csv(
        io.BytesIO(edges_csv), encoding="utf-8-sig", dtype={"source": str, "target": str}
    )
    assert list(nodes.columns) == ["id", "label", "group", "age", "score", "active", "since"]
    assert nodes["id"].tolist() == ["1", "2", "3"]
    assert nodes["label"].tolist() == [LABEL, "Bo", "Çèlia"]
    assert nodes["age"].tolist()[:2] == [15, 3] and pd.isna(nodes["age"][2])
    assert list(edges.columns) == ["source", "target", "weight", "shared", "layers"]
    assert edges[["source", "target"]].values.tolist() == [["1", "2"], ["2", "3"]]
    assert edges["weight"].tolist() == [2.5, 1.0]  # no weight means 1
    assert edges["layers"].tolist()[0] == "a;b"
    G = nx.from_pandas_edgelist(edges, edge_attr=["weight", "shared"])
    assert G["1"]["2"]["shared"] == 2


def test_csv_of_an_empty_graph_has_headers() -> None:
    nodes_csv, edges_csv = graph_to_csv(nx.Graph())
    assert nodes_csv.decode("utf-8-sig").strip() == "id"
    assert edges_csv.decode("utf-8-sig").strip() == "source,target,weight"


# -- Excel ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "taken", "expected"),
    [
        ("T0", [], "T0"),
        ("2024/Q1: [pilot]?*", [], "2024-Q1- (pilot)--"),
        ("x" * 40, [], "x" * 31),
        ("x" * 40, ["x" * 31], "x" * 27 + " (2)"),
        ("t0", ["T0", "t0 (2)"], "t0 (3)"),
        ("'quoted'", [], "quoted"),
        ("History", [], "History (2)"),
        ("///", [], "---"),
        ("", [], "Sheet"),
    ],
)
def test_sheet_names(name: str, taken: list[str], expected: str) -> None:
    result = sheet_name(name, taken)
    assert result == expected
    assert len(result) <= 31


def _metrics() -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    per_window = pd.DataFrame(
        {
            "window": ["2024/01", "2024/01 ", "=bad"],
            "nodes": [4, 3, 2],
            "density": [0.5, 1 / 3, np.nan],
        }
    )
    node = pd.DataFrame(
        {"degree": [2, 1], "betweenness": [0.25, 0.0], "label": ["=1+1", "B"]},
        index=pd.Index(["a", "b"], name="participant"),
    )
    unnamed = pd.DataFrame({"degree": [np.int64(1)]}, index=["c"])
    return per_window, {
        "2024/01": node,
        "2024/01 ": node,
        "windows": unnamed,
        "A very long window name that Excel refuses": node,
    }


def test_metrics_workbook() -> None:
    per_window, per_node = _metrics()
    book = load_workbook(io.BytesIO(metrics_to_excel(per_window, per_node)))
    assert book.sheetnames == [
        "Windows",
        "2024-01",
        "2024-01 (2)",
        "windows (2)",
        "A very long window name that Ex",
    ]
    windows = book["Windows"]
    rows = [[c.value for c in row] for row in windows.iter_rows()]
    assert rows[0] == ["window", "nodes", "density"]
    assert rows[1] == ["2024/01", 4, 0.5]
    assert rows[3] == ["'=bad", 2, None]  # quoted by the export policy (OWASP)
    assert windows["A4"].data_type == "s"  # text, never a formula
    assert windows.freeze_panes == "A2"
    assert windows["A1"].font.bold
    assert windows.column_dimensions["A"].width >= 8
    first = book["2024-01"]
    assert [[c.value for c in row] for row in first.iter_rows()] == [
        ["participant", "degree", "betweenness", "label"],
        ["a", 2, 0.25, "'=1+1"],
        ["b", 1, 0.0, "B"],
    ]
    assert first["D2"].data_type == "s"
    assert [c.value for c in book["windows (2)"][1]] == ["Node", "degree"]
    assert book["windows (2)"]["A2"].value == "c"


@pytest.mark.parametrize("language", ["ca", "es"])
def test_metrics_workbook_language(language: str) -> None:
    # Until the catalogues hold the new strings the English text is used; either way
    # the first sheet is the windows sheet and the others keep their window names.
    per_window, per_node = _metrics()
    book = load_workbook(io.BytesIO(metrics_to_excel(per_window, per_node, language=language)))
    assert len(book.sheetnames) == 5
    assert book.sheetnames[1] == "2024-01"
