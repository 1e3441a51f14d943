"""The package never imports Streamlit; pages stay thin."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_package_never_imports_streamlit() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "community_map").rglob("*.py")
        if _imports(path) & {"streamlit", "streamlit_folium"}
    ]
    assert offenders == []


def test_importing_the_package_does_not_load_streamlit() -> None:
    code = (
        "import sys, community_map, community_map.cli, community_map.demo, "
        "community_map.overview, community_map.network, community_map.services; "
        "print('streamlit' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_ruff_bans_streamlit_in_the_package() -> None:
    config = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"streamlit".msg' in config


def test_pages_are_thin() -> None:
    for page in (ROOT / "pages").glob("*.py"):
        lines = page.read_text(encoding="utf-8").count("\n")
        assert lines <= 150, f"{page.name} has {lines} lines; move logic into the package"


def test_page_url_paths_differ_from_page_file_names() -> None:
    import re

    source = (ROOT / "app.py").read_text(encoding="utf-8")
    pages = re.findall(r'st\.Page\("pages/(\w+)\.py".*?url_path="([\w-]+)"', source, re.S)
    assert len(pages) == len(list((ROOT / "pages").glob("*.py")))
    for stem, url_path in pages:
        assert stem != url_path, (stem, url_path)
