"""Erasure: remove everything that identifies or profiles one participant, keep the counts.

How the figures stay right
--------------------------
Attendance is the record of the sessions as much as of the person: deleting it would
change every session's headcount, attendance rates and the number of people reached.
So :func:`erase_participant` moves the person's attendance (and their invitations to
sessions that have already started) to a new **anonymous participant**: a row with a
random ``ERASED-...`` code, no alias, year of birth, age band, gender, neighbourhood,
reference professional, enrolment or consent. The new row has a new id, the moved rows are
new rows, and nothing records which code it replaced (not even the erasure's own audit
entry), so it cannot be linked back to the person. Sessions' attendance counts, the
registers' statuses, "participants reached" and the co-attendance network keep their
values; figures per home district lose the person (the neighbourhood was theirs).

What is removed
---------------
The participant row; the ties they reported and the ties naming them (the survey is
about them; other people's network measures lose those ties); their assessments and
scores; their enrolments and the links to their reference professionals; their
invitations to sessions not yet started. Motor group memberships stay as an
anonymous resident (no participant, no name), so the group's size is kept.

Free text and the audit log
---------------------------
Their code is replaced by ``[erased]`` in free-text fields (session notes, conflict
notes, cancellation reasons, collaboration and phase notes, action objectives) and in the
before/after of earlier audit entries about them (attendance entries keyed by their id
lose that key's id, entries of their participant row keep only ``{"erased": true}``).
Who did what and when stays in the log; the person does not. The erasure itself is
audited with the code, the reason and counts of rows, never the erased values. Backups
taken before the erasure still hold the data until they expire.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, insert, literal, select, update
from sqlalchemy.orm import Session

from community_map.errors import ValidationError
from community_map.i18n import gettext as _
from community_map.models import (
    Assessment,
    AssessmentScore,
    Attendance,
    Enrolment,
    Invitation,
    MotorGroupMember,
    Participant,
    ParticipantProfessional,
    Referral,
    ReportedTie,
    SurveyResponse,
    utcnow,
)
from community_map.models import Session as SessionRow
from community_map.trust.audit import record
from community_map.trust.permissions import Actor, Permission, require
from community_map.trust.rights_reads import (
    FREE_TEXT_FIELDS,
    audit_entries_about,
    find_participant,
    mentions_code,
)

__all__ = ["ANONYMOUS_PREFIX", "ERASED_MARK", "ErasureReport", "erase_participant"]

ANONYMOUS_PREFIX = "ERASED-"
"""Codes of the anonymous participants that keep an erased person's attendance."""

ERASED_MARK = "[erased]"
"""What replaces an erased code in free text and in the audit log."""


@dataclass(frozen=True)
class ErasureReport:
    """What :func:`erase_participant` did, in counts of rows (no personal data).

    ``removed``: rows deleted per table; ``anonymised``: rows kept without the person
    (attendance and invitations moved to an anonymous participant, motor group
    memberships without participant and name); ``scrubbed``: free-text fields and audit
    entries from which the code was removed.
    """

    code: str
    removed: dict[str, int] = field(default_factory=dict)
    anonymised: dict[str, int] = field(default_factory=dict)
    scrubbed: dict[str, int] = field(default_factory=dict)

    def as_audit(self) -> dict[str, Any]:
        """The counts as recorded in the erasure's audit entry."""
        return {"removed": self.removed, "anonymised": self.anonymised, "scrubbed": self.scrubbed}

    def summary(self) -> str:
        """One translated sentence for the page and the command line."""
        return _(
            "Participant {code} erased: {removed} rows removed, {anonymised} kept without "
            "the person, {scrubbed} notes and audit entries cleaned."
        ).format(
            code=self.code,
            removed=sum(self.removed.values()),
            anonymised=sum(self.anonymised.values()),
            scrubbed=sum(self.scrubbed.values()),
        )


def _anonymous_code(session: Session) -> str:
    while True:
        code = ANONYMOUS_PREFIX + secrets.token_hex(5).upper()
        if session.scalar(select(Participant.id).where(Participant.code == code)) is None:
            return code


def _count(session: Session, query: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(query.subquery())) or 0)


def _scrub(value: Any, pattern: re.Pattern[str], id_key: str | None) -> Any:
    """``value`` with the code replaced in every text and key (and ``id_key`` as a key)."""
    if isinstance(value, str):
        return pattern.sub(ERASED_MARK, value)
    if isinstance(value, Mapping):
        return {
            ERASED_MARK if str(k) == id_key else _scrub(str(k), pattern, None): _scrub(
                v, pattern, id_key
            )
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_scrub(v, pattern, id_key) for v in value]
    return value


def _scrub_audit(session: Session, person: Participant, pattern: re.Pattern[str]) -> int:
    entries = audit_entries_about(session, person)
    for entry in entries:
        if entry.entity == "participants" and entry.entity_id in {str(person.id), person.code}:
            entry.before = {"erased": True} if entry.before is not None else None
            entry.after = {"erased": True} if entry.after is not None else None
        else:
            id_key = str(person.id) if entry.entity == "attendance" else None
            entry.before = _scrub(entry.before, pattern, id_key)
            entry.after = _scrub(entry.after, pattern, id_key)
        if entry.entity_id == person.code:
            entry.entity_id = ERASED_MARK
    return len(entries)


