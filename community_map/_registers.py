"""Register plumbing: one declaration of a register's columns drives its Excel template,
export, all-or-nothing import (or skip-bad-rows with a report) and optimistic concurrency.

Every register (participants, services, professionals, collaborations, referrals, tie
surveys, assessments...) declares its sheets as :class:`Column` tuples. Headers are
written in the active language and recognised in Catalan, Spanish or English; choice
columns are written as translated labels with an Excel drop-down and read back in any
language; cells go through :mod:`community_map._cells` (text never becomes a formula).

Importers read rows with :func:`rows_from_excel`, then hand a function that writes one
row to :func:`apply_rows`; it raises at the first bad row (nothing is written: the
caller's transaction rolls back) or, with ``skip_bad_rows``, writes each good row in a
savepoint and reports every skipped one with its row, column and reason.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, Literal, Protocol

import pandas as pd
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy.orm import Session

from community_map import i18n
from community_map._cells import sheet_value, unneutralise
from community_map._excel import HEADER_FILL, HEADER_FONT
from community_map.errors import ConcurrentEditError, ImportFileError, ValidationError
from community_map.i18n import gettext as _

__all__ = [
    "CellError",
    "Column",
    "Outcome",
    "ParsedRow",
    "RegisterImport",
    "RowProblem",
    "Sheet",
    "apply_rows",
    "check_version",
    "frame_for",
    "label_of",
    "rows_from_excel",
    "sheets_to_excel",
    "value_of",
    "versioned_row",
]

Kind = Literal["text", "int", "date", "bool", "choice", "code", "codes"]
Outcome = Literal["created", "updated", "unchanged"]

_LISTS_SHEET = "_lists"


@dataclass(frozen=True)
class Column:
    """One column of a register sheet.

    Parameters
    ----------
    field
        The key of the row dictionaries (usually a model attribute).
    label
        The English header, a gettext message id (mark it with ``N_``).
    kind
        ``text``; ``int``; ``date`` (a date cell or YYYY-MM-DD / DD/MM/YYYY text);
        ``bool`` (yes/no in any language); ``choice`` (stored value -> label in
        ``choices``); ``code`` (a code of another register, checked by the importer);
        ``codes`` (several codes separated by commas).
    required
        A row without a value here is refused.
    choices
        For ``choice``: stored value -> English label (message id).
    minimum, maximum
        For ``int``: the accepted range.
    """

    field: str
    label: str
    kind: Kind = "text"
    required: bool = False
    choices: Mapping[str, str] | None = None
    minimum: int | None = None
    maximum: int | None = None


@dataclass(frozen=True)
class Sheet:
    """A sheet of a register workbook: a translatable name, its columns and its rows."""

    name: str
    columns: Sequence[Column]
    frame: pd.DataFrame | None = None
    #: field -> values offered in a drop-down (e.g. the codes of services), for ``code`` columns
    lists: Mapping[str, Sequence[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class RowProblem:
    """A row refused by an import: its number as the spreadsheet shows it, column and reason."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = _("row {row}").format(row=self.row)
        if self.column:
            where += f", {self.column}"
        return f"{where}: {self.message}"


@dataclass
class RegisterImport:
    """What an import did: records created, updated, unchanged, and the rows skipped."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: list[RowProblem] = field(default_factory=list)

    def count(self, outcome: Outcome) -> None:
        setattr(self, outcome, getattr(self, outcome) + 1)

    def summary(self) -> str:
        """One translated sentence for the page and the command line."""
        text = _("{created} created, {updated} updated, {unchanged} unchanged.").format(
            created=self.created, updated=self.updated, unchanged=self.unchanged
        )
        if self.skipped:
            text += " " + i18n.ngettext(
                "{n} row skipped.", "{n} rows skipped.", len(self.skipped)
            ).format(n=len(self.skipped))
        return text

    def skipped_frame(self) -> pd.DataFrame:
        """The skipped rows as a table (row, column, reason) for a page or a report file."""
        return pd.DataFrame(
            [(p.row, p.column, p.message) for p in self.skipped],
            columns=[_("Row"), _("Column"), _("Reason")],
        )


class CellError(ValidationError):
    """A value of one column is wrong; :func:`apply_rows` reports it with its column."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)


class _Versioned(Protocol):
    version: int


