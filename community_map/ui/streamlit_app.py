"""community_map web app: router and shared frame (language, account, navigation).

``community-map serve`` runs this file from the installed package; ``streamlit run app.py``
in a checkout runs the same through the root ``app.py``.
"""

from __future__ import annotations

import streamlit as st

from community_map.i18n import gettext as _
from community_map.ui import shell
from community_map.ui.page_table import pages_for

__all__ = ["run"]


def run() -> None:
    """Draw the frame and run the page chosen in the navigation."""
    st.set_page_config(
        page_title="community_map", page_icon=":material/diversity_3:", layout="wide"
    )
    shell.setup_language()
    shell.engine()  # stops with a clear message if the database is unusable
    actor = shell.current_actor()
    navigation = st.navigation(
        [
            st.Page(
                spec.path,
                title=_(spec.title),
                icon=spec.icon,
                url_path=spec.url_path,
                default=index == 0,
            )
            for index, spec in enumerate(pages_for(actor))
        ]
    )
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
                st.session_state.pop(shell.ACTOR_KEY, None)
                st.rerun()
    navigation.run()


if __name__ == "__main__":
    run()
