"""Audited writes of sessions: planning (one or a series), changing and cancelling them.

Planning checks conflicts (venue, facilitator, participant, capacity, opening hours)
before anything is written: with conflicts the caller gets them back and nothing is
saved, unless the planner saves anyway with a note. Session edits use optimistic
concurrency: a save based on an old version is refused.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from community_map.activities.conflict_reads import check_conflicts
from community_map.activities.ownership import require_own_plan, require_own_sessions
from community_map.activities.recurrence import occurrences
from community_map.errors import ConcurrentEditError, NotFoundError, ValidationError
from community_map.i18n import gettext as _
from community_map.models import (
    Asset,
    CommunityAction,
    Invitation,
    SessionFacilitator,
    SessionPartner,
    SessionSeries,
    SessionStatus,
    SessionType,
)
from community_map.models import Session as SessionRow
from community_map.trust import audit as services
from community_map.trust.permissions import Actor, Permission, require

__all__ = [
    "ConflictError",
    "SessionPlan",
    "audited_fields",
    "cancel_sessions",
    "load_session",
    "plan_sessions",
    "record_session_change",
    "record_session_update",
    "refuse_finalised",
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
    require_own_plan(actor, plan.facilitator_ids)
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
            "session_ids": [row.id for row in created],
            "first": slots[0][0].isoformat(),
            "conflicts": len(conflicts),
            **audited_fields(session, created[0]),
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


def load_session(session: Session, session_id: int, version: int | None) -> SessionRow:
    """The session ``session_id``; refused when ``version`` is given and is not its current one.

    Raises
    ------
    NotFoundError
        When there is no such session.
    ConcurrentEditError
        When someone else saved the session since ``version`` was read.
    """
    row = session.get(SessionRow, session_id)
    if row is None:
        raise NotFoundError(_("There is no session {id}.").format(id=session_id))
    if version is not None and row.version != version:
        raise ConcurrentEditError(
            _(
                "Someone else changed this session since you opened it; reload it and make your "
                "change again. Nothing was saved."
            )
        )
    return row


def record_session_update(
    session: Session,
    actor: Actor,
    session_id: int,
    *,
    after: Mapping[str, Any],
    before: Mapping[str, Any] | None = None,
) -> None:
    """Record a change of a session in the audit log (``update`` of ``sessions``)."""
    services.record(session, actor, "update", "sessions", session_id, before=before, after=after)


def _targets(session: Session, first: SessionRow, scope: str) -> list[SessionRow]:
    """Return ``first``, or with ``scope="following"`` it and the rest of its series.

    The rest are the series' sessions from ``first``'s start on whose register is not
    finalised, in order of start.
    """
    if scope != "following" or first.series_id is None:
        return [first]
    return list(
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


def _people(session: Session, session_id: int) -> dict[str, list[int]]:
    """Return the facilitators, partner services and invited participants of a session."""
    lists = {
        "facilitator_ids": (SessionFacilitator.professional_id, SessionFacilitator.session_id),
        "partner_service_ids": (SessionPartner.service_id, SessionPartner.session_id),
        "participant_ids": (Invitation.participant_id, Invitation.session_id),
    }
    return {
        name: sorted(session.scalars(select(column).where(owner == session_id)))
        for name, (column, owner) in lists.items()
    }


def audited_fields(session: Session, row: SessionRow) -> dict[str, Any]:
    """Return every field of a session that a write can change, people lists included.

    The audit entries of session writes keep the changed ones before and after (see
    :func:`community_map.trust.audit.changes`).
    """
    return {
        "action_id": row.action_id,
        "type": row.type,
        "title": row.title,
        "starts_at": row.starts_at.isoformat(),
        "ends_at": row.ends_at.isoformat(),
        "venue_asset_id": row.venue_asset_id,
        "capacity": row.capacity,
        "status": row.status,
        "cancel_reason": row.cancel_reason or "",
        "notes": row.notes or "",
        "conflict_note": row.conflict_note or "",
        "finalised": bool(row.finalised),
        **_people(session, row.id),
    }


def record_session_change(
    session: Session, actor: Actor, row: SessionRow, before: Mapping[str, Any]
) -> None:
    """Record the fields of ``row`` that differ from ``before`` (an :func:`audited_fields`)."""
    session.flush()
    old, new = services.changes(before, audited_fields(session, row))
    if new:
        record_session_update(session, actor, row.id, before=old, after=new)


def refuse_finalised(row: SessionRow) -> None:
    """Refuse to change a session whose register is finalised (it must be reopened first)."""
    if row.finalised:
        raise ValidationError(
            _(
                "The register of the session of {start:%d/%m/%Y %H:%M} is finalised; a "
                "coordinator must reopen it (with a reason) before it can be changed."
            ).format(start=row.starts_at)
        )


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
    first = load_session(session, session_id, version)
    refuse_finalised(first)
    targets = _targets(session, first, scope)
    require_own_sessions(session, actor, [t.id for t in targets])
    require_own_plan(actor, plan.facilitator_ids)
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
        before = audited_fields(session, row)
        row.type, row.title = moved.type, moved.title.strip()
        row.starts_at, row.ends_at = moved.starts_at, moved.ends_at
        row.venue_asset_id, row.capacity = moved.venue_asset_id, moved.capacity
        row.notes = moved.notes.strip()
        row.conflict_note = note if conflicts else ""
        _set_people(session, row.id, moved)
        record_session_change(session, actor, row, before)
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
    """Cancel one session or it and the rest of its series, with a reason; audited.

    A session whose register is finalised (held) is refused: it must be reopened first.
    """
    require(actor, Permission.PLAN_ACTIVITIES)
    if not reason.strip():
        raise ValidationError(_("Give the reason for the cancellation."))
    first = load_session(session, session_id, version)
    refuse_finalised(first)
    targets = _targets(session, first, scope)
    require_own_sessions(session, actor, [t.id for t in targets])
    for row in targets:
        before = audited_fields(session, row)
        row.status = SessionStatus.CANCELLED.value
        row.cancel_reason = reason.strip()
        record_session_change(session, actor, row, before)
    return len(targets)
