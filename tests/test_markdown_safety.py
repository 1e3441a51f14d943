"""Free text never renders as markdown: every page passes data through ``shell.plain``.

Streamlit renders the text of ``st.markdown``, ``st.write``, ``st.caption``, the alerts,
metrics, headers, expanders and widget labels as markdown, so a session title such as
``[click](http://evil)`` or ``![x](http://evil/i.png)`` would become a link or an image.
The rule checked here on the source of every page and panel: the text argument is a
literal, a translation of a literal (``_("...")``) or goes through ``plain``.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from community_map.ui.shell import plain

UI = Path(__file__).resolve().parent.parent / "community_map" / "ui"

# Calls whose first argument Streamlit renders as markdown.
MARKDOWN_CALLS = {
    "markdown",
    "write",
    "caption",
    "info",
    "error",
    "warning",
    "success",
    "toast",
    "metric",
    "title",
    "header",
    "subheader",
    "expander",
    "popover",
    "radio",
    "checkbox",
    "toggle",
    "button",
    "form_submit_button",
    "download_button",
    "selectbox",
    "multiselect",
    "text_input",
    "text_area",
    "number_input",
    "date_input",
    "time_input",
    "slider",
    "file_uploader",
}

NOT_CHECKED_HERE: set[str] = set()


def _is_safe(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute):
        name = node.func.id if isinstance(node.func, ast.Name) else node.func.attr
        if name == "plain":
            return True
        if name in {"_", "gettext"}:  # a message of the code, translated (no .format)
            return True
    if isinstance(node, ast.BinOp):
        return _is_safe(node.left) and _is_safe(node.right)
    if isinstance(node, ast.JoinedStr):  # an f-string of translations only
        return all(
            isinstance(part, ast.Constant)
            or (isinstance(part, ast.FormattedValue) and _is_safe(part.value))
            for part in node.values
        )
    return False


def _unsafe_calls(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in MARKDOWN_CALLS
            and node.args
            and not _is_safe(node.args[0])
        ):
            found.append(f"{path.name}:{node.lineno} {ast.unparse(node.args[0])[:60]}")
    return found


PAGES = sorted(
    p for p in [*UI.glob("*.py"), *UI.glob("pages/*.py")] if p.name not in NOT_CHECKED_HERE
)


@pytest.mark.parametrize("path", PAGES, ids=lambda p: p.name)
def test_pages_render_data_as_plain_text(path: Path) -> None:
    assert _unsafe_calls(path) == []


def test_the_rule_catches_a_title_in_markdown(tmp_path: Path) -> None:
    page = tmp_path / "page.py"
    page.write_text(
        'st.markdown(f"- {title}")\nst.success(_("Saved {t}").format(t=title))\n'
        'st.error(shell.plain(title))\nst.info(_("Done."))\n'
    )
    assert [line.split()[0] for line in _unsafe_calls(page)] == ["page.py:1", "page.py:2"]


@pytest.mark.parametrize(
    ("text", "forbidden"),
    [
        ("[click](http://evil.example)", "[click]("),
        ("![x](http://evil.example/i.png)", "!["),
        ("**bold** _it_ `code` $x^2$", "**"),
        (":red[alarm]", ":red["),
        ("visit http://evil.example now", "http://"),
    ],
)
def test_plain_escapes_markdown(text: str, forbidden: str) -> None:
    assert plain("<img src=x onerror=alert(1)>").startswith("\\<img")
    assert forbidden not in plain(text)
    # what the reader sees once markdown has removed the escapes is the text itself
    assert plain(text).replace("\\", "") == text
