"""Audited writes of community actions: creating one and moving it through its phases."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from community_map.errors import NotFoundError, ValidationError
from community_map.i18n import gettext as _
from community_map.models import (
    ActionNeighbourhood,
    ActionPhase,
    CommunityAction,
    MotorGroupMember,
    Phase,
    Typology,
)
from community_map.trust import audit as services
from community_map.trust.permissions import Actor, Permission, require

__all__ = ["add_phase", "create_action"]


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
    hoods = sorted({int(unit_id) for unit_id in neighbourhood_ids})
    for unit_id in hoods:
        session.add(ActionNeighbourhood(action_id=action.id, territory_unit_id=unit_id))
    members = [dict(member) for member in motor_group]
    for member in members:
        session.add(MotorGroupMember(action_id=action.id, **member))
    session.flush()
    services.record(
        session,
        actor,
        "create",
        "community_actions",
        action.id,
        after={
            "code": action.code,
            "title": title,
            "typology": typology,
            "objectives": action.objectives,
            "lead_service_id": lead_service_id,
            "phase": action.phase,
            "neighbourhood_ids": hoods,
            "motor_group": members,
        },
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
