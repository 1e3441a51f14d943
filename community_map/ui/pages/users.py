"""Users page (administrators): list, create, activate and deactivate accounts."""

from __future__ import annotations

import streamlit as st

from community_map import trust
from community_map.errors import CommunityMapError
from community_map.i18n import gettext as _
from community_map.models import ROLE_LABELS, Role
from community_map.trust import Permission
from community_map.ui import shell

actor = shell.require_permission(Permission.MANAGE_USERS)
st.title(_("Users"))

with shell.db_session() as session:
    table = trust.users_frame(session, actor=actor)

shown = table.assign(role=table["role"].map(lambda r: _(ROLE_LABELS[Role(r)])))
shell.show_table(
    shown,
    {
        "username": _("User name"),
        "display_name": _("Name"),
        "role": _("Role"),
        "is_active": _("Active"),
        "created_at": _("Created"),
        "last_login_at": _("Last login"),
    },
)

st.subheader(_("New account"))
with st.form("new_user", clear_on_submit=True):
    username = st.text_input(_("User name"), key="new_username")
    display_name = st.text_input(_("Name shown in the app"), key="new_display_name")
    role = st.selectbox(
        _("Role"), list(Role), format_func=lambda r: _(ROLE_LABELS[r]), key="new_role"
    )
    password = st.text_input(_("Password"), type="password", key="new_password")
    repeat = st.text_input(_("Repeat the password"), type="password", key="new_password2")
    create = st.form_submit_button(_("Create account"), type="primary")
if create and role is not None:
    if password != repeat:
        st.error(_("The two passwords differ; nothing was written."))
    else:
        try:
            with shell.db_session() as session:
                trust.add_user(
                    session,
                    actor=actor,
                    username=username,
                    password=password,
                    role=role,
                    display_name=display_name,
                )
        except CommunityMapError as exc:
            shell.report_error(exc)
        else:
            st.success(_("User {name} created.").format(name=username.strip().lower()))
            st.rerun()

st.subheader(_("Activate or deactivate"))
with st.form("toggle_user"):
    who = st.selectbox(_("User name"), table["username"].tolist(), key="toggle_username")
    make_active = st.radio(
        _("State"),
        [True, False],
        horizontal=True,
        key="toggle_state",
        format_func=lambda v: _("Active") if v else _("Inactive"),
    )
    apply = st.form_submit_button(_("Apply"))
if apply and who:
    try:
        with shell.db_session() as session:
            trust.set_user_active(session, actor=actor, username=who, active=make_active)
    except CommunityMapError as exc:
        shell.report_error(exc)
    else:
        st.rerun()
