"""The layout holds: only the web app imports Streamlit, imports flow one way, small modules."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from community_map.ui.page_table import LOGIN_PAGE, PAGES, PAGES_DIR

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "community_map"

# Lower layers never import higher ones (core < trust < territory < activities < networks <
# evaluation). The faces, demo, the command line and the web app sit on top.
LAYERS = ["core", "trust", "territory", "activities", "networks", "evaluation", "top"]
DOMAINS = {"trust", "territory", "activities", "networks", "evaluation"}
TOP = {"cli", "demo", "ui", "assets", "network", "registry", "__init__", "__main__"}
FACES = {"assets", "network", "activities"}
CORE_FOR_CALLERS = {"errors", "i18n", "settings", "models", "storage"}


def _package_modules() -> list[Path]:
    return [
        p for p in sorted(PACKAGE.rglob("*.py")) if "migrations" not in p.relative_to(PACKAGE).parts
    ]


def _imports(path: Path) -> set[str]:
    """Every module named by an import in ``path`` (``from a import b`` gives a and a.b)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _layer(dotted: str) -> str:
    """Layer of a ``community_map`` module path such as ``community_map.territory.maps``."""
    parts = dotted.split(".")
    first = parts[1] if len(parts) > 1 else "__init__"
    if first in DOMAINS:
        return first
    if first in TOP:
        return "top"
    return "core"


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    return ".".join(rel.parts)


def test_streamlit_only_in_the_web_app_folder() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in _package_modules()
        if "ui" not in path.relative_to(PACKAGE).parts[:1]
        and {name.split(".")[0] for name in _imports(path)} & {"streamlit", "streamlit_folium"}
    ]
    assert offenders == []


def test_importing_the_package_does_not_load_streamlit() -> None:
    code = (
        "import sys, community_map, community_map.cli, community_map.demo, community_map.assets, "
        "community_map.network, community_map.activities, community_map.ui.page_table; "
        "print('streamlit' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_ruff_bans_streamlit_outside_the_web_app() -> None:
    config = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"streamlit".msg' in config
    assert '"community_map/ui/**" = ["TID251"]' in config


def test_imports_flow_from_lower_to_higher_layers() -> None:
    offenders = []
    for path in _package_modules():
        here = _module_name(path)
        mine = LAYERS.index(_layer(here))
        for name in _imports(path):
            if name.startswith("community_map.") and LAYERS.index(_layer(name)) > mine:
                offenders.append(f"{here} imports {name}")
    assert offenders == []


def _is_face(name: str) -> bool:
    """Whether callers outside a domain may import ``name`` (a face, core or the app itself)."""
    parts = name.split(".")
    if parts[0] != "community_map" or len(parts) == 1:
        return True
    first = parts[1]
    if first in FACES or first in CORE_FOR_CALLERS or first in {"ui", "demo", "cli", "registry"}:
        return len(parts) <= 3 if first in FACES else True
    if first in DOMAINS:  # the domain package and the names it exports, never its modules
        return len(parts) == 2 or not (
            (PACKAGE / first / parts[2]).is_dir() or (PACKAGE / first / f"{parts[2]}.py").is_file()
        )
    return False


@pytest.mark.parametrize("where", ["ui", "cli"], ids=["web app", "command line"])
def test_web_app_and_command_line_use_the_faces(where: str) -> None:
    paths = [PACKAGE / where] if where.endswith(".py") else sorted((PACKAGE / where).rglob("*.py"))
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in paths
        for name in _imports(path)
        if name.startswith("community_map") and not _is_face(name)
    ]
    assert offenders == []


def test_every_module_declares_all() -> None:
    missing = [
        str(path.relative_to(ROOT))
        for path in _package_modules()
        if path.parent != PAGES_DIR or path.name == "__init__.py"
        if "__all__" not in path.read_text(encoding="utf-8")
    ]
    assert missing == []


def test_no_module_over_600_lines() -> None:
    big = {
        str(path.relative_to(ROOT)): n
        for path in _package_modules()
        if (n := path.read_text(encoding="utf-8").count("\n")) > 600
    }
    assert big == {}


def test_pages_are_thin() -> None:
    for page in PAGES_DIR.glob("*.py"):
        lines = page.read_text(encoding="utf-8").count("\n")
        # ruff format style: a page reads widgets, calls the package and draws, in 200 lines
        assert lines <= 200, f"{page.name} has {lines} lines; move logic into the package"


def test_page_url_paths_differ_from_page_file_names() -> None:
    for page in (LOGIN_PAGE, *PAGES):
        assert page.path.is_file(), page.script
        assert page.script.removesuffix(".py") != page.url_path, page
