"""The coordination register as an Excel workbook: spaces, members and meetings.

Three sheets: *Spaces* (code, name, kind, lead service code, territory name), *Members*
(space code, kind, member: a service code, a professional code, or the name of an entity
or resident) and *Meetings* (number, space code, date, note, who attended as member
references separated by commas). A space whose code exists is updated; members missing
from the space are added (an import never removes a member); a meeting without a number
is added, a numbered one updated. All or nothing unless bad rows are skipped; importing
an exported file changes nothing.
"""

from __future__ import annotations

from typing import IO, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from community_map._registers import (
    CellError,
    Column,
    Outcome,
    RegisterImport,
    Sheet,
    apply_rows,
    frame_for,
    rows_from_excel,
    sheets_to_excel,
)
from community_map.i18n import N_
from community_map.i18n import gettext as _
from community_map.models import (
    COORDINATION_KIND_LABELS,
    MEMBER_KIND_LABELS,
    CoordinationMeeting,
    CoordinationSpace,
    MeetingAttendance,
    MemberKind,
    Professional,
    Service,
    TerritoryUnit,
)
from community_map.networks.coordination_register_reads import (
    meetings_frame,
    members_frame,
    spaces_frame,
)
from community_map.networks.coordination_register_writes import (
    add_member,
    create_meeting,
    create_space,
    update_meeting,
    update_space,
)
from community_map.trust.permissions import Actor, Permission, require

__all__ = [
    "MEETING_COLUMNS",
    "MEMBER_COLUMNS",
    "SPACE_COLUMNS",
    "coordination_template",
    "coordination_to_excel",
    "import_coordination",
]

SPACE_COLUMNS: tuple[Column, ...] = (
    Column("code", N_("Space code"), kind="code", required=True),
    Column("name", N_("Name"), required=True),
    Column("kind", N_("Kind"), kind="choice", required=True, choices=COORDINATION_KIND_LABELS),
    Column("lead_service", N_("Lead service code"), kind="code"),
    Column("territory", N_("Territory"), kind="code"),
)
MEMBER_COLUMNS: tuple[Column, ...] = (
    Column("space", N_("Space code"), kind="code", required=True),
    Column(
        "member_kind",
        N_("Kind of member"),
        kind="choice",
        required=True,
        choices=MEMBER_KIND_LABELS,
    ),
    Column("reference", N_("Member"), kind="code", required=True),
)
MEETING_COLUMNS: tuple[Column, ...] = (
    Column("id", N_("Number"), kind="int", minimum=1),
    Column("space", N_("Space code"), kind="code", required=True),
    Column("held_on", N_("Date"), kind="date", required=True),
    Column("note", N_("Note")),
    Column("attended", N_("Attended"), kind="codes"),
)

_SPACES, _MEMBERS, _MEETINGS = N_("Spaces"), N_("Members"), N_("Meetings")


def coordination_template() -> bytes:
    """The empty coordination workbook: Spaces, Members and Meetings sheets.

    Examples
    --------
    >>> coordination_template()[:2]
    b'PK'
    """
    return sheets_to_excel(
        [
            Sheet(_SPACES, SPACE_COLUMNS),
            Sheet(_MEMBERS, MEMBER_COLUMNS),
            Sheet(_MEETINGS, MEETING_COLUMNS),
        ]
    )


def coordination_to_excel(session: Session, *, actor: Actor) -> bytes:
    """Every coordination space with its members and meetings as the register workbook.

    Examples
    --------
    >>> coordination_to_excel(session, actor=actor)[:2]  # doctest: +SKIP
    b'PK'
    """
    spaces = spaces_frame(session, actor=actor)
    members = members_frame(session, actor=actor)
    meetings = meetings_frame(session, actor=actor).iloc[::-1]
    services = sorted(str(c) for c in session.scalars(select(Service.code)))
    codes = list(spaces["code"])
    territories = sorted({str(n) for n in session.scalars(select(TerritoryUnit.name))})
    references = sorted({*services, *(str(c) for c in session.scalars(select(Professional.code)))})
    return sheets_to_excel(
        [
            Sheet(
                _SPACES,
                SPACE_COLUMNS,
                frame_for(
                    spaces.rename(columns={"lead_service": "lead_service"})
                    .assign(territory=spaces["territory"])
                    .to_dict("records"),
                    SPACE_COLUMNS,
                ),
                {"lead_service": services, "territory": territories},
            ),
            Sheet(
                _MEMBERS,
                MEMBER_COLUMNS,
                frame_for(
                    members.rename(columns={"space": "space"}).to_dict("records"), MEMBER_COLUMNS
                ),
                {"space": codes, "reference": references},
            ),
            Sheet(
                _MEETINGS,
                MEETING_COLUMNS,
                frame_for(meetings.to_dict("records"), MEETING_COLUMNS),
                {"space": codes},
            ),
        ]
    )


