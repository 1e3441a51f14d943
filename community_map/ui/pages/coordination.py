"""Coordination spaces page: spaces (motor groups, district tables, case teams), their
members, and meetings with who attended."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from community_map import networks
from community_map.errors import CommunityMapError
from community_map.i18n import gettext as _
from community_map.models import COORDINATION_KIND_LABELS, MEMBER_KIND_LABELS
from community_map.trust import Permission
from community_map.ui import map_panels, planner_forms, shell
from community_map.ui.register_panels import excel_panel, searched

actor = shell.require_permission(Permission.RECORD_COLLABORATIONS)
shell.setup_language()
lists = planner_forms.choices(map_panels.data_version())
services: dict[int, str] = lists["services"]
professionals: dict[int, str] = lists["professionals"]
st.title(_("Coordination spaces"))
st.caption(
    _(
        "Standing spaces where services, professionals, entities and residents coordinate: "
        "motor groups, district tables, case coordination teams. Two services whose members "
        "attended the same meeting are tied in the services network."
    )
)
if flash := st.session_state.pop("coordination_flash", None):
    st.success(shell.plain(flash))


def _done(message: str) -> None:
    st.session_state["coordination_flash"] = message
    st.cache_data.clear()
    st.rerun()


def _run(action: Any, message: str) -> None:
    try:
        with shell.db_session() as session:
            action(session)
    except CommunityMapError as exc:
        shell.report_error(exc)
    else:
        _done(message)


kinds = list(COORDINATION_KIND_LABELS)
with shell.db_session() as session:
    spaces = networks.spaces_frame(session, actor=actor)
shown = spaces.assign(
    kind=spaces["kind"].map(lambda k: _(COORDINATION_KIND_LABELS.get(str(k), str(k))))
)
shown = searched(shown, ["code", "name", "kind", "lead_service", "territory"], key="spaces")
shell.show_table(
    shown[["code", "name", "kind", "lead_service", "territory", "members", "meetings"]],
    {
        "code": _("Code"),
        "name": _("Name"),
        "kind": _("Kind"),
        "lead_service": _("Lead service"),
        "territory": _("Territory"),
        "members": _("Members"),
        "meetings": _("Meetings"),
    },
)

rows = {int(r.id): r for r in spaces.itertuples(index=False)}
chosen = st.selectbox(
    _("Coordination space"),
    [None, *rows],
    format_func=lambda i: (
        _("New coordination space") if i is None else f"{rows[i].code} · {rows[i].name}"
    ),
    key="space_chosen",
)
space = rows.get(chosen) if chosen is not None else None
suffix = f"{chosen}_{space.version if space is not None else 0}"
with st.form(f"space_form_{suffix}"):
    c1, c2 = st.columns(2)
    code = c1.text_input(
        _("Code"),
        space.code if space else "",
        disabled=space is not None,
        placeholder="TAULA-RAVAL",
        key=f"space_code_{suffix}",
    )
    name = c2.text_input(_("Name"), space.name if space else "", key=f"space_name_{suffix}")
    kind = c1.selectbox(
        _("Kind"),
        kinds,
        index=kinds.index(space.kind) if space else 0,
        format_func=lambda k: _(COORDINATION_KIND_LABELS[k]),
        key=f"space_kind_{suffix}",
    )
    lead_ids = [None, *services]
    lead_now = space.lead_service_id if space is not None else None
    lead = c2.selectbox(
        _("Lead service"),
        lead_ids,
        index=lead_ids.index(int(lead_now))
        if lead_now == lead_now and lead_now is not None and int(lead_now) in services
        else 0,
        format_func=lambda s: "—" if s is None else services[s],
        key=f"space_lead_{suffix}",
    )
    save_space = st.form_submit_button(_("Save the coordination space"), type="primary")
if save_space:
    territory = (
        int(space.territory_unit_id)
        if space is not None
        and space.territory_unit_id == space.territory_unit_id
        and space.territory_unit_id is not None
        else None
    )
    if space is None:
        _run(
            lambda s: networks.create_space(
                s, actor=actor, code=code, name=name, kind=kind, lead_service_id=lead
            ),
            _("Coordination space {code} saved.").format(code=code),
        )
    else:
        _run(
            lambda s: networks.update_space(
                s,
                actor=actor,
                space_id=int(space.id),
                version=int(space.version),
                name=name,
                kind=kind,
                lead_service_id=lead,
                territory_unit_id=territory,
            ),
            _("Coordination space {code} saved.").format(code=space.code),
        )

if space is not None:
    with shell.db_session() as session:
        members = networks.members_frame(session, actor=actor, space_id=int(space.id))
        meetings = networks.meetings_frame(session, actor=actor, space_id=int(space.id))
    tab_members, tab_meetings = st.tabs([_("Members"), _("Meetings")])
    with tab_members:
        shell.show_table(
            members.assign(
                member_kind=members["member_kind"].map(lambda k: _(MEMBER_KIND_LABELS[k]))
            )[["member_kind", "reference", "service"]],
            {"member_kind": _("Kind of member"), "reference": _("Member"), "service": _("Service")},
        )
        with st.form(f"member_form_{space.id}"):
            member_kind = st.selectbox(
                _("Kind of member"),
                list(MEMBER_KIND_LABELS),
                format_func=lambda k: _(MEMBER_KIND_LABELS[k]),
                key="member_kind",
            )
            c1, c2, c3 = st.columns(3)
            svc = c1.selectbox(
                _("Service"),
                [None, *services],
                format_func=lambda s: "—" if s is None else services[s],
                key="member_service",
            )
            pro = c2.selectbox(
                _("Professional"),
                [None, *professionals],
                format_func=lambda s: "—" if s is None else professionals[s],
                key="member_professional",
            )
            label = c3.text_input(
                _("Entity or resident"),
                key="member_name",
                help=_(
                    "For a resident: the name the group agreed to show, or a "
                    "participant code; never a full name."
                ),
            )
            add = st.form_submit_button(_("Add the member"))
        if add:
            _run(
                lambda s: networks.add_member(
                    s,
                    actor=actor,
                    space_id=int(space.id),
                    member_kind=member_kind,
                    service_id=svc,
                    professional_id=pro,
                    name=label,
                ),
                _("Member added."),
            )
        references = dict(zip(members["id"], members["reference"], strict=True))
        if references:
            c1, c2 = st.columns([3, 1])
            gone = c1.selectbox(
                _("Member to remove"),
                list(references),
                format_func=lambda m: str(references[m]),
                key="member_remove",
            )
            if c2.button(_("Remove"), key="member_remove_button"):
                _run(
                    lambda s: networks.remove_member(s, actor=actor, member_id=int(gone)),
                    _("Member removed."),
                )
    with tab_meetings:
        shell.show_table(
            meetings.assign(attended=meetings["attended"].map(", ".join))[
                ["id", "held_on", "attended", "note"]
            ],
            {"id": _("Number"), "held_on": _("Date"), "attended": _("Attended"), "note": _("Note")},
        )
        mrows = {int(r.id): r for r in meetings.itertuples(index=False)}
        pick = st.selectbox(
            _("Meeting to edit"),
            [None, *mrows],
            format_func=lambda i: (
                _("New meeting") if i is None else f"{i} · {mrows[i].held_on:%d/%m/%Y}"
            ),
            key=f"meeting_chosen_{space.id}",
        )
        meeting = mrows.get(pick) if pick is not None else None
        msuffix = f"{pick}_{meeting.version if meeting is not None else 0}"
        by_reference = {str(r): int(i) for i, r in references.items()}
        with st.form(f"meeting_form_{msuffix}"):
            held = st.date_input(
                _("Date"),
                meeting.held_on if meeting else dt.date.today(),
                format="DD/MM/YYYY",
                key=f"meeting_day_{msuffix}",
            )
            came = st.multiselect(
                _("Who attended"),
                list(references),
                default=[
                    by_reference[r]
                    for r in (meeting.attended if meeting else [])
                    if r in by_reference
                ],
                format_func=lambda m: str(references[m]),
                key=f"meeting_came_{msuffix}",
            )
            mnote = st.text_area(
                _("Note"), meeting.note if meeting else "", key=f"meeting_note_{msuffix}"
            )
            save_meeting = st.form_submit_button(_("Save the meeting"), type="primary")
        if save_meeting:
            if meeting is None:
                _run(
                    lambda s: networks.create_meeting(
                        s,
                        actor=actor,
                        space_id=int(space.id),
                        held_on=held,
                        note=mnote,
                        attendee_ids=came,
                    ),
                    _("Meeting saved."),
                )
            else:
                _run(
                    lambda s: networks.update_meeting(
                        s,
                        actor=actor,
                        meeting_id=int(meeting.id),
                        version=int(meeting.version),
                        held_on=held,
                        note=mnote,
                        attendee_ids=came,
                    ),
                    _("Meeting saved."),
                )
        if meeting is not None and st.button(
            _("Delete this meeting"), key=f"meeting_del_{msuffix}"
        ):
            _run(
                lambda s: networks.delete_meeting(
                    s, actor=actor, meeting_id=int(meeting.id), version=int(meeting.version)
                ),
                _("Meeting deleted."),
            )

excel_panel(
    key="coordination_excel",
    file_stem="coordination",
    template=networks.coordination_template,
    export=lambda s: networks.coordination_to_excel(s, actor=actor),
    importer=lambda s, data, name, skip: networks.import_coordination(
        s, data, actor=actor, path=name, skip_bad_rows=skip
    ),
)