def check_version(record: _Versioned, version: int | None, what: str) -> None:
    """Refuse a change made on a stale copy of ``record`` (optimistic concurrency).

    ``what`` is the translated name of the record ("this participant").

    Examples
    --------
    >>> class Row:
    ...     version = 3
    >>> check_version(Row(), 3, "this service")
    >>> check_version(Row(), 2, "this service")
    Traceback (most recent call last):
    ...
    community_map.errors.ConcurrentEditError: Someone else changed this service since you \
opened it; reload it and make your change again. Nothing was saved.
    """
    if version is not None and record.version != version:
        raise ConcurrentEditError(
            _(
                "Someone else changed {what} since you opened it; reload it and make your "
                "change again. Nothing was saved."
            ).format(what=what)
        )


def versioned_row(
    session: Session, model: type[Any], row_id: int, version: int | None, *, missing: str, what: str
) -> Any:
    """The ``model`` row ``row_id`` as the user read it at ``version``.

    ``missing`` is the translated message when there is no such row; ``what`` names the
    record in :func:`check_version`'s refusal ("this referral").
    """
    from community_map.errors import NotFoundError

    row = session.get(model, row_id)
    if row is None:
        raise NotFoundError(missing)
    check_version(row, version, what)
    return row


def label_of(column: Column, value: object) -> object:
    """The cell written for ``value``: choices and booleans translated, others unchanged."""
    if value is None or (not isinstance(value, list | tuple) and pd.isna(value)):
        return None
    if column.kind == "choice" and column.choices is not None:
        label = column.choices.get(str(value))
        return _(label) if label is not None else str(value)
    if column.kind == "bool":
        return _("yes") if bool(value) else _("no")
    if column.kind == "codes" and isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if column.kind == "date" and isinstance(value, pd.Timestamp | dt.datetime):
        return value.date()
    return value


def _all_languages(message: str) -> set[str]:
    found = {message.strip().casefold()}
    for code in i18n.LANGUAGES:
        found.add(i18n.translations(code).gettext(message).strip().casefold())
    return found


def sheets_to_excel(sheets: Sequence[Sheet]) -> bytes:
    """A register workbook: one sheet per :class:`Sheet`, with drop-downs; translated.

    A sheet with no ``frame`` is written empty (a template).

    Examples
    --------
    >>> from openpyxl import load_workbook
    >>> cols = [Column("code", "Code", required=True), Column("on", "Date", kind="date")]
    >>> data = sheets_to_excel([Sheet("Services", cols, pd.DataFrame({"code": ["S1"],
    ...     "on": [dt.date(2023, 1, 9)]}))])
    >>> book = load_workbook(io.BytesIO(data))
    >>> [c.value for c in book["Services"][2]]
    ['S1', datetime.datetime(2023, 1, 9, 0, 0)]
    """
    book = Workbook()
    first = book.active
    assert first is not None
    book.remove(first)
    lists_sheet = None
    list_column = 0
    for spec in sheets:
        sheet = book.create_sheet(_(spec.name)[:31])
        sheet.append([sheet_value(_(c.label) + (" *" if c.required else "")) for c in spec.columns])
        frame = spec.frame if spec.frame is not None else pd.DataFrame()
        for record in frame.to_dict("records"):
            sheet.append([sheet_value(label_of(c, record.get(c.field))) for c in spec.columns])
        for cell in sheet[1]:
            cell.fill = HEADER_FILL
            cell.font = HEADER_FONT
            cell.alignment = Alignment(vertical="center")
        for index, column in enumerate(spec.columns, start=1):
            letter = get_column_letter(index)
            values = [_(column.label)]
            if column.field in frame:
                values += [str(label_of(column, v) or "") for v in frame[column.field].head(300)]
            sheet.column_dimensions[letter].width = min(50, max(10, max(map(len, values)) + 3))
            if column.kind == "date":
                for cell in sheet[letter][1:]:
                    cell.number_format = "yyyy-mm-dd"
            options = _options(column, spec.lists)
            if not options:
                continue
            if lists_sheet is None:
                lists_sheet = book.create_sheet(_LISTS_SHEET)
                lists_sheet.sheet_state = "hidden"
            list_column += 1
            list_letter = get_column_letter(list_column)
            for row, option in enumerate(options, start=1):
                lists_sheet.cell(row=row, column=list_column, value=sheet_value(option))
            validation = DataValidation(
                type="list",
                formula1=f"={_LISTS_SHEET}!${list_letter}$1:${list_letter}${len(options)}",
                allow_blank=not column.required,
                showErrorMessage=column.kind != "codes",
            )
            validation.error = _("Choose a value from the list.")
            sheet.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}5000")
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _options(column: Column, lists: Mapping[str, Sequence[str]]) -> list[str]:
    if column.kind == "choice" and column.choices is not None:
        return [_(label) for label in column.choices.values()]
    if column.kind == "bool":
        return [_("yes"), _("no")]
    if column.kind in {"code", "codes"}:
        return [str(v) for v in lists.get(column.field, ())]
    return []


