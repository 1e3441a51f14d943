"""Subject access: everything held about one participant, as tables and as a workbook.

A participant (or someone acting for them) may ask for every record held about their
pseudonymous code. :func:`participant_record` gathers it from every table, with the
sessions, actions and other participants named by their titles and codes rather than by
internal ids; :func:`participant_record_to_excel` writes it as one sheet per table. The
export is itself recorded in the audit log (who exported whose record).

The rules that find "what is about this person" (:func:`mentions_code`,
:func:`audit_entries_about`, :data:`FREE_TEXT_FIELDS`) are shared with the erasure in
:mod:`community_map.trust.rights_writes`, so that what is exported is what is erased.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd
from sqlalchemy import Text, and_, case, cast, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session, aliased

from community_map._excel import write_tables
from community_map.errors import NotFoundError, ValidationError
from community_map.i18n import N_
from community_map.i18n import gettext as _
from community_map.models import (
    ActionPhase,
    Assessment,
    AssessmentScore,
    Attendance,
    AuditLog,
    Collaboration,
    CommunityAction,
    CoordinationMeeting,
    Enrolment,
    Invitation,
    MotorGroupMember,
    Participant,
    ParticipantProfessional,
    Professional,
    Programme,
    Referral,
    ReportedTie,
    Service,
    TerritoryUnit,
)
from community_map.models import Session as SessionRow
from community_map.trust.audit import record_export
from community_map.trust.permissions import Actor, Permission, require

__all__ = [
    "FREE_TEXT_FIELDS",
    "RECORD_COLUMN_LABELS",
    "RECORD_SHEETS",
    "audit_entries_about",
    "find_participant",
    "mentions_code",
    "participant_record",
    "participant_record_to_excel",
    "participant_summary",
]

RECORD_SHEETS: dict[str, str] = {
    "participant": N_("Participant"),
    "enrolments": N_("Enrolments"),
    "attendance": N_("Attendance"),
    "invitations": N_("Invitations"),
    "reported_ties": N_("Reported ties"),
    "assessments": N_("Assessments"),
    "assessment_scores": N_("Assessment scores"),
    "referrals": N_("Referrals"),
    "notes": N_("Notes naming them"),
    "audit_log": N_("Audit log"),
}
"""The tables of a participant's record, in order, with their translatable sheet names."""

RECORD_COLUMN_LABELS: dict[str, str] = {
    "code": N_("Participant code"),
    "alias": N_("Alias"),
    "birth_year": N_("Year of birth"),
    "age_band": N_("Age band"),
    "gender": N_("Gender"),
    "neighbourhood": N_("Neighbourhood"),
    "reference_professionals": N_("Reference professionals"),
    "consent_date": N_("Consent date"),
    "consent_processing": N_("Consent to data processing"),
    "consent_survey": N_("Consent to the network survey"),
    "consent_images": N_("Consent to images"),
    "exit_reason": N_("Exit reason"),
    "evaluation_group": N_("Evaluation group"),
    "kind": N_("Kind"),
    "name": N_("Name"),
    "action_code": N_("Community action code"),
    "started_on": N_("From"),
    "ended_on": N_("To"),
    "session_id": N_("Session"),
    "starts_at": N_("Date"),
    "title": N_("Title"),
    "type": N_("Type"),
    "status": N_("Status"),
    "walk_in": N_("Walk-in"),
    "session_status": N_("Session status"),
    "direction": N_("Direction"),
    "other_code": N_("Other participant"),
    "observed_on": N_("Observed on"),
    "source": N_("Source"),
    "wave": N_("Wave"),
    "assessment_id": N_("Assessment"),
    "assessed_on": N_("Assessed on"),
    "instrument": N_("Instrument"),
    "phase": N_("Phase"),
    "assessor": N_("Assessor"),
    "domain": N_("Domain"),
    "level": N_("Level"),
    "referred_on": N_("Referred on"),
    "from_service": N_("From service"),
    "to_service": N_("To service"),
    "outcome": N_("Outcome"),
    "outcome_on": N_("Outcome on"),
    "note": N_("Note"),
    "table": N_("Table"),
    "row_id": N_("Row"),
    "field": N_("Field"),
    "text": N_("Text"),
    "id": N_("Entry"),
    "at": N_("When"),
    "actor": N_("Who"),
    "action": N_("Action"),
    "entity": N_("Table"),
    "entity_id": N_("Record"),
    "before": N_("Before"),
    "after": N_("After"),
}
"""Translatable column headers of the record workbook."""

