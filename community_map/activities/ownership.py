"""Whose sessions an account may change: educators their own, coordinators their service's.

The permission matrix says *what* a role may do (plan sessions, take attendance, reopen
registers); this module says *on which sessions*, from the account's link to a
professional and a service (:class:`~community_map.trust.Actor`):

* administrators, and coordinators whose account has no service (city-wide), any session;
* coordinators with a service, the sessions of an action their service leads, or that one
  of their service's professionals facilitates, or where their service is a partner;
* educators, the sessions they facilitate (their account must be linked to a professional).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session

from community_map.errors import PermissionDeniedError, ValidationError
from community_map.i18n import gettext as _
from community_map.models import (
    CommunityAction,
    Professional,
    Role,
    SessionFacilitator,
    SessionPartner,
)
from community_map.models import Session as SessionRow
from community_map.trust import Actor

__all__ = ["require_own_plan", "require_own_sessions", "sessions_in_scope"]


def _city_wide(actor: Actor) -> bool:
    return actor.role is Role.ADMIN or (actor.role is Role.COORDINATOR and not actor.service_id)


def sessions_in_scope(session: Session, actor: Actor, session_ids: Iterable[int]) -> set[int]:
    """Return the sessions among ``session_ids`` that ``actor`` may change.

    Examples
    --------
    >>> admin = Actor(username="a", role=Role.ADMIN)
    >>> sessions_in_scope(None, admin, [3, 1])  # type: ignore[arg-type]
    {1, 3}
    """
    ids = {int(i) for i in session_ids}
    if _city_wide(actor) or not ids:
        return ids
    if actor.role is Role.EDUCATOR:
        if actor.professional_id is None:
            return set()
        return set(
            session.scalars(
                select(SessionFacilitator.session_id).where(
                    SessionFacilitator.session_id.in_(ids),
                    SessionFacilitator.professional_id == actor.professional_id,
                )
            )
        )
    if actor.role is not Role.COORDINATOR:
        return set()
    led = session.scalars(
        select(SessionRow.id)
        .join(CommunityAction, CommunityAction.id == SessionRow.action_id)
        .where(SessionRow.id.in_(ids), CommunityAction.lead_service_id == actor.service_id)
    )
    facilitated = session.scalars(
        select(SessionFacilitator.session_id)
        .join(Professional, Professional.id == SessionFacilitator.professional_id)
        .where(SessionFacilitator.session_id.in_(ids), Professional.service_id == actor.service_id)
    )
    partnered = session.scalars(
        select(SessionPartner.session_id).where(
            SessionPartner.session_id.in_(ids), SessionPartner.service_id == actor.service_id
        )
    )
    return set(led) | set(facilitated) | set(partnered)


def require_own_sessions(session: Session, actor: Actor, session_ids: Iterable[int]) -> None:
    """Raise :class:`PermissionDeniedError` unless ``actor`` may change every session given."""
    ids = {int(i) for i in session_ids}
    outside = ids - sessions_in_scope(session, actor, ids)
    if not outside:
        return
    if actor.role is Role.EDUCATOR and actor.professional_id is None:
        raise PermissionDeniedError(
            _(
                "Your account is not linked to a professional, so it has no sessions of its "
                "own. Ask an administrator to link it on the Users page."
            )
        )
    if actor.role is Role.EDUCATOR:
        message = _("You can change only the sessions you facilitate (session {ids}).")
    else:
        message = _("You can change only the sessions of your service (session {ids}).")
    raise PermissionDeniedError(message.format(ids=", ".join(str(i) for i in sorted(outside))))


def require_own_plan(actor: Actor, facilitator_ids: Iterable[int]) -> None:
    """Refuse a new session an educator would not facilitate (they could not change it)."""
    if actor.role is not Role.EDUCATOR:
        return
    if actor.professional_id is None:
        raise PermissionDeniedError(
            _(
                "Your account is not linked to a professional, so it has no sessions of its "
                "own. Ask an administrator to link it on the Users page."
            )
        )
    if actor.professional_id not in {int(i) for i in facilitator_ids}:
        raise ValidationError(
            _("Add yourself as a facilitator: educators plan the sessions they facilitate.")
        )