@dataclass(frozen=True)
class ParsedRow:
    """A data row of an imported sheet: its spreadsheet row number, its values and, when a
    cell could not be read, its problem (``values`` then holds the cells read before it)."""

    row: int
    values: dict[str, Any]
    problem: RowProblem | None = None


def rows_from_excel(
    source: IO[bytes] | bytes,
    columns: Sequence[Column],
    *,
    path: str,
    sheet: str | None = None,
    optional_sheet: bool = False,
) -> list[ParsedRow]:
    """Read one sheet of a register workbook into typed values, row by row.

    Headers are recognised in any language (a trailing ``*`` is ignored); a missing
    required column, or a file that is not a workbook, raises :class:`ImportFileError`.
    A cell that cannot be read gives the row a :class:`RowProblem` instead of values.
    ``sheet`` is the English sheet name (recognised in any language); without it the
    first sheet is read. With ``optional_sheet``, a workbook without that sheet gives no
    rows.

    Examples
    --------
    >>> cols = [Column("code", "Code", required=True), Column("n", "Places", kind="int")]
    >>> data = sheets_to_excel([Sheet("S", cols, pd.DataFrame({"code": ["A"], "n": ["x"]}))])
    >>> [(r.row, r.values, str(r.problem)) for r in rows_from_excel(data, cols, path="f.xlsx")]
    [(2, {'code': 'A', 'n': None}, 'row 2, Places: Write a whole number here.')]
    """
    raw = source if isinstance(source, bytes) else source.read()
    try:
        book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ImportFileError(_("This is not an Excel .xlsx workbook."), path=path) from exc
    try:
        if sheet is None:
            chosen = book.worksheets[0]
        else:
            names = _all_languages(sheet)
            found = [ws for ws in book.worksheets if ws.title.strip().casefold() in names]
            if not found:
                if optional_sheet:
                    return []
                raise ImportFileError(
                    _("Add a sheet named {sheet} (see the template).").format(sheet=_(sheet)),
                    path=path,
                )
            chosen = found[0]
        lines = chosen.iter_rows(values_only=True)
        header = next(lines, None) or ()
        known: dict[str, Column] = {}
        for column in columns:
            for name in _all_languages(column.label):
                known[name] = column
        fields = [known.get(re.sub(r"\s*\*$", "", _text(cell)).casefold()) for cell in header]
        present = {c.field for c in fields if c is not None}
        missing = [_(c.label) for c in columns if c.required and c.field not in present]
        if missing:
            raise ImportFileError(
                _("Add the columns {columns} to the first row (see the template).").format(
                    columns=", ".join(missing)
                ),
                path=path,
                row=1,
            )
        rows: list[ParsedRow] = []
        for number, line in enumerate(lines, start=2):
            if all(_text(cell) == "" for cell in line):
                continue
            values: dict[str, Any] = {c.field: None for c in columns if c.field in present}
            problem = None
            for given, cell in zip(fields, line, strict=False):
                if given is None:
                    continue
                try:
                    values[given.field] = value_of(given, cell)
                except ValidationError as exc:
                    problem = RowProblem(number, _(given.label), str(exc))
                    break
            rows.append(ParsedRow(number, values, problem))
        return rows
    finally:
        book.close()


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unneutralise(str(value)).strip()


_YES = ("yes", "sí", "si", "y", "s", "true", "1", "x")
_NO = ("no", "n", "false", "0")


