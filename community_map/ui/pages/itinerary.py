"""Itinerary page: every session and action of one participant across the catalogue."""

from __future__ import annotations

import streamlit as st

from community_map.activities import (
    itinerary,
)
from community_map.errors import CommunityMapError
from community_map.i18n import gettext as _
from community_map.trust import Permission
from community_map.ui import planner_forms, shell

actor = shell.require_permission(Permission.VIEW_PARTICIPANTS)
shell.setup_language()
st.title(_("Participant itinerary"))
code = (
    st.text_input(_("Participant code"), key="itinerary_code", placeholder="AM-XXXXX")
    .strip()
    .upper()
)
if not code:
    st.info(_("Write a participant's code to see their itinerary."))
    st.stop()
try:
    with shell.db_session() as session:
        table = itinerary(session, code, actor=actor)
except CommunityMapError as exc:
    shell.report_error(exc)
    st.stop()
recorded = table[table.status.isin(["attended", "absent", "excused"])]
attended = int((table.status == "attended").sum())
cols = st.columns(4)
cols[0].metric(_("Sessions"), len(table))
cols[1].metric(_("Attended"), attended)
cols[2].metric(_("Attendance rate"), f"{attended / len(recorded):.0%}" if len(recorded) else "—")
cols[3].metric(_("Community actions"), int(table.action_code.nunique()))
if not table.empty:
    first, last = table.starts_at.min(), table.starts_at.max()
    st.caption(
        shell.plain(
            _("From {first} to {last}.").format(first=f"{first:%d/%m/%Y}", last=f"{last:%d/%m/%Y}")
        )
    )
statuses = {
    "attended": _("Attended"),
    "absent": _("Absent"),
    "excused": _("Excused"),
    "invited": _("Invited"),
}
shell.show_table(
    table.assign(
        type=table.type.map(planner_forms.type_label), status=table.status.map(statuses)
    ).drop(columns=["session_id"]),
    {
        "starts_at": _("Date"),
        "type": _("Type"),
        "title": _("Title"),
        "action_code": _("Code"),
        "action": _("Community action"),
        "venue": _("Venue"),
        "status": _("Attendance"),
        "walk_in": _("Walk-in"),
    },
)
