"""What reading a programme workbook gives back: the validated tables or every problem."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from community_map.activities.programme_columns import (
    MAX_LISTED_PROBLEMS,
)
from community_map.errors import ImportFileError
from community_map.i18n import gettext as _
from community_map.i18n import ngettext

__all__ = [
    "ImportProblem",
    "ProgrammeImport",
    "ProgrammeImportError",
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
                sheet=self.sheet, row=self.row, column=self.column, reason=self.reason)
        if self.row is not None:
            return _("sheet {sheet!r}, row {row}: {reason}").format(
                sheet=self.sheet, row=self.row, reason=self.reason)
        if self.column is not None:
            return _("sheet {sheet!r}, column {column!r}: {reason}").format(
                sheet=self.sheet, column=self.column, reason=self.reason)
        return _("sheet {sheet!r}: {reason}").format(sheet=self.sheet, reason=self.reason)


class ProgrammeImportError(ImportFileError):
    """A programme workbook has problems; :attr:`problems` lists every one of them.

    The message lists the first :data:`MAX_LISTED_PROBLEMS` problems and counts the rest.
    """

    def __init__(self, problems: Sequence[ImportProblem], *, path: str) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        lines = [ngettext(
            "The workbook has {count} problem; nothing was imported.",
            "The workbook has {count} problems; nothing was imported.", count,
        ).format(count=count)]
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

