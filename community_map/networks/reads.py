"""Reads of the network pipeline: the tables it needs, from the database.

Kept apart from graph building (:mod:`community_map.networks.building`), which works on
the returned DataFrames only.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, aliased

from community_map.models import (
    Attendance,
    AttendanceStatus,
    Collaboration,
    CoordinationMeeting,
    CoordinationMember,
    Enrolment,
    MeasurementPoint,
    MeetingAttendance,
    Participant,
    Professional,
    Programme,
    Referral,
    ReportedTie,
    Service,
    SessionFacilitator,
    SessionPartner,
    SurveyResponse,
    TerritoryUnit,
)
from community_map.models import Session as SessionRow
from community_map.trust import Actor, Permission, require

__all__ = ["participant_tables", "series_tables", "service_network_tables"]


def participant_tables(session: Session, *, actor: Actor) -> dict[str, pd.DataFrame]:
    """Read attendance (attended only), reported ties, survey responses and participant attributes.

    ``responses`` has one row per tie survey answer (``response_id``, ``participant_id``
    the respondent, ``answered_on``, ``point``, ``programme``): respondents are the nodes
    of the reported network even when they named nobody and nobody named them. ``ties``
    carries the ``response_id`` it belongs to (missing for ties recorded without one).

    ``people`` is indexed by participant id with the pseudonymous ``code``, ``gender``,
    ``age_band``, ``neighbourhood`` and ``district`` (names) and the enrolment dates.
    The ``actor`` must be allowed to see participants.
    """
    require(actor, Permission.VIEW_PARTICIPANTS)
    attendance = pd.DataFrame(
        session.execute(
            select(Attendance.participant_id, Attendance.session_id, SessionRow.starts_at)
            .join(SessionRow, SessionRow.id == Attendance.session_id)
            .where(Attendance.status == AttendanceStatus.ATTENDED.value)
        ).all(),
        columns=["participant_id", "session_id", "starts_at"],
    )
    ties = pd.DataFrame(
        session.execute(
            select(
                ReportedTie.from_participant_id,
                ReportedTie.to_participant_id,
                ReportedTie.observed_on,
                ReportedTie.wave,
                ReportedTie.response_id,
            )
        ).all(),
        columns=["from_participant_id", "to_participant_id", "observed_on", "wave", "response_id"],
    )
    responses = pd.DataFrame(
        session.execute(
            select(
                SurveyResponse.id,
                SurveyResponse.respondent_id,
                SurveyResponse.answered_on,
                MeasurementPoint.name,
                Programme.code,
            )
            .join(MeasurementPoint, MeasurementPoint.id == SurveyResponse.measurement_point_id)
            .join(Programme, Programme.id == MeasurementPoint.programme_id)
        ).all(),
        columns=["response_id", "participant_id", "answered_on", "point", "programme"],
    )
    hood, district = aliased(TerritoryUnit), aliased(TerritoryUnit)
    # a participant is enrolled from their first enrolment's start until their last exit
    # (still enrolled while any enrolment is open); without enrolments, always
    spans = (
        select(
            Enrolment.participant_id.label("participant_id"),
            func.min(Enrolment.starts_on).label("enrolled_on"),
            case(
                (func.count(Enrolment.ends_on) == func.count(), func.max(Enrolment.ends_on)),
                else_=None,
            ).label("exited_on"),
        )
        .group_by(Enrolment.participant_id)
        .subquery()
    )
    people = pd.DataFrame(
        session.execute(
            select(
                Participant.id,
                Participant.code,
                Participant.gender,
                Participant.age_band,
                hood.name,
                district.name,
                spans.c.enrolled_on,
                spans.c.exited_on,
            )
            .outerjoin(hood, hood.id == Participant.neighbourhood_id)
            .outerjoin(spans, spans.c.participant_id == Participant.id)
            .outerjoin(district, district.id == hood.parent_id)
        ).all(),
        columns=[
            "id",
            "code",
            "gender",
            "age_band",
            "neighbourhood",
            "district",
            "enrolled_on",
            "exited_on",
        ],
    ).set_index("id")
    return {"attendance": attendance, "ties": ties, "responses": responses, "people": people}


def _collaborations(session: Session, side: type[Service] | type[Professional]) -> pd.DataFrame:
    """Recorded collaborations between services, or between professionals, by their codes."""
    source, target = aliased(side), aliased(side)
    ends: tuple[Any, Any] = (
        (Collaboration.from_service_id, Collaboration.to_service_id)
        if side is Service
        else (Collaboration.from_professional_id, Collaboration.to_professional_id)
    )
    query = (
        select(
            source.code,
            target.code,
            Collaboration.occurred_on,
            Collaboration.intensity,
            Collaboration.kind,
        )
        .join(source, source.id == ends[0])
        .join(target, target.id == ends[1])
    )
    return pd.DataFrame(
        session.execute(query).all(),
        columns=["from_service", "to_service", "occurred_on", "intensity", "kind"],
    )


def _meetings(session: Session) -> pd.DataFrame:
    """Who attended each coordination meeting: the member's service and professional codes.

    A service member gives its service; a professional gives their code and their service;
    entities and residents give neither (they are not nodes of these networks).
    """
    own, via = aliased(Service), aliased(Service)
    frame = pd.DataFrame(
        session.execute(
            select(
                MeetingAttendance.meeting_id,
                func.coalesce(own.code, via.code),
                Professional.code,
                CoordinationMeeting.held_on,
            )
            .join(CoordinationMeeting, CoordinationMeeting.id == MeetingAttendance.meeting_id)
            .join(CoordinationMember, CoordinationMember.id == MeetingAttendance.member_id)
            .outerjoin(own, own.id == CoordinationMember.service_id)
            .outerjoin(Professional, Professional.id == CoordinationMember.professional_id)
            .outerjoin(via, via.id == Professional.service_id)
        ).all(),
        columns=["meeting_id", "service", "professional", "held_on"],
    )
    return frame


def service_network_tables(session: Session) -> dict[str, pd.DataFrame]:
    """Read what :func:`~community_map.networks.building.service_network` needs (by code).

    Includes who attended coordination meetings (``meetings``, by service;
    ``meetings_professionals``) and the referral register (``referrals``).
    """
    source_service, target_service = aliased(Service), aliased(Service)
    # one read of who facilitated what, at both levels (service and professional)
    facilitators = pd.DataFrame(
        session.execute(
            select(
                SessionFacilitator.session_id, Service.code, Professional.code, SessionRow.starts_at
            )
            .join(Professional, Professional.id == SessionFacilitator.professional_id)
            .join(Service, Service.id == Professional.service_id)
            .join(SessionRow, SessionRow.id == SessionFacilitator.session_id)
        ).all(),
        columns=["session_id", "service", "professional", "starts_at"],
    )
    facilitation = facilitators[["session_id", "service", "starts_at"]]
    partners = pd.DataFrame(
        session.execute(
            select(SessionPartner.session_id, Service.code, SessionRow.starts_at)
            .join(Service, Service.id == SessionPartner.service_id)
            .join(SessionRow, SessionRow.id == SessionPartner.session_id)
        ).all(),
        columns=["session_id", "service", "starts_at"],
    )
    collaborations = _collaborations(session, Service)
    # the same at the level of professionals (a service column holding professional codes)
    facilitation_pros = facilitators[["session_id", "professional", "starts_at"]].rename(
        columns={"professional": "service"}
    )
    collaborations_pros = _collaborations(session, Professional)
    meetings = _meetings(session)
    referrals = pd.DataFrame(
        session.execute(
            select(source_service.code, target_service.code, Referral.referred_on, Referral.outcome)
            .join(source_service, source_service.id == Referral.from_service_id)
            .join(target_service, target_service.id == Referral.to_service_id)
        ).all(),
        columns=["from_service", "to_service", "referred_on", "outcome"],
    )
    fields = dict(session.execute(select(Service.code, Service.field_of_work)).all())
    centres = dict(
        session.execute(
            select(Professional.code, Service.code).join(
                Service, Service.id == Professional.service_id
            )
        ).all()
    )
    return {
        "facilitation": facilitation,
        "partners": partners,
        "collaborations": collaborations,
        "facilitation_professionals": facilitation_pros,
        "collaborations_professionals": collaborations_pros,
        "meetings": meetings[["meeting_id", "service", "held_on"]],
        "meetings_professionals": meetings[["meeting_id", "professional", "held_on"]]
        .dropna()
        .rename(columns={"professional": "service"}),
        "referrals": referrals,
        "service_groups": pd.DataFrame(
            {"code": list(fields), "field_of_work": list(fields.values())}
        ),
        "professional_groups": pd.DataFrame(
            {"code": list(centres), "service": list(centres.values())}
        ),
    }


def series_tables(session: Session, *, actor: Actor) -> dict[str, pd.DataFrame]:
    """Read every table :func:`community_map.networks.series.network_series` may need.

    The union of :func:`participant_tables` and :func:`service_network_tables`.
    The ``actor`` must be allowed to read networks.
    """
    require(actor, Permission.VIEW_NETWORKS)
    return {**participant_tables(session, actor=actor), **service_network_tables(session)}
