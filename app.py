"""community_map web app: router and shared frame (language, account, navigation)."""

from __future__ import annotations

import streamlit as st

import appkit
from community_map.auth import Permission
from community_map.i18n import gettext as _

st.set_page_config(page_title="community_map", page_icon=":material/diversity_3:", layout="wide")
appkit.setup_language()
appkit.engine()  # stops with a clear message if the database is unusable

# URL paths differ from the page file names on purpose: Streamlit treats a pages/ folder
# beside the entry script as old-style pages on a process's first run (and on every
# AppTest run), and a URL path equal to a file name would then run that file directly,
# without this router.
actor = appkit.current_actor()
if actor is None:
    pages = [st.Page("pages/login.py", title=_("Log in"), icon=":material/login:",
                     url_path="sign-in", default=True)]
else:
    pages = [st.Page("pages/home.py", title=_("Home"), icon=":material/home:",
                     url_path="overview", default=True),
             st.Page("pages/map.py", title=_("Map"), icon=":material/map:",
                     url_path="territory"),
             st.Page("pages/coverage.py", title=_("Coverage"), icon=":material/radar:",
                     url_path="gaps")]
    pages.append(st.Page("pages/calendar.py", title=_("Calendar"),
                         icon=":material/calendar_month:", url_path="programme"))
    if actor.can(Permission.PLAN_ACTIVITIES):
        pages.append(st.Page("pages/actions.py", title=_("Community actions"),
                             icon=":material/diversity_3:", url_path="community-actions"))
        pages.append(st.Page("pages/planner.py", title=_("Planner"),
                             icon=":material/edit_calendar:", url_path="plan"))
    if actor.can(Permission.TAKE_ATTENDANCE):
        pages.append(st.Page("pages/attendance.py", title=_("Attendance"),
                             icon=":material/how_to_reg:", url_path="register"))
    if actor.can(Permission.VIEW_PARTICIPANTS):
        pages.append(st.Page("pages/itinerary.py", title=_("Itinerary"), icon=":material/route:",
                             url_path="participant"))
    if actor.can(Permission.VIEW_NETWORKS):
        pages.append(st.Page("pages/networks.py", title=_("Networks"), icon=":material/hub:",
                             url_path="social-networks"))
    if actor.can(Permission.IMPORT_DATA):
        pages.append(st.Page("pages/data.py", title=_("Data"), icon=":material/upload_file:",
                             url_path="imports"))
    if actor.can(Permission.MANAGE_USERS):
        pages.append(st.Page("pages/users.py", title=_("Users"), icon=":material/group:",
                             url_path="accounts"))
    if actor.can(Permission.VIEW_AUDIT):
        pages.append(st.Page("pages/audit.py", title=_("Audit log"), icon=":material/history:",
                             url_path="audit-log"))

navigation = st.navigation(pages)

with st.sidebar:
    appkit.language_selector()
    if actor is not None:
        st.caption(_("Logged in as {name} ({role})").format(
            name=actor.display_name or actor.username, role=actor.role_label))
        if st.button(_("Log out"), icon=":material/logout:", key="logout"):
            st.session_state.pop(appkit.ACTOR_KEY, None)
            st.rerun()

navigation.run()
