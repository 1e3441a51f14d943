"""Reads of the tie survey register: who answered at a measurement point and whom they named.

A *response* is one respondent's answer to one question at one measurement point of a
programme; the people they named are its reported ties. A response naming nobody means
the respondent is isolated; a participant of the programme with no response is "no
answer", never isolated.

The participants of a programme (the denominator of the response rate) are, until
participants carry enrolments, the people who attended a session of a community action
led by the programme's lead service during the programme's period (any session of the
period when it has no lead service), together with anyone who answered its surveys.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from community_map.errors import NotFoundError
from community_map.i18n import gettext as _
from community_map.models import (
    Attendance,
    AttendanceStatus,
    CommunityAction,
    MeasurementPoint,
    Participant,
    Programme,
    ReportedTie,
    SurveyResponse,
)
from community_map.models import Session as SessionRow
from community_map.trust.consent import ConsentPurpose, has_consent
from community_map.trust.permissions import Actor, Permission, require

__all__ = [
    "RESPONSE_FRAME_COLUMNS",
    "ResponseRate",
    "measurement_point_by_name",
    "programme_participant_ids",
    "response_rate",
    "responses_frame",
    "survey_participant_codes",
    "survey_point_options",
    "survey_ties",
]

#: The columns of :func:`responses_frame`, in order.
RESPONSE_FRAME_COLUMNS = [
    "id",
    "programme",
    "point",
    "respondent",
    "question",
    "answered_on",
    "named",
    "version",
]


def survey_point_options(session: Session) -> pd.DataFrame:
    """Every measurement point a survey can be recorded at, by programme then start date.

    Columns ``id``, ``programme`` (code), ``programme_name``, ``point`` (name),
    ``starts_on`` and ``ends_on``. No personal data: no permission is needed.

    Examples
    --------
    >>> survey_point_options(session)[["programme", "point"]].values.tolist()[:1]  # doctest: +SKIP
    [['AMUNT-2022', 'T0']]
    """
    rows = session.execute(
        select(
            MeasurementPoint.id,
            Programme.code,
            Programme.name,
            MeasurementPoint.name,
            MeasurementPoint.starts_on,
            MeasurementPoint.ends_on,
        )
        .join(Programme, Programme.id == MeasurementPoint.programme_id)
        .order_by(Programme.code, MeasurementPoint.starts_on, MeasurementPoint.name)
    ).all()
    return pd.DataFrame(
        rows, columns=["id", "programme", "programme_name", "point", "starts_on", "ends_on"]
    )


def measurement_point_by_name(session: Session, programme: str, point: str) -> MeasurementPoint:
    """The measurement point ``point`` of programme ``programme`` (codes and names as stored;
    case and surrounding spaces ignored).

    Raises
    ------
    NotFoundError
        When the programme or the point does not exist; the message says where to look.
    """
    found = session.scalar(
        select(MeasurementPoint)
        .join(Programme, Programme.id == MeasurementPoint.programme_id)
        .where(Programme.code == programme.strip())
        .where(MeasurementPoint.name == point.strip())
    )
    if found is None:
        for candidate in session.scalars(
            select(MeasurementPoint)
            .join(Programme, Programme.id == MeasurementPoint.programme_id)
            .where(Programme.code == programme.strip())
        ):
            if candidate.name.casefold() == point.strip().casefold():
                return candidate
        raise NotFoundError(
            _(
                "Programme {programme} has no measurement point {point}; see its points on "
                "the Programmes page."
            ).format(programme=programme, point=point)
        )
    return found


def survey_participant_codes(session: Session, *, actor: Actor) -> dict[str, bool]:
    """Every participant code, in order, with whether they consented to the network survey.

    Examples
    --------
    >>> survey_participant_codes(session, actor=actor)  # doctest: +SKIP
    {'AM-0001': True, 'AM-0002': False}
    """
    require(actor, Permission.VIEW_PARTICIPANTS)
    people = session.scalars(select(Participant).order_by(Participant.code)).all()
    return {p.code: has_consent(p, ConsentPurpose.NETWORK_SURVEY) for p in people}


def responses_frame(session: Session, *, actor: Actor, point_id: int | None = None) -> pd.DataFrame:
    """The survey responses (of one measurement point, or all), one row per response.

    ``named`` is the list of codes the respondent named (empty: named nobody), in order.

    Examples
    --------
    >>> responses_frame(session, actor=actor, point_id=1).loc[0, "named"]  # doctest: +SKIP
    ['AM-0002', 'AM-0007']
    """
    require(actor, Permission.VIEW_PARTICIPANTS)
    respondent = aliased(Participant)
    query = (
        select(
            SurveyResponse.id,
            Programme.code,
            MeasurementPoint.name,
            respondent.code,
            SurveyResponse.question,
            SurveyResponse.answered_on,
            SurveyResponse.version,
        )
        .join(MeasurementPoint, MeasurementPoint.id == SurveyResponse.measurement_point_id)
        .join(Programme, Programme.id == MeasurementPoint.programme_id)
        .join(respondent, respondent.id == SurveyResponse.respondent_id)
        .order_by(Programme.code, MeasurementPoint.starts_on, MeasurementPoint.name)
        .order_by(respondent.code, SurveyResponse.question)
    )
    if point_id is not None:
        query = query.where(SurveyResponse.measurement_point_id == point_id)
    rows = session.execute(query).all()
    named: dict[int, list[str]] = {int(r[0]): [] for r in rows}
    if named:
        other = aliased(Participant)
        tie_query = (
            select(ReportedTie.response_id, other.code)
            .join(other, other.id == ReportedTie.to_participant_id)
            .where(ReportedTie.response_id.in_(list(named)))
            .order_by(other.code)
        )
        for response_id, code in session.execute(tie_query).all():
            if response_id is not None:
                named[int(response_id)].append(str(code))
    return pd.DataFrame(
        [(r[0], r[1], r[2], r[3], r[4], r[5], named[int(r[0])], r[6]) for r in rows],
        columns=RESPONSE_FRAME_COLUMNS,
    )


def survey_ties(session: Session, *, actor: Actor, point_id: int) -> pd.DataFrame:
    """The ties named at a measurement point: ``respondent``, ``named`` (codes), ``question``.

    Examples
    --------
    >>> survey_ties(session, actor=actor, point_id=1).columns.tolist()  # doctest: +SKIP
    ['respondent', 'named', 'question']
    """
    require(actor, Permission.VIEW_PARTICIPANTS)
    source, target = aliased(Participant), aliased(Participant)
    rows = session.execute(
        select(source.code, target.code, SurveyResponse.question)
        .select_from(ReportedTie)
        .join(SurveyResponse, SurveyResponse.id == ReportedTie.response_id)
        .join(source, source.id == ReportedTie.from_participant_id)
        .join(target, target.id == ReportedTie.to_participant_id)
        .where(SurveyResponse.measurement_point_id == point_id)
        .order_by(source.code, target.code)
    ).all()
    return pd.DataFrame(rows, columns=["respondent", "named", "question"])


def programme_participant_ids(session: Session, programme_id: int) -> set[int]:
    """The participants of a programme (see the module's description), by id."""
    programme = session.get(Programme, programme_id)
    if programme is None:
        return set()
    start = dt.datetime.combine(programme.starts_on, dt.time.min)
    end = dt.datetime.combine(programme.ends_on + dt.timedelta(days=1), dt.time.min)
    query = (
        select(Attendance.participant_id)
        .join(SessionRow, SessionRow.id == Attendance.session_id)
        .where(Attendance.status == AttendanceStatus.ATTENDED.value)
        .where(SessionRow.starts_at >= start, SessionRow.starts_at < end)
    )
    if programme.lead_service_id is not None:
        query = query.join(CommunityAction, CommunityAction.id == SessionRow.action_id).where(
            CommunityAction.lead_service_id == programme.lead_service_id
        )
    ids = {int(pid) for pid in session.scalars(query.distinct())}
    ids |= {
        int(pid)
        for pid in session.scalars(
            select(SurveyResponse.respondent_id)
            .join(MeasurementPoint, MeasurementPoint.id == SurveyResponse.measurement_point_id)
            .where(MeasurementPoint.programme_id == programme_id)
        )
    }
    return ids


@dataclass(frozen=True)
class ResponseRate:
    """Who answered at a measurement point, out of the programme's participants."""

    respondents: int
    participants: int
    isolated: int

    @property
    def no_answer(self) -> int:
        """Participants of the programme with no response at this point."""
        return self.participants - self.respondents

    @property
    def rate(self) -> float:
        """Respondents / participants (NaN without participants)."""
        return self.respondents / self.participants if self.participants else float("nan")


def response_rate(session: Session, *, actor: Actor, point_id: int) -> ResponseRate:
    """The response rate at a measurement point and how many respondents are isolated.

    A respondent is isolated when nobody at this point names them and they name nobody.

    Examples
    --------
    >>> response_rate(session, actor=actor, point_id=1).rate  # doctest: +SKIP
    0.8
    """
    require(actor, Permission.VIEW_PARTICIPANTS)
    point = session.get(MeasurementPoint, point_id)
    if point is None:
        raise NotFoundError(_("There is no measurement point {id}.").format(id=point_id))
    respondents = set(
        session.scalars(
            select(SurveyResponse.respondent_id).where(
                SurveyResponse.measurement_point_id == point_id
            )
        )
    )
    connected: set[int] = set()
    for a, b in session.execute(
        select(ReportedTie.from_participant_id, ReportedTie.to_participant_id)
        .join(SurveyResponse, SurveyResponse.id == ReportedTie.response_id)
        .where(SurveyResponse.measurement_point_id == point_id)
    ).all():
        connected.update((int(a), int(b)))
    participants = programme_participant_ids(session, point.programme_id)
    return ResponseRate(
        respondents=len(respondents),
        participants=len(participants | respondents),
        isolated=len(respondents - connected),
    )
