"""Forms of the Coordination spaces page: a space's members and its meetings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from community_map import networks
from community_map.errors import CommunityMapError
from community_map.i18n import gettext as _
from community_map.models import MEMBER_KIND_LABELS
from community_map.trust import Actor
from community_map.ui import shell
from community_map.ui.collaboration_forms import translated

__all__ = ["run", "space_details"]


def _done(message: str) -> None:
    st.session_state["coordination_flash"] = message
    st.cache_data.clear()
    st.rerun()


def run(action: Any, message: str) -> None:
    try:
        with shell.db_session() as session:
            action(session)
    except CommunityMapError as exc:
        shell.report_error(exc)
    else:
        _done(message)


def space_details(
    actor: Actor, space: Any, services: dict[int, str], professionals: dict[int, str]
) -> None:
    """The members tab (add, remove) and the meetings tab (who attended) of one space."""
    with shell.db_session() as session:
        members = networks.members_frame(session, actor=actor, space_id=int(space.id))
        meetings = networks.meetings_frame(session, actor=actor, space_id=int(space.id))
    tab_members, tab_meetings = st.tabs([_("Members"), _("Meetings")])
    with tab_members:
        shell.show_table(
            members.assign(member_kind=members["member_kind"].map(translated(MEMBER_KIND_LABELS)))[
                ["member_kind", "reference", "service"]
            ],
            {"member_kind": _("Kind of member"), "reference": _("Member"), "service": _("Service")},
        )
        with st.form(f"member_form_{space.id}"):
            member_kind = st.selectbox(
                _("Kind of member"),
                list(MEMBER_KIND_LABELS),
                format_func=translated(MEMBER_KIND_LABELS),
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
            run(
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
                run(
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
        new_label = _("New meeting")
        pick = st.selectbox(
            _("Meeting to edit"),
            [None, *mrows],
            format_func=lambda i: new_label if i is None else f"{i} · {mrows[i].held_on:%d/%m/%Y}",
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
                run(
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
                run(
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
            run(
                lambda s: networks.delete_meeting(
                    s, actor=actor, meeting_id=int(meeting.id), version=int(meeting.version)
                ),
                _("Meeting deleted."),
            )
