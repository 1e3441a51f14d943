"""Reads of the coordination register: spaces, their members and meetings with attendance.

Readable by roles that read networks or record collaborations.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased

from community_map.models import (
    CoordinationMeeting,
    CoordinationMember,
    CoordinationSpace,
    MeetingAttendance,
    Professional,
    Service,
    TerritoryUnit,
)
from community_map.networks.collaboration_register_reads import require_register_reader
from community_map.trust.permissions import Actor

__all__ = [
    "MEETING_FRAME_COLUMNS",
    "MEMBER_FRAME_COLUMNS",
    "SPACE_FRAME_COLUMNS",
    "meetings_frame",
    "members_frame",
    "spaces_frame",
]

SPACE_FRAME_COLUMNS = [
    "id",
    "code",
    "name",
    "kind",
    "lead_service_id",
    "lead_service",
    "territory_unit_id",
    "territory",
    "members",
    "meetings",
    "version",
]
MEMBER_FRAME_COLUMNS = ["id", "space_id", "space", "member_kind", "reference", "service"]
MEETING_FRAME_COLUMNS = ["id", "space_id", "space", "held_on", "note", "attended", "version"]


def spaces_frame(
    session: Session, *, actor: Actor, kind: str | None = None, service_id: int | None = None
) -> pd.DataFrame:
    """Coordination spaces by code, with lead service, territory and counts.

    ``service_id`` keeps the spaces that service leads or is a member of (directly or
    through one of its professionals).

    Examples
    --------
    >>> spaces_frame(session, actor=actor).loc[0, "code"]  # doctest: +SKIP
    'GM-RAVAL'
    """
    require_register_reader(actor)
    members = dict(
        session.execute(
            select(CoordinationMember.space_id, func.count()).group_by(CoordinationMember.space_id)
        ).all()
    )
    meetings = dict(
        session.execute(
            select(CoordinationMeeting.space_id, func.count()).group_by(
                CoordinationMeeting.space_id
            )
        ).all()
    )
    query = (
        select(
            CoordinationSpace.id,
            CoordinationSpace.code,
            CoordinationSpace.name,
            CoordinationSpace.kind,
            CoordinationSpace.lead_service_id,
            Service.code,
            CoordinationSpace.territory_unit_id,
            TerritoryUnit.name,
            CoordinationSpace.version,
        )
        .outerjoin(Service, Service.id == CoordinationSpace.lead_service_id)
        .outerjoin(TerritoryUnit, TerritoryUnit.id == CoordinationSpace.territory_unit_id)
        .order_by(CoordinationSpace.code)
    )
    if kind:
        query = query.where(CoordinationSpace.kind == kind)
    rows = session.execute(query).all()
    if service_id is not None:
        mine = set(
            members_frame(session, actor=actor).query("service_id == @service_id")["space_id"]
        )
        rows = [r for r in rows if r[4] == service_id or r[0] in mine]
    return pd.DataFrame(
        [(*r[:8], members.get(r[0], 0), meetings.get(r[0], 0), r[8]) for r in rows],
        columns=SPACE_FRAME_COLUMNS,
    )


def members_frame(session: Session, *, actor: Actor, space_id: int | None = None) -> pd.DataFrame:
    """Members of the spaces (or of one): kind, reference (service or professional code, or
    name) and the service they belong to (``service``/``service_id``; none for entities and
    residents).

    Examples
    --------
    >>> members_frame(session, actor=actor, space_id=1)["reference"].tolist()  # doctest: +SKIP
    ['CSS-RAVAL', 'P-001', 'AVV del Raval']
    """
    require_register_reader(actor)
    own, via = aliased(Service), aliased(Service)
    query = (
        select(
            CoordinationMember.id,
            CoordinationMember.space_id,
            CoordinationSpace.code,
            CoordinationMember.member_kind,
            CoordinationMember.name,
            own.code,
            Professional.code,
            via.code,
            func.coalesce(own.id, via.id),
        )
        .join(CoordinationSpace, CoordinationSpace.id == CoordinationMember.space_id)
        .outerjoin(own, own.id == CoordinationMember.service_id)
        .outerjoin(Professional, Professional.id == CoordinationMember.professional_id)
        .outerjoin(via, via.id == Professional.service_id)
        .order_by(CoordinationSpace.code, CoordinationMember.id)
    )
    if space_id is not None:
        query = query.where(CoordinationMember.space_id == space_id)
    records = []
    for (
        mid,
        sid,
        space,
        kind,
        name,
        service,
        professional,
        prof_service,
        service_id,
    ) in session.execute(query).all():
        reference = service or professional or name
        records.append((mid, sid, space, kind, reference, service or prof_service, service_id))
    return pd.DataFrame(records, columns=[*MEMBER_FRAME_COLUMNS, "service_id"])


def meetings_frame(
    session: Session,
    *,
    actor: Actor,
    space_id: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> pd.DataFrame:
    """Meetings by date, newest first, with the references of who attended (a list).

    Examples
    --------
    >>> meetings_frame(session, actor=actor, space_id=1).loc[0, "attended"]  # doctest: +SKIP
    ['CSS-RAVAL', 'P-001']
    """
    require_register_reader(actor)
    members = members_frame(session, actor=actor, space_id=space_id)
    reference = dict(zip(members["id"], members["reference"], strict=True))
    query = (
        select(
            CoordinationMeeting.id,
            CoordinationMeeting.space_id,
            CoordinationSpace.code,
            CoordinationMeeting.held_on,
            CoordinationMeeting.note,
            CoordinationMeeting.version,
        )
        .join(CoordinationSpace, CoordinationSpace.id == CoordinationMeeting.space_id)
        .order_by(CoordinationMeeting.held_on.desc(), CoordinationMeeting.id.desc())
    )
    if space_id is not None:
        query = query.where(CoordinationMeeting.space_id == space_id)
    if start is not None:
        query = query.where(CoordinationMeeting.held_on >= start)
    if end is not None:
        query = query.where(CoordinationMeeting.held_on <= end)
    attended: dict[int, list[str]] = {}
    for meeting_id, member_id in session.execute(
        select(MeetingAttendance.meeting_id, MeetingAttendance.member_id)
    ).all():
        if member_id in reference:
            attended.setdefault(meeting_id, []).append(str(reference[member_id]))
    return pd.DataFrame(
        [
            (mid, sid, code, held, note, sorted(attended.get(mid, [])), version)
            for mid, sid, code, held, note, version in session.execute(query).all()
        ],
        columns=MEETING_FRAME_COLUMNS,
    )
