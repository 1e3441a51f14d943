"""Find every interface string marked for translation in the package (web app included)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_file

KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}


def source_files(root: Path) -> list[Path]:
    """Return the Python files whose strings are shown to users."""
    files = sorted((root / "community_map").rglob("*.py"))
    files += sorted((root / "pages").glob("*.py"))
    files += [root / "app.py", root / "shell.py"]
    return [f for f in files if f.is_file() and "migrations" not in f.parts]


def extract_messages(root: Path) -> dict[str, list[tuple[str, int]]]:
    """Return each msgid found under ``root`` with the places it appears."""
    found: dict[str, list[tuple[str, int]]] = {}
    for path in source_files(root):
        for lineno, message, _comments, _context in extract_from_file(
            "python", str(path), keywords=KEYWORDS
        ):
            ids = message if isinstance(message, tuple) else (message,)
            for msgid in ids:
                if msgid:
                    found.setdefault(msgid, []).append(
                        (str(path.relative_to(root)), lineno)
                    )
    return found
