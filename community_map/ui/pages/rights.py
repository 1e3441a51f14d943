"""Participants' rights page: download everything held about one code, or erase it."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from community_map import trust
from community_map.errors import CommunityMapError
from community_map.i18n import gettext as _
from community_map.trust import Permission
from community_map.ui import shell

actor = shell.require_permission(Permission.MANAGE_PARTICIPANT_RIGHTS)
shell.setup_language()
st.title(_("Participants' rights"))
st.caption(
    _(
        "Subject access: download everything held about one pseudonymous code. Erasure: "
        "remove what identifies or profiles the person; their attendance stays under an "
        "anonymous code so that sessions' counts do not change. Both are recorded in the "
        "audit log."
    )
)
if done := st.session_state.pop("rights_erased", None):
    st.success(shell.plain(done))
code = (
    st.text_input(_("Participant code"), key="rights_code", placeholder="AM-XXXXX").strip().upper()
)
if not code:
    st.info(_("Write a participant's code to see what is held about them."))
    st.stop()
try:
    with shell.db_session() as session:
        summary = trust.participant_summary(session, actor=actor, code=code)
except CommunityMapError as exc:
    shell.report_error(exc)
    st.stop()

st.subheader(shell.plain(_("What is held about {code}").format(code=code)))
shell.show_table(
    pd.DataFrame(
        {"table": [_(trust.RECORD_SHEETS[n]) for n in summary], "rows": list(summary.values())}
    ),
    {"table": _("Table"), "rows": _("Rows")},
)
shell.deferred_download(
    _("Download the record (Excel)"),
    lambda session: trust.participant_record_to_excel(
        trust.participant_record(session, actor=actor, code=code)
    ),
    f"record_{code}.xlsx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    key="rights_download",
)
st.caption(_("The file is made when you click, and the download is recorded in the audit log."))

st.subheader(_("Erase this participant"))
with st.form("rights_erase"):
    reason = st.text_input(
        _("Reason"),
        key="rights_reason",
        help=_("For example the date and reference of the request; no personal details."),
    )
    confirmed = st.checkbox(
        shell.plain(
            _("I understand that the erasure of {code} cannot be undone.").format(code=code)
        ),
        key="rights_confirm",
    )
    erase = st.form_submit_button(_("Erase"), type="primary")
if erase:
    if not confirmed:
        st.error(_("Tick the confirmation first; nothing was erased."))
        st.stop()
    try:
        with shell.db_session() as session:
            report = trust.erase_participant(session, actor=actor, code=code, reason=reason)
    except CommunityMapError as exc:
        shell.report_error(exc)
    else:
        st.cache_data.clear()
        st.session_state["rights_erased"] = report.summary()
        del st.session_state["rights_code"]
        st.rerun()