def _scrub_notes(session: Session, code: str, pattern: re.Pattern[str]) -> int:
    changed = 0
    for column in FREE_TEXT_FIELDS:
        model = column.class_
        for row in session.scalars(select(model).where(column.contains(code, autoescape=True))):
            text = getattr(row, column.key)
            if mentions_code(text, code):
                # through the ORM, so that versioned rows (sessions, actions) get a new
                # version and an edit form opened before the erasure cannot write it back
                setattr(row, column.key, pattern.sub(ERASED_MARK, text))
                changed += 1
    session.flush()
    return changed


def _move_to_anonymous(session: Session, person: Participant) -> dict[str, int]:
    """Move attendance and past invitations to a new anonymous participant; delete the rest."""
    now = utcnow()
    attendance = select(Attendance).where(Attendance.participant_id == person.id)
    past = (
        select(Invitation.session_id)
        .join(SessionRow, SessionRow.id == Invitation.session_id)
        .where(Invitation.participant_id == person.id, SessionRow.starts_at <= now)
    )
    moved = {"attendance": _count(session, attendance), "invitations": _count(session, past)}
    if moved["attendance"] or moved["invitations"]:
        anonymous = Participant(code=_anonymous_code(session))
        session.add(anonymous)
        session.flush()
        session.execute(
            insert(Attendance).from_select(
                ["session_id", "participant_id", "status", "walk_in"],
                select(
                    Attendance.session_id,
                    literal(anonymous.id),
                    Attendance.status,
                    Attendance.walk_in,
                )
                .where(Attendance.participant_id == person.id)
                .order_by(Attendance.session_id),
            )
        )
        session.execute(
            insert(Invitation).from_select(
                ["session_id", "participant_id"],
                past.add_columns(literal(anonymous.id)).order_by(Invitation.session_id),
            )
        )
    session.execute(delete(Attendance).where(Attendance.participant_id == person.id))
    session.execute(delete(Invitation).where(Invitation.participant_id == person.id))
    return moved


def erase_participant(session: Session, *, actor: Actor, code: str, reason: str) -> ErasureReport:
    """Erase the participant ``code``: remove what identifies or profiles them, keep the counts.

    See the module's description for what is removed, what is kept as anonymous rows and
    why. All or nothing: the caller's transaction commits every change or none.

    Raises
    ------
    PermissionDeniedError
        Unless the actor may manage participants' rights.
    ValidationError
        Without a reason.
    NotFoundError
        When no participant has ``code``.

    Examples
    --------
    >>> report = erase_participant(
    ...     session, actor=admin, code="AM-00001", reason="request 2024/17"
    ... )  # doctest: +SKIP
    >>> report.anonymised["attendance"]  # doctest: +SKIP
    12
    """
    require(actor, Permission.MANAGE_PARTICIPANT_RIGHTS)
    why = (reason or "").strip()
    if not why:
        raise ValidationError(
            _(
                "Give the reason for the erasure (for example the date and reference of the "
                "request); do not write personal details in it. Nothing was erased."
            )
        )
    person = find_participant(session, code)
    pattern = re.compile(rf"(?<![\w-]){re.escape(person.code)}(?![\w-])")
    report = ErasureReport(code=person.code)
    report.scrubbed["audit_entries"] = _scrub_audit(session, person, pattern)
    report.scrubbed["notes"] = _scrub_notes(session, person.code, pattern)
    upcoming = _count(
        session, select(Invitation.session_id).where(Invitation.participant_id == person.id)
    )
    moved = _move_to_anonymous(session, person)
    report.anonymised.update(moved)
    report.removed["future_invitations"] = upcoming - moved["invitations"]
    mine = (ReportedTie.from_participant_id == person.id) | (
        ReportedTie.to_participant_id == person.id
    )
    report.removed["reported_ties"] = int(
        session.execute(delete(ReportedTie).where(mine)).rowcount or 0  # type: ignore[attr-defined]
    )
    report.removed["survey_responses"] = int(
        session.execute(
            delete(SurveyResponse).where(SurveyResponse.respondent_id == person.id)
        ).rowcount  # type: ignore[attr-defined]
        or 0
    )
    assessments = select(Assessment.id).where(Assessment.participant_id == person.id)
    report.removed["assessment_scores"] = int(
        session.execute(
            delete(AssessmentScore).where(AssessmentScore.assessment_id.in_(assessments))
        ).rowcount  # type: ignore[attr-defined]
        or 0
    )
    report.removed["assessments"] = int(
        session.execute(delete(Assessment).where(Assessment.participant_id == person.id)).rowcount  # type: ignore[attr-defined]
        or 0
    )
    report.anonymised["motor_group_members"] = int(
        session.execute(
            update(MotorGroupMember)
            .where(MotorGroupMember.participant_id == person.id)
            .values(participant_id=None, name="")
        ).rowcount  # type: ignore[attr-defined]
        or 0
    )
    referred = int(
        session.execute(
            update(Referral).where(Referral.participant_id == person.id).values(participant_id=None)
        ).rowcount  # type: ignore[attr-defined]
        or 0
    )
    if referred:  # referrals keep their services and dates, without the person
        report.anonymised["referrals"] = referred
    report.removed["enrolments"] = int(
        session.execute(delete(Enrolment).where(Enrolment.participant_id == person.id)).rowcount  # type: ignore[attr-defined]
        or 0
    )
    report.removed["reference_professionals"] = int(
        session.execute(
            delete(ParticipantProfessional).where(
                ParticipantProfessional.participant_id == person.id
            )
        ).rowcount  # type: ignore[attr-defined]
        or 0
    )
    session.delete(person)
    session.flush()
    report.removed["participants"] = 1
    record(
        session,
        actor,
        "erase",
        "participants",
        report.code,
        after={"reason": why, **report.as_audit()},
    )
    return report
