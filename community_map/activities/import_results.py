"""What reading a programme workbook gives back: the validated tables or every problem.

Also the reader's bookkeeping while it reads: the recognised table of a sheet and the
collector of problems, notes and rows (private to the workbook reader).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from community_map.activities.programme_cells import (
    InvalidValueError,
    KnownCodes,
)
from community_map.activities.programme_columns import (
    HEADER_LABELS,
    MAX_LISTED_PROBLEMS,
    SessionKey,
)
from community_map.errors import ImportFileError
from community_map.i18n import gettext as _
from community_map.i18n import ngettext

__all__ = [
    "ImportProblem",
    "ProgrammeImport",
    "ProgrammeImportError",
    "ProgrammeReader",
    "SheetTable",
]


@dataclass(frozen=True)
class ImportProblem:
    """One problem of a workbook: where it is and what is wrong.

    Attributes
    ----------
    sheet
        The sheet's name.
    row
        1-based row number as the spreadsheet shows it, or ``None`` for a sheet-wide
        problem (e.g. a missing column).
    column
        The column header as written in the sheet (or the label of a per-session sheet),
        or ``None``.
    reason
        What is wrong (translated).
    """

    sheet: str
    row: int | None
    column: str | None
    reason: str

    def describe(self) -> str:
        """Return the problem as one line naming sheet, row and column."""
        if self.row is not None and self.column is not None:
            return _("sheet {sheet!r}, row {row}, column {column!r}: {reason}").format(
                sheet=self.sheet, row=self.row, column=self.column, reason=self.reason
            )
        if self.row is not None:
            return _("sheet {sheet!r}, row {row}: {reason}").format(
                sheet=self.sheet, row=self.row, reason=self.reason
            )
        if self.column is not None:
            return _("sheet {sheet!r}, column {column!r}: {reason}").format(
                sheet=self.sheet, column=self.column, reason=self.reason
            )
        return _("sheet {sheet!r}: {reason}").format(sheet=self.sheet, reason=self.reason)


class ProgrammeImportError(ImportFileError):
    """A programme workbook has problems; :attr:`problems` lists every one of them.

    The message lists the first :data:`MAX_LISTED_PROBLEMS` problems and counts the rest.
    """

    def __init__(self, problems: Sequence[ImportProblem], *, path: str) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        lines = [
            ngettext(
                "The workbook has {count} problem; nothing was imported.",
                "The workbook has {count} problems; nothing was imported.",
                count,
            ).format(count=count)
        ]
        lines += [f"- {p.describe()}" for p in self.problems[:MAX_LISTED_PROBLEMS]]
        if count > MAX_LISTED_PROBLEMS:
            lines.append(_("… and {count} more.").format(count=count - MAX_LISTED_PROBLEMS))
        super().__init__("\n".join(lines), path=path)


@dataclass(frozen=True)
class ProgrammeImport:
    """A validated programme workbook, ready for the service layer to write.

    Attributes
    ----------
    sessions
        Columns :data:`SESSION_IMPORT_COLUMNS`: ``action_code`` and ``venue_code``
        (``""`` when none), ``type`` (:class:`~community_map.models.SessionType` value),
        ``title``, ``starts_at`` and ``ends_at`` (naive local datetimes), ``facilitators``
        and ``partners`` (lists of known codes), ``capacity`` (``Int64``), ``status``
        (:class:`~community_map.models.SessionStatus` value, ``planned`` when empty),
        ``cancel_reason``, ``notes`` and ``row`` (the spreadsheet row).
    attendance
        Columns :data:`ATTENDANCE_IMPORT_COLUMNS`: the session's ``action_code``,
        ``starts_at``, ``venue_code`` and ``type`` (equal to those of one row of
        ``sessions``), ``participant_code``, ``status``
        (:class:`~community_map.models.AttendanceStatus` value), ``walk_in`` (bool),
        ``row`` and ``sheet``.
    messages
        Notes for the user (sheets and columns ignored, counts).
    """

    sessions: pd.DataFrame
    attendance: pd.DataFrame
    messages: list[str]


@dataclass
class SheetTable:
    """A sheet's table: the header's recognised columns and the data rows."""

    sheet: str
    columns: dict[str, int]
    headers: dict[str, str]
    rows: list[tuple[int, tuple[Any, ...]]]

    def get(self, cells: tuple[Any, ...], key: str) -> Any:
        index = self.columns.get(key)
        return cells[index] if index is not None and index < len(cells) else None

    def header(self, key: str) -> str:
        return self.headers.get(key) or _(HEADER_LABELS[key])


@dataclass
class ProgrammeReader:
    """Collects problems and notes while reading one workbook."""

    codes: dict[str, KnownCodes]
    problems: list[ImportProblem] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    keys: dict[SessionKey, int] = field(default_factory=dict)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    attendance: list[dict[str, Any]] = field(default_factory=list)
    seen_attendance: dict[tuple[SessionKey, str], tuple[str, int]] = field(default_factory=dict)

    def problem(self, sheet: str, row: int | None, column: str | None, reason: str) -> None:
        self.problems.append(ImportProblem(sheet, row, column, reason))

    def parse(
        self, table: SheetTable, row: int, key: str, parse: Callable[[Any], Any], value: Any
    ) -> Any:
        """Parse one cell; on failure record a problem and return ``None``."""
        try:
            return parse(value)
        except InvalidValueError as exc:
            self.problem(table.sheet, row, table.header(key), str(exc))
            return None

    def known(
        self, table: SheetTable, row: int, key: str, kind: str, code: str, reason: str
    ) -> str | None:
        resolved = self.codes[kind].resolve(code)
        if resolved is None:
            self.problem(table.sheet, row, table.header(key), reason.format(code=code))
        return resolved