def import_coordination(
    session: Session,
    source: IO[bytes] | bytes,
    *,
    actor: Actor,
    path: str = "coordination.xlsx",
    skip_bad_rows: bool = False,
) -> RegisterImport:
    """Import spaces, then members, then meetings with who attended; audited.

    Examples
    --------
    >>> import_coordination(session, open("coordination.xlsx", "rb"), actor=actor)  # doctest: +SKIP
    """
    require(actor, Permission.RECORD_COLLABORATIONS)
    raw = source if isinstance(source, bytes) else source.read()
    space_rows = rows_from_excel(raw, SPACE_COLUMNS, path=path, sheet=_SPACES)
    member_rows = rows_from_excel(
        raw, MEMBER_COLUMNS, path=path, sheet=_MEMBERS, optional_sheet=True
    )
    meeting_rows = rows_from_excel(
        raw, MEETING_COLUMNS, path=path, sheet=_MEETINGS, optional_sheet=True
    )
    services = {str(c): int(i) for i, c in session.execute(select(Service.id, Service.code))}
    professionals = {
        str(c): int(i) for i, c in session.execute(select(Professional.id, Professional.code))
    }
    territories: dict[str, int] = {}
    for tid, name in session.execute(select(TerritoryUnit.id, TerritoryUnit.name)):
        territories.setdefault(str(name).casefold(), int(tid))
    report = RegisterImport()

    def space_by_code(field: str, code: str) -> CoordinationSpace:
        space = session.scalar(select(CoordinationSpace).where(CoordinationSpace.code == code))
        if space is None:
            raise CellError(
                field,
                _(
                    "There is no coordination space with code {code}: add it on the Spaces sheet."
                ).format(code=code),
            )
        return space

    def write_space(values: dict[str, Any]) -> Outcome:
        lead = values.get("lead_service")
        if lead and lead not in services:
            raise CellError(
                "lead_service", _("There is no service with code {code}.").format(code=lead)
            )
        territory = values.get("territory")
        if territory and territory.casefold() not in territories:
            raise CellError(
                "territory",
                _("There is no district or neighbourhood called {name}.").format(name=territory),
            )
        fields = dict(
            name=values["name"],
            kind=values["kind"],
            lead_service_id=services[lead] if lead else None,
            territory_unit_id=territories[territory.casefold()] if territory else None,
        )
        space = session.scalar(
            select(CoordinationSpace).where(CoordinationSpace.code == values["code"])
        )
        if space is None:
            create_space(session, actor=actor, code=values["code"], **fields)
            return "created"
        if all(getattr(space, key) == value for key, value in fields.items()):
            return "unchanged"
        update_space(session, actor=actor, space_id=space.id, version=space.version, **fields)
        return "updated"

    def references(space_id: int) -> dict[str, int]:
        frame = members_frame(session, actor=actor, space_id=space_id)
        return {
            str(r).casefold(): int(i) for i, r in zip(frame["id"], frame["reference"], strict=True)
        }

    def write_member(values: dict[str, Any]) -> Outcome:
        space = space_by_code("space", values["space"])
        reference, kind = values["reference"], values["member_kind"]
        if reference.casefold() in references(space.id):
            return "unchanged"
        ids: dict[str, Any] = {}
        if kind == MemberKind.SERVICE:
            if reference not in services:
                raise CellError(
                    "reference", _("There is no service with code {code}.").format(code=reference)
                )
            ids["service_id"] = services[reference]
        elif kind == MemberKind.PROFESSIONAL:
            if reference not in professionals:
                raise CellError(
                    "reference",
                    _("There is no professional with code {code}.").format(code=reference),
                )
            ids["professional_id"] = professionals[reference]
        else:
            ids["name"] = reference
        add_member(session, actor=actor, space_id=space.id, member_kind=kind, **ids)
        return "created"

    def write_meeting(values: dict[str, Any]) -> Outcome:
        space = space_by_code("space", values["space"])
        known = references(space.id)
        unknown = [r for r in values.get("attended") or [] if r.casefold() not in known]
        if unknown:
            raise CellError(
                "attended",
                _("{names} are not members of {space}: add them on the Members sheet.").format(
                    names=", ".join(unknown), space=space.code
                ),
            )
        attendees = sorted({known[r.casefold()] for r in values.get("attended") or []})
        note = values.get("note") or ""
        number = values.get("id")
        if number is None:
            create_meeting(
                session,
                actor=actor,
                space_id=space.id,
                held_on=values["held_on"],
                note=note,
                attendee_ids=attendees,
            )
            return "created"
        meeting = session.get(CoordinationMeeting, number)
        if meeting is None or meeting.space_id != space.id:
            raise CellError(
                "id",
                _(
                    "There is no meeting number {n} of {space}; leave the number empty to add one."
                ).format(n=number, space=space.code),
            )
        current = sorted(
            session.scalars(
                select(MeetingAttendance.member_id).where(MeetingAttendance.meeting_id == number)
            ).all()
        )
        if (meeting.held_on, meeting.note, current) == (values["held_on"], note.strip(), attendees):
            return "unchanged"
        update_meeting(
            session,
            actor=actor,
            meeting_id=meeting.id,
            version=meeting.version,
            held_on=values["held_on"],
            note=note,
            attendee_ids=attendees,
        )
        return "updated"

    for rows, write, columns in (
        (space_rows, write_space, SPACE_COLUMNS),
        (member_rows, write_member, MEMBER_COLUMNS),
        (meeting_rows, write_meeting, MEETING_COLUMNS),
    ):
        apply_rows(
            session,
            rows,
            write,
            path=path,
            columns=columns,
            skip_bad_rows=skip_bad_rows,
            report=report,
        )
    return report
