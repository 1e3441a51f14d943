"""The README stays true: two Quickstart commands, every page and CLI command listed."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def _section(title: str) -> str:
    match = re.search(rf"^## {title}\n(.*?)(?=^## )", README, re.S | re.M)
    assert match, title
    return match.group(1)


def test_quickstart_is_two_commands() -> None:
    blocks = re.findall(r"```sh\n(.*?)```", _section("Quickstart"), re.S)
    assert len(blocks) == 2
    assert all(len(b.strip().splitlines()) == 1 for b in blocks)
    assert "serve --demo" in blocks[0]
    assert "pytest" in blocks[1]


def test_ci_runs_the_readme_test_command() -> None:
    test_command = re.findall(r"```sh\n(.*?)```", _section("Quickstart"), re.S)[1].strip()
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_every_page_is_listed() -> None:
    from community_map.ui.page_table import LOGIN_PAGE, PAGES, PAGES_DIR

    titles = [page.title for page in (LOGIN_PAGE, *PAGES)]
    scripts = {p.name for p in PAGES_DIR.glob("*.py") if p.name != "__init__.py"}
    assert scripts == {page.script for page in (LOGIN_PAGE, *PAGES)}
    pages = _section("Pages")
    for title in titles:
        assert f"| {title} |" in pages, f"README's Pages table lacks {title}"


def test_every_cli_command_is_listed() -> None:
    from community_map.cli import COMMANDS

    cli = _section("Command line")
    for command in COMMANDS:
        assert re.search(rf"^  {command}\b", cli, re.M), command


def test_screenshot_exists() -> None:
    assert (ROOT / "docs" / "screenshot.png").stat().st_size > 10_000


def test_architecture_tree_is_current() -> None:
    import subprocess
    import sys

    tree = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "architecture_tree.py")],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert f"```text\n{tree}\n```" in _section("Architecture"), (
        "README's Architecture tree is out of date: run python scripts/architecture_tree.py"
    )


def test_permission_matrix_is_current() -> None:
    import subprocess
    import sys

    table = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "permission_table.py")],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert table in _section("Permissions"), (
        "README's permission matrix is out of date: run python scripts/permission_table.py"
    )
