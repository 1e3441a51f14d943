"""Service-layer writes for community actions, sessions and attendance; validated, audited.

Planning checks conflicts (venue, facilitator, participant, capacity, opening hours)
before anything is written: with conflicts the caller gets them back and nothing is
saved, unless the planner saves anyway with a note. Session edits use optimistic
concurrency: a save based on an old version is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from community_map.activities.conflict_reads import check_conflicts
from community_map.activities.recurrence import occurrences
from community_map.errors import NotFoundError, ValidationError
from community_map.i18n import gettext as _
from community_map.models import (
    ActionNeighbourhood,
    ActionPhase,
    Asset,
    Attendance,
    AttendanceStatus,
    CommunityAction,
    Invitation,
    MotorGroupMember,
    Participant,
    Phase,
    SessionFacilitator,
    SessionPartner,
    SessionSeries,
    SessionStatus,
    SessionType,
    Typology,
)
from community_map.models import Session as SessionRow
from community_map.trust import audit as services
from community_map.trust.permissions import Actor, Permission, require

__all__ = [
    "ConflictError",
    "SessionPlan",
    "absent_until",
    "add_phase",
    "add_walk_in",
    "cancel_sessions",
    "create_action",
    "finalise_session",
    "import_programme",
    "mark_attendance",
    "plan_sessions",
    "reopen_session",
    "update_sessions",
]


class ConflictError(ValidationError):
    """The sessions conflict with others; nothing was saved. ``conflicts`` lists them."""

    def __init__(self, conflicts: Sequence[Any]) -> None:
        self.conflicts = list(conflicts)
        lines = "; ".join(c.message for c in self.conflicts[:5])
        more = len(self.conflicts) - 5
        text = _("{n} conflicts: {lines}").format(n=len(self.conflicts), lines=lines)
        if more > 0:
            text += " " + _("and {n} more").format(n=more)
        super().__init__(text + " " + _("Change the plan, or save anyway with a note."))


@dataclass(frozen=True)
class SessionPlan:
    """What a planner enters for a session (or the first of a series)."""

    action_id: int | None
    type: str
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    venue_asset_id: int | None = None
    capacity: int | None = None
    facilitator_ids: Sequence[int] = ()
    partner_service_ids: Sequence[int] = ()
    participant_ids: Sequence[int] = ()
    notes: str = ""
    every_weeks: int | None = None
    until: dt.date | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)


def _next_code(session: Session) -> str:
    count = session.scalar(select(func.count()).select_from(CommunityAction)) or 0
    code = f"AC-{count + 1:04d}"
    while session.scalar(select(CommunityAction.id).where(CommunityAction.code == code)):
        count += 1
        code = f"AC-{count + 1:04d}"
    return code


def create_action(
    session: Session,
    *,
    actor: Actor,
    title: str,
    typology: str,
    objectives: str = "",
    lead_service_id: int | None = None,
    neighbourhood_ids: Iterable[int] = (),
    motor_group: Iterable[Mapping[str, Any]] = (),
    started_on: dt.date | None = None,
) -> CommunityAction:
    """Create a community action in its first phase (first contact); audited."""
    require(actor, Permission.PLAN_ACTIVITIES)
    title = title.strip()
    if not title:
        raise ValidationError(_("The community action needs a title."))
    if typology not in {t.value for t in Typology}:
        raise ValidationError(_("Unknown typology {value!r}.").format(value=typology))
    action = CommunityAction(
        code=_next_code(session),
        title=title,
        typology=typology,
        objectives=objectives.strip(),
        lead_service_id=lead_service_id,
        phase=Phase.FIRST_CONTACT.value,
    )
    session.add(action)
    session.flush()
    session.add(
        ActionPhase(
            action_id=action.id,
            phase=Phase.FIRST_CONTACT.value,
            started_on=started_on or dt.date.today(),
            note="",
        )
    )
    for unit_id in set(neighbourhood_ids):
        session.add(ActionNeighbourhood(action_id=action.id, territory_unit_id=unit_id))
    for member in motor_group:
        session.add(MotorGroupMember(action_id=action.id, **dict(member)))
    session.flush()
    services.record(
        session,
        actor,
        "create",
        "community_actions",
        action.id,
        after={"code": action.code, "title": title, "typology": typology},
    )
    return action


def add_phase(
    session: Session,
    *,
    actor: Actor,
    action_id: int,
    phase: str,
    started_on: dt.date,
    note: str = "",
) -> CommunityAction:
    """Move an action to ``phase`` from ``started_on``; the history keeps every phase."""
    require(actor, Permission.PLAN_ACTIVITIES)
    action = session.get(CommunityAction, action_id)
    if action is None:
        raise NotFoundError(_("There is no community action {id}.").format(id=action_id))
    if phase not in {p.value for p in Phase}:
        raise ValidationError(_("Unknown phase {value!r}.").format(value=phase))
    last = session.scalar(
        select(func.max(ActionPhase.started_on)).where(ActionPhase.action_id == action_id)
    )
    if last is not None and started_on < last:
        raise ValidationError(
            _("The new phase cannot start before the current one ({date}).").format(
                date=last.strftime("%d/%m/%Y")
            )
        )
    before = action.phase
    session.add(
        ActionPhase(action_id=action_id, phase=phase, started_on=started_on, note=note.strip())
    )
    action.phase = phase
    session.flush()
    services.record(
        session,
        actor,
        "update",
        "community_actions",
        action_id,
        before={"phase": before},
        after={"phase": phase, "started_on": started_on.isoformat()},
    )
    return action


def _check_plan(session: Session, plan: SessionPlan) -> None:
    if plan.type not in {t.value for t in SessionType}:
        raise ValidationError(_("Unknown session type {value!r}.").format(value=plan.type))
    if plan.ends_at <= plan.starts_at:
        raise ValidationError(_("The session must end after it starts."))
    if plan.action_id is not None and session.get(CommunityAction, plan.action_id) is None:
        raise NotFoundError(_("There is no community action {id}.").format(id=plan.action_id))
    if plan.venue_asset_id is not None and session.get(Asset, plan.venue_asset_id) is None:
        raise NotFoundError(_("There is no venue {id}.").format(id=plan.venue_asset_id))
    if plan.capacity is not None and plan.capacity < 0:
        raise ValidationError(_("The capacity cannot be negative."))


def _occurrences(plan: SessionPlan) -> list[tuple[dt.datetime, dt.datetime]]:
    if plan.every_weeks:
        if plan.until is None:
            raise ValidationError(_("A recurring session needs an end date for the series."))
        return occurrences(
            plan.starts_at, plan.ends_at, every_weeks=plan.every_weeks, until=plan.until
        )
    return [(plan.starts_at, plan.ends_at)]


def plan_sessions(
    session: Session,
    *,
    actor: Actor,
    plan: SessionPlan,
    save_anyway_note: str | None = None,
) -> list[SessionRow]:
    """Create a session, or a weekly / every-N-weeks series of them.

    Raises :class:`ConflictError` (and writes nothing) when the sessions conflict with
    others, unless ``save_anyway_note`` explains why they are saved anyway.
    """
    require(actor, Permission.PLAN_ACTIVITIES)
    _check_plan(session, plan)
    slots = _occurrences(plan)
    plans = [(None, _moved(plan, s, e)) for s, e in slots]
    conflicts = check_conflicts(session, plans)
    note = (save_anyway_note or "").strip()
    if conflicts and not note:
        raise ConflictError(conflicts)
    series_id = None
    if len(slots) > 1:
        series = SessionSeries(
            action_id=plan.action_id, interval_weeks=plan.every_weeks or 1, until=plan.until
        )
        session.add(series)
        session.flush()
        series_id = series.id
    created = []
    for start, end in slots:
        row = SessionRow(
            action_id=plan.action_id,
            series_id=series_id,
            type=plan.type,
            title=plan.title.strip(),
            starts_at=start,
            ends_at=end,
            venue_asset_id=plan.venue_asset_id,
            capacity=plan.capacity,
            status=SessionStatus.PLANNED.value,
            notes=plan.notes.strip(),
            conflict_note=note if conflicts else "",
            finalised=False,
        )
        session.add(row)
        session.flush()
        _set_people(session, row.id, plan)
        created.append(row)
    services.record(
        session,
        actor,
        "create",
        "sessions",
        created[0].id,
        after={
            "count": len(created),
            "series_id": series_id,
            "title": plan.title,
            "first": slots[0][0].isoformat(),
            "conflicts": len(conflicts),
            "conflict_note": note,
        },
    )
    return created


def _moved(plan: SessionPlan, start: dt.datetime, end: dt.datetime) -> SessionPlan:
    from dataclasses import replace

    return replace(plan, starts_at=start, ends_at=end)


def _set_people(session: Session, session_id: int, plan: SessionPlan) -> None:
    for model in (SessionFacilitator, SessionPartner, Invitation):
        session.execute(delete(model).where(model.session_id == session_id))
    for pid in dict.fromkeys(plan.facilitator_ids):
        session.add(SessionFacilitator(session_id=session_id, professional_id=int(pid)))
    for sid in dict.fromkeys(plan.partner_service_ids):
        session.add(SessionPartner(session_id=session_id, service_id=int(sid)))
    for pid in dict.fromkeys(plan.participant_ids):
        session.add(Invitation(session_id=session_id, participant_id=int(pid)))


def _load(session: Session, session_id: int, version: int | None) -> SessionRow:
    row = session.get(SessionRow, session_id)
    if row is None:
        raise NotFoundError(_("There is no session {id}.").format(id=session_id))
    if version is not None and row.version != version:
        raise ValidationError(
            _(
                "Someone else changed this session since you opened it; reload it and make your "
                "change again. Nothing was saved."
            )
        )
    return row


def update_sessions(
    session: Session,
    *,
    actor: Actor,
    session_id: int,
    version: int,
    plan: SessionPlan,
    scope: str = "one",
    save_anyway_note: str | None = None,
) -> list[SessionRow]:
    """Change one occurrence, or it and the rest of its series (``scope="following"``).

    For the rest of a series the new times keep each occurrence's date and move by the
    same shift as the edited one.
    """
    require(actor, Permission.PLAN_ACTIVITIES)
    _check_plan(session, plan)
    first = _load(session, session_id, version)
    if first.finalised:
        raise ValidationError(
            _(
                "This session's register is finalised; a coordinator must "
                "reopen it before it can be changed."
            )
        )
    targets = [first]
    if scope == "following" and first.series_id is not None:
        targets = list(
            session.scalars(
                select(SessionRow)
                .where(
                    SessionRow.series_id == first.series_id,
                    SessionRow.starts_at >= first.starts_at,
                    SessionRow.finalised.is_(False),
                )
                .order_by(SessionRow.starts_at)
            )
        )
    shift_start = plan.starts_at - first.starts_at
    duration = plan.ends_at - plan.starts_at
    plans = [
        (t.id, _moved(plan, t.starts_at + shift_start, t.starts_at + shift_start + duration))
        for t in targets
    ]
    conflicts = check_conflicts(session, plans)
    note = (save_anyway_note or "").strip()
    if conflicts and not note:
        raise ConflictError(conflicts)
    for row, (_sid, moved) in zip(targets, plans, strict=True):
        before = {
            "title": row.title,
            "starts_at": row.starts_at.isoformat(),
            "venue_asset_id": row.venue_asset_id,
            "type": row.type,
        }
        row.type, row.title = moved.type, moved.title.strip()
        row.starts_at, row.ends_at = moved.starts_at, moved.ends_at
        row.venue_asset_id, row.capacity = moved.venue_asset_id, moved.capacity
        row.notes = moved.notes.strip()
        row.conflict_note = note if conflicts else ""
        _set_people(session, row.id, moved)
        session.flush()
        services.record(
            session,
            actor,
            "update",
            "sessions",
            row.id,
            before=before,
            after={
                "title": row.title,
                "starts_at": row.starts_at.isoformat(),
                "venue_asset_id": row.venue_asset_id,
                "type": row.type,
            },
        )
    return targets


def cancel_sessions(
    session: Session,
    *,
    actor: Actor,
    session_id: int,
    version: int,
    reason: str,
    scope: str = "one",
) -> int:
    """Cancel one session or it and the rest of its series, with a reason; audited."""
    require(actor, Permission.PLAN_ACTIVITIES)
    if not reason.strip():
        raise ValidationError(_("Give the reason for the cancellation."))
    first = _load(session, session_id, version)
    targets = [first]
    if scope == "following" and first.series_id is not None:
        targets = list(
            session.scalars(
                select(SessionRow).where(
                    SessionRow.series_id == first.series_id,
                    SessionRow.starts_at >= first.starts_at,
                    SessionRow.finalised.is_(False),
                )
            )
        )
    for row in targets:
        row.status = SessionStatus.CANCELLED.value
        row.cancel_reason = reason.strip()
        services.record(
            session,
            actor,
            "update",
            "sessions",
            row.id,
            after={"status": "cancelled", "cancel_reason": reason.strip()},
        )
    session.flush()
    return len(targets)


def _register_open(session: Session, session_id: int) -> SessionRow:
    row = _load(session, session_id, None)
    if row.finalised:
        raise ValidationError(
            _("This session's register is finalised; a coordinator can reopen it.")
        )
    if row.status == SessionStatus.CANCELLED.value:
        raise ValidationError(_("This session was cancelled; it has no register."))
    return row


def mark_attendance(
    session: Session,
    *,
    actor: Actor,
    session_id: int,
    marks: Mapping[int, str],
) -> int:
    """Record attended / absent / excused for participants of a session; audited."""
    require(actor, Permission.TAKE_ATTENDANCE)
    _register_open(session, session_id)
    allowed = {s.value for s in AttendanceStatus}
    existing = {
        a.participant_id: a
        for a in session.scalars(select(Attendance).where(Attendance.session_id == session_id))
    }
    changed = {}
    for participant_id, status in marks.items():
        if status not in allowed:
            raise ValidationError(_("Unknown attendance status {value!r}.").format(value=status))
        row = existing.get(int(participant_id))
        if row is None:
            session.add(
                Attendance(
                    session_id=session_id,
                    participant_id=int(participant_id),
                    status=status,
                    walk_in=False,
                )
            )
            changed[str(participant_id)] = status
        elif row.status != status:
            changed[str(participant_id)] = status
            row.status = status
    session.flush()
    if changed:
        services.record(session, actor, "update", "attendance", session_id, after=changed)
    return len(changed)


def add_walk_in(session: Session, *, actor: Actor, session_id: int, code: str) -> Participant:
    """Register a participant who came without an invitation, by pseudonymous code."""
    require(actor, Permission.TAKE_ATTENDANCE)
    _register_open(session, session_id)
    person = session.scalar(select(Participant).where(Participant.code == code.strip().upper()))
    if person is None:
        raise NotFoundError(
            _(
                "There is no participant with the code {code!r}; check it on "
                "the participant's card."
            ).format(code=code.strip())
        )
    row = session.scalar(
        select(Attendance).where(
            Attendance.session_id == session_id, Attendance.participant_id == person.id
        )
    )
    if row is None:
        session.add(
            Attendance(
                session_id=session_id,
                participant_id=person.id,
                status=AttendanceStatus.ATTENDED.value,
                walk_in=True,
            )
        )
    else:
        row.status = AttendanceStatus.ATTENDED.value
    session.flush()
    services.record(
        session,
        actor,
        "create",
        "attendance",
        session_id,
        after={str(person.id): "attended", "walk_in": True},
    )
    return person


def absent_until(
    session: Session,
    *,
    actor: Actor,
    session_id: int,
    participant_id: int,
    until: dt.date,
    status: str = AttendanceStatus.EXCUSED.value,
) -> int:
    """Mark a participant absent (or excused) in this and the following sessions of its
    series (or action) up to ``until``; finalised registers are left alone."""
    require(actor, Permission.TAKE_ATTENDANCE)
    first = _load(session, session_id, None)
    group = (
        SessionRow.series_id == first.series_id
        if first.series_id is not None
        else SessionRow.action_id == first.action_id
        if first.action_id is not None
        else SessionRow.id == first.id
    )
    targets = session.scalars(
        select(SessionRow.id).where(
            group,
            SessionRow.starts_at >= first.starts_at,
            SessionRow.starts_at < dt.datetime.combine(until + dt.timedelta(days=1), dt.time()),
            SessionRow.finalised.is_(False),
            SessionRow.status != SessionStatus.CANCELLED.value,
        )
    ).all()
    for sid in targets:
        mark_attendance(session, actor=actor, session_id=sid, marks={participant_id: status})
    return len(targets)


def finalise_session(session: Session, *, actor: Actor, session_id: int) -> SessionRow:
    """Lock a session's register and mark the session held."""
    require(actor, Permission.TAKE_ATTENDANCE)
    row = _register_open(session, session_id)
    row.finalised = True
    row.status = SessionStatus.HELD.value
    session.flush()
    services.record(
        session,
        actor,
        "update",
        "sessions",
        session_id,
        after={"finalised": True, "status": "held"},
    )
    return row


