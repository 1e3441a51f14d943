"""Excel plumbing: readable workbooks (header style, column widths, frozen header).

Cells go through :func:`community_map._cells.sheet_value` (text never becomes a formula).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import IO, Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from community_map._cells import sheet_row, sheet_value

__all__ = ["HEADER_FILL", "HEADER_FONT", "write_table", "write_tables"]

HEADER_FILL = PatternFill("solid", fgColor="B5172F")
HEADER_FONT = Font(bold=True, color="FFFFFF")


def write_table(target: IO[bytes], table: pd.DataFrame, *, sheet_name: str) -> None:
    """Write ``table`` as one sheet with a bold coloured header, sized columns and a filter."""
    write_tables(target, {sheet_name: table})


def write_tables(target: IO[bytes], tables: Mapping[str, pd.DataFrame]) -> None:
    """Write each of ``tables`` as one sheet named by its key, like :func:`write_table`.

    Examples
    --------
    >>> import io
    >>> from openpyxl import load_workbook
    >>> out = io.BytesIO()
    >>> write_tables(out, {"a": pd.DataFrame({"x": [1]}), "b": pd.DataFrame({"y": []})})
    >>> load_workbook(out).sheetnames
    ['a', 'b']
    """
    workbook = Workbook()
    first = workbook.active
    assert first is not None
    workbook.remove(first)
    for sheet_name, table in tables.items():
        _fill_sheet(workbook.create_sheet(sheet_name[:31]), table)
    if not tables:
        workbook.create_sheet("-")
    workbook.save(target)


def _fill_sheet(sheet: Any, table: pd.DataFrame) -> None:
    sheet.append([sheet_value(str(c)) for c in table.columns])
    for row in table.itertuples(index=False):
        sheet.append(sheet_row(row))
    for cell in sheet[1]:
        cell.fill = HEADER_FILL
        cell.font = HEADER_FONT
        cell.alignment = Alignment(vertical="center")
    for index, column in enumerate(table.columns, start=1):
        values = [str(column)] + [str(sheet_value(v)) for v in table[column].head(500).tolist()]
        width = min(60, max(8, max(len(v) for v in values) + 2))
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
