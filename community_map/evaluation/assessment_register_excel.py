"""The assessment register as an Excel workbook: template, export and import.

One sheet, one row per assessment, wide: participant code, date, phase, instrument,
assessor code, information date and note, then one column per domain of the available
instruments (headed by the domain's label in the active language, recognised in Catalan,
Spanish, English or by its code). A domain cell holds a level (1-5 for SSM-Cat) or "not
assessed" in any language; an empty cell is not assessed too. Domains that are not part of
a row's instrument stay empty. Level cells get a drop-down.

An assessment is identified by participant, date, phase and instrument: importing a row
that matches a stored one updates it when something differs, and an exported file
imported back changes nothing.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import IO, Any

from openpyxl import load_workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select
from sqlalchemy.orm import Session

from community_map import i18n
from community_map._cells import sheet_value, unneutralise
from community_map._excel import HEADER_FILL, HEADER_FONT
from community_map._registers import (
    CellError,
    Column,
    Outcome,
    RegisterImport,
    RowProblem,
    Sheet,
    apply_rows,
    frame_for,
    rows_from_excel,
    sheets_to_excel,
)
from community_map.errors import ImportFileError, NotFoundError
from community_map.evaluation.assessment_register_reads import (
    PHASE_LABELS,
    assessment_levels,
    assessments_frame,
)
from community_map.evaluation.assessment_register_writes import create_assessment, update_assessment
from community_map.evaluation.instruments import Instrument, available_instruments, load_instrument
from community_map.i18n import N_
from community_map.i18n import gettext as _
from community_map.models import Assessment, Participant, Professional
from community_map.trust import audit
from community_map.trust.permissions import Actor, Permission, require

__all__ = [
    "ASSESSMENT_COLUMNS",
    "assessments_template",
    "assessments_to_excel",
    "import_assessments",
]

SHEET = N_("Assessments")

ASSESSMENT_COLUMNS: tuple[Column, ...] = (
    Column("participant", N_("Participant code"), kind="code", required=True),
    Column("assessed_on", N_("Assessment date"), kind="date", required=True),
    Column("phase", N_("Phase"), kind="choice", required=True, choices=PHASE_LABELS),
    Column("instrument", N_("Instrument"), kind="code", required=True),
    Column("assessor", N_("Assessor code"), kind="code"),
    Column("information_on", N_("Information date"), kind="date"),
    Column("note", N_("Note")),
)

NOT_ASSESSED = N_("not assessed")


def _domains(instruments: dict[str, Instrument]) -> dict[str, Instrument]:
    """Every domain of the instruments, in order (SSM-Cat's first), with one instrument that
    defines it (for its label)."""
    found: dict[str, Instrument] = {}
    for tool in sorted(instruments.values(), key=lambda t: (t.code != "ssm-cat", t.code)):
        for domain in tool.domains:
            found.setdefault(domain, tool)
    return found


def _workbook(
    instruments: dict[str, Instrument], frame: Any, instrument_of: dict[int, str]
) -> bytes:
    data = sheets_to_excel(
        [
            Sheet(
                SHEET,
                ASSESSMENT_COLUMNS,
                frame,
                lists={"instrument": sorted(instruments)},
            )
        ]
    )
    domains = _domains(instruments)
    language = i18n.get_language()
    book = load_workbook(io.BytesIO(data))
    sheet = book[_(SHEET)[:31]]
    first = len(ASSESSMENT_COLUMNS) + 1
    levels = sorted({lv for tool in instruments.values() for lv in tool.levels})
    options = [*map(str, levels), _(NOT_ASSESSED)]
    lists = book["_lists"]
    list_column = lists.max_column + 1
    for row, option in enumerate(options, start=1):
        lists.cell(row=row, column=list_column, value=option)
    list_letter = get_column_letter(list_column)
    validation = DataValidation(
        type="list",
        formula1=f"=_lists!${list_letter}$1:${list_letter}${len(options)}",
        allow_blank=True,
    )
    validation.error = _("Choose a value from the list.")
    sheet.add_data_validation(validation)
    records = frame.to_dict("records") if frame is not None else []
    for index, (domain, tool) in enumerate(domains.items(), start=first):
        letter = get_column_letter(index)
        header = sheet.cell(
            row=1, column=index, value=sheet_value(tool.domain_label(domain, language))
        )
        header.fill = HEADER_FILL
        header.font = HEADER_FONT
        header.alignment = Alignment(vertical="center", wrap_text=True)
        sheet.column_dimensions[letter].width = 16
        for number, record in enumerate(records, start=2):
            tool_of_row = instruments.get(instrument_of.get(number, ""))
            if tool_of_row is None or domain not in tool_of_row.domains:
                continue
            level = record.get(domain)
            value = _(NOT_ASSESSED) if level is None or level != level else int(level)
            sheet.cell(row=number, column=index, value=value)
        validation.add(f"{letter}2:{letter}5000")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def assessments_template() -> bytes:
    """The empty assessment workbook with the built-in instruments' domains.

    Examples
    --------
    >>> assessments_template()[:2]
    b'PK'
    """
    built_in = {"ssm-cat": load_instrument("ssm-cat")}
    return _workbook(built_in, None, {})


def assessments_to_excel(session: Session, *, actor: Actor) -> bytes:
    """Every assessment as the register workbook; the export is recorded in the audit log.

    Examples
    --------
    >>> assessments_to_excel(session, actor=coordinator)[:2]  # doctest: +SKIP
    b'PK'
    """
    require(actor, Permission.EXPORT_PERSONAL_DATA)
    frame = assessments_frame(session, actor=actor)
    instruments = available_instruments(session)
    rows = frame
    table = frame_for(rows.to_dict("records"), ASSESSMENT_COLUMNS)
    for domain in _domains(instruments):
        table[domain] = rows.get(domain, None)
    instrument_of = {n: str(code) for n, code in enumerate(frame["instrument"], start=2)}
    audit.record_export(session, actor, "assessments", len(frame))
    return _workbook(instruments, table, instrument_of)


def _domain_cells(
    raw: bytes, instruments: dict[str, Instrument]
) -> tuple[dict[int, str], dict[int, dict[str, object]]]:
    """The domain columns (0-based index -> domain, from headers in any language or codes)
    and each data row's domain cells by spreadsheet row number."""
    names: dict[str, str] = {}
    for tool in instruments.values():
        for domain in tool.domains:
            names[domain.casefold()] = domain
            for label in tool.domain_labels[domain].values():
                names[label.strip().casefold()] = domain
    book = load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    try:
        wanted = {n.strip().casefold() for n in _all(SHEET)}
        found = [ws for ws in book.worksheets if ws.title.strip().casefold() in wanted]
        sheet = found[0] if found else book.worksheets[0]
        header = next(sheet.iter_rows(values_only=True, max_row=1), ())
        columns = {
            i: names[_text(cell).casefold()]
            for i, cell in enumerate(header)
            if _text(cell).casefold() in names
        }
        cells: dict[int, dict[str, object]] = {}
        for number, line in enumerate(sheet.iter_rows(values_only=True, min_row=2), start=2):
            cells[number] = {d: line[i] for i, d in columns.items() if i < len(line)}
        return columns, cells
    finally:
        book.close()


def _all(message: str) -> set[str]:
    found = {message}
    for code in i18n.LANGUAGES:
        found.add(i18n.translations(code).gettext(message))
    return found


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return unneutralise(str(value)).strip()


def _level(domain: str, cell: object, tool: Instrument) -> int | None:
    text = _text(cell)
    if not text or text.casefold() in {n.casefold() for n in _all(NOT_ASSESSED)}:
        return None
    try:
        number = float(text.replace(",", "."))
    except ValueError:
        number = float("nan")
    if not number.is_integer() or int(number) not in tool.levels:
        raise CellError(
            domain,
            _('Write a level from {low} to {high}, or "{na}".').format(
                low=tool.levels[0], high=tool.levels[-1], na=_(NOT_ASSESSED)
            ),
        )
    return int(number)


def import_assessments(
    session: Session,
    source: IO[bytes] | bytes,
    *,
    actor: Actor,
    path: str = "assessments.xlsx",
    skip_bad_rows: bool = False,
) -> RegisterImport:
    """Import the assessment workbook: all or nothing unless ``skip_bad_rows``; audited.

    Examples
    --------
    >>> import_assessments(session, open("assessments.xlsx", "rb").read(), actor=coordinator,
    ...     path="assessments.xlsx").summary()  # doctest: +SKIP
    '2 created, 0 updated, 0 unchanged.'
    """
    require(actor, Permission.RECORD_ASSESSMENTS)
    raw = source if isinstance(source, bytes) else source.read()
    rows = rows_from_excel(raw, ASSESSMENT_COLUMNS, path=path, sheet=SHEET)
    instruments = available_instruments(session)
    _columns, cells = _domain_cells(raw, instruments)
    language = i18n.get_language()
    labels = {d: t.domain_label(d, language) for d, t in _domains(instruments).items()}
    for parsed in rows:
        if parsed.problem is None:
            parsed.values["_row"] = parsed.row

    def write(values: dict[str, Any]) -> Outcome:
        code = str(values["instrument"]).strip().casefold()
        tool = instruments.get(code)
        if tool is None:
            raise CellError(
                "instrument",
                _("Unknown instrument {code!r}; available: {known}.").format(
                    code=values["instrument"], known=", ".join(sorted(instruments))
                ),
            )
        levels: dict[str, int | None] = {}
        for domain, cell in cells.get(int(values["_row"]), {}).items():
            if domain not in tool.domains:
                if _text(cell):
                    raise CellError(
                        domain,
                        _("{domain} is not a domain of {instrument}: leave it empty.").format(
                            domain=labels.get(domain, domain), instrument=tool.code
                        ),
                    )
                continue
            levels[domain] = _level(domain, cell, tool)
        return _write(session, actor, tool, values, levels)

    try:
        report = apply_rows(
            session,
            rows,
            write,
            path=path,
            columns=ASSESSMENT_COLUMNS,
            skip_bad_rows=skip_bad_rows,
        )
    except ImportFileError as exc:
        if exc.column in labels:
            raise ImportFileError(
                exc.reason, path=path, row=exc.row, column=labels[exc.column]
            ) from exc
        raise
    for number, problem in enumerate(report.skipped):
        if problem.column in labels:
            report.skipped[number] = RowProblem(
                problem.row, labels[problem.column], problem.message
            )
    return report


def _write(
    session: Session,
    actor: Actor,
    tool: Instrument,
    values: dict[str, Any],
    levels: dict[str, int | None],
) -> Outcome:
    code = str(values["participant"]).strip().upper()
    person = session.scalar(select(Participant).where(Participant.code == code))
    if person is None:
        raise CellError(
            "participant",
            _("There is no participant with the code {code!r}.").format(code=values["participant"]),
        )
    on: dt.date = values["assessed_on"]
    matches = session.scalars(
        select(Assessment).where(
            Assessment.participant_id == person.id,
            Assessment.assessed_on == on,
            Assessment.phase == values["phase"],
            Assessment.instrument == tool.code,
        )
    ).all()
    if len(matches) > 1:
        raise CellError(
            "participant",
            _(
                "{code} has several {instrument} assessments on that date and phase: correct "
                "them on the Assessments page first."
            ).format(code=code, instrument=tool.code),
        )
    fields: dict[str, Any] = {
        "assessor_code": values.get("assessor") or None,
        "information_on": values.get("information_on"),
        "note": values.get("note") or "",
    }
    try:
        if not matches:
            create_assessment(
                session,
                actor=actor,
                code=code,
                on=on,
                phase=values["phase"],
                levels=levels,
                instrument=tool.code,
                **fields,
            )
            return "created"
        row = matches[0]
        stored = assessment_levels(session, [row.id]).get(row.id, {})
        full = {d: levels.get(d) for d in tool.domains}
        same_levels = {d: stored.get(d) for d in tool.domains} == full
        assessor = None
        if row.assessor_id is not None:
            found = session.get(Professional, row.assessor_id)
            assessor = found.code if found else None
        if (
            same_levels
            and assessor
            == (str(fields["assessor_code"]).strip() if fields["assessor_code"] else None)
            and row.information_on == fields["information_on"]
            and row.note == str(fields["note"]).strip()
        ):
            return "unchanged"
        update_assessment(
            session,
            actor=actor,
            assessment_id=row.id,
            version=row.version,
            on=on,
            phase=values["phase"],
            levels=full,
            **fields,
        )
        return "updated"
    except NotFoundError as exc:
        raise CellError("assessor", str(exc)) from exc
