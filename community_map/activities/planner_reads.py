"""Database reads behind the planner forms: choice lists and the default invitation list.

Only reads; they return plain dicts and lists so the web app needs no SQL of its own.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from community_map.errors import NotFoundError
from community_map.i18n import gettext as _
from community_map.models import (
    Asset,
    CommunityAction,
    Invitation,
    Participant,
    Professional,
    Service,
    SessionFacilitator,
    SessionPartner,
)
from community_map.models import Session as SessionRow
from community_map.territory import accessibility_label
from community_map.trust import Actor, Permission, require

__all__ = ["cohort", "planner_choices", "session_details"]


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


def session_details(session: Session, *, actor: Actor, session_id: int) -> dict[str, Any]:
    """Return every field of a session that the planner's edit form shows and saves.

    An edit form must load all the fields it saves, or saving it would erase the ones it
    did not load (facilitators, partners, invitations, capacity, notes...).

    Parameters
    ----------
    session
        An open database session (only read from).
    actor
        The acting user; needs the permission to plan activities.
    session_id
        The session.

    Returns
    -------
    dict
        ``id``, ``version``, ``action_id``, ``series_id``, ``type``, ``title``,
        ``starts_at``, ``ends_at``, ``venue_id``, ``venue`` (its name, or ``""``),
        ``capacity``, ``notes``, ``status``, ``finalised`` and the id lists
        ``facilitator_ids``, ``partner_service_ids`` and ``participant_ids`` (invited).

    Raises
    ------
    NotFoundError
        When there is no such session.

    Examples
    --------
    >>> session_details(session, actor=educator, session_id=7)["facilitator_ids"]  # doctest: +SKIP
    [3, 5]
    """
    require(actor, Permission.PLAN_ACTIVITIES)
    row = session.get(SessionRow, session_id)
    if row is None:
        raise NotFoundError(_("There is no session {id}.").format(id=session_id))
    venue = session.get(Asset, row.venue_asset_id) if row.venue_asset_id is not None else None

    def ids(column: Any, owner: Any) -> list[int]:
        return sorted(session.scalars(select(column).where(owner == session_id)))

    return {
        "id": row.id,
        "version": row.version,
        "action_id": row.action_id,
        "series_id": row.series_id,
        "type": row.type,
        "title": row.title,
        "starts_at": row.starts_at,
        "ends_at": row.ends_at,
        "venue_id": row.venue_asset_id,
        "venue": venue.name if venue is not None else "",
        "capacity": row.capacity,
        "notes": row.notes or "",
        "status": row.status,
        "finalised": bool(row.finalised),
        "facilitator_ids": ids(SessionFacilitator.professional_id, SessionFacilitator.session_id),
        "partner_service_ids": ids(SessionPartner.service_id, SessionPartner.session_id),
        "participant_ids": ids(Invitation.participant_id, Invitation.session_id),
    }
