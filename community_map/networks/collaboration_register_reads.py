"""Reads of the collaboration and referral registers, with filters.

Roles that read networks or record collaborations may read these registers. A referral's
participant is shown by pseudonymous code, and only to roles that may see participants.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import or_, select
from sqlalchemy.orm import Session, aliased

from community_map.errors import PermissionDeniedError
from community_map.i18n import gettext as _
from community_map.models import Collaboration, Participant, Professional, Referral, Service
from community_map.trust.permissions import Actor, Permission

__all__ = [
    "COLLABORATION_FRAME_COLUMNS",
    "REFERRAL_FRAME_COLUMNS",
    "collaborations_frame",
    "referrals_frame",
    "require_register_reader",
]

#: The columns of :func:`collaborations_frame`, in order.
COLLABORATION_FRAME_COLUMNS = [
    "id",
    "from_service_id",
    "from_service",
    "to_service_id",
    "to_service",
    "from_professional_id",
    "from_professional",
    "to_professional_id",
    "to_professional",
    "occurred_on",
    "kind",
    "intensity",
    "scale",
    "note",
    "version",
]

#: The columns of :func:`referrals_frame`, in order.
REFERRAL_FRAME_COLUMNS = [
    "id",
    "from_service_id",
    "from_service",
    "to_service_id",
    "to_service",
    "referred_on",
    "participant_id",
    "participant",
    "outcome",
    "outcome_on",
    "note",
    "version",
]


def require_register_reader(actor: Actor) -> None:
    """Refuse unless ``actor`` may read networks or record collaborations."""
    if not (actor.can(Permission.VIEW_NETWORKS) or actor.can(Permission.RECORD_COLLABORATIONS)):
        raise PermissionDeniedError(
            _(
                "Your role ({role}) does not allow this ({permission}). Ask an administrator."
            ).format(role=actor.role_label, permission=Permission.RECORD_COLLABORATIONS.value)
        )


def collaborations_frame(
    session: Session,
    *,
    actor: Actor,
    service_id: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    kind: str | None = None,
) -> pd.DataFrame:
    """Recorded collaborations by date, newest first, with service and professional codes.

    ``service_id`` keeps those where the service is on either side; ``start`` and ``end``
    (both included) and ``kind`` filter too.

    Examples
    --------
    >>> collaborations_frame(session, actor=actor, kind="joint_case")  # doctest: +SKIP
    """
    require_register_reader(actor)
    a, b = aliased(Service), aliased(Service)
    pa, pb = aliased(Professional), aliased(Professional)
    query = (
        select(
            Collaboration.id,
            Collaboration.from_service_id,
            a.code,
            Collaboration.to_service_id,
            b.code,
            Collaboration.from_professional_id,
            pa.code,
            Collaboration.to_professional_id,
            pb.code,
            Collaboration.occurred_on,
            Collaboration.kind,
            Collaboration.intensity,
            Collaboration.scale,
            Collaboration.note,
            Collaboration.version,
        )
        .join(a, a.id == Collaboration.from_service_id)
        .join(b, b.id == Collaboration.to_service_id)
        .outerjoin(pa, pa.id == Collaboration.from_professional_id)
        .outerjoin(pb, pb.id == Collaboration.to_professional_id)
        .order_by(Collaboration.occurred_on.desc(), Collaboration.id.desc())
    )
    if service_id is not None:
        query = query.where(
            or_(
                Collaboration.from_service_id == service_id,
                Collaboration.to_service_id == service_id,
            )
        )
    if start is not None:
        query = query.where(Collaboration.occurred_on >= start)
    if end is not None:
        query = query.where(Collaboration.occurred_on <= end)
    if kind:
        query = query.where(Collaboration.kind == kind)
    return pd.DataFrame(
        [tuple(row) for row in session.execute(query).all()], columns=COLLABORATION_FRAME_COLUMNS
    )


def referrals_frame(
    session: Session,
    *,
    actor: Actor,
    service_id: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    outcome: str | None = None,
) -> pd.DataFrame:
    """Referrals by date, newest first; the participant's code only for roles that see people.

    For other roles ``participant`` and ``participant_id`` are empty.

    Examples
    --------
    >>> referrals_frame(session, actor=actor, outcome="pending")  # doctest: +SKIP
    """
    require_register_reader(actor)
    a, b = aliased(Service), aliased(Service)
    query = (
        select(
            Referral.id,
            Referral.from_service_id,
            a.code,
            Referral.to_service_id,
            b.code,
            Referral.referred_on,
            Referral.participant_id,
            Participant.code,
            Referral.outcome,
            Referral.outcome_on,
            Referral.note,
            Referral.version,
        )
        .join(a, a.id == Referral.from_service_id)
        .join(b, b.id == Referral.to_service_id)
        .outerjoin(Participant, Participant.id == Referral.participant_id)
        .order_by(Referral.referred_on.desc(), Referral.id.desc())
    )
    if service_id is not None:
        query = query.where(
            or_(Referral.from_service_id == service_id, Referral.to_service_id == service_id)
        )
    if start is not None:
        query = query.where(Referral.referred_on >= start)
    if end is not None:
        query = query.where(Referral.referred_on <= end)
    if outcome:
        query = query.where(Referral.outcome == outcome)
    frame = pd.DataFrame(
        [tuple(row) for row in session.execute(query).all()], columns=REFERRAL_FRAME_COLUMNS
    )
    if not actor.can(Permission.VIEW_PARTICIPANTS):
        frame["participant_id"] = None
        frame["participant"] = None
    return frame
