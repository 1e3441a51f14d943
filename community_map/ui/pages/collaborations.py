"""Collaborations page: collaborations between services and referrals, list, filters, edit."""

from __future__ import annotations

import streamlit as st

from community_map.i18n import gettext as _
from community_map.trust import Permission
from community_map.ui import collaboration_forms, map_panels, planner_forms, shell

actor = shell.require_permission(Permission.RECORD_COLLABORATIONS)
shell.setup_language()
lists = planner_forms.choices(map_panels.data_version())
st.title(_("Collaborations"))
st.caption(
    _(
        "Collaborations between services (and their professionals) with their kind and "
        "intensity, and referrals from one service to another with their outcome. Both feed "
        "the Networks page."
    )
)
if flash := st.session_state.pop("collaborations_flash", None):
    st.success(shell.plain(flash))


tab_col, tab_ref = st.tabs([_("Collaborations"), _("Referrals")])
with tab_col:
    collaboration_forms.collaborations_tab(actor, lists)
with tab_ref:
    collaboration_forms.referrals_tab(actor, lists)
