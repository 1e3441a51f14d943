"""The tie survey register as an Excel workbook: template, export and import.

One sheet, "Responses", one row per answer: programme code, measurement point, respondent
code, question, day answered and the codes named (comma-separated; empty means the
respondent named nobody). A participant without a row is "no answer" at that point.
Importing an exported file back changes nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from community_map._registers import (
    CellError,
    Column,
    Outcome,
    RegisterImport,
    Sheet,
    apply_rows,
    frame_for,
    rows_from_excel,
    sheets_to_excel,
)
from community_map.errors import NotFoundError, ValidationError
from community_map.i18n import N_
from community_map.i18n import gettext as _
from community_map.models import (
    SURVEY_QUESTION_LABELS,
    MeasurementPoint,
    Programme,
    SurveyQuestion,
)
from community_map.networks.survey_register_reads import (
    measurement_point_by_name,
    responses_frame,
)
from community_map.networks.survey_register_writes import record_survey_response
from community_map.trust.audit import record_export
from community_map.trust.consent import ConsentPurpose, require_consent
from community_map.trust.permissions import Actor, Permission, require
from community_map.trust.rights_reads import find_participant

__all__ = ["SURVEY_COLUMNS", "import_surveys", "surveys_template", "surveys_to_excel"]

#: The columns of the "Responses" sheet.
SURVEY_COLUMNS: tuple[Column, ...] = (
    Column("programme", N_("Programme code"), kind="code", required=True),
    Column("point", N_("Measurement point"), kind="code", required=True),
    Column("respondent", N_("Respondent code"), kind="code", required=True),
    Column(
        "question",
        N_("Question"),
        kind="choice",
        choices={str(k.value): v for k, v in SURVEY_QUESTION_LABELS.items()},
    ),
    Column("answered_on", N_("Answered on"), kind="date", required=True),
    Column("named", N_("Named codes"), kind="codes"),
)

_SHEET = N_("Responses")


def _lists(session: Session | None) -> dict[str, list[str]]:
    if session is None:
        return {}
    programmes = [str(c) for c in session.scalars(select(Programme.code).order_by(Programme.code))]
    points = sorted({str(n) for n in session.scalars(select(MeasurementPoint.name))})
    return {"programme": programmes, "point": points}


def surveys_template(session: Session | None = None) -> bytes:
    """The empty "Responses" workbook (translated headers; drop-downs for the questions and,
    given a session, for the programme codes and measurement points).

    Examples
    --------
    >>> surveys_template()[:2]
    b'PK'
    """
    return sheets_to_excel([Sheet(_SHEET, SURVEY_COLUMNS, lists=_lists(session))])


def surveys_to_excel(session: Session, *, actor: Actor) -> bytes:
    """Every survey answer as the "Responses" workbook; the export is audited.

    Examples
    --------
    >>> surveys_to_excel(session, actor=actor)[:2]  # doctest: +SKIP
    b'PK'
    """
    require(actor, Permission.EXPORT_PERSONAL_DATA)
    frame = responses_frame(session, actor=actor)
    record_export(session, actor, "surveys", len(frame))
    records = frame.drop(columns=["id", "version"]).to_dict("records")
    return sheets_to_excel(
        [Sheet(_SHEET, SURVEY_COLUMNS, frame_for(records, SURVEY_COLUMNS), _lists(session))]
    )


def _write_row(session: Session, actor: Actor, values: dict[str, Any]) -> Outcome:
    try:
        point = measurement_point_by_name(session, values["programme"], values["point"])
    except NotFoundError as exc:
        raise CellError("point", str(exc)) from exc
    try:
        respondent = find_participant(session, values["respondent"])
        require_consent(respondent, ConsentPurpose.NETWORK_SURVEY)
    except (NotFoundError, ValidationError) as exc:
        raise CellError("respondent", str(exc)) from exc
    answered_on: dt.date = values["answered_on"]
    if not point.starts_on <= answered_on <= point.ends_on:
        raise CellError(
            "answered_on",
            _(
                "The day is outside the measurement point {name} ({start}-{end}): correct it."
            ).format(
                name=point.name,
                start=point.starts_on.strftime("%d/%m/%Y"),
                end=point.ends_on.strftime("%d/%m/%Y"),
            ),
        )
    try:
        _response, outcome = record_survey_response(
            session,
            actor=actor,
            point_id=point.id,
            respondent_code=respondent.code,
            named_codes=values.get("named") or [],
            answered_on=answered_on,
            question=values.get("question") or SurveyQuestion.HELP.value,
        )
    except (NotFoundError, ValidationError) as exc:
        raise CellError("named", str(exc)) from exc
    return outcome


def import_surveys(
    session: Session,
    source: IO[bytes] | bytes,
    *,
    actor: Actor,
    path: str = "surveys.xlsx",
    skip_bad_rows: bool = False,
) -> RegisterImport:
    """Import survey answers: all or nothing, or with ``skip_bad_rows`` a row-level report.

    A row replaces the answer of the same programme, point, respondent and question; an
    identical answer is left unchanged (nothing written or audited).

    Examples
    --------
    >>> import_surveys(session, open("surveys.xlsx", "rb").read(), actor=actor,
    ...                path="surveys.xlsx").summary()  # doctest: +SKIP
    '0 created, 0 updated, 12 unchanged.'
    """
    require(actor, Permission.RECORD_ASSESSMENTS)
    rows = rows_from_excel(source, SURVEY_COLUMNS, path=path, sheet=_SHEET)
    return apply_rows(
        session,
        rows,
        lambda values: _write_row(session, actor, values),
        path=path,
        columns=SURVEY_COLUMNS,
        skip_bad_rows=skip_bad_rows,
    )