def value_of(column: Column, cell: object) -> Any:
    """Read one cell for ``column``; raise :class:`ValidationError` saying what to write.

    Examples
    --------
    >>> value_of(Column("on", "Date", kind="date"), "03/10/2022")
    datetime.date(2022, 10, 3)
    >>> value_of(Column("ok", "Consent", kind="bool"), "Sí")
    True
    >>> value_of(Column("k", "Kind", kind="choice", choices={"public": "Public"}), "public")
    'public'
    >>> value_of(Column("c", "Codes", kind="codes"), "A1, B2,")
    ['A1', 'B2']
    """
    text = _text(cell)
    if text == "":
        if column.required:
            raise ValidationError(_("This column cannot be empty."))
        return [] if column.kind == "codes" else None
    if column.kind == "text" or column.kind == "code":
        return text
    if column.kind == "codes":
        return [part.strip() for part in re.split(r"[,;\n]", text) if part.strip()]
    if column.kind == "int":
        try:
            number = float(text.replace(",", "."))
        except ValueError:
            number = float("nan")
        if not number.is_integer():
            raise ValidationError(_("Write a whole number here."))
        whole = int(number)
        low, high = column.minimum, column.maximum
        if (low is not None and whole < low) or (high is not None and whole > high):
            raise ValidationError(
                _("Write a number from {low} to {high}.").format(
                    low="—" if low is None else low, high="—" if high is None else high
                )
            )
        return whole
    if column.kind == "date":
        if isinstance(cell, dt.datetime):
            return cell.date()
        if isinstance(cell, dt.date):
            return cell
        for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d %H:%M:%S"):
            try:
                return dt.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        raise ValidationError(_("Write a date here: a date cell, YYYY-MM-DD or DD/MM/YYYY."))
    if column.kind == "bool":
        folded = text.casefold()
        if folded in _YES or folded in _all_languages("yes"):
            return True
        if folded in _NO or folded in _all_languages("no"):
            return False
        raise ValidationError(_("Write yes or no here."))
    if column.kind == "choice" and column.choices is not None:
        folded = text.casefold()
        for value, label in column.choices.items():
            if folded == value.casefold() or folded in _all_languages(label):
                return value
        raise ValidationError(
            _("Choose one of: {choices}.").format(
                choices=", ".join(_(label) for label in column.choices.values())
            )
        )
    return text


def apply_rows(
    session: Session,
    rows: Iterable[ParsedRow],
    write: Callable[[dict[str, Any]], Outcome],
    *,
    path: str,
    columns: Sequence[Column],
    skip_bad_rows: bool = False,
    report: RegisterImport | None = None,
) -> RegisterImport:
    """Write each parsed row with ``write``; all or nothing unless ``skip_bad_rows``.

    Without ``skip_bad_rows`` the first problem raises :class:`ImportFileError` naming
    the file, row and column (the caller's transaction then writes nothing). With it,
    each row is written in a savepoint; a refused row is rolled back alone and reported.
    """
    done = report if report is not None else RegisterImport()
    _open_transaction(session)
    labels = {c.field: _(c.label) for c in columns}
    for parsed in rows:
        problem = parsed.problem
        if problem is None:
            try:
                with session.begin_nested():
                    done.count(write(parsed.values))
            except CellError as exc:
                problem = RowProblem(parsed.row, labels.get(exc.field, exc.field), str(exc))
            except ImportFileError as exc:
                problem = RowProblem(parsed.row, exc.column or "", exc.reason)
            except ValidationError as exc:
                problem = RowProblem(parsed.row, "", str(exc))
        if problem is None:
            continue
        if not skip_bad_rows:
            raise ImportFileError(
                problem.message, path=path, row=problem.row, column=problem.column or None
            )
        done.skipped.append(problem)
    return done


def _open_transaction(session: Session) -> None:
    # pysqlite opens a transaction only before INSERT/UPDATE/DELETE, so a SAVEPOINT issued
    # first would be the outermost transaction and releasing it would commit the row: a
    # later failure could then no longer roll the whole import back. Open it ourselves.
    connection = session.connection()
    if connection.dialect.name == "sqlite":
        raw = connection.connection.driver_connection
        if raw is not None and not raw.in_transaction:
            connection.exec_driver_sql("BEGIN")


def frame_for(records: Iterable[Mapping[str, Any]], columns: Sequence[Column]) -> pd.DataFrame:
    """Rows as a frame with exactly ``columns``' fields, in order (for :class:`Sheet`)."""
    return pd.DataFrame(list(records), columns=[c.field for c in columns])
