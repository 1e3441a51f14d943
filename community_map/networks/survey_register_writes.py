"""Audited writes of the tie survey register: one respondent's answer at a measurement point.

An answer is recorded only with the network-survey consent of the respondent and of every
person they name (:func:`community_map.trust.require_consent`), and only after every
code has been checked: a refused answer leaves nothing written. Recording again for the
same point, respondent and question replaces the earlier answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from community_map._registers import Outcome, check_version
from community_map.errors import NotFoundError, ValidationError
from community_map.i18n import gettext as _
from community_map.models import (
    MeasurementPoint,
    Participant,
    Programme,
    ReportedTie,
    SurveyQuestion,
    SurveyResponse,
)
from community_map.trust import audit
from community_map.trust.consent import ConsentPurpose, require_consent
from community_map.trust.permissions import Actor, Permission, require
from community_map.trust.rights_reads import find_participant

__all__ = ["QUESTION_TIE_KINDS", "delete_survey_response", "record_survey_response"]

#: The kind of reported tie each question records.
QUESTION_TIE_KINDS: dict[str, str] = {
    SurveyQuestion.HELP.value: "support",
    SurveyQuestion.MET_IN_ACTIVITIES.value: "acquaintance",
    SurveyQuestion.TRUST.value: "friendship",
}


def _day(value: dt.date) -> str:
    return value.strftime("%d/%m/%Y")


def _named_people(session: Session, respondent: Participant, codes: Iterable[str]) -> list[Any]:
    people: list[Participant] = []
    seen: set[int] = set()
    for code in codes:
        if not str(code).strip():
            continue
        other = find_participant(session, str(code))
        if other.id == respondent.id:
            raise ValidationError(
                _("Participant {code} cannot name themselves: remove their own code.").format(
                    code=other.code
                )
            )
        if other.id in seen:
            continue
        require_consent(other, ConsentPurpose.NETWORK_SURVEY)
        seen.add(other.id)
        people.append(other)
    return sorted(people, key=lambda p: p.code)


def _state(
    point: MeasurementPoint, programme: Programme, respondent: Participant, response: Any
) -> dict[str, Any]:
    return {
        "programme": programme.code,
        "point": point.name,
        "respondent": respondent.code,
        "question": response["question"],
        "answered_on": response["answered_on"].isoformat(),
        "named": list(response["named"]),
    }


def record_survey_response(
    session: Session,
    *,
    actor: Actor,
    point_id: int,
    respondent_code: str,
    named_codes: Iterable[str],
    answered_on: dt.date,
    question: str = SurveyQuestion.HELP.value,
    version: int | None = None,
) -> tuple[SurveyResponse, Outcome]:
    """Record (or replace) a respondent's answer at a measurement point; audited.

    ``named_codes`` are the codes of the people named (none: the respondent named nobody);
    duplicates are removed. ``answered_on`` must fall inside the measurement point. When an
    answer for the same point, respondent and question exists it is replaced; ``version``
    is the one read with it (``0`` expects no answer yet, ``None`` skips the check, as an
    import does). Returns the response and ``created``, ``updated`` or ``unchanged``
    (nothing written, nothing audited).

    Raises
    ------
    PermissionDeniedError
        Unless the actor may record assessments and surveys.
    NotFoundError
        When the point or a code is unknown.
    ValidationError
        When the respondent or a person named has not consented to the network survey,
        the respondent names themselves, the question is unknown or the date falls
        outside the measurement point.
    ConcurrentEditError
        When someone changed the answer since ``version`` was read.

    Examples
    --------
    >>> record_survey_response(session, actor=actor, point_id=1, respondent_code="AM-1",
    ...     named_codes=["AM-2"], answered_on=dt.date(2022, 10, 3))  # doctest: +SKIP
    (<SurveyResponse ...>, 'created')
    """
    require(actor, Permission.RECORD_ASSESSMENTS)
    point = session.get(MeasurementPoint, point_id)
    if point is None:
        raise NotFoundError(_("There is no measurement point {id}.").format(id=point_id))
    programme = session.get(Programme, point.programme_id)
    assert programme is not None
    if question not in QUESTION_TIE_KINDS:
        raise ValidationError(
            _("Unknown survey question {question!r}; choose one from the list.").format(
                question=question
            )
        )
    if answered_on is None:
        raise ValidationError(_("Give the day the respondent answered."))
    if not point.starts_on <= answered_on <= point.ends_on:
        raise ValidationError(
            _(
                "The answer's day {day} is outside the measurement point {name} "
                "({start}-{end}): correct the day or choose another point."
            ).format(
                day=_day(answered_on),
                name=point.name,
                start=_day(point.starts_on),
                end=_day(point.ends_on),
            )
        )
    respondent = find_participant(session, respondent_code)
    require_consent(respondent, ConsentPurpose.NETWORK_SURVEY)
    named = _named_people(session, respondent, named_codes)
    existing = session.scalar(
        select(SurveyResponse).where(
            SurveyResponse.measurement_point_id == point.id,
            SurveyResponse.respondent_id == respondent.id,
            SurveyResponse.question == question,
        )
    )
    after = {"question": question, "answered_on": answered_on, "named": [p.code for p in named]}
    if existing is None:
        if version:
            check_version(_Gone(), version, _("this survey answer"))
        response = SurveyResponse(
            measurement_point_id=point.id,
            respondent_id=respondent.id,
            question=question,
            answered_on=answered_on,
        )
        session.add(response)
        session.flush()
        _write_ties(session, response, respondent, named, point.name)
        audit.record(
            session,
            actor,
            "create",
            "survey_responses",
            response.id,
            after=_state(point, programme, respondent, after),
        )
        return response, "created"
    check_version(existing, version, _("this survey answer"))
    stored = _stored_named(session, existing.id)
    before = {"question": question, "answered_on": existing.answered_on, "named": stored}
    if before == after:
        return existing, "unchanged"
    existing.answered_on = answered_on
    flag_modified(existing, "answered_on")  # the version moves on even when only ties change
    session.execute(delete(ReportedTie).where(ReportedTie.response_id == existing.id))
    _write_ties(session, existing, respondent, named, point.name)
    old, new = audit.changes(
        _state(point, programme, respondent, before), _state(point, programme, respondent, after)
    )
    audit.record(session, actor, "update", "survey_responses", existing.id, before=old, after=new)
    return existing, "updated"


class _Gone:
    """Stands for an answer someone deleted since the page read it (version 0)."""

    version = 0


def _stored_named(session: Session, response_id: int) -> list[str]:
    return sorted(
        str(code)
        for code in session.scalars(
            select(Participant.code)
            .join(ReportedTie, ReportedTie.to_participant_id == Participant.id)
            .where(ReportedTie.response_id == response_id)
        ).unique()
    )


def _write_ties(
    session: Session,
    response: SurveyResponse,
    respondent: Participant,
    named: list[Participant],
    wave: str,
) -> None:
    for other in named:
        session.add(
            ReportedTie(
                from_participant_id=respondent.id,
                to_participant_id=other.id,
                observed_on=response.answered_on,
                kind=QUESTION_TIE_KINDS[response.question],
                source="survey",
                wave=wave[:20],
                response_id=response.id,
            )
        )
    session.flush()


def delete_survey_response(
    session: Session, *, actor: Actor, response_id: int, version: int
) -> None:
    """Delete a survey answer and the ties it named (the respondent becomes "no answer").

    Examples
    --------
    >>> delete_survey_response(session, actor=actor, response_id=3, version=1)  # doctest: +SKIP
    """
    require(actor, Permission.RECORD_ASSESSMENTS)
    response = session.get(SurveyResponse, response_id)
    if response is None:
        raise NotFoundError(_("There is no survey answer {id}.").format(id=response_id))
    check_version(response, version, _("this survey answer"))
    point = session.get(MeasurementPoint, response.measurement_point_id)
    respondent = session.get(Participant, response.respondent_id)
    assert point is not None and respondent is not None
    programme = session.get(Programme, point.programme_id)
    assert programme is not None
    before = _state(
        point,
        programme,
        respondent,
        {
            "question": response.question,
            "answered_on": response.answered_on,
            "named": _stored_named(session, response.id),
        },
    )
    session.execute(delete(ReportedTie).where(ReportedTie.response_id == response.id))
    session.delete(response)
    session.flush()
    audit.record(session, actor, "delete", "survey_responses", response_id, before=before)
