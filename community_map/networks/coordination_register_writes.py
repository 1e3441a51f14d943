"""Audited writes of the coordination register: spaces, their members and their meetings.

A coordination space (a motor group, a district table, an ETAC-like case coordination
team, a network table) has a unique code, a name, a kind, optionally a lead service and a
territory. Its members are services, professionals, entities or residents; an entity or a
resident is a name — for a resident, the name the group agreed to show or a participant
code, never a participant's full name. Each member has a *reference* unique in its space:
the service's code, the professional's code, or the name. Meetings have a date, a note and
who attended (members of the space). Meetings feed the inter-service network (see
:func:`community_map.networks.service_network`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified

from community_map._registers import check_version, versioned_row
from community_map.errors import NotFoundError, ValidationError
from community_map.i18n import gettext as _
from community_map.models import (
    COORDINATION_KIND_LABELS,
    MEMBER_KIND_LABELS,
    CoordinationMeeting,
    CoordinationMember,
    CoordinationSpace,
    MeetingAttendance,
    MemberKind,
    Professional,
    Service,
    TerritoryUnit,
)
from community_map.trust import audit
from community_map.trust.permissions import Actor, Permission, require

__all__ = [
    "add_member",
    "create_meeting",
    "create_space",
    "delete_meeting",
    "delete_space",
    "member_reference",
    "remove_member",
    "update_meeting",
    "update_space",
]

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$")


def _check_space(
    session: Session, name: str, kind: str, lead: int | None, territory: int | None
) -> str:
    name = name.strip()
    if not name:
        raise ValidationError(_("The coordination space needs a name, e.g. 'Taula del Raval'."))
    if len(name) > 300:
        raise ValidationError(_("Shorten the name to 300 characters at most."))
    if kind not in COORDINATION_KIND_LABELS:
        raise ValidationError(
            _("Choose one of the kinds of space: {kinds}.").format(
                kinds=", ".join(_(label) for label in COORDINATION_KIND_LABELS.values())
            )
        )
    if lead is not None and session.get(Service, lead) is None:
        raise ValidationError(
            _("There is no service {id}: pick one from the list.").format(id=lead)
        )
    if territory is not None and session.get(TerritoryUnit, territory) is None:
        raise ValidationError(
            _("There is no territory unit {id}: pick one from the list.").format(id=territory)
        )
    return name


def _space_state(space: CoordinationSpace) -> dict[str, Any]:
    return {
        "code": space.code,
        "name": space.name,
        "kind": space.kind,
        "lead_service_id": space.lead_service_id,
        "territory_unit_id": space.territory_unit_id,
    }


def create_space(
    session: Session,
    *,
    actor: Actor,
    code: str,
    name: str,
    kind: str,
    lead_service_id: int | None = None,
    territory_unit_id: int | None = None,
) -> CoordinationSpace:
    """Create a coordination space; audited.

    Examples
    --------
    >>> create_space(session, actor=actor, code="TAULA-RAVAL", name="Taula del Raval",
    ...     kind="district_table")  # doctest: +SKIP
    """
    require(actor, Permission.RECORD_COLLABORATIONS)
    code = code.strip()
    if not _CODE.match(code):
        raise ValidationError(
            _(
                "The code {code!r} is not valid: use up to 40 letters, digits, '-', '_' or "
                "'.', starting with a letter or digit, e.g. TAULA-RAVAL."
            ).format(code=code)
        )
    if session.scalar(select(CoordinationSpace.id).where(CoordinationSpace.code == code)):
        raise ValidationError(
            _("There is already a coordination space with code {code}: choose another.").format(
                code=code
            )
        )
    name = _check_space(session, name, kind, lead_service_id, territory_unit_id)
    space = CoordinationSpace(
        code=code,
        name=name,
        kind=kind,
        lead_service_id=lead_service_id,
        territory_unit_id=territory_unit_id,
    )
    session.add(space)
    session.flush()
    audit.record(
        session, actor, "create", "coordination_spaces", space.id, after=_space_state(space)
    )
    return space


def _space(session: Session, space_id: int, version: int | None) -> CoordinationSpace:
    missing = _("There is no coordination space {id}.").format(id=space_id)
    space: CoordinationSpace = versioned_row(
        session,
        CoordinationSpace,
        space_id,
        version,
        missing=missing,
        what=_("this coordination space"),
    )
    return space


def update_space(
    session: Session,
    *,
    actor: Actor,
    space_id: int,
    version: int,
    name: str,
    kind: str,
    lead_service_id: int | None = None,
    territory_unit_id: int | None = None,
) -> CoordinationSpace:
    """Change a coordination space read at ``version`` (its code stays); audited.

    Examples
    --------
    >>> update_space(session, actor=actor, space_id=1, version=1, name="Taula",
    ...     kind="network_table")  # doctest: +SKIP
    """
    require(actor, Permission.RECORD_COLLABORATIONS)
    space = _space(session, space_id, version)
    name = _check_space(session, name, kind, lead_service_id, territory_unit_id)
    before = _space_state(space)
    space.name, space.kind = name, kind
    space.lead_service_id, space.territory_unit_id = lead_service_id, territory_unit_id
    after = _space_state(space)
    if before != after:
        session.flush()
        old, new = audit.changes(before, after)
        audit.record(
            session, actor, "update", "coordination_spaces", space.id, before=old, after=new
        )
    return space


def delete_space(session: Session, *, actor: Actor, space_id: int, version: int) -> None:
    """Delete a coordination space without meetings, and its members; audited.

    Examples
    --------
    >>> delete_space(session, actor=actor, space_id=1, version=1)  # doctest: +SKIP
    """
    require(actor, Permission.RECORD_COLLABORATIONS)
    space = _space(session, space_id, version)
    meetings = session.scalar(select(func.count()).where(CoordinationMeeting.space_id == space_id))
    if meetings:
        raise ValidationError(
            _(
                "The space {code} has {n} meetings recorded: delete them first if they were "
                "recorded by mistake."
            ).format(code=space.code, n=meetings)
        )
    before = _space_state(space)
    before["members"] = [member_reference(session, m) for m in _members(session, space_id)]
    session.execute(delete(CoordinationMember).where(CoordinationMember.space_id == space_id))
    session.delete(space)
    session.flush()
    audit.record(session, actor, "delete", "coordination_spaces", space_id, before=before)


# members ---------------------------------------------------------------------------------


def _members(session: Session, space_id: int) -> list[CoordinationMember]:
    return list(
        session.scalars(
            select(CoordinationMember)
            .where(CoordinationMember.space_id == space_id)
            .order_by(CoordinationMember.id)
        )
    )


def member_reference(session: Session, member: CoordinationMember) -> str:
    """How a member is named in lists and workbooks: service or professional code, or name.

    Examples
    --------
    >>> member_reference(session, member)  # doctest: +SKIP
    'CSS-RAVAL'
    """
    if member.member_kind == MemberKind.SERVICE and member.service_id is not None:
        service = session.get(Service, member.service_id)
        return service.code if service is not None else ""
    if member.member_kind == MemberKind.PROFESSIONAL and member.professional_id is not None:
        professional = session.get(Professional, member.professional_id)
        return professional.code if professional is not None else ""
    return member.name


def add_member(
    session: Session,
    *,
    actor: Actor,
    space_id: int,
    member_kind: str,
    service_id: int | None = None,
    professional_id: int | None = None,
    name: str = "",
) -> CoordinationMember:
    """Add a member to a space: a service, a professional, or an entity or resident by name.

    A resident's name is the one the group agreed to show, or a participant code: never a
    participant's full name. A member already in the space is refused.

    Examples
    --------
    >>> add_member(session, actor=actor, space_id=1, member_kind="entity",
    ...     name="AVV del Raval")  # doctest: +SKIP
    """
    require(actor, Permission.RECORD_COLLABORATIONS)
    space = _space(session, space_id, None)
    if member_kind not in MEMBER_KIND_LABELS:
        raise ValidationError(
            _("Choose one of the kinds of member: {kinds}.").format(
                kinds=", ".join(_(label) for label in MEMBER_KIND_LABELS.values())
            )
        )
    fields: dict[str, Any] = {"service_id": None, "professional_id": None, "name": ""}
    if member_kind == MemberKind.SERVICE:
        if service_id is None or session.get(Service, service_id) is None:
            raise ValidationError(_("Choose the service that is a member."))
        fields["service_id"] = service_id
    elif member_kind == MemberKind.PROFESSIONAL:
        if professional_id is None or session.get(Professional, professional_id) is None:
            raise ValidationError(_("Choose the professional who is a member."))
        fields["professional_id"] = professional_id
    else:
        clean = name.strip()
        if not clean:
            raise ValidationError(
                _(
                    "Write the entity's name, or for a resident the name the group agreed "
                    "to show (or a participant code)."
                )
            )
        if len(clean) > 200:
            raise ValidationError(_("Shorten the name to 200 characters at most."))
        fields["name"] = clean
    member = CoordinationMember(space_id=space.id, member_kind=member_kind, **fields)
    reference = member_reference(session, member)
    taken = {member_reference(session, m).casefold() for m in _members(session, space.id)}
    if reference.casefold() in taken:
        raise ValidationError(
            _("{member} is already a member of {space}.").format(member=reference, space=space.code)
        )
    session.add(member)
    session.flush()
    audit.record(
        session,
        actor,
        "create",
        "coordination_members",
        member.id,
        after={"space": space.code, "member_kind": member_kind, "member": reference},
    )
    return member


def remove_member(session: Session, *, actor: Actor, member_id: int) -> None:
    """Remove a member who attended no meeting (the meetings they attended keep them).

    Examples
    --------
    >>> remove_member(session, actor=actor, member_id=3)  # doctest: +SKIP
    """
    require(actor, Permission.RECORD_COLLABORATIONS)
    member = session.get(CoordinationMember, member_id)
    if member is None:
        raise NotFoundError(_("There is no member {id}.").format(id=member_id))
    reference = member_reference(session, member)
    attended = session.scalar(select(func.count()).where(MeetingAttendance.member_id == member_id))
    if attended:
        raise ValidationError(
            _(
                "{member} attended {n} meetings; a member who attended meetings stays in the "
                "space so that the meetings keep who came."
            ).format(member=reference, n=attended)
        )
    space = session.get(CoordinationSpace, member.space_id)
    before = {
        "space": space.code if space else None,
        "member_kind": member.member_kind,
        "member": reference,
    }
    session.delete(member)
    session.flush()
    audit.record(session, actor, "delete", "coordination_members", member_id, before=before)


# meetings --------------------------------------------------------------------------------


def _attendees(session: Session, space_id: int, member_ids: Iterable[int]) -> list[int]:
    chosen = sorted({int(m) for m in member_ids})
    members = {m.id for m in _members(session, space_id)}
    strangers = [m for m in chosen if m not in members]
    if strangers:
        raise ValidationError(
            _("Only members of the space can attend its meetings: add them to the space first.")
        )
    return chosen


def _meeting_state(session: Session, meeting: CoordinationMeeting) -> dict[str, Any]:
    ids = session.scalars(
        select(MeetingAttendance.member_id).where(MeetingAttendance.meeting_id == meeting.id)
    ).all()
    refs = sorted(
        member_reference(session, m)
        for m in (session.get(CoordinationMember, i) for i in ids)
        if m is not None
    )
    return {"held_on": meeting.held_on.isoformat(), "note": meeting.note, "attended": refs}


def _set_attendance(session: Session, meeting_id: int, member_ids: list[int]) -> None:
    session.execute(delete(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting_id))
    session.add_all(MeetingAttendance(meeting_id=meeting_id, member_id=m) for m in member_ids)
    session.flush()


def create_meeting(
    session: Session,
    *,
    actor: Actor,
    space_id: int,
    held_on: dt.date,
    note: str = "",
    attendee_ids: Iterable[int] = (),
) -> CoordinationMeeting:
    """Record a meeting of a space and who attended (member ids of the space); audited.

    Examples
    --------
    >>> create_meeting(session, actor=actor, space_id=1, held_on=dt.date(2023, 2, 7),
    ...     attendee_ids=[1, 2])  # doctest: +SKIP
    """
    require(actor, Permission.RECORD_COLLABORATIONS)
    space = _space(session, space_id, None)
    if not isinstance(held_on, dt.date):
        raise ValidationError(_("Give the date of the meeting."))
    chosen = _attendees(session, space.id, attendee_ids)
    meeting = CoordinationMeeting(space_id=space.id, held_on=held_on, note=note.strip())
    session.add(meeting)
    session.flush()
    _set_attendance(session, meeting.id, chosen)
    audit.record(
        session,
        actor,
        "create",
        "coordination_meetings",
        meeting.id,
        after={"space": space.code, **_meeting_state(session, meeting)},
    )
    return meeting


def _meeting(session: Session, meeting_id: int, version: int | None) -> CoordinationMeeting:
    meeting = session.get(CoordinationMeeting, meeting_id)
    if meeting is None:
        raise NotFoundError(_("There is no meeting {id}.").format(id=meeting_id))
    check_version(meeting, version, _("this meeting"))
    return meeting


def update_meeting(
    session: Session,
    *,
    actor: Actor,
    meeting_id: int,
    version: int,
    held_on: dt.date,
    note: str = "",
    attendee_ids: Iterable[int] = (),
) -> CoordinationMeeting:
    """Change a meeting read at ``version``: date, note and who attended; audited.

    Examples
    --------
    >>> update_meeting(session, actor=actor, meeting_id=1, version=1,
    ...     held_on=dt.date(2023, 2, 7), attendee_ids=[1, 2, 3])  # doctest: +SKIP
    """
    require(actor, Permission.RECORD_COLLABORATIONS)
    meeting = _meeting(session, meeting_id, version)
    if not isinstance(held_on, dt.date):
        raise ValidationError(_("Give the date of the meeting."))
    chosen = _attendees(session, meeting.space_id, attendee_ids)
    before = _meeting_state(session, meeting)
    current = sorted(
        session.scalars(
            select(MeetingAttendance.member_id).where(MeetingAttendance.meeting_id == meeting.id)
        ).all()
    )
    if current != chosen:
        _set_attendance(session, meeting.id, chosen)
    meeting.held_on, meeting.note = held_on, note.strip()
    after = _meeting_state(session, meeting)
    if before != after:
        flag_modified(meeting, "note")  # attendance alone changed: the version moves on too
        session.flush()
        old, new = audit.changes(before, after)
        audit.record(
            session, actor, "update", "coordination_meetings", meeting.id, before=old, after=new
        )
    return meeting


def delete_meeting(session: Session, *, actor: Actor, meeting_id: int, version: int) -> None:
    """Delete a meeting read at ``version`` and its attendance; audited with what it held.

    Examples
    --------
    >>> delete_meeting(session, actor=actor, meeting_id=1, version=1)  # doctest: +SKIP
    """
    require(actor, Permission.RECORD_COLLABORATIONS)
    meeting = _meeting(session, meeting_id, version)
    space = session.get(CoordinationSpace, meeting.space_id)
    before = {"space": space.code if space else None, **_meeting_state(session, meeting)}
    session.execute(delete(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting_id))
    session.delete(meeting)
    session.flush()
    audit.record(session, actor, "delete", "coordination_meetings", meeting_id, before=before)
