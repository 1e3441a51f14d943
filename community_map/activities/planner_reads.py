"""Database reads behind the planner forms: choice lists and the default invitation list.

Only reads; they return plain dicts and lists so the web app needs no SQL of its own.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from community_map.models import (
    Asset,
    CommunityAction,
    Invitation,
    Participant,
    Professional,
    Service,
)
from community_map.models import Session as SessionRow
from community_map.territory import accessibility_label
from community_map.trust import Actor, Permission, require

__all__ = ["cohort", "planner_choices"]


def planner_choices(session: Session, *, actor: Actor) -> dict[str, dict[int, Any]]:
    """Return the labels of the planner's choices by id.

    Parameters
    ----------
    session
        An open database session (only read from).
    actor
        Who plans; ``participants`` is empty unless the role may see participants.

    Returns
    -------
    dict
        ``venues`` (active assets with a capacity: ``"name · capacity · accessibility"``),
        ``venue_capacity`` (their capacity as int), ``professionals``
        (``"code · name (role)"``), ``services`` (name), ``participants`` (code) and
        ``actions`` (``"code · title"``, newest code first), each a dict keyed by id.
    """
    venues = session.execute(
        select(Asset.id, Asset.name, Asset.capacity, Asset.accessibility)
        .where(Asset.is_active.is_(True), Asset.capacity.is_not(None))
        .order_by(Asset.name)
    ).all()
    return {
        "venues": {i: f"{n} · {c} · {accessibility_label(a)}" for i, n, c, a in venues},
        "venue_capacity": {i: int(c) for i, _n, c, _a in venues if c is not None},
        "professionals": {
            i: label
            for i, label in session.execute(
                select(
                    Professional.id,
                    Professional.code
                    + " · "
                    + Professional.display_name
                    + " ("
                    + Professional.role
                    + ")",
                ).order_by(Professional.code)
            ).all()
        },
        "services": {
            i: name
            for i, name in session.execute(
                select(Service.id, Service.name).order_by(Service.name)
            ).all()
        },
        "participants": {
            i: code
            for i, code in session.execute(
                select(Participant.id, Participant.code).order_by(Participant.code)
            ).all()
        }
        if actor.can(Permission.VIEW_PARTICIPANTS)
        else {},
        "actions": {
            i: label
            for i, label in session.execute(
                select(
                    CommunityAction.id, CommunityAction.code + " · " + CommunityAction.title
                ).order_by(CommunityAction.code.desc())
            ).all()
        },
    }


def cohort(session: Session, action_id: int | None, *, actor: Actor) -> list[int]:
    """Return the participants invited to the action's latest session (default invitees).

    Parameters
    ----------
    session
        An open database session (only read from).
    action_id
        The community action; None gives an empty list.
    actor
        Who plans; must be allowed to see participants.
    """
    require(actor, Permission.VIEW_PARTICIPANTS)
    if action_id is None:
        return []
    latest = session.scalar(
        select(SessionRow.id)
        .where(SessionRow.action_id == action_id)
        .order_by(SessionRow.starts_at.desc())
        .limit(1)
    )
    if latest is None:
        return []
    return list(
        session.scalars(select(Invitation.participant_id).where(Invitation.session_id == latest))
    )