FREE_TEXT_FIELDS: tuple[InstrumentedAttribute[str], ...] = (
    SessionRow.notes,
    SessionRow.conflict_note,
    SessionRow.cancel_reason,
    Collaboration.note,
    Referral.note,
    CoordinationMeeting.note,
    ActionPhase.note,
    CommunityAction.objectives,
)
"""Free-text columns where a participant's code may be written (conflict notes name codes)."""


def _code_pattern(code: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-]){re.escape(code)}(?![\w-])")


def mentions_code(value: object, code: str) -> bool:
    """Return whether ``code`` appears as a whole word in ``value`` (text, or JSON keys/values).

    Examples
    --------
    >>> mentions_code("Participant AM-1 is already invited", "AM-1")
    True
    >>> mentions_code({"codes": ["AM-12"]}, "AM-1")
    False
    >>> mentions_code({"AM-1": "attended"}, "AM-1")
    True
    """
    if value is None:
        return False
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return _code_pattern(code).search(text) is not None


def find_participant(session: Session, code: str) -> Participant:
    """Return the participant with ``code`` (spaces and case ignored), or raise NotFoundError."""
    wanted = code.strip().upper()
    if not wanted:
        raise ValidationError(_("Write a participant code."))
    person = session.scalar(select(Participant).where(Participant.code == wanted))
    if person is None:
        raise NotFoundError(
            _(
                "There is no participant with the code {code!r}; check it on "
                "the participant's card."
            ).format(code=wanted)
        )
    return person


def _about_by_id(entry: AuditLog, participant_id: int) -> bool:
    """Attendance entries name participants by id in their keys; participant entries by id."""
    key = str(participant_id)
    if entry.entity == "participants":
        return entry.entity_id == key
    if entry.entity == "attendance":
        sides = (entry.before, entry.after)
        return any(isinstance(side, Mapping) and key in side for side in sides)
    return False


def audit_entries_about(session: Session, person: Participant) -> list[AuditLog]:
    """Return the audit log entries about ``person``, oldest first.

    An entry is about them when it is an entry of their participant row, an attendance
    entry keyed by their id, or when their code appears in its record id, before or after.
    """
    code, key = person.code, f'"{person.id}"'
    candidates = session.scalars(
        select(AuditLog)
        .where(
            or_(
                and_(AuditLog.entity == "participants", AuditLog.entity_id == str(person.id)),
                and_(
                    AuditLog.entity == "attendance",
                    or_(
                        cast(AuditLog.before, Text).contains(key, autoescape=True),
                        cast(AuditLog.after, Text).contains(key, autoescape=True),
                    ),
                ),
                AuditLog.entity_id == code,
                cast(AuditLog.before, Text).contains(code, autoescape=True),
                cast(AuditLog.after, Text).contains(code, autoescape=True),
            )
        )
        .order_by(AuditLog.id)
    ).all()
    return [
        entry
        for entry in candidates
        if entry.entity_id == code
        or _about_by_id(entry, person.id)
        or mentions_code(entry.before, code)
        or mentions_code(entry.after, code)
    ]


