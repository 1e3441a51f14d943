"""Users page (administrators): list, create, change role and links, unlock, deactivate."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
    professionals = trust.professional_choices(session, actor=actor)

shown = table.drop(columns="professional_id").assign(
    role=table["role"].map(lambda r: _(ROLE_LABELS[Role(r)]))
)
shell.show_table(
    shown,
    {
        "username": _("User name"),
        "display_name": _("Name"),
        "role": _("Role"),
        "is_active": _("Active"),
        "professional": _("Professional"),
        "sso_email": _("Single sign-on e-mail"),
        "locked_until": _("Log-in blocked until (UTC)"),
        "created_at": _("Created"),
        "last_login_at": _("Last login"),
    },
)

ROLES = list(Role)
PROFESSIONAL_IDS: list[int | None] = [None, *professionals]
usernames = table["username"].tolist()


def _role_label(role: Role) -> str:
    return _(ROLE_LABELS[role])


def _professional_label(pid: int | None) -> str:
    return _("(none)") if pid is None else professionals[pid]


def _linked(row: Any) -> int | None:
    value = row["professional_id"]
    return None if value is None or value != value else int(value)  # NaN when unlinked


def _apply(write: Callable[..., Any], done: str, **kwargs: Any) -> None:
    """Run one audited write, then show ``done`` or the error (nothing is written on error)."""
    try:
        with shell.db_session() as session:
            write(session, actor=actor, **kwargs)
    except CommunityMapError as exc:
        shell.report_error(exc)
    else:
        st.toast(shell.plain(done))
        st.rerun()


st.subheader(_("New account"))
with st.form("new_user", clear_on_submit=True):
    username = st.text_input(_("User name"), key="new_username")
    display_name = st.text_input(_("Name shown in the app"), key="new_display_name")
    # The least privileged role is the default: an administrator is never made by accident.
    role = st.selectbox(
        _("Role"),
        ROLES,
        index=ROLES.index(Role.DISTRICT_VIEWER),
        format_func=_role_label,
        key="new_role",
    )
    professional = st.selectbox(
        _("Professional this account is"),
        PROFESSIONAL_IDS,
        format_func=_professional_label,
        key="new_professional",
    )
    password = st.text_input(_("Password"), type="password", key="new_password")
    repeat = st.text_input(_("Repeat the password"), type="password", key="new_password2")
    create = st.form_submit_button(_("Create account"), type="primary")
if create and role is not None:
    if password != repeat:
        st.error(_("The two passwords differ; nothing was written."))
    else:
        _apply(
            trust.add_user,
            _("User {name} created.").format(name=username.strip().lower()),
            username=username,
            password=password,
            role=role,
            display_name=display_name,
            professional_id=professional,
        )

st.subheader(_("Change an account"))
who = st.selectbox(_("User name"), usernames, key="edit_username")
if who:
    row = table.set_index("username").loc[who]
    current = _linked(row)
    left, right = st.columns(2)
    with left, st.form("edit_role"):
        new_role = st.selectbox(
            _("Role"),
            ROLES,
            index=ROLES.index(Role(row["role"])),
            format_func=_role_label,
            key="edit_role_value",
        )
        if st.form_submit_button(_("Change role")) and new_role is not None:
            _apply(trust.set_user_role, _("Role changed."), username=who, role=new_role)
    with right, st.form("edit_professional"):
        linked = st.selectbox(
            _("Professional this account is"),
            PROFESSIONAL_IDS,
            index=PROFESSIONAL_IDS.index(current) if current in professionals else 0,
            format_func=_professional_label,
            key="edit_professional_value",
        )
        if st.form_submit_button(_("Link")):
            _apply(
                trust.link_user_professional,
                _("Link saved."),
                username=who,
                professional_id=linked,
            )
    left, right = st.columns(2)
    with left, st.form("edit_sso"):
        email = st.text_input(
            _("Single sign-on e-mail"), value=row["sso_email"] or "", key="edit_sso_value"
        )
        if st.form_submit_button(_("Save e-mail")):
            _apply(trust.set_user_sso_email, _("E-mail saved."), username=who, email=email)
    with right, st.form("edit_active"):
        make_active = st.radio(
            _("State"),
            [True, False],
            index=0 if row["is_active"] else 1,
            horizontal=True,
            key="toggle_state",
            format_func=lambda v: _("Active") if v else _("Inactive"),
        )
        if st.form_submit_button(_("Apply")):
            _apply(trust.set_user_active, _("State changed."), username=who, active=make_active)
    if row["locked_until"] is not None and str(row["locked_until"]) != "NaT":
        st.warning(
            shell.plain(_("Log-in is blocked for {name} after repeated failures.").format(name=who))
        )
        if st.button(_("Unlock"), key="unlock_user"):
            _apply(trust.unlock_user, _("Account unlocked."), username=who)
