"""Database reads behind the conflict check of planned sessions.

Reads the saved sessions, people and venues a plan may clash with and hands them to the
pure :func:`~community_map.activities.conflicts.find_conflicts`; the audited writes
(:mod:`~community_map.activities.session_writes`) call it before saving anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from community_map.activities.conflicts import Conflict, find_conflicts
from community_map.models import (
    Asset,
    Invitation,
    Participant,
    Professional,
    SessionFacilitator,
    SessionStatus,
)
from community_map.models import Session as SessionRow

if TYPE_CHECKING:
    from community_map.activities.session_writes import SessionPlan

__all__ = ["check_conflicts"]


def _context(
    session: Session, start: dt.datetime, end: dt.datetime, exclude: set[int]
) -> dict[str, pd.DataFrame]:
    """Existing sessions overlapping [start, end] and their people and venues."""
    rows = session.execute(
        select(
            SessionRow.id,
            SessionRow.title,
            SessionRow.starts_at,
            SessionRow.ends_at,
            SessionRow.venue_asset_id,
        ).where(
            SessionRow.starts_at < end,
            SessionRow.ends_at > start,
            SessionRow.status != SessionStatus.CANCELLED.value,
        )
    ).all()
    existing = pd.DataFrame(
        rows, columns=["session_id", "title", "starts_at", "ends_at", "venue_asset_id"]
    )
    existing = existing[~existing["session_id"].isin(exclude)]
    ids = existing["session_id"].tolist()
    facilitators = pd.DataFrame(
        session.execute(
            select(
                SessionFacilitator.session_id, SessionFacilitator.professional_id, Professional.code
            )
            .join(Professional, Professional.id == SessionFacilitator.professional_id)
            .where(SessionFacilitator.session_id.in_(ids))
        ).all(),
        columns=["session_id", "professional_id", "professional_code"],
    )
    invitations = pd.DataFrame(
        session.execute(
            select(Invitation.session_id, Invitation.participant_id, Participant.code)
            .join(Participant, Participant.id == Invitation.participant_id)
            .where(Invitation.session_id.in_(ids))
        ).all(),
        columns=["session_id", "participant_id", "participant_code"],
    )
    return {"existing": existing, "facilitators": facilitators, "invitations": invitations}


def _venues(session: Session, ids: Iterable[int | None]) -> pd.DataFrame:
    wanted = [i for i in set(ids) if i is not None]
    rows = session.execute(
        select(Asset.id, Asset.name, Asset.capacity, Asset.opening_hours).where(
            Asset.id.in_(wanted)
        )
    ).all()
    return pd.DataFrame(rows, columns=["id", "name", "capacity", "opening_hours"]).set_index("id")


def check_conflicts(
    session: Session, plans: Sequence[tuple[int | None, SessionPlan]]
) -> list[Conflict]:
    """Return the conflicts of planned sessions with each other and with saved ones.

    Reads the saved sessions overlapping the plans' time window, their facilitators and
    invitations and the venues, then runs
    :func:`~community_map.activities.conflicts.find_conflicts`. Nothing is written.

    Parameters
    ----------
    session
        An open database session (only read from).
    plans
        ``(session_id or None, plan)`` pairs: the id of an edited session (so it does not
        clash with itself), None for a new one.

    Returns
    -------
    list of Conflict
        As :func:`~community_map.activities.conflicts.find_conflicts` returns them; the
        ``key`` of each is the position of its plan in ``plans``.
    """
    if not plans:
        return []
    planned = pd.DataFrame(
        [
            {
                "key": i,
                "session_id": sid,
                "title": p.title,
                "starts_at": p.starts_at,
                "ends_at": p.ends_at,
                "venue_asset_id": p.venue_asset_id,
                "capacity": p.capacity,
                "facilitator_ids": list(p.facilitator_ids),
                "participant_ids": list(p.participant_ids),
            }
            for i, (sid, p) in enumerate(plans)
        ]
    )
    start, end = planned["starts_at"].min(), planned["ends_at"].max()
    exclude = {int(s) for s in planned["session_id"].dropna()}
    context = _context(session, start, end, exclude)
    return find_conflicts(
        planned,
        context["existing"],
        facilitators=context["facilitators"],
        invitations=context["invitations"],
        venues=_venues(session, planned["venue_asset_id"]),
    )
