"""Audit log page (administrators): who changed what, and when."""

from __future__ import annotations

import streamlit as st

from community_map import trust
from community_map.i18n import gettext as _
from community_map.trust import Permission
from community_map.ui import shell

actor = shell.require_permission(Permission.VIEW_AUDIT)
st.title(_("Audit log"))

with shell.db_session() as session:
    entities = trust.audited_entities(session, actor=actor)
entity = st.selectbox(
    _("Table"), ["", *entities], key="audit_entity", format_func=lambda e: e or _("All")
)
limit = st.number_input(
    _("Entries to show"), min_value=10, max_value=5000, value=200, step=50, key="audit_limit"
)
with shell.db_session() as session:
    log = trust.audit_log_frame(session, actor=actor, limit=int(limit), entity=entity or None)

shell.show_table(
    log,
    {
        "id": "#",
        "at": _("When (UTC)"),
        "actor": _("Who"),
        "action": _("Action"),
        "entity": _("Table"),
        "entity_id": _("Record"),
        "before": _("Before"),
        "after": _("After"),
    },
)
