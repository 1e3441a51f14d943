"""Audited writes of attendance: registers, walk-ins, absences, finalising and reopening.

A finalised register is locked: only a coordinator can reopen it, giving a reason. A
session that has not started yet cannot be marked as attended nor finalised (held);
absences and excuses may be recorded in advance. Every write to a register first takes
the write lock of its session's row (see :func:`_register_open`), so marking, walk-ins
and finalising one session run one after another even when many people save at once: no
mark lands after the register was finalised, and two first marks of the same participant
become one row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import cast

from sqlalchemy import Table, select, update
from sqlalchemy.orm import Session

from community_map.activities.ownership import require_own_sessions
from community_map.activities.session_writes import load_session, record_session_update
from community_map.errors import NotFoundError, ValidationError
from community_map.i18n import gettext as _
from community_map.models import (
    Attendance,
    AttendanceStatus,
    Invitation,
    Participant,
    SessionStatus,
)
from community_map.models import Session as SessionRow
from community_map.trust import audit as services
from community_map.trust.permissions import Actor, Permission, require

__all__ = [
    "absent_until",
    "add_walk_in",
    "finalise_session",
    "mark_all_present",
    "mark_attendance",
    "reopen_session",
]


def _lock_register(session: Session, session_id: int) -> None:
    """Take the write lock of the session's row until the transaction ends.

    A no-op ``UPDATE`` locks the row on PostgreSQL and, on SQLite, starts the write
    transaction (the database's write lock, waiting up to the busy timeout); it leaves
    the session's version alone, so a planner's edit is not refused because of a mark.
    Everything read after it is what the last writer committed.
    """
    table = cast(Table, SessionRow.__table__)
    session.execute(
        update(table).where(table.c.id == session_id).values(finalised=table.c.finalised)
    )


def _register_open(session: Session, session_id: int) -> SessionRow:
    """The session, locked (:func:`_lock_register`) and re-read; refused unless its
    register is open."""
    _lock_register(session, session_id)
    row = load_session(session, session_id, None)
    session.refresh(row)
    if row.finalised:
        raise ValidationError(
            _("This session's register is finalised; a coordinator can reopen it.")
        )
    if row.status == SessionStatus.CANCELLED.value:
        raise ValidationError(_("This session was cancelled; it has no register."))
    return row


def _refuse_not_started(row: SessionRow, now: dt.datetime | None, message: str) -> None:
    """Raise ``message`` (with ``{start}``) when the session starts after ``now``."""
    if row.starts_at > (now or dt.datetime.now()):
        raise ValidationError(message.format(start=f"{row.starts_at:%d/%m/%Y %H:%M}"))


def mark_attendance(
    session: Session,
    *,
    actor: Actor,
    session_id: int,
    marks: Mapping[int, str],
    now: dt.datetime | None = None,
) -> int:
    """Record attended / absent / excused for participants of a session; audited.

    The audit entry keeps each changed participant's mark before (``None``: no mark) and
    after. Marking someone attended before the session starts (``now``, default the
    current local time) is refused.
    """
    require(actor, Permission.TAKE_ATTENDANCE)
    require_own_sessions(session, actor, [session_id])
    row_session = _register_open(session, session_id)
    if AttendanceStatus.ATTENDED.value in marks.values():
        _refuse_not_started(
            row_session,
            now,
            _(
                "The session of {start} has not started yet: no one can be marked as attended "
                "before it starts (absences and excuses can be recorded in advance)."
            ),
        )
    allowed = {s.value for s in AttendanceStatus}
    existing = {
        a.participant_id: a
        for a in session.scalars(
            select(Attendance)
            .where(Attendance.session_id == session_id)
            .execution_options(populate_existing=True)
        )
    }
    changed: dict[str, str] = {}
    previous: dict[str, str | None] = {}
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
            previous[str(participant_id)] = None
        elif row.status != status:
            changed[str(participant_id)] = status
            previous[str(participant_id)] = row.status
            row.status = status
    session.flush()
    if changed:
        services.record(
            session, actor, "update", "attendance", session_id, before=previous, after=changed
        )
    return len(changed)


def mark_all_present(
    session: Session, *, actor: Actor, session_id: int, now: dt.datetime | None = None
) -> int:
    """Mark attended every invited participant who has no mark yet; return how many.

    Marks already recorded (an absence just tapped, an excuse) are kept as they are.

    Examples
    --------
    >>> mark_all_present(session, actor=educator, session_id=12)  # doctest: +SKIP
    3
    """
    require(actor, Permission.TAKE_ATTENDANCE)
    require_own_sessions(session, actor, [session_id])
    _register_open(session, session_id)
    marked = select(Attendance.participant_id).where(Attendance.session_id == session_id)
    unmarked = session.scalars(
        select(Invitation.participant_id).where(
            Invitation.session_id == session_id, Invitation.participant_id.not_in(marked)
        )
    ).all()
    if not unmarked:
        return 0
    return mark_attendance(
        session,
        actor=actor,
        session_id=session_id,
        marks=dict.fromkeys(unmarked, AttendanceStatus.ATTENDED.value),
        now=now,
    )


def add_walk_in(
    session: Session,
    *,
    actor: Actor,
    session_id: int,
    code: str,
    now: dt.datetime | None = None,
) -> Participant:
    """Register a participant who came without an invitation, by pseudonymous code.

    Refused before the session starts (``now``, default the current local time).
    """
    require(actor, Permission.TAKE_ATTENDANCE)
    require_own_sessions(session, actor, [session_id])
    _refuse_not_started(
        _register_open(session, session_id),
        now,
        _("The session of {start} has not started yet: add walk-ins once it has started."),
    )
    person = session.scalar(select(Participant).where(Participant.code == code.strip().upper()))
    if person is None:
        raise NotFoundError(
            _(
                "There is no participant with the code {code!r}; check it on "
                "the participant's card."
            ).format(code=code.strip())
        )
    row = session.scalar(
        select(Attendance)
        .where(Attendance.session_id == session_id, Attendance.participant_id == person.id)
        .execution_options(populate_existing=True)
    )
    before = None if row is None else {str(person.id): row.status, "walk_in": row.walk_in}
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
        "create" if row is None else "update",
        "attendance",
        session_id,
        before=before,
        after={str(person.id): "attended", "walk_in": True if row is None else row.walk_in},
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
    first = load_session(session, session_id, None)
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


def finalise_session(
    session: Session, *, actor: Actor, session_id: int, now: dt.datetime | None = None
) -> SessionRow:
    """Lock a session's register and mark the session held.

    Refused before the session starts (``now``, default the current local time).
    """
    require(actor, Permission.TAKE_ATTENDANCE)
    require_own_sessions(session, actor, [session_id])
    row = _register_open(session, session_id)
    _refuse_not_started(
        row,
        now,
        _(
            "The session of {start} has not started yet: its register can be finalised (and "
            "the session counted as held) once it has started."
        ),
    )
    before = {"finalised": row.finalised, "status": row.status}
    row.finalised = True
    row.status = SessionStatus.HELD.value
    session.flush()
    record_session_update(
        session, actor, session_id, before=before, after={"finalised": True, "status": "held"}
    )
    return row


def reopen_session(session: Session, *, actor: Actor, session_id: int, reason: str) -> SessionRow:
    """Unlock a finalised register (coordinators), giving the reason; audited with it.

    Raises
    ------
    ValidationError
        When ``reason`` is empty or the register is not finalised.
    """
    require(actor, Permission.REOPEN_SESSIONS)
    require_own_sessions(session, actor, [session_id])
    if not reason.strip():
        raise ValidationError(_("Give the reason for reopening the register."))
    row = load_session(session, session_id, None)
    if not row.finalised:
        raise ValidationError(_("This register is not finalised; there is nothing to reopen."))
    row.finalised = False
    session.flush()
    record_session_update(
        session,
        actor,
        session_id,
        before={"finalised": True},
        after={"finalised": False, "reopen_reason": reason.strip()},
    )
    return row
