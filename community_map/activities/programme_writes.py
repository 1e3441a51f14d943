"""Audited write of a validated programme workbook: sessions and attendance, all or nothing.

The workbook is read and validated by
:func:`~community_map.activities.programme_import.programme_from_excel`; nothing there
touches the database.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from community_map.models import (
    Asset,
    Attendance,
    CommunityAction,
    Invitation,
    Participant,
    SessionFacilitator,
    SessionPartner,
    SessionStatus,
)
from community_map.models import Session as SessionRow
from community_map.trust import audit as services
from community_map.trust.permissions import Actor, Permission, require

__all__ = ["import_programme"]


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
