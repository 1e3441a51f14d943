"""The structure of programme workbook sheets: non-empty rows, header rows and columns.

Used by the reader (:mod:`~community_map.activities.programme_import`): finds the header
row of a table, maps its columns (headers in Catalan, Spanish or English) and tells
per-session attendance sheets from tables.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from community_map._text import is_blank, match_key, sheet_cell_text
from community_map.activities.import_results import (
    ProgrammeReader,
    SheetTable,
)
from community_map.activities.programme_columns import (
    BLOCK_KEYS,
    HEADER_LABELS,
    programme_lookups,
)
from community_map.i18n import gettext as _

__all__ = ["find_table", "header_keys", "is_session_sheet", "sheet_rows"]


def sheet_rows(sheet: Any) -> list[tuple[int, tuple[Any, ...]]]:
    """Return the sheet's non-empty rows with their 1-based numbers."""
    return [
        (number, tuple(cells))
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1)
        if any(not is_blank(c) for c in cells)
    ]


def header_keys(cells: tuple[Any, ...]) -> dict[int, str]:
    """The recognised column of each cell of a header row, by cell position."""
    headers = programme_lookups().headers
    keys: dict[int, str] = {}
    for index, cell in enumerate(cells):
        key = headers.get(match_key(sheet_cell_text(cell))) if not is_blank(cell) else None
        if key is not None:
            keys[index] = key
    return keys


def find_table(
    reader: ProgrammeReader,
    sheet: str,
    rows: list[tuple[int, tuple[Any, ...]]],
    required: Sequence[str],
    fallbacks: dict[str, str],
) -> SheetTable | None:
    """Find the header row, map the columns and check the required ones are there."""
    position, keys = next(
        (
            (i, k)
            for i, (_n, cells) in enumerate(rows[:10])
            if len(set((k := header_keys(cells)).values())) >= 2
        ),
        (-1, {}),
    )
    if position < 0:
        wanted = ", ".join(_(HEADER_LABELS[k]) for k in required)
        reader.problem(
            sheet,
            rows[0][0] if rows else None,
            None,
            _("No header row found; the first row must name the columns, e.g. {columns}.").format(
                columns=wanted
            ),
        )
        return None
    header_cells = rows[position][1]
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    ignored: list[str] = []
    for index, cell in enumerate(header_cells):
        if is_blank(cell):
            continue
        key = keys.get(index)
        if key is None:
            ignored.append(sheet_cell_text(cell))
        elif key in columns:
            reader.problem(
                sheet,
                rows[position][0],
                sheet_cell_text(cell),
                _("The column {first!r} appears twice; keep one of them.").format(
                    first=headers[key]
                ),
            )
        else:
            columns[key] = index
            headers[key] = sheet_cell_text(cell)
    for key, fallback in fallbacks.items():
        if key not in columns and fallback in columns:
            columns[key] = columns[fallback]
            headers[key] = headers[fallback]
    if ignored:
        reader.messages.append(
            _("Sheet {sheet!r}: columns ignored: {columns}.").format(
                sheet=sheet, columns=", ".join(repr(c) for c in ignored)
            )
        )
    missing = [k for k in required if k not in columns]
    for key in missing:
        reader.problem(
            sheet, rows[position][0], _(HEADER_LABELS[key]), _("This column is missing.")
        )
    if missing:
        return None
    return SheetTable(sheet, columns, headers, rows[position + 1 :])


def is_session_sheet(rows: list[tuple[int, tuple[Any, ...]]]) -> bool:
    """Whether a sheet is a per-session attendance sheet (label rows, then a table)."""
    if not rows:
        return False
    cells = [c for c in rows[0][1] if not is_blank(c)]
    first = rows[0][1][0] if rows[0][1] else None
    return (
        len(cells) <= 2
        and not is_blank(first)
        and programme_lookups().headers.get(match_key(sheet_cell_text(first))) in BLOCK_KEYS
    )
