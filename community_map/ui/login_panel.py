"""The login form, drawn by the login page and in place of any page asked for before logging in.

Drawn in place, the browser keeps the address of the page asked for, so a successful
log-in reruns straight into it (when the role may open it).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from community_map import trust
from community_map.errors import AuthenticationError
from community_map.i18n import gettext as _
from community_map.models import ROLE_LABELS
from community_map.ui import shell

__all__ = ["draw_login"]


def draw_login() -> None:
    """Draw the login page: notices, the password form, single sign-on, demo accounts."""
    st.title(_("community_map"))
    st.write(
        _(
            "Map the assets of the territory, plan community actions and measure social ties "
            "and collaboration between services over time."
        )
    )
    notice = st.session_state.get(shell.NOTICE_KEY)
    if notice:
        st.warning(shell.plain(notice))

    with shell.db_session() as session:
        user_count = trust.account_count(session)
    if user_count == 0:
        st.info(
            _(
                "There are no accounts yet. An administrator creates the first one on the "
                "server with: community-map user add NAME --role admin"
            )
        )

    with st.form("login"):
        username = st.text_input(_("User name"), key="login_username")
        password = st.text_input(_("Password"), type="password", key="login_password")
        submitted = st.form_submit_button(_("Log in"), type="primary")
    if submitted:
        try:
            with shell.db_session() as session:
                actor = trust.authenticate(
                    session, username, password, client=shell.client_address()
                )
        except AuthenticationError as exc:
            st.error(shell.plain(str(exc)))
        else:
            shell.start_login(actor)
            st.rerun()

    if shell.sso_configured():
        if st.user.is_logged_in:
            if st.button(_("Log out of single sign-on"), key="sso_logout"):
                st.logout()
        elif st.button(_("Log in with single sign-on"), key="sso_login"):
            st.login()

    if shell.settings().demo:
        _demo_accounts()


def _demo_accounts() -> None:
    from community_map.demo import DEMO_ACCOUNTS

    st.subheader(_("Demo accounts"))
    st.caption(
        _(
            "This is a demo with invented data. Log in with one of these accounts to see "
            "what each role can do."
        )
    )
    st.dataframe(
        pd.DataFrame(
            [(name, password, _(ROLE_LABELS[role])) for name, password, role in DEMO_ACCOUNTS],
            columns=[_("User name"), _("Password"), _("Role")],
        ),
        hide_index=True,
    )
