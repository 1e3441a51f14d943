"""Find every interface string marked for translation in the package (web app included)."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import extract_from_file

__all__ = ["KEYWORDS", "MessageId", "extract_messages", "source_files"]

KEYWORDS = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2)}


def source_files(root: Path) -> list[Path]:
    """Return the Python files whose strings are shown to users."""
    files = sorted((root / "community_map").rglob("*.py"))
    files += sorted((root / "pages").glob("*.py"))
    files += [root / "app.py", root / "shell.py"]
    return [f for f in files if f.is_file() and "migrations" not in f.parts]


MessageId = str | tuple[str, str]


def extract_messages(root: Path) -> dict[MessageId, list[tuple[str, int]]]:
    """Return each msgid found under ``root`` with the places it appears.

    A plural message (``ngettext``) is one entry keyed by its (singular, plural) pair, so the
    catalogues hold it as one plural entry with a form per count.
    """
    found: dict[MessageId, list[tuple[str, int]]] = {}
    for path in source_files(root):
        for lineno, message, _comments, _context in extract_from_file(
            "python", str(path), keywords=KEYWORDS
        ):
            msgid: MessageId
            if isinstance(message, tuple):
                if not all(message[:2]):
                    continue
                msgid = (str(message[0]), str(message[1]))
            elif message:
                msgid = str(message)
            else:
                continue
            found.setdefault(msgid, []).append((str(path.relative_to(root)), lineno))
    return found
