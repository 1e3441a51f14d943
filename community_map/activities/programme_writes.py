"""Audited write of a validated programme workbook: sessions and attendance, all or nothing.

The workbook is read and validated by
:func:`~community_map.activities.programme_import.programme_from_excel`; nothing there
touches the database.

A finalised register changes only through "reopen" (with a reason): a workbook that
would change a finalised session or its attendance is refused as a whole, naming each
row. Every created or changed session gets its own audit entry with the before and
after of the fields the import changed (attendance marks included).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from community_map.activities.import_results import ImportProblem, ProgrammeImportError
from community_map.activities.programme_columns import SHEET_LABELS
from community_map.activities.session_writes import audited_fields, record_session_change
from community_map.i18n import gettext as _
from community_map.models import (
    Asset,
    Attendance,
    AttendanceStatus,
    CommunityAction,
    Invitation,
    Participant,
    Professional,
    Service,
    SessionFacilitator,
    SessionPartner,
    SessionStatus,
)
from community_map.models import Session as SessionRow
from community_map.trust import audit as services
from community_map.trust.permissions import Actor, Permission, require

__all__ = ["import_programme"]

Marks = dict[int, tuple[str, bool]]


@dataclass
class _Planned:
    """One programme row resolved against the database, before anything is written."""

    row: int
    existing: SessionRow | None
    values: dict[str, Any]
    facilitators: list[int]
    partners: list[int]
    marks: Marks | None = None
    mark_rows: list[tuple[str, int, str]] = field(default_factory=list)


def _current_marks(session: Session, session_id: int) -> Marks:
    return {
        a.participant_id: (a.status, bool(a.walk_in))
        for a in session.scalars(select(Attendance).where(Attendance.session_id == session_id))
    }


def _wanted(current: dict[str, Any], plan: _Planned) -> dict[str, Any]:
    """The audited fields of the session once the row is written (see ``audited_fields``)."""
    invited = set(current.get("participant_ids", []))
    invited |= {p for p, (_status, walk_in) in (plan.marks or {}).items() if not walk_in}
    return {
        **current,
        "type": plan.values["type"],
        "title": plan.values["title"],
        "starts_at": plan.values["starts_at"].isoformat(),
        "ends_at": plan.values["ends_at"].isoformat(),
        "capacity": plan.values["capacity"],
        "status": plan.values["status"],
        "cancel_reason": plan.values["cancel_reason"],
        "notes": plan.values["notes"],
        "finalised": plan.values["finalised"],
        "facilitator_ids": sorted(plan.facilitators),
        "partner_service_ids": sorted(plan.partners),
        "participant_ids": sorted(invited),
    }


def _future_problems(plan: _Planned, now: dt.datetime) -> list[ImportProblem]:
    """Problems of a row that would hold, or mark attended, a session not started yet."""
    starts = plan.values["starts_at"]
    if starts <= now:
        return []
    when = f"{starts:%d/%m/%Y %H:%M}"
    problems = []
    if plan.values["finalised"]:
        problems.append(
            ImportProblem(
                _(SHEET_LABELS["programme"]),
                plan.row,
                None,
                _(
                    "The session of {when} has not started yet, so it cannot be held: set its "
                    "status to planned."
                ).format(when=when),
            )
        )
    attended = [
        where
        for where, (status, _walk_in) in zip(
            plan.mark_rows, (plan.marks or {}).values(), strict=True
        )
        if status == AttendanceStatus.ATTENDED.value
    ]
    if attended:
        problems.append(
            ImportProblem(
                attended[0][0],
                attended[0][1],
                None,
                _(
                    "The session of {when} has not started yet: no one can be marked as "
                    "attended before it starts."
                ).format(when=when),
            )
        )
    return problems


def _finalised_problems(session: Session, plan: _Planned) -> list[ImportProblem]:
    """Problems of a row that would change a finalised session or its register."""
    existing = plan.existing
    if existing is None or not existing.finalised:
        return []
    when = f"{existing.starts_at:%d/%m/%Y %H:%M}"
    problems = []
    current = audited_fields(session, existing)
    before, _after = services.changes(current, _wanted(current, plan))
    if before:
        problems.append(
            ImportProblem(
                _(SHEET_LABELS["programme"]),
                plan.row,
                None,
                _(
                    "The session of {when} is finalised (held); this row would change it "
                    "({fields}). Leave the row as it is, or ask a coordinator to reopen the "
                    "register with a reason first."
                ).format(when=when, fields=", ".join(before)),
            )
        )
    if plan.marks is not None and plan.marks != _current_marks(session, existing.id):
        sheet, row, _status = plan.mark_rows[0]
        problems.append(
            ImportProblem(
                sheet,
                row,
                None,
                _(
                    "The register of the session of {when} is finalised; this attendance "
                    "would change it. Leave its marks as they are, or ask a coordinator to "
                    "reopen the register with a reason first."
                ).format(when=when),
            )
        )
    return problems


def _plan_rows(session: Session, programme: Any) -> dict[tuple[Any, ...], _Planned]:
    ids = {
        "action": dict(session.execute(select(CommunityAction.code, CommunityAction.id)).all()),
        "venue": {c: i for c, i in session.execute(select(Asset.source_id, Asset.id)) if c},
        "pro": dict(session.execute(select(Professional.code, Professional.id)).all()),
        "service": dict(session.execute(select(Service.code, Service.id)).all()),
        "person": dict(session.execute(select(Participant.code, Participant.id)).all()),
    }
    plans: dict[tuple[Any, ...], _Planned] = {}
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
        plans[(row.action_code, row.starts_at, row.venue_code, row.type)] = _Planned(
            row=int(row.row),
            existing=existing,
            values={
                "action_id": action_id,
                "venue_asset_id": venue_id,
                "type": row.type,
                "starts_at": starts,
                "title": row.title,
                "ends_at": row.ends_at.to_pydatetime(),
                "capacity": None if pd.isna(row.capacity) else int(row.capacity),
                "status": row.status,
                "cancel_reason": row.cancel_reason or "",
                "notes": row.notes or "",
                "finalised": row.status == SessionStatus.HELD.value,
            },
            facilitators=[ids["pro"][c] for c in dict.fromkeys(row.facilitators)],
            partners=[ids["service"][c] for c in dict.fromkeys(row.partners)],
        )
    for key, group in programme.attendance.groupby(
        ["action_code", "starts_at", "venue_code", "type"], sort=False
    ):
        plan = plans[key]
        plan.marks = {
            ids["person"][r.participant_code]: (r.status, bool(r.walk_in))
            for r in group.itertuples(index=False)
        }
        plan.mark_rows = [
            (str(r.sheet), int(r.row), str(r.status)) for r in group.itertuples(index=False)
        ]
    return plans


def _write(session: Session, actor: Actor, plan: _Planned) -> tuple[str, int]:
    """Write one planned row; return ``created``/``updated``/``unchanged`` and its marks."""
    target = plan.existing or SessionRow(**plan.values)
    before = None if plan.existing is None else audited_fields(session, plan.existing)
    old_marks = {} if plan.existing is None else _current_marks(session, target.id)
    for name, value in plan.values.items():
        setattr(target, name, value)
    if plan.existing is None:
        session.add(target)
    session.flush()
    for model in (SessionFacilitator, SessionPartner):
        session.execute(delete(model).where(model.session_id == target.id))
    for pid in plan.facilitators:
        session.add(SessionFacilitator(session_id=target.id, professional_id=pid))
    for sid in plan.partners:
        session.add(SessionPartner(session_id=target.id, service_id=sid))
    if plan.marks is not None and plan.marks != old_marks:
        session.execute(delete(Attendance).where(Attendance.session_id == target.id))
        for person, (status, walk_in) in plan.marks.items():
            session.add(
                Attendance(
                    session_id=target.id, participant_id=person, status=status, walk_in=walk_in
                )
            )
            if not walk_in and session.get(Invitation, (target.id, person)) is None:
                session.add(Invitation(session_id=target.id, participant_id=person))
        session.flush()
        services.record(
            session,
            actor,
            "import",
            "attendance",
            target.id,
            before={str(p): s for p, (s, _w) in old_marks.items()},
            after={str(p): s for p, (s, _w) in plan.marks.items()},
        )
    marks = len(plan.marks or {})
    if before is None:
        session.flush()
        services.record(
            session, actor, "import", "sessions", target.id, after=audited_fields(session, target)
        )
        return "created", marks
    session.flush()
    changed = services.changes(before, audited_fields(session, target))[1]
    record_session_change(session, actor, target, before)
    return ("updated" if changed else "unchanged"), marks


def import_programme(
    session: Session,
    *,
    actor: Actor,
    programme: Any,
    display_name: str | None = None,
    now: dt.datetime | None = None,
) -> dict[str, int]:
    """Write a validated programme (sessions and attendance), all or nothing; audited.

    A session matching an existing one (same action, start, venue and type) is updated,
    never duplicated. Attendance rows replace the session's register. Each created or
    changed session (and each changed register) gets an audit entry with its before and
    after; a summary entry keeps the counts.

    Parameters
    ----------
    session
        An open database session; the caller commits.
    actor
        Needs the permissions to plan activities and take attendance.
    programme
        A :class:`~community_map.activities.ProgrammeImport`.
    display_name
        The workbook's name as the user knows it, for the error message.
    now
        The current local time (default: now): sessions starting later cannot be held
        nor have attended marks.

    Returns
    -------
    dict
        ``created``, ``updated`` (changed) and ``unchanged`` sessions, ``attendance`` rows.

    Raises
    ------
    ProgrammeImportError
        When rows would change a finalised session or its register, or hold (or mark
        attended) a session that has not started yet (each row named); nothing is
        written.

    Examples
    --------
    >>> read = programme_from_excel("programa.xlsx", **known_codes(session))  # doctest: +SKIP
    >>> import_programme(session, actor=coordinator, programme=read)  # doctest: +SKIP
    {'created': 12, 'updated': 0, 'unchanged': 0, 'attendance': 96}
    """
    require(actor, Permission.PLAN_ACTIVITIES)
    require(actor, Permission.TAKE_ATTENDANCE)
    plans = _plan_rows(session, programme)
    moment = now or dt.datetime.now()
    problems = [
        p
        for plan in plans.values()
        for p in [*_finalised_problems(session, plan), *_future_problems(plan, moment)]
    ]
    if problems:
        raise ProgrammeImportError(problems, path=display_name or _("the workbook"))
    counts = {"created": 0, "updated": 0, "unchanged": 0, "attendance": 0}
    for plan in plans.values():
        outcome, marks = _write(session, actor, plan)
        counts[outcome] += 1
        counts["attendance"] += marks
    services.record(session, actor, "import", "sessions", None, after=dict(counts))
    return counts
