"""Print the package tree with each module's one-line summary, for the README's Architecture.

Run ``python scripts/architecture_tree.py`` after adding, moving or renaming a module and paste
the output into the README (``tests/test_readme.py`` fails while they differ).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "community_map"
WIDTH = 38  # column where summaries start


def _summary(path: Path) -> str:
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    return doc.strip().splitlines()[0].rstrip(".") if doc.strip() else ""


def _lines(folder: Path, depth: int) -> list[str]:
    out: list[str] = []
    indent = "  " * depth
    for path in sorted(folder.iterdir(), key=lambda p: (p.is_dir(), p.name)):
        if path.name.startswith((".", "__pycache__")) or path.name == "__init__.py":
            continue
        if path.is_dir():
            init = path / "__init__.py"
            if path.name in {"migrations", "locale"} or not init.is_file():
                continue
            out.append(f"{indent}{path.name}/".ljust(WIDTH) + _summary(init))
            out += _lines(path, depth + 1)
        elif path.suffix == ".py":
            out.append(f"{indent}{path.name}".ljust(WIDTH) + _summary(path))
    return out


def architecture_tree() -> str:
    """Return the tree of the package's modules with their summaries."""
    lines = ["community_map/".ljust(WIDTH) + _summary(PACKAGE / "__init__.py")]
    lines += _lines(PACKAGE, 1)
    lines.append("  migrations/".ljust(WIDTH) + "Alembic migrations (batch mode for SQLite)")
    lines.append("  locale/".ljust(WIDTH) + "gettext catalogues (ca, es, en), compiled in memory")
    return "\n".join(line.rstrip() for line in lines)


if __name__ == "__main__":
    print(architecture_tree())
