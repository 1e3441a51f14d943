"""community_map web app: router and shared frame (language, account, navigation).

``community-map serve`` runs this file from the installed package; ``streamlit run app.py``
in a checkout runs the same through the root ``app.py``.
"""

from __future__ import annotations

import streamlit as st
from streamlit.navigation.page import StreamlitPage

from community_map.i18n import gettext as _
from community_map.trust import Actor
from community_map.ui import login_panel, shell
from community_map.ui.page_table import LOGIN_PAGE, PAGES, pages_for

__all__ = ["run"]


def _pages(actor: Actor | None) -> list[StreamlitPage]:
    """The navigation: the actor's pages; logged out, the login page under every address.

    Logged out, each page's address draws the login form in place (hidden from the
    menu), so that logging in from a deep link or a reload opens the page asked for.
    """
    specs = pages_for(actor)
    pages = [
        st.Page(
            spec.path,
            title=_(spec.title),
            icon=spec.icon,
            url_path=spec.url_path,
            default=index == 0,
        )
        for index, spec in enumerate(specs)
    ]
    if actor is None:
        pages += [
            st.Page(
                login_panel.draw_login,
                title=_(LOGIN_PAGE.title),
                icon=LOGIN_PAGE.icon,
                url_path=spec.url_path,
                visibility="hidden",
            )
            for spec in PAGES
        ]
    return pages


def run() -> None:
    """Check the login, draw the frame and run the page chosen in the navigation."""
    st.set_page_config(
        page_title="community_map", page_icon=":material/diversity_3:", layout="wide"
    )
    shell.setup_language()
    shell.engine()  # stops with a clear message if the database is unusable
    actor = shell.begin_run()
    # an administrator has 13 pages: all of them in view, no "View more" button
    navigation = st.navigation(_pages(actor), expanded=True)
    with st.sidebar:
        shell.language_selector()
        if actor is not None:
            st.caption(
                shell.plain(
                    _("Logged in as {name} ({role})").format(
                        name=actor.display_name or actor.username, role=actor.role_label
                    )
                )
            )
            if st.button(_("Log out"), icon=":material/logout:", key="logout"):
                shell.log_out()
                st.rerun()
    navigation.run()


if __name__ == "__main__":
    run()