def reopen_session(session: Session, *, actor: Actor, session_id: int) -> SessionRow:
    """Unlock a finalised register (coordinators)."""
    require(actor, Permission.REOPEN_SESSIONS)
    row = _load(session, session_id, None)
    row.finalised = False
    session.flush()
    services.record(
        session,
        actor,
        "update",
        "sessions",
        session_id,
        before={"finalised": True},
        after={"finalised": False},
    )
    return row


def import_programme(session: Session, *, actor: Actor, programme: Any) -> dict[str, int]:
    """Write a validated programme (sessions and attendance), all or nothing; audited.

    A session matching an existing one (same action, start, venue and type) is updated,
    never duplicated. Attendance rows replace the session's register.
    """
    from community_map.models import Professional, Service

    require(actor, Permission.PLAN_ACTIVITIES)
    require(actor, Permission.TAKE_ATTENDANCE)
    ids = {
        "action": dict(session.execute(select(CommunityAction.code, CommunityAction.id)).all()),
        "venue": {c: i for c, i in session.execute(select(Asset.source_id, Asset.id)) if c},
        "pro": dict(session.execute(select(Professional.code, Professional.id)).all()),
        "service": dict(session.execute(select(Service.code, Service.id)).all()),
        "person": dict(session.execute(select(Participant.code, Participant.id)).all()),
    }
    created = updated = 0
    by_key: dict[tuple[Any, ...], int] = {}
    for row in programme.sessions.itertuples(index=False):
        action_id = ids["action"].get(row.action_code) if row.action_code else None
        venue_id = ids["venue"].get(row.venue_code) if row.venue_code else None
        starts = row.starts_at.to_pydatetime()
        existing = session.scalar(
            select(SessionRow).where(
                SessionRow.action_id.is_(None)
                if action_id is None
                else SessionRow.action_id == action_id,
                SessionRow.starts_at == starts,
                SessionRow.type == row.type,
                SessionRow.venue_asset_id.is_(None)
                if venue_id is None
                else SessionRow.venue_asset_id == venue_id,
            )
        )
        target = existing or SessionRow(
            action_id=action_id, venue_asset_id=venue_id, type=row.type, starts_at=starts
        )
        target.title = row.title
        target.ends_at = row.ends_at.to_pydatetime()
        target.capacity = None if pd.isna(row.capacity) else int(row.capacity)
        target.status = row.status
        target.cancel_reason = row.cancel_reason or ""
        target.notes = row.notes or ""
        target.finalised = row.status == SessionStatus.HELD.value
        if existing is None:
            session.add(target)
            created += 1
        else:
            updated += 1
        session.flush()
        for model in (SessionFacilitator, SessionPartner):
            session.execute(delete(model).where(model.session_id == target.id))
        for code in dict.fromkeys(row.facilitators):
            session.add(SessionFacilitator(session_id=target.id, professional_id=ids["pro"][code]))
        for code in dict.fromkeys(row.partners):
            session.add(SessionPartner(session_id=target.id, service_id=ids["service"][code]))
        by_key[(row.action_code, row.starts_at, row.venue_code, row.type)] = target.id
    marks = 0
    for key, group in programme.attendance.groupby(
        ["action_code", "starts_at", "venue_code", "type"], sort=False
    ):
        session_id = by_key[key]
        session.execute(delete(Attendance).where(Attendance.session_id == session_id))
        for row in group.itertuples(index=False):
            person = ids["person"][row.participant_code]
            session.add(
                Attendance(
                    session_id=session_id,
                    participant_id=person,
                    status=row.status,
                    walk_in=bool(row.walk_in),
                )
            )
            if not row.walk_in and session.get(Invitation, (session_id, person)) is None:
                session.add(Invitation(session_id=session_id, participant_id=person))
            marks += 1
    session.flush()
    services.record(
        session,
        actor,
        "import",
        "sessions",
        None,
        after={"created": created, "updated": updated, "attendance": marks},
    )
    return {"created": created, "updated": updated, "attendance": marks}