def _frame(rows: Any, columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame([tuple(r) for r in rows], columns=columns)


def _participant_table(session: Session, person: Participant) -> pd.DataFrame:
    hood = session.get(TerritoryUnit, person.neighbourhood_id) if person.neighbourhood_id else None
    references = session.scalars(
        select(Professional.code)
        .join(ParticipantProfessional, ParticipantProfessional.professional_id == Professional.id)
        .where(ParticipantProfessional.participant_id == person.id)
        .order_by(Professional.code)
    ).all()
    return pd.DataFrame(
        [
            {
                "code": person.code,
                "alias": person.alias,
                "birth_year": person.birth_year,
                "age_band": person.age_band,
                "gender": person.gender,
                "neighbourhood": hood.name if hood else None,
                "reference_professionals": ", ".join(references) or None,
                "consent_date": person.consent_date,
                "consent_processing": bool(person.consent_processing),
                "consent_survey": bool(person.consent_survey),
                "consent_images": bool(person.consent_images),
            }
        ]
    )


def _enrolments(session: Session, person: Participant) -> pd.DataFrame:
    columns = [
        "kind",
        "name",
        "action_code",
        "started_on",
        "ended_on",
        "exit_reason",
        "evaluation_group",
    ]
    rows: list[tuple[object, ...]] = list(
        session.execute(
            select(
                case((Enrolment.programme_id.is_(None), "community_action"), else_="programme"),
                func.coalesce(Programme.name, CommunityAction.title),
                CommunityAction.code,
                Enrolment.starts_on,
                Enrolment.ends_on,
                Enrolment.exit_reason,
                Enrolment.evaluation_group,
            )
            .select_from(Enrolment)
            .outerjoin(Programme, Programme.id == Enrolment.programme_id)
            .outerjoin(CommunityAction, CommunityAction.id == Enrolment.action_id)
            .where(Enrolment.participant_id == person.id)
            .order_by(Enrolment.starts_on, Enrolment.id)
        ).all()
    )
    members = session.execute(
        select(MotorGroupMember.name, CommunityAction.title, CommunityAction.code)
        .select_from(MotorGroupMember)
        .join(CommunityAction, CommunityAction.id == MotorGroupMember.action_id)
        .where(MotorGroupMember.participant_id == person.id)
        .order_by(CommunityAction.code, MotorGroupMember.id)
    ).all()
    rows += [("motor_group", f"{title} ({name})" if name else title, action, None, None, "", "")
             for name, title, action in members]  # fmt: skip
    return _frame(rows, columns)


def _attendance(session: Session, person: Participant) -> pd.DataFrame:
    columns = ["session_id", "starts_at", "title", "type", "action_code", "status", "walk_in"]
    rows = session.execute(
        select(
            SessionRow.id,
            SessionRow.starts_at,
            SessionRow.title,
            SessionRow.type,
            CommunityAction.code,
            Attendance.status,
            Attendance.walk_in,
        )
        .select_from(Attendance)
        .join(SessionRow, SessionRow.id == Attendance.session_id)
        .outerjoin(CommunityAction, CommunityAction.id == SessionRow.action_id)
        .where(Attendance.participant_id == person.id)
        .order_by(SessionRow.starts_at, SessionRow.id)
    ).all()
    return _frame(rows, columns)


def _invitations(session: Session, person: Participant) -> pd.DataFrame:
    columns = ["session_id", "starts_at", "title", "action_code", "session_status"]
    rows = session.execute(
        select(
            SessionRow.id,
            SessionRow.starts_at,
            SessionRow.title,
            CommunityAction.code,
            SessionRow.status,
        )
        .select_from(Invitation)
        .join(SessionRow, SessionRow.id == Invitation.session_id)
        .outerjoin(CommunityAction, CommunityAction.id == SessionRow.action_id)
        .where(Invitation.participant_id == person.id)
        .order_by(SessionRow.starts_at, SessionRow.id)
    ).all()
    return _frame(rows, columns)


def _ties(session: Session, person: Participant) -> pd.DataFrame:
    columns = ["direction", "other_code", "observed_on", "kind", "source", "wave"]
    other = aliased(Participant)
    rows: list[tuple[object, ...]] = []
    for direction, mine, theirs in (
        ("reported", ReportedTie.from_participant_id, ReportedTie.to_participant_id),
        ("named_by", ReportedTie.to_participant_id, ReportedTie.from_participant_id),
    ):
        rows += [
            (direction, *row)
            for row in session.execute(
                select(
                    other.code,
                    ReportedTie.observed_on,
                    ReportedTie.kind,
                    ReportedTie.source,
                    ReportedTie.wave,
                )
                .join(other, other.id == theirs)
                .where(mine == person.id)
                .order_by(ReportedTie.observed_on, other.code)
            ).all()
        ]
    return _frame(rows, columns)


def _assessments(session: Session, person: Participant) -> tuple[pd.DataFrame, pd.DataFrame]:
    rows = session.execute(
        select(
            Assessment.id,
            Assessment.assessed_on,
            Assessment.instrument,
            Assessment.phase,
            Professional.code,
        )
        .outerjoin(Professional, Professional.id == Assessment.assessor_id)
        .where(Assessment.participant_id == person.id)
        .order_by(Assessment.assessed_on, Assessment.id)
    ).all()
    assessments = _frame(rows, ["assessment_id", "assessed_on", "instrument", "phase", "assessor"])
    scores = session.execute(
        select(AssessmentScore.assessment_id, AssessmentScore.domain, AssessmentScore.level)
        .join(Assessment, Assessment.id == AssessmentScore.assessment_id)
        .where(Assessment.participant_id == person.id)
        .order_by(AssessmentScore.assessment_id, AssessmentScore.domain)
    ).all()
    return assessments, _frame(scores, ["assessment_id", "domain", "level"])


def _referrals(session: Session, person: Participant) -> pd.DataFrame:
    source, target = aliased(Service), aliased(Service)
    rows = session.execute(
        select(
            Referral.referred_on,
            source.code,
            target.code,
            Referral.outcome,
            Referral.outcome_on,
            Referral.note,
        )
        .join(source, source.id == Referral.from_service_id)
        .join(target, target.id == Referral.to_service_id)
        .where(Referral.participant_id == person.id)
        .order_by(Referral.referred_on, Referral.id)
    ).all()
    return _frame(
        rows, ["referred_on", "from_service", "to_service", "outcome", "outcome_on", "note"]
    )


def _notes(session: Session, person: Participant) -> pd.DataFrame:
    rows: list[tuple[object, ...]] = []
    for field in FREE_TEXT_FIELDS:
        model = field.class_
        for row_id, text in session.execute(
            select(model.id, field)
            .where(field.contains(person.code, autoescape=True))
            .order_by(model.id)
        ).all():
            if mentions_code(text, person.code):
                rows.append((model.__tablename__, row_id, field.key, text))
    return _frame(rows, ["table", "row_id", "field", "text"])


def _audit_table(entries: list[AuditLog]) -> pd.DataFrame:
    def text(value: object) -> str:
        return "" if value is None else json.dumps(value, ensure_ascii=False, default=str)

    return pd.DataFrame(
        [
            (e.id, e.at, e.actor, e.action, e.entity, e.entity_id, text(e.before), text(e.after))
            for e in entries
        ],
        columns=["id", "at", "actor", "action", "entity", "entity_id", "before", "after"],
    )


def _record_tables(session: Session, person: Participant) -> dict[str, pd.DataFrame]:
    assessments, scores = _assessments(session, person)
    return {
        "participant": _participant_table(session, person),
        "enrolments": _enrolments(session, person),
        "attendance": _attendance(session, person),
        "invitations": _invitations(session, person),
        "reported_ties": _ties(session, person),
        "assessments": assessments,
        "assessment_scores": scores,
        "referrals": _referrals(session, person),
        "notes": _notes(session, person),
        "audit_log": _audit_table(audit_entries_about(session, person)),
    }


def participant_summary(session: Session, *, actor: Actor, code: str) -> dict[str, int]:
    """Return how many rows each table of :func:`participant_record` holds for ``code``.

    What the rights page shows before anything is downloaded or erased; counts only, so
    it is not an export and is not audited.

    Raises
    ------
    PermissionDeniedError
        Unless the actor may manage participants' rights.
    NotFoundError
        When no participant has ``code``.

    Examples
    --------
    >>> participant_summary(session, actor=admin, code="AM-00001")  # doctest: +SKIP
    {'participant': 1, 'enrolments': 1, 'attendance': 14, ...}
    """
    require(actor, Permission.MANAGE_PARTICIPANT_RIGHTS)
    person = find_participant(session, code)
    return {name: len(table) for name, table in _record_tables(session, person).items()}


def participant_record(session: Session, *, actor: Actor, code: str) -> dict[str, pd.DataFrame]:
    """Return everything held about the participant ``code``, one table per kind of record.

    The tables, in the order of :data:`RECORD_SHEETS`: ``participant`` (their row),
    ``enrolments`` (programme and motor groups), ``attendance`` and ``invitations`` (with
    the sessions' dates, titles and actions), ``reported_ties`` (ties they reported and
    ties naming them, the other side by code), ``assessments`` and ``assessment_scores``,
    ``notes`` (free-text fields that write their code, such as conflict notes and
    collaboration notes) and ``audit_log`` (entries about them). The export is audited.

    Raises
    ------
    PermissionDeniedError
        Unless the actor may manage participants' rights.
    NotFoundError
        When no participant has ``code``.

    Examples
    --------
    >>> tables = participant_record(session, actor=admin, code="AM-00001")  # doctest: +SKIP
    >>> list(tables)  # doctest: +SKIP
    ['participant', 'enrolments', 'attendance', ...]
    """
    require(actor, Permission.MANAGE_PARTICIPANT_RIGHTS)
    person = find_participant(session, code)
    tables = _record_tables(session, person)
    record_export(
        session,
        actor,
        "participant_record",
        sum(len(t) for t in tables.values()),
        code=person.code,
    )
    return tables


def participant_record_to_excel(tables: Mapping[str, pd.DataFrame]) -> bytes:
    """Write a :func:`participant_record` as a workbook: one sheet per table, translated headers.

    Examples
    --------
    >>> import pandas as pd
    >>> data = participant_record_to_excel({"participant": pd.DataFrame({"code": ["AM-1"]})})
    >>> data[:2]
    b'PK'
    """
    labels = {column: _(label) for column, label in RECORD_COLUMN_LABELS.items()}
    sheets = {
        _(RECORD_SHEETS.get(name, name)): table.rename(columns=labels)
        for name, table in tables.items()
    }
    out = io.BytesIO()
    write_tables(out, sheets)
    return out.getvalue()
